import type { Target, TargetCheck, TargetKind } from '../../../shared/domain.js';
import { adapterFor } from '../adapters.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type TargetHandlers = Pick<
  Handlers,
  | 'targets.list'
  | 'targets.create'
  | 'targets.update'
  | 'targets.delete'
  | 'targets.attachSecret'
  | 'targets.detachSecret'
  | 'targets.check'
>;

/** Target kinds whose check needs more than the adapter (e.g. Folding@home: the certificate in the workspace). */
export type TargetChecks = Partial<Record<TargetKind, (t: Target) => Promise<TargetCheck>>>;

export function targetHandlers(s: Services, checks: TargetChecks = {}): TargetHandlers {
  const changed = <T extends { id: string }>(t: T): T => {
    s.emit('targets.changed', { targetId: t.id });
    return t;
  };
  return {
    'targets.list': () => s.targets.list(),
    'targets.create': (p) => changed(s.targets.create(p)),
    'targets.update': (p) => changed(s.targets.update(p.id, p)),
    'targets.delete': (p) => {
      const secretIds = Object.values(s.targets.get(p.id).secretRefs);
      s.targets.delete(p.id, p.confirmName);
      // The target's credentials go with it, unless another target still uses the same secret.
      const stillUsed = new Set(s.targets.list().flatMap((t) => Object.values(t.secretRefs)));
      for (const id of secretIds) if (!stillUsed.has(id)) s.secrets.delete(id);
      s.emit('targets.changed', { targetId: p.id });
      return { deleted: true as const };
    },
    'targets.attachSecret': async (p) => {
      // Fails with NOT_FOUND before linking a secret that does not exist.
      if (!s.secrets.list().some((x) => x.id === p.secretId)) {
        await s.secrets.reveal(p.secretId);
      }
      return changed(s.targets.attachSecret(p.id, p.role, p.secretId));
    },
    'targets.detachSecret': (p) => changed(s.targets.detachSecret(p.id, p.role)),
    'targets.check': async (p) => {
      const target = s.targets.get(p.id);
      const special = checks[target.kind];
      if (special) return special(target);
      const adapter = await adapterFor(target.kind);
      return adapter.connect(target, s.adapterContext);
    },
  };
}
