// Convolutional models through the common settings: a link or the Conv blocks
// field makes any lesson's network convolutional (built in the lab engine by
// the worker), it trains and reconstructs, the Denoise lesson's convolutional
// preset cleans up a drawing, a conv model saves and loads back, the lab views
// work on it, and a block that cannot fit is refused with the engine's sentence
// while the old run stays.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep, trainAndMeasure, drawSeven, waitForPicture } from './helpers/app.mjs';

const CONV = 'conv=8,16&latent=16&lr=0.005&batch=32';

describe('convolutional models from the settings', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('a conv link trains in Reconstruct: the shape line shows the feature maps and the loss falls', async () => {
    const { page, context, errors } = await openPage(app, `?debug=1#lesson=reconstruct&${CONV}`);
    try {
      assert.equal(await page.inputValue('#conv'), '8,16');
      assert.equal(await page.isDisabled('#encoder'), true, 'the widths do not shape a conv model');
      const shape = await page.textContent('#shape');
      assert.match(shape, /1×28×28 → 8×14×14 → 16×7×7 → 16 → 16×7×7 → 8×14×14 → 1×28×28/);
      // 1→8: 2·8·9 + 9 = 153; 8→16: 2·128·9 + 24 = 2328; dense 784↔16: 2·12544 + 800 = 25888.
      assert.match(shape, /28,369 weights and biases/);
      const { first, later } = await trainAndMeasure(page, { from: 10, to: 250, timeout: 60_000 });
      assert.ok(later.loss < first.loss * 0.7, `loss ${first.loss} -> ${later.loss} did not fall`);
      await drawSeven(page);
      await waitForPicture(page, '#pad-recon');
      const cfg = await page.evaluate(async () => (await window.__playground.client.call('config')).model);
      assert.deepEqual(
        cfg.conv.map((b) => b.channels),
        [8, 16],
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("typing blocks into the form makes the run a conv model; a block that cannot fit is refused with the engine's sentence", async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=64&latent=8');
    try {
      await page.fill('#conv', '8,8');
      await page.press('#conv', 'Tab');
      await page.waitForFunction(() => location.hash.includes('conv=8,8'));
      await page.click('#play');
      await waitForStep(page, 20, 60_000);
      await page.click('#play');
      // Four stride-2 blocks take 28 to 2 pixels; a 5×5 kernel does not fit there.
      await page.fill('#conv', '8,8,8,8,8k5s1');
      await page.press('#conv', 'Tab');
      await page.waitForFunction(
        () => /larger than its 2×2 input/.test(document.querySelector('#config-error')?.textContent ?? ''),
        null,
        { timeout: 20_000 },
      );
      assert.match(
        await page.textContent('#config-error'),
        /These settings cannot be trained: model\.conv: block 5's 5×5 kernel is larger than its 2×2 input; use a smaller kernel or fewer blocks/,
      );
      // The field itself parsed: the engine, not the form, knows the sizes.
      assert.equal(await page.textContent('#conv-error'), '');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("the Denoise lesson's convolutional preset sets the Network settings and cleans up a drawing", async () => {
    const { page, context, errors } = await openPage(app, '?debug=1#lesson=denoise&noise=gaussian&level=0.3');
    try {
      assert.equal(await page.getAttribute('#denoise-dense', 'aria-pressed'), 'true');
      await page.click('#denoise-conv');
      await page.waitForFunction(() => /conv=16,16&.*lr=0\.005/.test(location.hash));
      assert.equal(await page.getAttribute('#denoise-conv', 'aria-pressed'), 'true');
      assert.equal(await page.inputValue('#conv'), '16,16', 'the panel shows the network that trains');
      assert.match(await page.textContent('#shape'), /1×28×28 → 16×14×14 → 16×7×7 → 32/);
      await page.click('#play');
      await waitForStep(page, 100, 90_000);
      await drawSeven(page);
      await waitForPicture(page, '#pad-noisy');
      await waitForPicture(page, '#pad-recon');
      const cfg = await page.evaluate(async () => (await window.__playground.client.call('config')).model);
      assert.deepEqual(
        cfg.conv.map((b) => b.channels),
        [16, 16],
      );
      // And back: the dense preset drops the blocks.
      await page.click('#denoise-dense');
      await page.waitForFunction(() => !location.hash.includes('conv=') && location.hash.includes('lr=0.002'));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a conv model saves and loads back with its blocks, step and weights', async () => {
    const { page, context, errors } = await openPage(app, `?debug=1#lesson=reconstruct&${CONV}&seed=3`);
    try {
      await page.click('#play');
      await waitForStep(page, 60, 60_000);
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
      const bytes = await page.evaluate(async () => Array.from((await window.__playground.client.saveAll()).main));
      const step = Number(await page.getAttribute('#stat-step', 'data-value'));
      await page.click('#reset');
      await page.waitForFunction(() => document.querySelector('#stat-step').dataset.value === '0');
      await page.setInputFiles('#load-file', {
        name: 'conv.safetensors',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(bytes),
      });
      await page.waitForFunction((n) => Number(document.querySelector('#stat-step').dataset.value) === n, step, {
        timeout: 30_000,
      });
      assert.match(page.url(), /conv=8,16/);
      await page.click('#step');
      await page.waitForFunction((n) => Number(document.querySelector('#stat-step').dataset.value) === n + 1, step);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [lesson, ready] of [
    ['latent', '#latent-decoded'],
    ['anomalies', null],
    ['features', null],
    ['impute', null],
  ]) {
    it(`the ${lesson} lesson trains a conv model`, async () => {
      const { page, context, errors } = await openPage(app, `#lesson=${lesson}&conv=8,16&lr=0.005`);
      try {
        assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
        await page.click('#play');
        await waitForStep(page, 130, 90_000);
        await page.click('#play');
        if (ready) assert.ok(await page.$(ready), `${lesson}: its picture is there`);
        assert.equal(await page.isHidden('#fatal'), true);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe('lessons built around dense layers say so for a conv model', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('Filters explains that a conv layer has kernels, not 28×28 pictures, and where to see them', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=filters&conv=8,16');
    try {
      await page.waitForFunction(() => /convolutional/.test(document.querySelector('#enc-note')?.textContent ?? ''));
      assert.match(await page.textContent('#enc-note'), /The Convolutional lesson draws its kernels/);
      await page.click('#play');
      await waitForStep(page, 30, 60_000);
      assert.match(
        await page.textContent('#enc-note'),
        /not one 28×28 weight picture per unit/,
        'training keeps the note',
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('Inside: the step in slow motion follows a weight of the first kernel', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=inside&conv=8,16&lr=0.005');
    try {
      await page.click('#play');
      await waitForStep(page, 20, 60_000);
      await page.click('#play');
      await page.click('#slow-start');
      await page.waitForFunction(() => document.querySelector('#slow-motion')?.dataset.stepAfter, null, {
        timeout: 30_000,
      });
      assert.equal(await page.getAttribute('#slow-motion', 'data-own'), 'true', 'the run itself took the step');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
