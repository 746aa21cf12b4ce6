// Model files through Load model…: a saved model shows where it left off (its
// step, epoch and validation loss, in the readout, straight after the load, in
// the same lesson or after switching to the one built for it); a file that is
// not a model says what it is and what was expected, one sentence, then "The
// model you had is unchanged.", and the model stays.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep } from './helpers/app.mjs';

const SMALL = 'encoder=64&latent=8&batch=64';
/** A 1×1 PNG, as an image editor writes it. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Plays to at least `n` steps and pauses. */
async function trainTo(page, n) {
  await page.click('#play');
  await waitForStep(page, n, 30_000);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

/** Chooses a file in Load model… (the hidden file input) and waits for the banner about it. -> { title, text } */
async function loadFile(page, name, buffer, kind) {
  await page.setInputFiles('#load-file', { name, mimeType: 'application/octet-stream', buffer });
  await page.waitForFunction(
    ([n, k]) => {
      const b = document.querySelector('#banner');
      return b?.dataset.kind === k && !b.hidden && b.textContent.includes(n);
    },
    [name, kind],
    { timeout: 30_000 },
  );
  return { title: await page.textContent('#banner .banner-title'), text: await page.textContent('#banner p + p') };
}

/** The readout's numbers: { step, epoch, val } (NaN where it shows a dash). */
const readout = (page) =>
  page.evaluate(() => {
    const value = (id) => Number(document.getElementById(id).dataset.value ?? NaN);
    return { step: value('stat-step'), epoch: value('stat-epoch'), val: value('stat-val') };
  });

/** The same file with the validation loss taken out of its summary (blanked in place, so every offset stays). */
function withoutValLoss(bytes) {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = bytes.subarray(8, 8 + n).toString('latin1');
  const blanked = header.replace(/\\"valLoss\\":[^,}]*,/, (m) => ' '.repeat(m.length));
  assert.notEqual(blanked, header, 'the summary had a validation loss to take out');
  return Buffer.concat([bytes.subarray(0, 8), Buffer.from(blanked, 'latin1'), bytes.subarray(8 + n)]);
}

describe('model files', () => {
  let app;
  let saved; // { bytes: Buffer, step, epoch } of a model trained for 150 steps
  before(async () => {
    app = await startApp();
    const { page, context } = await openPage(app, `?debug=1#lesson=reconstruct&${SMALL}&seed=5`);
    try {
      await trainTo(page, 150);
      const { step, epoch } = await readout(page);
      const bytes = await page.evaluate(async () => Array.from((await window.__playground.client.saveAll()).main));
      saved = { bytes: Buffer.from(bytes), step, epoch };
    } finally {
      await context.close();
    }
  });
  after(async () => {
    await app?.close();
  });

  it('a loaded model shows its step, epoch and validation loss at once, and trains on from there', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=32&latent=4&seed=9');
    try {
      assert.deepEqual(await readout(page), { step: 0, epoch: NaN, val: NaN }, 'a new network');
      const { text } = await loadFile(page, 'trained.safetensors', saved.bytes, 'info');
      assert.match(text, new RegExp(`trained for ${saved.step} steps`));
      const shown = await readout(page);
      assert.equal(shown.step, saved.step, 'the Step readout shows the saved step');
      assert.equal(shown.epoch, saved.epoch);
      assert.ok(Number.isFinite(shown.val) && shown.val > 0, `Val. loss is a number: ${shown.val}`);
      assert.notEqual(await page.textContent('#stat-val'), '–');
      await page.click('#step');
      await page.waitForFunction(
        (s) => Number(document.querySelector('#stat-step').dataset.value) === s + 1,
        saved.step,
      );
      assert.equal((await readout(page)).val, shown.val, 'the validation loss stays shown');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a file without a validation loss, loaded into another lesson: the loss is evaluated', async () => {
    // Denoise trains another kind of model, so the page moves to Reconstruct for this file.
    const { page, context, errors } = await openPage(app, '#lesson=denoise');
    try {
      await loadFile(page, 'no-val-loss.safetensors', withoutValLoss(saved.bytes), 'info');
      assert.match(page.url(), /lesson=reconstruct/);
      const shown = await readout(page);
      assert.equal(shown.step, saved.step);
      assert.equal(shown.epoch, saved.epoch);
      assert.ok(Number.isFinite(shown.val) && shown.val > 0, `Val. loss is a number: ${shown.val}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a file that is not a model says what it is and what was expected; the model stays', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=reconstruct&${SMALL}`);
    try {
      await trainTo(page, 30);
      const before = await readout(page);
      const url = page.url();
      const cases = [
        ['digit.png', PNG, /This is a PNG image, not a model file saved by the playground \(\.safetensors\)\./],
        [
          'cut.safetensors',
          saved.bytes.subarray(0, saved.bytes.length >> 1),
          /The file ends early: it may have been cut off while downloading \(it holds [\d,]+ bytes of at least [\d,]+\)\./,
        ],
        [
          'settings.json',
          Buffer.from(JSON.stringify({ model: { latent: 8 } }, null, 2)),
          /This is a JSON file, not a model file saved by the playground \(\.safetensors\)\./,
        ],
        ['empty.safetensors', Buffer.alloc(0), /The file is empty \(0 bytes\)/],
      ];
      for (const [name, bytes, says] of cases) {
        const { title, text } = await loadFile(page, name, bytes, 'load-error');
        assert.equal(title, `${name} could not be loaded`);
        assert.match(text, says, name);
        assert.match(text, /\. The model you had is unchanged\.$/, `${name}: one full stop, then the reassurance`);
        assert.doesNotMatch(text, /\.\.|header too large|EOF while parsing|invalid type/, name);
        assert.deepEqual(await readout(page), before, `${name}: the readout is the model's still`);
        assert.equal(page.url(), url, `${name}: the settings did not change`);
      }
      await page.click('#step');
      await page.waitForFunction(
        (s) => Number(document.querySelector('#stat-step').dataset.value) === s + 1,
        before.step,
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
