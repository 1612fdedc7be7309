import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPythonIdentifier, isPythonModulePath, pyStr } from './python.js';

const PYTHON = '/usr/bin/python3';
const root = mkdtempSync(path.join(os.tmpdir(), 'simdeck-py-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const NASTY = [
  '',
  '/home/alice/outputs',
  '/tmp/we"ird\'s/pa\\th',
  'C:\\Users\\alice\\new\\table',
  'trailing backslash\\',
  'line1\nline2\r\nline3\r',
  'tab\there',
  'ünïcødé ✓ 🧬 漢字',
  '\u2028sep\u2029 \u0085 \u000b \u000c \u001c',
  'nul\u0000byte',
  'lone \ud800 high and \udc00 low',
  '$(rm -rf ~) `id` ${HOME}',
  '"""', "'''", '\\"', '\\n',
  '\u007f\u0080\u009f',
  '\ufeffbom \u200e\u202e rtl',
  '# not a comment',
  '{x}',
];

describe('pyStr', () => {
  it('every literal reads back as exactly the string (real Python)', () => {
    const file = path.join(root, 'lits.py');
    writeFileSync(file, `LITS = [\n${NASTY.map((s) => `    ${pyStr(s)},`).join('\n')}\n]\n`, 'utf8');
    const out = execFileSync(
      PYTHON,
      ['-c', 'import ast,json,sys; t=ast.parse(open(sys.argv[1],encoding="utf-8").read()); print(json.dumps(ast.literal_eval(t.body[0].value)))', file],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(NASTY);
  });

  it('is one physical line of printable text', () => {
    for (const s of NASTY) {
      const lit = pyStr(s);
      expect(lit).not.toMatch(/[\n\r\u2028\u2029\u0085\u000b\u000c\u0000]/);
      expect(lit.startsWith('"') && lit.endsWith('"')).toBe(true);
    }
    expect(pyStr('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(pyStr('é🧬')).toBe('"é🧬"');
  });
});

describe('identifiers', () => {
  it('accepts identifiers, rejects keywords and code', () => {
    expect(isPythonIdentifier('my_first_protocol')).toBe(true);
    expect(isPythonIdentifier('_p2')).toBe(true);
    for (const bad of ['class', 'None', '2x', '<lambda>', 'a b', 'a;import os', 'a.b', '']) expect(isPythonIdentifier(bad), bad).toBe(false);
    expect(isPythonModulePath('my_pkg.protocols')).toBe(true);
    expect(isPythonModulePath('my_pkg..protocols')).toBe(false);
    expect(isPythonModulePath('os; import sys')).toBe(false);
  });
});
