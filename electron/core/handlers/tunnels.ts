// Named port forwards through clusters (see electron/tunnels/).
import type { TunnelsBackend } from '../../tunnels/backend.js';
import type { Handlers } from '../router.js';

type TunnelsMethod = Extract<keyof Handlers, `tunnels.${string}`>;

export function tunnelsHandlers(b: TunnelsBackend): Pick<Handlers, TunnelsMethod> {
  return {
    'tunnels.list': () => b.list(),
    'tunnels.create': (p) => b.create(p),
    'tunnels.start': (p) => b.start(p.id),
    'tunnels.stop': (p) => b.stop(p.id),
    'tunnels.delete': async (p) => {
      await b.remove(p.id);
      return { deleted: true as const };
    },
  };
}
