#!/usr/bin/env node
// A seeded random sample of the warnings of a whole-tree JSON report, for judging by hand:
//   node scripts/sample-findings.js report.json [SEED=10] [N=20]      (CTX=1 also prints the code around each)
// mulberry32 drives a Fisher-Yates shuffle of the warnings (in report order); the first N are shown.
const fs = require('fs');
const [file, seed = '10', n = '20'] = process.argv.slice(2);
const d = JSON.parse(fs.readFileSync(file, 'utf8')).diagnostics.filter((x) => x.severity === 'warning');
let s = Number(seed) >>> 0;
const rnd = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const idx = [...d.keys()];
for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
const pick = idx.slice(0, Number(n)).sort((a, b) => a - b);
pick.forEach((i, k) => {
  const x = d[i];
  console.log(`#${k + 1} [${i}] ${x.code} ${x.file.replace(/.*trees\//, '')}:${x.line}\n  ${x.message}`);
  for (const r of x.related) console.log(`  related ${r.file.replace(/.*trees\//, '')}:${r.line} ${r.message.slice(0, 160)}`);
  const models = Object.entries(x.models).map(([m, v]) => `${m}=${v}`).join(' ');
  console.log(`  ${models}`);
});
console.log(`sampled ${pick.length} of ${d.length} (seed ${seed})`);
if (process.env.CTX) {
  pick.forEach((i, k) => {
    const x = d[i];
    const lines = fs.readFileSync(x.file, 'utf8').split('\n');
    console.log(`\n===== #${k + 1} ${x.file.replace(/.*trees\//, '')}:${x.line}`);
    for (let l = Math.max(1, x.line - 6); l <= Math.min(lines.length, x.line + 3); l++) console.log(`${l === x.line ? '>' : ' '}${l}: ${lines[l - 1]}`);
    const r = x.related.find((r) => r.file !== x.file || Math.abs(r.line - x.line) > 3);
    if (r) { const rl = fs.readFileSync(r.file, 'utf8').split('\n'); console.log(`  -- related ${r.file.replace(/.*trees\//, '')}:${r.line}`); for (let l = Math.max(1, r.line - 4); l <= Math.min(rl.length, r.line + 2); l++) console.log(`${l === r.line ? '>' : ' '}${l}: ${rl[l - 1]}`); }
  });
}
