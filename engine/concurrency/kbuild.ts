// Which architectures build a file that is not under `arch/`, read from the tree's own Kbuild
// Makefiles and Kconfig: `obj-$(CONFIG_KEXEC) += kexec.o` in common/Makefile, `config KEXEC ...
// depends on HAS_KEXEC`, and `select HAS_KEXEC` only under arch/x86/Kconfig make kexec.c x86-only
// code, which no Arm hypervisor contains. A file named by Makefiles of other directories is built
// where any of them is: Linux's virt/kvm/dirty_ring.c is part of each arch/<a>/kvm's `kvm.o`
// (kbuild-makefile.ts) under HAVE_KVM_DIRTY_RING, which only x86's KVM selects. Only what the
// files state for certain narrows the set: a negation, an `if` menu, a symbol nobody defines, or a
// file no Makefile line names leaves every architecture in. Pure text in, answers out: the caller
// reads the files.
import { stripOuterParens } from '../c/lexical';
import { readNamings, type MakefileSource, type Naming } from './kbuild-makefile';

export interface KbuildTree extends MakefileSource {
  /** Every `Kconfig*` file of the tree, with its path relative to the tree root. */
  readonly kconfigs: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  /** The architectures of the tree: the directories under `arch/`. */
  readonly arches: readonly string[];
}

/** One `config X` block: a symbol may be defined in several Kconfig files. */
interface Definition {
  /** The `arch/<a>/` directory of its Kconfig file ('' for common ones): only that arch reads it. */
  readonly arch: string;
  readonly depends: string[];
  /** A prompt or a default: it can be on wherever its file is read and its depends hold. */
  canBeOn: boolean;
}

/** `select X` in the block of `by`: it holds where that definition is read, `by` is on and its depends hold. */
interface Selector {
  readonly by: string;
  readonly definition: Definition;
}

interface KconfigSymbol {
  readonly definitions: Definition[];
  readonly selectedBy: Selector[];
}

export class Kbuild {
  private readonly symbols = new Map<string, KconfigSymbol>();
  private readonly memo = new Map<string, ReadonlySet<string>>();
  private readonly dirMemo = new Map<string, ReadonlySet<string>>();
  private readonly all: ReadonlySet<string>;
  private namings: Map<string, Naming[]> | undefined;

  constructor(private readonly tree: KbuildTree) {
    this.all = new Set(tree.arches);
    for (const k of tree.kconfigs) this.readKconfig(k.path, k.text);
  }

