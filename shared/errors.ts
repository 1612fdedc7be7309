// Typed errors that cross the API boundary. Every error carries a code the UI can branch on and a message a
// researcher can act on: what was wrong and what to do about it.
export const ERROR_CODES = [
  'INVALID_INPUT', // parameters failed the contract; message names the field
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT', // e.g. a name already in use
  'CONFIRMATION_REQUIRED', // destructive action without the confirmation it needs
  'UNAUTHORIZED',
  'FORBIDDEN',
  'UNAVAILABLE', // a remote system or a local facility (keychain) cannot be reached or used
  'REMOTE_FAILED', // the remote system answered with an error
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, string>;
}

export class ApiError extends Error implements ApiErrorShape {
  readonly code: ErrorCode;
  readonly details?: Record<string, string>;
  constructor(code: ErrorCode, message: string, details?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isApiErrorShape(v: unknown): v is ApiErrorShape {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ApiErrorShape).message === 'string' &&
    (ERROR_CODES as readonly string[]).includes((v as ApiErrorShape).code)
  );
}
