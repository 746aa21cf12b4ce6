// Presentation mode and the keyboard: present=1 in the address or the P key
// switch the page to large type, a high-contrast theme and thick chart lines,
// with the secondary controls hidden; Space, S, R, C, 1–9 and ? do what the
// help says, and nothing fires while the user types in a field.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, readNumber, waitForStep, drawSeven } from './helpers/app.mjs';

const SMALL = 'encoder=64&latent=8&batch=64';

/** What presentation mode changes, read from the page. */
const looks = (page) =>
  page.evaluate(() => ({
    present: document.documentElement.dataset.present === 'true',
    fontSize: parseFloat(getComputedStyle(document.documentElement).fontSize),
    background: getComputedStyle(document.body).backgroundColor,
    settingsShown: getComputedStyle(document.querySelector('#settings')).display !== 'none',
    toolsShown: getComputedStyle(document.querySelector('#tools')).display !== 'none',
    lineScale: getComputedStyle(document.documentElement).getPropertyValue('--chart-line-scale').trim(),
    pressed: document.querySelector('#present-toggle').getAttribute('aria-pressed'),
  }));

describe('presentation mode and keyboard shortcuts', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('present=1 opens in presentation mode; P switches it off and on, and the address follows', async () => {
    const { page, context, errors } = await openPage(app, `?present=1#lesson=reconstruct&${SMALL}`);
    try {
      const on = await looks(page);
      assert.equal(on.present, true);
      assert.ok(on.fontSize >= 19, `large type (${on.fontSize}px)`);
      assert.equal(on.background, 'rgb(0, 0, 0)', 'high-contrast theme');
      assert.equal(on.settingsShown, false, 'secondary controls hidden');
      assert.equal(on.toolsShown, false);
      assert.equal(on.lineScale, '2.5', 'thick chart lines');
      assert.equal(on.pressed, 'true');
      assert.equal(await page.isVisible('#play'), true, 'Play stays');

      await page.keyboard.press('p');
      const off = await looks(page);
      assert.equal(off.present, false);
      assert.equal(off.fontSize, 16);
      assert.equal(off.settingsShown, true);
      assert.equal(off.pressed, 'false');
      assert.doesNotMatch(page.url(), /present=/);

      await page.keyboard.press('P');
      assert.equal((await looks(page)).present, true);
      assert.match(page.url(), /\?present=1#lesson=reconstruct/);
      // The button does the same.
      await page.click('#present-toggle');
      assert.equal((await looks(page)).present, false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('Space, S, R, C, 1–9 and ? work, and not while typing in a field', async () => {
    const { page, context, errors } = await openPage(app, `#lesson=reconstruct&${SMALL}`);
    try {
      await page.locator('#lesson').focus();
      // Space plays and pauses.
      await page.keyboard.press(' ');
      await page.waitForFunction(() => document.body.dataset.running === 'true');
      await waitForStep(page, 10);
      await page.keyboard.press(' ');
      await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
      // S trains one step.
      const step = await readNumber(page, '#stat-step', 'data-value');
      await page.keyboard.press('s');
      await page.waitForFunction((s) => Number(document.querySelector('#stat-step').dataset.value) === s + 1, step);
      // Not while typing: an S typed into a field stays there.
      await page.focus('#encoder');
      await page.keyboard.press('s');
      assert.equal(await page.inputValue('#encoder'), '64s');
      assert.equal(await readNumber(page, '#stat-step', 'data-value'), step + 1);
      await page.fill('#encoder', '64');
      await page.locator('#lesson').focus();
      // R resets.
      await page.keyboard.press('r');
      await page.waitForFunction(() => document.querySelector('#stat-step').dataset.value === '0');
      // C clears the pad.
      await drawSeven(page);
      await page.waitForFunction(() => document.querySelector('#pad').dataset.empty === 'false');
      await page.locator('#lesson').focus();
      await page.keyboard.press('c');
      await page.waitForFunction(() => document.querySelector('#pad').dataset.empty === 'true');
      // ? opens the list of shortcuts; Escape closes it.
      await page.keyboard.press('?');
      await page.waitForSelector('#help-dialog[open]');
      assert.match(await page.textContent('#help-dialog'), /Presentation mode/);
      await page.keyboard.press('Escape');
      await page.waitForSelector('#help-dialog:not([open])', { state: 'attached' });
      // 2 opens the second lesson.
      await page.keyboard.press('2');
      await page.waitForFunction(
        () => document.body.dataset.lesson === 'denoise' && document.body.dataset.state === 'ready',
      );
      assert.equal(await page.getAttribute('#lesson-nav a[data-lesson="denoise"]', 'aria-current'), 'page');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
