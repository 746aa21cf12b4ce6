// Settings live in the URL hash: a change shows up there, a reload restores it,
// a garbage or out-of-range hash falls back to defaults with a visible notice,
// and settings the Trainer refuses are explained next to the controls.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage } from './helpers/app.mjs';

const hashOf = (page) => decodeURIComponent(new URL(page.url()).hash);

describe('settings in the URL', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('a changed setting goes into the hash and survives a reload', async () => {
    const { page, context, errors } = await openPage(app);
    try {
      await page.selectOption('#act', 'tanh');
      await page.waitForFunction(() => location.hash.includes('act=tanh'));
      await page.fill('#latent', '8');
      await page.press('#latent', 'Tab');
      await page.waitForFunction(() => location.hash.includes('latent=8'));
      await page.fill('#encoder', '128 64');
      await page.press('#encoder', 'Enter');
      await page.waitForFunction(() => location.hash.includes('encoder=128,64'));
      assert.equal(await page.inputValue('#encoder'), '128,64', 'the field shows the normalised value');
      await page.click('#new-seed');
      await page.waitForFunction(() => !/seed=1(&|$)/.test(location.hash));
      const seed = /seed=(\d+)/.exec(hashOf(page))[1];
      // The rebuilt trainer is ready to train.
      await page.waitForFunction(() => !document.querySelector('#play').disabled);

      await page.reload();
      await page.waitForSelector('body[data-state="ready"]');
      assert.equal(await page.inputValue('#act'), 'tanh');
      assert.equal(await page.inputValue('#latent'), '8');
      assert.equal(await page.inputValue('#encoder'), '128,64');
      assert.equal(await page.inputValue('#seed'), seed);
      assert.match(await page.textContent('#shape'), /784 → 128 → 64 → 8 → 64 → 128 → 784/);
      assert.equal(await page.isHidden('#notice'), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a link with unusual but valid values (lr=0.005, batch=100) is honoured', async () => {
    const { page, context, errors } = await openPage(
      app,
      '#lesson=reconstruct&lr=0.005&batch=100&loss=bce&opt=momentum&scale=log',
    );
    try {
      assert.equal(await page.inputValue('#lr'), '0.005');
      assert.equal(await page.inputValue('#batch'), '100');
      assert.equal(await page.inputValue('#loss'), 'bce');
      assert.equal(await page.inputValue('#opt'), 'momentum');
      assert.equal(await page.isChecked('#log-scale'), true);
      assert.equal(await page.isEnabled('#play'), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a garbage hash shows a notice and the defaults, and nothing from it becomes markup', async () => {
    const hash = '#%%%<img src=x onerror=alert(1)>&latent=9999&act=<b>bold</b>&lr=NaN';
    const { page, context, errors } = await openPage(app, hash);
    try {
      const notice = page.locator('#notice');
      assert.equal(await notice.isVisible(), true);
      assert.equal(await notice.getAttribute('role'), 'status');
      const text = await notice.textContent();
      assert.match(text, /Latent size/);
      assert.match(text, /<b>bold<\/b>/, 'untrusted text is shown as text');
      assert.equal(await page.locator('#notice b, #notice img').count(), 0, 'and never parsed as HTML');
      assert.equal(await page.inputValue('#latent'), '32');
      assert.equal(await page.inputValue('#act'), 'relu');
      assert.equal(await page.inputValue('#lr'), '0.002');
      assert.equal(await page.isEnabled('#play'), true, 'the defaults train');
      assert.match(
        page.url(),
        /#lesson=reconstruct&encoder=256,64&latent=32&act=relu&loss=mse&opt=adam&lr=0.002&batch=64&seed=1/,
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('editing the hash by hand applies it', async () => {
    const { page, context } = await openPage(app);
    try {
      await page.evaluate(() => {
        location.hash = '#lesson=reconstruct&latent=4&act=sigmoid';
      });
      await page.waitForFunction(() => document.querySelector('#latent').value === '4');
      assert.equal(await page.inputValue('#act'), 'sigmoid');
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
    } finally {
      await context.close();
    }
  });

  it('a value the form cannot read is explained next to its field and not applied', async () => {
    const { page, context } = await openPage(app);
    try {
      const before = page.url();
      await page.fill('#encoder', 'big');
      await page.press('#encoder', 'Tab');
      await page.waitForFunction(() => document.querySelector('#encoder-error').textContent.length > 0);
      assert.equal(await page.getAttribute('#encoder', 'aria-invalid'), 'true');
      assert.equal(await page.inputValue('#encoder'), 'big', 'the typed value is kept');
      assert.equal(page.url(), before);
    } finally {
      await context.close();
    }
  });

  it('settings the Trainer refuses show its message by the controls and keep the values', async () => {
    const { page, context, errors } = await openPage(app);
    try {
      await page.fill('#encoder', '4096,4096,4096');
      await page.press('#encoder', 'Tab');
      const error = page.locator('#config-error');
      await error.waitFor({ state: 'visible' });
      assert.match(await error.textContent(), /parameters/);
      assert.equal(await page.inputValue('#encoder'), '4096,4096,4096');
      assert.equal(await page.isDisabled('#play'), true);
      assert.match(page.url(), /encoder=4096,4096,4096/);

      // Fixing it brings the trainer back.
      await page.fill('#encoder', '256');
      await page.press('#encoder', 'Tab');
      await error.waitFor({ state: 'hidden' });
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
