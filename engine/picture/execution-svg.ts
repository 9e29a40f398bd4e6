// The witness execution as a picture, the way reviewers draw two CPUs on a whiteboard: one
// column per CPU with its events in program order (initial writes in a column of their own),
// po/rf/co/fr as labelled arrows in herd's colours, and the bad outcome stated on top. Pure:
// a Witness in, SVG text out. Every node and edge carries data-* attributes (id, thread, kind,
// from, to) so tests and tools can read the graph back without parsing geometry.
import type { Witness, WitnessEvent } from '../sim/witness';

export interface ExecutionPicture {
  readonly witness: Witness;
  /** The first line on top: the test and the outcome, e.g. `MP: exists (1:r0=1 /\ 1:r1=0)`. */
  readonly title: string;
  /** The second line: which model allows it. */
  readonly subtitle?: string;
  /** Column headers per thread, e.g. `P0 vcpu_enter_guest()`. */
  readonly threadNames?: ReadonlyMap<number, string>;
  /** What an event's line number refers to: `line` (the document is the test) or `test line`. */
  readonly lineWord?: string;
}

export type EdgeKind = 'po' | 'rf' | 'co' | 'fr';

const COLOUR: Record<EdgeKind, string> = { po: '#555555', rf: '#d62728', co: '#1f77b4', fr: '#ff7f0e' };
const COL_W = 240;
const ROW_H = 80;
const NODE_W = 180;
const NODE_H = 40;
const TOP = 150;
const LEFT = 20;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** herd's way of naming an event: `Wx=1`, `Ry=0`, `F smp_mb`. */
export function eventLabel(e: WitnessEvent): string {
  if (e.kind === 'F') return `F ${e.instr}`;
  return `${e.kind} ${e.loc ?? '?'}=${e.value ?? '?'}`;
}

interface Placed {
  readonly e: WitnessEvent;
  readonly x: number;
  readonly y: number;
}

function layout(w: Witness): { placed: Map<number, Placed>; columns: number[]; rows: number } {
  const threads = [...new Set(w.events.map((e) => e.thread))].sort((a, b) => a - b);
  const columns = threads;
  const placed = new Map<number, Placed>();
  let rows = 0;
  columns.forEach((t, col) => {
    const events = w.events.filter((e) => e.thread === t);
    // Program order: follow the po chain from the event nothing precedes (init writes have none).
    const ordered = t < 0 ? events : poOrder(events, w.po);
    ordered.forEach((e, row) => placed.set(e.id, { e, x: LEFT + col * COL_W, y: TOP + row * ROW_H }));
    rows = Math.max(rows, ordered.length);
  });
  return { placed, columns, rows };
}

function poOrder(events: readonly WitnessEvent[], po: Witness['po']): WitnessEvent[] {
  const ids = new Set(events.map((e) => e.id));
  const next = new Map(po.filter(([a, b]) => ids.has(a) && ids.has(b)));
  const hasPred = new Set(po.filter(([a, b]) => ids.has(a) && ids.has(b)).map(([, b]) => b));
  const out: WitnessEvent[] = [];
  let cur = events.find((e) => !hasPred.has(e.id))?.id;
  while (cur !== undefined && out.length < events.length) {
    out.push(events.find((e) => e.id === cur)!);
    cur = next.get(cur);
  }
  // Anything not on the chain (should not happen) still gets drawn, in id order.
  for (const e of events) if (!out.includes(e)) out.push(e);
  return out;
}

