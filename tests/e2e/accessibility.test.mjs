// Accessibility, checked: axe-core on every lesson, in the light, dark and
// projector themes, as the page and embedded (index.html?embed=1, and the
// <autoencoder-playground> demos of the tutorial page): no serious or critical
// violation, with a few training steps in each lesson so its charts and
// pictures have content. And what axe does not check: the focus ring stands
// out 3:1 from what is behind it in every theme, every control is a 24 px
// target, each chart and picture grid says its latest values in words and
// changes them at a calm pace, the live regions announce the run's state
// without a stream of messages while training, and a reduced-motion setting
// stops every animation and transition.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations } from './helpers/axe.mjs';
import { startApp, openPage, waitForStep, drawSeven } from './helpers/app.mjs';
import { LESSONS } from '../../www/lessons/index.js';

/** Switches the open page to a lesson through the hash, waits until it is built, trains a few steps, pauses. */
async function visitAndTrain(page, id) {
  await page.evaluate((lesson) => {
    location.hash = `lesson=${lesson}`;
  }, id);
  await page.waitForFunction(
    (lesson) => document.body.dataset.lesson === lesson && document.body.dataset.state === 'ready',
    id,
    { timeout: 60_000 },
  );
  await page.click('#play');
  if (id === 'recommend') await page.waitForFunction(() => document.body.dataset.running === 'true');
  else await waitForStep(page, 3, 30_000);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

/** Every visible image (role="img": charts, pictures, grids) without words, or with a label that is only a title. */
const unlabelledImages = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[role="img"]')]
      .filter((el) => el.getClientRects().length && !el.closest('[aria-hidden="true"]'))
      .filter((el) => !el.parentElement.closest('[role="img"]'))
      .filter((el) => !(el.getAttribute('aria-label') ?? '').trim())
      .map((el) => el.id || el.className),
  );

/** The sRGB contrast ratio of two "rgb(r, g, b)" colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c
      .match(/[\d.]+/g)
      .slice(0, 3)
      .map((v) => {
        const s = Number(v) / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Focuses every visible control after a Tab (so the ring is the keyboard's) and reads its ring:
 * -> [{ what, ring, behind }] colours as rgb(); behind: the first opaque background under the ring
 * (the element's own when the ring is drawn inside it, else its ancestors').
 */
async function focusRings(page) {
  await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const opaque = (c) => c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c);
    const out = [];
    const controls = document.querySelectorAll(
      'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), summary, [tabindex="0"]',
    );
    for (const el of controls) {
      if (!el.getClientRects().length || el.closest('[hidden], dialog:not([open])')) continue;
      el.focus();
      if (document.activeElement !== el) continue;
      const s = getComputedStyle(el);
      if (s.outlineStyle === 'none' || Number.parseFloat(s.outlineWidth) === 0) {
        out.push({ what: el.id || el.className || el.tagName, ring: null, behind: null });
        continue;
      }
      let node = Number.parseFloat(s.outlineOffset) < 0 ? el : el.parentElement;
      while (node && !opaque(getComputedStyle(node).backgroundColor)) node = node.parentElement;
      const behind = node ? getComputedStyle(node).backgroundColor : getComputedStyle(document.body).backgroundColor;
      out.push({ what: el.id || el.className || el.tagName, ring: s.outlineColor, behind });
    }
    document.activeElement?.blur();
    return out;
  });
}

