import { ApiError } from '../../../shared/errors.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type ReproduceMethod = Extract<keyof Handlers, `reproduce.${string}`>;

// Wired to electron/reproduce as its modules land; until then each call says so plainly.
export function reproduceHandlers(_s: Services): Pick<Handlers, ReproduceMethod> {
  const notYet = () => {
    throw new ApiError('UNAVAILABLE', 'Reproduce is being built into this version of SimDeck and is not ready yet.');
  };
  return {
    'reproduce.inspect': notYet,
    'reproduce.managers': notYet,
    'reproduce.planRecreate': notYet,
    'reproduce.recreate': notYet,
    'reproduce.runs': notYet,
    'reproduce.cancel': notYet,
    'reproduce.getRepo': notYet,
    'reproduce.setRepo': notYet,
    'reproduce.script': notYet,
    'reproduce.run': notYet,
    'reproduce.compare': notYet,
  };
}
