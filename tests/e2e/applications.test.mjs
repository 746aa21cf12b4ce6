// "Autoencoders at work": the anomalies, features, impute and recommend
// lessons, each opened from its own URL with a small network. Each one runs
// on the live model (or, for recommend, its own worker) and shows its honest
// number against a simple baseline.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, readNumber, waitForPicture, drawSeven, waitForStep } from './helpers/app.mjs';

/** Opens a lesson and checks that it is the one mounted, with its link read without complaint. */
async function openLesson(app, id, hash) {
  const opened = await openPage(app, `#lesson=${id}&${hash}`);
  const { page } = opened;
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  assert.equal(await page.getAttribute('body', 'data-lesson'), id);
  assert.equal(await page.isHidden('#notice'), true, 'the link is read without complaint');
  return opened;
}

/** Plays the page's trainer until step n, then pauses. */
async function trainTo(page, n) {
  await page.click('#play');
  await waitForStep(page, n, 30_000);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

const dataValue = (page, sel) => readNumber(page, sel, 'data-value');

describe('the applications lessons', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('anomalies: a held-out 2 shows up in the error histogram, with precision, recall, ROC and AUC, and the pad is a meter', async () => {
    const { page, context, errors } = await openLesson(app, 'anomalies', 'exclude=2&encoder=64&latent=16');
    try {
      assert.match(page.url(), /#lesson=anomalies&exclude=2&pct=99&/);
      await trainTo(page, 300);
      await page.click('#score-now');
      await page.waitForFunction(() => Number(document.querySelector('#scored-at').dataset.step) >= 300);
      await waitForPicture(page, '#error-hist', { min: 500 });
      await waitForPicture(page, '#roc', { min: 500 });
      assert.match(await page.textContent('#hist-legend'), /normal digits \(\d+\).*held-out 2s \(\d+\)/);
      const auc = await dataValue(page, '#stat-auc');
      assert.ok(auc > 0.7 && auc <= 1, `AUC ${auc}: twos are the clearest anomaly`);
      await page.waitForFunction(() => document.querySelector('#stat-recall').dataset.value);
      const before = {
        recall: await dataValue(page, '#stat-recall'),
        flagged: await dataValue(page, '#stat-flagged'),
        th: await dataValue(page, '#stat-threshold'),
      };
      assert.ok(before.recall > 0 && before.recall <= 1, `recall ${before.recall}`);
      assert.ok((await dataValue(page, '#stat-precision')) > 0);

      // A lower threshold: the URL keeps it, more digits are flagged, recall cannot fall; the network is kept.
      const step = await dataValue(page, '#stat-step');
      await page.focus('#lesson-pct');
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
      await page.waitForFunction(() => location.hash.includes('pct=94'));
      await page.waitForFunction(
        (th) => Number(document.querySelector('#stat-threshold').dataset.value) < th,
        before.th,
      );
      await page.waitForFunction(
        (r) => Number(document.querySelector('#stat-recall').dataset.value) > r,
        before.recall,
      );
      assert.ok((await dataValue(page, '#stat-flagged')) > before.flagged);
      assert.equal(await dataValue(page, '#stat-step'), step, 'the slider does not rebuild the network');

      // The pad: a drawing gets an error and a verdict against the threshold.
      await drawSeven(page);
      await waitForPicture(page, '#pad-recon');
      await page.waitForFunction(() => document.querySelector('#pad-error').dataset.flagged);
      assert.ok(Number(await page.getAttribute('#pad-error', 'data-mse')) > 0);
      assert.match(await page.textContent('#pad-error'), /threshold/);
      assert.equal(await page.isVisible('#anomaly-meter'), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('features: after some training, the comparison fills a table and a chart with three rows of accuracies', async () => {
    const { page, context, errors } = await openLesson(app, 'features', 'encoder=64&latent=8');
    try {
      assert.equal(await page.isDisabled('#run-compare'), true, 'not offered on an untrained network');
      assert.match(await page.textContent('#compare-status'), /at least 200 steps/);
      await trainTo(page, 200);
      assert.equal(await page.isEnabled('#run-compare'), true);
      await page.click('#run-compare');
      await page.waitForSelector('#compare-status[data-state="done"]', { timeout: 30_000 });
      const rows = await page.$$eval('#features-table tbody tr', (trs) =>
        trs.map((tr) => ({
          features: tr.dataset.features,
          all: Number(tr.querySelector('td.all').dataset.value),
          few: Number(tr.querySelector('td.few').dataset.value),
        })),
      );
      assert.deepEqual(
        rows.map((r) => r.features),
        ['pixels', 'pca', 'codes'],
      );
      for (const r of rows) {
        assert.ok(r.all > 0.1 && r.all <= 1 && r.few > 0.1 && r.few <= 1, JSON.stringify(r));
      }
      await waitForPicture(page, '#features-bars', { min: 500 });
      assert.match(await page.textContent('#compare-verdict'), /With 100 labels: codes \d+\.\d%.*8 codes are/s);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('impute: holes filled in one pass and five, scored on the missing pixels against the mean; your own holes; a denoising model', async () => {
    const { page, context, errors } = await openLesson(app, 'impute', 'mask=random&rate=0.5&encoder=64&latent=8');
    try {
      await waitForPicture(page, '#imp-holes canvas:nth-child(1)');
      await waitForPicture(page, '#mask-pad');
      await trainTo(page, 150);
      await waitForPicture(page, '#imp-iter canvas:nth-child(1)');
      await waitForPicture(page, '#pad-one');
      await page.waitForFunction(() => document.querySelector('#stat-imp-iter').dataset.value);
      const mean = await dataValue(page, '#stat-imp-mean');
      for (const id of ['#stat-imp-mean', '#stat-imp-one', '#stat-imp-iter'])
        assert.ok((await dataValue(page, id)) > 0, id);
      // Scattered holes: even a briefly trained network beats the mean image (src/analysis/impute.rs).
      // The scores refresh as training goes on; after a few hundred steps they must get there.
      await trainTo(page, 400);
      const beats = await page
        .waitForFunction(
          () => {
            const v = (id) => Number(document.querySelector(id).dataset.value);
            return v('#stat-imp-iter') < 0.8 * v('#stat-imp-mean');
          },
          null,
          { timeout: 30_000 },
        )
        .then(
          () => true,
          () => false,
        );
      const iter = await dataValue(page, '#stat-imp-iter');
      assert.ok(beats, `5 passes ${iter} vs mean ${await dataValue(page, '#stat-imp-mean')}`);
      assert.match(await page.textContent('#imp-verdict'), /One pass: .*mean image\. 5 passes: .*mean image\./);
      await page.waitForFunction(() => Number(document.querySelector('#imp-test-check').dataset.mean) > 0);

      // Erasing on the pad makes the holes your own: the link says so and the scores change.
      const pad = await page.locator('#mask-pad').boundingBox();
      await page.mouse.move(pad.x + pad.width * 0.1, pad.y + pad.height * 0.1);
      await page.mouse.down();
      await page.mouse.move(pad.x + pad.width * 0.9, pad.y + pad.height * 0.1, { steps: 10 });
      await page.mouse.up();
      await page.waitForFunction(() => location.hash.includes('mask=erase'));
      await page.waitForFunction((m) => Number(document.querySelector('#stat-imp-mean').dataset.value) !== m, mean);

      // The denoising button retrains this lesson's model with block noise.
      await page.click('#train-block');
      await page.waitForFunction(() => location.hash.includes('noise=block'));
      await page.waitForSelector('#train-plain');
      assert.match(await page.textContent('#imp-model-note'), /denoising autoencoder, trained with block noise/);
      assert.equal(await dataValue(page, '#stat-step'), 0, 'a new network');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('recommend: AutoRec trains in its own worker and beats the item-mean baseline; the matrix and recommendations are shown', async () => {
    const { page, context, errors } = await openLesson(app, 'recommend', 'hidden=32');
    try {
      await page.waitForFunction(() => !document.querySelector('#rec-play').disabled);
      assert.ok((await dataValue(page, '#stat-ratings')) > 1000);
      await page.click('#rec-play');
      await page.waitForFunction(() => Number(document.querySelector('#stat-rec-step').dataset.value) >= 400, null, {
        timeout: 30_000,
      });
      await page.click('#rec-play');
      await page.waitForFunction(() => document.querySelector('#rec-play').textContent === 'Train');
      const rmse = await dataValue(page, '#stat-rec-rmse');
      const itemMean = await dataValue(page, '#stat-item-rmse');
      assert.ok(rmse < itemMean, `AutoRec ${rmse} vs item mean ${itemMean}`);
      assert.ok(itemMean < (await dataValue(page, '#stat-global-rmse')));
      assert.equal(await page.getAttribute('#rec-verdict', 'data-beats'), 'true');
      assert.ok(Number(await page.getAttribute('#rmse-chart', 'data-points')) > 5);

      await page.waitForFunction(
        () => /500 users across/.test(document.querySelector('#map-status').textContent),
        null,
        { timeout: 20_000 },
      );
      await waitForPicture(page, '#ratings-map', { min: 2000 });
      await page.waitForFunction(() => document.querySelectorAll('#rec-users .rec-user tbody tr').length === 15);
      const predicted = await page.$$eval('#rec-users td[data-value]', (tds) =>
        tds.map((td) => Number(td.dataset.value)),
      );
      assert.ok(
        predicted.every((v) => v >= 1 && v <= 5),
        predicted.join(),
      );

      // The page's Play trains the recommender too, and its Pause stops it.
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#rec-play').textContent === 'Pause');
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#rec-play').textContent === 'Train');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
