// The offline build (scripts/build-dist.mjs, part of `npm run build`): the
// single HTML file, opened from disk with every network request refused,
// trains; and the static site works from a sub-folder of a web server. The
// build runs once per test run, into a temporary folder.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, startApp, openPage, readNumber, stepTo, waitForStep } from './helpers/app.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { buildDist, SINGLE_FILE } from '../../scripts/build-dist.mjs';

describe('the offline build', () => {
  let app;
  let dir;
  let built;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ae-dist-'));
    [app, built] = await Promise.all([startApp(), buildDist({ out: join(dir, 'sub', 'playground') })]);
  });
  after(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the single HTML file trains when opened from disk, Recommend included, with no server and no network', async () => {
    assert.ok((await stat(built.singleFile)).size > 1e6, 'the engine and the digits are inside');
    const context = await app.browser.newContext();
    const requests = [];
    await context.route(/^(https?|wss?):/, (route) => {
      requests.push(route.request().url());
      route.abort();
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    try {
      const url = `${pathToFileURL(built.singleFile).href}#lesson=reconstruct&encoder=64&latent=8`;
      await page.goto(url);
      await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 30_000 });
      assert.equal(await page.getAttribute('body', 'data-state'), 'ready', await page.textContent('#fatal'));
      await stepTo(page, 10);
      const first = await readNumber(page, '#stat-loss', 'data-last-loss');
      await page.click('#play');
      await waitForStep(page, 200, 30_000);
      const later = await readNumber(page, '#stat-loss', 'data-last-loss');
      assert.ok(later < first * 0.8, `the loss fell: ${first} -> ${later}`);

      // The Recommend lesson's own worker runs from the file too (bundled, the .wasm handed over).
      await page.click('#play');
      await page.goto(`${pathToFileURL(built.singleFile).href}#lesson=recommend&hidden=32`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      await page.waitForFunction(() => !document.querySelector('#rec-play').disabled, null, { timeout: 30_000 });
      await page.click('#rec-play');
      await page.waitForFunction(() => Number(document.querySelector('#stat-rec-step').dataset.value) >= 100, null, {
        timeout: 30_000,
      });
      await page.click('#rec-play');
      assert.ok((await readNumber(page, '#stat-rec-rmse', 'data-value')) > 0);
      assert.deepEqual(requests, [], 'no network request');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a first visit to the static site downloads under 3 MB, the digits gzipped', async () => {
    const server = await startServer({ root: dir });
    const context = await app.browser.newContext();
    try {
      const fetched = [];
      context.on('requestfinished', async (request) => {
        const sizes = await request.sizes().catch(() => null);
        if (sizes) fetched.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize });
      });
      const page = await context.newPage();
      await page.goto(`${server.url}sub/playground/#lesson=reconstruct`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      await page.click('#step');
      await waitForStep(page, 1);
      await page.waitForTimeout(500); // the last sizes() answers
      const digits = fetched.filter((f) => /\/www\/data\//.test(f.url));
      assert.deepEqual(
        digits.map((f) => f.url.replace(/.*\/www\//, '')),
        ['data/mnist.bin.gz'],
        'only the gzipped digits are fetched',
      );
      assert.ok(digits[0].bytes < 1_800_000, `the digits: ${digits[0].bytes} bytes`);
      const total = fetched.reduce((s, f) => s + f.bytes, 0);
      assert.ok(total < 3_000_000, `first visit: ${total} bytes in ${fetched.length} requests`);
      assert.ok(
        fetched.some((f) => f.url.endsWith('_bg.wasm')),
        'the engine was counted',
      );
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('the static site trains on threads on a host that sends no headers (its service worker isolates it)', async () => {
    const server = await startServer({ root: dir, isolated: false });
    const context = await app.browser.newContext();
    try {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}sub/playground/?threads=2#lesson=reconstruct&encoder=64&latent=8`);
      // coi-serviceworker registers itself, then reloads the page once under the headers it adds.
      const until = Date.now() + 30_000;
      let facts = null;
      while (Date.now() < until) {
        facts = await page
          .evaluate(() => ({
            isolated: self.crossOriginIsolated,
            state: document.body?.dataset.state,
            cores: navigator.hardwareConcurrency,
          }))
          .catch(() => null); // the page is reloading
        if (facts?.isolated && facts.state === 'ready') break;
        await page.waitForTimeout(200);
      }
      assert.deepEqual({ isolated: facts?.isolated, state: facts?.state }, { isolated: true, state: 'ready' });
      await page.click('#play');
      await waitForStep(page, 5);
      const status = await page.textContent('#run-status');
      if (facts.cores > 1) assert.equal(status, 'Training (2 threads)…');
      else assert.match(status, /^Training \(1 thread: the browser reports one processor core\)…$/);
      await page.click('#play');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('the static site works from a sub-folder of a web server, its JS minified', async () => {
    const server = await startServer({ root: dir });
    try {
      const { page, context, errors } = await openPage(
        { url: `${server.url}sub/playground/`, browser: app.browser },
        '#lesson=denoise&encoder=32&latent=4',
      );
      try {
        assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
        assert.equal(await page.getAttribute('body', 'data-lesson'), 'denoise');
        await page.click('#step');
        await waitForStep(page, 1);
        assert.ok(built.singleFile.endsWith(SINGLE_FILE));
        assert.deepEqual(errors, []);
        const source = await readFile(join(ROOT, 'www', 'worker', 'trainer-protocol.js'), 'utf8');
        const shipped = await readFile(join(dir, 'sub', 'playground', 'www', 'worker', 'trainer-protocol.js'), 'utf8');
        assert.ok(
          shipped.length < source.length * 0.7,
          `trainer-protocol.js minified: ${source.length} -> ${shipped.length} bytes`,
        );
        assert.ok(!/^\s*\/\//m.test(shipped), 'no comment lines left in the shipped JS');
      } finally {
        await context.close();
      }
    } finally {
      await server.close();
    }
  });
});
