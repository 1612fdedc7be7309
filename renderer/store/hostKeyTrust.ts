// withHostKeyTrust(call): runs a call; when the core refuses an unseen host key (CONFIRMATION_REQUIRED with a
// fingerprint) it asks the researcher through HostKeyDialog, trusts the key with ssh.trustHostKey and runs the call
// again. A changed or revoked key (FORBIDDEN with a fingerprint) is shown in red, with no way around it.
import { create } from 'zustand';
import { api } from '../api/index.js';
import { hostKeyProblem, type HostKeyProblem } from '../lib/hostKey.js';

interface Pending {
  problem: HostKeyProblem;
  resolve: (trusted: boolean) => void;
}

interface HostKeyStore {
  pending: Pending | null;
  ask(problem: HostKeyProblem): Promise<boolean>;
  answer(trusted: boolean): void;
}

export const useHostKeyTrust = create<HostKeyStore>()((set, get) => ({
  pending: null,
  ask: (problem) =>
    new Promise<boolean>((resolve) => {
      get().pending?.resolve(false);
      set({ pending: { problem, resolve } });
    }),
  answer: (trusted) => {
    const p = get().pending;
    set({ pending: null });
    p?.resolve(trusted);
  },
}));

/** Thrown when the researcher cancels the host key dialog; callers can ignore it quietly. */
export class HostKeyDeclined extends Error {
  constructor() {
    super('The host key was not trusted; nothing was sent.');
    this.name = 'HostKeyDeclined';
  }
}

export async function withHostKeyTrust<T>(call: () => Promise<T>, maxPrompts = 3): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const problem = hostKeyProblem(err);
      if (!problem) throw err;
      const trusted = await useHostKeyTrust.getState().ask(problem);
      if (problem.kind === 'changed') throw err;
      if (!trusted) throw new HostKeyDeclined();
      if (attempt >= maxPrompts) throw err;
      await api().ssh.trustHostKey(problem.key);
    }
  }
}
