// Code signing and notarization, decided from environment variables only, so CI secrets never live in the repo.
// electron-builder itself reads CSC_LINK / CSC_KEY_PASSWORD / WIN_CSC_LINK / APPLE_* from the environment; this
// module only decides what to switch OFF (and says so) when they are absent, so an unsigned local build is a
// clear, intended outcome instead of a half-signed one (e.g. electron-builder picking a random keychain
// identity, or failing at notarization). Messages name variables, never their values.

const has = (env, name) => typeof env[name] === 'string' && env[name].trim() !== '';

/** The notarization credential set that is complete, or null. Names match @electron/notarize's. */
export function notarizeCredentials(env) {
  const sets = [
    ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
    ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
    ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'],
  ];
  return sets.find((names) => names.every((n) => has(env, n))) ?? null;
}

/**
 * What to merge into the builder config for `platform` ('darwin' | 'win32' | 'linux'), plus what to tell the
 * person building. `config` holds only non-secret settings.
 * `electronFuses` is merged into the fuse settings.
 * @returns {{ config: Record<string, any>, electronFuses?: Record<string, boolean>, messages: string[] }}
 */
export function signingPlan(env = process.env, platform = process.platform) {
  if (platform === 'darwin') return macPlan(env);
  if (platform === 'win32') return winPlan(env);
  return { config: {}, messages: ['Linux packages are not code-signed (AppImage and deb carry no signature here).'] };
}

function macPlan(env) {
  const messages = [];
  const mac = {};
  if (has(env, 'CSC_LINK') || has(env, 'CSC_NAME')) {
    messages.push(`macOS signing: using ${has(env, 'CSC_LINK') ? 'CSC_LINK' : 'CSC_NAME'}.`);
  } else {
    // null stops electron-builder from picking whatever identity the keychain happens to hold.
    mac.identity = null;
    messages.push('macOS signing skipped: set CSC_LINK (a .p12) and CSC_KEY_PASSWORD to sign');
  }
  // Flipping fuses invalidates Electron's ad-hoc signature; Apple Silicon refuses to run such a binary. A signed
  // build is re-signed right after the flip; an unsigned one needs @electron/fuses to re-apply the ad-hoc one.
  const electronFuses = mac.identity === null ? { resetAdHocDarwinSignature: true } : {};
  const creds = notarizeCredentials(env);
  if (mac.identity === null) {
    mac.notarize = false;
    messages.push('macOS notarization skipped: the app is not signed.');
  } else if (creds) {
    mac.notarize = true;
    messages.push(`macOS notarization: using ${creds.join(', ')}.`);
  } else {
    mac.notarize = false;
    messages.push(
      'macOS notarization skipped: set APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID ' +
        '(or APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER)',
    );
  }
  return { config: { mac }, electronFuses, messages };
}

function winPlan(env) {
  if (has(env, 'WIN_CSC_LINK') || has(env, 'CSC_LINK')) {
    return {
      // SHA-256 only: SHA-1 Authenticode signatures are no longer trusted by current Windows.
      config: { win: { signtoolOptions: { signingHashAlgorithms: ['sha256'], rfc3161TimeStampServer: 'http://timestamp.digicert.com' } } },
      messages: [`Windows signing: using ${has(env, 'WIN_CSC_LINK') ? 'WIN_CSC_LINK' : 'CSC_LINK'}.`],
    };
  }
  return {
    config: {},
    messages: ['Windows signing skipped: set WIN_CSC_LINK (a .pfx) and WIN_CSC_KEY_PASSWORD to sign (SmartScreen warns on unsigned installers)'],
  };
}
