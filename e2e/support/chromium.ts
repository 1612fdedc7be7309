// SimDeck's browser tests use the system Chromium (Debian's /usr/bin/chromium): no browser download.
// The flags keep Chromium from reaching for Google services on a machine without a network.
import fs from 'node:fs';

export function chromiumPath(): string {
  const candidates = [process.env.SIMDECK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('No Chromium found. Install Debian\'s chromium (apt-get install chromium) or set SIMDECK_CHROMIUM.');
  return found;
}

export function chromiumLaunchOptions() {
  return {
    executablePath: chromiumPath(),
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  };
}
