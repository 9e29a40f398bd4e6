// SARIF 2.1.0 for code-scanning tools: one run; rules with short and full descriptions and help
// from docs/checks; artifact URIs relative to SRCROOT (the current directory); caveats as
// related locations; suppressed findings with their suppression; inputs that could not be read
// and problems that weaken no finding as tool execution notifications.
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactLocation, Log, Notification, Region, Result } from 'sarif';
import type { Finding, Place } from '../../checks/types';
import { CHECK_DOCS_BASE } from '../../checks/types';
import type { Caveat, Report, ReportedFinding, SuppressedFinding } from '../report';
import { isNotJudged } from '../report';
import { documentedRules, ruleDoc } from './rules';

const LEVEL: Record<Finding['severity'], Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const CAVEAT_LEVEL: Record<Caveat['severity'], Notification.level> = { error: 'error', warning: 'warning', note: 'note' };

function region(r: Place['range']): Region {
  return { startLine: r.line, startColumn: r.col, endLine: r.endLine, endColumn: r.endCol };
}

/** A path as SARIF wants it: relative to SRCROOT when it is below it, else an absolute file URI. */
function artifact(path: string, srcroot: string): ArtifactLocation {
  if (path === '<stdin>') return { uri: 'stdin', description: { text: 'standard input' } };
  const rel = relative(srcroot, resolve(srcroot, path));
  if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(resolve(srcroot, path)).href };
  return { uri: rel.split('\\').join('/').split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
}

export function reportSarif(r: Report, a: { version: string; srcroot: string }): Log {
  const loc = (file: string, range: Place['range']) => ({ physicalLocation: { artifactLocation: artifact(file, a.srcroot), region: region(range) } });
  const pointRange = (c: Caveat) => ({ line: c.line, col: c.col, endLine: c.line, endCol: c.col });
  const codes = [...new Set([...documentedRules(), ...r.files.flatMap((f) => [...f.findings, ...f.suppressed].map((x) => x.finding.code))])].sort();
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));

  const result = (file: string, x: ReportedFinding | SuppressedFinding): Result => {
    const f = x.finding;
    const related = [
      ...f.related.map((rel) => ({ message: { text: rel.message }, ...loc(rel.place.file ?? file, rel.place.range) })),
      ...x.caveats.map((c) => ({ message: { text: `caveat: ${c.message}` }, ...loc(c.file ?? file, pointRange(c)) })),
    ].map((l, id) => ({ id, ...l }));
    const suppressedBy = 'by' in x ? x : undefined;
    return {
      ruleId: f.code, ruleIndex: ruleIndex.get(f.code)!,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [loc(f.place.file ?? file, f.place.range)],
      relatedLocations: related,
      partialFingerprints: { 'hvbarrier/v1': x.fingerprint },
      properties: {
        models: Object.fromEntries(f.models.map((m) => [m.model, m.verdict])),
        ...(x.function ? { function: x.function } : {}),
        caveats: x.caveats.map((c) => c.message),
      },
      ...(suppressedBy ? { suppressions: [{ kind: suppressedBy.by === 'comment' ? 'inSource' as const : 'external' as const, justification: suppressedBy.reason ?? suppressedBy.by }] } : {}),
      fixes: f.fixes.map((y) => ({
        description: { text: y.title },
        artifactChanges: [{ artifactLocation: artifact(file, a.srcroot), replacements: y.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }],
      })),
    };
  };

  const notifications: Notification[] = [
    ...r.errors.map((e): Notification => ({ level: 'error', message: { text: e.message }, locations: [loc(e.file, { line: e.line, col: e.col, endLine: e.line, endCol: e.col })] })),
    ...r.files.flatMap((f) => [...f.problems, ...f.notJudged].map((c): Notification => ({
      level: CAVEAT_LEVEL[c.severity], message: { text: c.message }, locations: [loc(c.file ?? f.file, pointRange(c))],
      ...(isNotJudged(c) ? { descriptor: { id: 'not-judged' } } : {}),
    }))),
    ...r.notices.map((n): Notification => ({ level: 'note', message: { text: n } })),
  ];

  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: {
        driver: {
          name: 'hvbarrier', version: a.version, semanticVersion: a.version, informationUri: CHECK_DOCS_BASE,
          rules: codes.map((id) => {
            const d = ruleDoc(id);
            return { id, shortDescription: { text: d.short }, fullDescription: { text: d.full }, help: { text: d.full, markdown: d.markdown }, helpUri: d.helpUri };
          }),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(a.srcroot.endsWith('/') ? a.srcroot : `${a.srcroot}/`).href } },
      invocations: [{ executionSuccessful: r.errors.length === 0, toolExecutionNotifications: notifications }],
      results: r.files.flatMap((f) => [...f.findings.map((x) => result(f.file, x)), ...f.suppressed.map((x) => result(f.file, x))]),
    }],
  };
}
