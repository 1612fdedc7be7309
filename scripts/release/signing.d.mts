// Types for signing.mjs, so the tests (.ts) can import it.
export interface SigningPlan {
  config: { mac?: Record<string, unknown>; win?: Record<string, unknown> };
  electronFuses?: Record<string, boolean>;
  messages: string[];
}
export function notarizeCredentials(env: NodeJS.ProcessEnv): string[] | null;
export function signingPlan(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform | string): SigningPlan;