  /**
   * The architectures that build `path` (relative to the tree root), when the tree says it is
   * fewer than all of them; undefined when it is every one, or when nothing certain is known.
   */
  archesOf(path: string): string[] | undefined {
    if (/^arch\//.test(path)) return undefined;
    const set = this.archesOfObject(path.replace(/\.c$/, '.o'), new Set());
    return set.size < this.all.size && set.size > 0 ? [...set].sort() : undefined;
  }

  /**
   * Where an object (`dir/file.o`) or a directory (`dir/sub/`) is built: the union over the lines
   * naming it of where the naming directory is built and their symbols are on; an object no line
   * names is built where its directory is. An `arch/<a>/` path is built only for `<a>`.
   */
  private archesOfObject(key: string, seen: Set<string>): ReadonlySet<string> {
    this.namings ??= readNamings(this.tree);
    const parent = key.replace(/\/?[^/]+\/?$/, '');
    const named = this.namings.get(key) ?? [];
    let set = named.length > 0
      ? union(named.map((n) => n.conditions.reduce((on, c) => intersect(on, this.archesOfSymbol(c, new Set())), this.archesOfDir(n.dir, seen))))
      : this.archesOfDir(parent, seen);
    const arch = /^arch\/([^/]+)\//.exec(key)?.[1];
    if (arch !== undefined) set = intersect(set, new Set([arch]));
    return set;
  }

  private archesOfDir(dir: string, seen: Set<string>): ReadonlySet<string> {
    if (dir === '') return this.all;
    const memo = this.dirMemo.get(dir);
    if (memo) return memo;
    // A directory named from below itself (`obj-y += ../`) says nothing certain.
    if (seen.has(dir)) return this.all;
    seen.add(dir);
    const set = this.archesOfObject(`${dir}/`, seen);
    seen.delete(dir);
    this.dirMemo.set(dir, set);
    return set;
  }

  private archesOfSymbol(name: string, seen: Set<string>): ReadonlySet<string> {
    const memo = this.memo.get(name);
    if (memo) return memo;
    if (seen.has(name)) return this.all;
    seen.add(name);
    const sym = this.symbols.get(name);
    // Undefined anywhere: nothing is known, every architecture stays.
    let set: ReadonlySet<string> = this.all;
    if (sym && sym.definitions.length > 0) {
      // On where a definition lets the user (or a default) turn it on, or where a selector is on.
      const ways = sym.definitions.filter((d) => d.canBeOn).map((d) => this.archesOfDefinition(d, seen));
      set = union([...ways, ...sym.selectedBy.map((x) => this.archesOfSelector(x, seen))]);
    }
    seen.delete(name);
    this.memo.set(name, set);
    return set;
  }

  /** Where a definition is read and its depends hold. */
  private archesOfDefinition(d: Definition, seen: Set<string>): ReadonlySet<string> {
    let on: ReadonlySet<string> = d.arch === '' ? this.all : new Set(this.all.has(d.arch) ? [d.arch] : []);
    for (const dep of d.depends) on = intersect(on, this.archesOfExpr(dep, seen));
    return on;
  }

  /** Where a `select` fires: its block's symbol is on, in the arch that reads it, with its depends. */
  private archesOfSelector(s: Selector, seen: Set<string>): ReadonlySet<string> {
    return intersect(this.archesOfDefinition(s.definition, seen), this.archesOfSymbol(s.by, seen));
  }

  /** `A && (B || C)`: conjuncts narrow, a disjunction is the union of its parts; `!X` narrows nothing. */
  private archesOfExpr(expr: string, seen: Set<string>): ReadonlySet<string> {
    let set: ReadonlySet<string> = this.all;
    for (const conj of splitTop(expr, '&&')) {
      const parts = splitTop(stripOuterParens(conj), '||').map((p) => stripOuterParens(p));
      if (parts.some((p) => !/^\w+$/.test(p))) continue;
      set = intersect(set, union(parts.map((p) => this.archesOfSymbol(p, seen))));
    }
    return set;
  }

  private readKconfig(path: string, text: string): void {
    const arch = /^arch\/([^/]+)\//.exec(path)?.[1] ?? '';
    let current: Definition | undefined;
    let currentName = '';
    // Help text is prose (`if unsure, say N`, `select this for ...`): it runs from the line after
    // `help` while lines stay indented as far as its first one.
    let helpIndent: number | undefined | 'next';
    for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
      if (helpIndent !== undefined && raw.trim() !== '') {
        const indent = indentOf(raw);
        if (helpIndent === 'next') helpIndent = indent;
        if (indent >= helpIndent) continue;
        helpIndent = undefined;
      } else if (helpIndent !== undefined) continue;
      // `if X` menus and `prompt ... if X` narrow further; they are not read, which only keeps
      // more architectures in.
      const line = raw.replace(/#.*$/, '').trim();
      let m: RegExpExecArray | null;
      if (/^(?:---)?help(?:---)?$/.test(line)) { helpIndent = 'next'; continue; }
      if ((m = /^(?:menu)?config\s+(\w+)/.exec(line))) {
        currentName = m[1]!;
        current = { arch, depends: [], canBeOn: false };
        this.symbol(currentName).definitions.push(current);
      } else if (/^(?:choice|endchoice|menu|endmenu|comment|source|mainmenu|if|endif)\b/.test(line)) current = undefined;
      else if (!current) continue;
      else if ((m = /^depends\s+on\s+(.+)$/.exec(line))) current.depends.push(m[1]!);
      else if (/^(?:(?:bool|tristate|string|int|hex)\s+"|prompt\s+"|default\s|def_bool\s|def_tristate\s)/.test(line)) current.canBeOn = true;
      else if ((m = /^select\s+(\w+)/.exec(line))) this.symbol(m[1]!).selectedBy.push({ by: currentName, definition: current });
    }
  }

  private symbol(name: string): KconfigSymbol {
    let s = this.symbols.get(name);
    if (!s) this.symbols.set(name, (s = { definitions: [], selectedBy: [] }));
    return s;
  }
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

function union(sets: ReadonlyArray<ReadonlySet<string>>): ReadonlySet<string> {
  return new Set(sets.flatMap((s) => [...s]));
}

/** The column a line's text starts at, a tab reaching the next multiple of 8. */
function indentOf(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col++;
    else if (ch === '\t') col = col - (col % 8) + 8;
    else break;
  }
  return col;
}

/** Splits on `op` outside parentheses. */
function splitTop(s: string, op: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '(') depth++;
    else if (s[k] === ')') depth--;
    else if (depth === 0 && s.startsWith(op, k)) { out.push(s.slice(start, k).trim()); start = k + op.length; k += op.length - 1; }
  }
  out.push(s.slice(start).trim());
  return out;
}
