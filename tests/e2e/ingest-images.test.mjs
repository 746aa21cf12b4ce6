// Images from disk (www/ingest/images.js, issue 17) in a real browser: PNG,
// JPEG and WebP files the browser's own canvas encodes, a BMP and a GIF written
// byte by byte, an empty file, a corrupt PNG, a text file, label folders, a zip
// built with fflate, and files chosen in a real <input type=file multiple>
// (setInputFiles). MNIST-style digits come out the same for white-on-black and
// black-on-white ink, centred by mass; colour pictures keep their colours. No
// request leaves the page while it reads.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPage, startApp } from './helpers/app.mjs';

/**
 * Runs in the page: window.__fx with makers of image files. Everything is made
 * by the browser itself (canvas.toBlob) or written here byte by byte.
 */
function installFixtures() {
  const canvasOf = (w, h, draw) => {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    draw(c.getContext('2d'), w, h);
    return c;
  };
  const encode = (c, type, quality) => new Promise((resolve) => c.toBlob(resolve, type, quality));
  const fill = (colour) => (ctx, w, h) => {
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, w, h);
  };
  /** A filled ellipse on paper: the digit-like blob. */
  const ellipse = (ink, paper, cx, cy, rx, ry) => (ctx, w, h) => {
    fill(paper)(ctx, w, h);
    ctx.fillStyle = ink;
    ctx.beginPath();
    ctx.ellipse(cx, cy, rx, ry, 0, 0, 2 * Math.PI);
    ctx.fill();
  };
  /** A 24-bit BMP (bottom-up rows, padded to 4 bytes) of one colour. */
  const bmp = (w, h, [r, g, b]) => {
    const stride = Math.ceil((w * 3) / 4) * 4;
    const bytes = new Uint8Array(54 + stride * h);
    const v = new DataView(bytes.buffer);
    bytes.set([0x42, 0x4d]);
    v.setUint32(2, bytes.length, true);
    v.setUint32(10, 54, true);
    v.setUint32(14, 40, true);
    v.setInt32(18, w, true);
    v.setInt32(22, h, true);
    v.setUint16(26, 1, true);
    v.setUint16(28, 24, true);
    v.setUint32(34, stride * h, true);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) bytes.set([b, g, r], 54 + y * stride + x * 3);
    return bytes;
  };
  /**
   * A GIF of one colour with two frames (the second another colour: only the
   * first is read). LZW with 7-bit literals: every code is one byte, and a
   * clear code every 100 pixels keeps the table from growing past 8 bits.
   */
  const gif = (w, h, first, second) => {
    const out = [...new TextEncoder().encode('GIF89a'), w & 255, w >> 8, h & 255, h >> 8, 0xf6, 0, 0];
    const palette = new Array(128 * 3).fill(0);
    palette.splice(0, 6, ...first, ...second);
    out.push(...palette);
    const frame = (index) => {
      out.push(0x2c, 0, 0, 0, 0, w & 255, w >> 8, h & 255, h >> 8, 0, 7);
      const codes = [];
      for (let i = 0; i < w * h; i++) {
        if (i % 100 === 0) codes.push(128);
        codes.push(index);
      }
      codes.push(129);
      for (let i = 0; i < codes.length; i += 255) {
        const block = codes.slice(i, i + 255);
        out.push(block.length, ...block);
      }
      out.push(0);
    };
    out.push(0x21, 0xff, 11, ...new TextEncoder().encode('NETSCAPE2.0'), 3, 1, 0, 0, 0);
    frame(0);
    frame(1);
    out.push(0x3b);
    return new Uint8Array(out);
  };
  window.__fx = {
    canvasOf,
    encode,
    fill,
    ellipse,
    bmp,
    gif,
    /** The module under test. */
    images: () => import('/www/ingest/images.js'),
    fflate: () => import('/www/vendor/fflate.js'),
    /** A summary that crosses back to node: typed arrays as plain arrays. */
    summary: (r) => ({
      ...r,
      values: Array.from(r.values),
      labels: r.labels && Array.from(r.labels),
    }),
  };
}

/** Mean of channel `c` of image `i` of a result (its values as an array). */
function meanOf(r, i, c) {
  const plane = r.height * r.width;
  const start = (i * r.channels + c) * plane;
  let s = 0;
  for (let k = start; k < start + plane; k++) s += r.values[k];
  return s / plane;
}

/** Centre of mass of a 28×28 image, pixel (i, j) centred at (i + 0.5, j + 0.5). */
function centreOfMass(v) {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < 784; k++) {
    m += v[k];
    mx += v[k] * ((k % 28) + 0.5);
    my += v[k] * (Math.floor(k / 28) + 0.5);
  }
  return { x: mx / m, y: my / m };
}

