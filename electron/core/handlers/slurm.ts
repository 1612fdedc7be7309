import { ApiError } from '../../../shared/errors.js';
import type { Handlers } from '../router.js';

type SlurmMethod = Extract<keyof Handlers, `ssh.${string}` | `slurm.${string}` | 'clusters.status'>;

// SLURM job control is being built (host-key trust, pooled connections, submit/observe/act); until each part is
// wired, its call says so plainly instead of pretending.
export function slurmHandlers(): Pick<Handlers, SlurmMethod> {
  const notYet = () => {
    throw new ApiError('UNAVAILABLE', 'SLURM job control is not ready in this version of SimDeck yet; connection checks work under Targets.');
  };
  return {
    'ssh.hostKeys': notYet,
    'ssh.trustHostKey': notYet,
    'ssh.forgetHostKey': notYet,
    'ssh.configHosts': notYet,
    'ssh.answerPrompt': notYet,
    'clusters.status': () => [],
    'slurm.preview': notYet,
    'slurm.submit': notYet,
    'slurm.act': notYet,
    'slurm.job': notYet,
    'slurm.foreign': notYet,
    'slurm.adopt': notYet,
    'slurm.poll': notYet,
  };
}
