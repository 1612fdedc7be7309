// Which Folding@home work server and project the area shows. Kept outside the views so leaving the area and
// coming back returns to the same page; the data itself is loaded by the pages (views/fah/use*.ts), which
// follow `fah.changed` and `fah.cert`.
import { create } from 'zustand';

interface FahStore {
  /** The work server (target id) shown; null = the first one. */
  targetId: string | null;
  /** The open project page, or null for the work server's page. */
  project: number | null;
  setTarget(id: string): void;
  openProject(project: number | null): void;
}

export const useFah = create<FahStore>()((set) => ({
  targetId: null,
  project: null,
  // Another work server has other projects: back to its page.
  setTarget: (id) => set({ targetId: id, project: null }),
  openProject: (project) => set({ project }),
}));
