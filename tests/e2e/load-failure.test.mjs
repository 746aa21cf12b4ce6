// When the wasm module or the digits cannot be loaded the page says so in
// words, instead of staying blank or spinning forever; when only the lab build
// is missing, the lessons that need it say so and the rest works.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, waitForStep } from './helpers/app.mjs';

describe('load failures', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  for (const [what, pattern, expected] of [
    // Both builds of the engine: without the threaded one the worker falls back to the single-thread one.
    ['the wasm module', '**/www/pkg{,-mt}/**', /training engine/],
    ['the digits', '**/www/data/mnist.bin.gz', /digits/],
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

  it('when the lab build cannot be loaded, a lesson that needs it says so, and training goes on', async () => {
    const context = await app.browser.newContext();
    await context.route('**/www/pkg-lab{,-mt}/**', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    const page = await context.newPage();
    try {
      await page.goto(`${app.url}#lesson=latent&encoder=32&latent=2`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      await page.click('#play'); // the latent map is asked for while training
      await page.waitForFunction(
        () => /could not be loaded/.test(document.querySelector('#banner')?.textContent ?? ''),
        null,
        { timeout: 30_000 },
      );
      assert.match(await page.textContent('#banner'), /lab engine .*could not be loaded.*npm run build:wasm/s);
      await waitForStep(page, 30);
      assert.equal(await page.getAttribute('body', 'data-state'), 'ready', 'the page itself still works');
    } finally {
      await context.close();
    }
  });
});
