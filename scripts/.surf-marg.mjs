import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const pkg = JSON.parse(readFileSync('package.json','utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
async function size(src){ writeFileSync('lib/.m.ts', src); const r = await build({ entryPoints:['lib/.m.ts'], bundle:true, minify:true, platform:'browser', format:'esm', write:false, external:[...external, ...external.map(e=>e+'/*')], logLevel:'silent'}); return gzipSync(r.outputFiles[0].contents,{level:9}).byteLength; }
const base = readFileSync(process.argv[2],'utf8');
const b = await size(base); console.log('base', b);
const lines = readFileSync(process.argv[3],'utf8').split('\n').filter(Boolean);
for (const l of lines) console.log(String((await size(base+'\n'+l))-b).padStart(6), l);
