// "Copy diagnostics": asks the core for its report (versions, platform, recent errors and log lines, secrets
// removed) and copies it. Where the clipboard is refused (the desktop app denies it; some browsers too), the report
// is shown and selected so the researcher can press Ctrl+C, as CopyButton does.
import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { api } from '../api/index.js';
import { copyText } from '../lib/clipboard.js';
import { toast, toastError } from '../store/toasts.js';

export function CopyDiagnosticsButton({ testId, className }: { testId: string; className?: string }) {
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);

  const copy = async () => {
    setBusy(true);
    try {
      const { text } = await api().app.diagnostics();
      let outcome = await copyText(text);
      if (outcome !== 'copied') {
        flushSync(() => setShown(text)); // the fallback needs the text on screen to select it
        outcome = await copyText(text, pre.current);
      }
      report(outcome);
    } catch (err) {
      toastError(err, 'Could not collect diagnostics');
    } finally {
      setBusy(false);
    }
  };

  const report = (outcome: Awaited<ReturnType<typeof copyText>>) => {
    if (outcome === 'copied') {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
      toast('success', 'Diagnostics copied; paste them into your bug report or email.');
    } else if (outcome === 'selected') {
      toast('info', 'The clipboard is not available here; the diagnostics are selected, press Ctrl+C (⌘C on a Mac) to copy them.');
    } else {
      toast('warning', 'Could not copy the diagnostics; select them on screen and copy them by hand.');
    }
  };

  return (
    <>
      <button type="button" className={className ?? 'button'} onClick={() => void copy()} disabled={busy} data-testid={testId}>
        {copied ? 'Copied' : busy ? 'Collecting…' : 'Copy diagnostics'}
      </button>
      {shown !== null ? (
        <pre ref={pre} className="diagnostics-text mono" data-testid={`${testId}-text`} tabIndex={0} aria-label="Diagnostics">
          {shown}
        </pre>
      ) : null}
    </>
  );
}
