// The page of an area whose launcher arrives with its backend: what the area is for and what to do first.
import type { ReactNode } from 'react';
import { EmptyState } from './EmptyState.js';
import { PageHeader } from './PageHeader.js';
import type { ViewId } from '../lib/views.js';
import { useApp } from '../store/app.js';

export function AreaPlaceholder({ id, title, lede, icon, emptyTitle, children, cta }: {
  id: string;
  title: string;
  lede: ReactNode;
  icon: string;
  emptyTitle: string;
  children: ReactNode;
  cta?: { label: string; view: ViewId };
}) {
  const navigate = useApp((s) => s.navigate);
  return (
    <div className="view" data-testid={`view-${id}`}>
      <PageHeader title={title}>{lede}</PageHeader>
      <EmptyState
        title={emptyTitle}
        icon={icon}
        testId={`${id}-empty`}
        action={
          cta ? (
            <button type="button" className="button button-primary" onClick={() => navigate(cta.view)}>
              {cta.label}
            </button>
          ) : undefined
        }
      >
        {children}
      </EmptyState>
    </div>
  );
}

