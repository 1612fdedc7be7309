// Copy text to the clipboard; where the clipboard API is missing or refused, select the text on screen so the
// user can press Ctrl+C / ⌘C.
export type CopyOutcome = 'copied' | 'selected' | 'failed';

export async function copyText(text: string, fallbackElement?: Element | null): Promise<CopyOutcome> {
  try {
    if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return 'copied';
    }
  } catch {
    /* fall back to selecting */
  }
  if (fallbackElement && typeof window !== 'undefined' && window.getSelection) {
    const range = document.createRange();
    range.selectNodeContents(fallbackElement);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    // The desktop app denies every permission, clipboard included; copying a selection during a click still works.
    try {
      if (document.execCommand?.('copy')) return 'copied';
    } catch {
      /* leave the text selected */
    }
    return 'selected';
  }
  return 'failed';
}
