// The lines of a tree's Kbuild Makefiles that name something to build, for kbuild.ts: who names
// each object and under which CONFIG_ symbols. Kbuild reads a directory's `Kbuild` file, else its
// `Makefile`; an `include`d file is read in place, so its objects are named by the including
// directory: Linux's arch/x86/kvm/Makefile includes virt/kvm/Makefile.kvm, whose
// `kvm-$(CONFIG_X) += $(KVM)/file.o`, with `KVM ?= ../../../virt/kvm`, puts virt/kvm/file.c into
// arch/x86/kvm's composite `kvm.o`. What is not read: `ifdef`/`ifeq` blocks (their lines count as
// unconditional, which only names more), and words with a `$(...)` that is not a plain variable
// of the same text (`$(addprefix ...)`, `$(CONFIG_X)`, a variable set inside `ifdef`): such a word
// names nothing here, as in a directory's own Makefile before. That is an assumption, not a
// certainty: Linux's root Kbuild builds `$(ARCH_CORE)`, which could name anything; it names the
// arch's own directories, and no unread word of Linux 6.1 names a file of virt/kvm.

/** One line naming an object or a directory. */
export interface Naming {
  /** The directory whose Makefile names it: the line is read only when that directory is built. */
  readonly dir: string;
  /** The symbols that must all be on (`obj-y` adds none; a composite adds its own `obj-` line's). */
  readonly conditions: readonly string[];
}

export interface MakefileSource {
  /** The directories (relative to the root, '' for the root) with a `Kbuild` file or a `Makefile`. */
  readonly makefileDirs: readonly string[];
  /** A file of the tree by its path relative to the root, if it exists. */
  read(path: string): string | undefined;
}

/** A list line: `obj-$(CONFIG_X) += a.o b/`, `kvm-y := a.o`, `kvm-objs := a.o`. */
interface ListLine {
  readonly list: string;
  readonly condition?: string;
  readonly words: readonly string[];
}

/**
 * Every object and directory the tree's Makefiles name, keyed by its path relative to the root:
 * `common/kexec.o`, `virt/kvm/dirty_ring.o`, `arch/x86/kvm/` (a directory ends in `/`).
 */
export function readNamings(src: MakefileSource): Map<string, Naming[]> {
  const out = new Map<string, Naming[]>();
  const add = (key: string, n: Naming): void => { const l = out.get(key); if (l) l.push(n); else out.set(key, [n]); };
  for (const dir of src.makefileDirs) {
    const text = src.read(joinPath(dir, 'Kbuild')) ?? src.read(joinPath(dir, 'Makefile'));
    if (text === undefined) continue;
    const lines = readLists(src, dir, text);
    // `obj-...` lines name objects of the directory; another list names the parts of the composite
    // object of its name (`kvm-y` builds `kvm.o`) when an `obj-` line names that object.
    const objects = new Map<string, string[][]>();
    for (const l of lines.filter((x) => x.list === 'obj')) {
      for (const w of l.words) {
        const conds = objects.get(w) ?? [];
        conds.push(l.condition ? [l.condition] : []);
        objects.set(w, conds);
      }
    }
    for (const l of lines) {
      const owner = l.list === 'obj' ? [[]] : objects.get(`${l.list}.o`);
      if (!owner) continue;
      for (const w of l.words) {
        const key = resolveObject(dir, w);
        if (!key) continue;
        for (const c of owner) add(key, { dir, conditions: l.condition ? [l.condition, ...c] : c });
      }
    }
  }
  return out;
}

/** The list lines of a Makefile with its includes read in place and its plain variables expanded. */
function readLists(src: MakefileSource, dir: string, text: string): ListLine[] {
  const vars = new Map<string, string | undefined>([['src', dir], ['obj', dir]]);
  const out: ListLine[] = [];
  const seen = new Set<string>();
  // Inside `ifeq`/`ifdef`, a variable set with `=`, `:=` or `?=` may keep its other value: it is
  // not known (a list line there still names its words, and `+=` only adds words).
  let conditional = 0;
  const visit = (body: string): void => {
    for (const raw of body.replace(/\\\n/g, ' ').split('\n')) {
      if (/^\s*(?:ifn?eq|ifn?def)\b/.test(raw)) { conditional++; continue; }
      if (/^\s*endif\b/.test(raw)) { conditional = Math.max(0, conditional - 1); continue; }
      // Recipes and rules (most lines) neither assign nor include.
      if (!raw.includes('=') && !raw.includes('include')) continue;
      const line = raw.replace(/#.*$/, '').trim();
      let m: RegExpExecArray | null;
      if ((m = /^-?s?include\s+(.+)$/.exec(line))) {
        for (const w of splitWords(m[1]!)) {
          const expanded = expand(w.replace(/^\$[({]srctree[)}]\//, ''), vars);
          const path = expanded === undefined ? undefined : normalize(expanded);
          if (path === undefined || seen.has(path)) continue;
          seen.add(path);
          const included = src.read(path);
          if (included !== undefined) visit(included);
        }
      } else if ((m = /^([\w.-]+?)-(y|m|objs|\$\(CONFIG_(\w+)\))\s*(?:\+=|:=|=)\s*(.*)$/.exec(line))) {
        const words = splitWords(m[4]!).flatMap((w) => splitWords(expand(w, vars) ?? ''));
        out.push({ list: m[1]!, ...(m[3] ? { condition: m[3] } : {}), words });
      }
      // Every assignment is also a variable (`KVM ?= ../../../virt/kvm`, `kvm-y := ...`).
      if ((m = /^([A-Za-z_][\w.-]*)\s*(\?=|::=|:=|\+=|=)\s*(.*)$/.exec(line))) {
        const name = m[1]!;
        const v = expand(m[3]!, vars);
        if (m[2] === '?=' && vars.has(name)) continue;
        // A value not known stays unknown through later `+=` lines.
        const before = vars.get(name);
        if (m[2] !== '+=') vars.set(name, conditional > 0 ? undefined : v);
        else vars.set(name, !vars.has(name) ? v : before === undefined || v === undefined ? undefined : `${before} ${v}`);
      }
    }
  };
  visit(text);
  return out;
}

/** `$(VAR)` and `${VAR}` of plain variables replaced; undefined when something else is left. */
function expand(text: string, vars: ReadonlyMap<string, string | undefined>): string | undefined {
  let unknown = false;
  const out = text.replace(/\$[({]([\w.-]+)[)}]/g, (all, name: string) => {
    const v = vars.get(name);
    if (v === undefined) unknown = true;
    return v ?? all;
  });
  return unknown || out.includes('$') ? undefined : out;
}

/** The words of a value, a `$(fn a, b)` call being one word. */
function splitWords(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let word = '';
  for (const ch of text) {
    if (ch === '(' || ch === '{') depth++;
    else if ((ch === ')' || ch === '}') && depth > 0) depth--;
    if (/\s/.test(ch) && depth === 0) { if (word) out.push(word); word = ''; } else word += ch;
  }
  if (word) out.push(word);
  return out;
}

/** `dirty_ring.o` or `kvm/` named in `dir`, as a path from the root; undefined outside it. */
function resolveObject(dir: string, word: string): string | undefined {
  if (!/(\.o|\/)$/.test(word)) return undefined;
  const path = normalize(joinPath(dir, word));
  return path === undefined || path === '' ? undefined : word.endsWith('/') ? `${path}/` : path;
}

/** `a/b/../c/./d` as `a/c/d`; undefined when it leaves the root. */
function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p !== '..') out.push(p);
    else if (out.pop() === undefined) return undefined;
  }
  return out.join('/');
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
