// The page as a person uses it: it loads cleanly, Play trains (the loss falls,
// the step counter advances, the page stays responsive), and a digit drawn on
// the pad comes back as a reconstruction that looks like it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, readNumber, stepTo, inkedPixels, drawSeven } from './helpers/app.mjs';

/**
 * In the page: Pearson correlation of two canvases' brightness (1 = the same picture),
 * or, given `atLeast`, whether it reaches that value (for waitForFunction).
 */
function correlation([sa, sb, atLeast]) {
  const lum = (sel) => {
    const c = document.querySelector(sel);
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const out = [];
    for (let i = 0; i < data.length; i += 4) out.push(data[i] + data[i + 1] + data[i + 2]);
    return out;
  };
  const x = lum(sa);
  const y = lum(sb);
  const mean = (v) => v.reduce((s, t) => s + t, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  const r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  return atLeast === undefined ? r : r >= atLeast;
}

describe('training on the page', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('loads without errors and shows an untrained model ready to go', async () => {
    const { page, context, errors } = await openPage(app);
    try {
      assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
      assert.equal(await page.isEnabled('#play'), true);
      assert.equal(await page.isHidden('#notice'), true, 'a clean URL shows no notice');
      assert.equal(await page.isHidden('#fatal'), true);
      assert.equal(await readNumber(page, '#stat-step', 'data-value'), 0);
      // The validation originals are painted once the trainer exists.
      await page.waitForFunction(() => document.querySelector('#val-grid canvas')?.dataset.painted === 'true');
      assert.ok((await inkedPixels(page, '#val-grid .pair:first-child canvas:first-child')) > 20);
      assert.match(
        page.url(),
        /#lesson=reconstruct&encoder=256,64&latent=32&act=relu/,
        'the address bar holds the full settings',
      );
      // Nothing to plot before the first step: the loss chart says so, in words too, and uPlot is not loaded yet.
      assert.equal(await page.textContent('#loss-chart .chart-empty'), 'Nothing to plot yet.');
      assert.match(await page.getAttribute('#loss-chart', 'aria-label'), /: no values yet$/);
      assert.equal(await page.locator('#loss-chart .uplot').count(), 0);
      const uplotFetched = await page.evaluate(() =>
        performance.getEntriesByType('resource').some((r) => /uPlot\.esm/.test(r.name)),
      );
      assert.equal(uplotFetched, false, 'uPlot is fetched with the first point');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('Play trains: the step counter advances, the loss falls, and the page stays responsive', async () => {
    const { page, context, errors } = await openPage(app);
    try {
      await stepTo(page, 5);
      const firstLoss = await readNumber(page, '#stat-loss', 'data-last-loss');
      const firstStep = await readNumber(page, '#stat-step', 'data-value');
      assert.ok(firstLoss > 0, `first loss ${firstLoss}`);
      await page.click('#play');

      // Measure the main thread's frame gaps while the worker trains.
      const maxGap = await page.evaluate(
        () =>
          new Promise((resolve) => {
            let last = performance.now();
            let worst = 0;
            const end = last + 1500;
            const tick = (t) => {
              worst = Math.max(worst, t - last);
              last = t;
              if (t < end) requestAnimationFrame(tick);
              else resolve(worst);
            };
            requestAnimationFrame(tick);
          }),
      );
      assert.ok(maxGap < 500, `the page froze for ${Math.round(maxGap)} ms while training`);

      await page.waitForFunction(() => Number(document.querySelector('#stat-step').dataset.value) >= 400, null, {
        timeout: 60_000,
      });
      const laterLoss = await readNumber(page, '#stat-loss', 'data-last-loss');
      const laterStep = await readNumber(page, '#stat-step', 'data-value');
      assert.ok(laterStep > firstStep, `step ${firstStep} -> ${laterStep}`);
      assert.ok(laterLoss < firstLoss * 0.6, `loss ${firstLoss} -> ${laterLoss} did not fall`);
      // An epoch (125 steps of 64) has ended, so there is a validation loss and an epoch count.
      assert.ok((await readNumber(page, '#stat-val', 'data-value')) > 0);
      assert.ok((await readNumber(page, '#stat-epoch', 'data-value')) >= 1);
      assert.ok((await readNumber(page, '#stat-rate', 'data-value')) > 0);
      // The loss chart (built just after the lesson's first paint) is drawn, in the height its box kept free.
      await page.waitForSelector('#loss-chart .uplot canvas');
      assert.equal(await page.locator('#loss-chart .chart-empty').count(), 0, 'the words for no data go');
      const chart = await page.$eval('#loss-chart', (el) => ({
        kept: Number.parseFloat(getComputedStyle(el).minHeight),
        plot: el.querySelector('.uplot').getBoundingClientRect().height,
      }));
      assert.ok(chart.plot <= chart.kept, `the plot (${chart.plot} px) fits the height kept for it (${chart.kept} px)`);
      await page.waitForFunction(
        () => /step \d+/.test(document.querySelector('#loss-chart').getAttribute('aria-label') ?? ''),
        null,
        {
          timeout: 5_000,
        },
      );

      // Pause stops the counter (once the worker has acknowledged it).
      await page.click('#play');
      await page.waitForFunction(() => document.body.dataset.running === 'false');
      await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
      const paused = await readNumber(page, '#stat-step', 'data-value');
      await page.waitForTimeout(300); // not an assertion: give a wrongly-running worker time to move the counter
      assert.equal(await readNumber(page, '#stat-step', 'data-value'), paused);

      // Step trains exactly one minibatch.
      await page.click('#step');
      await page.waitForFunction((n) => Number(document.querySelector('#stat-step').dataset.value) === n + 1, paused);

      // Reset starts over from fresh weights, paused.
      await page.click('#reset');
      await page.waitForFunction(() => document.querySelector('#stat-step').dataset.value === '0');
      assert.equal(await page.getAttribute('body', 'data-running'), 'false');
      assert.equal(await page.textContent('#stat-loss'), '–');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('changing a setting while training rebuilds the network and keeps training', async () => {
    const { page, context, errors } = await openPage(app);
    try {
      await page.click('#play');
      await page.waitForFunction(() => Number(document.querySelector('#stat-step').dataset.value) >= 150, null, {
        timeout: 30_000,
      });
      await page.selectOption('#batch', '32');
      // The counter starts again from zero for the new network and climbs while still playing.
      await page.waitForFunction(() => Number(document.querySelector('#stat-step').dataset.value) < 100, null, {
        timeout: 10_000,
      });
      await page.waitForFunction(() => Number(document.querySelector('#stat-step').dataset.value) >= 150, null, {
        timeout: 30_000,
      });
      assert.equal(await page.getAttribute('body', 'data-running'), 'true');
      assert.match(page.url(), /batch=32/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a digit drawn on the pad is reconstructed, live while training', async () => {
    const { page, context, errors } = await openPage(app);
    try {
      assert.equal(await inkedPixels(page, '#pad-recon'), 0, 'nothing drawn, nothing shown');
      await page.click('#play');
      await page.waitForFunction(() => Number(document.querySelector('#stat-step').dataset.value) >= 300, null, {
        timeout: 60_000,
      });
      await drawSeven(page);
      // The drawing becomes a 28×28 input at once ...
      assert.ok((await inkedPixels(page, '#pad-input')) > 20);
      // ... and its reconstruction appears and comes to look like it.
      await page.waitForFunction(() => document.querySelector('#pad-recon').dataset.painted === 'true', null, {
        timeout: 10_000,
      });
      assert.ok((await inkedPixels(page, '#pad-recon')) > 20, 'the reconstruction is not blank');
      // The pad refreshes while the stroke is drawn, so wait for the finished drawing's reconstruction to look like it.
      const pair = ['#pad-input', '#pad-recon'];
      await page.waitForFunction(correlation, [...pair, 0.5], { timeout: 20_000 }).catch(async (err) => {
        const r = await page.evaluate(correlation, pair);
        throw new Error(
          `the reconstruction never came to look like the drawing (correlation ${r.toFixed(2)}): ${err.message}`,
        );
      });
      assert.ok(
        Number(await page.getAttribute('#pad-error', 'data-mse')) < 0.1,
        'the error shown for the drawing is small',
      );

      // Clear empties the pad and its reconstruction.
      await page.click('#pad-clear');
      await page.waitForFunction(() => document.querySelector('#pad-recon').dataset.painted === 'false');
      assert.equal(await inkedPixels(page, '#pad-input'), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
