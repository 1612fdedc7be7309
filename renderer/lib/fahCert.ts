// The certificate's status words and tones. Apart from lib/fah.ts because the banner above every Folding@home page
// is in the start-up bundle, and the rest of the area's helpers should load with the pages that use them.
import type { FahCertInfo } from '../../shared/fah.js';
import type { Tone } from '../components/StateBadge.js';

export type CertStatus = FahCertInfo['status'];
export const CERT_TONES: Record<CertStatus, Tone> = { ok: 'success', expiring: 'warning', expired: 'danger', 'not-yet-valid': 'warning' };
export const CERT_LABELS: Record<CertStatus, string> = { ok: 'valid', expiring: 'expiring soon', expired: 'expired', 'not-yet-valid': 'not yet valid' };

/** "12 days left", "expired 3 days ago": the number a researcher checks first. */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft < 0) return `expired ${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago`;
  return `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
}
