#!/usr/bin/env node
// Bundles the CLI's litmus path into one file, dist/engine/cli.bundle.js, so `hvbarrier litmus`
// starts without resolving and compiling ~20 modules. The `check` and `extract` commands (and
// with them tree-sitter) stay outside the bundle: they are required from the tsc output beside
// it only when those commands run. bin/hvbarrier.js loads the bundle with a V8 code cache.
const esbuild = require('esbuild');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

esbuild.build({
  entryPoints: [path.join(root, 'engine/cli.ts')],
  outfile: path.join(root, 'dist/engine/cli.bundle.js'),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
  // Resolved at run time from dist/engine/, where tsc put them.
  external: ['./cli/check', './cli/extract'],
  // As tsc emits it: `import()` of those becomes a require() (vm scripts have no ESM loader).
  supported: { 'dynamic-import': false },
}).catch((err) => { console.error(err); process.exit(1); });
