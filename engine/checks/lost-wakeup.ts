// lost-wakeup: a vCPU run loop (or a blocking vCPU) and the code that gives it work can miss
// each other: the vCPU enters the guest, or sleeps, with the work pending and no interrupt
// pending or in flight to make it look again. Seed 002's three KVM protocols and Xen's
// vcpu_block()/vcpu_kick() are the shapes: a check outside the interrupt-disabled region, a
// kick sent before the state it announces is visible, a sleeper that checks before publishing
// that it sleeps, or a missing full barrier in the mode/request handshake. Each function that
// enters the guest or blocks is paired with each function that publishes work it reads; the
// pair is judged under every model (engine/hv/), with a witness and re-simulated fixes.
import { judgeFunctions, verifiedFixes, type CFix, type CJudgement, type PairJudgement } from '../hv/c-judge';
import { IPI_LOC } from '../hv/compile';
import type { ModelWakeup } from '../hv/lost-wakeup';
import { formatLitmusTest } from '../litmus/format-test';
import type { Witness } from '../sim/witness';
import type { CheckContext } from './context';
import { SIMULATION_STEPS } from './judge';
import type { Edit, Finding, Fix, ModelEvidence, Problem, WitnessStep } from './types';

const judged = new WeakMap<CheckContext, { before: CJudgement; after: CJudgement }>();

function judgeDocument(ctx: CheckContext): { before: CJudgement; after: CJudgement } {
  const known = judged.get(ctx);
  if (known) return known;
  const post = ctx.document.filter((t) => t.side !== 'pre');
  const pre = ctx.document.filter((t) => t.side === 'pre');
  // Wakers may live in the tree (Xen's event_channel.c for a vCPU blocking in schedule.c).
  const others = ctx.all.filter((t) => !ctx.isDocument(t));
  // Counted in work like every other simulation of the checks: the same input gets the same
  // verdict on any machine, and a verdict can be kept for the next analysis (hv/lost-wakeup.ts).
  const budget = { maxSteps: SIMULATION_STEPS };
  const result = {
    before: pre.length ? judgeFunctions({ targets: pre, wakers: [...pre, ...others], budget }) : { pairs: [], unsupported: [] },
    after: judgeFunctions({ targets: post, wakers: [...post, ...others], budget }),
  };
  judged.set(ctx, result);
  return result;
}

/** What kept a pair of the document from being judged, as `unsupported: ... at line:col`. */
export function lostWakeupProblems(ctx: CheckContext): Problem[] {
  const seen = new Set<string>();
  return judgeDocument(ctx).after.unsupported.filter((u) => !u.quiet && ctx.isDocument(u.thread)).flatMap((u) => {
    const message = `unsupported: lost-wakeup: ${u.what} at ${u.pos.line}:${u.pos.col}`;
    if (seen.has(message)) return [];
    seen.add(message);
    return [{ severity: 'info' as const, line: u.pos.line, col: u.pos.col, message }];
  });
}

export function lostWakeup(ctx: CheckContext): Finding[] {
  const { before, after } = judgeDocument(ctx);
  const lostBefore = new Set(before.pairs.filter((p) => p.models.some((m) => m.verdict === 'lost')).map(pairKey));
  const out: Finding[] = [];
  for (const p of after.pairs) {
    const lost = p.models.filter((m) => m.verdict === 'lost');
    if (lost.length === 0 || lostBefore.has(pairKey(p))) continue;
    out.push(finding(ctx, p, lost));
  }
  return out;
}

function pairKey(p: PairJudgement): string {
  return `${p.target.name}+${p.waker.name}`;
}

