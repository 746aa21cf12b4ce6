// The autoencoder-family lessons, each opened from its own URL with a small
// network: it trains through the worker (the step counter advances, the loss
// falls) and shows its pictures (canvases painted with ink, via the honest
// data-painted hooks), plus what is particular to each lesson.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp,
  openPage,
  readNumber,
  inkedPixels,
  trainAndMeasure,
  waitForPicture,
  pixelDifference,
  drawSeven,
  waitForStep,
} from './helpers/app.mjs';

const SMALL = 'encoder=64&latent=8&batch=64';

/** Opens a lesson and checks that it is the one mounted and marked in the nav. */
async function openLesson(app, id, hash) {
  const opened = await openPage(app, `#lesson=${id}&${hash}`);
  const { page } = opened;
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  assert.equal(await page.getAttribute('body', 'data-lesson'), id);
  assert.equal(await page.getAttribute(`#lesson-nav a[data-lesson="${id}"]`, 'aria-current'), 'page');
  assert.equal(await page.isHidden('#notice'), true, 'the link is read without complaint');
  assert.equal(await page.isEnabled('#play'), true, 'the trainer accepted the lesson’s config');
  return opened;
}

function assertLearned({ first, later }) {
  assert.ok(later.step > first.step, `step ${first.step} -> ${later.step}`);
  assert.ok(first.loss > 0, `first loss ${first.loss}`);
  assert.ok(later.loss < first.loss * 0.8, `the loss did not fall: ${first.loss} -> ${later.loss}`);
}

