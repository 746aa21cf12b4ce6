// Inside the network (issue 15, items 1, 2 and 5): the Inside lesson draws one
// block per layer with the config's widths, paints every layer's activations
// for a drawn digit (the output layer is the reconstruction), counts the dead
// ReLU units, charts each layer's gradient norm and update ratio, and walks
// one real training step in slow motion, whose Adam numbers are checked here
// from what the page shows. The "Look inside" panel opens on Reconstruct, and
// hide=inside hides it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep, drawSeven, waitForPicture, pixelDifference } from './helpers/app.mjs';

const SMALL = 'encoder=64,32&latent=8&batch=32';
const WIDTHS = [784, 64, 32, 8, 32, 64, 784];

async function pause(page) {
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

describe('inside the network', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('draws the layers, their activations for a drawing, dead units and the gradients of every layer', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=inside&${SMALL}`);
    try {
      assert.equal(await page.getAttribute('body', 'data-lesson'), 'inside');
      await page.waitForSelector('.nd-layer[data-name="decoder.2"]', { timeout: 30_000 });
      const widths = await page.$$eval('#network-diagram .nd-layer', (els) => els.map((e) => Number(e.dataset.width)));
      assert.deepEqual(widths, WIDTHS, 'one block per layer, as wide as the config says');
      const names = await page.$$eval('#network-diagram .nd-layer', (els) => els.map((e) => e.dataset.name));
      assert.deepEqual(names, ['input', 'encoder.0', 'encoder.1', 'code', 'decoder.0', 'decoder.1', 'decoder.2']);

      await page.click('#play');
      await waitForStep(page, 120, 40_000);
      await page.waitForFunction(() => Number(document.querySelector('#grad-chart').dataset.points) >= 3, null, {
        timeout: 20_000,
      });
      await pause(page);
      const layers = await page.$eval('#grad-chart', (e) => e.dataset.layers.split(','));
      assert.deepEqual(layers, names.slice(1), 'a series per Linear layer');
      await page.waitForFunction(
        (n) =>
          Number(document.querySelector('#grad-chart').dataset.filled) === n &&
          Number(document.querySelector('#ratio-chart').dataset.filled) === n,
        layers.length,
        { timeout: 10_000 },
      );

      await drawSeven(page);
      await waitForPicture(page, '#pad-recon');
      for (const name of names) {
        await page.waitForSelector(`.nd-layer[data-name="${name}"] canvas[data-painted]`, { timeout: 20_000 });
      }
      // The output layer's values are the reconstruction: the same picture as the pad's.
      const sel = '.nd-layer[data-name="decoder.2"] canvas';
      let diff = 1;
      for (let i = 0; i < 30 && diff > 0.005; i++) {
        await page.waitForTimeout(300);
        diff = await pixelDifference(page, sel, '#pad-recon');
      }
      const where = await page.evaluate(() => [
        document.querySelector('#inside-source').textContent,
        document.querySelector('#network-diagram').dataset.step,
        document.querySelector('#stat-step').dataset.value,
      ]);
      assert.ok(diff <= 0.005, `output layer vs reconstruction: ${diff} ${where}`);
      assert.ok((await pixelDifference(page, '.nd-layer[data-name="input"] canvas', '#pad-input')) <= 0.005);

      await page.waitForFunction(() => document.querySelector('#inside-dead').dataset.count !== undefined, null, {
        timeout: 20_000,
      });
      assert.match(await page.textContent('#inside-dead'), /^Dead ReLU units: \d+$/);

      // Hover a unit of the first hidden layer: its value and its weights.
      const box = await page.$eval('.nd-layer[data-name="encoder.0"] canvas', (c) => {
        c.scrollIntoView({ block: 'center' });
        const r = c.getBoundingClientRect();
        return { x: r.x + 3, y: r.y + 3 };
      });
      await page.mouse.move(box.x, box.y);
      await page.waitForFunction(() => document.querySelector('#nd-tip').dataset.unit === '0');
      assert.match(await page.textContent('#nd-tip'), /^encoder\.0, unit 0: /);
      await page.waitForSelector('#inside-weights[data-unit="0"][data-painted]', { timeout: 10_000 });

      // The projector theme (P) repaints the cells and the digits in its palette, with no round trip.
      const cells = '.nd-layer[data-name="encoder.0"] canvas';
      const light = await page.$eval(cells, (c) => c.toDataURL());
      const lightOut = await page.$eval(sel, (c) => c.toDataURL());
      await page.locator('#lesson').focus();
      await page.keyboard.press('p');
      assert.equal(await page.getAttribute('html', 'data-present'), 'true');
      await page.waitForFunction(([s, before]) => document.querySelector(s).toDataURL() !== before, [cells, light]);
      assert.notEqual(await page.$eval(sel, (c) => c.toDataURL()), lightOut, 'the output layer repainted too');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('slow motion: Next walks every stage of one real step, and Adam’s numbers add up', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=inside&${SMALL}`);
    try {
      await page.click('#play');
      await waitForStep(page, 30);
      await page.click('#slow-start'); // pauses the training itself
      await page.waitForSelector('#slow-motion[data-stage="batch"]', { timeout: 30_000 });
      assert.equal(await page.textContent('#run-status'), 'Paused.');
      const before = Number(await page.getAttribute('#slow-motion', 'data-step-before'));
      const afterStep = Number(await page.getAttribute('#slow-motion', 'data-step-after'));
      assert.equal(afterStep, before + 1, 'exactly one step');
      // The run's own step: the page's step counter moved with it.
      assert.equal(await page.getAttribute('#slow-motion', 'data-own'), 'true');
      await page.waitForFunction((s) => Number(document.querySelector('#stat-step').dataset.value) === s, afterStep, {
        timeout: 5_000,
      });
      const total = Number(await page.getAttribute('#slow-motion', 'data-stages'));
      const seen = [await page.getAttribute('#slow-motion', 'data-stage')];
      for (let i = 1; i < total; i++) {
        await page.click('#slow-next');
        seen.push(await page.getAttribute('#slow-motion', 'data-stage'));
      }
      assert.equal(seen[0], 'batch');
      for (const n of ['input', 'encoder.0', 'code', 'decoder.2']) {
        if (n !== 'input') assert.ok(seen.includes(`forward:${n}`), `forward ${n}`);
      }
      assert.ok(seen.includes('loss') && seen.includes('grad:encoder.0') && seen.includes('optimizer'));
      assert.equal(seen.at(-1), 'after');
      assert.equal(await page.isDisabled('#slow-next'), true);
      const lossAfter = Number(await page.getAttribute('[data-key="lossAfter"]', 'value'));
      assert.ok(Number.isFinite(lossAfter) && lossAfter > 0);

      // Back to the optimiser, with the keyboard.
      await page.focus('#slow-back');
      await page.keyboard.press('Enter');
      assert.equal(await page.getAttribute('#slow-motion', 'data-stage'), 'optimizer');
      const read = async (k) => Number(await page.getAttribute(`#slow-stage [data-key="${k}"]`, 'value'));
      const [w, update, after, lr, mHat, vHat, eps] = await Promise.all(
        ['before', 'update', 'after', 'lr', 'mHat', 'vHat', 'eps'].map(read),
      );
      const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);
      assert.ok(rel(after, w - update) < 1e-6, `after ${after} = before ${w} − update ${update}`);
      const adam = (lr * mHat) / (Math.sqrt(vHat) + eps);
      // The engine's weights are f32: the update it applied is the change of the weight, which carries no
      // more digits than one f32 step (ulp) of the weight. Within 1e-6 relative, or within that ulp.
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(w))) - 23);
      assert.ok(
        rel(update, adam) < 1e-6 || Math.abs(update - adam) <= ulp,
        `update ${update} = lr·m̂/(√v̂+ε) = ${adam} (ulp of the weight ${ulp})`,
      );
      assert.ok(update !== 0, 'the highlighted weight moved');
      // The optimiser's own state: Adam's t is the run's step count (a fresh copy's would be 1).
      assert.equal(await read('t'), afterStep);
      // Another step goes on from there.
      await page.click('#slow-start');
      await page.waitForFunction(
        (s) => Number(document.querySelector('#slow-motion').dataset.stepBefore) === s,
        afterStep,
        { timeout: 30_000 },
      );
      assert.equal(Number(await page.getAttribute('#slow-motion', 'data-step-after')), afterStep + 1);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('the "Look inside" panel opens on Reconstruct, follows its training, and hide=inside hides it', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=reconstruct&${SMALL}`);
    try {
      assert.equal(await page.isHidden('#inside-panel'), true);
      assert.equal(await page.getAttribute('#inside-toggle', 'aria-expanded'), 'false');
      await page.click('#inside-toggle');
      assert.equal(await page.getAttribute('#inside-toggle', 'aria-expanded'), 'true');
      await page.waitForSelector('#inside-panel .nd-layer[data-name="decoder.2"] canvas[data-painted]', {
        timeout: 30_000,
      });
      const widths = await page.$$eval('#inside-panel .nd-layer', (els) => els.map((e) => Number(e.dataset.width)));
      assert.deepEqual(widths, WIDTHS);
      await page.click('#play');
      await waitForStep(page, 60);
      await page.waitForFunction(() => Number(document.querySelector('#ratio-chart').dataset.filled) === 6, null, {
        timeout: 20_000,
      });
      await pause(page);
      await page.click('#inside-toggle');
      assert.equal(await page.isHidden('#inside-panel'), true);
      assert.equal(await page.$('#network-diagram'), null, 'closed: nothing left to refresh');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    const hidden = await openPage(app, `?hide=inside#lesson=reconstruct&${SMALL}`);
    try {
      assert.equal(await hidden.page.isHidden('#inside-toggle'), true, 'hide=inside hides the button');
      assert.equal(await hidden.page.isVisible('#pad'), true, 'and nothing else');
      assert.deepEqual(hidden.errors, []);
    } finally {
      await hidden.context.close();
    }
  });

  it('"Things to try": the deep sigmoid link sets that network, and the diagram follows it', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=inside&${SMALL}`);
    try {
      await page.waitForSelector('.nd-layer[data-name="decoder.2"]', { timeout: 30_000 });
      await page.click('.explainer a[href*="act=sigmoid"]');
      await page.waitForSelector('.nd-layer[data-name="decoder.4"]', { timeout: 30_000 });
      assert.match(page.url(), /act=sigmoid/);
      const blocks = await page.$$eval('#network-diagram .nd-layer', (els) =>
        els.map((e) => [Number(e.dataset.width), e.dataset.activation]),
      );
      assert.deepEqual(
        blocks.map(([w]) => w),
        [784, 256, 128, 64, 32, 16, 32, 64, 128, 256, 784],
      );
      assert.deepEqual(
        blocks.slice(1, 5).map(([, a]) => a),
        ['sigmoid', 'sigmoid', 'sigmoid', 'sigmoid'],
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('the Inside lesson has no "Look inside" button of its own', async () => {
    const { page, context } = await openPage(app, `#lesson=inside&${SMALL}`);
    try {
      assert.equal(await page.$('#inside-toggle'), null);
    } finally {
      await context.close();
    }
  });
});