function finding(ctx: CheckContext, p: PairJudgement, lost: readonly ModelWakeup[]): Finding {
  const id = `lost-wakeup:${p.target.name}:${p.waker.name}`;
  const where = p.stuckAt.kind === 'CALL' && /block|softirq/.test(p.stuckAt.callee) ? 'sleep' : 'enter the guest';
  const work = p.work.map((w) => `\`${p.names.textOf(w)}\``).join(' or ');
  const modelList = lost.map((m) => m.model).join(', ');
  const models: ModelEvidence[] = p.models.map((m) => ({
    model: m.model, verdict: m.verdict === 'lost' ? 'allowed' : m.verdict === 'safe' ? 'forbidden' : m.verdict, detail: m.detail ?? `${m.positive} of ${m.positive + m.negative} executions`,
  }));
  const witness = lost[0]!.witness;
  return {
    id, code: 'lost-wakeup', severity: 'warning', place: ctx.place(p.target, p.stuckAt),
    message: `${p.target.name}() can ${where} with ${work} set by ${p.waker.name}() and no interrupt pending: lost wake-up under ${modelList}.`,
    explanation: [
      `${p.waker.name}() publishes ${work} and then kicks or wakes the vCPU; ${p.target.name}() checks for it before it ${where === 'sleep' ? 'sleeps' : 'enters the guest'}.`,
      `Under ${modelList} there is an execution where the check misses the work and the kick is gone too (never sent, or taken while interrupts were still enabled), so nothing makes the vCPU look again.`,
      '',
      '| model | lost wake-up |', '|---|---|',
      ...p.models.map((m) => `| ${m.model} | ${m.verdict === 'lost' ? 'possible' : m.verdict === 'safe' ? 'impossible' : m.verdict} |`),
    ].join('\n'),
    related: [{ place: ctx.place(p.waker, p.waker.events[0]!), message: `${p.waker.name}() publishes the work and kicks` }],
    models,
    witness: witness && witnessSteps(ctx, p, witness),
    litmus: formatLitmusTest(p.test),
    fixes: verifiedFixes(p).map((f, i) => toFix(ctx, p, f, id, i === 0)).filter((f): f is Fix => f !== undefined),
  };
}

function witnessSteps(ctx: CheckContext, p: PairJudgement, w: Witness): WitnessStep[] {
  const threads = [p.target, p.waker];
  const steps: WitnessStep[] = w.events.filter((e) => e.thread >= 0 && !(e.kind === 'R' && e.loc?.startsWith('hv_ipi_') && e.value === 0)).map((e, step) => {
    const ipi = e.loc === IPI_LOC(0);
    const text = ipi && e.kind === 'W' && e.value === 1 ? 'sends the IPI to CPU 0'
      : ipi && e.kind === 'R' ? 'takes the interrupt with interrupts enabled'
        : ipi && e.kind === 'W' ? 'acknowledges it: nothing is pending any more'
          : e.kind === 'F' ? e.instr
            : `${e.kind === 'R' ? 'reads' : 'writes'} ${p.names.textOf(e.loc ?? '')} = ${typeof e.value === 'number' ? e.value : e.value?.addr}`;
    const t = threads[e.thread]!;
    return { cpu: e.thread, step: step + 1, text, place: e.line ? ctx.place(t, { line: e.line, col: e.col!, endLine: e.line, endCol: e.col! + 1 }) : undefined };
  });
  // The outcome itself: the vCPU ends in the guest (or asleep) with the work still pending.
  const where = p.sides[0].enters ? 'enters the guest with nothing pending to make it exit' : 'goes to sleep with its blocked flag still set';
  steps.push({ cpu: 0, step: steps.length + 1, text: where, place: ctx.place(p.target, p.stuckAt) });
  return steps;
}

function toFix(ctx: CheckContext, p: PairJudgement, f: CFix, id: string, preferred: boolean): Fix | undefined {
  const thread = f.side === 0 ? p.target : p.waker;
  const source = ctx.sources.sourceOf(thread);
  if (!source || source.kind !== 'c') return undefined;
  const lines = source.text.split('\n');
  const indent = (line: number): string => /^\s*/.exec(lines[line - 1] ?? '')![0];
  const at = (line: number, col: number) => ({ line, col, endLine: line, endCol: col });
  let edits: Edit[];
  let title: string;
  if (f.kind === 'insert-mb') {
    const s = f.at.stmt;
    edits = [{ range: at(s.endLine, s.endCol), newText: `\n${indent(s.line)}smp_mb();` }];
    title = `Insert smp_mb() after \`${f.at.text}\` (line ${s.line})`;
  } else {
    const off = f.at.stmt;
    const before = f.before!.stmt;
    edits = [
      { range: at(before.line, 1), newText: `${indent(before.line)}${lines[off.line - 1]!.trim()}\n` },
      { range: { line: off.line, col: 1, endLine: off.line + 1, endCol: 1 }, newText: '' },
    ];
    title = `Disable interrupts before \`${f.before!.text}\` (line ${before.line}), so a kick that comes after the check stays pending (paths that leave before guest entry must enable them again)`;
  }
  const verified: ModelEvidence[] = f.verified.map((m) => ({ model: m.model, verdict: m.verdict === 'safe' ? 'forbidden' : 'allowed' }));
  return { title, edits, repairs: [id], preferred, verified };
}

