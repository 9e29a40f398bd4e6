// A patch that widens a "nothing to do" test: a CPU now goes idle with work pending.
//
// Idle loops and sleepers decide to halt on a conjunction of negated "work pending" tests
// (Xen's `!softirq_pending(cpu) && ...`, Linux's `!need_resched() && ...`): each conjunct is
// one kind of work the CPU must stay awake for, because nothing else is sure to wake it for
// that work once it sleeps. A patch that drops one negated conjunct from such a test, and adds
// none, lets the CPU halt with that work pending. The test is found wherever it is written: a
// predicate macro or a one-`return` function of the patch, or an `if`/loop condition of a
// touched function. What marks a conjunction as a "nothing to do" test is that one of its
// conjuncts is a work-pending test the knowledge base knows, negated
// (engine/kb/hv-events.ts, WORK_PENDING_TESTS); the dropped conjunct can be anything negated.
import type { Cond, Thread } from '../extract/types';
import { compact, oneLine } from '../extract/scope';
import { WORK_PENDING_TESTS } from '../kb/hv-events';
import type { Os } from '../kb/types';
import { inputPosOf } from '../patch/fragments';
import type { Fragment, ParsedInput } from '../patch/types';
import type { CheckContext } from './context';
import { imagePairs, type imageCounterparts } from './differential';
import { placeKey, type Finding, type Place } from './types';
import { stripOuterParens } from '../c/lexical';

/** The top-level conjuncts of an expression (outer parentheses dropped), or one term. */
export function conjuncts(expr: string): string[] {
  const e = stripOuterParens(expr);
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i]!;
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && e.startsWith('||', i)) return [e];
    else if (depth === 0 && e.startsWith('&&', i)) { out.push(e.slice(start, i).trim()); start = i + 2; i++; }
  }
  out.push(e.slice(start).trim());
  return out.filter((c) => c !== '');
}

/** `!name(...)`: the negation of a call (or function-like macro). */
function negatedCall(c: string): string | undefined {
  return /^!\s*\(*\s*(\w+)\s*\(/.exec(c)?.[1];
}

function isIdleTest(cs: readonly string[], os: Os): boolean {
  return cs.length > 1 && cs.some((c) => WORK_PENDING_TESTS.some((t) => t.os.includes(os) && t.name === negatedCall(c)));
}

/** The negated conjuncts `before` has and `after` lacks, when `after` only drops conjuncts. */
function dropped(before: readonly string[], after: readonly string[]): string[] {
  const b = new Set(before.map(compact));
  const a = after.map(compact);
  if (a.length === 0 || a.length >= b.size || !a.every((c) => b.has(c))) return [];
  return before.filter((c) => !a.includes(compact(c)) && c.startsWith('!') && !c.startsWith('!='));
}

export function widenedIdleTests(ctx: CheckContext, a: { docAll: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts> }): Finding[] {
  const os = ctx.sources.osOf(0);
  return [...inDefinitions(ctx.sources.parsed[0], os), ...inConditions(ctx, { ...a, os })];
}

/** Conditions of a touched function: a pre-image test whose post-image keeps only some conjuncts. */
function inConditions(ctx: CheckContext, a: { docAll: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts>; os: Os }): Finding[] {
  const out: Finding[] = [];
  const tests = (t: Thread): Array<{ cond: Cond; cs: string[] }> => t.conds.filter((c) => c.kind === 'if' || c.kind === 'loop').map((cond) => ({ cond, cs: conjuncts(cond.text) }));
  for (const { pre: t, post } of imagePairs(a.docAll, a.counterpart)) {
    const after = tests(post);
    const kept = new Set(after.map((x) => x.cs.map(compact).join('&&')));
    for (const { cond, cs } of tests(t)) {
      if (!isIdleTest(cs, a.os) || kept.has(cs.map(compact).join('&&'))) continue;
      const lost = after.map((x) => dropped(cs, x.cs)).find((d) => d.length > 0);
      if (lost) out.push(finding({ place: ctx.place(t, cond.span), name: t.name, what: 'the condition', test: cond.text, lost }));
    }
  }
  return out;
}

/** A predicate the patch defines: a function-like macro, or a function whose body is one `return`. */
interface Definition {
  readonly name: string;
  readonly body: string;
  readonly fragment: Fragment;
  /** Fragment lines (0-based, inclusive) the definition spans. */
  readonly from: number;
  readonly to: number;
}

function definitions(fragment: Fragment): Definition[] {
  const lines = fragment.lines.map((l) => l.text);
  const out: Definition[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*define\s+(\w+)\(([^)]*)\)(.*)$/.exec(lines[i]!);
    if (!m) continue;
    let to = i;
    while (lines[to]!.trimEnd().endsWith('\\') && to + 1 < lines.length) to++;
    const body = [m[3]!, ...lines.slice(i + 1, to + 1)].map((l) => l.trimEnd().replace(/\\$/, '')).join(' ');
    out.push({ name: m[1]!, body, fragment, from: i, to });
  }
  const text = lines.join('\n');
  const fn = /\b(\w+)\s*\(([^;{}()]|\([^()]*\))*\)\s*\{\s*return\s+([^;{}]*);\s*\}/g;
  for (let m = fn.exec(text); m; m = fn.exec(text)) {
    if (KEYWORDS.has(m[1]!)) continue;
    const from = text.slice(0, m.index).split('\n').length - 1;
    out.push({ name: m[1]!, body: m[3]!, fragment, from, to: from + m[0].split('\n').length - 1 });
  }
  return out;
}

const KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'do', 'else', 'return', 'sizeof']);

