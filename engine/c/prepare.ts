// Turns a whole file or a hunk fragment into text the grammar can read, with a trivial map
// back: parse line = source line + lineOffset, columns unchanged. A fragment that starts inside
// a function is wrapped in a one-line synthetic header named after the hunk's function context.
import { blankNonCode, braceProfile, endsInComment } from './lexical';
import { maskIdioms, type MaskOptions } from './mask';

export interface PreparedSource {
  readonly text: string;
  /** Lines added before the source (0 or 1). */
  readonly lineOffset: number;
  /** Set when the start of the source was wrapped into a synthetic function. */
  readonly wrapped?: {
    readonly name: string;
    /** Offset in `text` just after the body that belongs to the synthetic function. */
    readonly bodyEnd: number;
  };
}

export interface PrepareOptions extends MaskOptions {
  /** True for hunk fragments: unbalanced braces are expected and repaired. */
  readonly fragment?: boolean;
  /** The hunk header's function context, e.g. `int arch_set_info_guest(`. */
  readonly section?: string;
}

/** The function a hunk header names: the identifier before the first `(`. */
export function sectionFunction(section: string | undefined): string | undefined {
  const m = /([A-Za-z_]\w*)\s*\(/.exec(section ?? '');
  return m?.[1];
}

export function prepareSource(text: string, opts: PrepareOptions = {}): PreparedSource {
  const startInComment = opts.fragment === true && startsInComment(text);
  const masked = maskIdioms(text, { ...opts, startInComment });
  if (!opts.fragment) return { text: masked, lineOffset: 0 };
  const code = blankNonCode(masked, { startInComment });
  const profile = braceProfile(code);
  const inside = profile.minDepth < 0 || startsIndented(code);
  let prefix = '';
  let wrapped: PreparedSource['wrapped'];
  let openers = 0;
  // git's usual hunk for a change near the top of a function starts at its opening `{`, the
  // signature only in the `@@` line: the body gets that header back.
  const opensBody = !inside && /^\{/.test(firstCodeLine(code) ?? '') && sectionFunction(opts.section) !== undefined;
  if (opensBody) {
    const name = sectionFunction(opts.section)!;
    prefix = `${header(opts.section, name)}\n`;
    wrapped = { name, bodyEnd: prefix.length + (profile.minDepth < 0 ? profile.minAt : masked.length) };
  } else if (inside) {
    openers = Math.max(1, -profile.minDepth);
    const name = sectionFunction(opts.section) ?? 'fragment';
    prefix = `${header(opts.section, name)}${'{'.repeat(openers)}\n`;
    const bodyEnd = profile.minDepth < 0 ? profile.minAt : masked.length;
    wrapped = { name, bodyEnd: prefix.length + bodyEnd };
  }
  const closers = Math.max(0, openers + profile.finalDepth);
  const maskedBody = startInComment ? blankLeadingComment(masked) : masked;
  // A hunk cut inside a comment gets the comment closed, or the grammar reads it as code.
  const closeComment = endsInComment(masked, { startInComment }) ? ' */' : '';
  return {
    text: prefix + maskedBody + closeComment + (closers > 0 ? '\n' + '}'.repeat(closers) : ''),
    lineOffset: prefix ? 1 : 0,
    wrapped,
  };
}

/** Uses the section as the function header when it is complete (it then carries the params). */
function header(section: string | undefined, name: string): string {
  const s = (section ?? '').trim();
  if (/\)\s*$/.test(s) && !/[;{}\n]/.test(s) && balanced(s)) return s + ' ';
  return `void ${name}(void) `;
}

/** Parentheses balance and never close before they open. */
export function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === '(') d++;
    else if (c === ')' && --d < 0) return false;
  }
  return d === 0;
}

function firstCodeLine(code: string): string | undefined {
  return code.split('\n').find((l) => l.trim() !== '');
}

function startsIndented(code: string): boolean {
  const line = firstCodeLine(code);
  return line !== undefined && /^\s/.test(line) && !/^\s*#/.test(line);
}

/** A fragment whose first line continues a block comment (` * text`) with no opener before. */
function startsInComment(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '');
  if (first === undefined || !/^\s*\*/.test(first)) return false;
  const close = text.indexOf('*/');
  const open = text.indexOf('/*');
  return close >= 0 && (open < 0 || close < open);
}

/** The grammar cannot start inside a comment, so the comment's tail is blanked too. */
function blankLeadingComment(text: string): string {
  const end = text.indexOf('*/') + 2;
  return text.slice(0, end).replace(/[^\n]/g, ' ') + text.slice(end);
}
