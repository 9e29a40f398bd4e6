#!/usr/bin/env node
// The CLI lives in the compiled engine; `npm run build` produces it (tsc, then one bundled file
// for the litmus path). Start-up is most of a short run, so the bundle is compiled with a V8
// code cache kept beside it (written after the first run, ignored if stale or unwritable);
// without the bundle (or with one older than the tsc output) the tsc output is used as is.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist', 'engine');

function loadBundled() {
  const file = path.join(dist, 'cli.bundle.js');
  let source;
  try {
    // A bundle older than the tsc output is stale (tsc ran alone): use the tsc output.
    if (fs.statSync(file).mtimeMs < fs.statSync(path.join(dist, 'cli.js')).mtimeMs) return undefined;
    source = fs.readFileSync(file, 'utf8');
  } catch { return undefined; }
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  const cacheFile = `${file}.${process.version}.cache`;
  let cachedData;
  try { cachedData = fs.readFileSync(cacheFile); } catch { /* first run */ }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, path.dirname(file));
  const saveCache = cachedData === undefined || script.cachedDataRejected ? () => {
    // After the run: the cache then holds the functions that ran, not only the top level.
    try { fs.writeFileSync(cacheFile, script.createCachedData()); } catch { /* read-only install */ }
  } : () => {};
  return { main: mod.exports.main, saveCache };
}

// V8 optimises a function with TurboFan once it has run a while; a CLI run over a few dozen
// litmus tests is over before that compilation pays back (on 2 cores it competes with the run).
// Four times the default budget keeps short runs in the baseline tiers and still optimises the
// hot loops of a long simulation (measured: bench/litmus.ts).
require('node:v8').setFlagsFromString('--interrupt-budget=270336');

const bundled = loadBundled();
const main = bundled ? bundled.main : require(path.join(dist, 'cli.js')).main;
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  bundled?.saveCache();
});
