// The extended (hypervisor) litmus form: every fixture in fixtures/hv states the lost-wakeup
// verdict it must get under each model (`Expect: sc=safe x86-tso=lost ...`), reasoned from the
// model's axioms and the code it is shaped after; the simulator is held to it, and a lost
// wake-up comes with a witness that really ends stuck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseLitmus } from '../../engine/litmus/parser';
import { compileHv, isHvTest } from '../../engine/hv/compile';
import { judgeLostWakeup } from '../../engine/hv/lost-wakeup';
import { formatProp } from '../../engine/litmus/print';
import { repoRoot } from '../support/paths';

const dir = join(repoRoot, 'fixtures', 'hv');
const files = readdirSync(dir).filter((f) => f.endsWith('.litmus')).sort();

test('seed 002 and Xen protocols each have a correct fixture and the injected bugs', () => {
  for (const name of ['kvm-req', 'kvm-req+check-irqs-on', 'kvm-req+no-entry-mb', 'kvm-req+no-kick-mb', 'kvm-arm-pause', 'kvm-arm-pause+test-irqs-on',
    'kvm-x86-pi', 'kvm-x86-pi+irqs-on-check', 'xen-block', 'xen-block+no-after-atomic']) {
    assert.ok(files.includes(`${name}.litmus`), name);
  }
});

for (const file of files) {
  test(`lost wake-up per model: ${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const parsed = parseLitmus(text);
    assert.deepEqual(parsed.problems, []);
    const want = Object.fromEntries(/Expect: ([^*]*)/.exec(text)![1]!.trim().split(/\s+/).map((kv) => kv.split('=')));
    const j = judgeLostWakeup(parsed.value!);
    assert.deepEqual(j.problems, []);
    assert.deepEqual(Object.fromEntries(j.models.map((m) => [m.model, m.verdict])), want);
    for (const m of j.models.filter((x) => x.verdict === 'lost')) {
      // The witness ends with the IPI location at 0: nothing pending for the target.
      const ipiWrites = m.witness!.events.filter((e) => e.kind === 'W' && e.loc === 'hv_ipi_P0');
      const last = m.witness!.co.length ? ipiWrites.filter((e) => !m.witness!.co.some(([a]) => a === e.id)) : ipiWrites;
      assert.ok(last.every((e) => e.value === 0), `${m.model}: the witness leaves no interrupt pending`);
    }
  });
}

test('the IPI carries each architecture\'s send-side fence (KB): full on x86, stores on arm64 and LKMM, none under SC', () => {
  const t = parseLitmus(readFileSync(join(dir, 'kvm-arm-pause.litmus'), 'utf8')).value!;
  const sender = (model: 'sc' | 'x86-tso' | 'armv8' | 'lkmm') => JSON.stringify(compileHv(t, model).value!.threads[1]!.body);
  assert.match(sender('x86-tso'), /"smp_mb"/);
  assert.match(sender('armv8'), /"smp_wmb"/);
  assert.match(sender('lkmm'), /"smp_wmb"/);
  assert.doesNotMatch(sender('sc'), /smp_w?mb/);
});

test('the lost-wakeup condition: work pending and the target in the guest with nothing pending, or asleep', () => {
  const kvm = compileHv(parseLitmus(readFileSync(join(dir, 'kvm-req.litmus'), 'utf8')).value!, 'lkmm').value!;
  assert.equal(formatProp(kvm.condition.prop), '[req]=1 /\\ (0:hv_guest=1 /\\ [hv_ipi_P0]=0)');
  const xen = compileHv(parseLitmus(readFileSync(join(dir, 'xen-block.litmus'), 'utf8')).value!, 'lkmm').value!;
  assert.equal(formatProp(xen.condition.prop), '[pending]=1 /\\ (0:hv_sleep=1 /\\ ~[blocked]=0)');
});

test('a kick sent before the state it announces is lost everywhere; after it, safe everywhere', () => {
  const src = (body: string) => `C kick\n{}\nP0(int *x)\n{\n  int r0;\n  local_irq_disable();\n  r0 = READ_ONCE(*x);\n  if (r0 == 0) guest_enter();\n}\nP1(int *x)\n{\n${body}\n}\nlost_wakeup P0 when x=1\n`;
  const verdicts = (body: string) => judgeLostWakeup(parseLitmus(src(body)).value!).models.map((m) => m.verdict);
  assert.deepEqual(verdicts('  send_ipi(P0);\n  WRITE_ONCE(*x, 1);'), ['lost', 'lost', 'lost', 'lost']);
  assert.deepEqual(verdicts('  WRITE_ONCE(*x, 1);\n  send_ipi(P0);'), ['safe', 'safe', 'safe', 'safe']);
});

test('plain litmus tests are not taken for extended ones', () => {
  const t = parseLitmus('C MP\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP1(int *x) { int r0; r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n').value!;
  assert.equal(isHvTest(t), false);
});

const errors: Array<[string, string, RegExp]> = [
  ['guest entry with interrupts enabled', 'P0(int *x)\n{\n  guest_enter();\n}\nlost_wakeup P0 when x=1', /^3:3 .*guest_enter\(\) with interrupts enabled/],
  ['IPI to a thread that does not exist', 'P0(int *x)\n{\n  local_irq_disable();\n  guest_enter();\n}\nP1(int *x)\n{\n  send_ipi(P4);\n}\nlost_wakeup P0 when x=1', /^8:12 .*threads P0\.\.P1/],
  ['lost_wakeup naming a missing thread', 'P0(int *x)\n{\n  local_irq_disable();\n}\nlost_wakeup P3 when x=1', /^5:13 .*P0\.\.P0/],
  ['lost_wakeup without when', 'P0(int *x)\n{\n  local_irq_disable();\n}\nlost_wakeup P0 x=1', /^5:16 expected 'when/],
  ['a target that neither enters nor blocks', 'P0(int *x)\n{\n  local_irq_disable();\n}\nlost_wakeup P0 when x=1', /^5:1 .*neither enters the guest nor blocks/],
  ['an IPI inside an expression', 'P0(int *x)\n{\n  int r;\n  local_irq_disable();\n  r = send_ipi(P0);\n  guest_enter();\n}\nlost_wakeup P0 when x=1', /^5:7 send_ipi\(\) must be a statement/],
  ['irq_point with interrupts disabled', 'P0(int *x)\n{\n  local_irq_disable();\n  irq_point();\n  guest_enter();\n}\nlost_wakeup P0 when x=1', /^4:3 irq_point\(\) with interrupts disabled/],
  ['block on something not a location', 'P0(int *x)\n{\n  block(3);\n}\nlost_wakeup P0 when x=1', /^3:3 block\(\) takes one argument/],
];
for (const [what, body, want] of errors) {
  test(`extended form error with line:col: ${what}`, () => {
    const parsed = parseLitmus(`C err\n{}\n${body}\n`);
    const problems = parsed.value ? judgeLostWakeup(parsed.value).problems : parsed.problems;
    assert.equal(problems.length > 0, true, 'reported');
    const p = problems[0]!;
    // Lines in `body` start at 3 (after the header and the init block).
    assert.match(`${p.line - 2}:${p.col} ${p.message}`, want);
  });
}
