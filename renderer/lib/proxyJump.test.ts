import { describe, expect, it } from 'vitest';
import { formatProxyJump, moveHop, parseProxyJump, validateHops } from './proxyJump.js';

describe('proxyJump', () => {
  it('parses user@host:port lists', () => {
    expect(parseProxyJump('alice@gw.example.edu:2222, bastion ,,[fe80::1]:2200')).toEqual([
      { user: 'alice', host: 'gw.example.edu', port: '2222' },
      { user: '', host: 'bastion', port: '' },
      { user: '', host: 'fe80::1', port: '2200' },
    ]);
    expect(parseProxyJump('')).toEqual([]);
    expect(parseProxyJump(null)).toEqual([]);
  });
  it('formats and round-trips, leaving out port 22 and empty hops', () => {
    const hops = [
      { user: 'alice', host: 'gw', port: '2222' },
      { user: '', host: 'bastion', port: '22' },
      { user: 'x', host: '', port: '' },
      { user: '', host: 'fe80::1', port: '2200' },
    ];
    const s = formatProxyJump(hops);
    expect(s).toBe('alice@gw:2222,bastion,[fe80::1]:2200');
    expect(formatProxyJump(parseProxyJump(s))).toBe(s);
  });
  it('validates hops', () => {
    expect(validateHops([{ user: '', host: 'gw', port: '' }])).toEqual({});
    expect(Object.keys(validateHops([{ user: '', host: '', port: '' }, { user: '', host: 'a b', port: '' }, { user: '', host: 'h', port: '70000' }]))).toEqual(['0', '1', '2']);
  });
  it('reorders', () => {
    expect(moveHop(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveHop(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
