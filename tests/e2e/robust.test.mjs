// It keeps working: under a strict Content-Security-Policy; a saved model
// loads back with identical reconstructions; a damaged file is refused and the
// model stays; a diverged run says so and resumes with one click; a crashed
// worker is restarted with the model restored, without a reload; a hidden tab
// pauses and picks up again; a browser without wasm SIMD is told so.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startApp, openPage, readNumber, waitForStep, ROOT } from './helpers/app.mjs';
import { startServer } from '../../scripts/serve.mjs';

const SMALL = 'encoder=64&latent=8&batch=64';
const RECONS = '#val-grid canvas.recon';

/** Every reconstruction canvas of the validation grid, as data URLs. */
const reconstructions = (page) => page.$$eval(RECONS, (cs) => cs.map((c) => c.toDataURL()));

/** Waits until the grid's reconstructions are exactly `expected` (the honest check: they never become equal by chance). */
async function waitForReconstructions(page, expected, what) {
  await page
    .waitForFunction(
      ([sel, want]) => {
        const got = [...document.querySelectorAll(sel)].map((c) => c.toDataURL());
        return got.length === want.length && got.every((u, i) => u === want[i]);
      },
      [RECONS, expected],
      { timeout: 15_000 },
    )
    .catch(async (err) => {
      const got = await reconstructions(page);
      const same = got.filter((u, i) => u === expected[i]).length;
      throw new Error(`${what}: ${same} of ${expected.length} reconstructions match (${err.message})`);
    });
}

/** Plays to at least `n` steps, pauses, and waits until the reconstructions have settled on the paused model. */
async function trainTo(page, n) {
  await page.click('#play');
  await waitForStep(page, n, 30_000);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
  await settle(page);
}

/** Two reads of the reconstructions 300 ms apart agree: no refresh is on its way. */
async function settle(page) {
  let last = await reconstructions(page);
  for (;;) {
    await page.waitForTimeout(300); // not an assertion: lets a pending refresh land
    const now = await reconstructions(page);
    if (now.every((u, i) => u === last[i])) return now;
    last = now;
  }
}

