// The Convolutional lesson (issue 16): a conv autoencoder and a dense one of
// about as many parameters train side by side (both step counters advance,
// both losses fall, the conv network's validation error falls), the conv
// layers' feature maps of a drawing and the first layer's kernels are drawn
// (one canvas per channel, of the layer's size, with ink), the shift slider
// moves the digits and marks its shift on the error-against-shift chart
// without a new network, and axe-core finds nothing serious.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations } from './helpers/axe.mjs';
import { startApp, openPage, readNumber, stepTo, waitForStep, drawSeven, waitForPicture } from './helpers/app.mjs';
import { BLOG, SMALL, convParameterCount } from '../../www/lessons/conv/shapes.js';

/** The canvases inside `selector`: their sizes, whether painted, and how many pixels differ from the first. */
const canvasesIn = (page, selector) =>
  page.$$eval(`${selector} canvas`, (list) =>
    list.map((c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 30)
          inked++;
      }
      return { width: c.width, height: c.height, painted: c.dataset.painted === 'true', inked };
    }),
  );

/** A readout's raw value once it has one. */
async function shownValue(page, selector, timeout = 30_000) {
  await page.waitForFunction((s) => document.querySelector(s)?.dataset.value, selector, { timeout });
  return readNumber(page, selector, 'data-value');
}

