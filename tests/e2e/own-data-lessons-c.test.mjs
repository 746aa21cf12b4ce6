// Quality metrics, Filters, Anomalies and Features on the person's own data
// (issue 17, item 4), opened in Your data and used in every lesson. Colour
// pictures (16×16, two label folders): each picture's scores are taken at its
// own shape and agree with the engine's over the same validation images; the
// filters are 16×16 colour tiles, pixel for pixel the run's weights. A table
// with a label column: Anomalies holds out one of its classes and catches it,
// Features compares the codes on its labels, each number checked against the
// run; Quality and Filters say why they stay on the digits; without labels no
// class can be held out, and the page says so. One page per data kind.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, readNumber, waitForPicture } from './helpers/app.mjs';
import { axeViolations } from './helpers/axe.mjs';
import { chooseFile, clustersCsv, openOwnData, trainLesson } from './helpers/own-data.mjs';

/** Goes to lesson `id` by its menu link and waits until its network is built. */
async function goTo(page, id) {
  await page.click(`#lesson-nav a[data-lesson="${id}"]`);
  await page.waitForFunction(
    (lesson) => document.body.dataset.lesson === lesson && !document.querySelector('#play').disabled,
    id,
    { timeout: 90_000 },
  );
}

/** NumPy's default percentile (linear between the two nearest ranks), as the page's threshold. */
function percentile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (s.length - 1);
  const [lo, hi] = [Math.floor(pos), Math.ceil(pos)];
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

const near = (a, b, tol = 1e-6) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/**
 * The Anomalies lesson after a score, checked against the paused run's own report (asked for again
 * here): the held-out class is `held`, the legend counts its test rows, the threshold is the 99th
 * percentile of the normal validation errors, and the flagged count, AUC, precision and recall follow.
 * -> the report's AUC
 */
async function checkAnomalies(page, { held, name, plural, tested }) {
  await page.click('#score-now');
  const at = await readNumber(page, '#stat-step', 'data-value');
  await page.waitForFunction((s) => Number(document.querySelector('#scored-at').dataset.step) >= s, at, {
    timeout: 30_000,
  });
  await page.waitForFunction(() => document.querySelector('#stat-recall').dataset.value);
  const r = await page.evaluate(async () => {
    const rep = await window.__playground.client.call('anomalyReport');
    const { testScores, testLabels, valScores } = rep;
    return { ...rep, testScores: [...testScores], testLabels: [...testLabels], valScores: [...valScores] };
  });
  assert.equal(r.excluded, held);
  assert.equal(r.testScores.length, tested);
  const isHeld = r.testLabels.map((l) => l === held);
  const nHeld = isHeld.filter(Boolean).length;
  assert.ok(nHeld > 0 && nHeld < tested, `${nHeld} held-out test ${plural}`);
  assert.equal(
    await page.textContent('#hist-legend'),
    `normal ${plural} (${tested - nHeld})held-out “${name}” ${plural} (${nHeld})threshold`,
  );
  const th = percentile(r.valScores, 99);
  assert.ok(near(await readNumber(page, '#stat-threshold', 'data-value'), th), 'the threshold');
  const flagged = r.testScores.filter((s) => s >= th).length;
  const caught = r.testScores.filter((s, i) => s >= th && isHeld[i]).length;
  assert.equal(await readNumber(page, '#stat-flagged', 'data-value'), flagged);
  assert.ok(near(await readNumber(page, '#stat-auc', 'data-value'), r.auc), 'the AUC');
  assert.ok(near(await readNumber(page, '#stat-recall', 'data-value'), caught / nHeld), 'the recall');
  assert.ok(near(await readNumber(page, '#stat-precision', 'data-value'), flagged ? caught / flagged : 1), 'precision');
  assert.match(await page.getAttribute('#stat-recall', 'title'), new RegExp(`^${caught} of ${nHeld} “${name}” `));
  await waitForPicture(page, '#error-hist', { min: 200 });
  await waitForPicture(page, '#roc', { min: 200 });
  assert.match(await page.textContent('#roc-note'), new RegExp(`of the “${name}” ${plural} caught`));
  // The meter holds one validation row in place of a drawing, against the same threshold.
  await page.waitForFunction(() => document.querySelector('#pad-error').dataset.flagged);
  assert.ok(Number(await page.getAttribute('#pad-error', 'data-mse')) > 0);
  assert.match(await page.textContent('#pad-error'), /threshold/);
  return r.auc;
}

/**
 * The Features comparison, checked against the run: the same classifiers trained again here on the
 * paused network (the engine seeds them) give the numbers in the table; each accuracy is a share of the
 * `tested` test rows. -> the rows
 */
