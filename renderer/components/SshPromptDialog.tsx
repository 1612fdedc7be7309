// Keyboard-interactive (2FA) questions from a cluster. Inputs are uncontrolled and emptied after sending: the answers
// go to ssh.answerPrompt and are kept nowhere.
import { useRef, useState, type FormEvent } from 'react';
import { toApiError } from '../../shared/client.js';
import { api } from '../api/index.js';
import { useSshPrompts } from '../store/sshPrompts.js';
import { Dialog } from './Dialog.js';

export function SshPromptDialog() {
  const prompt = useSshPrompts((s) => s.queue[0]);
  const done = useSshPrompts((s) => s.done);
  const formRef = useRef<HTMLFormElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!prompt) return null;

  const clear = () => formRef.current?.querySelectorAll('input').forEach((i) => (i.value = ''));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !formRef.current) return;
    const answers = [...formRef.current.querySelectorAll<HTMLInputElement>('input[data-answer]')].map((i) => i.value);
    clear();
    setBusy(true);
    setError(null);
    try {
      await api().ssh.answerPrompt({ promptId: prompt.promptId, answers });
      done(prompt.promptId);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    clear();
    // An empty answer lets the server fail the login instead of waiting for a timeout.
    void api()
      .ssh.answerPrompt({ promptId: prompt.promptId, answers: prompt.prompts.map(() => '') })
      .catch(() => undefined);
    done(prompt.promptId);
  };

  return (
    <Dialog title={prompt.name || `Login to ${prompt.host}`} onClose={cancel} testId="prompt-dialog">
      <form ref={formRef} className="stack" onSubmit={submit} key={prompt.promptId} autoComplete="off">
        <p className="muted">
          <strong className="mono">{prompt.host}</strong> asks{prompt.prompts.length > 1 ? ' these questions' : ''} to log in. SimDeck sends your answer
          straight to the server and does not keep it.
        </p>
        {prompt.instructions ? <p className="pre">{prompt.instructions}</p> : null}
        {prompt.prompts.map((p, i) => (
          <label key={i} className="field">
            <span className="field-label">{p.prompt.trim() || `Answer ${i + 1}`}</span>
            <input
              type={p.echo ? 'text' : 'password'}
              data-answer
              data-testid="prompt-input"
              data-autofocus={i === 0 ? true : undefined}
              autoComplete="one-time-code"
              spellCheck={false}
            />
          </label>
        ))}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={cancel}>
            Cancel login
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="prompt-submit">
            {busy ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
