// The JSON report: a schema version, the tool, one flat diagnostic per finding (1-based lines
// and columns in the input file) with the caveats that weaken it, the problems that weaken no
// finding, what was suppressed, the inputs that could not be read, and the totals.
import type { Caveat, Report, ReportedFinding } from '../report';
import { REPORT_SCHEMA_VERSION, isNotJudged, totals } from '../report';

function caveatJson(file: string, c: Caveat): object {
  return { file: c.file ?? file, line: c.line, column: c.col, severity: c.severity, message: c.message, notJudged: isNotJudged(c) };
}

function diagnostic(file: string, x: ReportedFinding): object {
  const f = x.finding;
  return {
    file: f.place.file ?? file,
    line: f.place.range.line, column: f.place.range.col, endLine: f.place.range.endLine, endColumn: f.place.range.endCol,
    severity: f.severity, code: f.code, message: f.message, explanation: f.explanation,
    function: x.function, fingerprint: x.fingerprint,
    caveats: x.caveats.map((c) => caveatJson(file, c)),
    related: f.related.map((r) => ({ file: r.place.file ?? file, line: r.place.range.line, column: r.place.range.col, endLine: r.place.range.endLine, endColumn: r.place.range.endCol, message: r.message })),
    models: Object.fromEntries(f.models.map((m) => [m.model, m.verdict])),
    witness: f.witness ?? [],
    litmus: f.litmus,
    fixes: f.fixes.map((y) => ({ title: y.title, preferred: y.preferred, repairs: y.repairs, verified: y.verified, edits: y.edits.map((e) => ({ file: e.file ?? file, line: e.range.line, column: e.range.col, endLine: e.range.endLine, endColumn: e.range.endCol, newText: e.newText })) })),
  };
}

export function reportJson(r: Report, tool: { version: string }): object {
  const t = totals(r);
  return {
    version: REPORT_SCHEMA_VERSION,
    tool: { name: 'hvbarrier', version: tool.version },
    diagnostics: r.files.flatMap((f) => f.findings.map((x) => diagnostic(f.file, x))),
    problems: r.files.flatMap((f) => [...f.problems, ...f.notJudged].map((c) => caveatJson(f.file, c))),
    suppressed: r.files.flatMap((f) => f.suppressed.map((x) => ({ ...diagnostic(f.file, x), suppressedBy: x.by, reason: x.reason }))),
    errors: r.errors.map((e) => ({ file: e.file, line: e.line, column: e.col, message: e.message })),
    notices: r.notices,
    files: r.files.map((f) => ({
      file: f.file, kind: f.kind, functionsJudged: f.functions.judged, functionsNotJudged: f.functions.notJudged,
      functions: f.functions.list.map((x) => ({ function: x.name, file: x.file ?? f.file, line: x.line, column: x.col, judged: x.judged, reason: x.reason, caveats: x.caveats })),
    })),
    summary: { errors: t.errors, warnings: t.warnings, notes: t.notes, suppressed: t.suppressed, functionsJudged: t.judged, functionsNotJudged: t.notJudged },
  };
}
