// On a phone (390 × 844, touch) the lesson comes first: Play, the draw pad and
// its reconstruction are on the first screen without scrolling; the lesson
// menu is one row that scrolls sideways; the settings wait behind their
// button; while training, the step and the loss stay in sight beside Play
// wherever the page is scrolled; nothing on the page shifts as the script
// fills it in (cumulative layout shift under 0.1); and the engine's download
// waits until the lesson is on the page.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startApp, waitForStep, IN_FIREFOX, skipInFirefox, ROOT } from './helpers/app.mjs';
import { LESSONS } from '../../www/lessons/index.js';

const PHONE = { width: 390, height: 844 };

/** A phone's context: touch everywhere; a mobile viewport where the browser's driver has one (Chromium). */
function phoneContext(app) {
  return app.browser.newContext({ viewport: PHONE, hasTouch: true, ...(IN_FIREFOX ? {} : { isMobile: true }) });
}

/** An element's box in the viewport, or null when it is not shown. */
const box = (page, selector) =>
  page.$eval(selector, (el) => {
    if (!el.getClientRects().length) return null;
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  });

const onFirstScreen = (b) => b && b.top >= 0 && b.bottom <= PHONE.height && b.left >= 0 && b.right <= PHONE.width;

describe('on a phone', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('the lesson comes first: Play, the pad and its reconstruction on the first screen, a one-row menu, the settings folded', async () => {
    const context = await phoneContext(app);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // When the page asks the worker to load the engine and the digits, is the lesson already on it?
    await page.addInitScript(() => {
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (msg, ...rest) {
        if (msg?.cmd === 'init') window.__lessonAtInit = Boolean(document.querySelector('#lesson-root #pad'));
        return post.call(this, msg, ...rest);
      };
    });
    try {
      await page.goto(`${app.url}#lesson=reconstruct&encoder=64&latent=8`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      assert.equal(
        await page.evaluate(() => window.__lessonAtInit),
        true,
        'the engine starts loading once the lesson is on the page, so the two do not compete',
      );
      assert.equal(await page.evaluate(() => window.scrollY), 0);
      for (const sel of ['#play', '#pad', '#pad-recon']) {
        const b = await box(page, sel);
        assert.ok(onFirstScreen(b), `${sel} is on the first screen: ${JSON.stringify(b)}`);
      }

      // The menu: one row of links that scrolls sideways.
      const nav = await page.evaluate(() => {
        const el = document.querySelector('#lesson-nav');
        const tops = new Set([...el.querySelectorAll('a')].map((a) => a.getBoundingClientRect().top));
        el.scrollLeft = 120;
        return { rows: tops.size, overflow: getComputedStyle(el).overflowX, scrolled: el.scrollLeft };
      });
      assert.equal(nav.rows, 1, 'every lesson link on one row');
      assert.equal(nav.overflow, 'auto');
      assert.ok(nav.scrolled > 0, 'the row scrolls sideways');

      // The settings: out of sight until their button opens them, and folded again by it.
      assert.equal(await page.isVisible('#settings-toggle'), true);
      assert.equal(await page.getAttribute('#settings-toggle', 'aria-expanded'), 'false');
      for (const sel of ['#encoder', '#latent', '#save-model']) assert.equal(await page.isVisible(sel), false, sel);
      await page.tap('#settings-toggle');
      assert.equal(await page.getAttribute('#settings-toggle', 'aria-expanded'), 'true');
      for (const sel of ['#encoder', '#latent', '#save-model']) assert.equal(await page.isVisible(sel), true, sel);
      await page.tap('#settings-toggle');
      assert.equal(await page.isVisible('#encoder'), false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('while training, the step and the loss stay beside Play, at the top and scrolled down', async () => {
    const context = await phoneContext(app);
    const page = await context.newPage();
    try {
      await page.goto(`${app.url}#lesson=reconstruct&encoder=64&latent=8`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      assert.equal(await page.isVisible('#run-progress'), false, 'nothing to show before training');
      await page.tap('#play');
      await waitForStep(page, 30);
      await page.waitForFunction(() =>
        /^Step [\d,]+ · loss [\d.e-]+$/.test(document.querySelector('#run-progress').textContent),
      );
      assert.ok(onFirstScreen(await box(page, '#run-progress')), 'the readout is on the first screen');
      const shown = await page.evaluate(() => Number(document.querySelector('#run-progress').dataset.step));
      assert.ok(shown >= 30, `it follows the steps (${shown})`);

      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.waitForFunction(() => window.scrollY > 800);
      for (const sel of ['#run-progress', '#play']) {
        assert.ok(onFirstScreen(await box(page, sel)), `${sel} stays in sight when scrolled down`);
      }
      await page.tap('#play');
      await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
    } finally {
      await context.close();
    }
  });

  it('index.html carries the lesson menu, the same as the registry, so it is there at first paint', () => {
    const html = readFileSync(`${ROOT}index.html`, 'utf8');
    const links = [
      ...html.matchAll(/<a href="#lesson=([\w-]+)" class="lesson-link" data-lesson="([\w-]+)">([^<]+)<\/a>/g),
    ];
    assert.deepEqual(
      links.map(([, href, id, title]) => ({ href, id, title })),
      LESSONS.map((l) => ({ href: l.id, id: l.id, title: l.title })),
      'index.html’s <nav id="lesson-nav"> lists www/lessons/index.js, in order (add a new lesson to both)',
    );
  });

  it('nothing shifts while the page loads and fills in (CLS < 0.1)', {
    skip: skipInFirefox('Firefox has no layout-shift performance entries (the Layout Instability API)'),
  }, async () => {
    const context = await phoneContext(app);
    const page = await context.newPage();
    try {
      await page.goto(`${app.url}#lesson=reconstruct`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      await page.waitForTimeout(1500); // the lesson's first pictures and readouts
      const shifts = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const seen = [];
            new PerformanceObserver((list) => {
              for (const e of list.getEntries()) if (!e.hadRecentInput) seen.push(e.value);
            }).observe({ type: 'layout-shift', buffered: true });
            setTimeout(() => resolve(seen), 200);
          }),
      );
      const cls = shifts.reduce((a, b) => a + b, 0);
      assert.ok(cls < 0.1, `cumulative layout shift ${cls.toFixed(3)} (${shifts.length} shifts)`);
    } finally {
      await context.close();
    }
  });
});
