/** Bundles the batch report's page script into one minified string. */
// Bundles the batch report's page script (lib/node/report/page.client.ts: Observable Plot, the
// d3 modules it uses and our rendering code) into one minified IIFE string. Run at build time
// (scripts/build-report-client.mjs writes dist/report/client.js); batchReport uses it from a
// source checkout without a build.
const { build } = require('esbuild');

async function bundleReportClient(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

module.exports = { bundleReportClient };
