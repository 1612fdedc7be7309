import { describe, expect, it } from 'vitest';
import { signingPlan } from './signing.mjs';

const SECRETS = {
  CSC_LINK: 'c2VjcmV0LXAxMg==',
  CSC_KEY_PASSWORD: 'hunter2-mac',
  WIN_CSC_LINK: 'file:///secret/win.pfx',
  WIN_CSC_KEY_PASSWORD: 'hunter2-win',
  APPLE_ID: 'dev@example.org',
  APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh-ijkl-mnop',
  APPLE_TEAM_ID: 'TEAM123456',
};

describe('signingPlan', () => {
  it('macOS without certificates: no identity, no notarization, and says which variables to set', () => {
    const plan = signingPlan({}, 'darwin');
    expect(plan.config.mac).toEqual({ identity: null, notarize: false });
    expect(plan.messages).toContain('macOS signing skipped: set CSC_LINK (a .p12) and CSC_KEY_PASSWORD to sign');
  });

  it('macOS signed but without Apple credentials: signs, skips notarization with the variables to set', () => {
    const plan = signingPlan({ CSC_NAME: 'Developer ID Application: Lab' }, 'darwin');
    expect(plan.config.mac).toEqual({ notarize: false });
    expect(plan.messages.join('\n')).toMatch(/notarization skipped: set APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID/);
  });

  it.each([
    [{ APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' }],
    [{ APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' }],
  ])('macOS signed and notarized with a complete credential set', (creds) => {
    const plan = signingPlan({ CSC_LINK: 'x', ...creds }, 'darwin');
    expect(plan.config.mac).toEqual({ notarize: true });
    expect(plan.electronFuses).toEqual({});
  });

  it('an incomplete Apple credential set does not notarize', () => {
    expect(signingPlan({ CSC_LINK: 'x', APPLE_ID: 'a', APPLE_TEAM_ID: 'c' }, 'darwin').config.mac).toEqual({ notarize: false });
  });

  it('Windows signs with WIN_CSC_LINK or CSC_LINK (SHA-256), else says how', () => {
    expect(signingPlan({ WIN_CSC_LINK: 'x' }, 'win32').config.win).toMatchObject({ signtoolOptions: { signingHashAlgorithms: ['sha256'] } });
    expect(signingPlan({ CSC_LINK: 'x' }, 'win32').messages).toEqual(['Windows signing: using CSC_LINK.']);
    const unsigned = signingPlan({}, 'win32');
    expect(unsigned.config).toEqual({});
    expect(unsigned.messages[0]).toMatch(/^Windows signing skipped: set WIN_CSC_LINK/);
  });

  it('never puts a secret value in a message or in the config', () => {
    for (const platform of ['darwin', 'win32', 'linux']) {
      const plan = signingPlan(SECRETS, platform);
      const text = JSON.stringify(plan);
      for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    }
  });
});
