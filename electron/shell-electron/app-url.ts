// Which URLs are "the app": exactly the built index.html as a file:// URL, or, in development, the Vite dev
// server's origin. Every check parses with the URL parser; a string prefix test would let
// `file:///…/index.html.evil.html` or `http://localhost:5173.evil.example` through (Electron security checklist #13).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type AppUrlCheck = (url: string) => boolean;

export interface AppLocation {
  /** Absolute path of dist/renderer/index.html. */
  indexFile: string;
  /** SIMDECK_DEV_URL when developing against the Vite dev server; its origin is then the app. */
  devUrl?: string;
}

export function createAppUrlCheck(location: AppLocation): AppUrlCheck {
  const indexFile = normalize(path.resolve(location.indexFile));
  const devOrigin = location.devUrl ? httpOrigin(location.devUrl) : null;
  return (url) => {
    const parsed = parse(url);
    if (!parsed) return false;
    if (devOrigin !== null) return parsed.origin === devOrigin;
    return parsed.protocol === 'file:' && filePath(parsed) === indexFile;
  };
}

/** The origin of an http(s) URL; anything else is refused so a typo cannot widen the allowlist to file://. */
export function httpOrigin(url: string): string {
  const parsed = parse(url);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error(`SIMDECK_DEV_URL must be an http(s) URL such as http://localhost:5173, not "${url}"`);
  }
  return parsed.origin;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

// Query and fragment are ignored (hash routing), but the path must be the index file itself. fileURLToPath
// rejects hosts (file://evil/…) and encoded slashes, which we treat as "not the app".
function filePath(url: URL): string | null {
  try {
    return normalize(fileURLToPath(url));
  } catch {
    return null;
  }
}

function normalize(p: string): string {
  return process.platform === 'win32' ? p.toLowerCase() : p;
}
