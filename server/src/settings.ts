// Settings from `workspace/configuration` (section "hvbarrier"), checked field by field. A bad
// value is reported and replaced by its default: a typo in settings.json must never stop the
// server or silently change what it checks.
import type { Arch } from '../../engine/checks/types';
import type { ModelName } from '../../engine/models/model';

export interface Settings {
  readonly arch: Arch;
  readonly models: readonly ModelName[];
  /** Path of a `.hvbarrier.json` knowledge-base extension; relative to the first workspace folder. */
  readonly kbPath: string;
  /** Extra macros, merged over the file's sections of the same name. */
  readonly macros: { readonly barriers: Record<string, unknown>; readonly accessors: Record<string, unknown>; readonly locks: Record<string, unknown> };
  readonly budget: { readonly maxExecutions: number; readonly maxMillis: number };
  readonly index: { readonly include: readonly string[]; readonly exclude: readonly string[]; readonly enabled: boolean };
  readonly debounceMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  arch: 'all',
  models: ['sc', 'x86-tso', 'armv8', 'lkmm'],
  kbPath: '',
  macros: { barriers: {}, accessors: {}, locks: {} },
  budget: { maxExecutions: 200_000, maxMillis: 2_000 },
  index: { include: ['**/*.c', '**/*.h', '**/*.patch', '**/*.diff'], exclude: ['**/node_modules/**', '**/.git/**', '**/.hvbarrier-cache/**'], enabled: true },
  debounceMs: 50,
};

const ARCHES: readonly Arch[] = ['x86', 'arm64', 'all'];
const MODELS: readonly ModelName[] = ['sc', 'x86-tso', 'armv8', 'lkmm'];

export interface SettingsResult {
  readonly settings: Settings;
  /** One sentence per rejected value, naming the setting. */
  readonly errors: readonly string[];
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Reads the raw "hvbarrier" section; anything absent takes its default without complaint. */
export function readSettings(raw: unknown): SettingsResult {
  const errors: string[] = [];
  const d = DEFAULT_SETTINGS;
  if (raw !== undefined && raw !== null && !isObject(raw)) return { settings: d, errors: ['hvbarrier settings must be an object; using defaults'] };
  const r: Raw = isObject(raw) ? raw : {};
  const pick = <T>(key: string, ok: (v: unknown) => v is T, fallback: T, want: string): T => {
    const v = key.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), r);
    if (v === undefined || v === null) return fallback;
    if (ok(v)) return v;
    errors.push(`hvbarrier.${key}: expected ${want}, got ${JSON.stringify(v)}; using ${JSON.stringify(fallback)}`);
    return fallback;
  };
  const arch = pick('arch', (v): v is Arch => ARCHES.includes(v as Arch), d.arch, ARCHES.join(' | '));
  const models = pick('models', (v): v is ModelName[] => isStringArray(v) && v.length > 0 && v.every((m) => MODELS.includes(m as ModelName)), d.models, `a non-empty list of ${MODELS.join(', ')}`);
  const kbPath = pick('kbPath', (v): v is string => typeof v === 'string', d.kbPath, 'a path');
  const obj = (key: string): Record<string, unknown> => pick(key, isObject, {}, 'an object of name → definition');
  const macros = { barriers: obj('macros.barriers'), accessors: obj('macros.accessors'), locks: obj('macros.locks') };
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const budget = {
    maxExecutions: pick('budget.maxExecutions', positive, d.budget.maxExecutions, 'a positive number'),
    maxMillis: pick('budget.maxMillis', positive, d.budget.maxMillis, 'a positive number of milliseconds'),
  };
  const index = {
    include: pick('index.include', isStringArray, d.index.include, 'a list of globs'),
    exclude: pick('index.exclude', isStringArray, d.index.exclude, 'a list of globs'),
    enabled: pick('index.enabled', (v): v is boolean => typeof v === 'boolean', d.index.enabled, 'true or false'),
  };
  const debounceMs = pick('debounceMs', (v): v is number => typeof v === 'number' && v >= 0 && v <= 10_000, d.debounceMs, 'a number of milliseconds from 0 to 10000');
  return { settings: { arch, models, kbPath, macros, budget, index, debounceMs }, errors };
}

/**
 * The knowledge-base text the engine receives: the `.hvbarrier.json` file (if any) with the
 * macro settings merged over its sections. A file that is not a JSON object is passed on as it
 * is: the engine reports its errors with positions (and config-files.ts shows them on the file).
 */
export function kbConfigText(fileText: string | undefined, s: Settings): string | undefined {
  const extra = Object.entries(s.macros).filter(([, v]) => Object.keys(v).length > 0);
  if (fileText === undefined && extra.length === 0) return undefined;
  let base: Raw = {};
  if (fileText !== undefined) {
    try {
      const parsed: unknown = JSON.parse(fileText);
      if (!isObject(parsed)) return fileText;
      base = parsed;
    } catch {
      return fileText;
    }
  }
  for (const [key, value] of extra) base[key] = { ...(isObject(base[key]) ? (base[key] as Raw) : {}), ...value };
  return JSON.stringify(base);
}
