// `npm run build` (after the wasm, the digits and the vendored JS) writes dist/:
//
//   dist/                               the static site: copy it to any web server or GitHub Pages.
//     index.html, www/, examples/       Every path is relative, so it works in a sub-folder too.
//   dist/autoencoder-playground.html    the whole playground in one file: scripts, styles, the
//                                       engine (.wasm, the lab build: everything) and the 10,000 digits inlined. Opened from
//                                       disk (file://) it works with no server and no network.
//
// In the site, www/main.js and www/embed.js are esbuild bundles (ES modules,
// split into a few shared chunks and one chunk per lesson): a first visit asks
// for a handful of scripts instead of about sixty modules, one import depth
// after another. The workers keep their (minified) modules.
//
// The single file bundles the app, the training worker and the recommender's
// worker with esbuild (IIFEs, no modules, so it runs from file://); the workers
// run from Blob URLs and get the .wasm (and the digits) from gzip+base64
// blocks, unpacked with the browser's DecompressionStream.
//
//   node scripts/build-dist.mjs [--out DIR] [--single-only]

import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULTS } from '../www/state/url-state.js';
import { ROOT, UserError, isMain, log, main } from './lib.mjs';

export const SINGLE_FILE = 'autoencoder-playground.html';
// The single file embeds the lab build (www/pkg-lab: everything), so its worker never fetches a second engine.
const NEEDED = [
  'www/pkg-lab/autoencoder_playground.js',
  'www/pkg-lab/autoencoder_playground_bg.wasm',
  'www/data/mnist.bin',
  'www/vendor/uPlot.esm.js',
  'www/vendor/fflate.js',
];

/**
 * Files of the site: index.html, www/ (without type declarations, and without
 * the unpacked digits: the page downloads mnist.bin.gz) and examples/.
 */
function copySite(out) {
  const skip = (src) =>
    /\.d\.ts$/.test(src) ||
    /(^|\/)\./.test(relative(ROOT, src)) ||
    relative(ROOT, src) === join('www', 'data', 'mnist.bin');
  cpSync(join(ROOT, 'index.html'), join(out, 'index.html'));
  for (const dir of ['www', 'examples']) {
    if (!existsSync(join(ROOT, dir))) continue;
    cpSync(join(ROOT, dir), join(out, dir), { recursive: true, filter: (src) => !skip(src) });
  }
  writeFileSync(join(out, '.nojekyll'), ''); // GitHub Pages: serve every file as it is
  isolate(out);
}

/** The headers that make the page cross-origin isolated, so that it trains on threads (scripts/serve.mjs). */
const ISOLATION = [
  'Cross-Origin-Opener-Policy: same-origin',
  'Cross-Origin-Embedder-Policy: require-corp',
  'Cross-Origin-Resource-Policy: cross-origin',
];

/**
 * Threads on any static host: a host that reads `_headers` (Netlify,
 * Cloudflare Pages) sends the isolation headers itself; elsewhere (GitHub
 * Pages) npm coi-serviceworker, loaded first by index.html, adds them from a
 * service worker and reloads the page once. From file:// neither applies and
 * the page trains on one thread.
 */
function isolate(out) {
  writeFileSync(join(out, '_headers'), `/*\n${ISOLATION.map((h) => `  ${h}`).join('\n')}\n`);
  let sw;
  try {
    sw = readFileSync(join(ROOT, 'node_modules', 'coi-serviceworker', 'coi-serviceworker.min.js'), 'utf8');
  } catch {
    throw new UserError('npm coi-serviceworker is missing; run `npm install`');
  }
  writeFileSync(join(out, COI_SCRIPT), sw);
  const indexPath = join(out, 'index.html');
  const html = readFileSync(indexPath, 'utf8');
  const charset = '<meta charset="utf-8">';
  if (!html.includes(charset)) throw new UserError('index.html no longer starts with <meta charset="utf-8">');
  // A classic script (it finds itself through document.currentScript), first in the page. `async`: it
  // does not hold up the first paint (where it is needed, it registers and reloads the page once anyway).
  writeFileSync(indexPath, html.replace(charset, `${charset}\n  <script src="${COI_SCRIPT}" async></script>`));
}

/** The service worker script that isolates dist/ where the host sends no headers. */
export const COI_SCRIPT = 'coi-serviceworker.js';

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    throw new UserError('esbuild is missing; run `npm install`');
  }
}

/**
 * Minifies every .js and .css file under `dir` in place (modules stay modules:
 * a transform, not a bundle). -> { files, before, after } in bytes
 */
async function minifyTree(dir) {
  const esbuild = await loadEsbuild();
  const found = [];
  const visit = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) visit(p);
      else if (/\.(js|css)$/.test(e) && !/\.min\.(js|css)$/.test(e)) found.push(p);
    }
  };
  visit(dir);
  let before = 0;
  let after = 0;
  for (const file of found) {
    const source = readFileSync(file, 'utf8');
    const loader = file.endsWith('.css') ? 'css' : 'js';
    const { code } = await esbuild.transform(source, { loader, minify: true, legalComments: 'none', target: 'es2022' });
    writeFileSync(file, code);
    before += Buffer.byteLength(source);
    after += Buffer.byteLength(code);
  }
  return { files: found.length, before, after };
}

