// A small "Copy" button for commands, paths and files shown on screen. Where the clipboard is refused, the text on
// screen (the `target` element) is selected so the researcher can press Ctrl+C.
import { useState, type RefObject } from 'react';
import { copyText } from '../lib/clipboard.js';
import { toast } from '../store/toasts.js';

export function CopyButton({ text, label, what, target, testId }: {
  text: string;
  /** Accessible name, e.g. "Copy the SHA1". */
  label: string;
  /** What was copied, for the confirmation ("SHA1"). */
  what: string;
  target?: RefObject<Element | null>;
  testId?: string;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const outcome = await copyText(text, target?.current ?? null);
    if (outcome === 'copied') {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } else if (outcome === 'selected') {
      toast('info', `The clipboard is not available here; the ${what} is selected, press Ctrl+C (⌘C on a Mac) to copy it.`);
    } else {
      toast('warning', `Could not copy the ${what}; select it on screen and copy it by hand.`);
    }
  };
  return (
    <button type="button" className="button button-small copy-button" onClick={() => void copy()} aria-label={label} title={label} data-testid={testId}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
