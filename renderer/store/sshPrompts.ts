// Keyboard-interactive (2FA) questions pushed by the core, shown one at a time. Answers are never kept here.
import { create } from 'zustand';
import type { SshPrompt } from '../../shared/slurm.js';

interface PromptsStore {
  queue: SshPrompt[];
  push(p: SshPrompt): void;
  done(promptId: string): void;
}

export const useSshPrompts = create<PromptsStore>()((set) => ({
  queue: [],
  push: (p) => set((s) => ({ queue: [...s.queue.filter((q) => q.promptId !== p.promptId), p] })),
  done: (promptId) => set((s) => ({ queue: s.queue.filter((q) => q.promptId !== promptId) })),
}));