/** `new URL('./x', import.meta.url)` with a relative path: how a www/ module names a file beside it. */
const ASSET_URL = /new URL\((['"])(\.{1,2}\/[^'"]+)\1,\s*import\.meta\.url\)/g;

/**
 * esbuild plugin: the bundles and their chunks all sit in www/, so a module's
 * `new URL('./trainer-worker.js', import.meta.url)`, relative to its own folder
 * (www/worker/), is rewritten to name the same file from www/
 * ('./worker/trainer-worker.js'). Any other use of import.meta would resolve
 * against the wrong folder, so it stops the build.
 */
export const rebaseAssetUrls = (wwwDir) => ({
  name: 'rebase-asset-urls',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const code = source.replace(ASSET_URL, (_, q, rel) => {
        const target = relative(wwwDir, join(dirname(args.path), rel))
          .split(sep)
          .join('/');
        return `new URL(${q}${target.startsWith('.') ? target : `./${target}`}${q}, import.meta.url)`;
      });
      const uncommented = code.replace(ASSET_URL, '').replace(/^\s*(\/\/|\*).*$/gm, '');
      if (/import\.meta/.test(uncommented)) {
        const text = `${relative(ROOT, args.path)} uses import.meta other than new URL('./file', import.meta.url)`;
        return { errors: [{ text }] };
      }
      return { contents: code, loader: 'js' };
    });
  },
});

/**
 * The page's and the embed element's scripts as a few ES modules instead of
 * about sixty, one round trip each: www/main.js and www/embed.js become bundles,
 * their shared code (chunk-*.js) and each lesson (<id>-*.js) go beside them (a lesson's
 * chunk loads when it opens). The workers keep their modules: they load in
 * the background. The original modules stay in www/, unused by the page.
 * -> { files, bytes, metafile } (esbuild's account of what was written and what imports what)
 */
export async function bundleEntries(out, { entries = ['main.js', 'embed.js'] } = {}) {
  const esbuild = await loadEsbuild();
  const wwwDir = join(ROOT, 'www');
  const result = await esbuild.build({
    entryPoints: entries.map((e) => join(wwwDir, e)),
    outdir: join(out, 'www'),
    absWorkingDir: ROOT,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    allowOverwrite: true,
    plugins: [rebaseAssetUrls(wwwDir)],
  });
  const outputs = Object.values(result.metafile.outputs);
  return { files: outputs.length, bytes: outputs.reduce((s, o) => s + o.bytes, 0), metafile: result.metafile };
}

/** The lesson a link without `lesson=` opens (the page's own default). */
export const FIRST_LESSON = DEFAULTS.lesson;

/**
 * Every module the page runs before its first lesson shows, named up front in
 * index.html (<link rel="modulepreload">): www/main.js's chunks, the first
 * lesson's chunk and the chunks they import.
 * Without these the browser learns of each level of imports only when the
 * one above has arrived: four round trips before the lesson can paint.
 * uPlot is not among them: a chart imports it when its first point comes
 * (www/charts/uplot-chart.js), and a first visit that does not train does
 * without it.
 * -> the preloaded paths, relative to out
 */
export function preloadModules(out, metafile) {
  // esbuild names files relative to its working folder (ROOT, see bundleEntries).
  const outputs = new Map(Object.entries(metafile.outputs).map(([k, v]) => [resolve(ROOT, k), v]));
  const lesson = [...outputs].find(([, o]) => o.entryPoint?.endsWith(`www/lessons/${FIRST_LESSON}.js`));
  if (!lesson) throw new UserError(`no bundle chunk for the first lesson (${FIRST_LESSON})`);
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of outputs.get(file)?.imports ?? []) {
      if (imp.kind === 'import-statement') visit(resolve(ROOT, imp.path));
    }
  };
  const main = join(out, 'www', 'main.js');
  visit(main); // main.js imports every lesson dynamically: only the first one's
  visit(lesson[0]);
  seen.delete(main);
  const paths = [...seen].filter((f) => f.endsWith('.js')).map((f) => relative(out, f).split(sep).join('/'));
  const indexPath = join(out, 'index.html');
  const html = readFileSync(indexPath, 'utf8');
  const tag = '<script type="module" src="www/main.js"></script>';
  if (!html.includes(tag)) throw new UserError('index.html no longer loads www/main.js as expected');
  const links = paths.map((p) => `  <link rel="modulepreload" href="${p}">`).join('\n');
  writeFileSync(indexPath, html.replace(tag, `${tag}\n${links}`));
  return paths;
}

