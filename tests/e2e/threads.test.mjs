// Threads (docs/wasm-api.md, "Threads"): where the page is cross-origin
// isolated (the test server sends COOP and COEP, as `npm start` does) the
// worker trains with the threaded builds on one thread per core, bit for bit
// as on one thread; the status line says how many threads train, and when one,
// why; where the page is not isolated it falls back to one thread by itself.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';
import { ROOT, openPage, startApp, waitForStep } from './helpers/app.mjs';

/** In the page: trains `config` for `steps` steps in a fresh worker with init(options). -> { threads, runThreads, hash, loss } */
function trainInPage(page, options, config, steps) {
  return page.evaluate(
    async ({ options, config, steps }) => {
      const { TrainerClient } = await import('./www/worker/trainer-client.js');
      const client = new TrainerClient();
      try {
        const info = await client.init(options);
        const run = await client.create(config);
        let loss = null;
        let last = null;
        for (let i = 0; i < steps; i++) {
          last = await client.step();
          loss = last.batchLoss;
        }
        const params = await client.call('parameters');
        // FNV-1a over the parameters' bits, and how many there are.
        let hash = 0x811c9dc5;
        for (const v of new Uint32Array(params.buffer, params.byteOffset, params.length)) {
          hash = Math.imul(hash ^ v, 0x01000193) >>> 0;
        }
        return { threads: info.threads, runThreads: run.threads, hash, count: params.length, loss, last };
      } finally {
        client.terminate();
      }
    },
    { options, config, steps },
  );
}

