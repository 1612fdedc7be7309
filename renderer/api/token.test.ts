import { describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY } from '../../shared/transport.js';
import { extractToken, resolveToken } from './token.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('extractToken', () => {
  it('takes the token and removes it, keeping path, other params and hash', () => {
    expect(extractToken('http://127.0.0.1:4321/?token=abc123')).toEqual({ token: 'abc123', cleanedUrl: 'http://127.0.0.1:4321/' });
    expect(extractToken('http://127.0.0.1:4321/index.html?x=1&token=abc&y=2#/targets')).toEqual({
      token: 'abc',
      cleanedUrl: 'http://127.0.0.1:4321/index.html?x=1&y=2#/targets',
    });
  });

  it('decodes encoded tokens', () => {
    expect(extractToken('http://h/?token=a%2Bb%2Fc%3D').token).toBe('a+b/c=');
  });

  it('reports nothing to clean when there is no token', () => {
    expect(extractToken('http://127.0.0.1:4321/#/projects')).toEqual({ token: null, cleanedUrl: null });
    expect(extractToken('not a url')).toEqual({ token: null, cleanedUrl: null });
  });

  it('cleans an empty token but does not return it', () => {
    expect(extractToken('http://h/?token=#/jobs')).toEqual({ token: null, cleanedUrl: 'http://h/#/jobs' });
  });
});

describe('resolveToken', () => {
  it('stores a token from the address and cleans the address', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const token = resolveToken({ href: 'http://127.0.0.1:9/?token=t1#/jobs', storage, replaceUrl: (u) => replaced.push(u) });
    expect(token).toBe('t1');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('t1');
    expect(replaced).toEqual(['http://127.0.0.1:9/#/jobs']);
  });

  it('uses the stored token on later reloads, without touching the address', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'kept' });
    const replaced: string[] = [];
    expect(resolveToken({ href: 'http://127.0.0.1:9/#/jobs', storage, replaceUrl: (u) => replaced.push(u) })).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('prefers a new token in the address over the stored one', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'old' });
    expect(resolveToken({ href: 'http://h/?token=new', storage, replaceUrl: () => undefined })).toBe('new');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('new');
  });

  it('returns null without a token anywhere, and survives storage that throws', () => {
    expect(resolveToken({ href: 'http://h/', storage: memoryStorage(), replaceUrl: () => undefined })).toBeNull();
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(resolveToken({ href: 'http://h/?token=x', storage: broken, replaceUrl: () => undefined })).toBe('x');
    expect(resolveToken({ href: 'http://h/', storage: broken, replaceUrl: () => undefined })).toBeNull();
  });
});
