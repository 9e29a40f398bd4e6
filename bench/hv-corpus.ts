// Runs the lost-wakeup judgement over the corpus's lost-event cases (../shared/corpus,
// MANIFEST.json kind "lost-event"): for each Xen case the pre (buggy) and post (fixed) files,
// with the case's context files as possible wakers; KVM cases are mails without files. Prints
// what it finds per case: targets (functions entering the guest or blocking), judged pairs with
// their verdicts, and why the rest could not be judged.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { initCParser } from '../engine/c/init';
import { extractC } from '../engine/extract/index';
import { judgeFunctions } from '../engine/hv/c-judge';
import { LocNames, translate } from '../engine/hv/from-c';
import { sharedDir } from '../test/support/paths';

interface Case { readonly id: string; readonly kind: string; readonly files?: readonly string[]; readonly context?: readonly string[] }

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

async function main(): Promise<void> {
  const corpus = join(sharedDir, 'corpus');
  const cases = (JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8')) as Case[]).filter((c) => c.kind === 'lost-event');
  const parser = await initCParser();
  for (const c of cases) {
    const dir = join(corpus, c.id.startsWith('xen-') ? 'xen' : 'kvm', c.id);
    if (!existsSync(join(dir, 'pre'))) { process.stdout.write(`${c.id}: no pre/post files (a mail); not judged by lost-wakeup\n`); continue; }
    const extract = (f: string) => extractC(parser, { text: readFileSync(f, 'utf8'), path: f, profile: { os: 'xen' } }).value;
    const context = filesUnder(join(dir, 'context')).flatMap(extract);
    for (const side of ['pre', 'post']) {
      const threads = filesUnder(join(dir, side)).flatMap(extract);
      const targets = threads.filter((t) => {
        const r = translate({ thread: t, names: new LocNames(), self: 0, peer: 1 });
        return !('unsupported' in r) && (r.value.enters || r.value.blockLoc !== undefined);
      });
      const j = judgeFunctions({ targets, wakers: [...threads, ...context] });
      const pairs = j.pairs.map((p) => `${p.target.name}<-${p.waker.name} [${p.models.map((m) => `${m.model}=${m.verdict}`).join(' ')}]`);
      const why = [...new Set(j.unsupported.map((u) => `${u.thread.name}: ${u.what} at ${u.pos.line}:${u.pos.col}`))];
      process.stdout.write(`${c.id} ${side}: ${threads.length} functions, targets [${targets.map((t) => t.name).join(', ')}], ${j.pairs.length} pairs ${pairs.join('; ')}${why.length ? `; unsupported: ${why.join(' | ')}` : ''}\n`);
    }
  }
}

if (require.main === module) main().catch((err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exit(2); });
