// A JSON syntax scanner, used only when JSON.parse has failed (to say where and why, in words a researcher can
// act on, without echoing megabytes of input) and to find where one JSON value ends inside other bytes.
// Iterative: nesting depth costs no call stack.

export type ScanResult = { ok: true; end: number } | { ok: false; at: number; reason: string };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Scan one JSON value starting at `start` (after optional whitespace). `end` is the index just past it. */
export function scanJsonValue(s: string, start = 0): ScanResult {
  const stack: number[] = []; // 0x7b '{' or 0x5b '['
  let i = start;
  let state: 'value' | 'key' | 'after' = 'value';
  const ws = () => {
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const fail = (reason: string): ScanResult => ({ ok: false, at: i, reason });
  const unexpected = (what: string): ScanResult =>
    i >= s.length ? fail(`the text ends where ${what} should be`) : fail(`expected ${what}, found ${show(s, i)}`);
  const str = (): ScanResult | null => {
    // s[i] === '"'
    i++;
    for (;;) {
      if (i >= s.length) return fail('the text ends inside a string');
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return fail('a string holds a raw control character (line break or tab); JSON needs it escaped');
      if (c === 0x5c) {
        const e = s.charAt(i + 1);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return fail('a \\u escape needs four hex digits');
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else return fail(e === '' ? 'the text ends inside a string' : `"\\${e}" is not a JSON escape`);
      } else i++;
    }
  };
  for (;;) {
    ws();
    if (state === 'value') {
      const c = s.charAt(i);
      if (c === '{') {
        i++;
        ws();
        if (s.charAt(i) === '}') {
          i++;
          state = 'after';
        } else {
          stack.push(0x7b);
          state = 'key';
        }
      } else if (c === '[') {
        i++;
        ws();
        if (s.charAt(i) === ']') {
          i++;
          state = 'after';
        } else {
          stack.push(0x5b);
          state = 'value';
        }
      } else if (c === '"') {
        const r = str();
        if (r) return r;
        state = 'after';
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(s);
        if (!m || m[0] === '-') return fail(`${show(s, i)} does not start a valid number`);
        i += m[0].length;
        state = 'after';
      } else if (s.startsWith('true', i) || s.startsWith('null', i)) {
        i += 4;
        state = 'after';
      } else if (s.startsWith('false', i)) {
        i += 5;
        state = 'after';
      } else if (s.startsWith('NaN', i) || s.startsWith('Infinity', i) || s.startsWith('-Infinity', i)) {
        return fail('NaN and Infinity are not allowed in JSON');
      } else return unexpected('a value');
    } else if (state === 'key') {
      if (s.charAt(i) !== '"') return unexpected('a quoted key');
      const r = str();
      if (r) return r;
      ws();
      if (s.charAt(i) !== ':') return unexpected('":" after a key');
      i++;
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return { ok: true, end: i };
      const c = s.charAt(i);
      if (c === ',') {
        i++;
        state = top === 0x7b ? 'key' : 'value';
      } else if ((c === '}' && top === 0x7b) || (c === ']' && top === 0x5b)) {
        i++;
        stack.pop();
      } else return unexpected(top === 0x7b ? '"," or "}"' : '"," or "]"');
    }
  }
}

/** Why `s` is not one JSON value: `{at, reason}` (at = 0-based index), or null if it is valid JSON after all. */
export function jsonError(s: string): { at: number; reason: string } | null {
  const r = scanJsonValue(s, 0);
  if (!r.ok) return { at: r.at, reason: r.reason };
  let i = r.end;
  while (i < s.length && ' \n\r\t'.includes(s.charAt(i))) i++;
  if (i < s.length) return { at: i, reason: `unexpected text after the JSON value: ${show(s, i)}` };
  return null;
}

function show(s: string, i: number): string {
  const cp = s.codePointAt(i);
  if (cp === undefined) return 'the end of the text';
  const ch = String.fromCodePoint(cp);
  return cp < 0x20 ? `character U+${cp.toString(16).padStart(4, '0').toUpperCase()}` : `"${ch}"`;
}

/** A short excerpt around index `at` for messages: `…"seeds": [1, 2,, 3]…`. */
export function excerpt(s: string, at: number, radius = 30): string {
  const a = Math.max(0, at - radius);
  const b = Math.min(s.length, at + radius);
  const clean = (t: string) => t.replace(/[\u0000-\u001f]/g, ' ');
  return `${a > 0 ? '…' : ''}${clean(s.slice(a, b))}${b < s.length ? '…' : ''}`;
}
