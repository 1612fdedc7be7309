// The browser shell is opened as http://127.0.0.1:PORT/?token=XYZ. The token is kept in sessionStorage (it
// survives reloads of this tab, not the browser) and removed from the address bar so it does not end up in
// bookmarks, screenshots or the history list.
import { TOKEN_STORAGE_KEY } from '../../shared/transport.js';

export interface TokenInUrl {
  /** The token in the query, or null when there is none (or it is empty). */
  token: string | null;
  /** The same URL without the token (query, hash and path kept), or null when nothing needs cleaning. */
  cleanedUrl: string | null;
}

export function extractToken(href: string): TokenInUrl {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { token: null, cleanedUrl: null };
  }
  if (!url.searchParams.has('token')) return { token: null, cleanedUrl: null };
  const token = url.searchParams.get('token')?.trim() || null;
  url.searchParams.delete('token');
  if ([...url.searchParams.keys()].length === 0) url.search = '';
  return { token, cleanedUrl: url.toString() };
}

export interface TokenEnv {
  href: string;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  replaceUrl: (url: string) => void;
}

/** Reads the token from the address (storing it and cleaning the address) or from sessionStorage. */
export function resolveToken(env: TokenEnv): string | null {
  const { token, cleanedUrl } = extractToken(env.href);
  if (token) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      /* storage disabled: the token still works for this page load */
    }
  }
  if (cleanedUrl) env.replaceUrl(cleanedUrl);
  if (token) return token;
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}
