// The digit lessons on the person's own data (issue 17, item 4): once a table
// or pictures are chosen for the lessons in Your data, Reconstruct and Impute
// train on them (the run's input is the data's width), draw their rows at the
// data's shape, and show numbers the test works out again from the run
// itself; a lesson that cannot take the data says why and trains on the
// digits. Nothing of the data goes into the link.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, readNumber } from './helpers/app.mjs';
import { axeViolations } from './helpers/axe.mjs';
import { openOwnData, trainLesson } from './helpers/own-data.mjs';

/** The run's config and, for its first `n` validation rows, the rows and their reconstructions (the paused run's). */
async function runRows(page, n) {
  return page.evaluate(async (n) => {
    const { client } = window.__playground;
    const { model } = await client.call('config');
    const { images } = await client.validationImages(n);
    const recon = await client.reconstruct(Float32Array.from(images));
    return { model, rows: Array.from(images), recon: Array.from(recon) };
  }, n);
}

const mseOf = (a, b) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length;

/**
 * Waits until the card's error on the chosen row is `expected` (worked out from the paused run: the
 * answer asked for after the pause may still be on its way), and returns it; fails showing both if never.
 */
async function shownError(page, expected) {
  const near = (v) => Math.abs(v - expected) <= 1e-6 * Math.max(1, expected);
  try {
    await page.waitForFunction(
      ({ expected }) => {
        const v = Number(document.querySelector('#pad-error').dataset.mse);
        return Math.abs(v - expected) <= 1e-6 * Math.max(1, expected);
      },
      { expected },
      { timeout: 15_000 },
    );
  } catch {
    const shown = Number(await page.getAttribute('#pad-error', 'data-mse'));
    assert.ok(near(shown), `the card shows ${shown}, the run gives ${expected}`);
  }
  return Number(await page.getAttribute('#pad-error', 'data-mse'));
}

