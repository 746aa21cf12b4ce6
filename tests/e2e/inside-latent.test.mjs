// Inside the latent space (issue 15, items 3 and 4): trails behind the dots of
// the 2-D latent map while the network trains, and the VAE's Gaussian for the
// drawing on the Generate lesson's map. Honest hooks: the scatter's
// data-trails (positions drawn per dot) and its pixels with and without them;
// the Gaussian overlay's data-mu and data-sigma against the engine's own
// encodeDistribution of the pad's image, and the decoded samples' ink.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep, waitForPicture, inkedPixels, drawSeven } from './helpers/app.mjs';

const PLOT = '#latent-plot';

/** Plays until step n and the trails hold `trails` positions, then pauses and waits until the plot is still. */
async function trainWithTrails(page, n, trails) {
  await page.click('#play');
  await waitForStep(page, n);
  await page.waitForFunction(([sel, k]) => Number(document.querySelector(sel).dataset.trails) >= k, [PLOT, trails], {
    timeout: 20_000,
  });
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
  await still(page, PLOT);
}

/** Waits until a canvas's picture stops changing (the refresh after a pause has landed). */
async function still(page, sel) {
  let last = '';
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(700);
    const now = await page.$eval(sel, (c) => c.toDataURL());
    if (now === last) return;
    last = now;
  }
  throw new Error(`${sel} kept changing`);
}

/** Keeps the canvas's pixels in the page under `name`, to compare with a later paint. */
const keepPixels = (page, sel, name) =>
  page.$eval(
    sel,
    (c, key) => {
      window[key] = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    },
    name,
  );

/** How many pixels of the canvas differ from the kept ones. */
const changedPixels = (page, sel, name) =>
  page.$eval(
    sel,
    (c, key) => {
      const a = window[key];
      const b = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      if (a.length !== b.length) return -1;
      let n = 0;
      for (let i = 0; i < a.length; i += 4)
        if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 24) n++;
      return n;
    },
    name,
  );

