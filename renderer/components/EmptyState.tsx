import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  children: ReactNode;
  action?: ReactNode;
  testId?: string;
  icon?: string;
}

export function EmptyState({ title, children, action, testId, icon }: EmptyStateProps) {
  return (
    <section className="empty-state" data-testid={testId ?? 'empty-state'}>
      {icon ? (
        <div className="empty-icon" aria-hidden="true">
          {icon}
        </div>
      ) : null}
      <h2>{title}</h2>
      <div className="empty-text">{children}</div>
      {action ? <div className="empty-action">{action}</div> : null}
    </section>
  );
}
