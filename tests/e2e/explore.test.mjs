// The "what was learned" lessons (latent space, autoencoder vs PCA, quality
// metrics, filters), each opened from its own URL with a small network. They
// must show live pictures of the training model (honest hooks: data-painted
// with ink, data-points, data-value) and plausible numbers.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp,
  openPage,
  readNumber,
  waitForPicture,
  waitForStep,
  pixelDifference,
  drawSeven,
} from './helpers/app.mjs';

/** Opens a lesson and checks that it mounted with a trainer. */
async function openLesson(app, id, hash) {
  const opened = await openPage(app, `#lesson=${id}&${hash}`);
  const { page } = opened;
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  assert.equal(await page.getAttribute('body', 'data-lesson'), id);
  assert.equal(await page.isHidden('#notice'), true, 'the link is read without complaint');
  assert.equal(await page.isEnabled('#play'), true, 'the trainer accepted the lesson’s config');
  return opened;
}

/** Plays until step n, then pauses and waits until the page says so. */
async function trainTo(page, n) {
  await page.click('#play');
  await waitForStep(page, n);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

const canvasData = (page, sel) => page.$eval(sel, (c) => c.toDataURL());

describe('the "what was learned" lessons', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('latent: 1,000 coloured codes that move with training, hover shows a digit, a click decodes, interpolation rows', async () => {
    const { page, context, errors } = await openLesson(app, 'latent', 'encoder=64&latent=2&batch=64');
    try {
      const plot = '#latent-plot';
      await page.waitForSelector(`${plot}[data-points="1000"][data-painted="true"]`);
      assert.equal(await page.getAttribute('#latent-axes', 'data-projected'), 'false');
      assert.match(await page.textContent('#latent-axes'), /codes themselves, not a projection/);
      // The codes move while it trains (checked before pausing, which refreshes too).
      const before = await canvasData(page, plot);
      await page.click('#play');
      await waitForStep(page, 30);
      await page.waitForFunction(([sel, b]) => document.querySelector(sel).toDataURL() !== b, [plot, before]);
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');

      // Hovering the first point shows that digit and its label.
      await page.locator(plot).scrollIntoViewIfNeeded();
      const box = await page.locator(plot).boundingBox();
      const [fx, fy] = (await page.getAttribute(plot, 'data-first-point')).split(',').map(Number);
      await page.mouse.move(box.x + fx, box.y + fy);
      await page.waitForSelector('#latent-tip:not([hidden])');
      assert.match(await page.textContent('#latent-tip'), /^a \d$/);
      await waitForPicture(page, '#latent-tip canvas');

      // A click anywhere in the plane decodes that point.
      await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.4);
      await waitForPicture(page, '#latent-decoded');
      const x0 = await readNumber(page, '#latent-decoded', 'data-x');
      assert.ok(Number.isFinite(x0));
      // ... and the keyboard moves that point.
      await page.focus(plot);
      await page.keyboard.press('Shift+ArrowRight');
      await page.waitForFunction((x) => Number(document.querySelector('#latent-decoded').dataset.x) > x, x0);

      // Interpolation: the decoded path and the pixel blend, both ends included.
      await waitForPicture(page, '#interp-path canvas:nth-child(1)');
      await waitForPicture(page, '#interp-path canvas:nth-child(10)');
      await waitForPicture(page, '#interp-blend canvas:nth-child(1)');
      await waitForPicture(page, '#interp-blend canvas:nth-child(10)');
      assert.ok(
        (await pixelDifference(page, '#interp-blend canvas:nth-child(1)', '#interp-blend canvas:nth-child(10)')) > 0.05,
        'the two ends differ',
      );
      assert.ok(
        (await pixelDifference(page, '#interp-blend canvas:nth-child(1)', '#interp-blend canvas:nth-child(5)')) > 0.01,
        'the blend moves',
      );

      // The drawing becomes a point of the plot and can start the path.
      await drawSeven(page);
      await page.waitForFunction(() => /Its code: z₁ = -?\d/.test(document.querySelector('#pad-error').textContent));
      await page.waitForSelector('#pick-from-pad:not([disabled])');
      const path = await canvasData(page, '#interp-path canvas:nth-child(1)');
      await page.click('#pick-from-pad');
      assert.equal(await page.getAttribute('#pick-from-pad', 'aria-pressed'), 'true');
      assert.match(await page.textContent('#interp-note'), /From your drawing/);
      await page.waitForFunction((b) => document.querySelector('#interp-path canvas').toDataURL() !== b, path);
      assert.ok(
        (await pixelDifference(page, '#pad-input', '#interp-blend canvas:nth-child(1)')) < 0.02,
        'the blend starts at the drawing',
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('latent with a larger code: the plot is labelled as a PCA projection and a click decodes through its inverse', async () => {
    const { page, context, errors } = await openLesson(app, 'latent', 'encoder=64&latent=8&batch=64');
    try {
      await page.waitForSelector('#latent-plot[data-points="1000"][data-painted="true"]');
      assert.equal(await page.getAttribute('#latent-axes', 'data-projected'), 'true');
      const explained = await readNumber(page, '#latent-axes', 'data-explained');
      assert.ok(explained > 0 && explained <= 1, `explained variance ${explained}`);
      assert.match(await page.textContent('#latent-axes'), /projection.*principal components.*explain \d+%/s);
      assert.match(await page.textContent('#latent-decode-note'), /inverse of the projection/);
      await page.locator('#latent-plot').scrollIntoViewIfNeeded();
      const box = await page.locator('#latent-plot').boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForSelector('#latent-decoded[data-painted="true"]');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('compare-pca: PCA fitted with a plausible error, both curves on one chart, both reconstructions of the rows and the drawing', async () => {
    const { page, context, errors } = await openLesson(app, 'compare-pca', 'encoder=64&latent=32&batch=64');
    try {
      const status = '#pca-status[data-state="ready"]';
      await page.waitForSelector(status, { timeout: 20_000 });
      const pca32 = await readNumber(page, '#stat-pca-mse', 'data-value');
      assert.ok(pca32 > 0.01 && pca32 < 0.07, `PCA(32) validation MSE ${pca32}`);
      assert.match(await page.textContent('#pca-status'), /32 directions keep \d+%/);
      await waitForPicture(page, '#cmp-pca canvas:nth-child(1)');
      await trainTo(page, 100);
      await page.waitForFunction(() => Number(document.querySelector('#pca-chart').dataset.points) >= 2);
      const ae = await readNumber(page, '#stat-ae-mse', 'data-value');
      assert.ok(ae > 0 && ae < 0.3, `autoencoder validation MSE ${ae}`);
      assert.match(await page.getAttribute('#pca-verdict', 'data-state'), /^(pca|autoencoder)$/);
      await waitForPicture(page, '#cmp-ae canvas:nth-child(1)');
      assert.ok(
        (await pixelDifference(page, '#cmp-pca canvas:nth-child(1)', '#cmp-ae canvas:nth-child(1)')) > 0.01,
        'two different models',
      );

      await drawSeven(page);
      await waitForPicture(page, '#pad-pca');
      await waitForPicture(page, '#pad-ae');
      await page.waitForFunction(() => Number(document.querySelector('#pad-error').dataset.pcaMse) > 0);

      // A smaller code: PCA is refitted (from the kept fit) and is worse.
      await page.fill('#latent', '2');
      await page.press('#latent', 'Enter');
      await page.waitForFunction(() =>
        /PCA fitted.*its 2 directions/.test(document.querySelector('#pca-status').textContent),
      );
      const pca2 = await readNumber(page, '#stat-pca-mse', 'data-value');
      assert.ok(pca2 > pca32 && pca2 < 0.07, `PCA(2) validation MSE ${pca2} (PCA(32): ${pca32})`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('quality: per-digit and validation-set MSE, PSNR, SSIM, MS-SSIM and BCE with plausible values', async () => {
    const { page, context, errors } = await openLesson(app, 'quality', 'encoder=64&latent=8&batch=64');
    try {
      await trainTo(page, 80);
      await page.waitForFunction(() => Number(document.querySelector('#quality-chart').dataset.points) >= 2);
      const summary = {};
      for (const k of ['mse', 'psnr', 'ssim', 'ms-ssim', 'bce'])
        summary[k] = await readNumber(page, `#stat-q-${k}`, 'data-value');
      assert.ok(summary.ssim > 0 && summary.ssim <= 1, `SSIM ${summary.ssim}`);
      assert.ok(summary['ms-ssim'] > 0 && summary['ms-ssim'] <= 1, `MS-SSIM ${summary['ms-ssim']}`);
      assert.ok(summary.psnr > 5, `PSNR ${summary.psnr} dB`);
      assert.ok(
        Math.abs(summary.psnr - 10 * Math.log10(1 / summary.mse)) < 0.05,
        'PSNR is 10·log10(1/MSE) of the mean MSE',
      );
      assert.ok(summary.bce > summary.mse, `BCE ${summary.bce}, MSE ${summary.mse}`);

      await waitForPicture(page, '#q-tile-0 canvas.recon');
      await page.waitForFunction(() => document.querySelector('#q-tile-0').dataset.ssim);
      const tile = await page.$eval('#q-tile-0', (el) => ({ ...el.dataset }));
      assert.ok(Number(tile.ssim) > 0 && Number(tile.ssim) <= 1, `tile SSIM ${tile.ssim}`);
      assert.ok(Number(tile.psnr) > 5, `tile PSNR ${tile.psnr}`);
      assert.match(await page.textContent('#q-tile-0'), /MSE.*PSNR.*dB.*SSIM.*MS-SSIM.*BCE/s);

      await drawSeven(page);
      await page.waitForFunction(() => document.querySelector('#q-tile-pad').dataset.ssim);
      await waitForPicture(page, '#pad-recon');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('filters: both layers painted as tiles, redrawn as the network trains', async () => {
    const { page, context, errors } = await openLesson(app, 'filters', 'encoder=32&latent=8&decay=0.001');
    try {
      assert.match(page.url(), /decay=0.001/);
      await waitForPicture(page, '#enc-filters', { min: 500 });
      await waitForPicture(page, '#dec-filters', { min: 500 });
      assert.equal(await page.getAttribute('#enc-filters', 'data-units'), '32');
      const before = await canvasData(page, '#enc-filters');
      await page.click('#play');
      await waitForStep(page, 20);
      await page.waitForFunction((b) => document.querySelector('#enc-filters').toDataURL() !== b, before);
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