/** Whether the patch adds or removes a line of the definition (an untouched one, e.g. another `#ifdef` variant, is not judged). */
const changed = (d: Definition): boolean => d.fragment.lines.slice(d.from, d.to + 1).some((l) => l.kind !== 'context');

function inDefinitions(parsed: ParsedInput | undefined, os: Os): Finding[] {
  const out: Finding[] = [];
  for (const file of (parsed?.units ?? []).flatMap((u) => u.files)) {
    const after = file.post.flatMap(definitions);
    for (const d of file.pre.flatMap(definitions).filter(changed)) {
      const cs = conjuncts(d.body);
      if (!isIdleTest(cs, os)) continue;
      // Its post-image: the one definition of that name, or one the patch changes too (a patch
      // that only removes lines changes none of the post-image's lines).
      const named = after.filter((p) => p.name === d.name);
      const lost = named.filter((p) => named.length === 1 || changed(p)).map((p) => dropped(cs, conjuncts(p.body))).find((l) => l.length > 0);
      if (lost) out.push(finding({ place: removedLine(d, lost[0]!), name: d.name, what: `${d.name}()`, test: d.body, lost }));
    }
  }
  return out;
}

/** The `-` line that holds the dropped conjunct (else the definition's first line). */
function removedLine(d: Definition, conjunct: string): Place {
  const head = compact(conjunct).slice(0, 16);
  let at = d.from;
  for (let i = d.from; i <= d.to; i++) {
    const l = d.fragment.lines[i]!;
    if (l.kind === 'removed' && compact(l.text).includes(head)) { at = i; break; }
  }
  const text = d.fragment.lines[at]!.text;
  const col = text.search(/\S/) + 1;
  const start = inputPosOf(d.fragment, at, col);
  const end = inputPosOf(d.fragment, at, text.length + 1);
  return { range: { line: start.line, col: start.col, endLine: end.line, endCol: end.col }, function: d.name };
}

function finding(a: { place: Place; name: string; what: string; test: string; lost: readonly string[] }): Finding {
  const lost = a.lost.map((c) => `\`${oneLine(c)}\``).join(' and ');
  return {
    id: `lost-wakeup:${placeKey(a.place)}:widened-idle-test`, code: 'lost-wakeup', severity: 'warning', place: a.place,
    message: `This patch drops ${lost} from ${a.what}, a test that nothing is pending before the CPU goes idle: it now says "nothing to do" while that work is pending, and nothing is sure to wake the CPU for it.`,
    explanation: [
      `\`${oneLine(a.test, 160)}\` conjoins negated work-pending tests: each names work the CPU must stay awake for.`,
      'Once the CPU sleeps, only an interrupt wakes it; work that raises none (queued callbacks, a grace period, a flag) waits until something else does, possibly forever.',
      `Keep ${lost} in the test, or say in the commit message what now wakes the CPU for that work.`,
    ].join('\n'),
    related: [], models: [], fixes: [],
  };
}