async function pause(page) {
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

describe('the Convolutional lesson', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('trains a conv and a dense network of about as many parameters side by side, and both learn', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=conv');
    try {
      assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
      assert.equal(await page.getAttribute('body', 'data-lesson'), 'conv');
      assert.equal(await page.getAttribute('#lesson-nav a[data-lesson="conv"]', 'aria-current'), 'page');
      assert.equal(await page.isHidden('#notice'), true);
      assert.equal(await page.isEnabled('#play'), true, 'the lab build accepted the conv model');
      assert.match(page.url(), /latent=16.*lr=0\.005/);
      assert.ok(!page.url().includes('conv='), 'the small preset is the lesson default, left out of the link');
      assert.equal(await page.inputValue('#conv'), '8,16', 'the panel shows the network that trains');
      assert.equal(await page.getAttribute('#conv-small', 'aria-pressed'), 'true');

      // The parameters, as the engine counts them: the conv model's match the lesson's arithmetic, the dense one is within 15%.
      const conv = await shownValue(page, '#stat-conv-params');
      const dense = await shownValue(page, '#stat-dense-params');
      assert.equal(conv, convParameterCount(SMALL, 16));
      assert.ok(Math.abs(dense / conv - 1) < 0.15, `dense ${dense} vs conv ${conv}`);
      assert.match(await page.textContent('#lesson-note'), /28,369.*784 → 17 → 16 → 17 → 784, 28,034/);

      // The untrained networks' validation error, measured before Play.
      const untrained = await shownValue(page, '#stat-conv-mse');
      assert.ok((await shownValue(page, '#stat-dense-mse')) > 0);

      await stepTo(page, 10, 60_000);
      const first = {
        conv: await shownValue(page, '#stat-conv-recon'),
        dense: await shownValue(page, '#stat-dense-recon'),
        loss: await readNumber(page, '#stat-loss', 'data-last-loss'),
      };
      await page.click('#play');
      await waitForStep(page, 150, 90_000);
      // A validation measurement from after step 150 (they come every few seconds).
      await page.waitForFunction(
        (u) => Number(document.querySelector('#stat-conv-mse').dataset.value) < u * 0.7,
        untrained,
        { timeout: 30_000 },
      );
      const later = {
        conv: await shownValue(page, '#stat-conv-recon'),
        dense: await shownValue(page, '#stat-dense-recon'),
        loss: await readNumber(page, '#stat-loss', 'data-last-loss'),
      };
      assert.ok(later.loss < first.loss * 0.8, `conv training loss ${first.loss} -> ${later.loss}`);
      assert.ok(later.conv < first.conv * 0.8, `conv reconstruction term ${first.conv} -> ${later.conv}`);
      assert.ok(later.dense < first.dense * 0.9, `dense reconstruction term ${first.dense} -> ${later.dense}`);
      assert.ok((await shownValue(page, '#stat-dense-ssim')) > 0);
      assert.ok(Number(await page.getAttribute('#conv-versus-chart', 'data-points')) >= 2);
      assert.match(await page.textContent('#conv-verdict'), /network is ahead/);
      await pause(page);

      // The rows: the same validation digits through both networks.
      for (const row of ['conv-orig', 'conv-dense', 'conv-conv'])
        await waitForPicture(page, `#${row} canvas:nth-child(1)`);

      // A drawing's feature maps at every conv layer, one canvas per channel of the layer's size, and the 3×3 kernels.
      await drawSeven(page);
      await waitForPicture(page, '#pad-conv');
      await waitForPicture(page, '#pad-dense');
      await page.waitForFunction(() => /^Your drawing/.test(document.querySelector('#fmap-source').textContent));
      const layers = [
        ['#fmap-encoder-0', 8, 14],
        ['#fmap-encoder-1', 16, 7],
      ];
      assert.equal(await page.$$eval('.fmap-layers .fmap-grid', (g) => g.length), layers.length);
      for (const [sel, channels, side] of layers) {
        const maps = await canvasesIn(page, sel);
        assert.equal(maps.length, channels, `${sel}: a canvas per channel`);
        for (const m of maps) assert.deepEqual([m.width, m.height, m.painted], [side, side, true], sel);
        assert.ok(maps.filter((m) => m.inked > 0).length >= channels / 4, `${sel}: channels with ink`);
        // Its words follow the pictures at a calm pace (charts/describe.js).
        await page.waitForFunction(
          (s) =>
            /^Feature maps of encoder\.\d · \d+×\d+×\d+: your drawing/.test(
              document.querySelector(s).getAttribute('aria-label'),
            ),
          sel,
          { timeout: 10_000 },
        );
      }
      const kernels = await canvasesIn(page, '#conv-kernels');
      assert.equal(kernels.length, 8);
      for (const k of kernels) assert.deepEqual([k.width, k.height, k.painted], [3, 3, true]);
      assert.ok(
        kernels.every((k) => k.inked > 0),
        'each kernel is a pattern, not a flat tile',
      );

      // The shift slider: the digits and the drawing move, the chart marks the new shift, the networks stay.
      await page.waitForFunction(() => document.querySelector('#shift-chart').dataset.points === '9', null, {
        timeout: 20_000,
      });
      assert.equal(await page.getAttribute('#shift-chart', 'data-shift'), '0');
      const step = await readNumber(page, '#stat-step', 'data-value');
      const digitBefore = await page.evaluate(() => document.querySelector('#conv-orig canvas').toDataURL());
      const padBefore = await page.evaluate(() => document.querySelector('#pad-input').toDataURL());
      const mapsBefore = await page.evaluate(() => document.querySelector('#fmap-encoder-0 canvas').toDataURL());
      await page.focus('#lesson-shift');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => /shift=2(&|$)/.test(location.hash));
      await page.waitForFunction(() => document.querySelector('#shift-chart').dataset.shift === '2');
      await page.waitForFunction((b) => document.querySelector('#conv-orig canvas').toDataURL() !== b, digitBefore);
      await page.waitForFunction((b) => document.querySelector('#pad-input').toDataURL() !== b, padBefore);
      await page.waitForFunction(
        (b) => document.querySelector('#fmap-encoder-0 canvas').toDataURL() !== b,
        mapsBefore,
        { timeout: 10_000 },
      );
      assert.equal(await page.textContent('#lesson-shift-value'), '2 px right');
      assert.equal(await readNumber(page, '#stat-step', 'data-value'), step, 'the networks were kept');
      await page.waitForFunction(
        () =>
          /at the slider [\d.e-]+ at shift \(pixels\) 2/.test(
            document.querySelector('#shift-chart').getAttribute('aria-label'),
          ),
        null,
        { timeout: 10_000 },
      );
      assert.match(await page.textContent('#shift-note'), /dense [\d.]+ centred, [\d.]+ at ±4 px .*convolutional/);

      const found = await axeViolations(page);
      assert.deepEqual(found, [], found.join('\n'));

      // The projector theme repaints the feature maps and kernels from the same data, with no round trip.
      const kernelLight = await page.evaluate(() => document.querySelector('#conv-kernels canvas').toDataURL());
      await page.locator('#lesson').focus();
      await page.keyboard.press('p');
      await page.waitForFunction((b) => document.querySelector('#conv-kernels canvas').toDataURL() !== b, kernelLight);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('the blog-shaped preset: three conv layers down to 8×4×4, and a dense network with a smaller code', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=conv&latent=32');
    try {
      await page.click('#conv-blog');
      await page.waitForFunction(() => location.hash.includes('conv=16,8,8'));
      assert.equal(await page.getAttribute('#conv-blog', 'aria-pressed'), 'true');
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
      assert.equal(await page.isHidden('#notice'), true);
      assert.equal(await shownValue(page, '#stat-conv-params'), convParameterCount(BLOG, 32));
      assert.match(await page.textContent('#lesson-note'), /a 7-number code/);
      assert.match(await page.textContent('#net-shapes'), /784 → 7 → 784.*1×28×28 → 16×14×14 → 8×7×7 → 8×4×4 → 32/);
      await page.click('#step');
      await waitForStep(page, 1);
      // Before any drawing the maps show the first validation digit.
      await page.waitForFunction(() => /^Validation digit 1/.test(document.querySelector('#fmap-source').textContent));
      for (const [sel, channels, side] of [
        ['#fmap-encoder-0', 16, 14],
        ['#fmap-encoder-1', 8, 7],
        ['#fmap-encoder-2', 8, 4],
      ]) {
        const maps = await canvasesIn(page, sel);
        assert.equal(maps.length, channels, sel);
        assert.ok(
          maps.every((m) => m.width === side && m.height === side && m.painted),
          sel,
        );
      }
      assert.equal((await canvasesIn(page, '#conv-kernels')).length, 16);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('conv blocks from the Network settings: 4 channels of 5×5 kernels at stride 1', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=conv&conv=4k5s1&latent=8');
    try {
      assert.equal(await page.isHidden('#notice'), true);
      assert.equal(
        await shownValue(page, '#stat-conv-params'),
        convParameterCount([{ channels: 4, kernel: 5, stride: 1 }], 8),
      );
      assert.equal(await page.getAttribute('#conv-small', 'aria-pressed'), 'false');
      assert.equal(await page.getAttribute('#conv-blog', 'aria-pressed'), 'false');
      await page.click('#step');
      await waitForStep(page, 1);
      await page.waitForFunction(() => document.querySelector('#conv-kernels').dataset.step !== undefined);
      const maps = await canvasesIn(page, '#fmap-encoder-0');
      assert.deepEqual(
        maps.map((m) => [m.width, m.height]),
        Array(4).fill([28, 28]),
      );
      const kernels = await canvasesIn(page, '#conv-kernels');
      assert.deepEqual(
        kernels.map((k) => [k.width, k.height, k.painted]),
        Array(4).fill([5, 5, true]),
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