describe('threads', () => {
  let app;
  let cores;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('trains on one thread per core where the page is isolated, bit for bit as on one thread', async (t) => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct');
    const warnings = [];
    page.on('console', (msg) => msg.type() === 'warning' && warnings.push(msg.text()));
    try {
      const facts = await page.evaluate(() => ({
        isolated: self.crossOriginIsolated,
        cores: navigator.hardwareConcurrency,
      }));
      cores = facts.cores;
      assert.equal(facts.isolated, true, 'the test server sends COOP and COEP');
      if (cores < 2) {
        t.skip(`this machine reports ${cores} core: nothing to split across`);
        return;
      }
      const dense = { model: { encoder: [256, 64], latent: 32, dropout: 0.1 }, train: { seed: 7, batchSize: 128 } };
      const many = await trainInPage(page, { threads: cores }, dense, 30);
      const one = await trainInPage(page, { threads: 1 }, dense, 30);
      assert.deepEqual(many.threads, { count: Math.min(cores, 16), why: null });
      assert.deepEqual(one.threads, { count: 1, why: 'threads=1 in the link' });
      assert.ok(many.count > 200_000, `the wide model's parameters: ${many.count}`);
      assert.equal(many.hash, one.hash, 'the parameters after 30 steps differ between the thread counts');
      assert.ok(Number.isFinite(many.loss), JSON.stringify(many.last));
      assert.equal(many.loss, one.loss);

      // A convolutional model trains in the lab build, on its threaded twin where the engine has threads:
      // bit for bit as on one thread too (the blog-shaped preset's blocks: its passes split by the batch's halves).
      const blog = {
        model: { encoder: [], conv: [16, 8, 8].map((channels) => ({ channels, kernel: 3, stride: 2 })), latent: 32 },
        train: { seed: 5, batchSize: 64, loss: 'bce', lr: 0.005 },
      };
      const convMany = await trainInPage(page, { threads: cores }, blog, 20);
      const convOne = await trainInPage(page, { threads: 1 }, blog, 20);
      assert.deepEqual(convMany.runThreads, many.threads);
      assert.deepEqual(convOne.runThreads, one.threads);
      assert.ok(convMany.count > 10_000, `the conv model's parameters: ${convMany.count}`);
      assert.equal(convMany.hash, convOne.hash, 'the conv parameters after 20 steps differ between the thread counts');
      assert.ok(Number.isFinite(convMany.loss), JSON.stringify(convMany.last));
      assert.equal(convMany.loss, convOne.loss);

      // With no flag, a conv run trains on as many threads as the engine, and says so.
      const convRun = await page.evaluate(async () => {
        const { TrainerClient } = await import('./www/worker/trainer-client.js');
        const client = new TrainerClient();
        try {
          const init = await client.init({});
          const conv = [{ channels: 8, kernel: 3, stride: 2 }];
          const run = await client.create({ model: { encoder: [], conv, latent: 8 } });
          const stats = await client.step();
          const dense = await client.create({ model: { encoder: [64], latent: 8 } });
          return { byDefault: init.threads, conv: run.threads, dense: dense.threads, loss: stats.batchLoss };
        } finally {
          client.terminate();
        }
      });
      // With no flag: one thread per core, in every browser.
      assert.deepEqual(convRun.byDefault, many.threads);
      assert.deepEqual(convRun.dense, many.threads);
      assert.deepEqual(convRun.conv, many.threads);
      assert.ok(Number.isFinite(convRun.loss));
      assert.deepEqual(errors, []);
      // The pool's workers start their module as wasm-bindgen asks (vendor/wasm-bindgen-rayon/PATCHED.md).
      assert.deepEqual(
        warnings.filter((w) => /deprecated/.test(w)),
        [],
      );
    } finally {
      await context.close();
    }
  });

  it('the status line says how many threads train, and why one when the link asks for one', async (t) => {
    if (cores != null && cores < 2) return t.skip(`this machine reports ${cores} core`);
    for (const [query, want] of [
      ['', /^Training \(\d+ threads\)…$/],
      ['?threads=2', 'Training (2 threads)…'],
      ['?threads=1', 'Training (1 thread: threads=1 in the link)…'],
    ]) {
      const { page, context, errors } = await openPage(
        { ...app, url: `${app.url}${query}` },
        '#lesson=reconstruct&encoder=64&latent=8',
      );
      try {
        await page.click('#play');
        await waitForStep(page, 5);
        const text = await page.textContent('#run-status');
        if (typeof want === 'string') assert.equal(text, want, query || 'no flag');
        else assert.match(text, want, `${query || 'no flag'}: "${text}"`);
        await page.click('#play');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  });

  // The engine's pool (a dense run) and the lab build's (a convolutional run).
  for (const [what, hash] of [
    ['a dense', 'encoder=64&latent=8'],
    ['a convolutional', 'conv=8,8&latent=16&batch=64'],
  ])
    it(`a panic on a pool thread restarts the engine and restores the model, instead of training stopping unsaid (${what} run)`, async (t) => {
      if (cores != null && cores < 2) return t.skip(`this machine reports ${cores} core`);
      const { page, context, errors } = await openPage(app, `?debug=1#lesson=reconstruct&${hash}`);
      try {
        await page.click('#play');
        await waitForStep(page, 40);
        assert.match(await page.textContent('#run-status'), /^Training \(\d+ threads\)…$/);
        await page.click('#play');
        await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
        await page.waitForFunction(() => window.__playground.snapshot?.step > 0); // taken at the pause
        const step = await page.evaluate(() => window.__playground.snapshot.step);

        // The worker waits for the pool thread, which traps: only the thread's own message can tell the page.
        // Not awaited in the page: if the panic were not reported, the call would never be answered.
        await page.evaluate(() => {
          window.__playground.crashWorker('pool');
        });
        await page.waitForSelector('body[data-recovered="true"]', { timeout: 20_000 });
        const banner = await page.textContent('#banner');
        assert.match(banner, /crashed/);
        assert.match(banner, /a thread of its pool stopped.*a deliberate crash on a pool thread/s);
        assert.match(banner, new RegExp(`restored as it was at step ${step}`));
        await page.click('#play');
        await waitForStep(page, step + 20);
        assert.match(await page.textContent('#run-status'), /^Training \(\d+ threads\)…$/);
        await page.click('#play');
        // The panic's report and its trap (uncaught in the pool's worker: 'unreachable' in Chromium,
        // 'RuntimeError: unreachable executed' in Firefox) are expected; nothing else went wrong.
        assert.deepEqual(
          errors.filter(
            (e) => !/deliberate crash/.test(e) && !/^pageerror: (RuntimeError: )?unreachable( executed)?$/.test(e),
          ),
          [],
        );
      } finally {
        await context.close();
      }
    });

  it('falls back to one thread, and says why, where the page is not cross-origin isolated', async () => {
    const server = await startServer({ root: ROOT, isolated: false });
    try {
      const { page, context, errors } = await openPage(
        { url: server.url, browser: app.browser },
        '#lesson=reconstruct&encoder=64&latent=8',
      );
      const wasm = [];
      context.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(r.url().replace(/.*\/www\//, '')));
      try {
        assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
        await page.click('#play');
        await waitForStep(page, 5);
        assert.equal(
          await page.textContent('#run-status'),
          'Training (1 thread: the page is not cross-origin isolated, so the browser allows no shared memory)…',
        );
        await page.click('#play');
        assert.ok(!wasm.some((u) => u.includes('-mt/')), `no threaded build is fetched: ${wasm}`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    } finally {
      await server.close();
    }
  });
});
