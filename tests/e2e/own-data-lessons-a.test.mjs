// Denoise, Sparse codes and Autoencoder vs PCA on the person's own data
// (issue 17): a CSV table (6 standardised columns, 2 classes) and colour
// pictures read as 16×16 stand in for the digits, each lesson trains on them,
// and what it shows is checked against what the test can work out itself:
// the table's noise is masking (the only kind that makes sense on values
// outside [0, 1]) and changes the share of values the page says, the heat
// map's active units are the ones the page counts, its rows line up with the
// rows' own shape, and PCA is fitted to the table (its variance kept is the
// table's, computed here) or to the pictures, not to the digits.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage, waitForStep, readNumber } from './helpers/app.mjs';
import { axeViolations } from './helpers/axe.mjs';
import { bmp, clustersCsv, openTable, readPicturesAs } from './helpers/own-data.mjs';

/** Eigenvalues of a small symmetric matrix (cyclic Jacobi rotations). */
function eigenvalues(matrix) {
  const a = matrix.map((r) => r.slice());
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-30) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) [a[k][p], a[k][q]] = [c * a[k][p] - s * a[k][q], s * a[k][p] + c * a[k][q]];
        for (let k = 0; k < n; k++) [a[p][k], a[q][k]] = [c * a[p][k] - s * a[q][k], s * a[p][k] + c * a[q][k]];
      }
    }
  }
  return a.map((r, i) => r[i]);
}

/**
 * The share of the table's variance its top k principal directions keep, as the engine sees the table:
 * numeric columns standardised (a constant one is all 0), a missing cell 0. All rows here; the
 * engine fits on its training split, so the two agree to about a percent.
 */
function tableExplained(csv, k) {
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const cols = [0, 1, 2, 4, 5, 6];
  const x = rows.map((r) => cols.map((c) => (r[c] === '' ? Number.NaN : Number(r[c]))));
  const d = cols.length;
  for (let j = 0; j < d; j++) {
    const v = x.map((r) => r[j]).filter(Number.isFinite);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    for (const r of x) r[j] = Number.isFinite(r[j]) && sd > 0 ? (r[j] - m) / sd : 0;
  }
  const mean = Array(d).fill(0);
  for (const r of x) {
    for (let j = 0; j < d; j++) mean[j] += r[j] / x.length;
  }
  const cov = Array.from({ length: d }, () => Array(d).fill(0));
  for (const r of x) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]);
  }
  const ev = eigenvalues(cov).sort((a, b) => b - a);
  return ev.slice(0, k).reduce((a, b) => a + b, 0) / ev.reduce((a, b) => a + b, 0);
}

/** `count` 40×32 colour pictures of two kinds: red round blobs and blue bars on white, a little moved. */
function shapes(count) {
  return Array.from({ length: count }, (_, i) => {
    const round = i % 2 === 0;
    const [cx, rx] = [20 + (i % 5) - 2, 8 + (i % 3)];
    const left = 8 + (i % 7);
    const inside = round
      ? (x, y) => ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - 16) / 8) ** 2 <= 1
      : (x, y) => x >= left && x < left + 6 && y >= 6 && y < 26;
    const ink = round ? [0xc0, 0x20, 0x20] : [0x20, 0x40, 0xc0];
    const bytes = bmp(40, 32, (x, y) => (inside(x, y) ? ink : [255, 255, 255]));
    return { name: `${round ? 'round' : 'bar'}-${i}.bmp`, data: bytes.toString('base64') };
  });
}