describe('the autoencoder-family lessons', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('denoise: clean, corrupted and cleaned-up rows, a noisy draw pad, and both validation errors', async () => {
    const { page, context, errors } = await openLesson(app, 'denoise', `noise=masking&level=0.5&${SMALL}`);
    try {
      assert.match(page.url(), /#lesson=denoise&noise=masking&level=0.5&encoder=64&latent=8/);
      // Before any training: the clean digits and their corruption (the trainer's own, through t.corrupt).
      await waitForPicture(page, '#dn-clean canvas:nth-child(1)');
      await waitForPicture(page, '#dn-noisy canvas:nth-child(1)');
      const masked = await pixelDifference(page, '#dn-clean canvas:nth-child(1)', '#dn-noisy canvas:nth-child(1)');
      assert.ok(masked > 0.02, `the corrupted digit differs from the clean one (${masked})`);

      assertLearned(await trainAndMeasure(page));
      await waitForPicture(page, '#dn-recon canvas:nth-child(1)');
      await page.waitForFunction(
        () =>
          document.querySelector('#stat-noisy-mse').dataset.value &&
          document.querySelector('#stat-clean-mse').dataset.value,
      );
      assert.ok((await readNumber(page, '#stat-noisy-mse', 'data-value')) > 0);
      assert.ok((await readNumber(page, '#stat-clean-mse', 'data-value')) > 0);

      // The pad: the drawing gets the same kind of noise, and the network cleans it up.
      await drawSeven(page);
      await waitForPicture(page, '#pad-noisy');
      await waitForPicture(page, '#pad-recon');
      assert.ok((await pixelDifference(page, '#pad-input', '#pad-noisy')) > 0.02, 'noise was added to the drawing');
      await page.waitForFunction(() => Number(document.querySelector('#pad-error').dataset.mse) > 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('sparse: activation bars, near-zero units, code heat map and the loss terms', async () => {
    const { page, context, errors } = await openLesson(app, 'sparse', `kind=l1&weight=0.003&${SMALL}`);
    try {
      assert.match(await page.textContent('#lesson-note'), /ReLU/);
      // The sparsity term falls slower than the reconstruction: measured over more steps, so a late first reading
      // on a busy machine still leaves room to see it fall.
      assertLearned(await trainAndMeasure(page, { from: 10, to: 400 }));
      await waitForPicture(page, '#code-bars', { min: 50 });
      await waitForPicture(page, '#code-heatmap');
      await waitForPicture(page, '#sparse-digits');
      const off = await readNumber(page, '#stat-off-units', 'data-value');
      assert.ok(off >= 0 && off <= 8, `near-zero units ${off} of 8`);
      assert.ok((await readNumber(page, '#stat-penalty', 'data-value')) > 0, 'the sparsity term is shown');
      assert.ok((await readNumber(page, '#stat-recon', 'data-value')) > 0, 'the reconstruction term is shown');
      assert.ok(Number(await page.getAttribute('#terms-chart', 'data-points')) > 10, 'the terms chart has a history');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('sparse with KL: the lesson puts a sigmoid on the code (the trainer refuses KL without it) and draws ρ', async () => {
    const { page, context, errors } = await openLesson(app, 'sparse', `kind=kl&target=0.1&weight=0.01&${SMALL}`);
    try {
      assert.match(await page.textContent('#lesson-note'), /sigmoid/);
      await page.click('#step');
      await waitForStep(page, 1);
      await waitForPicture(page, '#code-bars', { min: 50 });
      assert.match(await page.textContent('#bars-legend'), /ρ = 0.1/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('contractive: two networks train side by side, and the change with noise is pictured and plotted', async () => {
    const { page, context, errors } = await openLesson(app, 'contractive', `lambda=0.01&sigma=0.3&${SMALL}`);
    try {
      assert.match(
        await page.textContent('#penalty-note'),
        /exactly.*closed form.*Rifai et al\. 2011.*last encoder layer.*treated as given/s,
      );
      assertLearned(await trainAndMeasure(page));
      // The companion (plain) trainer trained too: its own loss terms arrive with the stats.
      await page.waitForFunction(() => document.querySelector('#stat-plain-recon').dataset.value);
      assert.ok((await readNumber(page, '#stat-plain-recon', 'data-value')) > 0);
      assert.ok((await readNumber(page, '#stat-penalty', 'data-value')) > 0);
      for (const row of ['cae-input', 'cae-recon', 'plain-recon'])
        await waitForPicture(page, `#${row} canvas:nth-child(1)`);
      // The change maps are drawn (a strongly contracting network may barely change: only "painted" is required there) ...
      await page.waitForFunction(() =>
        [...document.querySelectorAll('#cae-change canvas, #plain-change canvas')].every(
          (c) => c.dataset.painted === 'true',
        ),
      );
      // ... and the noise moves the plain network's reconstructions visibly.
      assert.ok(
        (await inkedPixels(page, '#plain-change canvas:nth-child(1)')) +
          (await inkedPixels(page, '#plain-change canvas:nth-child(2)')) >
          5,
      );
      await page.waitForFunction(() => document.querySelector('#change-chart').dataset.points === '11');
      const cae = await readNumber(page, '#stat-cae-change', 'data-value');
      const plain = await readNumber(page, '#stat-plain-change', 'data-value');
      assert.ok(cae > 0 && plain > 0, `code changes ${cae}, ${plain}`);

      // The σ slider is display-only: it redraws without a new network and goes into the URL.
      const step = await readNumber(page, '#stat-step', 'data-value');
      const before = await page.evaluate(() => document.querySelector('#cae-input canvas').toDataURL());
      await page.focus('#lesson-sigma');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => location.hash.includes('sigma=0.35'));
      await page.waitForFunction((b) => document.querySelector('#cae-input canvas').toDataURL() !== b, before);
      assert.equal(await readNumber(page, '#stat-step', 'data-value'), step, 'the networks were kept');
      assert.equal(await page.textContent('#lesson-sigma-value'), 'σ = 0.35');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('generate: samples from the prior, the decoded map of a 2-number code, and recon and KL apart', async () => {
    const { page, context, errors } = await openLesson(app, 'generate', 'beta=1&encoder=64&latent=2');
    try {
      assertLearned(await trainAndMeasure(page));
      await waitForPicture(page, '#vae-samples', { min: 200 });
      await waitForPicture(page, '#vae-map', { min: 500 });
      assert.equal(await page.isHidden('#map-note'), true);
      assert.ok((await readNumber(page, '#stat-kl', 'data-value')) > 0, 'the KL term is shown');
      assert.ok((await readNumber(page, '#stat-recon', 'data-value')) > 0, 'the reconstruction term is shown');

      // New samples are new digits.
      const before = await page.evaluate(() => document.querySelector('#vae-samples').toDataURL());
      await page.click('#new-samples');
      await page.waitForFunction((b) => document.querySelector('#vae-samples').toDataURL() !== b, before);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('generate with a larger code says the map needs 2 numbers and offers to switch', async () => {
    const { page, context, errors } = await openLesson(app, 'generate', 'encoder=64&latent=8');
    try {
      await page.waitForSelector('#map-note:not([hidden])');
      await page.click('#use-latent-2');
      await page.waitForFunction(() => /latent=2(&|$)/.test(location.hash));
      await page.waitForSelector('#map-note', { state: 'hidden' });
      await waitForPicture(page, '#vae-map', { min: 50 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
