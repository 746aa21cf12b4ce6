// Shared set-up for the end-to-end tests: one static server for the repository
// root, one headless browser, and a page that records console errors.
//
// The browser is Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH)
// unless E2E_BROWSER=firefox: then Firefox ESR (FIREFOX_PATH or
// /usr/bin/firefox-esr) through puppeteer-core over WebDriver BiDi, behind the
// Playwright-shaped adapter in ./firefox.mjs, so one set of tests runs in both.
// What Firefox over BiDi cannot do is skipped there with a reason:
// it('…', { skip: skipInFirefox('why') }, async () => …).

import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../../scripts/lib.mjs';
import { startServer } from '../../../scripts/serve.mjs';
import { launchFirefox } from './firefox.mjs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The browser these tests drive: "chromium" (the default) or "firefox" (E2E_BROWSER). */
export const BROWSER = (process.env.E2E_BROWSER || 'chromium').toLowerCase();
if (!['chromium', 'firefox'].includes(BROWSER))
  throw new Error(`E2E_BROWSER=${process.env.E2E_BROWSER}: expected chromium or firefox`);
export const IN_FIREFOX = BROWSER === 'firefox';

/** node:test's `skip` for what Firefox over WebDriver BiDi cannot do: the reason there, false elsewhere. */
export function skipInFirefox(reason) {
  return IN_FIREFOX ? `not in Firefox: ${reason}` : false;
}

/** Launches the browser named by E2E_BROWSER (Playwright's Browser API either way). */
export function launchBrowser() {
  if (IN_FIREFOX) return launchFirefox({ executablePath: process.env.FIREFOX_PATH || '/usr/bin/firefox-esr' });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Starts the server and the browser. -> { url, browser, browserName, close() } */
export async function startApp() {
  const server = await startServer({ root: ROOT, port: 0 });
  let browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    url: server.url,
    browser,
    browserName: BROWSER,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens the app at `url + hash` in a fresh context and waits until it has
 * booted (body[data-state] is "ready" or "error").
 * -> { page, context, errors } where errors collects console errors and page errors.
 */
export async function openPage(
  app,
  hash = '',
  { viewport = { width: 1366, height: 900 }, colorScheme = 'light', waitReady = true } = {},
) {
  const context = await app.browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(app.url + hash);
  if (waitReady) {
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 30_000 });
  }
  return { page, context, errors };
}

/** A number from an element's data attribute (or its text), or NaN. */
export async function readNumber(page, selector, attr = null) {
  return page.$eval(selector, (el, a) => Number(a ? el.getAttribute(a) : el.textContent.replace(/,/g, '')), attr);
}

/** How many pixels of a canvas differ from its first pixel (0 for a blank canvas). */
export async function inkedPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 30) n++;
    }
    return n;
  });
}

/** Waits until the step counter (#stat-step) reaches `n`. */
export async function waitForStep(page, n, timeout = 20_000) {
  await page.waitForFunction((k) => Number(document.querySelector('#stat-step')?.dataset.value) >= k, n, { timeout });
}

/**
 * Clicks Step until the counter reads `n`, one minibatch per click, so what is
 * read there next does not depend on how fast the machine trains.
 */
export async function stepTo(page, n, timeout = 20_000) {
  for (let k = Number(await page.getAttribute('#stat-step', 'data-value')) + 1; k <= n; k++) {
    await page.click('#step');
    await waitForStep(page, k, timeout);
  }
}

/** The smoothed training loss shown in the readout (#stat-loss). */
export async function shownLoss(page) {
  return readNumber(page, '#stat-loss', 'data-last-loss');
}

/**
 * Steps one minibatch at a time to step `from` and reads the loss there (so the
 * first reading does not depend on how fast the machine trains), then plays
 * until step `to`, reads it again, and returns both losses and steps, pausing
 * afterwards (so later checks see a still page).
 */
export async function trainAndMeasure(page, { from = 10, to = 150, timeout = 30_000 } = {}) {
  await stepTo(page, from, timeout);
  const first = { step: await readNumber(page, '#stat-step', 'data-value'), loss: await shownLoss(page) };
  await page.click('#play');
  await waitForStep(page, to, timeout);
  const later = { step: await readNumber(page, '#stat-step', 'data-value'), loss: await shownLoss(page) };
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
  return { first, later };
}

/** Waits until a canvas is painted (its honest data-painted hook) and has at least `min` inked pixels. */
export async function waitForPicture(page, selector, { min = 20, timeout = 10_000 } = {}) {
  await page
    .waitForFunction(
      ([sel, m]) => {
        const c = document.querySelector(sel);
        if (c?.dataset.painted !== 'true') return false;
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (
            Math.abs(data[i] - data[0]) +
              Math.abs(data[i + 1] - data[1]) +
              Math.abs(data[i + 2] - data[2]) +
              Math.abs(data[i + 3] - data[3]) >
            30
          )
            n++;
        }
        return n >= m;
      },
      [selector, min],
      { timeout },
    )
    .catch(async (err) => {
      const state = await page.$eval(selector, (c) => `painted=${c.dataset.painted}`).catch(() => 'missing');
      throw new Error(`${selector} never showed a picture (${state}): ${err.message}`);
    });
}

/** Share of pixels (0..1) that differ between two same-sized canvases. */
export async function pixelDifference(page, a, b) {
  return page.evaluate(
    ([sa, sb]) => {
      const read = (sel) => {
        const c = document.querySelector(sel);
        return c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      };
      const x = read(sa);
      const y = read(sb);
      let n = 0;
      for (let i = 0; i < x.length; i += 4)
        if (Math.abs(x[i] - y[i]) + Math.abs(x[i + 1] - y[i + 1]) + Math.abs(x[i + 2] - y[i + 2]) > 30) n++;
      return n / (x.length / 4);
    },
    [a, b],
  );
}

/** Draws a "7" with the mouse on the draw pad, in pad-relative coordinates (0..1). */
export async function drawSeven(page, selector = '#pad') {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  const at = (u, v) => [box.x + u * box.width, box.y + v * box.height];
  const path = [
    [0.25, 0.2],
    [0.75, 0.2],
    [0.6, 0.5],
    [0.45, 0.85],
  ];
  await page.mouse.move(...at(...path[0]));
  await page.mouse.down();
  for (const p of path.slice(1)) await page.mouse.move(...at(...p), { steps: 12 });
  await page.mouse.up();
}
