// One interface for sealing secrets, whatever protects the key: Electron's safeStorage (OS keychain) in the
// desktop app, or a key file readable only by the user under the browser shell.
export interface Vault {
  /** Short name recorded next to each sealed value, e.g. "safeStorage:gnome_libsecret" or "file-aes-256-gcm". */
  readonly backend: string;
  seal(plain: Buffer): Promise<Buffer>;
  open(sealed: Buffer): Promise<Buffer>;
}
