// The Your data lesson (issue 17): generated sets from the link (seed
// included) train and are drawn for what they are; Machine sensors' held-out
// faults are found (AUC well above chance) with the columns of the top rows'
// error and a CSV of every score; a CSV table from disk trains, with a label
// column, its standardisation shown and its text columns listed; hostile
// tables are refused with a sentence and change nothing; nothing but the
// app's own files is requested while a person's data is read and trained on.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep, skipInFirefox } from './helpers/app.mjs';
import { axeViolations } from './helpers/axe.mjs';
import { bmp, chooseFile, chooseImages, clustersCsv, readPicturesAs } from './helpers/own-data.mjs';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder on disk with sub-folders "bar" and "round" of `n` 20×20 BMPs each (and a text file): -> its path. */
function shapesFolder(n) {
  const dir = join(mkdtempSync(join(tmpdir(), 'shapes-')), 'shapes');
  for (const label of ['bar', 'round']) {
    mkdirSync(join(dir, label), { recursive: true });
    for (let i = 0; i < n; i++) {
      const ink = (x, y) =>
        label === 'bar' ? Math.abs(x - 5 - (i % 8)) < 2 : (x - 10) ** 2 + (y - 10) ** 2 < (3 + (i % 5)) ** 2;
      writeFileSync(
        join(dir, label, `${i}.bmp`),
        bmp(20, 20, (x, y) => (ink(x, y) ? [0, 0, 0] : [255, 255, 255])),
      );
    }
  }
  writeFileSync(join(dir, 'notes.txt'), 'not a picture');
  return dir;
}

/** Clicks `selector`, which downloads a file through a link to a Blob, and returns the file's text. */
async function downloaded(page, selector) {
  await page.evaluate(() => {
    window.__downloads = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
      if (this.download) window.__downloads.push(fetch(this.href).then((r) => r.text()));
      else click.call(this);
    };
  });
  await page.click(selector);
  await page.waitForFunction(() => window.__downloads.length > 0, null, { timeout: 30_000 });
  return page.evaluate(() => window.__downloads[0]);
}