/** Opens the Your data lesson with the table or the pictures and has them stand in for the digits. */
async function openOwnData(app, kind) {
  const opened = await openPage(app, '#lesson=data&source=curve&rows=1000&latent=1');
  const { page } = opened;
  if (kind === 'table') {
    await openTable(page);
  } else {
    await readPicturesAs(page, { size: '16', colour: true });
    await page.evaluate(
      ({ files }) => {
        const dt = new DataTransfer();
        for (const { name, data } of files) {
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          dt.items.add(new File([bytes], name, { type: 'image/bmp' }));
        }
        const input = document.querySelector('#image-files');
        input.files = dt.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      { files: shapes(120) },
    );
    await page.waitForFunction(() => document.querySelector('#data-about').dataset.kind === 'images', null, {
      timeout: 30_000,
    });
    assert.match(await page.textContent('#data-about'), /120 images of 768 values/);
  }
  await page.click('#data-in-lessons');
  return opened;
}

/** Opens a lesson from the menu and waits until its run is built. */
async function openLesson(page, id) {
  await page.click(`#lesson-nav a[data-lesson="${id}"]`);
  await page.waitForFunction(
    (lesson) => document.body.dataset.lesson === lesson && !document.querySelector('#play').disabled,
    id,
    { timeout: 60_000 },
  );
  assert.match(await page.textContent('#own-data-note'), /This lesson trains on your data/);
}

/** Plays to `steps` and pauses. */
async function train(page, steps) {
  await page.click('#play');
  await waitForStep(page, steps, 90_000);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

const painted = (page, selector) =>
  page.waitForFunction((s) => document.querySelector(s)?.dataset.painted === 'true', selector, { timeout: 30_000 });

/** Waits for the corrupted rows of this run: the share the page read from them, and every one of them painted. */
async function corrupted(page) {
  await page.waitForSelector('#dn-changed[data-value]');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#dn-noisy canvas')]
      .filter((c) => c.style.display !== 'none')
      .every((c) => c.dataset.painted === 'true'),
  );
}

/** Waits for `selector`'s readout measured at the step training paused at. */
async function measuredAtPause(page, selector) {
  const step = await page.getAttribute('#stat-step', 'data-value');
  await page.waitForSelector(`${selector}[data-step="${step}"]`, { timeout: 30_000 });
}

/** Waits for the heat map of codes painted at the step training paused at. */
async function codesAtPause(page) {
  const step = await page.getAttribute('#stat-step', 'data-value');
  await page.waitForSelector(`#code-heatmap[data-step="${step}"]`, { timeout: 30_000 });
  await page.waitForSelector('#stat-per-digit[data-value]');
}

/**
 * The clean and corrupted validation rows as the page painted them, value by value (a table's cell is
 * one pixel of its block; a colour picture's value one channel of one pixel): the share that differ,
 * and whether every changed one went to the colour of 0 (masking). `zero`: the colour of a 0 value.
 */
function corruption(page, zero) {
  return page.evaluate((zeroColour) => {
    const bytes = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const clean = [...document.querySelectorAll('#dn-clean canvas')].filter((c) => c.style.display !== 'none');
    const noisy = [...document.querySelectorAll('#dn-noisy canvas')];
    let changed = 0;
    let values = 0;
    let toZero = true;
    clean.forEach((c, i) => {
      const [a, b] = [bytes(c), bytes(noisy[i])];
      for (let p = 0; p < a.length; p += 4) {
        if (zeroColour) {
          // One value per pixel, coloured by the diverging palette.
          values += 1;
          if (a[p] !== b[p] || a[p + 1] !== b[p + 1] || a[p + 2] !== b[p + 2]) {
            changed += 1;
            if (b[p] !== zeroColour[0] || b[p + 1] !== zeroColour[1] || b[p + 2] !== zeroColour[2]) toZero = false;
          }
        } else {
          for (let k = 0; k < 3; k++) {
            values += 1;
            if (a[p + k] !== b[p + k]) {
              changed += 1;
              if (b[p + k] !== 0) toZero = false;
            }
          }
        }
      }
    });
    return { share: changed / values, toZero, rows: clean.length };
  }, zero);
}

/**
 * The heat map of codes read back: per row, the units brighter than 10% of the way from paper to the
 * brightest cell (the page's "active" threshold). `side`: the rows' picture height.
 */
function activeFromHeatmap(page, { latent, side, rows }) {
  return page.evaluate(
    ({ latent, side, rows }) => {
      const c = document.querySelector('#code-heatmap');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const at = (x, y) => [0, 1, 2].map((k) => d[(y * c.width + x) * 4 + k]);
      const paper = at(0, 0); // a gap between rows
      const cell = Math.max(2, Math.ceil(256 / latent));
      const cells = [];
      for (let r = 0; r < rows; r++) {
        for (let u = 0; u < latent; u++) cells.push(at(u * cell + 1, 1 + r * (side + 1) + Math.floor(side / 2)));
      }
      const dist = (p) => Math.hypot(p[0] - paper[0], p[1] - paper[1], p[2] - paper[2]);
      const ink = cells.reduce((best, p) => (dist(p) > dist(best) ? p : best), paper);
      const span = dist(ink);
      const active = cells.filter((p) => dist(p) > 0.1 * span + 1).length;
      return { perRow: active / rows, height: c.height };
    },
    { latent, side, rows },
  );
}

/** Whether the canvas holds pixels that are clearly coloured (not gray). */
const hasColour = (page, selector) =>
  page.$eval(selector, (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) return true;
    }
    return false;
  });