describe('images from disk', () => {
  let app;
  let page;
  let context;
  let errors;

  before(async () => {
    app = await startApp();
    ({ page, context, errors } = await openPage(app, '', { waitReady: false }));
    await page.evaluate(installFixtures);
    await page.evaluate(async () => {
      await window.__fx.images();
      await window.__fx.fflate();
    });
  });

  after(async () => {
    await context?.close();
    await app?.close();
  });

  it('reads PNG, JPEG, WebP, BMP and GIF from label folders; skips empty, corrupt and text files with a sentence', async () => {
    const r = await page.evaluate(async () => {
      const fx = window.__fx;
      const { readImages } = await fx.images();
      const png = await fx.encode(fx.canvasOf(32, 32, fx.fill('rgb(255, 0, 0)')), 'image/png');
      const jpeg = await fx.encode(fx.canvasOf(40, 40, fx.fill('rgb(0, 0, 255)')), 'image/jpeg', 0.95);
      const webp = await fx.encode(fx.canvasOf(48, 24, fx.fill('rgb(0, 0, 255)')), 'image/webp', 1);
      // Transparent on the left half: read as white.
      const clear = await fx.encode(
        fx.canvasOf(32, 32, (ctx) => {
          ctx.fillStyle = 'rgb(255, 0, 0)';
          ctx.fillRect(16, 0, 16, 32);
        }),
        'image/png',
      );
      const corrupt = new Uint8Array(await png.arrayBuffer()).slice(0, 60);
      const pick = (bytes, path) => ({ file: new File([bytes], path.split('/').pop()), path });
      const files = [
        pick(png, 'shapes/red/solid.png'),
        pick(clear, 'shapes/red/half-clear.png'),
        pick(jpeg, 'shapes/blue/solid.jpg'),
        pick(webp, 'shapes/blue/wide.webp'),
        pick(fx.bmp(16, 16, [0, 255, 0]), 'shapes/green/solid.bmp'),
        pick(fx.gif(20, 20, [0, 255, 0], [255, 0, 255]), 'shapes/green/two-frames.gif'),
        pick(new Uint8Array(0), 'shapes/red/empty.png'),
        pick(corrupt, 'shapes/red/cut-short.png'),
        pick(new TextEncoder().encode('not an image'), 'shapes/blue/looks-like.png'),
        pick(new TextEncoder().encode('notes'), 'shapes/notes.txt'),
      ];
      const out = fx.summary(await readImages(files, { mode: 'pictures', size: 32, colour: true }));
      return { ...out, webpType: webp.type };
    });
    assert.deepEqual(r.names, [
      'shapes/red/solid.png',
      'shapes/red/half-clear.png',
      'shapes/blue/solid.jpg',
      'shapes/blue/wide.webp',
      'shapes/green/solid.bmp',
      'shapes/green/two-frames.gif',
    ]);
    assert.equal(r.count, 6);
    assert.deepEqual([r.channels, r.height, r.width], [3, 32, 32]);
    assert.equal(r.values.length, 6 * 3 * 32 * 32);
    assert.deepEqual(r.labelNames, ['blue', 'green', 'red']);
    assert.deepEqual(r.labels, [2, 2, 0, 0, 1, 1]);
    const expected = [
      [1, 0, 0],
      [1, 0.5, 0.5], // half red, half white
      [0, 0, 1],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 0], // the GIF's first frame, not its magenta second
    ];
    for (const [i, rgb] of expected.entries()) {
      for (const [c, want] of rgb.entries()) {
        const got = meanOf(r, i, c);
        assert.ok(Math.abs(got - want) < 0.03, `${r.names[i]} channel ${c}: ${got} (want ${want})`);
      }
    }
    assert.equal(r.resized, 4, 'the 40×40 JPEG, the 48×24 WebP, the 16×16 BMP and the 20×20 GIF');
    assert.deepEqual(r.sizes, { '32x32': 2, '40x40': 1, '48x24': 1, '16x16': 1, '20x20': 1 });
    assert.deepEqual(
      r.skipped.map((s) => s.why),
      [
        'shapes/red/empty.png is empty (0 bytes).',
        'shapes/notes.txt is not an image (PNG, JPEG, WebP, GIF or BMP).',
        'shapes/red/cut-short.png could not be read as an image: it ends before the image does (the file is cut short).',
        'shapes/blue/looks-like.png could not be read as an image: it is damaged or not really a PNG, JPEG, WebP, GIF or BMP.',
      ],
    );
    assert.equal(r.webpType, 'image/webp', 'the browser encoded a real WebP');
    assert.deepEqual(errors, []);
  });

  it('MNIST-style: white-on-black and black-on-white blobs give nearly the same digit, centred by mass at (14, 14)', async () => {
    const r = await page.evaluate(async () => {
      const fx = window.__fx;
      const { readImages } = await fx.images();
      // An upright ellipse off-centre in a 60×80 image, once as chalk, once as ink, once as a JPEG of ink.
      const chalk = fx.canvasOf(60, 80, fx.ellipse('#fff', '#000', 20, 30, 8, 16));
      const ink = fx.canvasOf(60, 80, fx.ellipse('#000', '#fff', 20, 30, 8, 16));
      const files = [
        new File([await fx.encode(chalk, 'image/png')], 'chalk.png'),
        new File([await fx.encode(ink, 'image/png')], 'ink.png'),
        new File([await fx.encode(ink, 'image/jpeg', 0.9)], 'ink.jpg'),
      ];
      return fx.summary(await readImages(files, { mode: 'mnist' }));
    });
    assert.deepEqual([r.count, r.channels, r.height, r.width, r.labels], [3, 1, 28, 28, null]);
    assert.equal(r.resized, 3);
    const [chalk, ink, jpeg] = [0, 1, 2].map((i) => r.values.slice(i * 784, (i + 1) * 784));
    const maxDiff = (a, b) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));
    assert.ok(maxDiff(chalk, ink) < 0.02, `inverted paper: max difference ${maxDiff(chalk, ink)}`);
    assert.ok(maxDiff(chalk, jpeg) < 0.2, `JPEG noise stays small: max difference ${maxDiff(chalk, jpeg)}`);
    for (const [name, img] of [
      ['chalk', chalk],
      ['ink', ink],
      ['jpeg', jpeg],
    ]) {
      const c = centreOfMass(img);
      assert.ok(Math.abs(c.x - 14) <= 0.6 && Math.abs(c.y - 14) <= 0.6, `${name}: centre of mass ${c.x}, ${c.y}`);
      assert.equal(img[0], 0, `${name}: the paper is 0`);
      assert.ok(Math.max(...img) > 0.95, `${name}: the ink reaches 1`);
    }
  });

  it('a zip built with fflate reads like a folder: labels from its folders, macOS and hidden files passed over', async () => {
    const r = await page.evaluate(async () => {
      const fx = window.__fx;
      const { readImages } = await fx.images();
      const { zipSync } = await fx.fflate();
      const bytes = async (c) => new Uint8Array(await (await fx.encode(c, 'image/png')).arrayBuffer());
      const dark = await bytes(fx.canvasOf(28, 28, fx.fill('#000')));
      const light = await bytes(fx.canvasOf(28, 28, fx.fill('#fff')));
      const zip = zipSync({
        'digits/zero/a.png': dark,
        'digits/zero/b.png': dark,
        'digits/one/c.png': light,
        'digits/one/.DS_Store': new Uint8Array(8),
        '__MACOSX/digits/one/._c.png': new Uint8Array(8),
        'digits/readme.txt': new TextEncoder().encode('hello'),
      });
      const progress = [];
      const out = await readImages([new File([zip], 'digits.zip')], {
        mode: 'pictures',
        size: 28,
        onProgress: (done, total) => progress.push([done, total]),
      });
      return { ...fx.summary(out), progress };
    });
    assert.deepEqual(r.names, [
      'digits.zip/digits/zero/a.png',
      'digits.zip/digits/zero/b.png',
      'digits.zip/digits/one/c.png',
    ]);
    assert.deepEqual(r.labelNames, ['one', 'zero']);
    assert.deepEqual(r.labels, [1, 1, 0]);
    assert.deepEqual([r.channels, r.resized], [1, 0]);
    assert.deepEqual([meanOf(r, 0, 0), meanOf(r, 2, 0)], [0, 1]);
    assert.deepEqual(
      r.skipped.map((s) => s.why),
      ['digits.zip/digits/readme.txt is not an image (PNG, JPEG, WebP, GIF or BMP).'],
    );
    assert.deepEqual(r.progress.at(-1), [3, 3]);
  });

  it('a zip bomb is refused before it is unpacked, with a sentence naming the zip and the cap', async () => {
    const r = await page.evaluate(async () => {
      const fx = window.__fx;
      const { readImages } = await fx.images();
      const { zipSync } = await fx.fflate();
      const zip = zipSync({ 'bomb/zeros.png': new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
      try {
        await readImages([new File([zip], 'bomb.zip')], { limits: { fileBytes: 4 * 1024 * 1024 } });
        return { zipBytes: zip.length, message: null };
      } catch (err) {
        return { zipBytes: zip.length, message: err.message };
      }
    });
    assert.ok(r.zipBytes < 50_000, `the zip is small: ${r.zipBytes} bytes`);
    assert.equal(r.message, 'bomb.zip holds bomb/zeros.png, which unpacks to 8 MB; each file may be at most 4 MB.');
  });

  it('files chosen in a real <input type=file multiple> are read; nothing is fetched meanwhile', async () => {
    // The browser encodes the images; node hands them back through the file input, as a person would.
    const made = await page.evaluate(async () => {
      const fx = window.__fx;
      const out = [];
      for (const [name, colour, type] of [
        ['grey.png', '#808080', 'image/png'],
        ['black.jpg', '#000', 'image/jpeg'],
      ]) {
        const blob = await fx.encode(fx.canvasOf(30, 20, fx.fill(colour)), type, 0.95);
        out.push({ name, type, bytes: Array.from(new Uint8Array(await blob.arrayBuffer())) });
      }
      const input = document.createElement('input');
      input.type = 'file';
      input.multiple = true;
      input.id = 'ingest-test-files';
      document.body.append(input);
      return out;
    });
    await page.setInputFiles('#ingest-test-files', [
      ...made.map((f) => ({ name: f.name, mimeType: f.type, buffer: Buffer.from(f.bytes) })),
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
    ]);
    const requests = [];
    const record = (req) => requests.push(req.url());
    page.on('request', record);
    const r = await page.evaluate(async () => {
      const fx = window.__fx;
      const { readImages } = await fx.images();
      const files = document.querySelector('#ingest-test-files').files;
      return fx.summary(await readImages(files, { mode: 'pictures', size: 16 }));
    });
    page.off('request', record);
    assert.deepEqual(r.names, ['grey.png', 'black.jpg']);
    assert.deepEqual([r.count, r.channels, r.height, r.labels, r.resized], [2, 1, 16, null, 2]);
    assert.deepEqual(r.sizes, { '30x20': 2 });
    assert.ok(Math.abs(meanOf(r, 0, 0) - 128 / 255) < 0.01, `grey: ${meanOf(r, 0, 0)}`);
    assert.ok(meanOf(r, 1, 0) < 0.02, `black: ${meanOf(r, 1, 0)}`);
    assert.deepEqual(r.skipped, [
      { file: 'notes.txt', why: 'notes.txt is not an image (PNG, JPEG, WebP, GIF or BMP).' },
    ]);
    assert.deepEqual(requests, [], 'no request while reading');
  });

  it('keeps the page responsive: progress every 20 images, the event loop served between', async () => {
    const r = await page.evaluate(async () => {
      const fx = window.__fx;
      const { readImages } = await fx.images();
      const png = await fx.encode(fx.canvasOf(28, 28, fx.fill('#333')), 'image/png');
      const files = Array.from({ length: 45 }, (_, i) => new File([png], `${i}.png`));
      const progress = [];
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const out = await readImages(files, { mode: 'pictures', onProgress: (d, t) => progress.push([d, t]) });
      clearInterval(timer);
      return { count: out.count, progress, ticks };
    });
    assert.equal(r.count, 45);
    assert.deepEqual(r.progress, [
      [0, 45],
      [20, 45],
      [40, 45],
      [45, 45],
    ]);
    assert.ok(r.ticks >= 2, `timers ran during the import (${r.ticks})`);
  });

  it('nothing readable, or a cap passed: the promise rejects with one sentence', async () => {
    const r = await page.evaluate(async () => {
      const fx = window.__fx;
      const { readImages, IMAGE_LIMITS } = await fx.images();
      const png = await fx.encode(fx.canvasOf(8, 8, fx.fill('#000')), 'image/png');
      const fail = (p) =>
        p.then(
          () => null,
          (err) => err.message,
        );
      return {
        limits: IMAGE_LIMITS,
        nothing: await fail(readImages([new File(['x'], 'a.txt'), new File([], 'b.png')])),
        many: await fail(
          readImages(
            Array.from({ length: 3 }, (_, i) => new File([png], `${i}.png`)),
            { limits: { images: 2 } },
          ),
        ),
        size: await fail(readImages([png], { mode: 'pictures', size: 65 })),
      };
    });
    assert.deepEqual(
      [r.limits.images, r.limits.fileBytes, r.limits.unpackedBytes, r.limits.minSize, r.limits.maxSize],
      [20_000, 50 * 1024 * 1024, 200 * 1024 * 1024, 8, 64],
    );
    assert.equal(
      r.nothing,
      'No image could be read: a.txt is not an image (PNG, JPEG, WebP, GIF or BMP); b.png is empty (0 bytes). Choose PNG, JPEG, WebP, GIF or BMP files, a folder of them or a .zip.',
    );
    assert.equal(r.many, 'There are more than 2 images (the cap was passed at 2.png); at most 2 are read at once.');
    assert.equal(r.size, 'Pictures can be 8 to 64 pixels square, not 65.');
  });
});
