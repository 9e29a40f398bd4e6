// Patch front end: time parseInput on a synthetic 5,000-line mbox series (format-patch mails,
// several files and hunks each), and on the same series quoted in a reply (`> ` on every line).

import { parseInput } from '../engine/patch';
import { measure, type BenchResult } from './harness';

function hunk(start: number, n: number): string[] {
  const out = [`@@ -${start},7 +${start},8 @@ static void worker_${n}(struct vcpu *v)`];
  out.push(`     spin_lock(&v->arch.lock_${n});`, `     v->arch.state_${n} = STATE_READY;`, '     v->arch.count++;');
  out.push('+    smp_wmb(); /* Pairs with smp_rmb() in the reader. */');
  out.push(`     set_bit(_VPF_ready_${n}, &v->pause_flags);`, `     spin_unlock(&v->arch.lock_${n});`, '', '     return;');
  return out;
}

/** An mbox of format-patch mails, each touching a few files, until `targetLines` lines. */
export function syntheticSeries(targetLines: number): string {
  const lines: string[] = [];
  for (let mail = 1; lines.length < targetLines; mail++) {
    lines.push(`From ${mail.toString(16).padStart(40, '0')} Mon Sep 17 00:00:00 2001`,
      'From: Bench Writer <bench@example.invalid>', 'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      `Subject: [PATCH ${mail}/N] xen: order the state store before the flag (${mail})`, '',
      'Publish the new state before the ready flag so a reader that sees the flag', 'also sees the state.', '',
      'Signed-off-by: Bench Writer <bench@example.invalid>', '---', '');
    for (let file = 0; file < 4; file++) {
      const path = `xen/common/bench_${mail}_${file}.c`;
      lines.push(`diff --git a/${path} b/${path}`, 'index 1111111..2222222 100644', `--- a/${path}`, `+++ b/${path}`);
      for (let h = 0; h < 10; h++) lines.push(...hunk(20 + h * 40 + h, h));
    }
    lines.push('-- ', '2.39.5', '');
  }
  return lines.join('\n') + '\n';
}

export async function run(): Promise<BenchResult[]> {
  const series = syntheticSeries(5000);
  const quoted = series.split('\n').map((l) => (l === '' ? '>' : `> ${l}`)).join('\n');
  const lines = series.split('\n').length - 1;
  const units = parseInput(series).units.length;
  return [
    await measure('patch: parse 5,000-line mbox series', () => parseInput(series), { runs: 30, warmup: 5, note: `${lines} lines, ${units} mails` }),
    await measure('patch: parse the same series quoted in a reply', () => parseInput(quoted), { runs: 30, warmup: 5, note: `${lines} lines` }),
  ];
}
