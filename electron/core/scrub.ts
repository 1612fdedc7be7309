// Removes things that look secret from text meant for other eyes (diagnostics, error reports), whatever the
// redactor knows: the redactor only masks values SimDeck stored or revealed in this run, while a log line or an
// error message can carry a key file's contents, a password in a URL or a token from a remote service.
const RULES: [RegExp, string][] = [
  // PEM private keys, whole or cut off (a log tail can start or end inside one).
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, '[redacted private key]'],
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[^\n]*/g, '[redacted private key]'],
  // Authorization headers and bare bearer tokens.
  [/(authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token)\s+)?[^\s"',;]+/gi, '$1$2 [redacted]'],
  [/\bbearer\s+[A-Za-z0-9._~+/=-]{4,}/gi, 'Bearer [redacted]'],
  // user:password@ in URLs.
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, '$1[redacted]@'],
  // ?token=… (the browser shell's access token) and similar query parameters.
  [/([?&](?:token|access_token|auth|key|sig|signature|password)=)[^&\s"'#]+/gi, '$1[redacted]'],
  // password=…, "token": "…", secret: …, passphrase=… (plain text, JSON and YAML).
  [/(["']?[\w.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key)[\w.-]*["']?\s*[=:]\s*)(["']?)(?!\[redacted)[^\s"',;&]+\2/gi, '$1$2[redacted]$2'],
  // AWS access key ids, GitHub and Slack tokens.
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted AWS key]'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,})\b/g, '[redacted token]'],
];

export function scrubSecrets(text: string): string {
  return RULES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
