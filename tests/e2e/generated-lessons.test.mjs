// The generated sets (Curve in 3-D, Machine sensors) in the digit lessons (issue 17, item 4):
// named in the link with their rows, seed and share (data=sensors&dseed=2…), chosen for every
// lesson in Your data, carried by the menu's links, and left with "Use the digits". Anomalies on
// Machine sensors trains on healthy windows and scores the held-out faulty ones; a lesson that
// cannot take a set says why and trains on the digits; a link naming own data the tab lacks says so.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep, readNumber } from './helpers/app.mjs';
import { axeViolations } from './helpers/axe.mjs';

/** Waits until lesson `id` is on the page and its network is built. */
async function ready(page, id, timeout = 60_000) {
  await page.waitForFunction(
    (lesson) => document.body.dataset.lesson === lesson && !document.querySelector('#play').disabled,
    id,
    { timeout },
  );
}

/** Plays until step `n`, then pauses and waits until the page says so. */
async function trainTo(page, n, timeout = 90_000) {
  await page.click('#play');
  await waitForStep(page, n, timeout);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

/** The input width of the network the settings panel shows (its shape line's first number). */
const inputWidth = async (page) => Number((await page.textContent('#shape')).split('→')[0].replace(/\D/g, ''));

/** How many values a validation row of the run has (the worker's own rows). */
const rowWidth = (page) =>
  page.evaluate(async () => {
    const { images } = await window.__playground.client.validationImages(2);
    return images.length / 2;
  });

describe('Generated data sets in the lessons', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('Machine sensors chosen in Your data: the menu carries it, Reconstruct trains on it, and Use the digits leaves it', async () => {
    const { page, context, errors } = await openPage(app, '?debug=1#lesson=data&data=sensors&rows=1000&dseed=2');
    try {
      await ready(page, 'data');
      assert.equal(await inputWidth(page), 128, "the shape line counts a window's values");
      const button = page.locator('#data-in-lessons');
      await button.waitFor();
      assert.equal(await button.textContent(), 'Use Machine sensors in every lesson');
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      const link = page.locator('#lesson-nav a[data-lesson="reconstruct"]');
      assert.equal(await link.getAttribute('href'), '#lesson=reconstruct', 'off: the links name no data');
      await button.click();
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      assert.equal(await link.getAttribute('href'), '#lesson=reconstruct&data=sensors&rows=1000&dseed=2');
      assert.match(await page.textContent('#data-in-lessons-note'), /On: the lessons that can use it \(Reconstruct,/);

      await link.click();
      await ready(page, 'reconstruct');
      assert.match(page.url(), /#lesson=reconstruct&data=sensors&rows=1000&dseed=2&encoder=/);
      assert.match(
        await page.textContent('#own-data-note'),
        /trains on Machine sensors \(1,000 rows of 128 values, generated in this tab from data seed 2;/,
      );
      assert.equal(await inputWidth(page), 128);
      assert.equal(await rowWidth(page), 128, 'the worker trains on the windows');
      await trainTo(page, 60);
      await page.waitForSelector('#pad-recon[data-painted="true"]');
      await page.waitForFunction(() =>
        /^Error on this row \(MSE\): \d/.test(document.querySelector('#pad-error').textContent),
      );
      // The menu still carries the set, to Anomalies and back to Your data (its button on).
      assert.match(
        await page.getAttribute('#lesson-nav a[data-lesson="anomalies"]', 'href'),
        /data=sensors&rows=1000&dseed=2$/,
      );
      assert.deepEqual(await axeViolations(page), []);

      // Reloaded from the link: the same set, made again from its seed.
      await page.reload();
      // Play is offered while the engine loads (a press then waits for it): wait until the page is booted.
      await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
      await ready(page, 'reconstruct');
      assert.equal(await rowWidth(page), 128);

      await page.click('#own-data-back');
      await page.waitForFunction(() => !/data=/.test(location.hash) && !document.querySelector('#own-data-note'));
      await ready(page, 'reconstruct');
      assert.equal(await inputWidth(page), 784, 'the digits again');
      assert.equal(await rowWidth(page), 784);
      assert.equal(await link.getAttribute('href'), '#lesson=reconstruct');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('Anomalies on Machine sensors: trained on healthy windows, the held-out faults scored with a ROC curve', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=anomalies&data=sensors&rows=2000&faults=0.3');
    try {
      await ready(page, 'anomalies');
      assert.match(await page.textContent('.lead'), /healthy machines only/);
      const options = await page.$$eval('#lesson-exclude option', (os) => os.map((o) => o.textContent));
      assert.deepEqual(options, ['None: the faults are held out already']);
      assert.match(await page.textContent('#lesson-exclude-hint'), /held-out set of 500 windows/);
      assert.equal(await inputWidth(page), 128);
      await trainTo(page, 400);
      // The card also scores by itself, from step 0 on and then every few seconds while training: wait for
      // the score of the step it paused at, not an earlier one (the step-0 score if it trained to 400 sooner).
      const at = Number(await page.getAttribute('#stat-step', 'data-value'));
      await page.click('#data-score');
      await page.waitForFunction(
        (s) =>
          Number(document.querySelector('#data-anomaly-note')?.dataset.step) === s &&
          document.querySelector('#data-auc').dataset.value !== undefined,
        at,
        { timeout: 30_000 },
      );
      const auc = await readNumber(page, '#data-auc', 'data-value');
      assert.ok(auc > 0.75, `the error separates faulty windows from healthy ones: AUC ${auc}`);
      assert.equal(await page.getAttribute('#data-roc', 'data-painted'), 'true');
      assert.match(await page.textContent('#roc-note'), /faults are in the held-out windows scored in the card below/);
      assert.ok((await page.$$('#data-top-rows li')).length > 0, 'the worst windows are listed');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a lesson that cannot take the set says why and trains on the digits; the curve goes where it can', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=features&data=sensors&rows=1000');
    try {
      await ready(page, 'features');
      assert.match(
        await page.textContent('#own-data-note'),
        /This lesson is about labels, and the training rows of Machine sensors are all healthy: it trains on the digits\./,
      );
      assert.equal(await inputWidth(page), 784);
      // Quality metrics needs pictures; Latent space takes the curve, coloured by where on the roll a point is.
      await page.evaluate(() => {
        location.hash = '#lesson=quality&data=curve&rows=1000';
      });
      await ready(page, 'quality');
      assert.match(await page.textContent('#own-data-note'), /This lesson shows pictures, so it needs images/);
      await page.evaluate(() => {
        location.hash = '#lesson=latent&data=curve&rows=1000&latent=2';
      });
      await ready(page, 'latent');
      assert.equal(await inputWidth(page), 3);
      assert.match(await page.textContent('#own-data-note'), /trains on Curve in 3-D \(1,000 rows of 3 values/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a link that names own data the tab lacks says so and trains on the digits', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&data=own');
    try {
      await ready(page, 'reconstruct');
      assert.match(await page.textContent('#own-data-note'), /names your own data, which is not in this tab/);
      assert.equal(await inputWidth(page), 784);
      await page.click('#own-data-back');
      await page.waitForFunction(() => !/data=/.test(location.hash) && !document.querySelector('#own-data-note'));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
