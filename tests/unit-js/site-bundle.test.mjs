// The static site's bundles (scripts/build-dist.mjs bundleEntries): www/main.js
// and www/embed.js with their imports in a few files in www/, every
// `new URL('./…', import.meta.url)` rewritten to name, from www/, the file the
// module named from its own folder (the training worker, the recommender's
// worker, embed.js's page); and a module using import.meta any other way stops
// the build instead of shipping a URL that points at the wrong folder.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { FIRST_LESSON, bundleEntries, preloadModules, rebaseAssetUrls } from '../../scripts/build-dist.mjs';
import { ROOT } from '../../scripts/lib.mjs';

let out;
let files;
let metafile;
const read = (name) => readFileSync(join(out, 'www', name), 'utf8');

before(async () => {
  out = mkdtempSync(join(tmpdir(), 'ae-bundle-'));
  ({ metafile } = await bundleEntries(out));
  files = readdirSync(join(out, 'www')).filter((f) => f.endsWith('.js'));
});
after(() => rmSync(out, { recursive: true, force: true }));

test('main.js and embed.js import only chunks beside them; one chunk per lesson', () => {
  assert.ok(files.includes('main.js') && files.includes('embed.js'));
  assert.ok(files.length < 40, `${files.length} files`);
  const written = Object.keys(metafile.outputs).map((p) => resolve(p));
  assert.deepEqual(written.map((p) => p.split('/').pop()).sort(), [...files].sort());
  for (const [path, { imports }] of Object.entries(metafile.outputs)) {
    for (const i of imports) {
      assert.ok(!i.external, `${path} imports ${i.path} from outside the bundle`);
      assert.ok(written.includes(resolve(i.path)), `${path} imports ${i.path}, which was written`);
    }
  }
  for (const id of ['reconstruct', 'denoise', 'recommend']) {
    assert.ok(
      files.some((f) => f.startsWith(`${id}-`)),
      `a chunk for the ${id} lesson`,
    );
  }
});

test('index.html preloads what the first lesson needs: main.js’s chunks, the lesson’s; no other lesson, not uPlot (it comes with the first point)', () => {
  copyFileSync(join(ROOT, 'index.html'), join(out, 'index.html'));
  const paths = preloadModules(out, metafile);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const links = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(links, paths);
  assert.equal(new Set(links).size, links.length, 'each once');
  assert.ok(html.indexOf('src="www/main.js"') < html.indexOf('modulepreload'), 'after the page’s own script');
  for (const p of links) assert.ok(existsSync(join(out, p)), `${p} was written`);
  const names = links.map((p) => p.replace(/^www\//, ''));
  // Every chunk main.js imports statically, read from the files themselves (not from esbuild's account).
  const staticImports = (name) =>
    [...read(name).matchAll(/(?:^|[;}])\s*import\s*(?:[^"'()]*?from\s*)?"\.\/([^"]+)"/g)].map((m) => m[1]);
  const needed = new Set();
  const walk = (name) => {
    for (const dep of staticImports(name)) if (!needed.has(dep)) needed.add(dep) && walk(dep);
  };
  walk('main.js');
  const lesson = files.find((f) => f.startsWith(`${FIRST_LESSON}-`));
  needed.add(lesson);
  walk(lesson);
  assert.ok(needed.size >= 5, `${needed.size} chunks found by reading the imports`);
  for (const n of needed) assert.ok(names.includes(n), `${n} is preloaded`);
  for (const other of ['denoise-', 'recommend-', 'inside-', 'uPlot']) {
    assert.ok(!names.some((n) => n.startsWith(other)), `${other}… is not preloaded`);
  }
});

test('every new URL(…, import.meta.url) in the bundles names, from www/, a file that is there', () => {
  const targets = [];
  for (const f of files) {
    for (const [, path] of read(f).matchAll(/new URL\("([^"]+)",\s*import\.meta\.url\)/g)) targets.push(path);
  }
  assert.deepEqual(targets.sort(), ['../index.html', './worker/recommender-worker.js', './worker/trainer-worker.js']);
  for (const path of targets) assert.ok(existsSync(resolve(ROOT, 'www', path)), `${path} exists from www/`);
});

test('a module using import.meta other than new URL(relative path, import.meta.url) stops the build', async () => {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'ae-meta-'));
  try {
    writeFileSync(join(dir, 'ok.js'), "export const u = new URL('../x/y.js', import.meta.url);\n");
    writeFileSync(join(dir, 'bad.js'), 'export const here = import.meta.url;\n');
    const bundle = (entry) =>
      build({
        entryPoints: [join(dir, entry)],
        bundle: true,
        format: 'esm',
        write: false,
        logLevel: 'silent',
        plugins: [rebaseAssetUrls(join(dir, '..'))],
      });
    const ok = (await bundle('ok.js')).outputFiles[0].text;
    assert.match(ok, /new URL\("\.\/x\/y\.js", import\.meta\.url\)/, 'rebased to the folder above');
    await assert.rejects(bundle('bad.js'), /uses import\.meta other than/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
