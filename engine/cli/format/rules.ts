// Rule metadata for SARIF (and `--explain`): read from the check's page in docs/checks/, the
// same text the diagnostic's link opens, so the two never disagree.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_DOCS_BASE } from '../../checks/types';
import { packageRoot } from '../version';

export interface RuleDoc {
  readonly id: string;
  /** First sentence of "What it finds". */
  readonly short: string;
  /** The whole "What it finds" paragraph. */
  readonly full: string;
  /** The page, markdown. */
  readonly markdown: string;
  readonly helpUri: string;
}

const docsDir = (): string => join(packageRoot(), 'docs', 'checks');

/** Plain text of a markdown paragraph: no emphasis markers, code ticks or line breaks. */
function plain(md: string): string {
  return md.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1').replace(/\s+/g, ' ').trim();
}

export function ruleDoc(id: string): RuleDoc {
  const helpUri = `${CHECK_DOCS_BASE}${id}.md`;
  let markdown: string;
  try {
    markdown = readFileSync(join(docsDir(), `${id}.md`), 'utf8');
  } catch {
    return { id, short: id, full: id, markdown: `See ${helpUri}`, helpUri };
  }
  const para = markdown.split(/\n\s*\n/).find((p) => /^\*\*What it (finds|shows)/.test(p)) ?? '';
  const full = plain(para.replace(/^\*\*What it (finds|shows)\.?\*\*(?: \([^)]*\))?\.?\s*/, ''));
  const short = /^.*?[.!?](?=\s|$)/.exec(full)?.[0] ?? full;
  return { id, short, full, markdown, helpUri };
}

/** Every check that has a page, sorted. */
export function documentedRules(): string[] {
  try {
    return readdirSync(docsDir()).filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3)).sort();
  } catch {
    return [];
  }
}
