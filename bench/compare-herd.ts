// One litmus test against herd7's recorded output: what differs (verdict, final states, Ok/No,
// witness counts, flags), or why we gave no verdict. Shared by the conformance report and the
// dev-set test so both judge agreement the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, parseHerdOutput, sameStates } from '../engine/litmus/herd-output';
import { parseLitmus } from '../engine/litmus/parser';
import { formatHerd } from '../engine/litmus/print';
import { simulate } from '../engine/sim/simulate';

export interface Comparison {
  readonly file: string;
  /** herd7's verdict (DEADLOCK for `Never 0 0`). */
  readonly herd: string;
  /** Ours, or `error: ...` / `unsupported: ...` / `inconclusive: ...`. */
  readonly ours: string;
  readonly counts: string;
  readonly herdCounts: string;
  /** Empty when everything herd prints (but Time/Hash) agrees. */
  readonly differences: readonly string[];
  readonly ms: number;
}

export function compareWithHerd(dir: string, file: string, herdFile: string): Comparison {
  const herd = parseHerdOutput(readFileSync(join(dir, herdFile), 'utf8'));
  if (!herd) throw new Error(`${herdFile}: not a herd7 report`);
  const base = { file, herd: judge(herd), herdCounts: `${herd.positive}/${herd.negative}` };
  const t0 = process.hrtime.bigint();
  const parsed = parseLitmus(readFileSync(join(dir, file), 'utf8'));
  if (!parsed.value) {
    const p = parsed.problems[0]!;
    return { ...base, ours: `error: ${p.message} at ${p.line}:${p.col}`, counts: '', differences: ['parse'], ms: 0 };
  }
  const sim = simulate(parsed.value, { models: ['lkmm'], witness: false });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const r = sim.results[0]!;
  const text = formatHerd(sim, r);
  if (r.status === 'unsupported') return { ...base, ours: text.trim(), counts: '', differences: ['unsupported'], ms };
  if (r.status === 'inconclusive') return { ...base, ours: `inconclusive: ${sim.inconclusiveReason}`, counts: '', differences: ['inconclusive'], ms };
  const ours = parseHerdOutput(text)!;
  const differences: string[] = [];
  if (judge(ours) !== judge(herd)) differences.push('verdict');
  if (!sameStates(ours.states, herd.states)) differences.push(`states (${ours.states.length} vs ${herd.states.length})`);
  if (ours.ok !== herd.ok) differences.push('Ok/No');
  if (ours.positive !== herd.positive || ours.negative !== herd.negative) differences.push('witness counts');
  if (JSON.stringify(ours.flags) !== JSON.stringify(herd.flags)) differences.push(`flags [${ours.flags.join(',')}] vs [${herd.flags.join(',')}]`);
  if (ours.condition !== herd.condition) differences.push('condition');
  return { ...base, ours: judge(ours), counts: `${ours.positive}/${ours.negative}`, differences, ms };
}
