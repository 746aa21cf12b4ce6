// The lesson navigation and per-lesson settings in the URL: the nav lists the
// registered lessons and works by keyboard, switching a lesson swaps it in
// place (and Back returns), and a lesson's own setting round-trips through the
// hash, a reload and a hand-made link.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep } from './helpers/app.mjs';
import { LESSONS } from '../../www/lessons/index.js';

const ready = (id) => `body[data-lesson="${id}"][data-state="ready"]`;

describe('lesson navigation and lesson settings', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('the nav lists the lessons and works by keyboard; Back returns to the previous lesson', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=64&latent=8');
    try {
      const titles = await page.$$eval('#lesson-nav a', (as) => as.map((a) => a.textContent));
      assert.deepEqual(
        titles,
        LESSONS.map((l) => l.title),
        'the nav lists the registry, in order',
      );
      assert.equal(titles[0], 'Reconstruct');
      assert.equal(await page.getAttribute('#lesson-nav', 'aria-label'), 'Lessons');
      assert.deepEqual(
        await page.$$eval('#lesson-nav a[aria-current="page"]', (as) => as.map((a) => a.dataset.lesson)),
        ['reconstruct'],
      );

      // Tab from the top of the page: the skip link, then the first lesson link.
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
      const url = page.url();
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'lesson', 'the skip link focuses the lesson');
      assert.equal(page.url(), url, '... and leaves the settings in the hash alone');
      await page.focus('.skip-link');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.lesson), 'reconstruct');
      // Arrow keys move along the nav; Enter follows the link.
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.lesson), 'denoise');
      await page.keyboard.press('End');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.lesson), LESSONS.at(-1).id);
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.lesson), 'reconstruct', 'wraps around');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.lesson), LESSONS.at(-1).id, 'and back');
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.lesson), 'sparse');
      await page.keyboard.press('Enter');

      await page.waitForSelector(ready('sparse'));
      assert.match(
        page.url(),
        /#lesson=sparse&kind=l1&weight=0.001&target=0.05&encoder=256&latent=64/,
        'the lesson opens with its own defaults, spelled out',
      );
      assert.deepEqual(
        await page.$$eval('#lesson-nav a[aria-current="page"]', (as) => as.map((a) => a.dataset.lesson)),
        ['sparse'],
      );
      assert.equal(await page.textContent('#lesson-title'), 'Sparse codes');
      assert.equal(await page.isVisible('#lesson-kind'), true, 'its settings are in the panel');
      assert.equal(await page.isEnabled('#play'), true);
      assert.equal(await page.$('#pad'), null, 'the old lesson is gone');

      await page.goBack();
      await page.waitForSelector(ready('reconstruct'));
      assert.match(page.url(), /#lesson=reconstruct&encoder=64&latent=8/, 'with its settings as they were');
      assert.equal(await page.isHidden('#lesson-settings'), true, 'Reconstruct has no settings of its own');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('switching lessons while training stops the old run and starts the new lesson fresh', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=64&latent=8');
    try {
      await page.click('#play');
      await waitForStep(page, 20);
      await page.click('#lesson-nav a[data-lesson="denoise"]');
      await page.waitForSelector(ready('denoise'));
      assert.equal(await page.getAttribute('body', 'data-running'), 'false');
      assert.equal(await page.getAttribute('#stat-step', 'data-value'), '0');
      await page.click('#step');
      await waitForStep(page, 1);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("a lesson's own setting round-trips through the URL", async () => {
    const { page, context, errors } = await openPage(app, '#lesson=denoise&encoder=64&latent=8');
    try {
      assert.equal(await page.inputValue('#lesson-noise'), 'gaussian');
      await page.selectOption('#lesson-noise', 'block');
      await page.waitForFunction(() => location.hash.startsWith('#lesson=denoise&noise=block&level=0.4&'));
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
      assert.equal(
        await page.textContent('#lesson-level-value'),
        'square of 40% of the side',
        'the level reads in the noise’s terms',
      );

      await page.reload();
      await page.waitForSelector(ready('denoise'));
      assert.equal(await page.inputValue('#lesson-noise'), 'block');
      assert.equal(await page.inputValue('#latent'), '8', 'the common settings came back too');

      // A hand-made link with an in-between level is honoured as it is.
      await page.evaluate(() => {
        location.hash = '#lesson=denoise&noise=salt_pepper&level=0.37&encoder=64&latent=8';
      });
      await page.waitForFunction(() => document.querySelector('#lesson-noise').value === 'salt_pepper');
      assert.equal(await page.inputValue('#lesson-level'), '0.37');
      assert.equal(await page.textContent('#lesson-level-value'), '37% of pixels flipped');
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
      assert.equal(await page.isHidden('#notice'), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a bad lesson setting in a link falls back to its default with a notice', async () => {
    const { page, context, errors } = await openPage(
      app,
      '#lesson=denoise&noise=fog&level=<b>2</b>&beta=3&encoder=64&latent=8',
    );
    try {
      const notice = await page.textContent('#notice');
      assert.match(notice, /Noise type "fog" was not used/);
      assert.match(notice, /Noise level "<b>2<\/b>" was not used/);
      assert.match(notice, /unknown setting "beta"/, "another lesson's key is not this one's");
      assert.equal(await page.locator('#notice b').count(), 0);
      assert.equal(await page.inputValue('#lesson-noise'), 'gaussian');
      assert.match(page.url(), /#lesson=denoise&noise=gaussian&level=0.4&encoder=64&latent=8/);
      assert.equal(await page.isEnabled('#play'), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
