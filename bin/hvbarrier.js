#!/usr/bin/env node
// The CLI lives in the compiled engine; `npm run build` (run by `npm start`/`npm test`) produces it.
'use strict';
const { main } = require('../dist/engine/cli.js');
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
