// The options of `hvbarrier check`: one table feeds node:util's parseArgs and the `--help`
// text, so every option is listed with its default and no option exists only in one of them.
import { parseArgs } from 'node:util';

/** Architectures both `check` and `extract` accept (see ARCH_HELP for what each means). */
export const ARCH_VALUES = ['x86', 'arm64', 'arm32', 'all'] as const;
export type ArchOption = (typeof ARCH_VALUES)[number];
export const ARCH_HELP = 'x86, arm64, arm32 or all; arm32 is judged under the ARMv8 model (AArch32 code on ARMv8 hardware), ARMv7 is not modelled';

export const FORMATS = ['text', 'terse', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly value?: string;
  readonly default?: string;
  readonly help: string;
}

const OPTIONS = {
  arch: { type: 'string', value: 'ARCH', default: 'all', help: `target architectures: ${ARCH_HELP}` },
  os: { type: 'string', value: 'OS', help: 'linux or xen: whose primitive definitions apply (default: guessed from paths and text)' },
  tree: { type: 'string', multiple: true, value: 'DIR', help: 'a checkout whose .c/.h files may pair with the input (repeatable); must exist' },
  format: { type: 'string', short: 'f', value: 'FMT', default: 'text', help: 'text, terse (one line per finding, like checkpatch --terse), json or sarif' },
  terse: { type: 'boolean', help: 'same as --format terse' },
  config: { type: 'string', value: 'FILE', help: 'knowledge-base config (default: the nearest .hvbarrier.json from the current directory upwards)' },
  'no-config': { type: 'boolean', help: 'do not look for a .hvbarrier.json' },
  cache: { type: 'string', value: 'DIR', help: 'tree-index cache (default: $XDG_CACHE_HOME/hvbarrier, else ~/.cache/hvbarrier)' },
  'no-cache': { type: 'boolean', help: 'do not read or write the tree-index cache' },
  disable: { type: 'string', multiple: true, value: 'CODE', help: 'drop findings with this code (repeatable, or comma-separated)' },
  baseline: { type: 'string', value: 'FILE', help: 'report only findings not recorded in this baseline' },
  'write-baseline': { type: 'string', value: 'FILE', help: 'record every current finding in FILE (exit 0 unless the input is unreadable)' },
  verbose: { type: 'boolean', short: 'v', help: 'same as --explain' },
  explain: { type: 'boolean', help: 'under each finding, the witness step by step, the per-model table and the litmus test (text format)' },
  graph: { type: 'string', value: 'DIR', help: 'write one SVG per finding (and per litmus verdict) of the execution that reaches the bad outcome: a column per CPU, po/rf/co/fr arrows' },
  fix: { type: 'boolean', help: 'apply the preferred verified fixes: a patch → the fixed patch on stdout (or in place with -i), a C file → a unified diff on stdout; the findings go to stderr' },
  'in-place': { type: 'boolean', short: 'i', help: 'with --fix: edit the input patch in place' },
  color: { type: 'string', value: 'WHEN', default: 'auto', help: 'auto (on a terminal, unless NO_COLOR is set), always or never' },
  quiet: { type: 'boolean', short: 'q', help: 'no closing summary line' },
  'no-summary': { type: 'boolean', help: 'same as --quiet (the checkpatch.pl spelling)' },
  workers: { type: 'string', value: 'N', help: 'whole-tree mode (--tree DIR and no FILE): worker threads (default: one per core)' },
  stats: { type: 'boolean', help: 'whole-tree mode: counts, timings and peak memory on stderr as JSON' },
  help: { type: 'boolean', short: 'h', help: 'print this help' },
} as const satisfies Record<string, OptionSpec>;

export type CheckValues = ReturnType<typeof parseCheckArgs>['values'];

export function parseCheckArgs(argv: string[]) {
  // The table's extra fields (value, help) are ignored by parseArgs.
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
}

/** `head` then `text` wrapped at 100 columns, continuation lines indented under the text. */
function wrap(head: string, text: string): string {
  const lines: string[] = [];
  let line = head;
  for (const word of text.split(' ')) {
    if (line.length + word.length > 100 && line.trim() !== head.trim()) {
      lines.push(line.trimEnd());
      line = ' '.repeat(head.length);
    }
    line += `${word} `;
  }
  return [...lines, line.trimEnd()].join('\n');
}

export const CHECK_USAGE = 'usage: hvbarrier check [options] FILE|DIR...|-';

export function checkHelp(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]) => {
    const spec: OptionSpec = o;
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    const dflt = spec.default !== undefined ? ` (default: ${spec.default})` : '';
    return wrap(`  ${flag.padEnd(26)} `, `${spec.help}${dflt}`);
  });
  return [
    CHECK_USAGE,
    '',
    'Reports barrier problems in patches (diffs, format-patch mails, mbox series, quoted replies),',
    'C files and C litmus tests. A directory is walked like a tree: every .c, .h, .patch, .diff,',
    '.mbox, .eml and .litmus file under it is checked, and its C files pair with each other.',
    '`-` reads one input from stdin (what b4 and `git format-patch --stdout |` give).',
    '',
    'options:',
    ...rows,
    '',
    'A finding is silenced by a comment on its line or the line above:',
    '  /* hvbarrier: ignore[missing-barrier] reason */',
    '',
    'exit codes:',
    '  0  nothing at warning or above (notes may be printed)',
    '  1  findings at warning or above',
    '  2  usage error, unreadable input (empty, binary, compressed, no diff and no C, a malformed',
    '     litmus test), a missing --tree, a broken config or baseline',
    '  3  internal error in hvbarrier',
    '',
  ].join('\n');
}
