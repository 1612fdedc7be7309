import { useEffect, useRef, type ReactNode } from 'react';
import { useApp } from '../store/app.js';

/** The heading of an area; it takes focus when the user jumps here with Alt+N. */
export function PageHeader({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const focusHeading = useApp((s) => s.focusHeading);
  useEffect(() => {
    if (!focusHeading) return;
    ref.current?.focus();
    useApp.setState({ focusHeading: false });
  }, [focusHeading]);
  return (
    <div className="page-header">
      <div>
        <h1 ref={ref} tabIndex={-1}>
          {title}
        </h1>
        {children ? <p className="page-lede">{children}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}
