// Extraction speed: a generated 10,000-line C file and a generated 5,000-line patch series
// (read by the patch front end, then extracted), warm medians.
import { initCParser } from '../engine/c/init';
import { extractC, extractPatch } from '../engine/extract/index';
import { ParseCache } from '../engine/extract/parse-cache';
import { parseInput } from '../engine/patch/index';
import { measure, type BenchResult } from './harness';

/** One ~25-line function in the style of the seeds: locks, branches, barriers, bitops, calls. */
function fn(i: number): string[] {
  return [
    `static int worker_${i}(struct vcpu *v, struct pending_irq *p, unsigned int irq)`,
    '{',
    '    unsigned long flags;',
    `    int rc = ${i};`,
    '',
    '    spin_lock_irqsave(&v->arch.vgic.lock, flags);',
    '    if ( test_bit(GIC_IRQ_GUEST_MIGRATING, &p->status) )',
    '    {',
    '        spin_unlock_irqrestore(&v->arch.vgic.lock, flags);',
    '        return -EBUSY;',
    '    }',
    '    list_del_init(&p->inflight);',
    `    v->arch.sctlr = p->priority + ${i};`,
    '    smp_wmb();',
    '    v->is_initialised = 1;',
    '    for ( rc = 0; rc < 4; rc++ )',
    '        p->lr_queue_len += READ_ONCE(v->arch.ttbr0);',
    '    spin_unlock_irqrestore(&v->arch.vgic.lock, flags);',
    `    if ( test_and_clear_bit(${i % 7}, &p->status) )`,
    `        helper_${i % 13}(v, irq);`,
    '    clear_bit(_VPF_down, &v->pause_flags);',
    '    return rc;',
    '}',
    '',
  ];
}

export function generateC(lines: number): string {
  const out: string[] = ['/* Generated for the extraction benchmark. */', ''];
  for (let i = 0; out.length < lines; i++) out.push(...fn(i));
  return out.slice(0, lines).join('\n') + '\n';
}

/** A format-patch series whose hunks add and remove lines inside functions like the above. */
export function generateSeries(lines: number): string {
  const out: string[] = [];
  for (let n = 1; out.length < lines; n++) {
    out.push(
      `From 0000000000000000000000000000000000000${String(n).padStart(3, '0')} Mon Sep 17 00:00:00 2001`,
      'From: Bench <bench@example.org>',
      `Subject: [PATCH ${n}] xen/arm: bench change ${n}`,
      '',
      'Generated for the extraction benchmark.',
      '---',
      `diff --git a/xen/arch/arm/bench${n}.c b/xen/arch/arm/bench${n}.c`,
      'index 1111111..2222222 100644',
      `--- a/xen/arch/arm/bench${n}.c`,
      `+++ b/xen/arch/arm/bench${n}.c`,
    );
    for (let h = 0; h < 8; h++) {
      const body = fn(n * 100 + h).slice(2, 22);
      const start = 10 + h * 40;
      out.push(`@@ -${start},${body.length} +${start},${body.length + 1} @@ static int worker_${n * 100 + h}(struct vcpu *v, struct pending_irq *p, unsigned int irq)`);
      body.forEach((l, k) => {
        if (k === 8) out.push('+    smp_mb();');
        out.push(` ${l}`);
      });
    }
    out.push('-- ', '2.30.0', '');
  }
  return out.join('\n') + '\n';
}

export async function run(): Promise<BenchResult[]> {
  const parser = await initCParser();
  const c = generateC(10_000);
  const series = generateSeries(5_000);
  const cThreads = extractC(parser, { text: c }).value.length;
  const input = parseInput(series);
  const pThreads = extractPatch(parser, { patch: input }).value.length;
  // As in an editor: one cache kept across extractions, each run after a one-line edit.
  const cache = new ParseCache();
  const cLines = c.split('\n');
  const editAt = cLines.findIndex((l, i) => i > cLines.length / 2 && /^\s+smp_wmb\(\);/.test(l));
  let n = 0;
  const editedC = (): string => cLines.map((l, i) => (i === editAt && n % 2 === 1 ? '    smp_mb();' : l)).join('\n');
  const seriesLines = series.split('\n');
  const seriesAt = seriesLines.findIndex((l) => l.startsWith('+    smp_mb();'));
  const editedSeries = (): string => seriesLines.map((l, i) => (i === seriesAt && n % 2 === 1 ? '+    cpu_relax();' : l)).join('\n');
  return [
    // The floor: what the wasm parser alone costs on the same text.
    await measure('extract: tree-sitter parse only, 10,000 lines', () => parser.parse(c)?.dispose(), { runs: 15 }),
    await measure('extract: 10,000-line C file', () => extractC(parser, { text: c }), {
      runs: 15, note: `${cThreads} functions`,
    }),
    await measure('extract: 5,000-line patch series (read + extract)', () => extractPatch(parser, { patch: parseInput(series) }), {
      runs: 15, note: `${input.units.length} patches, ${pThreads} pre/post threads`,
    }),
    await measure('extract: 10,000-line C file again after a one-line edit (cache kept)', () => { n++; return extractC(parser, { text: editedC(), cache }); }, {
      runs: 30, note: 'one chunk parsed, one function walked; the rest reused',
    }),
    await measure('extract: 5,000-line series again after a one-line edit (cache kept)', () => { n++; return extractPatch(parser, { patch: parseInput(editedSeries()), cache }); }, {
      runs: 30, note: 'read again in full; one hunk parsed, one function walked',
    }),
  ];
}