describe('the lessons on your own data', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('a table: Reconstruct and Impute train on its rows; a digits-only lesson says why not', async () => {
    const { page, context, errors } = await openPage(app, '?debug=1#lesson=reconstruct');
    try {
      await openOwnData(page, { kind: 'table' });
      await trainLesson(page, 'reconstruct', 600, { settings: { latent: 2, encoder: [16] } });
      assert.match(
        await page.textContent('#own-data-note'),
        /trains on your data \(clusters\.csv: 400 rows of 6 values, kept in this tab\)/,
      );
      // The link says only that the data is the person's own, never what it is.
      assert.match(page.url(), /&data=own&/);
      assert.doesNotMatch(page.url(), /clusters/, 'your data is not in the link');
      // The settings' shape line counts the table's 6 inputs.
      assert.match(await page.textContent('#shape'), /^6 → 16 → 2 → 16 → 6/);
      assert.match(await page.textContent('.lead'), /each row of your data through a small code/);
      assert.equal(await page.$('#inside-toggle'), null, 'no "Look inside" panel: it draws 28×28 inputs');

      // The card holds the first validation row in place of a drawing; its error is the run's own.
      const { model, rows, recon } = await runRows(page, 1);
      assert.equal(model.input, 6);
      assert.equal(model.output, 'identity', 'standardised columns get a linear output');
      const shown = await shownError(page, mseOf(rows, recon));
      // The line of 5 columns fits in a 2-number code: far below the standardised rows' variance of about 1.
      const val = await readNumber(page, '#stat-val', 'data-value');
      assert.ok(val < 0.2, `validation MSE ${val}`);
      // Rows are drawn as blocks of 3×2 cells, their reconstructions too.
      await page.waitForFunction(() => document.querySelector('#val-grid canvas.recon')?.dataset.painted === 'true');
      const sizes = await page.$$eval('#val-grid canvas', (cs) => cs.slice(0, 2).map((c) => [c.width, c.height]));
      assert.deepEqual(sizes, [
        [3, 2],
        [3, 2],
      ]);
      await page.click('#pad-sample');
      await page.waitForFunction((old) => document.querySelector('#pad-error').dataset.mse !== old, String(shown));
      assert.deepEqual(await axeViolations(page), [], 'axe, Reconstruct on a table');

      // Impute: random holes in the rows, filled from the other columns clearly better than by the column means
      // (the rows drawn apart, 1 in 25, are filled badly by both: they keep the autoencoder's error well above 0).
      await trainLesson(page, 'impute', 600, { settings: { latent: 2, encoder: [16] } });
      // The fill asked for after the pause may still be on its way: wait for it, then show both if it never comes.
      const filledWell = () => {
        const [mean, one] = ['#stat-imp-mean', '#stat-imp-one'].map((id) =>
          Number(document.querySelector(id)?.dataset.value),
        );
        return one > 0 && one < 0.75 * mean;
      };
      await page.waitForFunction(filledWell, null, { timeout: 30_000 }).catch(() => {});
      const mean = await readNumber(page, '#stat-imp-mean', 'data-value');
      const one = await readNumber(page, '#stat-imp-one', 'data-value');
      assert.ok(one < 0.75 * mean, `one pass ${one} against the mean fill ${mean}`);
      assert.match(await page.getAttribute('#mask-pad', 'aria-label'), /row of your data with its missing values/);
      await page.waitForFunction(() => document.querySelector('#imp-test-check').dataset.mean);
      assert.match(await page.textContent('#imp-test-check'), /on 40 test rows/);
      // A centre square needs pictures: the page says so and makes random holes.
      await page.selectOption('#lesson-mask', 'centre');
      await page.waitForFunction(() => /needs pictures/.test(document.querySelector('#mask-note').textContent));
      assert.deepEqual(await axeViolations(page), [], 'axe, Impute on a table');

      // Anomalies: besides the held-out class, every row ranked; the rows drawn apart ("odd") rank first,
      // with the columns where their error is, and every row's score can be downloaded.
      await trainLesson(page, 'anomalies', 400, { settings: { latent: 2, encoder: [16] } });
      await page.click('#data-score');
      // A report from before the pause (an early step's) may be on screen already: wait for one scored after training.
      await page.waitForFunction(
        (n) =>
          Number(document.querySelector('#data-anomaly-note')?.dataset.step) >= n &&
          document.querySelectorAll('#data-top-rows li').length === 5,
        400,
        { timeout: 30_000 },
      );
      const top = await page.$$eval('#data-top-rows li p', (ps) => ps.map((p) => p.textContent));
      assert.match(top[0], /^Row [\d,]+ \(odd\): error [\d.e-]+; largest in [a-f]/, top[0]);
      assert.ok(top.filter((t) => /\(odd\)/.test(t)).length >= 4, top.join(' | '));
      const scores = await page.$$eval('#data-top-rows li', (li) => li.map((l) => Number(l.dataset.score)));
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
        'ranked by score',
      );
      assert.equal(await page.isEnabled('#data-download'), true);
      assert.deepEqual(await axeViolations(page), [], 'axe, Anomalies on a table');

      // Back in Your data, the table can still be read with another label column.
      await page.click('#lesson-nav a[data-lesson="data"]');
      await page.waitForFunction(() => document.body.dataset.lesson === 'data');
      assert.equal(await page.inputValue('#table-label'), 'kind');
      assert.ok((await page.$$('#table-label option')).length >= 8, 'every header column and "none"');

      // Contractive draws digits: it says why it trains on the digits, and it does.
      await page.click('#lesson-nav a[data-lesson="contractive"]');
      await page.waitForFunction(() => document.body.dataset.lesson === 'contractive');
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
      assert.match(
        await page.textContent('#own-data-note'),
        /draws or decodes 28×28 gray digits: it trains on the digits\. Your data \(clusters\.csv, rows of 6 numbers\)/,
      );
      const cfg = await page.evaluate(async () => (await window.__playground.client.call('config')).model);
      assert.equal(cfg.input, 784);

      // Back in Reconstruct, "Use the digits" draws and trains it on the digits again.
      await page.click('#lesson-nav a[data-lesson="reconstruct"]');
      await page.waitForSelector('#own-data-back');
      await page.click('#own-data-back');
      await page.waitForFunction(() =>
        /can stand in for the digits here/.test(document.querySelector('#own-data-note')?.textContent),
      );
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
      const back = await page.evaluate(async () => (await window.__playground.client.call('config')).model);
      assert.equal(back.input, 784);
      assert.equal(await page.getAttribute('#val-grid canvas', 'width'), '28');
      assert.equal(await page.isVisible('#pad-clear'), true);
      assert.equal(await page.isVisible('#inside-toggle'), true);
      assert.match(await page.getAttribute('#pad', 'aria-label'), /Drawing pad/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('colour pictures: Reconstruct draws them at their size; Impute makes its holes in every channel', async () => {
    const { page, context, errors } = await openPage(app, '?debug=1#lesson=reconstruct');
    try {
      const about = await openOwnData(page, { kind: 'images', count: 100, size: '16' });
      assert.match(about, /100 images of 768 values/);
      await trainLesson(page, 'reconstruct', 150, { settings: { latent: 8, encoder: [64] } });
      const { model, rows, recon } = await runRows(page, 1);
      assert.equal(model.input, 768);
      await shownError(page, mseOf(rows, recon));
      assert.equal(await page.getAttribute('#pad', 'width'), '16', 'the chosen picture at its size');
      // 100 pictures keep 10 for validation: the grid's last six places stay blank.
      await page.waitForFunction(() => document.querySelector('#val-grid canvas.recon')?.dataset.painted === 'true');
      const painted = await page.$$eval('#val-grid canvas:not(.recon)', (cs) => cs.map((c) => c.dataset.painted));
      assert.deepEqual(painted, [...Array(10).fill('true'), ...Array(6).fill('false')]);

      await trainLesson(page, 'impute', 150);
      await page.selectOption('#lesson-mask', 'top');
      await page.waitForFunction(() => Number(document.querySelector('#stat-imp-one')?.dataset.value) > 0, null, {
        timeout: 30_000,
      });
      // Colour 16×16 is not square gray: the engine's check cannot make these holes, and says so.
      await page.waitForFunction(() =>
        /square gray pictures only/.test(document.querySelector('#imp-test-check').textContent),
      );
      assert.equal(await page.getAttribute('#mask-pad', 'width'), '16');
      assert.deepEqual(await axeViolations(page), [], 'axe, Impute on colour pictures');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
