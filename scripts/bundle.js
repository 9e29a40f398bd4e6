#!/usr/bin/env node
// Bundles the extension and the language server with esbuild into out/, for the .vsix. The
// C parser's WebAssembly (web-tree-sitter and tree-sitter-c) is loaded at run time through
// require.resolve, so both packages stay external and are copied beside the bundles.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'out');
const wasmPackages = ['web-tree-sitter', 'tree-sitter-c'];

/** Copies the files of a runtime package that the engine needs: its manifest, JS and wasm. */
function copyPackage(name) {
  const from = path.join(root, 'node_modules', name);
  const to = path.join(out, 'node_modules', name);
  fs.mkdirSync(to, { recursive: true });
  const walk = (dir, rel) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) { if (!['src', 'test', 'bindings', 'queries', 'debug', 'prebuilds', 'node_modules'].includes(e.name)) walk(path.join(dir, e.name), r); continue; }
      if (/\.(js|cjs|json|wasm)$/.test(e.name) && !/\.map$/.test(e.name)) {
        fs.mkdirSync(path.join(to, rel), { recursive: true });
        fs.copyFileSync(path.join(dir, e.name), path.join(to, r));
      }
    }
  };
  walk(from, '');
}

async function main() {
  fs.rmSync(out, { recursive: true, force: true });
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', sourcemap: false, minify: false, logLevel: 'warning' };
  await esbuild.build({ ...common, entryPoints: { extension: path.join(root, 'client/src/extension.ts') }, outdir: out, external: ['vscode'] });
  await esbuild.build({
    ...common,
    // The engine's tree index starts its workers from `__dirname/tree-index-worker.js`.
    entryPoints: {
      server: path.join(root, 'server/src/main.ts'),
      'analysis-worker': path.join(root, 'server/src/analysis-worker.ts'),
      'tree-index-worker': path.join(root, 'engine/cli/tree-index-worker.ts'),
    },
    outdir: out,
    external: wasmPackages,
  });
  for (const p of wasmPackages) copyPackage(p);
  const wasm = [];
  const find = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? find(path.join(d, e.name)) : e.name.endsWith('.wasm') && wasm.push(path.relative(out, path.join(d, e.name))); };
  find(out);
  process.stdout.write(`bundled into out/: extension.js, server.js, analysis-worker.js, tree-index-worker.js; wasm: ${wasm.join(', ')}\n`);
}

main().catch((err) => { console.error(err); process.exit(1); });
