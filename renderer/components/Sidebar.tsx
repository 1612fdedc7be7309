// The sidebar: a navigation list. Up/Down (and Home/End) move focus between areas, Enter opens one.
import { useRef } from 'react';
import { VIEWS, hashForView, type ViewId } from '../lib/views.js';
import { useApp } from '../store/app.js';

const ICONS: Record<ViewId, string> = {
  projects: '▤',
  targets: '◎',
  jobs: '≡',
  umbrella: '⋔',
  fleets: '⊞',
  fah: '✣',
  reproduce: '↻',
  monitor: '◔',
  activity: '☰',
};

export function Sidebar() {
  const view = useApp((s) => s.view);
  const navigate = useApp((s) => s.navigate);
  const listRef = useRef<HTMLUListElement>(null);

  const onKeyDown = (e: React.KeyboardEvent<HTMLUListElement>) => {
    const links = [...(listRef.current?.querySelectorAll<HTMLAnchorElement>('a') ?? [])];
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = i < 0 ? 0 : (i + 1) % links.length;
    else if (e.key === 'ArrowUp') next = i < 0 ? links.length - 1 : (i - 1 + links.length) % links.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = links.length - 1;
    if (next >= 0) {
      e.preventDefault();
      links[next]?.focus();
    }
  };

  return (
    <nav className="sidebar" aria-label="SimDeck areas">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span className="brand-name">SimDeck</span>
      </div>
      <ul className="nav-list" ref={listRef} onKeyDown={onKeyDown}>
        {VIEWS.map((v, i) => (
          <li key={v.id}>
            <a
              href={hashForView(v.id)}
              className={`nav-item${view === v.id ? ' active' : ''}`}
              aria-current={view === v.id ? 'page' : undefined}
              data-testid={`nav-${v.id}`}
              aria-keyshortcuts={`Alt+${i + 1}`}
              title={`${v.label} (Alt+${i + 1})`}
              onClick={(e) => {
                if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                e.preventDefault();
                navigate(v.id);
              }}
            >
              <span className="nav-icon" aria-hidden="true">
                {ICONS[v.id]}
              </span>
              <span className="nav-label">{v.label}</span>
              <kbd className="nav-key" aria-hidden="true">
                {i + 1}
              </kbd>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
