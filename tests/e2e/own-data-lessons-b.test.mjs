// Latent space and Generate (VAE) on the person's own data (issue 17): a CSV
// table with a label column, and colour pictures with no labels, opened in
// Your data and used in every lesson. The latent map has one dot per
// validation row, coloured by the data's own labels (one colour, and said so,
// when there are none); its tips, decoded points, path ends and the VAE's
// samples, map and Gaussian are rows drawn at the row's shape; the tip of a
// table row gives its values in the table's units. One page per data kind.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForPicture, waitForStep, pixelDifference, readNumber } from './helpers/app.mjs';
import { axeViolations } from './helpers/axe.mjs';
import { chooseFile, chooseImages, readPicturesAs } from './helpers/own-data.mjs';

/**
 * A CSV of `rows` rows: columns a–e are (j + 1)·t plus a little noise for one t per row ("usual" rows, so b ≈ 2a
 * and c ≈ 3a), or drawn at random ("odd" rows, one in five); a text column, a constant column, the label last.
 */
function tableCsv(rows = 400) {
  let seed = 11;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const lines = ['a,b,c,name,d,e,f,kind'];
  for (let i = 0; i < rows; i++) {
    const odd = i % 5 === 4;
    const t = rand();
    const v = Array.from({ length: 5 }, (_, j) => ((j + 1) * (odd ? rand() : t + 0.01 * (rand() - 0.5))).toFixed(3));
    lines.push([v[0], v[1], v[2], `item ${i}`, v[3], v[4], '1', odd ? 'odd' : 'usual'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Opens Your data, reads the data with `open(page)` and has it stand in for the digits in the lessons. */
async function openOwnData(app, open) {
  const opened = await openPage(app, '#lesson=data&source=curve&rows=1000&latent=1');
  await open(opened.page);
  await opened.page.click('#data-in-lessons');
  assert.equal(await opened.page.getAttribute('#data-in-lessons', 'aria-pressed'), 'true');
  return opened;
}

/** Goes to lesson `id` by its menu link and waits until its network is built. */
async function goTo(page, id) {
  await page.click(`#lesson-nav a[data-lesson="${id}"]`);
  await page.waitForFunction(
    (lesson) => document.body.dataset.lesson === lesson && !document.querySelector('#play').disabled,
    id,
    { timeout: 60_000 },
  );
}

/** Plays until step `n`, then pauses and waits until the page says so. */
async function trainTo(page, n) {
  await page.click('#play');
  await waitForStep(page, n, 90_000);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

/** A canvas's size as [width, height]. */
const sizeOf = (page, sel) => page.$eval(sel, (c) => [c.width, c.height]);

/** Whether a canvas holds colour: a pixel whose red, green and blue differ by more than 80. */
const hasColour = (page, sel) =>
  page.$eval(sel, (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 80) return true;
    }
    return false;
  });

/** The size of a mosaic of `count` tiles of w×h, `cols` to a row, with a `gap`-pixel border (draw/row-mosaic.js). */
function mosaic(count, cols, [w, h], gap) {
  const rows = Math.ceil(count / cols);
  return [cols * w + (cols + 1) * gap, rows * h + (rows + 1) * gap];
}

/** Hovers the plot's first dot (validation row 0) and returns the tip's text once it shows. */
async function hoverFirstDot(page) {
  await page.locator('#latent-plot').scrollIntoViewIfNeeded();
  // A refresh landing after the pause can move the dots: read where the first one is again and retry.
  for (let attempt = 1; ; attempt++) {
    const box = await page.locator('#latent-plot').boundingBox();
    const [fx, fy] = (await page.getAttribute('#latent-plot', 'data-first-point')).split(',').map(Number);
    await page.mouse.move(box.x + fx, box.y + fy);
    try {
      await page.waitForSelector('#latent-tip:not([hidden])', { timeout: 8_000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.mouse.move(box.x - 20, box.y - 20);
    }
  }
  assert.equal(await page.getAttribute('#latent-tip', 'data-index'), '0');
  await page.waitForSelector('#latent-tip canvas[data-painted="true"]');
  return page.textContent('#latent-tip');
}

/** Clicks inside the plot and waits for the decoded picture. */
async function decodeAPoint(page) {
  const box = await page.locator('#latent-plot').boundingBox();
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.45);
  await page.waitForSelector('#latent-decoded[data-painted="true"]');
  assert.ok(Number.isFinite(await readNumber(page, '#latent-decoded', 'data-x')));
}

/** The VAE's Gaussian for the row the card holds: the overlay's μ is the one the note gives, to 2 decimals. */
async function checkGaussian(page, what) {
  await page.waitForSelector('#vae-gaussian[data-painted="true"]', { timeout: 20_000 });
  const mu = (await page.getAttribute('#vae-gaussian', 'data-mu')).split(',').map(Number);
  const note = await page.textContent('#vae-gauss-note');
  assert.match(note, new RegExp(`^The chosen ${what}: μ = \\(`), note);
  const shown = /μ = \(([−\d.]+), ([−\d.]+)\)/
    .exec(note)
    .slice(1, 3)
    .map((s) => Number(s.replace('−', '-')) || 0);
  assert.deepEqual(
    shown,
    mu.map((v) => Number(v.toFixed(2)) || 0),
    note,
  );
  await page.waitForSelector('#vae-gauss-samples canvas[data-painted="true"]');
}

describe('Latent space and Generate on your own data', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('a table with a label column: codes coloured by its labels, rows in the tips, paths and the VAE, MSE for its values', async () => {
    const { page, context, errors } = await openOwnData(app, async (p) => {
      await chooseFile(p, '#table-file', 'clusters.csv', tableCsv());
      await p.waitForFunction(() => document.querySelector('#data-about').dataset.kind === 'table', null, {
        timeout: 30_000,
      });
      await p.selectOption('#table-label', 'kind');
      await p.waitForFunction(() => /2 classes/.test(document.querySelector('#data-classes')?.textContent ?? ''));
    });
    try {
      const names = /2 classes \(([^)]*)\)/.exec(await page.textContent('#data-classes'))[1].split(', ');
      assert.deepEqual([...names].sort(), ['odd', 'usual']);
      // 400 rows: a tenth are validation rows (worker/data-source.js trainingRows); 6 numeric columns, drawn 3×2.
      const validation = 40;
      const shape = [3, 2];

      await goTo(page, 'latent');
      assert.match(
        await page.textContent('#own-data-note'),
        /trains on your data \(clusters\.csv: 400 rows of 6 values/,
      );
      await trainTo(page, 200);
      await page.waitForSelector(`#latent-plot[data-points="${validation}"][data-painted="true"]`);
      assert.equal(await page.textContent('#plot-title'), `The codes of ${validation} validation rows`);
      // The legend is the data's labels, in its order, not the ten digits.
      assert.deepEqual(await page.$$eval('#latent-legend li', (els) => els.map((e) => e.textContent)), names);
      const words = await page.getAttribute('#latent-plot', 'aria-label');
      assert.match(words, /coloured by label/);
      assert.match(words, new RegExp(`${validation} rows .*Middle of the dots of each label: \\w+ at \\(`), words);
      for (const name of names) assert.match(words, new RegExp(`${name} at \\(`), words);

      // The tip shows the row at its shape, its label and its first values in the table's units.
      const tip = await hoverFirstDot(page);
      assert.deepEqual(await sizeOf(page, '#latent-tip canvas'), shape);
      const m = /^(usual|odd), row 1: a ([−\d.e+-]+), b ([−\d.e+-]+), c ([−\d.e+-]+), d [−\d.e+-]+, …$/.exec(tip);
      assert.ok(m, tip);
      const [a, b, c] = m.slice(2, 5).map((s) => Number(s.replace('−', '-')));
      if (m[1] === 'usual') {
        // Standardised for the network, shown again in the table's own units: b = 2a and c = 3a, give or take the noise.
        assert.ok(Math.abs(b - 2 * a) < 0.03 && Math.abs(c - 3 * a) < 0.04, tip);
      } else {
        for (const v of [a, b, c]) assert.ok(v >= -0.01 && v <= 5.01, tip);
      }

      await decodeAPoint(page);
      assert.deepEqual(await sizeOf(page, '#latent-decoded'), shape);

      // The path's ends: validation rows taken in turn from each label; the blend runs from one to the other.
      assert.equal(await page.locator('#pick-from-pad ~ .pick').count(), 10);
      const first = await page.getAttribute('#pick-from-0', 'aria-label');
      const second = await page.getAttribute('#pick-to-1', 'aria-label');
      assert.match(first, /^Start at row \d+ \((usual|odd)\)$/);
      assert.match(second, /^End at row \d+ \((usual|odd)\)$/);
      assert.notEqual(/\((\w+)\)/.exec(first)[1], /\((\w+)\)/.exec(second)[1], 'the first two ends have two labels');
      assert.match(
        await page.textContent('#interp-note'),
        /^From validation row \d+ \((usual|odd)\) to validation row \d+ \((usual|odd)\)\. .*not the rows themselves/,
      );
      await page.waitForSelector('#interp-path canvas:nth-child(10)[data-painted="true"]');
      assert.deepEqual(await sizeOf(page, '#interp-path canvas:nth-child(10)'), shape);
      assert.equal(await pixelDifference(page, '#pick-from-0 canvas', '#interp-blend canvas:nth-child(1)'), 0);
      assert.equal(await pixelDifference(page, '#pick-to-1 canvas', '#interp-blend canvas:nth-child(10)'), 0);
      assert.match(await page.textContent('.interp-rows'), /Value blend/);
      // The row card stands in for the drawing: its code is the star.
      await page.waitForFunction(() =>
        /^Its code: z₁ = -?\d+\.\d\d, z₂ = -?\d+\.\d\d, the ★ in the plot\.$/.test(
          document.querySelector('#pad-error').textContent,
        ),
      );
      assert.deepEqual(await axeViolations(page), [], 'axe, latent space on a table');

      // Generate: the BCE cannot score standardised values, so the lesson's loss is the MSE here.
      await goTo(page, 'generate');
      assert.match(page.url(), /loss=mse/);
      assert.equal(await page.isHidden('#config-error'), true);
      assert.match(await page.textContent('#lesson-note'), /reconstruction term is the MSE/);
      assert.match(await page.textContent('#own-data-note'), /trains on your data \(clusters\.csv/);
      await trainTo(page, 150);
      await waitForPicture(page, '#vae-samples', { min: 20 });
      await waitForPicture(page, '#vae-map', { min: 20 });
      assert.deepEqual(await sizeOf(page, '#vae-samples'), mosaic(48, 8, shape, 1));
      assert.deepEqual(await sizeOf(page, '#vae-map'), mosaic(225, 15, shape, 0));
      assert.ok((await readNumber(page, '#stat-kl', 'data-value')) > 0, 'the KL term is shown');
      assert.ok((await readNumber(page, '#stat-recon', 'data-value')) > 0, 'the reconstruction term is shown');
      assert.equal(await page.$eval('#stat-kl', (dd) => dd.previousElementSibling.textContent), 'KL (nats per row)');
      await checkGaussian(page, 'row');
      const before = await page.$eval('#vae-samples', (c) => c.toDataURL());
      await page.click('#new-samples');
      await page.waitForFunction((b) => document.querySelector('#vae-samples').toDataURL() !== b, before);
      assert.deepEqual(await axeViolations(page), [], 'axe, generate on a table');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('colour pictures with no labels: one colour said so, the tips and paths are the pictures, a VAE of colour pictures', async () => {
    const { page, context, errors } = await openOwnData(app, async (p) => {
      await readPicturesAs(p, { size: '16', colour: true });
      await chooseImages(p, '#image-files', { count: 80, zip: false }); // plain files: no label folders
      await p.waitForFunction(
        () => /80 images of 768 values/.test(document.querySelector('#data-about').textContent),
        null,
        {
          timeout: 30_000,
        },
      );
    });
    try {
      // 80 images: 2 × 8 are held out, 8 of them validation images; each 3 × 16 × 16 values.
      const validation = 8;
      const shape = [16, 16];

      await goTo(page, 'latent');
      assert.match(await page.textContent('#own-data-note'), /trains on your data \(80 files: 80 images of 768 values/);
      await trainTo(page, 80);
      await page.waitForSelector(`#latent-plot[data-points="${validation}"][data-painted="true"]`);
      assert.equal(await page.textContent('#plot-title'), `The codes of ${validation} validation images`);
      assert.deepEqual(await page.$$eval('#latent-legend li', (els) => els.map((e) => e.textContent)), [
        'Your data has no labels, so every image has the same colour.',
      ]);
      const words = await page.getAttribute('#latent-plot', 'aria-label');
      assert.match(words, /all in one colour/);
      assert.match(
        words,
        new RegExp(`${validation} images .*your data has no labels\\. Middle of the dots: \\(`),
        words,
      );

      // The tip shows validation image 1 in colour, as the first path end shows it.
      assert.equal(await hoverFirstDot(page), 'image 1');
      assert.deepEqual(await sizeOf(page, '#latent-tip canvas'), shape);
      assert.ok(await hasColour(page, '#latent-tip canvas'));
      await page.waitForSelector('#pick-to-0 canvas[data-painted="true"]');
      assert.equal(await pixelDifference(page, '#latent-tip canvas', '#pick-to-0 canvas'), 0);

      await decodeAPoint(page);
      assert.deepEqual(await sizeOf(page, '#latent-decoded'), shape);
      // One end per validation image (8), then the path between the first two.
      assert.equal(await page.locator('#pick-from-pad ~ .pick').count(), validation);
      assert.equal(await page.getAttribute('#pick-from-1', 'aria-label'), 'Start at image 2');
      assert.equal(await page.getAttribute('#pick-from-pad', 'aria-label'), 'Start at the chosen image');
      assert.match(await page.textContent('#interp-note'), /^From validation image 1 to validation image 2\./);
      await page.waitForSelector('#interp-path canvas:nth-child(10)[data-painted="true"]');
      assert.deepEqual(await sizeOf(page, '#interp-path canvas:nth-child(10)'), shape);
      assert.equal(await pixelDifference(page, '#pick-to-1 canvas', '#interp-blend canvas:nth-child(10)'), 0);
      assert.match(await page.textContent('.interp-rows'), /Pixel blend/);
      assert.deepEqual(await axeViolations(page), [], 'axe, latent space on colour pictures');

      // Generate: pictures are in [0, 1], so the lesson keeps its BCE.
      await goTo(page, 'generate');
      assert.match(page.url(), /loss=bce/);
      await trainTo(page, 80);
      await waitForPicture(page, '#vae-samples', { min: 200 });
      await waitForPicture(page, '#vae-map', { min: 500 });
      assert.deepEqual(await sizeOf(page, '#vae-samples'), mosaic(48, 8, shape, 1));
      assert.deepEqual(await sizeOf(page, '#vae-map'), mosaic(225, 15, shape, 0));
      assert.ok(await hasColour(page, '#vae-map'), 'the map is of colour pictures');
      assert.ok((await readNumber(page, '#stat-kl', 'data-value')) > 0, 'the KL term is shown');
      assert.equal(await page.$eval('#stat-kl', (dd) => dd.previousElementSibling.textContent), 'KL (nats per image)');
      await checkGaussian(page, 'image');
      assert.deepEqual(await axeViolations(page), [], 'axe, generate on colour pictures');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
