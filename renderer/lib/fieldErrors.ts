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

const PATH_ISSUE = /^([A-Za-z_][\w.[\]-]*):\s+([\s\S]+)$/;

/**
 * For forms whose fields sit deeper in the parameters ("data.deadline", "spec.workers.env.FOO", "files.1.path"):
 * the router's INVALID_INPUT issues, or a handler's details.field, go to `fieldOfPath(path)`; a path that names no
 * field of the form, and any other error, stays a form error. `conflictPath`: where a CONFLICT belongs (a taken name).
 */
export function splitPathErrors(
  err: Pick<ApiError, 'code' | 'message' | 'details'>,
  fieldOfPath: (path: string) => string | null,
  conflictPath?: string,
): FormErrors {
  const out: FormErrors = { fields: {}, form: null };
  const rest: string[] = [];
  const attach = (path: string, message: string) => {
    const field = fieldOfPath(path);
    if (!field) {
      rest.push(`${path}: ${message}`);
      return;
    }
    out.fields[field] = out.fields[field] ? `${out.fields[field]}; ${message}` : message;
  };
  const body = err.message.replace(/^[a-z]+\.[A-Za-z]+:\s+/, '');
  if (err.details?.field) attach(err.details.field, body);
  else if (err.code === 'INVALID_INPUT') {
    // Split only before "path: ", so a message that itself holds "; " stays whole.
    for (const issue of body.split(/;\s+(?=[A-Za-z_][\w.[\]-]*:\s)/)) {
      const m = PATH_ISSUE.exec(issue);
      if (m) attach(m[1]!, m[2]!);
      else rest.push(issue);
    }
  } else if (err.code === 'CONFLICT' && conflictPath !== undefined) attach(conflictPath, body);
  else rest.push(err.message);
  out.form = rest.length ? rest.join('; ') : null;
  return out;
}
