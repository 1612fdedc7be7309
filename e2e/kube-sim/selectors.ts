// Label and field selectors as the API server parses them (k8s.io/apimachinery/pkg/labels): comma-separated
// requirements, all of which must hold. Set-based terms (`in`, `notin`) contain commas inside parentheses.
import { ApiError } from './util.js';

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

function bad(sel: string, why: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to parse requirement: ${why} (selector "${sel}")`);
}

function checkKey(sel: string, key: string): string {
  if (!KEY.test(key)) throw bad(sel, `invalid label key "${key}"`);
  return key;
}

function checkValue(sel: string, v: string): string {
  if (!VALUE.test(v) || v.length > 63) throw bad(sel, `invalid label value: "${v}"`);
  return v;
}

export function parseLabelSelector(sel: string | null | undefined): Requirement[] {
  if (!sel) return [];
  return splitTerms(sel).map((term): Requirement => {
    let m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
    if (m) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
        .map((v) => checkValue(sel, v));
      return { key: checkKey(sel, m[1] ?? ''), op: m[2] === 'in' ? 'in' : 'notin', values };
    }
    m = /^!\s*(\S+)$/.exec(term);
    if (m) return { key: checkKey(sel, m[1] ?? ''), op: 'notexists' };
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m) return { key: checkKey(sel, m[1] ?? ''), op: m[2] === '!=' ? 'neq' : 'eq', value: checkValue(sel, m[3] ?? '') };
    if (/^\S+$/.test(term)) return { key: checkKey(sel, term), op: 'exists' };
    throw bad(sel, `cannot parse "${term}"`);
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.value;
      case 'neq':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v ?? '');
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

export interface FieldRequirement {
  path: string;
  op: 'eq' | 'neq';
  value: string;
}

/** Field selectors: only `=`, `==` and `!=` on dotted paths (metadata.name, status.phase, involvedObject.uid …). */
export function parseFieldSelector(sel: string | null | undefined): FieldRequirement[] {
  if (!sel) return [];
  return splitTerms(sel).map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${sel}'; can't understand '${term}'`);
    return { path: (m[1] ?? '').trim(), op: m[2] === '!=' ? 'neq' : 'eq', value: (m[3] ?? '').trim() };
  });
}

function getPath(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: unknown): boolean {
  return reqs.every((r) => (getPath(obj, r.path) === r.value) === (r.op === 'eq'));
}
