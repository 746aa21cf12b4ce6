// The person's own data in e2e tests (issue 17): a CSV table with correlated
// columns and a few rows drawn apart, PNG pictures made in the page (plain
// files or a zip with label folders), handed to the page's file inputs as a
// person would pick them; and opening them in Your data for every lesson.

import { waitForStep } from './app.mjs';

/**
 * A CSV with a header: 5 numeric columns that move together and a constant one (a line in 5-D, plus a little noise), except
 * in one row in 25, whose values are drawn apart (the anomalies); a text column, a label column, one missing cell.
 */
export function clustersCsv(rows = 400) {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const lines = ['a,b,c,name,d,e,f,kind'];
  for (let i = 0; i < rows; i++) {
    const odd = i % 25 === 24;
    const t = rand();
    const v = Array.from({ length: 5 }, (_, j) => ((j + 1) * (odd ? rand() : t + 0.02 * (rand() - 0.5))).toFixed(3));
    if (i === 3) v[1] = '';
    lines.push([v[0], v[1], v[2], `item ${i}`, v[3], v[4], '1', odd ? 'odd' : 'usual'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Gives the page's file input `selector` a file made of `text` (or bytes). */
export async function chooseFile(page, selector, name, content) {
  await page.evaluate(
    ({ selector, name, content }) => {
      const input = document.querySelector(selector);
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(content)], name, { type: 'text/csv' }));
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    { selector, name, content: [...Buffer.from(content)] },
  );
}

/**
 * Runs in the page: `count` PNG files of two kinds (round blobs and bars, in colour), packed into a zip
 * with fflate under two label folders, or as plain files -> File[].
 */
export async function makeImages({ count, zip }) {
  const { zipSync } = await import('/www/vendor/fflate.js');
  const files = [];
  for (let i = 0; i < count; i++) {
    const c = document.createElement('canvas');
    [c.width, c.height] = [40, 32];
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 40, 32);
    const round = i % 2 === 0;
    ctx.fillStyle = round ? '#c02020' : '#2040c0';
    ctx.beginPath();
    if (round) ctx.ellipse(20 + (i % 5) - 2, 16, 8 + (i % 3), 8, 0, 0, 2 * Math.PI);
    else ctx.rect(8 + (i % 7), 6, 6, 20);
    ctx.fill();
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    files.push([`${round ? 'round' : 'bar'}/${i}.png`, new Uint8Array(await blob.arrayBuffer())]);
  }
  if (zip) {
    const bytes = zipSync(Object.fromEntries(files.map(([n, b]) => [`shapes/${n}`, b])));
    return [new File([bytes], 'shapes.zip', { type: 'application/zip' })];
  }
  return files.map(([n, b]) => new File([b], n.replace('/', '-'), { type: 'image/png' }));
}

/** Makes images in the page (makeImages) and gives them to the file input `selector`. */
export async function chooseImages(page, selector, options) {
  await page.evaluate(
    async ({ selector, options, make }) => {
      const files = await new Function(`return (${make})`)()(options);
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(f);
      const input = document.querySelector(selector);
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    { selector, options, make: makeImages.toString() },
  );
}

/** Gives the Your data lesson on `page` the clustersCsv table and reads it with the label column "kind". */
export async function openTable(page, rows = 400) {
  await chooseFile(page, '#table-file', 'clusters.csv', clustersCsv(rows));
  await page.waitForFunction(() => document.querySelector('#data-about').dataset.kind === 'table', null, {
    timeout: 30_000,
  });
  await page.selectOption('#table-label', 'kind');
  await page.waitForFunction(() => /2 classes/.test(document.querySelector('#data-classes')?.textContent ?? ''));
}

/** Sets the Your data lesson to read pictures as small `size` px pictures, in colour or gray. */
export async function readPicturesAs(page, { size, colour }) {
  await page.selectOption('#image-mode', 'pictures');
  await page.selectOption('#image-size', size);
  // Set as a person's click would leave it (a scripted click was once not taken in Firefox under load).
  await page.evaluate((on) => {
    const box = document.querySelector('#image-colour');
    if (box.checked !== on) {
      box.checked = on;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }, colour);
}

/**
 * Opens own data in the Your data lesson of `page` (opened at any lesson) and has it stand in
 * for the digits in every lesson that can take it: kind 'table' (clustersCsv, label column
 * "kind") or 'images' (`count` colour pictures read at `size`). -> the data's one-line summary
 */
export async function openOwnData(page, { kind, rows = 400, count = 120, size = '32', colour = true }) {
  await page.click('#lesson-nav a[data-lesson="data"]');
  await page.waitForFunction(() => document.body.dataset.lesson === 'data');
  if (kind === 'table') {
    await openTable(page, rows);
  } else {
    await readPicturesAs(page, { size, colour });
    await chooseImages(page, '#image-files', { count, zip: true });
    await page.waitForFunction(() => /images of/.test(document.querySelector('#data-about').textContent), null, {
      timeout: 60_000,
    });
  }
  await page.click('#data-in-lessons');
  await page.waitForFunction(() => document.querySelector('#data-in-lessons').getAttribute('aria-pressed') === 'true');
  return page.textContent('#data-about');
}

/**
 * Opens `lesson` on the page (opened with debug=1 if `settings` are given: they are committed
 * there, e.g. { latent: 2 }), trains `steps` steps and pauses.
 */
export async function trainLesson(page, lesson, steps, { settings = null, timeout = 90_000 } = {}) {
  const ready = () =>
    page.waitForFunction(() => !document.querySelector('#play').disabled, null, {
      timeout,
    });
  await page.click(`#lesson-nav a[data-lesson="${lesson}"]`);
  await page.waitForFunction((id) => document.body.dataset.lesson === id, lesson);
  await ready();
  if (settings) {
    await page.evaluate((s) => window.__playground.commit(s), settings);
    await page.waitForFunction((s) => {
      const state = window.__playground.state;
      return Object.entries(s).every(([k, v]) => JSON.stringify(state[k]) === JSON.stringify(v));
    }, settings);
    await ready();
  }
  await page.click('#play');
  await waitForStep(page, steps, timeout);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#run-status').textContent === 'Paused.');
}

/** A 24-bit BMP of w×h pixels from colour(x, y) -> [r, g, b] (made here: a page's canvas.toBlob can take seconds each under load). */
export function bmp(w, h, colour) {
  const row = Math.ceil((w * 3) / 4) * 4;
  const b = Buffer.alloc(54 + row * h);
  b.write('BM', 0);
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(h, 22); // positive: bottom-up rows
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(row * h, 34);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, bl] = colour(x, y);
      b.set([bl, g, r], 54 + (h - 1 - y) * row + x * 3);
    }
  }
  return b;
}
