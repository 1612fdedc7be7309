export type Theme = 'light' | 'dark';

export function parseTheme(v: string | null | undefined): Theme | null {
  return v === 'light' || v === 'dark' ? v : null;
}

/** The user's remembered choice wins; without one, follow the operating system. */
export function effectiveTheme(choice: Theme | null, systemPrefersDark: boolean): Theme {
  return choice ?? (systemPrefersDark ? 'dark' : 'light');
}

export function otherTheme(t: Theme): Theme {
  return t === 'dark' ? 'light' : 'dark';
}