describe('inside the latent space', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('latent trails: a 2-D map leaves fading trails while training; Trails off repaints without them', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=latent&encoder=64&latent=2&batch=64');
    try {
      await page.waitForSelector(`${PLOT}[data-points="1000"][data-painted="true"]`);
      assert.equal(await page.isChecked('#latent-trails'), true, 'on by default');
      assert.equal(await page.getAttribute(PLOT, 'data-trails'), '0', 'one map: nothing to trail yet');
      await trainWithTrails(page, 40, 3);
      const trails = Number(await page.getAttribute(PLOT, 'data-trails'));
      assert.ok(trails > 1 && trails <= 10, `positions per dot ${trails}`);
      assert.equal(await page.getAttribute('#latent-trails-note', 'data-state'), 'on');
      assert.match(await page.textContent('#latent-trails-note'), /last \d+ places/);

      await keepPixels(page, PLOT, '__withTrails');
      await page.click('#latent-trails');
      await page.waitForSelector(`${PLOT}[data-trails="0"]`);
      const gone = await changedPixels(page, PLOT, '__withTrails');
      assert.ok(gone > 100, `the trails were drawn where the plain plot has none (${gone} pixels differ)`);
      assert.equal(await page.getAttribute('#latent-trails-note', 'data-state'), 'off');

      await page.click('#latent-trails');
      await page.waitForSelector(`${PLOT}[data-trails="${trails}"]`);
      assert.equal(await changedPixels(page, PLOT, '__withTrails'), 0, 'the same trails come back');

      // A new run (Reset) starts them again.
      await page.click('#reset');
      await page.waitForSelector(`${PLOT}[data-trails="0"]`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('latent trails: off by default for a reader who asks for reduced motion', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1366, height: 900 }, reducedMotion: 'reduce' });
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}#lesson=latent&encoder=64&latent=2&batch=64`);
      await page.waitForSelector(`${PLOT}[data-points="1000"][data-painted="true"]`);
      assert.equal(await page.isChecked('#latent-trails'), false);
      assert.equal(await page.getAttribute('#latent-trails-note', 'data-state'), 'off');
      await page.click('#play');
      await waitForStep(page, 30);
      await page.waitForTimeout(2500);
      assert.equal(await page.getAttribute(PLOT, 'data-trails'), '0');
      await page.click('#latent-trails');
      await page.waitForFunction((sel) => Number(document.querySelector(sel).dataset.trails) > 1, PLOT, {
        timeout: 20_000,
      });
      await page.click('#play');
    } finally {
      await context.close();
    }
  });

  it('latent trails: none on a projection (latent 8), and the note says why', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=latent&encoder=64&latent=8&batch=64');
    try {
      await page.waitForSelector(`${PLOT}[data-points="1000"][data-painted="true"]`);
      await page.click('#play');
      await waitForStep(page, 30);
      await page.waitForTimeout(2500);
      await page.click('#play');
      assert.equal(await page.getAttribute(PLOT, 'data-trails'), '0');
      assert.equal(await page.getAttribute('#latent-trails-note', 'data-state'), 'projected');
      assert.match(await page.textContent('#latent-trails-note'), /only for a code of 1 or 2 numbers/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
  it('the VAE’s Gaussian: the drawing’s μ and σ on the map are the encoder’s, and its samples are decoded', async () => {
    const { page, context, errors } = await openPage(app, '?debug=1#lesson=generate&encoder=64&latent=2');
    try {
      await page.click('#play');
      await waitForStep(page, 150);
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
      await waitForPicture(page, '#vae-map', { min: 500 });
      // Nothing drawn: only the prior's map.
      assert.equal(await page.getAttribute('#vae-gaussian', 'data-mu'), null);
      assert.equal(await inkedPixels(page, '#vae-gaussian'), 0);
      assert.match(await page.textContent('#vae-gauss-note'), /Draw a digit/);

      await drawSeven(page);
      await page.waitForSelector('#vae-gaussian[data-mu][data-painted="true"]');
      await page.waitForTimeout(600); // the answer for the finished stroke
      const shown = {
        mu: (await page.getAttribute('#vae-gaussian', 'data-mu')).split(',').map(Number),
        sigma: (await page.getAttribute('#vae-gaussian', 'data-sigma')).split(',').map(Number),
      };
      // The engine's own answer for the pad's image, computed here the way the pad computes it.
      const engine = await page.evaluate(async () => {
        const { mnistFromGray, grayFromImageData } = await import('/www/draw/draw-pad.js');
        const pad = document.querySelector('#pad');
        const gray = grayFromImageData(pad.getContext('2d').getImageData(0, 0, pad.width, pad.height));
        const x = mnistFromGray(gray, pad.width, pad.height);
        const d = await window.__playground.client.call('encodeDistribution', x);
        return { mu: Array.from(d.mu), logVar: Array.from(d.logVar) };
      });
      assert.equal(engine.mu.length, 2);
      for (let i = 0; i < 2; i++) {
        assert.ok(
          Math.abs(shown.mu[i] - engine.mu[i]) <= 1e-5,
          `μ${i + 1}: shown ${shown.mu[i]}, engine ${engine.mu[i]}`,
        );
        const sigma = Math.exp(engine.logVar[i] / 2);
        assert.ok(shown.sigma[i] > 0, `σ${i + 1} = ${shown.sigma[i]}`);
        assert.ok(
          Math.abs(shown.sigma[i] - sigma) <= 1e-5 * Math.max(1, sigma),
          `σ${i + 1}: shown ${shown.sigma[i]}, engine ${sigma}`,
        );
      }
      assert.ok((await inkedPixels(page, '#vae-gaussian')) > 100, 'the ellipses are drawn over the map');
      for (let i = 1; i <= 6; i++) await waitForPicture(page, `#vae-gauss-samples figure:nth-child(${i}) canvas`);
      await waitForPicture(page, '#pad-recon');
      assert.match(
        await page.textContent('#vae-gauss-note'),
        /μ = \(−?\d+\.\d\d, −?\d+\.\d\d\), σ = \(\d+\.\d\d, \d+\.\d\d\)/,
      );

      // Cleared: back to the prior's map alone.
      await page.click('#pad-clear');
      await page.waitForSelector('#vae-gaussian[data-painted="false"]');
      await page.waitForFunction(() => !document.querySelector('#vae-gaussian').dataset.mu);
      await page.waitForFunction(() => document.querySelector('#vae-gauss-samples canvas').dataset.painted === 'false');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
