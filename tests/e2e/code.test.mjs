// Show code: the dialog prints the lesson's current settings as a PyTorch
// script (latent size, learning rate, the noise kind…), is a labelled modal
// that keeps focus and closes on Escape, passes axe, downloads the script as
// autoencoder_<lesson>.py, and copies it (or, where the browser refuses,
// selects it and says how to copy).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, startApp, openPage } from './helpers/app.mjs';

/** Opens Show code and returns the script it shows. */
async function openCode(page) {
  await page.click('#show-code');
  await page.waitForSelector('#code-dialog[open]');
  return page.textContent('#code-dialog pre code');
}

/** Closes the dialog with Escape; -> the id of the element that has focus afterwards. */
async function closeWithEscape(page) {
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#code-dialog').open);
  return page.evaluate(() => document.activeElement?.id);
}

describe('Show code', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('Reconstruct: the settings as a script, a labelled modal dialog, Escape closes it, Download gives the .py', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=128&latent=12&lr=0.003&seed=7');
    try {
      const script = await openCode(page);
      assert.match(script, /self\.encoder = nn\.ModuleList\(\[nn\.Linear\(784, 128\)\]\)/);
      assert.match(script, /self\.code = nn\.Linear\(128, 12\)/);
      assert.match(script, /^LR = 0\.003$/m);
      assert.match(script, /^SEED = 7$/m);
      assert.match(script, /"Reconstruct" model/);
      assert.match(script, /save_file\(to_playground\(model\), path, metadata=metadata\)/);

      const dialog = await page.evaluate(() => {
        const d = document.querySelector('#code-dialog');
        return {
          modal: d.matches(':modal'),
          name: document.getElementById(d.getAttribute('aria-labelledby'))?.textContent,
          focus: document.activeElement?.id,
          focusInside: d.contains(document.activeElement),
          explainer: d.querySelector('.code-notes').textContent,
        };
      });
      assert.equal(dialog.modal, true, 'a modal dialog: the page behind it is inert');
      assert.equal(dialog.name, 'This model as PyTorch code');
      assert.equal(dialog.focus, 'code-copy');
      assert.ok(dialog.focusInside);
      assert.match(dialog.explainer, /60_000/);
      assert.match(dialog.explainer, /GPU/);
      assert.match(dialog.explainer, /Load model…/);
      assert.match(dialog.explainer, /Interview corner/);

      // Tab goes through the dialog's controls and never reaches the page behind: past the last one, focus
      // goes to the browser's own UI (the document's body here) and then back into the dialog.
      const visited = new Set();
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('Tab');
        const where = await page.evaluate(() => {
          const a = document.activeElement;
          if (document.querySelector('#code-dialog').contains(a)) return a.id || a.tagName.toLowerCase();
          return a === document.body || !a ? 'outside the page' : `the page: ${a.id || a.tagName}`;
        });
        assert.doesNotMatch(where, /^the page/, `Tab ${i + 1} reached ${where}`);
        visited.add(where);
      }
      for (const id of ['code-download', 'pre', 'summary']) assert.ok(visited.has(id), `Tab reaches ${id}`);

      const axe = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
      await page.evaluate((source) => {
        const script = document.createElement('script');
        script.textContent = source;
        document.head.append(script);
      }, axe);
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run('#code-dialog', { resultTypes: ['violations'] });
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(violations, [], 'axe finds nothing in the dialog');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#code-download')]);
      assert.equal(download.suggestedFilename(), 'autoencoder_reconstruct.py');
      assert.equal(await readFile(await download.path(), 'utf8'), script, 'the file is the script shown');
      assert.match(await page.textContent('#code-dialog .code-status'), /Downloaded autoencoder_reconstruct\.py/);

      assert.equal(await closeWithEscape(page), 'show-code', 'focus goes back to the button');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('Denoise: the noise kind and level follow the settings; Copy selects the code where the browser refuses', async () => {
    const { page, context, errors } = await openPage(
      app,
      '?debug=1#lesson=denoise&noise=block&level=0.4&latent=20&lr=0.001',
    );
    try {
      const script = await openCode(page);
      assert.match(script, /^NOISE_LEVEL = 0\.4 {2}# block occlusion$/m);
      assert.match(script, /"noise": "block",/);
      assert.match(script, /def corrupt\(x\):/);
      assert.match(script, /loss = objective\(model, corrupt\(clean\), clean\)/);
      assert.match(script, /nn\.Linear\(64, 20\)/);
      assert.match(script, /^LR = 0\.001$/m);
      await closeWithEscape(page);

      // Settings changed after closing: the next opening shows them.
      await page.evaluate(() => {
        location.hash = '#lesson=denoise&noise=masking&level=0.25&latent=20&lr=0.001';
      });
      await page.waitForFunction(() => window.__playground.state.noise === 'masking');
      const again = await openCode(page);
      assert.match(again, /^NOISE_LEVEL = 0\.25 {2}# masking noise$/m);
      assert.match(again, /"noise": "masking",/);

      // Where the browser refuses the clipboard: the code is selected and the dialog says how to copy it.
      await page.evaluate(() => {
        Object.defineProperty(navigator, 'clipboard', {
          configurable: true,
          value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
        });
      });
      await page.click('#code-copy');
      await page.waitForFunction(() =>
        /did not allow copying/.test(document.querySelector('.code-status').textContent),
      );
      assert.equal(await page.evaluate(() => getSelection().toString().trim()), again.trim());
      assert.match(await page.textContent('.code-status'), /press Ctrl\+C/);
      await closeWithEscape(page);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('Copy puts the script on the clipboard', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=denoise&noise=gaussian&level=0.3');
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      const shown = await openCode(page);
      await page.click('#code-copy');
      await page.waitForFunction(
        () => document.querySelector('.code-status').textContent === 'Copied to the clipboard.',
      );
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
