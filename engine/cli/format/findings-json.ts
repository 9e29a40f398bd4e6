// The JSON report: one flat diagnostic per finding, 1-based lines and columns in the input file.
import type { Analysis, Finding } from '../../checks/types';

export function findingsJson(file: string, a: Analysis): object[] {
  return a.findings.map((f: Finding) => ({
    file,
    line: f.place.range.line, column: f.place.range.col, endLine: f.place.range.endLine, endColumn: f.place.range.endCol,
    severity: f.severity, code: f.code, message: f.message, explanation: f.explanation,
    related: f.related.map((r) => ({ file: r.place.file ?? file, line: r.place.range.line, column: r.place.range.col, endLine: r.place.range.endLine, endColumn: r.place.range.endCol, message: r.message })),
    models: Object.fromEntries(f.models.map((m) => [m.model, m.verdict])),
    witness: f.witness ?? [],
    litmus: f.litmus,
    fixes: f.fixes.map((x) => ({ title: x.title, preferred: x.preferred, repairs: x.repairs, verified: x.verified, edits: x.edits.map((e) => ({ file: e.file ?? file, line: e.range.line, column: e.range.col, endLine: e.range.endLine, endColumn: e.range.endCol, newText: e.newText })) })),
  }));
}