async function bundle(entry) {
  const esbuild = await loadEsbuild();
  const result = await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    // import.meta.url only serves the site's default paths, which the single file does not take for
    // its training worker; resolved against the page, a module asking for a file next to it gets a
    // URL that fails to load (and can say so) rather than an exception at construction.
    define: { 'import.meta.url': 'location.href' },
  });
  return result.outputFiles[0].text;
}

/** Text that may sit inside <script>…</script> or <style>…</style> without ending it early. */
const inert = (text, tag) => text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');

/**
 * `html` with its stylesheet links replaced by one <style> holding their text
 * (read from `root`), in their order, where the first link was: a page with no
 * stylesheet to fetch before its first paint.
 */
export function inlineStylesheets(html, root) {
  const css = [];
  const link = /\s*<link rel="stylesheet" href="([^"]+)">/g;
  const first = html.search(link);
  if (first < 0) throw new UserError('index.html has no stylesheets to inline');
  const rest = html.slice(first).replace(link, (_, href) => {
    css.push(readFileSync(join(root, href), 'utf8').trim());
    return '';
  });
  // a function: `$` in the text is not a pattern
  return `${html.slice(0, first)}\n  <style>\n${inert(css.join('\n'), 'style')}\n  </style>${rest}`;
}

const base64Gzip = (file) => gzipSync(readFileSync(join(ROOT, file)), { level: 9 }).toString('base64');

/** The single self-contained HTML file. -> its size in bytes */
export async function buildSingleFile(outFile) {
  for (const f of NEEDED) {
    if (!existsSync(join(ROOT, f)))
      throw new UserError(`${f} is missing; run \`npm run build\` (or build:wasm, data, vendor) first`);
  }
  const [app, worker, recommender] = await Promise.all(
    ['scripts/offline/app-entry.js', 'scripts/offline/worker-entry.js', 'scripts/offline/recommender-entry.js'].map(
      bundle,
    ),
  );
  let html = readFileSync(join(ROOT, 'index.html'), 'utf8');

  html = inlineStylesheets(html, ROOT);
  const scriptTag = /\s*<script type="module" src="www\/main\.js"><\/script>/;
  if (!scriptTag.test(html)) throw new UserError('index.html no longer loads www/main.js as expected');
  html = html.replace(scriptTag, '');

  const blocks = [
    `<script type="text/plain" id="ae-worker-source">${inert(worker, 'script')}</script>`,
    `<script type="text/plain" id="ae-recommender-source">${inert(recommender, 'script')}</script>`,
    `<script type="application/octet-stream" id="ae-wasm">${base64Gzip('www/pkg-lab/autoencoder_playground_bg.wasm')}</script>`,
    `<script type="application/octet-stream" id="ae-digits">${base64Gzip('www/data/mnist.bin')}</script>`,
    `<script>${inert(app, 'script')}</script>`,
  ];
  if (!html.includes('</body>')) throw new UserError('index.html has no </body>');
  html = html.replace('</body>', () => `  ${blocks.join('\n  ')}\n</body>`);
  html = html.replace(
    '<html lang="en">',
    '<html lang="en">\n<!-- Autoencoder Playground, single-file build: open it from disk; it needs no server and no network. -->',
  );
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, html);
  return statSync(outFile).size;
}

/**
 * Writes the static site and the single file into `out` (default dist/).
 * -> { out, singleFile, singleFileBytes }
 */
export async function buildDist({ out = join(ROOT, 'dist'), site = true } = {}) {
  if (site) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    copySite(out);
    const m = await minifyTree(join(out, 'www'));
    log(
      `Minified ${m.files} JS and CSS files in ${relative(ROOT, out).startsWith('..') ? out : relative(ROOT, out)}/www: ${m.before.toLocaleString('en')} -> ${m.after.toLocaleString('en')} bytes`,
    );
    const b = await bundleEntries(out);
    log(
      `Bundled www/main.js and www/embed.js with their imports: ${b.files} files, ${b.bytes.toLocaleString('en')} bytes`,
    );
    const indexPath = join(out, 'index.html');
    writeFileSync(indexPath, inlineStylesheets(readFileSync(indexPath, 'utf8'), out));
    const preloaded = preloadModules(out, b.metafile);
    log(`index.html preloads ${preloaded.length} modules of the page and its first lesson`);
  }
  const singleFile = join(out, SINGLE_FILE);
  const singleFileBytes = await buildSingleFile(singleFile);
  return { out, singleFile, singleFileBytes };
}

if (isMain(import.meta.url)) {
  main(async () => {
    const args = process.argv.slice(2);
    const i = args.indexOf('--out');
    const out = i >= 0 ? args[i + 1] : undefined;
    const r = await buildDist({ out, site: !args.includes('--single-only') });
    const files = readdirSync(r.out).length;
    log(
      `dist: ${relative(ROOT, r.out) || r.out} (${files} entries); single file ${SINGLE_FILE}: ${(r.singleFileBytes / 1e6).toFixed(2)} MB`,
    );
  });
}