async function pause(page) {
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

describe('the Your data lesson', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('trains on Curve in 3-D from the link and shows it in 3-D against PCA', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=data&source=curve&rows=2000&dseed=4');
    try {
      assert.equal(await page.getAttribute('body', 'data-lesson'), 'data');
      assert.equal(await page.isEnabled('#play'), true);
      assert.match(await page.textContent('#data-about'), /Curve in 3-D: 2,000 rows of 3 values/);
      assert.match(await page.textContent('#data-how'), /Generated in this tab/);
      assert.match(page.url(), /data=curve/);
      assert.match(page.url(), /dseed=4/);
      await page.click('#play');
      await waitForStep(page, 300, 60_000);
      await page.waitForFunction(() => Number(document.querySelector('#data-3d')?.dataset.step) > 0, null, {
        timeout: 30_000,
      });
      await page.waitForFunction(() => document.querySelector('#data-pca-mse')?.dataset.value, null, {
        timeout: 30_000,
      });
      await pause(page);
      assert.equal(await page.isHidden('#data-anomaly-title'), true, 'the curve has no anomalies to score');
      assert.equal(await page.getAttribute('#data-row-0', 'data-painted'), 'true');
      assert.ok(Number(await page.getAttribute('#data-map', 'data-points')) > 100);
      await page.selectOption('#data-3d-which', 'pca');
      await page.waitForFunction(() => document.querySelector('#data-3d').dataset.showing === 'pca');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a link that says the data is yours, opened where it was not opened, asks for the file', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=data&source=own');
    try {
      await page.waitForSelector('#config-error:not([hidden])');
      assert.match(
        await page.textContent('#config-error'),
        /Your own data is not in this tab \(a link cannot carry it\): open its file/,
      );
      assert.equal(await page.isVisible('#table-file'), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a VAE on the curve generates points, drawn as rows and in the 3-D view', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=data&source=curve&rows=1000&variant=vae');
    try {
      assert.match(page.url(), /variant=vae/);
      await page.click('#play');
      await waitForStep(page, 200, 60_000);
      await page.waitForFunction(() => Number(document.querySelector('#data-samples')?.dataset.step) > 0, null, {
        timeout: 30_000,
      });
      await pause(page);
      assert.equal(await page.getAttribute('#data-sample-0', 'data-painted'), 'true');
      await page.selectOption('#data-3d-which', 'samples');
      await page.waitForFunction(() => document.querySelector('#data-3d').dataset.showing === 'samples');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('the denoising variant shows rows as the network gets them; the code bars and PCA’s rows are drawn', async () => {
    const { page, context, errors } = await openPage(
      app,
      '#lesson=data&source=sensors&rows=1000&variant=denoise&encoder=64&latent=8&act=tanh',
    );
    try {
      await page.click('#play');
      await waitForStep(page, 200, 60_000);
      await pause(page);
      await page.waitForFunction(() => document.querySelector('#data-noisy-0')?.dataset.painted === 'true');
      assert.match(
        await page.textContent('section[aria-labelledby="data-rows-title"] > .hint'),
        /as the network gets it, 30% of its values hidden/,
      );
      await page.waitForFunction(() => document.querySelector('#data-code-note')?.dataset.off, null, {
        timeout: 30_000,
      });
      assert.match(await page.textContent('#data-code-note'), /of the 8 code numbers over 100 validation rows/);
      await page.check('#data-rows-pca');
      await page.waitForFunction(() => document.querySelector('#data-pca-0')?.dataset.painted === 'true', null, {
        timeout: 30_000,
      });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('finds the faulty machine windows held out from training, and says where their error is', async () => {
    const { page, context, errors } = await openPage(
      app,
      '#lesson=data&source=sensors&rows=2000&dseed=2&faults=0.2&encoder=64&latent=8&act=tanh&lr=0.002',
    );
    try {
      assert.match(await page.textContent('#data-about'), /Machine sensors: 2,000 rows of 128 values/);
      assert.match(await page.textContent('#data-anomaly-what'), /500 held-out windows/);
      await page.click('#play');
      await waitForStep(page, 1500, 90_000);
      await pause(page);
      await page.click('#data-score');
      // A report from before the pause may be on screen already: wait for one scored after training.
      await page.waitForFunction(
        (n) =>
          Number(document.querySelector('#data-anomaly-note')?.dataset.step) >= n &&
          document.querySelector('#data-auc')?.dataset.value,
        1500,
        { timeout: 30_000 },
      );
      const auc = Number(await page.getAttribute('#data-auc', 'data-value'));
      assert.ok(auc > 0.8, `AUC ${auc}`);
      assert.deepEqual(await axeViolations(page), [], 'axe, the sensors scored');
      const top = await page.$$eval('#data-top-rows li', (list) => list.map((li) => li.textContent));
      assert.equal(top.length, 5);
      assert.match(top[0], /error .*largest in (vibration|temperature|current|pressure) t\d+/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('trains on a CSV table from disk with a label column, and refuses hostile tables without losing it', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=data&source=curve&rows=1000&latent=1');
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    try {
      await chooseFile(page, '#table-file', 'clusters.csv', clustersCsv());
      await page.waitForFunction(() => document.querySelector('#data-about').dataset.kind === 'table', null, {
        timeout: 30_000,
      });
      assert.match(await page.textContent('#data-about'), /clusters\.csv: 400 rows of 6 values/);
      assert.doesNotMatch(page.url(), /clusters/);
      assert.match(page.url(), /data=own/);
      assert.match(await page.textContent('#data-left-out'), /name: /);
      assert.match(await page.textContent('#data-left-out'), /kind: /);
      assert.match(await page.textContent('#data-preview'), /1 cells are missing/);
      const columns = await page.$$eval('#data-columns tbody th', (th) => th.map((t) => t.textContent));
      assert.deepEqual(columns, ['a', 'b', 'c', 'd', 'e', 'f']);
      assert.match(await page.textContent('#data-columns tbody tr:last-child'), /constant: kept/);

      await page.selectOption('#table-label', 'kind');
      await page.waitForFunction(() => /2 classes/.test(document.querySelector('#data-classes')?.textContent ?? ''));
      await page.click('#play');
      await waitForStep(page, 400, 60_000);
      await pause(page);
      await page.click('#data-score');
      // A report from before the pause may be on screen already: wait for one scored after training.
      await page.waitForFunction(
        (n) =>
          Number(document.querySelector('#data-anomaly-note')?.dataset.step) >= n &&
          document.querySelector('#data-auc')?.dataset.value,
        400,
        { timeout: 30_000 },
      );
      assert.ok(Number(await page.getAttribute('#data-auc', 'data-value')) > 0.8);

      // The download: every row's score, the standardisation undone, the missing cell filled by the network.
      const csv = await downloaded(page, '#data-download');
      const lines = csv.trim().split('\r\n');
      assert.equal(lines.length, 401);
      assert.equal(lines[0], 'row,label,anomaly_score,a,b,c,d,e,f,filled_by_network');
      const row4 = lines[4].split(',');
      assert.equal(row4[0], '4');
      assert.ok(Number.isFinite(Number(row4[4])) && row4[4] !== '', `the missing b of row 4 is filled: ${lines[4]}`);
      assert.equal(row4.at(-1), 'b');
      assert.equal(lines[5].split(',').at(-1), '', 'nothing filled where nothing was missing');
      const source = clustersCsv().split('\n')[2].split(',');
      const back = lines[2].split(',');
      assert.ok(Math.abs(Number(back[3]) - Number(source[0])) < 1e-3, `column a of row 2: ${back[3]} vs ${source[0]}`);

      assert.deepEqual(await axeViolations(page), [], 'axe, the table read, scored and previewed');

      // Impute: hidden values of test rows, filled by the network better than by the mean (the columns move together).
      assert.match(await page.textContent('#data-impute-table'), /1 missing cells/);
      await page.click('#data-impute-run');
      await page.waitForFunction(() => document.querySelector('#data-impute-result').dataset.iterative, null, {
        timeout: 30_000,
      });
      const filled = await page.$eval('#data-impute-result', (p) => ({ ...p.dataset }));
      assert.ok(Number(filled.iterative) < Number(filled.mean), JSON.stringify(filled));

      // Features: a classifier on raw values, PCA and codes, test accuracy of each.
      await page.click('#data-features-run');
      await page.waitForSelector('#data-features:not([hidden]) tr[data-features="codes"]', { timeout: 60_000 });
      const accuracy = await page.$$eval('#data-features tbody td[data-value]', (td) =>
        td.map((t) => Number(t.dataset.value)),
      );
      assert.equal(accuracy.length, 6);
      assert.ok(
        accuracy.every((a) => a >= 0 && a <= 1),
        String(accuracy),
      );

      // Hostile files: each refused with a sentence; the table stays the run's data.
      for (const [name, text, why] of [
        ['empty.csv', '', /empty|no header|rows/i],
        ['one-row.csv', 'a,b\n1,2\n', /row/i],
        ['ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n', /row 3|line 3|ragged|fields/i],
        ['words.csv', 'a,b\nx,y\nz,w\nq,r\n', /numeric|number|text/i],
      ]) {
        await chooseFile(page, '#table-file', name, text);
        await page.waitForFunction(
          (n) => document.querySelector('#data-message').textContent.startsWith(`${n} was not used`),
          name,
          { timeout: 10_000 },
        );
        const said = await page.textContent('#data-message');
        assert.match(said, why, said);
        assert.match(said, /stay as they were/);
        assert.match(await page.textContent('#data-about'), /clusters\.csv/);
      }
      // A table dropped on the data card is read like one chosen.
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
        document
          .querySelector('#data-title')
          .closest('.card, section, article, div')
          .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, clustersCsv(100));
      await page.waitForFunction(
        () => /dropped\.csv: 100 rows/.test(document.querySelector('#data-about').textContent),
        null,
        {
          timeout: 30_000,
        },
      );

      // A digit lesson says why it does not train on the table.
      await page.click('#lesson-nav a[data-lesson="reconstruct"]');
      await page.waitForFunction(() => document.body.dataset.lesson === 'reconstruct');
      assert.match(
        await page.textContent('#own-data-note'),
        /Your data \(dropped\.csv\) can stand in for the digits here: switch that on in the Your data lesson\./,
      );
      const own = new URL(app.url).origin;
      const foreign = requests.filter((u) => !u.startsWith(own) && !u.startsWith('blob:') && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], 'nothing but the app’s own files is requested');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a large table is scored live on its first 5,000 rows, and the download scores every row', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=data&source=curve&rows=1000&latent=1');
    try {
      await chooseFile(page, '#table-file', 'large.csv', clustersCsv(6000));
      await page.waitForFunction(() => document.querySelector('#data-about').dataset.kind === 'table', null, {
        timeout: 30_000,
      });
      assert.match(
        await page.textContent('#data-anomaly-what'),
        /the first 5,000 of the 6,000 rows \(the download scores every row\)/,
      );
      await page.click('#play');
      await waitForStep(page, 100, 60_000);
      await pause(page);
      await page.click('#data-score');
      await page.waitForFunction(() => document.querySelector('#data-top-rows li'), null, { timeout: 30_000 });
      const csv = await downloaded(page, '#data-download');
      assert.equal(csv.trim().split('\r\n').length, 6001);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('trains on images from a zip with folder labels, MNIST-style, and on colour pictures with conv blocks', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=data&source=curve&rows=1000&batch=16');
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    try {
      await chooseImages(page, '#image-files', { count: 200, zip: true });
      await page.waitForFunction(() => document.querySelector('#data-about').dataset.kind === 'images', null, {
        timeout: 30_000,
      });
      assert.match(await page.textContent('#data-about'), /shapes\.zip: 200 images of 784 values/);
      assert.match(
        await page.textContent('#data-image-counts'),
        /200 images read as grayscale 28×28, 2 labels from the folders \(bar, round\)/,
      );
      assert.equal(await page.locator('#data-pictures canvas').count(), 24);
      await page.click('#play');
      await waitForStep(page, 100, 60_000);
      await pause(page);
      await page.waitForFunction(() => document.querySelector('#data-recon-0')?.dataset.painted === 'true');
      assert.deepEqual(await axeViolations(page), [], 'axe, the images read and previewed');

      // Quality and filters at the pictures' own size.
      await page.waitForFunction(() => document.querySelector('#data-q-ssim')?.dataset.value, null, {
        timeout: 30_000,
      });
      const ssim = Number(await page.getAttribute('#data-q-ssim', 'data-value'));
      assert.ok(ssim > 0 && ssim <= 1, `SSIM ${ssim}`);
      assert.equal(await page.locator('#data-filters canvas').count(), 24);
      assert.equal(await page.getAttribute('#data-filters canvas', 'width'), '28');
      await page.click('#data-score');
      await page.waitForFunction(() => document.querySelector('#data-top-map-0')?.dataset.painted === 'true');
      assert.match(await page.textContent('#data-top-rows li'), /Row [\d,]+ \((bar|round)\): error/);

      // Read like the digits, they can stand in for them in the other lessons.
      assert.equal(await page.isVisible('#data-in-lessons'), true);
      await page.click('#data-in-lessons');
      assert.equal(await page.getAttribute('#data-in-lessons', 'aria-pressed'), 'true');
      for (const lesson of ['reconstruct', 'latent', 'anomalies']) {
        await page.click(`#lesson-nav a[data-lesson="${lesson}"]`);
        await page.waitForFunction(
          (id) => document.body.dataset.lesson === id && !document.querySelector('#play').disabled,
          lesson,
        );
        await page.waitForSelector('#own-data-note', { timeout: 10_000 });
        assert.match(
          await page.textContent('#own-data-note'),
          /trains on your data \(shapes\.zip: 200 images of 784 values, kept in this tab\)/,
        );
        await page.click('#play');
        await waitForStep(page, 30, 60_000);
        await pause(page);
        // The link says only that the data is the person's own, never what it is.
        assert.match(page.url(), new RegExp(`#lesson=${lesson}&.*\\bdata=own&encoder=`));
        assert.doesNotMatch(page.url(), /shapes/, 'your data is not in the link');
        if (lesson === 'reconstruct') {
          // The validation images are yours: their labels are the two folders', named, not ten digits'.
          await page.waitForFunction(() =>
            /16 images: /.test(document.querySelector('#val-grid').getAttribute('aria-label')),
          );
          const words = await page.getAttribute('#val-grid', 'aria-label');
          const labels = /16 images: ([^.]*)\./.exec(words)[1].split(/, | and /);
          assert.equal(labels.length, 16, words);
          assert.deepEqual([...new Set(labels)].sort(), ['bar', 'round'], words);
        }
      }
      await page.click('#own-data-back');
      await page.waitForFunction(() =>
        /can stand in for the digits here/.test(document.querySelector('#own-data-note')?.textContent),
      );
      await page.waitForFunction(() => !document.querySelector('#play').disabled);
      await page.click('#lesson-nav a[data-lesson="data"]');
      await page.waitForFunction(() => document.body.dataset.lesson === 'data');

      // Files that are no images are refused with a sentence each, and the images stay the run's data.
      await page.evaluate(() => {
        const dt = new DataTransfer();
        dt.items.add(new File(['hello'], 'notes.txt', { type: 'text/plain' }));
        dt.items.add(new File([], 'empty.png', { type: 'image/png' }));
        const input = document.querySelector('#image-files');
        input.files = dt.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.waitForFunction(() => /was not used/.test(document.querySelector('#data-message').textContent));
      const refused = await page.textContent('#data-message');
      assert.match(refused, /notes\.txt/, refused);
      assert.match(refused, /stay as they were/);
      assert.match(await page.textContent('#data-about'), /shapes\.zip/);

      // Colour pictures at 16×16 from plain files, trained by a convolutional network.
      await readPicturesAs(page, { size: '16', colour: true });
      await chooseImages(page, '#image-files', { count: 30, zip: false });
      await page.waitForFunction(
        () => /30 files: 30 images/.test(document.querySelector('#data-about').textContent),
        null,
        {
          timeout: 30_000,
        },
      );
      assert.match(
        await page.textContent('#data-image-counts'),
        /colour 16×16, no labels; 30 were resized \(sizes found: 40x32: 30\)/,
      );
      await page.fill('#conv', '8,16');
      await page.press('#conv', 'Tab');
      await page.waitForFunction(
        () => /3×16×16 images → conv blocks of 8, 16 channels/.test(document.querySelector('#data-shape').textContent),
        null,
        {
          timeout: 30_000,
        },
      );
      assert.equal(await page.isHidden('#config-error'), true, await page.textContent('#config-error'));
      await page.click('#play');
      await waitForStep(page, 50, 60_000);
      await pause(page);
      await page.waitForFunction(() => document.querySelector('#data-q-msSsim')?.dataset.value, null, {
        timeout: 30_000,
      });
      assert.match(await page.textContent('#data-filters-note'), /small kernels/);
      const own = new URL(app.url).origin;
      const foreign = requests.filter((u) => !u.startsWith(own) && !u.startsWith('blob:') && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], 'nothing but the app’s own files is requested');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a real folder picked with the folder input: every picture in its sub-folders, labelled by them', {
    skip: skipInFirefox('WebDriver BiDi input.setFiles refuses a folder in Firefox (NS_ERROR_FILE_IS_DIRECTORY)'),
  }, async () => {
    const dir = shapesFolder(30);
    const { page, context, errors } = await openPage(app, '#lesson=data&data=curve&rows=1000');
    try {
      await page.setInputFiles('#image-folder', dir);
      await page.waitForFunction(() => document.querySelector('#data-about').dataset.kind === 'images', null, {
        timeout: 30_000,
      });
      assert.match(await page.textContent('#data-about'), /: 60 images of 784 values/);
      assert.match(
        await page.textContent('#data-image-counts'),
        /60 images read as grayscale 28×28, 2 labels from the folders \(bar, round\)/,
      );
      assert.match(await page.textContent('#data-skipped'), /^1 file skipped:.*notes\.txt/s, 'the text file is named');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
