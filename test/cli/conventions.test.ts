// What users of other linters expect from `hvbarrier check`: --version, a complete --help, a
// closing summary line, colour on a terminal only, config discovered upwards, the cache outside
// the checkout, SARIF relative to SRCROOT with rule metadata, a versioned JSON report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHelp } from '../../engine/cli/check-options';
import { useColour } from '../../engine/cli/format/colour';
import { defaultCacheRoot } from '../../engine/cli/cache-dir';
import { runCli } from '../support/cli';
import { repoRoot } from '../support/paths';
import { READER, V1, checkAllFormats, tempTree } from './helpers';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const BOTH_MB = 'fixtures/seeds/002-kvm-request-both-mb.c';

test('--version prints the package.json version', () => {
  const r = runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `hvbarrier ${pkg.version}\n`);
});

test('check --help lists every option parseArgs accepts, the defaults and the exit codes', () => {
  const r = runCli(['check', '--help']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, checkHelp());
  const source = readFileSync(join(repoRoot, 'engine', 'cli', 'check-options.ts'), 'utf8');
  const table = source.slice(source.indexOf('const OPTIONS = {'), source.indexOf('} as const'));
  const names = [...table.matchAll(/^ {2}'?([a-z-]+)'?: \{/gm)].map((m) => m[1]);
  assert.ok(names.length >= 15, names.join(' '));
  for (const n of names) assert.match(r.stdout, new RegExp(`--${n}\\b`), `--${n} missing from --help`);
  assert.match(r.stdout, /--arch ARCH .*\(default: all\)/s);
  assert.match(r.stdout, /--format FMT .*\(default: text\)/s);
  for (const code of ['0', '1', '2', '3']) assert.match(r.stdout, new RegExp(`^ {2}${code} {2}\\S`, 'm'));
  // Every option in the help is accepted.
  assert.equal(runCli(['check', '--quiet', '--no-summary', '--no-config', '--no-cache', '--color', 'never', BOTH_MB]).code, 0);
});

test('the closing summary line counts findings by severity and functions judged, as the JSON does', () => {
  for (const args of [['--tree', READER, V1], [BOTH_MB], ['fixtures/seeds/002-kvm-request-no-entry-mb.c']]) {
    const text = runCli(['check', ...args]);
    const json = JSON.parse(runCli(['check', '--format', 'json', ...args]).stdout);
    const sev = (s: string) => json.diagnostics.filter((d: { severity: string }) => d.severity === s).length;
    const warnings = sev('warning');
    const notes = sev('information') + sev('hint');
    assert.ok(json.files[0].functionsJudged + json.files[0].functionsNotJudged >= 1, args.join(' '));
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    const expected = `total: 0 errors, ${plural(warnings, 'warning')}, ${plural(notes, 'note')}; ${plural(json.summary.functionsJudged, 'function')} judged, ${json.summary.functionsNotJudged} not`;
    assert.equal(text.stdout.trimEnd().split('\n').pop(), expected, args.join(' '));
    assert.equal(text.code, warnings > 0 ? 1 : 0);
  }
  assert.doesNotMatch(runCli(['check', '-q', '--tree', READER, V1]).stdout, /^total:/m);
  assert.match(runCli(['check', BOTH_MB]).stdout, /^total: 0 errors, 0 warnings, 0 notes; 2 functions judged, 0 not$/m);
});

test('colour only on a terminal, never with NO_COLOR, forced by --color', () => {
  assert.equal(useColour({ when: 'auto', isTTY: true, env: {} }), true);
  assert.equal(useColour({ when: 'auto', isTTY: true, env: { NO_COLOR: '1' } }), false);
  assert.equal(useColour({ when: 'auto', isTTY: false, env: {} }), false);
  assert.equal(useColour({ when: 'always', isTTY: false, env: { NO_COLOR: '1' } }), true);
  assert.equal(useColour({ when: 'never', isTTY: true, env: {} }), false);
  // A pipe gets no escape codes; --color=always does.
  assert.doesNotMatch(runCli(['check', '--tree', READER, V1]).stdout, /\x1b\[/);
  assert.match(runCli(['check', '--color', 'always', '--tree', READER, V1]).stdout, /\x1b\[1;35mwarning\x1b\[0m/);
});

// A vendor barrier macro the knowledge base does not know: with the config, the handshake is
// clean; without it, the entry side has no barrier.
const VENDOR = readFileSync(join(repoRoot, BOTH_MB), 'utf8').replace('    vcpu->mode = IN_GUEST_MODE;\n    smp_mb();', '    vcpu->mode = IN_GUEST_MODE;\n    vendor_full_barrier();');
const VENDOR_CONFIG = JSON.stringify({ barriers: { vendor_full_barrier: 'mb' } });

test('.hvbarrier.json is found from the current directory upwards; --config overrides; --no-config skips it', () => {
  const dir = tempTree({ '.hvbarrier.json': VENDOR_CONFIG, 'arch/x86/kvm/x86.c': VENDOR, 'other/empty.json': '{}' });
  const sub = join(dir, 'arch', 'x86');
  assert.equal(runCli(['check', 'kvm/x86.c'], undefined, { cwd: sub }).code, 0, 'discovered two levels up');
  assert.equal(runCli(['check', '--no-config', 'kvm/x86.c'], undefined, { cwd: sub }).code, 1);
  assert.equal(runCli(['check', '--config', join(dir, 'other', 'empty.json'), 'kvm/x86.c'], undefined, { cwd: sub }).code, 1, '--config wins over discovery');
});

test('a broken discovered config is exit 2 in every format, with its position', () => {
  const dir = tempTree({ '.hvbarrier.json': '{ "barriers": { "x": "not-a-fence" } }', 'a/f.c': VENDOR });
  const o = checkAllFormats(['f.c'], { cwd: join(dir, 'a') });
  for (const r of [o.text, o.json, o.sarif]) assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(o.text.stderr, /\.hvbarrier\.json:1:\d+: error: barrier 'x': expected one of/);
  assert.match(o.json.report.errors[0].message, /barrier 'x'/);
  assert.equal(o.sarif.log.runs[0].invocations[0].toolExecutionNotifications[0].level, 'error');
});

test('the tree-index cache goes to $XDG_CACHE_HOME/hvbarrier, never into the checkout', () => {
  const cacheHome = tempTree({});
  const tree = tempTree({ 'xen/common/domctl.c': readFileSync(join(repoRoot, READER), 'utf8'), 'p.patch': readFileSync(join(repoRoot, V1), 'utf8') });
  const r = runCli(['check', '--tree', 'xen', 'p.patch'], undefined, { cwd: tree, env: { XDG_CACHE_HOME: cacheHome } });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(readdirSync(tree).sort(), ['p.patch', 'xen']);
  const dirs = readdirSync(join(cacheHome, 'hvbarrier'));
  assert.equal(dirs.length, 1);
  assert.ok(existsSync(join(cacheHome, 'hvbarrier', dirs[0]!, 'index.json')));
  assert.equal(defaultCacheRoot({}, '/home/u'), '/home/u/.cache/hvbarrier');
  assert.equal(defaultCacheRoot({ XDG_CACHE_HOME: 'relative' }, '/home/u'), '/home/u/.cache/hvbarrier', 'a relative XDG_CACHE_HOME is ignored, as the spec says');
});

test('SARIF: URIs relative to SRCROOT, rule metadata from docs/checks, the package version', () => {
  const r = runCli(['check', '--format', 'sarif', '--tree', READER, V1]);
  const run = JSON.parse(r.stdout).runs[0];
  assert.equal(run.tool.driver.version, pkg.version);
  assert.equal(run.originalUriBaseIds.SRCROOT.uri, `file://${repoRoot}/`);
  const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'missing-barrier');
  assert.deepEqual(res.locations[0].physicalLocation.artifactLocation, { uri: V1, uriBaseId: 'SRCROOT' });
  assert.equal(res.relatedLocations[0].physicalLocation.artifactLocation.uriBaseId, 'SRCROOT');
  assert.match(res.partialFingerprints['hvbarrier/v1'], /^[0-9a-f]{32}$/);
  const rule = run.tool.driver.rules[res.ruleIndex];
  assert.equal(rule.id, 'missing-barrier');
  assert.match(rule.shortDescription.text, /^Two accesses whose order another CPU depends on, with nothing that orders them on the target architectures\.$/);
  assert.ok(rule.fullDescription.text.length > rule.shortDescription.text.length);
  assert.match(rule.help.markdown, /^# missing-barrier/);
  for (const rl of run.tool.driver.rules) assert.doesNotMatch(rl.shortDescription.text, /^What it|^\*\*/, rl.id);
});

test('JSON carries its schema version and the tool version', () => {
  const r = JSON.parse(runCli(['check', '--format', 'json', BOTH_MB]).stdout);
  assert.equal(typeof r.version, 'number');
  assert.deepEqual(r.tool, { name: 'hvbarrier', version: pkg.version });
  assert.deepEqual(r.summary, { errors: 0, warnings: 0, notes: 0, suppressed: 0, functionsJudged: 2, functionsNotJudged: 0 });
});
