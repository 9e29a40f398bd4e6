// gcc's colours for the text format: on a terminal only, never when NO_COLOR is set
// (https://no-color.org), and forced by --color=always|never.
export interface Paint {
  readonly bold: (s: string) => string;
  readonly severity: (word: string) => string;
}

const SGR: Record<string, string> = { error: '1;31', warning: '1;35', note: '1;36', WARNING: '1;35', ERROR: '1;31', CHECK: '1;36' };

export function useColour(a: { when: string; isTTY: boolean; env: NodeJS.ProcessEnv }): boolean {
  if (a.when === 'always') return true;
  if (a.when === 'never') return false;
  return a.isTTY && !(a.env.NO_COLOR !== undefined && a.env.NO_COLOR !== '') && a.env.TERM !== 'dumb';
}

export function paint(on: boolean): Paint {
  const wrap = (code: string, s: string): string => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    bold: (s) => wrap('1', s),
    severity: (w) => (SGR[w] ? wrap(SGR[w]!, w) : w),
  };
}
