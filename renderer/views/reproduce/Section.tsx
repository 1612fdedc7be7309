// A titled part of the record view.
import type { ReactNode } from 'react';

export function Section({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="record-section" data-testid={testId} aria-label={title}>
      <div className="record-section-head">
        <h3 className="section-title">{title}</h3>
        {actions}
      </div>
      {children}
    </section>
  );
}
