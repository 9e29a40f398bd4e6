// Code the compiler never sees, whatever the configuration: the body of `#if 0` (and the
// `#else` side of `#if 1`). Xen's imported drivers keep whole Linux ops tables and probe
// paths under `#if 0`; read as live code they would make functions look address-taken (callers
// unknown) and add functions that do not exist. Only a literal 0 or 1 is decided here: any other
// condition depends on the build and both sides stay.

/** A dead stretch of text: [start, end) offsets, the directive lines themselves excluded. */
export interface DeadRange {
  readonly start: number;
  readonly end: number;
}

interface Open {
  /** Literal value of the `#if`, or undefined for any other condition. */
  readonly literal: 0 | 1 | undefined;
  /** Where the currently dead branch started (after its directive line), if it is dead. */
  deadFrom: number | undefined;
  /** An `#elif` made the rest unknowable: nothing after it is decided. */
  undecided: boolean;
}

/**
 * The dead ranges of `code` (comments and strings already blanked, same offsets as the source).
 * A conditional whose `#endif` is not in the text (a hunk cut in the middle) decides nothing.
 */
export function disabledRanges(code: string): DeadRange[] {
  const out: DeadRange[] = [];
  const stack: Open[] = [];
  const re = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/gm;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const lineEnd = m.index + m[0].length;
    const lineStart = m.index;
    const next = code[lineEnd] === '\n' ? lineEnd + 1 : lineEnd;
    const top = stack[stack.length - 1];
    switch (m[1]) {
      case 'if': {
        const literal = literalCondition(m[2]!);
        stack.push({ literal, deadFrom: literal === 0 ? next : undefined, undecided: false });
        break;
      }
      case 'ifdef':
      case 'ifndef':
        stack.push({ literal: undefined, deadFrom: undefined, undecided: false });
        break;
      case 'elif':
        if (!top) break;
        if (top.deadFrom !== undefined) out.push({ start: top.deadFrom, end: lineStart });
        // After `#if 1` every later branch is dead; after `#if 0` the `#elif` decides, unknown here.
        top.deadFrom = top.literal === 1 && !top.undecided ? next : undefined;
        if (top.literal !== 1) top.undecided = true;
        break;
      case 'else':
        if (!top) break;
        if (top.deadFrom !== undefined) out.push({ start: top.deadFrom, end: lineStart });
        top.deadFrom = top.literal === 1 && !top.undecided ? next : undefined;
        break;
      case 'endif':
        if (!top) break;
        if (top.deadFrom !== undefined) out.push({ start: top.deadFrom, end: lineStart });
        stack.pop();
        break;
    }
  }
  // Ranges inside an enclosing dead range are already covered; keep them sorted and disjoint.
  out.sort((a, b) => a.start - b.start);
  const merged: DeadRange[] = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else merged.push(r);
  }
  return merged;
}

/** `0`, `(0)`, `1`, `(1)` and nothing else. */
function literalCondition(rest: string): 0 | 1 | undefined {
  const m = /^\s*\(?\s*([01])\s*\)?\s*$/.exec(rest);
  return m ? (m[1] === '0' ? 0 : 1) : undefined;
}

/** `code` with its dead ranges turned to spaces, newlines kept (same length, same lines). */
export function blankDisabled(code: string): string {
  const ranges = disabledRanges(code);
  if (ranges.length === 0) return code;
  let out = '';
  let at = 0;
  for (const r of ranges) {
    out += code.slice(at, r.start) + code.slice(r.start, r.end).replace(/[^\n]/g, ' ');
    at = r.end;
  }
  return out + code.slice(at);
}
