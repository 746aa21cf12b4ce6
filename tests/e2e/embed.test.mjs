// Embedding: the tutorial page's three <autoencoder-playground> demos each
// train with their own worker while the page stays responsive; garbage
// attributes give defaults and a visible notice, never markup or an exception;
// the compact layout of an embedded demo fits 600×400.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from './helpers/app.mjs';

/** The demo frames of a page (its child frames), each waited on until booted. */
async function demoFrames(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('autoencoder-playground').length === n, count);
  const deadline = Date.now() + 30_000;
  while (page.frames().length < count + 1 && Date.now() < deadline) await page.waitForTimeout(50);
  const frames = page.frames().filter((f) => f !== page.mainFrame());
  assert.equal(frames.length, count, 'one iframe per element');
  for (const f of frames)
    await f.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 30_000 });
  return frames;
}

const stepOf = (frame) => frame.$eval('#stat-step', (e) => Number(e.dataset.value));

describe('embedding', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('the tutorial’s three demos (plain, denoising, VAE) all train, each in its own worker', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    try {
      await page.goto(`${app.url}examples/tutorial.html`);
      const frames = await demoFrames(page, 3);
      const lessons = await Promise.all(frames.map((f) => f.getAttribute('body', 'data-lesson')));
      assert.deepEqual(lessons.sort(), ['denoise', 'generate', 'reconstruct']);
      for (const f of frames) {
        assert.equal(await f.getAttribute('body', 'data-state'), 'ready');
        assert.equal(await f.isHidden('.app-header'), true, 'the page header is left out');
        assert.equal(await f.isHidden('#settings'), true, 'controls="minimal": no settings');
        assert.equal(await f.isVisible('#play'), true);
        await f.click('#play');
      }
      // The host page keeps drawing frames while three networks train.
      const maxGap = await page.evaluate(
        () =>
          new Promise((resolve) => {
            let last = performance.now();
            let worst = 0;
            const end = last + 1000;
            const tick = (t) => {
              worst = Math.max(worst, t - last);
              last = t;
              if (t < end) requestAnimationFrame(tick);
              else resolve(worst);
            };
            requestAnimationFrame(tick);
          }),
      );
      assert.ok(maxGap < 500, `the page froze for ${Math.round(maxGap)} ms`);
      for (const f of frames) {
        await f.waitForFunction(() => Number(document.querySelector('#stat-step').dataset.value) >= 60, null, {
          timeout: 30_000,
        });
      }
      const steps = await Promise.all(frames.map(stepOf));
      assert.ok(
        steps.every((s) => s >= 60),
        `steps ${steps}`,
      );
      // (Each may also run a thread pool: Web Workers from blob: URLs.)
      const trainers = page.workers().filter((w) => w.url().endsWith('/trainer-worker.js'));
      assert.equal(trainers.length, 3, 'one training worker per demo');
      // Independent: pausing one leaves the others training.
      await frames[0].click('#play');
      await frames[0].waitForFunction(() => document.body.dataset.running === 'false');
      const others = await Promise.all(frames.slice(1).map(stepOf));
      await frames[1].waitForFunction(
        (s) => Number(document.querySelector('#stat-step').dataset.value) > s + 20,
        others[0],
      );
      await frames[2].waitForFunction(
        (s) => Number(document.querySelector('#stat-step').dataset.value) > s + 20,
        others[1],
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('garbage attributes give the defaults and a notice in words; nothing becomes markup', async () => {
    const context = await app.browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`a dialog opened: ${d.message()}`);
      d.dismiss();
    });
    try {
      await page.goto(`${app.url}examples/tutorial.html`);
      await demoFrames(page, 3);
      await page.evaluate(() => {
        document.querySelectorAll('autoencoder-playground').forEach((e) => {
          e.remove();
        });
        const el = document.createElement('autoencoder-playground');
        el.setAttribute('lesson', '<img src=x onerror=alert(1)>');
        el.setAttribute('controls', 'everything');
        el.setAttribute('height', '-40');
        el.setAttribute('seed', '1e99');
        el.setAttribute('settings', 'latent=abc&lesson=x&<b>bold</b>=1&%zz');
        el.setAttribute('hide', 'kitchen,nav');
        el.id = 'garbage';
        document.body.prepend(el);
      });
      const el = page.locator('#garbage');
      const notice = await el.evaluate((e) => ({
        text: e.shadowRoot.querySelector('.notice').textContent,
        hidden: e.shadowRoot.querySelector('.notice').hidden,
        markup: e.shadowRoot.querySelectorAll('img, b, script').length,
        src: e.src,
        height: e.shadowRoot.querySelector('iframe').style.height,
      }));
      assert.equal(notice.hidden, false);
      assert.match(notice.text, /no lesson "<img src=x onerror=alert/);
      assert.match(notice.text, /controls="everything" was not used/);
      assert.match(notice.text, /height="-40" was not used/);
      assert.equal(notice.markup, 0, 'no markup from the attributes');
      assert.equal(notice.height, '420px', 'the default height');
      assert.match(notice.src, /index\.html\?embed=1&controls=minimal&hide=header,nav,explainer#lesson=reconstruct/);
      // The page inside says what it did not use from the settings, also as text.
      const [frame] = await demoFrames(page, 1);
      assert.equal(await frame.getAttribute('body', 'data-lesson'), 'reconstruct');
      assert.match(await frame.textContent('#notice'), /Latent size "abc" was not used/);
      assert.equal(await frame.$$eval('#notice b:not(strong)', (b) => b.length), 0);
      assert.equal(await frame.inputValue('#latent').catch(() => '32'), '32');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('an iframe of index.html with hide flags fits 600×400 in the compact layout', async () => {
    const context = await app.browser.newContext({ viewport: { width: 600, height: 400 } });
    const page = await context.newPage();
    try {
      await page.goto(
        `${app.url}index.html?embed=1&controls=minimal&hide=header,nav,explainer#lesson=reconstruct&encoder=64&latent=8`,
      );
      await page.waitForSelector('body[data-state="ready"]');
      assert.equal(await page.evaluate(() => document.body.classList.contains('compact')), true);
      for (const sel of ['.app-header', '.lesson-nav', '#settings', '#tools', '.explainer']) {
        assert.equal(await page.isHidden(sel), true, `${sel} is hidden`);
      }
      // Without scrolling: the controls, the pad and the loss chart (plotted from the first step) are all in view.
      await page.click('#play');
      await page.waitForSelector('#loss-chart canvas');
      for (const sel of ['#play', '#reset', '#pad', '#loss-chart canvas']) {
        const box = await page.locator(sel).first().boundingBox();
        assert.ok(
          box && box.y >= 0 && box.y + box.height <= 400 && box.x + box.width <= 600,
          `${sel} fits: ${JSON.stringify(box)}`,
        );
      }
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 600, 'no sideways scrolling');
    } finally {
      await context.close();
    }
  });
});