describe('it keeps working', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('works under a strict Content-Security-Policy (no inline script, no eval)', async () => {
    const policy = "script-src 'self' 'wasm-unsafe-eval'";
    const server = await startServer({ root: ROOT, headers: { 'Content-Security-Policy': policy } });
    const context = await app.browser.newContext();
    try {
      const page = await context.newPage();
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.addInitScript(() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      const response = await page.goto(`${server.url}#lesson=reconstruct&${SMALL}`);
      assert.equal(response.headers()['content-security-policy'], policy, 'the server sent the policy');
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      await page.click('#play');
      await waitForStep(page, 60);
      assert.deepEqual(await page.evaluate(() => window.__violations), []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('save, reload, load: the same reconstructions, and the page shows the file’s settings', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=reconstruct&${SMALL}&seed=5`);
    try {
      await trainTo(page, 120);
      const trained = await reconstructions(page);
      const step = await readNumber(page, '#stat-step', 'data-value');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-model')]);
      assert.equal(download.suggestedFilename(), `autoencoder-reconstruct-step-${step}.safetensors`);
      const file = await download.path();

      // A fresh page with other settings: a new, untrained network.
      await page.goto(`${app.url}index.html#lesson=reconstruct&encoder=32&latent=4&seed=9`);
      await page.waitForSelector('body[data-state="ready"]');
      await page.setInputFiles('#load-file', file);
      await page.waitForSelector('#banner[data-kind="info"]');
      assert.match(await page.textContent('#banner'), new RegExp(`trained for ${step} steps`));
      await waitForReconstructions(page, trained, 'after loading');
      // The settings panel and the address follow the file.
      assert.equal(await page.inputValue('#encoder'), '64');
      assert.equal(await page.inputValue('#latent'), '8');
      assert.equal(await page.inputValue('#seed'), '5');
      assert.match(page.url(), /encoder=64&latent=8&.*seed=5/);
      // It trains on from the loaded step.
      await page.click('#step');
      await page.waitForFunction((s) => Number(document.querySelector('#stat-step').dataset.value) === s + 1, step);

      // The loss history as CSV: a header and one row per step.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      const text = await readFile(await csv.path(), 'utf8');
      assert.match(text, /^step,train_loss,epoch,epoch_train_loss,val_loss,val_mse\n/);
      // And a picture as PNG.
      const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
      const bytes = await readFile(await png.path());
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a damaged file is refused with the engine’s words, and the current model stays', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=reconstruct&${SMALL}`);
    try {
      await trainTo(page, 40);
      const before = await reconstructions(page);
      const step = await readNumber(page, '#stat-step', 'data-value');
      const url = page.url();
      await page.setInputFiles('#load-file', {
        name: 'damaged.safetensors',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('\x10\x00\x00\x00\x00\x00\x00\x00{"a":<b>1</b>}  not a model'),
      });
      await page.waitForSelector('#banner[data-kind="load-error"]');
      const text = await page.textContent('#banner');
      assert.match(text, /damaged\.safetensors could not be loaded/);
      assert.match(text, /The model you had is unchanged/);
      assert.equal(await page.$$eval('#banner b', (b) => b.length), 0, 'nothing from the file became markup');
      assert.equal(page.url(), url, 'the settings did not change');
      assert.deepEqual(await settle(page), before, 'the same model still answers');
      await page.click('#step');
      await page.waitForFunction((s) => Number(document.querySelector('#stat-step').dataset.value) === s + 1, step);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a diverged run says so in words, and one click resumes with a tenth of the learning rate', async () => {
    // A VAE with Adam at lr 3 overflows within a few steps.
    const { page, context, errors } = await openPage(app, '#lesson=generate&opt=adam&lr=3&encoder=64&latent=2');
    try {
      await page.click('#play');
      await page.waitForSelector('#banner[data-kind="halted"]', { timeout: 20_000 });
      assert.match(await page.textContent('#banner'), /no longer a finite number.*learning rate of 3 is too large/s);
      assert.equal(await page.getAttribute('body', 'data-running'), 'false');
      const stopped = await readNumber(page, '#stat-step', 'data-value');
      await page.click('#resume-smaller');
      await page.waitForSelector('#banner[data-kind="info"]');
      assert.match(await page.textContent('#banner'), /Resumed with learning rate 0\.3/);
      await page.waitForFunction(() => /lr=0\.3(&|$)/.test(location.hash));
      assert.equal(await page.inputValue('#lr'), '0.3');
      await page.waitForFunction(
        (s) => Number(document.querySelector('#stat-step').dataset.value) >= s + 100,
        stopped,
        { timeout: 20_000 },
      );
      assert.equal(await page.isHidden('#banner[data-kind="halted"]'), true, 'it did not blow up again');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a crashed worker is restarted and the model restored, without a reload', async () => {
    const { page, context, errors } = await openPage(app, `?debug=1#lesson=reconstruct&${SMALL}`);
    try {
      await trainTo(page, 80);
      await page.waitForFunction(() => window.__playground.snapshot?.step > 0); // taken at the pause
      const before = await reconstructions(page);
      const step = await page.evaluate(() => window.__playground.snapshot.step);
      await page.evaluate(() => {
        window.__sameDocument = true;
      });
      const workersBefore = page.workers().length;

      // A trap inside the engine (what a Rust panic is under panic=abort).
      await page.evaluate(() => window.__playground.crashWorker('trap'));
      await page.waitForSelector('body[data-recovered="true"]', { timeout: 20_000 });
      assert.match(await page.textContent('#banner'), new RegExp(`crashed.*restored as it was at step ${step}`, 's'));
      await waitForReconstructions(page, before, 'after the restart');
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
      await page.click('#step');
      await page.waitForFunction((s) => Number(document.querySelector('#stat-step').dataset.value) === s + 1, step);

      // An uncaught error in the worker (worker.onerror), while training: it comes back training.
      await page.click('#play');
      await page.evaluate(() => {
        document.body.dataset.recovered = '';
      });
      await page.evaluate(() => window.__playground.crashWorker('error'));
      await page.waitForSelector('body[data-recovered="true"]', { timeout: 20_000 });
      await page.waitForFunction(() => document.body.dataset.running === 'true');
      await waitForStep(page, step + 20);
      // A terminated worker's thread pool (Web Workers of its own) can take a few seconds to go.
      for (let i = 0; i < 75 && page.workers().length > workersBefore; i++) await page.waitForTimeout(200);
      assert.ok(
        page.workers().length <= workersBefore,
        `no worker leaked (${page.workers().length} > ${workersBefore}: ${page.workers().map((w) => w.url().slice(0, 60))})`,
      );
      // The deliberate uncaught error is reported by the browser; nothing else went wrong.
      assert.deepEqual(
        errors.filter((e) => !/deliberate crash/.test(e)),
        [],
      );
    } finally {
      await context.close();
    }
  });

  it('a hidden tab pauses training, and it picks up again when visible', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=reconstruct&${SMALL}`);
    // Headless Chromium never hides a page, so the test sets what the browser would and sends its event.
    const setVisible = (visible) =>
      page.evaluate((v) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => !v });
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => (v ? 'visible' : 'hidden'),
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, visible);
    try {
      await page.click('#play');
      await waitForStep(page, 20);
      await setVisible(false);
      await page.waitForFunction(
        () => document.querySelector('#run-status').textContent === 'Paused while this tab is hidden.',
      );
      assert.equal(await page.getAttribute('body', 'data-running'), 'false');
      const paused = await readNumber(page, '#stat-step', 'data-value');
      await page.waitForTimeout(300); // not an assertion: time for a wrongly running worker to move the counter
      assert.equal(await readNumber(page, '#stat-step', 'data-value'), paused);
      await setVisible(true);
      await page.waitForFunction(() => document.body.dataset.running === 'true');
      await waitForStep(page, paused + 20);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a browser without WebAssembly SIMD is told so in words', async () => {
    const context = await app.browser.newContext();
    try {
      const page = await context.newPage();
      await page.addInitScript(() => {
        const validate = WebAssembly.validate;
        // This browser "has no SIMD": the tiny module with a v128 instruction does not validate.
        WebAssembly.validate = (bytes) => (new Uint8Array(bytes).includes(253) ? false : validate(bytes));
      });
      await page.goto(app.url);
      await page.waitForSelector('body[data-state="error"]');
      assert.match(await page.textContent('#fatal'), /WebAssembly with SIMD/);
      assert.equal(page.workers().length, 0, 'nothing was started');
    } finally {
      await context.close();
    }
  });
});