async function checkFeatures(page, { raw, dims, latent, tested, trainRows }) {
  await page.click('#run-compare');
  await page.waitForSelector('#compare-status[data-state="done"]', { timeout: 120_000 });
  const shown = await page.$$eval('#features-table tbody tr', (trs) =>
    trs.map((tr) => ({
      features: tr.dataset.features,
      name: tr.querySelector('th').textContent,
      dims: Number(tr.querySelector('td').textContent.replace(/,/g, '')),
      all: Number(tr.querySelector('td.all').dataset.value),
      few: Number(tr.querySelector('td.few').dataset.value),
    })),
  );
  const again = await page.evaluate(() => window.__playground.client.call('compareFeatures', {}));
  assert.deepEqual(
    shown.map((r) => [r.features, r.dims]),
    [
      ['pixels', dims],
      ['pca', latent],
      ['codes', latent],
    ],
  );
  assert.equal(shown[0].name, `Raw ${raw}`);
  shown.forEach((r, i) => {
    assert.ok(near(r.all, again[i].allLabels) && near(r.few, again[i].fewLabels), JSON.stringify([r, again[i]]));
    for (const v of [r.all, r.few]) assert.ok(near(v * tested, Math.round(v * tested)), `${v} of ${tested} rows`);
  });
  const per = again[0].labelsPerClass;
  assert.equal(await page.textContent('#features-table th[data-budget="fewLabels"]'), `${per} labels per class`);
  assert.match(
    await page.textContent('#compare-verdict'),
    new RegExp(`With all ${trainRows} labels: codes \\d+\\.\\d%, ${raw} \\d+\\.\\d%, PCA`),
  );
  await waitForPicture(page, '#features-bars', { min: 200 });
  return shown;
}

