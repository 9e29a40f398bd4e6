// SARIF 2.1.0 for code-scanning tools: one run, one rule per check code, relatedLocations for
// the paired accesses and barriers, fixes as artifact changes.
import type { Log, Result } from 'sarif';
import type { Analysis, Finding } from '../../checks/types';
import { CHECK_DOCS_BASE } from '../../checks/types';

const LEVEL: Record<Finding['severity'], Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function region(r: Finding['place']['range']) {
  return { startLine: r.line, startColumn: r.col, endLine: r.endLine, endColumn: r.endCol };
}

export function findingsSarif(reports: ReadonlyArray<{ file: string; analysis: Analysis }>, version: string): Log {
  const codes = [...new Set(reports.flatMap((r) => r.analysis.findings.map((f) => f.code)))].sort();
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'hvbarrier', version, informationUri: CHECK_DOCS_BASE, rules: codes.map((id) => ({ id, helpUri: `${CHECK_DOCS_BASE}${id}.md` })) } },
      results: reports.flatMap(({ file, analysis }) => analysis.findings.map((f): Result => ({
        ruleId: f.code,
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: f.place.file ?? file }, region: region(f.place.range) } }],
        relatedLocations: f.related.map((r, i) => ({ id: i, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: r.place.file ?? file }, region: region(r.place.range) } })),
        properties: { models: Object.fromEntries(f.models.map((m) => [m.model, m.verdict])) },
        fixes: f.fixes.map((x) => ({
          description: { text: x.title },
          artifactChanges: [{ artifactLocation: { uri: file }, replacements: x.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }],
        })),
      }))),
    }],
  };
}