function edgePath(kind: EdgeKind, a: Placed, b: Placed, bend: number): { d: string; lx: number; ly: number } {
  const ax = a.x + NODE_W / 2;
  const bx = b.x + NODE_W / 2;
  if (kind === 'po') return { d: `M ${ax} ${a.y + NODE_H} L ${ax} ${b.y}`, lx: ax + 4, ly: (a.y + NODE_H + b.y) / 2 + 4 };
  if (a.x === b.x) {
    // Within one column (a CPU reading its own store): bow out to the right so it stays visible.
    const x = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const y2 = b.y + NODE_H / 2;
    const cx = x + 40 + bend;
    return { d: `M ${x} ${y1} Q ${cx} ${(y1 + y2) / 2} ${x} ${y2}`, lx: cx - 16, ly: (y1 + y2) / 2 };
  }
  const leftToRight = ax < bx;
  const x1 = leftToRight ? a.x + NODE_W : a.x;
  const x2 = leftToRight ? b.x : b.x + NODE_W;
  const y1 = a.y + NODE_H / 2;
  const y2 = b.y + NODE_H / 2;
  const cx = (x1 + x2) / 2;
  // An edge that skips a column arcs over the top, not through the nodes in between.
  const skips = Math.abs(ax - bx) > COL_W * 1.5;
  // (A quadratic curve peaks halfway between its ends' midpoint and its control point.)
  const cy = skips ? (4 * (TOP - 22 - bend) - y1 - y2) / 2 : (y1 + y2) / 2 - 18 - bend;
  return { d: `M ${x1} ${y1} Q ${cx} ${cy} ${x2} ${y2}`, lx: cx, ly: (y1 + 2 * cy + y2) / 4 - 4 };
}

export function executionSvg(p: ExecutionPicture): string {
  const { placed, columns, rows } = layout(p.witness);
  // Wide enough for the title too (monospace at 14px is about 8.5px a character).
  const width = Math.max(LEFT * 2 + columns.length * COL_W, LEFT * 2 + Math.ceil(p.title.length * 8.5));
  const height = TOP + rows * ROW_H + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`,
    '<defs>',
    ...(Object.keys(COLOUR) as EdgeKind[]).map((k) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${COLOUR[k]}"/></marker>`),
    '</defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text class="title" x="${LEFT}" y="24" font-size="14" font-weight="bold">${esc(p.title)}</text>`,
  ];
  if (p.subtitle) out.push(`<text class="subtitle" x="${LEFT}" y="44">${esc(p.subtitle)}</text>`);
  columns.forEach((t, col) => {
    const name = t < 0 ? 'init' : p.threadNames?.get(t) ?? `P${t}`;
    out.push(`<text class="cpu" data-thread="${t}" x="${LEFT + col * COL_W + NODE_W / 2}" y="68" text-anchor="middle" font-weight="bold">${esc(name)}</text>`);
  });
  for (const { e, x, y } of placed.values()) {
    const where = e.line !== undefined ? ` (${p.lineWord ?? 'line'} ${e.line})` : '';
    out.push(
      `<g class="event" id="e${e.id}" data-id="${e.id}" data-thread="${e.thread}" data-kind="${e.kind}" data-label="${esc(eventLabel(e))}">`,
      `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="${e.thread < 0 ? '#f2f2f2' : '#fafafa'}" stroke="#333333"/>`,
      `<text x="${x + NODE_W / 2}" y="${y + 17}" text-anchor="middle">${esc(eventLabel(e))}</text>`,
      `<text x="${x + NODE_W / 2}" y="${y + 32}" text-anchor="middle" fill="#666666" font-size="10">${esc(e.instr + where)}</text>`,
      '</g>',
    );
  }
  const kinds: EdgeKind[] = ['po', 'rf', 'co', 'fr'];
  let bend = 0;
  for (const kind of kinds) {
    for (const [from, to] of p.witness[kind]) {
      const a = placed.get(from);
      const b = placed.get(to);
      if (!a || !b) continue;
      const { d, lx, ly } = edgePath(kind, a, b, (bend++ % 3) * 12);
      out.push(
        `<g class="edge ${kind}" data-kind="${kind}" data-from="${from}" data-to="${to}">`,
        `<path d="${d}" fill="none" stroke="${COLOUR[kind]}" stroke-width="1.5" marker-end="url(#arrow-${kind})"/>`,
        `<text x="${lx}" y="${ly}" fill="${COLOUR[kind]}" font-size="11">${kind}</text>`,
        '</g>',
      );
    }
  }
  out.push('</svg>', '');
  return out.join('\n');
}
