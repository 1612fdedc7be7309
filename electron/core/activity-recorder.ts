// Records remote actions in the activity log and tells the UI about them as they start and finish.
import type { ActivityEntry } from '../../shared/domain.js';
import type { Activity } from '../workspace/activity.js';
import type { ActivityRecorder } from './adapter.js';
import type { Redactor } from './redactor.js';

export function createActivityRecorder(
  activity: Activity,
  redactor: Redactor,
  emit: (entry: ActivityEntry) => void,
): ActivityRecorder {
  return {
    async run(entry, work) {
      const started = activity.append({ ...entry, command: redactor.text(entry.command), outcome: 'started' });
      emit(started);
      try {
        const result = await work();
        emit(activity.finish(started.id, 'ok', ''));
        return result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        emit(activity.finish(started.id, 'error', redactor.text(message)));
        throw err;
      }
    },
  };
}
