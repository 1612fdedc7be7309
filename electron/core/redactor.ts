// Removes known secret values from any text before it is logged or shown. Secrets are registered when they
// are stored or revealed; field names that look secret are masked too, whatever their value.
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string): void {
    if (value.length >= 4) this.values.add(value); // shorter strings would mask ordinary words
  }

  text(input: string): string {
    let out = input;
    for (const v of this.values) out = out.split(v).join('[redacted]');
    return out;
  }

  fields(fields: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      out[k] = /pass|secret|token|private|credential/i.test(k) ? '[redacted]' : typeof v === 'string' ? this.text(v) : v;
    }
    return out;
  }
}
