import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const pkg = JSON.parse(readFileSync('package.json','utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
async function size(src){ writeFileSync('lib/.m.ts', src); const r = await build({ entryPoints:['lib/.m.ts'], bundle:true, minify:true, platform:'browser', format:'esm', write:false, external:[...external, ...external.map(e=>e+'/*')], logLevel:'silent'}); return gzipSync(r.outputFiles[0].contents,{level:9}).byteLength; }
const names = Object.keys(await import('../dist/index.mjs'));
const all = `export { ${names.join(', ')} } from './index';`;
const b = await size(all); console.log('all', b);
for (const n of names) console.log(String(b - await size(`export { ${names.filter(x=>x!==n).join(', ')} } from './index';`)).padStart(5), n);
