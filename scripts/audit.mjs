// `npm run audit`: Lighthouse (npm lighthouse 12.2.3; newer versions need Node 22)
// on the built static site (dist/, minified, as a host serves it: text gzipped), served on
// 127.0.0.1 and opened in headless Chromium, once as a phone (Lighthouse's mobile
// emulation, throttled) and once as a desktop. Prints the four category scores of
// each, the first visit's bytes and the layout shift. Not part of `npm test`:
// scores depend on the machine's load, so they are read, not asserted.
//
//   npm run audit [-- --lesson reconstruct] [-- --hash threads=1] [-- --json out.json]

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist } from './build-dist.mjs';
import { buildWasm } from './build-wasm.mjs';
import { CHROMIUM_ARGS, UserError, bold, isMain, log, main } from './lib.mjs';
import { packData } from './pack-data.mjs';
import { startServer } from './serve.mjs';
import { BROWSERS, setup } from './setup.mjs';
import { vendor } from './vendor.mjs';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const CHROME_FLAGS = ['--headless=new', ...CHROMIUM_ARGS];

function parseArgs(argv) {
  const opts = { lesson: 'reconstruct', hash: '', json: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--lesson') opts.lesson = argv[++i];
    else if (argv[i] === '--json') opts.json = argv[++i];
    else if (argv[i] === '--hash') opts.hash = argv[++i];
    else throw new UserError(`unknown option ${argv[i]} (npm run audit -- [--lesson ID] [--hash MORE] [--json FILE])`);
  }
  return opts;
}

/** One Lighthouse run -> { scores: { category: 0..100 }, bytes, cls, lhr } */
async function audit(url, port, formFactor) {
  const { default: lighthouse } = await import('lighthouse');
  const config =
    formFactor === 'desktop'
      ? (await import('lighthouse/core/config/desktop-config.js')).default
      : (await import('lighthouse/core/config/default-config.js')).default;
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES }, config);
  const { lhr } = result;
  if (lhr.runtimeError) throw new UserError(`Lighthouse (${formFactor}): ${lhr.runtimeError.message}`);
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
  return {
    scores,
    bytes: lhr.audits['total-byte-weight']?.numericValue,
    cls: lhr.audits['cumulative-layout-shift']?.numericValue,
    lcp: lhr.audits['largest-contentful-paint']?.numericValue,
    failing: Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
      .map((a) => a.id),
    lhr,
  };
}

export async function runAudit({ lesson = 'reconstruct', hash = '', json = null } = {}) {
  const { threads } = await setup();
  await buildWasm({ threads });
  packData();
  vendor();
  const dir = await mkdtemp(join(tmpdir(), 'ae-audit-'));
  const chromeLauncher = await import('chrome-launcher');
  let server;
  let chrome;
  try {
    await buildDist({ out: join(dir, 'site') });
    server = await startServer({ root: join(dir, 'site'), compress: true });
    const url = `${server.url}#lesson=${encodeURIComponent(lesson)}${hash ? `&${hash}` : ''}`;
    chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROMIUM_PATH || BROWSERS.chromium.paths[0],
      chromeFlags: CHROME_FLAGS,
    });
    const out = {};
    for (const formFactor of ['mobile', 'desktop']) {
      log(`Lighthouse, ${formFactor}: ${url}`);
      out[formFactor] = await audit(url, chrome.port, formFactor);
    }
    console.log(`\n${bold('Lighthouse 12.2.3 scores')} (dist/, served on 127.0.0.1, lesson ${lesson})`);
    console.log(`  ${'category'.padEnd(16)} ${'mobile'.padStart(7)} ${'desktop'.padStart(8)}`);
    for (const c of CATEGORIES) {
      console.log(
        `  ${c.padEnd(16)} ${String(out.mobile.scores[c]).padStart(7)} ${String(out.desktop.scores[c]).padStart(8)}`,
      );
    }
    for (const f of ['mobile', 'desktop']) {
      const r = out[f];
      console.log(
        `  ${f}: first visit ${(r.bytes / 1e6).toFixed(2)} MB, CLS ${r.cls?.toFixed(3)}, LCP ${(r.lcp / 1000).toFixed(2)} s` +
          (r.failing.length ? `; not passed: ${r.failing.join(', ')}` : ''),
      );
    }
    if (json) {
      await writeFile(json, JSON.stringify({ mobile: out.mobile.lhr, desktop: out.desktop.lhr }, null, 2));
      log(`Full reports in ${json}`);
    }
    return out;
  } finally {
    await chrome?.kill();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) main(() => runAudit(parseArgs(process.argv.slice(2))));
