// Python source helpers for generated scripts: string literals that read back as exactly the given string, and
// identifier checks for names that come from a record (a record is data, never code).

/**
 * A double-quoted Python 3 string literal that evaluates to exactly `s`. Printable characters (including non-ASCII)
 * stay as they are, the file being UTF-8; quotes, backslashes, control characters, line/paragraph separators,
 * BOM and lone surrogates are escaped, so a literal is always one physical line of valid UTF-8.
 */
export function pyStr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + (s[i + 1] as string);
        i++;
      } else {
        out += `\\u${c.toString(16).padStart(4, '0')}`;
      }
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
      continue;
    }
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case '"':
        out += '\\"';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      // Line separators, BOM, zero-width and bidirectional controls: escaped so the source shows what it holds.
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

export const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** Whether `name` can be written as a plain Python identifier (ASCII letters, digits, underscore; not a keyword). */
export function isPythonIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

/** Whether `name` is a dotted module path of identifiers (`protocols`, `my_pkg.protocols`). */
export function isPythonModulePath(name: string): boolean {
  return name.split('.').every(isPythonIdentifier);
}
