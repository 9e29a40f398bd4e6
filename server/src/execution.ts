// "Show execution": the witness execution of a finding as an SVG, for the editor to show. The
// server draws it (engine/picture/) so every client gets the same picture; the VS Code client
// only puts it in a webview. A finding with nothing to draw says why instead.
import type { Finding } from '../../engine/checks/types';
import { findingPicture, pictureSource } from '../../engine/picture/finding-picture';
import type { Budget } from '../../engine/sim/candidates';

/** What `hvbarrier.showExecution` answers. */
export type ExecutionView =
  | { readonly title: string; readonly heading: string; readonly svg: string }
  | { readonly none: string };

export function executionView(finding: Finding | undefined, doc: { kind: string; text: string }, budget?: Partial<Budget>): ExecutionView {
  if (!finding) return { none: 'no such finding in the current version of the document' };
  const source = pictureSource(finding, doc);
  if (!source) return { none: `${finding.code} at line ${finding.place.range.line} has no litmus test behind it` };
  // The editor's budget bounds the drawing too: the server's main thread must stay responsive.
  const pic = findingPicture({ finding, ...source, budget });
  if ('none' in pic) return { none: `no execution for ${finding.code} at line ${finding.place.range.line}: ${pic.none}` };
  return { title: `Execution: ${finding.code}, line ${finding.place.range.line}`, heading: finding.message, svg: pic.svg };
}
