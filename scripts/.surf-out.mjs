import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
const pkg = JSON.parse(readFileSync('package.json','utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const r = await build({ entryPoints:[process.argv[2]], bundle:true, minify:true, platform:'browser', format:'esm', write:false, external:[...external, ...external.map(e=>e+'/*')], logLevel:'silent'});
writeFileSync('/tmp/surf/out.js', r.outputFiles[0].contents);