describe('Quality, Filters, Anomalies and Features on your own data', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('colour pictures: scores at their own shape, colour filters, a held-out folder caught, features on its labels', async () => {
    const { page, context, errors } = await openPage(app, '?debug=1#lesson=reconstruct');
    try {
      // 60 pictures: 6 validation, 6 test and 48 training ones (worker/data-source.js trainingRows).
      await openOwnData(page, { kind: 'images', count: 60, size: '16' });
      assert.match(
        await page.textContent('#data-image-counts'),
        /colour 16×16, 2 labels from the folders \(bar, round\)/,
      );
      const names = ['bar', 'round'];

      // Quality: every number under a picture is taken at 3×16×16 and agrees with the engine's over the same pictures.
      await trainLesson(page, 'quality', 150);
      assert.match(
        await page.textContent('#own-data-note'),
        /trains on your data \(shapes\.zip: 60 images of 768 values/,
      );
      assert.match(await page.textContent('.lead'), /under each image, and averaged over the 6 validation images/);
      assert.equal(await page.textContent('#tiles-title'), 'Image by image');
      assert.equal(await page.textContent('#summary-title'), 'Over all 6 validation images');
      assert.match(await page.textContent('#summary-title ~ .metric-list'), /Your 16×16 pictures allow only one here/);
      const run = await page.evaluate(async () => {
        const { client } = window.__playground;
        const { images } = await client.validationImages(6);
        const recon = await client.reconstruct(Float32Array.from(images));
        const mse = [];
        for (let k = 0; k < 6; k++) {
          let s = 0;
          for (let i = k * 768; i < (k + 1) * 768; i++) s += (images[i] - recon[i]) ** 2;
          mse.push(s / 768);
        }
        return { mse, q: await client.call('qualityOf', 3, 16, 16) };
      });
      // The refresh asked for at the pause may still be on its way: wait for the paused run's numbers.
      await page.waitForFunction(
        ({ mse, ssim }) =>
          mse.every((m, i) => Math.abs(Number(document.querySelector(`#q-tile-${i}`).dataset.mse) - m) <= 1e-6) &&
          Math.abs(Number(document.querySelector('#stat-q-ssim').dataset.value) - ssim) <= 1e-6,
        { mse: run.mse, ssim: run.q.ssim },
        { timeout: 15_000 },
      );
      const tiles = await page.$$eval('.q-tile:not(#q-tile-pad)', (els) => els.map((el) => ({ ...el.dataset })));
      assert.equal(tiles.length, 6);
      const mean = (key) => tiles.reduce((s, t) => s + Number(t[key]), 0) / tiles.length;
      assert.ok(near(mean('mse'), run.q.mse, 1e-5), `mean tile MSE ${mean('mse')}, engine ${run.q.mse}`);
      assert.ok(near(mean('ssim'), run.q.ssim, 1e-5), `mean tile SSIM ${mean('ssim')}, engine ${run.q.ssim}`);
      assert.ok(
        near(mean('msSsim'), run.q.msSsim, 1e-5),
        `mean tile MS-SSIM ${mean('msSsim')}, engine ${run.q.msSsim}`,
      );
      assert.ok(near(mean('bce'), run.q.bce, 1e-5), `mean tile BCE ${mean('bce')}, engine ${run.q.bce}`);
      for (const t of tiles) {
        assert.ok(near(Number(t.psnr), -10 * Math.log10(Number(t.mse)), 1e-9), 'PSNR is 10·log10(1/MSE)');
        assert.equal(t.msSsim, t.ssim, 'at 16×16 MS-SSIM has one scale: it is SSIM');
        assert.ok(Number(t.ssim) > 0 && Number(t.ssim) <= 1, `SSIM ${t.ssim}`);
      }
      // The card holds the first validation picture in place of a drawing: its scores are tile 1's.
      assert.equal(await page.textContent('#pad-title'), 'One of your images');
      await page.waitForFunction(
        () => document.querySelector('#q-tile-pad').dataset.ssim === document.querySelector('#q-tile-0').dataset.ssim,
      );
      await waitForPicture(page, '#q-tile-0 canvas.recon');
      assert.deepEqual(await page.$eval('#q-tile-0 canvas.recon', (c) => [c.width, c.height]), [16, 16]);
      assert.deepEqual(await axeViolations(page), [], 'axe, quality on pictures');

      // Filters: 64 units as 16×16 colour tiles, each pixel the unit's red, green and blue weights.
      await trainLesson(page, 'filters', 60);
      assert.match(
        await page.textContent('#enc-note'),
        /^768 weights per unit, one 16×16 picture in 3 colours each: all 64 units\. Each pixel shows the unit’s red, green and blue weights/,
      );
      assert.equal(await page.getAttribute('#enc-filters', 'data-units'), '64');
      assert.deepEqual(await page.$eval('#enc-filters', (c) => [c.width, c.height]), [8 * 17 + 1, 8 * 17 + 1]);
      assert.equal(await page.locator('.diverging-scale').count(), 0, 'a two-hue scale does not read colour tiles');
      // Tiles 0 and 9 of both layers against the paused run's weights (the paint asked for at the pause may be on its way).
      let worst = Infinity;
      for (let tries = 0; tries < 30 && worst > 1; tries++) {
        if (tries) await page.waitForTimeout(500);
        worst = await page.evaluate(async () => {
          const f = await window.__playground.client.call('filters');
          const [w, plane, size, cols] = [16, 256, 768, 8];
          let most = 0;
          for (const [id, weights, layout] of [
            ['#enc-filters', f.encoder, 'columns'],
            ['#dec-filters', f.decoder, 'rows'],
          ]) {
            const c = document.querySelector(id);
            const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (const j of [0, 9]) {
              const at = (p) => (layout === 'columns' ? weights[p * f.units + j] : weights[j * size + p]);
              let top = 0;
              for (let p = 0; p < size; p++) top = Math.max(top, Math.abs(at(p)));
              for (let p = 0; p < plane; p++) {
                const x = 1 + (j % cols) * (w + 1) + (p % w);
                const y = 1 + Math.floor(j / cols) * (w + 1) + Math.floor(p / w);
                for (let k = 0; k < 3; k++) {
                  const want = Math.round(255 * (0.5 + (0.5 * at(k * plane + p)) / top));
                  most = Math.max(most, Math.abs(px[(y * c.width + x) * 4 + k] - want));
                }
              }
            }
          }
          return most;
        });
      }
      assert.ok(worst <= 1, `filter pixels differ from the run's weights by up to ${worst}`);
      assert.deepEqual(await axeViolations(page), [], 'axe, filters on pictures');

      // Anomalies: the held-out class is one of the folders; by default not the most common (both have 30: the first is).
      await trainLesson(page, 'anomalies', 250);
      assert.deepEqual(await page.$$eval('#lesson-exclude option', (os) => os.map((o) => [o.value, o.textContent])), [
        ['none', 'None: train on every class'],
        ...names.map((n, i) => [String(i), n]),
      ]);
      const state = await page.evaluate(() => window.__playground.state);
      assert.deepEqual([state.exclude, state.batch, state.latent], ['1', 12, 16], 'a minibatch of a quarter of 48');
      assert.equal(await page.textContent('#hist-title'), 'Error on the 6 test images');
      const auc = await checkAnomalies(page, { held: 1, name: 'round', plural: 'images', tested: 6 });
      assert.ok(auc >= 0.75, `AUC ${auc}: blue bars and red blobs are told apart`);
      assert.deepEqual(await axeViolations(page), [], 'axe, anomalies on pictures');

      // Features: raw pixels, PCA and codes on the folders' labels, scored on the 6 test pictures.
      await trainLesson(page, 'features', 200);
      await checkFeatures(page, { raw: 'pixels', dims: 768, latent: 16, tested: 6, trainRows: 48 });
      assert.deepEqual(await axeViolations(page), [], 'axe, features on pictures');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a table: a held-out class caught and features on its labels; pictures-only lessons say why; no labels, no class to hold out', async () => {
    const { page, context, errors } = await openPage(app, '?debug=1#lesson=reconstruct');
    try {
      // 400 rows: 40 validation, 40 test, 320 training; 6 numeric columns; "odd" rows (1 in 25) drawn apart.
      await openOwnData(page, { kind: 'table' });
      const names = /2 classes \(([^)]*)\)/.exec(await page.textContent('#data-classes'))[1].split(', ');
      assert.deepEqual([...names].sort(), ['odd', 'usual']);

      for (const id of ['quality', 'filters']) {
        await goTo(page, id);
        assert.match(
          await page.textContent('#own-data-note'),
          /^This lesson shows pictures, so it needs images: it trains on the digits\. Your data \(clusters\.csv, rows of 6 numbers\)/,
        );
      }
      // Filters on the digits: 28×28 tiles of 784 weights, on the two-hue scale.
      await page.waitForFunction(() =>
        /^784 weights per unit, one tile each/.test(document.querySelector('#enc-note').textContent),
      );
      assert.equal(await page.locator('.diverging-scale').count(), 2, 'the digits keep their scale');

      // Anomalies: the classes are the table's labels; the rarer "odd" is held out (not the most common class).
      await trainLesson(page, 'anomalies', 400);
      assert.match(
        await page.textContent('#own-data-note'),
        /trains on your data \(clusters\.csv: 400 rows of 6 values/,
      );
      assert.deepEqual(await page.$$eval('#lesson-exclude option', (os) => os.map((o) => [o.value, o.textContent])), [
        ['none', 'None: train on every class'],
        ...names.map((n, i) => [String(i), n]),
      ]);
      const held = names.indexOf('odd');
      const state = await page.evaluate(() => window.__playground.state);
      assert.deepEqual([state.exclude, state.latent], [String(held), 3], 'a code smaller than a row of 6');
      assert.match(await page.textContent('#lesson-exclude-hint'), /never sees rows of class “odd” while training/);
      assert.equal(await page.textContent('#hist-title'), 'Error on the 40 test rows');
      const auc = await checkAnomalies(page, { held, name: 'odd', plural: 'rows', tested: 40 });
      assert.ok(auc > 0.8, `AUC ${auc}: rows off the line are rebuilt badly`);
      assert.deepEqual(await axeViolations(page), [], 'axe, anomalies on a table');

      // Features: the 6 raw values, 3 PCA components and 3 codes on the table's two classes.
      await trainLesson(page, 'features', 300);
      await checkFeatures(page, { raw: 'values', dims: 6, latent: 3, tested: 40, trainRows: 320 });
      assert.deepEqual(await axeViolations(page), [], 'axe, features on a table');

      // Without a label column nothing says which rows are which: nothing can be held out, and the page says so.
      await page.click('#lesson-nav a[data-lesson="data"]');
      await page.waitForFunction(() => document.body.dataset.lesson === 'data');
      // The table again, this time with no column read as the label.
      await chooseFile(page, '#table-file', 'clusters.csv', clustersCsv());
      await page.waitForFunction(
        () =>
          document.querySelector('#table-label').options.length > 0 &&
          !document.querySelector('#data-classes') &&
          /400 rows read/.test(document.querySelector('#data-message').textContent),
        null,
        { timeout: 30_000 },
      );
      await trainLesson(page, 'anomalies', 100);
      assert.match(
        await page.textContent('#own-data-note'),
        /trains on your data \(clusters\.csv: 400 rows of 6 values/,
      );
      assert.deepEqual(await page.$$eval('#lesson-exclude option', (os) => os.map((o) => [o.value, o.textContent])), [
        ['none', 'None (your data has no labels)'],
      ]);
      assert.match(await page.textContent('#lesson-exclude-hint'), /no labels, so no class can be held out/);
      const { train } = await page.evaluate(() => window.__playground.client.call('config'));
      assert.equal(train.excludeClass, null);
      await page.click('#score-now');
      await page.waitForFunction(() => Number(document.querySelector('#scored-at').dataset.step) >= 100, null, {
        timeout: 30_000,
      });
      assert.equal(await page.textContent('#hist-legend'), 'all test rows (40)threshold');
      assert.match(await page.textContent('#roc-note'), /no labels, so no class can be held out .*no ROC curve/);
      assert.equal(await page.isHidden('#roc'), true);
      assert.ok((await readNumber(page, '#stat-flagged', 'data-value')) >= 0);
      assert.deepEqual(await axeViolations(page), [], 'axe, anomalies without labels');
      await goTo(page, 'features');
      assert.match(await page.textContent('#own-data-note'), /^This lesson is about labels, and your data has none/);
      // The link says only that the data is the person's own, never what it is.
      assert.match(page.url(), /&data=own&/);
      assert.doesNotMatch(page.url(), /clusters/, 'your data is not in the link');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