describe('denoise, sparse codes and autoencoder vs PCA on your own data', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('on a table: masking noise with its reason, a mosaic of rows, PCA fitted to the table', async () => {
    const { page, context, errors } = await openOwnData(app, 'table');
    try {
      // Denoise: Gaussian is chosen, but the table's values are not in [0, 1]: the run masks values instead.
      await openLesson(page, 'denoise');
      assert.equal(await page.inputValue('#lesson-noise'), 'gaussian');
      assert.match(await page.textContent('#denoise-noise'), /not between 0 and 1.*masking/);
      assert.match(await page.textContent('#lesson-noise-hint'), /masking/);
      assert.match(await page.textContent('#lesson-level-value'), /40% of values erased/);
      assert.equal(await page.isDisabled('#denoise-conv'), true, 'no convolutions over a table’s row');
      assert.match(await page.textContent('#rows-title'), /Validation rows: clean, corrupted, cleaned up/);
      await train(page, 300);
      await painted(page, '#dn-recon canvas');
      await corrupted(page);
      // The constant column f is 0 in every standardised row: its cell shows the colour of 0.
      const zero = await page.$eval('#dn-clean canvas', (c) => [
        ...c
          .getContext('2d')
          .getImageData(5 % c.width, Math.floor(5 / c.width), 1, 1)
          .data.slice(0, 3),
      ]);
      const seen = await corruption(page, zero);
      const said = Number(await page.getAttribute('#dn-changed', 'data-value'));
      assert.equal(seen.rows, 12);
      assert.ok(seen.toZero, 'every changed value went to 0: masking, not clamping');
      assert.ok(Math.abs(seen.share - said) < 0.04, `pictures ${seen.share}, page ${said}`);
      // 40% of the 5 varying columns' values, give or take a few on 60 of them.
      assert.ok(seen.share > 0.15 && seen.share < 0.5, `share changed ${seen.share}`);
      await measuredAtPause(page, '#stat-noisy-mse');
      const noisyMse = await readNumber(page, '#stat-noisy-mse', 'data-value');
      const cleanMse = await readNumber(page, '#stat-clean-mse', 'data-value');
      assert.ok(noisyMse > 0 && noisyMse < 0.5, `noisy in → clean out ${noisyMse} (the mean alone scores about 0.8)`);
      assert.ok(cleanMse > 0 && cleanMse < 0.5, `clean in → clean out ${cleanMse}`);
      await painted(page, '#pad-recon');
      await page.waitForSelector('#pad-error[data-mse]');
      assert.ok(Number.isFinite(await readNumber(page, '#pad-error', 'data-mse')));
      assert.match(await page.textContent('#pad-error'), /Error against the clean row \(MSE\)/);
      assert.deepEqual(await axeViolations(page), [], 'axe, denoise on a table');

      // Sparse codes: the mosaic's rows are the table's 3×2 blocks, and the heat map lines up with them.
      await openLesson(page, 'sparse');
      assert.match(await page.textContent('section[aria-labelledby="bars-title"] > .hint'), /40 validation rows/);
      await train(page, 200);
      await codesAtPause(page);
      const mosaic = await page.$eval('#sparse-digits', (c) => [c.width, c.height]);
      assert.deepEqual(mosaic, [3 + 2, 12 * (2 + 1) + 1], 'twelve 3×2 blocks with 1 px gaps');
      const heat = await activeFromHeatmap(page, { latent: 64, side: 2, rows: 12 });
      assert.equal(heat.height, mosaic[1]);
      const perRow = await readNumber(page, '#stat-per-digit', 'data-value');
      assert.ok(Math.abs(heat.perRow - perRow) <= 0.25, `heat map ${heat.perRow} per row, page ${perRow}`);
      assert.match(await page.textContent('#stat-off-units'), /^\d+ of 64$/);
      assert.deepEqual(await axeViolations(page), [], 'axe, sparse codes on a table');

      // Autoencoder vs PCA: a code of 8 is as wide as a row of 6; a smaller one, then PCA fitted to the table.
      await openLesson(page, 'compare-pca');
      await page.waitForSelector('#pca-status[data-state="too-wide"]');
      assert.match(await page.textContent('#pca-status'), /not smaller than a row of 6/);
      await page.click('#pca-smaller');
      await page.waitForSelector('#pca-status[data-state="ready"]', { timeout: 60_000 });
      assert.match(await page.textContent('#pca-status'), /its 2 directions keep \d+% of the values’ variance/);
      const explained = Number(await page.getAttribute('#pca-status', 'data-explained'));
      const expected = tableExplained(clustersCsv(), 2);
      assert.ok(Math.abs(explained - expected) < 0.02, `PCA keeps ${explained}, the table's top 2: ${expected}`);
      await painted(page, '#cmp-pca canvas');
      await train(page, 200);
      await page.waitForFunction(() => Number(document.querySelector('#pca-chart').dataset.points) >= 2);
      await painted(page, '#cmp-ae canvas');
      const pcaMse = await readNumber(page, '#stat-pca-mse', 'data-value');
      assert.ok(pcaMse > 0 && pcaMse < 0.2, `PCA's validation MSE ${pcaMse}`);
      assert.match(await page.getAttribute('#pca-verdict', 'data-state'), /^(pca|autoencoder)$/);
      await page.waitForSelector('#pad-error[data-pca-mse]');
      assert.match(await page.textContent('#pad-error'), /On the chosen validation row: PCA MSE/);
      assert.deepEqual(await axeViolations(page), [], 'axe, autoencoder vs PCA on a table');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('on colour pictures: their own noise, a mosaic in colour, PCA fitted to the pictures', async () => {
    const { page, context, errors } = await openOwnData(app, 'images');
    try {
      // Denoise: Gaussian noise applies to pictures in [0, 1], per colour value.
      await openLesson(page, 'denoise');
      assert.equal(await page.isHidden('#denoise-noise'), true);
      assert.match(await page.textContent('#rows-title'), /Validation images/);
      await train(page, 100);
      await painted(page, '#dn-recon canvas');
      await corrupted(page);
      const gaussian = await corruption(page, null);
      const said = Number(await page.getAttribute('#dn-changed', 'data-value'));
      assert.equal(gaussian.rows, 12);
      assert.equal(gaussian.toZero, false, 'Gaussian noise moves values anywhere in [0, 1]');
      assert.ok(Math.abs(gaussian.share - said) < 0.03, `pictures ${gaussian.share}, page ${said}`);
      assert.ok(await hasColour(page, '#dn-recon canvas'), 'the clean-up is in colour');
      assert.ok((await readNumber(page, '#stat-noisy-mse', 'data-value')) > 0);
      // Block occlusion needs square gray pictures: in colour, the run masks values instead.
      await page.selectOption('#lesson-noise', 'block');
      await page.waitForFunction(() => /in colour.*masking/.test(document.querySelector('#denoise-noise').textContent));
      await corrupted(page);
      const masked = await corruption(page, null);
      assert.ok(masked.toZero, 'every changed value went to 0');
      // Level 0.4 of 12 × 768 values, nearly all of them above 0 (white paper, coloured shapes).
      assert.ok(Math.abs(masked.share - 0.4) < 0.05, `share changed ${masked.share}`);
      assert.deepEqual(await axeViolations(page), [], 'axe, denoise on pictures');

      // Sparse codes: a colour mosaic of 16×16 pictures, the heat map's rows 16 px high beside them.
      await openLesson(page, 'sparse');
      assert.match(await page.textContent('#codes-title'), /Codes of single images/);
      await train(page, 100);
      await codesAtPause(page);
      const mosaic = await page.$eval('#sparse-digits', (c) => [c.width, c.height]);
      assert.deepEqual(mosaic, [16 + 2, 12 * 17 + 1]);
      assert.ok(await hasColour(page, '#sparse-digits'), 'the pictures in their colours');
      const heat = await activeFromHeatmap(page, { latent: 64, side: 16, rows: 12 });
      assert.equal(heat.height, mosaic[1]);
      const perRow = await readNumber(page, '#stat-per-digit', 'data-value');
      assert.ok(Math.abs(heat.perRow - perRow) <= 0.25, `heat map ${heat.perRow} per row, page ${perRow}`);
      assert.deepEqual(await axeViolations(page), [], 'axe, sparse codes on pictures');

      // Autoencoder vs PCA: PCA on these two kinds of shapes keeps far more than the digits' ~40% at k = 8.
      await openLesson(page, 'compare-pca');
      await page.waitForSelector('#pca-status[data-state="ready"]', { timeout: 60_000 });
      assert.match(await page.textContent('#pca-status'), /its 8 directions keep/);
      const explained = Number(await page.getAttribute('#pca-status', 'data-explained'));
      assert.ok(explained > 0.9, `PCA keeps ${explained} of the pictures' variance`);
      await painted(page, '#cmp-pca canvas');
      assert.ok(await hasColour(page, '#cmp-pca canvas'), 'PCA rebuilds the pictures in colour');
      await train(page, 100);
      await page.waitForFunction(() => Number(document.querySelector('#pca-chart').dataset.points) >= 2);
      await painted(page, '#pad-pca');
      await page.waitForFunction(() => Number(document.querySelector('#pad-error').dataset.pcaMse) > 0);
      assert.deepEqual(await axeViolations(page), [], 'axe, autoencoder vs PCA on pictures');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
