// What a function declares on its own stack, read from its body's text: the own-stack rule
// (local.ts) and the caller-stack parameters (facts.ts, model.ts) both start from it.
import { IPI_CALLBACK_LAUNCHERS, IRQ_HANDLER_INSTALLERS } from '../kb/hv-events';

/**
 * Names a function body declares as objects on its stack (not pointers, not static), each
 * with whether it is an array (`struct x common[8];`): a declaration statement is a type
 * (`struct x`, `unsigned long`, `foo_t`), then declarators.
 */
export function stackObjects(body: string): Map<string, { readonly array: boolean }> {
  const out = new Map<string, { array: boolean }>();
  const decl = /^[ \t]*(?:const\s+|volatile\s+)*(?:(?:struct|union)\s+\w+|\w+(?:\s+(?:int|long|char|short))*)\s+([^;(){}=]+(?:=[^;]*)?);/gm;
  for (let m = decl.exec(body); m; m = decl.exec(body)) {
    if (/^\s*(?:return|static|extern|goto|case|else|typedef)\b/.test(m[0])) continue;
    for (const d of m[1]!.split(',')) {
      const v = /^\s*([A-Za-z_]\w*)\s*((?:\[[^\]]*\]\s*)*)(?:=.*)?$/s.exec(d);
      if (v) out.set(v[1]!, { array: v[2]!.trim() !== '' });
    }
  }
  if (out.size > 0) {
    const handed = handedToOtherCpus(body);
    for (const name of [...out.keys()]) if (handed.has(name)) out.delete(name);
  }
  return out;
}

/** Calls that hand their arguments to code on other CPUs (kb/hv-events.ts), by name. */
const HANDS_OVER = new RegExp(String.raw`\b(?:${[...IPI_CALLBACK_LAUNCHERS, ...IRQ_HANDLER_INSTALLERS].map((l) => l.name).join('|')}|stop_machine\w*|\w*(?:tasklet|timer|work|completion)_init\w*|queue_\w*work\w*)\s*\(([^;]*)`, 'g');

/**
 * The variables whose address leaves the function other than as a plain call argument: stored
 * somewhere (`req->done = &done`), or handed to code that runs on other CPUs
 * (`on_selected_cpus(mask, rendezvous_fn, &r, 1)`). Other CPUs know such a stack object then.
 * Read once for all of a body's objects: `&name` is the whole word after `&` (and a `(`).
 */
function handedToOtherCpus(body: string): Set<string> {
  const out = new Set<string>();
  for (const m of body.matchAll(STORED_ADDRESS)) out.add(m[1]!);
  for (const m of body.matchAll(HANDS_OVER)) for (const a of m[1]!.matchAll(ADDRESS)) out.add(a[1]!);
  return out;
}

const ADDRESS = /&\s*\(?\s*(\w+)/g;
const STORED_ADDRESS = /(?<![=!<>])=\s*&\s*\(?\s*(\w+)/g;
