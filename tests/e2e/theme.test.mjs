// One theme signal, one palette per theme: after some training, switching to
// the projector theme (P) or to the system's dark mode repaints every canvas
// on the page (digit tiles, the draw pad's ink, the scatter, the histogram and
// ROC, the line charts) in the new palette, with no training step in between.
// And in the projector theme no readout's value or label is cut off, at
// 1280×720 or at 1920×1080.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep, drawSeven, skipInFirefox } from './helpers/app.mjs';

/** Plays until step n, then pauses and waits until the page says so. */
async function trainTo(page, n) {
  await page.click('#play');
  await waitForStep(page, n, 30_000);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

/**
 * Every visible canvas as it is seen: its pixels over its own background colour (a picture with
 * nothing to show yet is an empty canvas on the paper colour, draw/images.js paintBlank), keyed by
 * the nearest element with an id and the canvas's place under it (a chart that rebuilds its canvas
 * on a theme change keeps its key).
 * -> { key: { data: dataURL + background, corner: [r, g, b], mean: [r, g, b] (alpha-weighted), digit: boolean } }
 */
const canvases = (page) =>
  page.evaluate(() => {
    const out = {};
    for (const c of document.querySelectorAll('canvas')) {
      if (!c.offsetParent || !c.clientWidth || !c.width || !c.height) continue;
      const owner = c.id ? c : c.parentElement.closest('[id]');
      const key = `${owner.id}/${[...owner.querySelectorAll('canvas')].indexOf(c)}`;
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const bg = getComputedStyle(c).backgroundColor;
      const [r, g, b, a = 1] = bg.match(/[\d.]+/g).map(Number);
      const under = [r * a, g * a, b * a]; // on a transparent background: as the alpha-weighted mean counts it
      const seen = (i, j) => (data[i + j] * data[i + 3]) / 255 + (under[j] * (255 - data[i + 3])) / 255;
      const mean = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let j = 0; j < 3; j++) mean[j] += seen(i, j);
      out[key] = {
        data: `${c.toDataURL()} on ${bg}`,
        corner: [0, 1, 2].map((j) => Math.round(seen(0, j))),
        mean: mean.map((m) => m / (data.length / 4)),
        digit: c.classList.contains('digit-canvas'),
      };
    }
    return out;
  });

/**
 * The canvases once nothing has repainted them for 4 s: longer than the slowest paced refresh
 * (3 s), so a refresh asked for by the pause has landed before a theme is switched.
 */
async function settled(page) {
  let before = await canvases(page);
  let still = 0;
  for (let i = 0; i < 30 && still < 4; i++) {
    await page.waitForTimeout(1000);
    const now = await canvases(page);
    still = JSON.stringify(now) === JSON.stringify(before) ? still + 1 : 0;
    before = now;
  }
  if (still < 4) throw new Error('the canvases kept changing while paused');
  return before;
}

/** The theme's digit paper as [r, g, b], read from its CSS variable. */
const digitPaper = (page) =>
  page.evaluate(() => {
    const probe = document.createElement('div');
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue('--digit-paper');
    document.body.append(probe);
    const rgb = getComputedStyle(probe).color.match(/\d+/g).slice(0, 3).map(Number);
    probe.remove();
    return rgb;
  });

/** Every canvas of `before` is on the page after the switch, with other pixels; digit tiles stand on the new paper. */
async function assertRepainted(page, before, theme) {
  const after = await settled(page);
  const paper = await digitPaper(page);
  const unchanged = Object.keys(before).filter((k) => !after[k] || after[k].data === before[k].data);
  assert.deepEqual(unchanged, [], `${theme}: every canvas repaints (of ${Object.keys(before).length})`);
  for (const [key, c] of Object.entries(after)) {
    if (!c.digit) continue;
    const off = c.corner.reduce((s, v, i) => s + Math.abs(v - paper[i]), 0);
    assert.ok(off <= 40, `${theme}: ${key} stands on the theme's paper ${paper} (its corner is ${c.corner})`);
  }
  return after;
}

/** Readout values or labels that are cut off (or stick out of their row of readouts). */
const cutStats = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.stat dt, .stat dd')]
      .filter((el) => el.offsetParent)
      .filter((el) => {
        const box = el.closest('.stat').getBoundingClientRect();
        const row = el.closest('dl').getBoundingClientRect();
        return el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight + 1 || box.right > row.right + 1;
      })
      .map((el) => `${el.closest('.stat').querySelector('dd').id}: "${el.textContent}"`),
  );

describe('one theme signal, one palette per theme', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  /** A lesson trained a little, paused, with a drawing on its pad, and its canvases in the light theme. */
  async function trained(id, hash) {
    const opened = await openPage(app, `#lesson=${id}&${hash}`);
    const { page } = opened;
    await trainTo(page, 150);
    await drawSeven(page); // the pad's ink is a picture too
    await page.locator('#lesson').focus();
    const light = await settled(page);
    assert.ok(Object.keys(light).length >= 5, `canvases on the page: ${Object.keys(light)}`);
    return { ...opened, light };
  }

  for (const [id, hash] of [
    ['latent', 'encoder=64&latent=2'],
    ['anomalies', 'exclude=2&encoder=64&latent=16'],
    ['quality', 'encoder=64&latent=8'],
  ]) {
    it(`${id}: P repaints every canvas in the projector palette, and P again brings the light one back`, async () => {
      const { page, context, errors, light } = await trained(id, hash);
      try {
        await page.keyboard.press('p');
        assert.equal(await page.getAttribute('html', 'data-present'), 'true');
        await assertRepainted(page, light, 'projector');

        await page.keyboard.press('p');
        const back = await settled(page);
        // (Within a level or two: ink retinted twice over anti-aliased edges is not always the same to the byte.)
        const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 2);
        const stillProjector = Object.keys(light).filter((k) => !back[k] || !near(back[k].mean, light[k].mean));
        assert.deepEqual(stillProjector, [], 'P again: back to the light palette');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    it(`${id}: the system's dark mode repaints every canvas in the dark palette; the projector keeps its own`, {
      skip: skipInFirefox('WebDriver BiDi cannot change the colour scheme of an open page'),
    }, async () => {
      const { page, context, errors, light } = await trained(id, hash);
      try {
        await page.emulateMedia({ colorScheme: 'dark' });
        const dark = await assertRepainted(page, light, 'dark');

        await page.keyboard.press('p');
        const projector = await settled(page);
        const digitTiles = Object.keys(dark).filter((k) => dark[k].digit);
        assert.ok(digitTiles.length > 0);
        for (const k of digitTiles) assert.notEqual(projector[k].data, dark[k].data, `${k}: projector ≠ dark`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    it(`projector at ${viewport.width}×${viewport.height}: no readout's value or label is cut off`, async () => {
      for (const [id, hash] of [
        ['reconstruct', 'encoder=64&latent=8'],
        ['denoise', 'encoder=64&latent=8'],
        ['sparse', 'encoder=64&latent=8'],
        ['generate', 'encoder=64&latent=2'],
        ['compare-pca', 'encoder=64&latent=8'],
        ['anomalies', 'encoder=64&latent=16'],
        ['impute', 'encoder=64&latent=8'],
      ]) {
        const { page, context, errors } = await openPage(app, `?present=1#lesson=${id}&${hash}`, { viewport });
        try {
          await trainTo(page, 200); // long enough for every readout to hold a number (validation loss included)
          assert.deepEqual(await cutStats(page), [], `${id}: readouts cut off`);
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      }
    });
  }
});
