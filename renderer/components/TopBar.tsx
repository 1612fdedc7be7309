import { labelOf } from '../lib/views.js';
import { selectTheme, useApp } from '../store/app.js';
import { useDesktop } from '../store/desktop.js';
import { activeProjects, useProjects } from '../store/projects.js';

export function TopBar() {
  const view = useApp((s) => s.view);
  const projectId = useApp((s) => s.projectId);
  const setProject = useApp((s) => s.setProject);
  const theme = useApp(selectTheme);
  const toggleTheme = useApp((s) => s.toggleTheme);
  const openSettings = useDesktop((s) => s.openSettings);
  const info = useApp((s) => s.info);
  const projects = useProjects((s) => s.projects);
  const choices = activeProjects(projects);
  const nextTheme = theme === 'dark' ? 'light' : 'dark';

  return (
    <header className="topbar">
      <div className="topbar-context">
        {info ? (
          <>
            <span>Workspace</span>
            <span className="mono" title={`Workspace: ${info.workspaceDir}\nSecrets: ${info.secretsBackend}\nPlatform: ${info.platform}`}>
              {info.workspaceDir}
            </span>
          </>
        ) : (
          <span>{labelOf(view)}</span>
        )}
      </div>
      <div className="topbar-controls">
        <label className="switcher">
          <span className="switcher-label">Project</span>
          <select
            data-testid="project-switcher"
            value={projectId ?? ''}
            onChange={(e) => setProject(e.target.value || null)}
            aria-label="Current project"
          >
            <option value="">All projects</option>
            {choices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-ghost theme-toggle"
          data-testid="theme-toggle"
          onClick={toggleTheme}
          aria-label={`Switch to ${nextTheme} theme`}
          title={`Switch to ${nextTheme} theme`}
        >
          <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
          <span className="theme-toggle-text">{theme === 'dark' ? 'Light' : 'Dark'}</span>
        </button>
        <button type="button" className="button button-ghost" data-testid="open-settings" onClick={openSettings} title="Updates and diagnostics">
          Settings
        </button>
        {info ? (
          <span className="topbar-info" title={`${info.name} ${info.version}, ${info.shell} shell, secrets: ${info.secretsBackend}`}>
            v{info.version} · {info.shell === 'browser' ? 'browser' : 'desktop'}
          </span>
        ) : null}
      </div>
    </header>
  );
}
