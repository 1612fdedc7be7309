// An image whose default command keeps running, for fleet tests: broker and backend run their image's default
// command, and the test bed's busybox image (CMD sh) exits at once. Committed from busybox, no registry needed.
import type Docker from 'dockerode';

export const IDLE_IMAGE = 'local/idle:latest';

export async function ensureIdleImage(docker: Docker, baseImage: string): Promise<string> {
  try {
    await docker.getImage(IDLE_IMAGE).inspect();
    return IDLE_IMAGE;
  } catch {
    // made below
  }
  const c = await docker.createContainer({ Image: baseImage, Cmd: ['true'] });
  try {
    await c.commit({ repo: 'local/idle', tag: 'latest', changes: 'CMD ["sleep","3600"]' });
  } finally {
    await c.remove();
  }
  return IDLE_IMAGE;
}
