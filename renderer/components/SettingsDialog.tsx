// Settings: whether SimDeck updates itself (desktop app only) and from where, the updater's status, and the
// diagnostics a bug report needs. Opened from the top bar or the desktop menu (app.open {kind:'settings'}).
import { useState } from 'react';
import { toApiError } from '../../shared/client.js';
import { coreLogPath, feedUrlError, updateHeadline } from '../lib/desktop.js';
import { formatTime } from '../lib/format.js';
import { useApp } from '../store/app.js';
import { useDesktop } from '../store/desktop.js';
import { toast, toastError } from '../store/toasts.js';
import { CopyDiagnosticsButton } from './CopyDiagnosticsButton.js';
import { CopyButton } from './CopyButton.js';
import { Dialog } from './Dialog.js';
import { FormField } from './FormField.js';

export function SettingsDialog() {
  const open = useDesktop((s) => s.settingsOpen);
  return open ? <SettingsBody /> : null;
}

function SettingsBody() {
  const close = useDesktop((s) => s.closeSettings);
  const shell = useApp((s) => s.shell);
  const footer = (
    <button type="button" className="button" onClick={close} data-testid="settings-close">
      Close
    </button>
  );
  return (
    <Dialog title="Settings" onClose={close} testId="settings-dialog" footer={footer}>
      <div className="stack">
        <section className="settings-section" aria-labelledby="settings-updates">
          <h3 className="section-title" id="settings-updates">
            Updates
          </h3>
          {shell === 'browser' ? <BrowserUpdatesNote /> : <DesktopUpdates />}
        </section>
        <DiagnosticsSection />
      </div>
    </Dialog>
  );
}

function BrowserUpdatesNote() {
  return (
    <p className="muted" data-testid="updates-browser-note">
      SimDeck served with <code>simdeck serve</code> does not update itself. Update it the way you installed it (npm, your
      package manager or <code>git pull</code>), then restart <code>simdeck serve</code>.
    </p>
  );
}

function DesktopUpdates() {
  const settings = useDesktop((s) => s.settings);
  const error = useDesktop((s) => s.settingsError);
  const save = useDesktop((s) => s.saveUpdates);
  if (error) return <p className="form-error">Could not read the settings: {error}</p>;
  if (!settings) return <p className="muted">Loading…</p>;
  const setEnabled = (enabled: boolean) => save({ enabled }).catch((err) => void toastError(err, 'Could not change the update setting'));
  return (
    <>
      <label className="toggle">
        <input
          type="checkbox"
          role="switch"
          checked={settings.updates.enabled}
          onChange={(e) => void setEnabled(e.target.checked)}
          data-testid="updates-enabled"
        />
        Check for updates automatically
      </label>
      <FeedField key={settings.updates.feedUrl ?? ''} saved={settings.updates.feedUrl} />
      <UpdateStatusView />
    </>
  );
}

function FeedField({ saved }: { saved: string | null }) {
  const save = useDesktop((s) => s.saveUpdates);
  const [draft, setDraft] = useState(saved ?? '');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await save({ feedUrl: draft.trim() || null });
      setError(null);
      toast('success', draft.trim() ? 'SimDeck will look for updates at the new feed.' : 'SimDeck uses the release’s own update feed again.');
    } catch (err) {
      const apiErr = toApiError(err);
      if (apiErr.code === 'INVALID_INPUT') setError(feedUrlError(apiErr));
      else toastError(apiErr, 'Could not save the update feed');
    }
  };
  return (
    <form className="form-row settings-feed" onSubmit={(e) => void submit(e)} noValidate>
      <FormField label="Update feed" error={error} hint="Leave empty for the feed this release was built with (GitHub releases). https only.">
        <input
          type="text"
          inputMode="url"
          value={draft}
          placeholder="https://updates.example.edu/simdeck/"
          onChange={(e) => setDraft(e.target.value)}
          data-testid="update-feed-url"
          spellCheck={false}
        />
      </FormField>
      <button type="submit" className="button" data-testid="update-feed-save" disabled={draft.trim() === (saved ?? '')}>
        Save
      </button>
    </form>
  );
}

function UpdateStatusView() {
  const status = useDesktop((s) => s.update);
  if (!status) return <p className="muted" data-testid="update-status">The updater has not reported yet.</p>;
  return (
    <div className="settings-status" data-testid="update-status" data-state={status.state} aria-live="polite">
      <div>
        <strong>{updateHeadline(status)}</strong> <span className="muted">· SimDeck {status.current}</span>
      </div>
      {status.state === 'downloading' && status.percent !== null ? (
        <progress max={100} value={status.percent} aria-label="Download progress" />
      ) : null}
      {status.message ? <div className="field-hint">{status.message}</div> : null}
      <div className="field-hint">Last checked: {status.checkedAt ? formatTime(status.checkedAt) : 'not yet'}</div>
    </div>
  );
}

function DiagnosticsSection() {
  const info = useApp((s) => s.info);
  const log = info ? coreLogPath(info.workspaceDir, info.platform) : null;
  return (
    <section className="settings-section" aria-labelledby="settings-diagnostics">
      <h3 className="section-title" id="settings-diagnostics">
        Diagnostics
      </h3>
      <p className="muted">
        For a bug report: versions, platform, recent errors and the end of the log, with passwords and tokens removed.
      </p>
      <div className="button-row">
        <CopyDiagnosticsButton testId="copy-diagnostics" />
      </div>
      {log ? (
        <div className="settings-log">
          <span className="field-label">Log file</span>
          <code className="mono" data-testid="settings-log-path">
            {log}
          </code>
          <CopyButton text={log} label="Copy the log file's path" what="log file path" />
        </div>
      ) : null}
    </section>
  );
}
