#!/usr/bin/env node
/** Build step: writes the batch report's page script into dist/. */
// Part of `npm run build` (after tsup, which empties dist/): writes dist/report/client.js, the
// script batchReport inlines into each report page. Plot and d3 are bundled here, at build
// time, so they are devDependencies: installing prediction-one-rx never installs them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { bundleReportClient } = require('./report-client.cjs');
const entry = new URL('../lib/node/report/page.client.ts', import.meta.url).pathname;
const text = await bundleReportClient(entry);
mkdirSync(new URL('../dist/report/', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/report/client.js', import.meta.url), text);
console.log(`report client: ${(text.length / 1024).toFixed(1)} KiB minified`);
