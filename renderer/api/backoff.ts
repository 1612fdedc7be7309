/** Delay before reconnect attempt `attempt` (0-based): 0.5 s doubling to 15 s, with ±20 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, Math.min(attempt, 10)));
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.round(base * jitter);
}
