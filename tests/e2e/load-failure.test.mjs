// When the wasm module or the digits cannot be loaded the page says so in
// words, instead of staying blank or spinning forever.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage } from './helpers/app.mjs';

describe('load failures', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  for (const [what, pattern, expected] of [
    ['the wasm module', '**/www/pkg/**', /training engine/],
    ['the digits', '**/www/data/mnist.bin', /digits/],
  ]) {
    it(`when ${what} cannot be loaded, the page says so in words`, async () => {
      const context = await app.browser.newContext();
      // Route before any page exists so the worker's requests are covered too.
      await context.route(pattern, (route) => route.fulfill({ status: 404, body: 'Not Found' }));
      const page = await context.newPage();
      try {
        await page.goto(app.url);
        await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
        const fatal = page.locator('#fatal');
        assert.equal(await fatal.isVisible(), true);
        assert.match(await fatal.textContent(), expected);
        assert.equal(await page.getAttribute('#fatal', 'role'), 'alert');
        assert.equal(await page.isDisabled('#play'), true);
      } finally {
        await context.close();
      }
    });
  }
});
