// Hover notes that are not findings: on a barrier, what it orders and what it pairs with (or
// that no pair is in view); on a shared access, which other functions touch the same location.
import type { Thread } from '../extract/types';
import { isSharedAccess, matchKeys } from '../pair/peers';
import type { CheckContext } from './context';
import { fencePrim, orderingEvents } from './litmus-build';
import type { Note } from './types';

export function notesFor(ctx: CheckContext): Note[] {
  const notes: Note[] = [];
  // Which functions touch each location, by the field-path key that matches across functions.
  const touching = new Map<string, Set<Thread>>();
  for (const u of ctx.all) {
    for (const x of u.events) {
      if (!isSharedAccess(x)) continue;
      for (const k of matchKeys(x.loc)) (touching.get(k) ?? touching.set(k, new Set()).get(k)!).add(u);
    }
  }
  // The peers' names per set of keys, computed once: many accesses share their keys, and a
  // handshake repeated across a series makes every function a peer of every other.
  const peerNames = new Map<string, Map<Thread, string>>();
  const peersOfKeys = (keys: readonly string[]): Map<Thread, string> => {
    const id = keys.join('\0');
    let m = peerNames.get(id);
    if (!m) {
      m = new Map();
      for (const k of keys) for (const u of touching.get(k) ?? []) if (!m.has(u)) m.set(u, `${u.name}()${ctx.isDocument(u) ? '' : ` in ${u.file ?? 'the workspace'}`}`);
      peerNames.set(id, m);
    }
    return m;
  };
  for (const t of ctx.document) {
    if (t.side === 'pre') continue;
    for (const e of t.events) {
      if (e.kind === 'F' && !e.via?.length) notes.push({ place: ctx.place(t, e), kind: 'barrier', markdown: barrierNote(ctx, t, e.id) });
      else if (isSharedAccess(e) && !e.via?.length) {
        const names = new Set<string>();
        for (const [u, name] of peersOfKeys(matchKeys(e.loc))) if (u !== t) names.add(name);
        notes.push({
          place: ctx.place(t, e), kind: 'access',
          markdown: `**${e.kind === 'R' ? 'load' : e.kind === 'W' ? 'store' : 'atomic RMW'}** \`${e.loc.text}\` (${e.annot})\n\n`
            + (names.size ? `Also accessed by ${[...names].join(', ')}.` : 'No other function in view touches this location.'),
        });
      }
    }
  }
  return notes;
}

function barrierNote(ctx: CheckContext, t: Thread, fenceId: number): string {
  const fence = t.events[fenceId]!;
  const lines = [`**${fence.kind === 'F' ? fencePrim(fence.fence) : fence.prim ?? 'barrier'}()**`];
  let paired = false;
  for (const j of ctx.analysis.scenariosOf(t)) {
    const i = j.scenario.sides.findIndex((s) => s.thread === t && !s.synthesized && orderingEvents(s).between.some((e) => e.id === fenceId));
    if (i < 0) continue;
    const mine = j.scenario.sides[i]!;
    const other = j.scenario.sides[1 - i]!;
    const first = mine.first ? `\`${mine.first.text}\`` : `the earlier store to \`${mine.firstLoc.text}\``;
    const otherFence = other.synthesized ? undefined : orderingEvents(other).between.find((e) => e.kind === 'F');
    const pair = other.synthesized ? `a synthesized observer (${other.synthesized})`
      : otherFence && otherFence.kind === 'F' ? `${fencePrim(otherFence.fence)}() in ${other.thread.name}()${otherFence.via?.length ? ` via ${otherFence.via.map((v) => `${v.callee}()`).join(' → ')}` : ''}`
        : `${other.thread.name}(), which has no barrier between its accesses`;
    lines.push(`- orders ${first} before \`${mine.second.text}\`; pairs with ${pair}`);
    paired = true;
  }
  if (!paired) lines.push('- no pair in view: no function in the document or workspace accesses the locations it orders in a way that needs it');
  return lines.join('\n');
}
