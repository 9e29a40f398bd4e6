// Baselines for CI: a file listing the fingerprints of known findings, so a tree with known
// findings gates only new ones. A fingerprint recorded n times absorbs n findings (two identical
// lines in one function are two findings). Reading and writing the file is the CLI's job.

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  readonly fingerprint: string;
  readonly code: string;
  readonly file: string;
  readonly function: string;
  /** For people reading the file; not used to match. */
  readonly message: string;
}

export interface Baseline {
  readonly tool: 'hvbarrier';
  readonly version: number;
  readonly findings: readonly BaselineEntry[];
}

export function makeBaseline(entries: readonly BaselineEntry[]): Baseline {
  const findings = [...entries].sort((a, b) => a.file.localeCompare(b.file) || a.function.localeCompare(b.function) || a.fingerprint.localeCompare(b.fingerprint));
  return { tool: 'hvbarrier', version: BASELINE_VERSION, findings };
}

/** Parses a baseline's text; a malformed one is an error message, never an empty baseline. */
export function parseBaseline(text: string): { baseline?: Baseline; error?: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
  const b = v as Partial<Baseline>;
  if (typeof v !== 'object' || v === null || b.tool !== 'hvbarrier' || !Array.isArray(b.findings)) return { error: 'not an hvbarrier baseline (expected {"tool": "hvbarrier", "version", "findings": [...]})' };
  if (b.version !== BASELINE_VERSION) return { error: `baseline version ${String(b.version)} is not supported (expected ${BASELINE_VERSION})` };
  if (!b.findings.every((f) => typeof f?.fingerprint === 'string')) return { error: 'every finding needs a "fingerprint" string' };
  return { baseline: b as Baseline };
}

/** Matches fingerprints against a baseline, each recorded entry absorbing one finding. */
export class BaselineMatcher {
  private readonly left = new Map<string, number>();

  constructor(b: Baseline) {
    for (const f of b.findings) this.left.set(f.fingerprint, (this.left.get(f.fingerprint) ?? 0) + 1);
  }

  /** True (and consumed) when the baseline knows this finding. */
  take(fp: string): boolean {
    const n = this.left.get(fp) ?? 0;
    if (n === 0) return false;
    this.left.set(fp, n - 1);
    return true;
  }
}