/** Controls smaller than 24 × 24 px (links inside running text are exempt, as in WCAG 2.5.8). */
const smallTargets = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('a[href], button, input, select, summary, [tabindex="0"]')]
      .filter((el) => el.getClientRects().length && !el.closest('[hidden], dialog:not([open])'))
      .filter((el) => !(el.tagName === 'A' && el.closest('p, li') && !el.classList.contains('lesson-link')))
      .filter((el) => !(el.type === 'range')) // a slider's target is its whole track
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 24 || r.height < 24)
      .map(({ el, r }) => `${el.id || el.className || el.tagName} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );

const THEMES = [
  { name: 'light', colorScheme: 'light', query: '' },
  { name: 'dark', colorScheme: 'dark', query: '' },
  { name: 'projector', colorScheme: 'light', query: 'present=1' },
];

describe('accessibility', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  for (const theme of THEMES) {
    for (const embedded of [false, true]) {
      const where = embedded ? 'embedded (index.html?embed=1)' : 'the page';
      it(`axe finds no serious or critical violation on any lesson: ${theme.name} theme, ${where}`, async () => {
        const query = [embedded ? 'embed=1' : '', theme.query].filter(Boolean).join('&');
        const { page, context, errors } = await openPage(app, `${query ? `?${query}` : ''}#lesson=reconstruct`, {
          colorScheme: theme.colorScheme,
          viewport: embedded ? { width: 800, height: 600 } : { width: 1366, height: 900 },
        });
        try {
          const found = {};
          const unlabelled = {};
          for (const { id } of LESSONS) {
            await visitAndTrain(page, id);
            const v = await axeViolations(page);
            if (v.length) found[id] = v;
            const u = await unlabelledImages(page);
            if (u.length) unlabelled[id] = u;
          }
          assert.deepEqual(found, {}, `axe, ${theme.name}, ${where}:\n${JSON.stringify(found, null, 2)}`);
          assert.deepEqual(unlabelled, {}, 'every chart and picture has words');
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }

  it('axe finds nothing serious on the tutorial page with its three <autoencoder-playground> demos', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    try {
      await page.goto(`${app.url}examples/tutorial.html`);
      await page.waitForFunction(() => document.querySelectorAll('autoencoder-playground').length === 3);
      const deadline = Date.now() + 30_000;
      while (page.frames().length < 4 && Date.now() < deadline) await page.waitForTimeout(50);
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      assert.equal(frames.length, 3);
      const found = { host: await axeViolations(page) };
      for (const [i, f] of frames.entries()) {
        await f.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
        await f.click('#play');
        await f.waitForFunction(() => Number(document.querySelector('#stat-step')?.dataset.value) >= 3, null, {
          timeout: 30_000,
        });
        await f.click('#play');
        await f.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
        found[`demo ${i + 1}`] = await axeViolations(f);
      }
      assert.deepEqual(
        Object.fromEntries(Object.entries(found).filter(([, v]) => v.length)),
        {},
        JSON.stringify(found, null, 2),
      );
    } finally {
      await context.close();
    }
  });

  it('the focus ring stands out 3:1 from its background, and every control is a 24 px target, in every theme', async () => {
    for (const theme of THEMES) {
      const { page, context } = await openPage(app, `${theme.query ? `?${theme.query}` : ''}#lesson=reconstruct`, {
        colorScheme: theme.colorScheme,
      });
      try {
        const rings = await focusRings(page);
        assert.ok(rings.length > 10, `${theme.name}: ${rings.length} controls checked`);
        const weak = rings
          .filter((r) => !r.ring || contrast(r.ring, r.behind) < 3)
          .map(
            (r) =>
              `${r.what}: ${r.ring} on ${r.behind}${r.ring ? ` (${contrast(r.ring, r.behind).toFixed(2)}:1)` : ''}`,
          );
        assert.deepEqual(weak, [], `${theme.name}: focus rings under 3:1`);
        assert.deepEqual(await smallTargets(page), [], `${theme.name}: targets under 24 px`);
      } finally {
        await context.close();
      }
    }
  });

  it('while training, live regions stay calm and the charts’ words change at most every two seconds; Pause is announced', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=64&latent=8');
    try {
      await drawSeven(page);
      // Every change of text a screen reader would announce: inside a live region that is not off.
      await page.evaluate(() => {
        window.__spoken = [];
        const live = (n) =>
          (n.nodeType === 1 ? n : n.parentElement)?.closest(
            '[aria-live="polite"], [aria-live="assertive"], [role="status"], [role="alert"], [role="log"]',
          );
        new MutationObserver((records) => {
          for (const r of records) {
            const region = live(r.target);
            if (region && !region.closest('[aria-live="off"]')) window.__spoken.push(region.textContent.trim());
          }
        }).observe(document.body, { childList: true, characterData: true, subtree: true });
        window.__labels = [];
        const chart = document.querySelector('#loss-chart');
        new MutationObserver(() => window.__labels.push(chart.getAttribute('aria-label'))).observe(chart, {
          attributeFilter: ['aria-label'],
        });
      });
      await page.click('#play');
      await waitForStep(page, 20);
      await page.waitForTimeout(5000);
      const spoken = await page.evaluate(() => [...new Set(window.__spoken)]);
      assert.ok(spoken.length <= 2, `announcements while training: ${JSON.stringify(spoken)}`);
      assert.ok(
        spoken.some((t) => /^Training \(\d+ threads?\b.*…$/.test(t)),
        `"Training (n threads)…" is announced: ${JSON.stringify(spoken)}`,
      );
      const labels = await page.evaluate(() => window.__labels);
      assert.ok(
        labels.length >= 1 && labels.length <= 4,
        `the loss chart's words changed ${labels.length} times in ~5 s`,
      );
      assert.match(labels.at(-1), /training loss \(smoothed\) [\d.e-]+ at step [\d,]+, (falling|rising|steady)/);
      const grid = await page.getAttribute('#val-grid', 'aria-label');
      assert.match(grid, /Reconstructions at step [\d,]+: mean squared error [\d.]+/);

      await page.click('#play');
      await page.waitForFunction(() => window.__spoken.includes('Paused.'));
      // After the pause the drawing's error is said once, when it holds still.
      await page.waitForFunction(() => window.__spoken.some((t) => /^Error on your drawing/.test(t)), null, {
        timeout: 10_000,
      });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('with reduced motion asked for, nothing animates or moves smoothly', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1366, height: 900 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    try {
      await page.goto(`${app.url}#lesson=compare-pca&encoder=64&latent=8`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      const moving = await page.evaluate(() => {
        const out = [];
        for (const el of [document.documentElement, ...document.querySelectorAll('*')]) {
          for (const pseudo of [null, '::before', '::after']) {
            const s = getComputedStyle(el, pseudo);
            const seconds = (v) => Math.max(...v.split(',').map((t) => Number.parseFloat(t) || 0));
            if (s.animationName !== 'none' && seconds(s.animationDuration) > 0)
              out.push(`${el.className}${pseudo ?? ''}: animation`);
            if (seconds(s.transitionDuration) > 0) out.push(`${el.className}${pseudo ?? ''}: transition`);
          }
        }
        if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth') out.push('smooth scrolling');
        return out;
      });
      assert.deepEqual(moving, []);
    } finally {
      await context.close();
    }
  });
});
