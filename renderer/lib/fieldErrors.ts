// Turns an error from the core into messages next to the form fields they concern. The router reports invalid
// parameters as "projects.create: name: a project needs a name; tags.1: a tag may hold …".
import type { ApiError } from '../../shared/errors.js';

export interface FormErrors {
  /** Field name → message, for fields the form shows. */
  fields: Record<string, string>;
  /** Whatever could not be attached to a field. */
  form: string | null;
}

const ISSUE = /^([A-Za-z_][\w]*)(?:\.[\w.]+)?:\s+(.+)$/;

export function splitFieldErrors(err: Pick<ApiError, 'code' | 'message' | 'details'>, fields: readonly string[]): FormErrors {
  const out: FormErrors = { fields: {}, form: null };
  const rest: string[] = [];
  const known = new Set(fields);
  const attach = (field: string, message: string) => {
    out.fields[field] = out.fields[field] ? `${out.fields[field]}; ${message}` : message;
  };

  if (err.details && Object.keys(err.details).length) {
    for (const [key, message] of Object.entries(err.details)) {
      const field = key.split(/[./[\]]/).filter((p) => p && p !== 'params')[0];
      if (field && known.has(field)) attach(field, message);
      else rest.push(message);
    }
  } else if (err.code === 'INVALID_INPUT') {
    // Drop the leading "method: " and split the issues.
    const body = err.message.replace(/^[a-z]+\.[A-Za-z]+:\s+/, '');
    for (const issue of body.split(/;\s+/)) {
      const m = ISSUE.exec(issue);
      if (m && known.has(m[1]!)) attach(m[1]!, m[2]!);
      else rest.push(issue);
    }
  } else if (err.code === 'CONFLICT' && known.has('name')) {
    attach('name', err.message);
  } else {
    rest.push(err.message);
  }
  out.form = rest.length ? rest.join('; ') : null;
  return out;
}
