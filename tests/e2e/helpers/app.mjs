// Shared set-up for the end-to-end tests: one static server for the repository
// root, one headless Chromium, and a page that records console errors.

import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../../scripts/serve.mjs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage',
];

/** Starts the server and the browser. -> { url, browser, close() } */
export async function startApp() {
  const server = await startServer({ root: ROOT, port: 0 });
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    url: server.url,
    browser,
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
export async function openPage(app, hash = '', { viewport = { width: 1366, height: 900 }, colorScheme = 'light', waitReady = true } = {}) {
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
