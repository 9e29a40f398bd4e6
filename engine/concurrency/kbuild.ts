// Which architectures build a file that is not under `arch/`, read from the tree's own Kbuild
// Makefiles and Kconfig: `obj-$(CONFIG_KEXEC) += kexec.o` in common/Makefile, `config KEXEC ...
// depends on HAS_KEXEC`, and `select HAS_KEXEC` only under arch/x86/Kconfig make kexec.c x86-only
// code, which no Arm hypervisor contains. Only what the files state for certain narrows the set:
// a negation, an `if` menu, a symbol nobody defines, or a file no Makefile line names leaves every
// architecture in. Pure text in, answers out: the caller reads the files.
import { stripOuterParens } from '../c/lexical';

export interface KbuildTree {
  /** Every `Kconfig*` file of the tree, with its path relative to the tree root. */
  readonly kconfigs: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  /** The Makefile of a directory (relative to the root, '' for the root), if it has one. */
  makefile(dir: string): string | undefined;
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

interface KconfigSymbol {
  readonly definitions: Definition[];
  readonly selectedBy: string[];
}

export class Kbuild {
  private readonly symbols = new Map<string, KconfigSymbol>();
  private readonly memo = new Map<string, ReadonlySet<string>>();
  private readonly all: ReadonlySet<string>;
  private readonly rules = new Map<string, Map<string, string>>();

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
    let set: ReadonlySet<string> = this.all;
    const parts = path.split('/');
    // The file in its directory's Makefile, then each directory in its parent's.
    const file = parts[parts.length - 1]!;
    const steps: Array<{ dir: string; object: string }> = [{ dir: parts.slice(0, -1).join('/'), object: file.replace(/\.c$/, '.o') }];
    for (let k = parts.length - 1; k >= 1; k--) steps.push({ dir: parts.slice(0, k - 1).join('/'), object: `${parts[k - 1]}/` });
    for (const s of steps) {
      const sym = this.ruleOf(s.dir, s.object);
      if (sym === undefined || sym === 'y') continue;
      set = intersect(set, this.archesOfSymbol(sym, new Set()));
    }
    return set.size < this.all.size && set.size > 0 ? [...set].sort() : undefined;
  }

  /** `obj-$(CONFIG_X) += name` in the directory's Makefile: X, 'y', or undefined (not named). */
  private ruleOf(dir: string, object: string): string | undefined {
    let rules = this.rules.get(dir);
    if (!rules) {
      rules = new Map();
      const text = (this.tree.makefile(dir) ?? '').replace(/\\\n/g, ' ');
      for (const m of text.matchAll(/^\s*obj-(?:\$\(CONFIG_(\w+)\)|(y))\s*[+:]?=\s*(.*)$/gm)) {
        for (const name of m[3]!.split(/\s+/)) {
          if (!name) continue;
          // Named under two conditions: the file is built whenever either holds.
          const prev = rules.get(name);
          rules.set(name, prev !== undefined && prev !== (m[1] ?? 'y') ? 'y' : (m[1] ?? 'y'));
        }
      }
      this.rules.set(dir, rules);
    }
    return rules.get(object);
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
      const ways = sym.definitions.filter((d) => d.canBeOn).map((d) => {
        let on: ReadonlySet<string> = d.arch === '' ? this.all : new Set(this.all.has(d.arch) ? [d.arch] : []);
        for (const dep of d.depends) on = intersect(on, this.archesOfExpr(dep, seen));
        return on;
      });
      set = union([...ways, ...sym.selectedBy.map((x) => this.archesOfSymbol(x, seen))]);
    }
    seen.delete(name);
    this.memo.set(name, set);
    return set;
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
    for (const raw of text.split('\n')) {
      // `if X` menus and `prompt ... if X` narrow further; they are not read, which only keeps
      // more architectures in.
      const line = raw.replace(/#.*$/, '').trim();
      let m: RegExpExecArray | null;
      if ((m = /^(?:menu)?config\s+(\w+)/.exec(line))) {
        currentName = m[1]!;
        current = { arch, depends: [], canBeOn: false };
        this.symbol(currentName).definitions.push(current);
      } else if (/^(?:choice|endchoice|menu|endmenu|comment|source|mainmenu|if|endif)\b/.test(line)) current = undefined;
      else if (!current) continue;
      else if ((m = /^depends\s+on\s+(.+)$/.exec(line))) current.depends.push(m[1]!);
      else if (/^(?:(?:bool|tristate|string|int|hex)\s+"|prompt\s+"|default\s|def_bool\s|def_tristate\s)/.test(line)) current.canBeOn = true;
      else if ((m = /^select\s+(\w+)/.exec(line))) this.symbol(m[1]!).selectedBy.push(currentName);
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
