// Reading herd7's text output back, so our reports can be compared with recorded herd runs.

export interface HerdSummary {
  readonly name: string;
  readonly states: readonly string[];
  readonly ok: boolean;
  readonly positive: number;
  readonly negative: number;
  readonly observation: string;
  readonly condition: string;
  readonly flags: readonly string[];
}

/** Parses one herd7 report (the `Time` and `Hash` lines, if present, are ignored). */
export function parseHerdOutput(text: string): HerdSummary | undefined {
  const lines = text.split('\n').map((l) => l.trimEnd());
  const head = /^Test (\S+) /.exec(lines[0] ?? '');
  const count = /^States (\d+)$/.exec(lines[1] ?? '');
  if (!head || !count) return undefined;
  const n = Number(count[1]);
  const states = lines.slice(2, 2 + n);
  const rest = lines.slice(2 + n);
  const witness = rest.map((l) => /^Positive: (\d+) Negative: (\d+)$/.exec(l)).find(Boolean);
  const obs = rest.map((l) => /^Observation \S+ (\w+) \d+ \d+$/.exec(l)).find(Boolean);
  const cond = rest.find((l) => l.startsWith('Condition '));
  if (!witness || !obs || !cond) return undefined;
  return {
    name: head[1]!, states, ok: rest.includes('Ok'), positive: Number(witness[1]), negative: Number(witness[2]),
    observation: obs[1]!, condition: cond.slice('Condition '.length), flags: rest.filter((l) => l.startsWith('Flag ')).map((l) => l.slice(5)),
  };
}

/** The kernel scripts' judgement: `DEADLOCK` means herd printed `Never 0 0`. */
export function judge(summary: HerdSummary): string {
  return summary.observation === 'Never' && summary.positive === 0 && summary.negative === 0 ? 'DEADLOCK' : summary.observation;
}

/**
 * Final states compared as herd7 means them. A value no equation fixes is printed `S<n>`, with
 * n from herd's internal numbering of unknowns (ours differs), so those names are compared up
 * to renaming: each output's unknowns are renamed in order of first appearance.
 */
export function sameStates(a: readonly string[], b: readonly string[]): boolean {
  const canonical = (states: readonly string[]): string => {
    const names = new Map<string, string>();
    return states.join('\n').replace(/=(S\d+);/g, (_m, s: string) => {
      if (!names.has(s)) names.set(s, `S#${names.size}`);
      return `=${names.get(s)};`;
    });
  };
  return canonical(a) === canonical(b);
}
