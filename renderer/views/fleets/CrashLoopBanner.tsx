// A loud line when members restart over and over (3 restarts within 5 minutes): usually a bad image, command or
// broker URL, and workers that never take a task.
export function CrashLoopBanner({ members }: { members: readonly string[] }) {
  if (members.length === 0) return null;
  return (
    <div className="callout callout-warning crash-loop" role="alert" data-testid="fleet-crashloop-banner">
      <span className="callout-icon" aria-hidden="true">
        !
      </span>
      <div className="callout-body">
        <p>
          <strong>
            {members.length} member{members.length === 1 ? ' is' : 's are'} crash-looping
          </strong>{' '}
          (restarted 3 times within 5 minutes). Open the logs of one to see why.
        </p>
        <ul className="issue-list mono">
          {members.map((m) => (
            <li key={m} data-testid="fleet-crashloop-member">
              {m}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
