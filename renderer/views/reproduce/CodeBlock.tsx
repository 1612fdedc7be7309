// A monospace block (environment file, manifest, script, command) with a copy button; optionally collapsible.
import { useId, useRef, useState } from 'react';
import { CopyButton } from '../../components/CopyButton.js';

export function CodeBlock({ title, text, what, testId, collapsible = false, defaultOpen = true, tall = false, wrap = false }: {
  title: string;
  text: string;
  /** What the copy button copies, e.g. "environment file". */
  what: string;
  testId?: string;
  collapsible?: boolean;
  defaultOpen?: boolean;
  /** Long texts (lock files, scripts) get more room before they scroll. */
  tall?: boolean;
  /** Wrap long lines (commands) instead of scrolling sideways (files, scripts). */
  wrap?: boolean;
}) {
  const [open, setOpen] = useState(!collapsible || defaultOpen);
  const preRef = useRef<HTMLPreElement>(null);
  const id = useId();
  const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return (
    <div className="code-block">
      <div className="code-block-head">
        {collapsible ? (
          <button type="button" className="disclosure" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
            <span className="disclosure-mark" aria-hidden="true">
              {open ? '▾' : '▸'}
            </span>
            {title}
          </button>
        ) : (
          <span className="code-block-title">{title}</span>
        )}
        <span className="muted code-block-meta">
          {lines} {lines === 1 ? 'line' : 'lines'}
        </span>
        <CopyButton text={text} label={`Copy the ${what}`} what={what} target={preRef} />
      </div>
      <pre id={id} ref={preRef} className={`code${tall ? ' code-tall' : ''}${wrap ? ' command-pre' : ''}`} hidden={!open} data-testid={testId} tabIndex={0} aria-label={title}>
        {text}
      </pre>
    </div>
  );
}
