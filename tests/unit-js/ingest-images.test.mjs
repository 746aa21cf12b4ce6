// Images from disk (www/ingest/, issue 17), the parts that need no browser:
// what a file is (name, magic bytes, declared pixel size), labels from folders,
// a zip's directory against the caps (zip bombs refused before anything is
// inflated, with real zips built by fflate), the pixel conversions (pictures
// and MNIST-style digits), and readImages' order of work with a stand-in
// decoder (node has no createImageBitmap; tests/e2e/ingest-images.test.mjs
// runs the real one in Chromium and Firefox).

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { centreOfMass } from '../../www/draw/draw-pad.js';
import {
  baseName,
  cleanPath,
  declaredSize,
  formatBytes,
  isCutShort,
  isHidden,
  kindFromBytes,
  kindFromName,
  kindOf,
  labelsFromPaths,
  naturalCompare,
} from '../../www/ingest/image-files.js';
import {
  borderMean,
  grayFromRgb,
  inkFromGray,
  mnistFromImageData,
  pictureFromImageData,
  resizeArea,
  rgbFromImageData,
} from '../../www/ingest/image-pixels.js';
import { batches, unpackBatch, zipDirectory } from '../../www/ingest/image-zip.js';
import { IMAGE_LIMITS, checkOptions, readImages, sourcesOf } from '../../www/ingest/images.js';
import { zipSync } from '../../www/vendor/fflate.js';

const MB = 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/** The first bytes of a PNG of w×h: signature and IHDR (enough for every check but decoding). */
function pngHead(w, h, extra = []) {
  const b = new Uint8Array(33 + extra.length);
  b.set(PNG_SIGNATURE);
  const v = new DataView(b.buffer);
  v.setUint32(8, 13);
  b.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  v.setUint32(16, w);
  v.setUint32(20, h);
  b.set(extra, 33);
  return b;
}

let bomb = null;
/** A real zip bomb, made once: 60 MB of zeros (past the 50 MB per-file cap) packed into about 60 KB. */
function bombZip() {
  bomb ??= zipSync({ 'bomb/zeros.png': new Uint8Array(60 * MB) }, { level: 9 });
  return bomb;
}

/** An RGBA ImageData-like object of w×h, each pixel from fn(x, y) -> [r, g, b, a]. */
function imageData(w, h, fn) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(fn(x, y), (y * w + x) * 4);
  return { data, width: w, height: h };
}

/** A w×h image of a filled ellipse (centre cx, cy; radii rx, ry) in `ink` on `paper`. */
function blob(w, h, cx, cy, rx, ry, ink, paper) {
  return imageData(w, h, (x, y) => {
    const dx = (x + 0.5 - cx) / rx;
    const dy = (y + 0.5 - cy) / ry;
    return dx * dx + dy * dy <= 1 ? ink : paper;
  });
}

describe('what a file is', () => {
  test('paths: slashes, leading ./ and /, base names, hidden files', () => {
    assert.equal(cleanPath('./digits//cat\\1.png'), 'digits/cat/1.png');
    assert.equal(cleanPath('/x.png'), 'x.png');
    assert.equal(baseName('a/b/c.png'), 'c.png');
    assert.ok(isHidden('digits/.DS_Store'));
    assert.ok(isHidden('__MACOSX/digits/._1.png'));
    assert.ok(isHidden('.git/x.png'));
    assert.ok(!isHidden('digits/cat/1.png'));
  });

  test('formats by name and by magic bytes; the bytes win', () => {
    assert.equal(kindFromName('A.PNG'), 'png');
    assert.equal(kindFromName('x.jpeg'), 'jpeg');
    assert.equal(kindFromName('x.JPG'), 'jpeg');
    assert.equal(kindFromName('x.webp'), 'webp');
    assert.equal(kindFromName('x.gif'), 'gif');
    assert.equal(kindFromName('x.bmp'), 'bmp');
    assert.equal(kindFromName('x.zip'), 'zip');
    assert.equal(kindFromName('notes.txt'), null);
    assert.equal(kindFromName('README'), null);
    assert.equal(kindFromBytes(pngHead(1, 1)), 'png');
    assert.equal(kindFromBytes(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0)), 'jpeg');
    assert.equal(kindFromBytes(new TextEncoder().encode('GIF89a......')), 'gif');
    assert.equal(kindFromBytes(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'webp');
    assert.equal(kindFromBytes(new TextEncoder().encode('PK\x03\x04........')), 'zip');
    assert.equal(kindFromBytes(new TextEncoder().encode('hello, world')), null);
    assert.equal(kindOf('photo.dat', pngHead(1, 1)), 'png', 'a PNG with another name is read');
    assert.equal(kindOf('a.jpg', pngHead(1, 1)), 'png', 'a PNG saved as .jpg is read as a PNG');
    assert.equal(kindOf('broken.png', new TextEncoder().encode('not a png at all')), 'corrupt');
    assert.equal(kindOf('notes.txt', new TextEncoder().encode('not a png at all')), null);
  });

  test("each format's header gives its declared size without decoding", () => {
    assert.deepEqual(declaredSize('png', pngHead(300, 200)), { width: 300, height: 200 });
    assert.deepEqual(declaredSize('png', pngHead(100_000, 100_000)), { width: 100_000, height: 100_000 });
    const gif = Uint8Array.of(...new TextEncoder().encode('GIF89a'), 44, 1, 200, 0, 0, 0);
    assert.deepEqual(declaredSize('gif', gif), { width: 300, height: 200 });
    const bmp = new Uint8Array(54);
    const v = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    v.setUint32(14, 40, true);
    v.setInt32(18, 300, true);
    v.setInt32(22, -200, true); // top-down rows
    assert.deepEqual(declaredSize('bmp', bmp), { width: 300, height: 200 });
    // JPEG: an APP0 segment, then SOF0 with height 200 and width 300.
    const jpeg = Uint8Array.of(
      0xff,
      0xd8,
      0xff,
      0xe0,
      0,
      16,
      ...new Array(14).fill(0),
      0xff,
      0xc0,
      0,
      17,
      8,
      0,
      200,
      1,
      44,
      3,
    );
    assert.deepEqual(declaredSize('jpeg', Uint8Array.of(...jpeg, ...new Array(16).fill(0))), {
      width: 300,
      height: 200,
    });
    const riff = (chunk, body) =>
      Uint8Array.of(...new TextEncoder().encode(`RIFF\0\0\0\0WEBP${chunk}\0\0\0\0`), ...body);
    const vp8x = riff('VP8X', [0, 0, 0, 0, 299 & 255, 299 >> 8, 0, 199, 0, 0]);
    assert.deepEqual(declaredSize('webp', vp8x), { width: 300, height: 200 });
    const vp8 = riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 300 & 255, 300 >> 8, 200, 0]);
    assert.deepEqual(declaredSize('webp', vp8), { width: 300, height: 200 });
    const bits = 299 | (199 << 14);
    const vp8l = riff('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, bits >>> 24, 0, 0, 0, 0, 0]);
    assert.deepEqual(declaredSize('webp', vp8l), { width: 300, height: 200 });
    assert.equal(declaredSize('jpeg', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0)), null, 'a header cut short: unknown');
  });

  test('a file that ends before its image does is cut short', () => {
    const png = pngHead(2, 2, IEND);
    assert.equal(isCutShort('png', png, png.slice(-1024), png.length), false);
    assert.equal(isCutShort('png', png, png.slice(0, 40), 40), true);
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xd9);
    assert.equal(isCutShort('jpeg', jpeg, jpeg, jpeg.length), false);
    assert.equal(isCutShort('jpeg', jpeg, jpeg.slice(0, 12), 12), true);
    const gif = new TextEncoder().encode('GIF89a....;');
    assert.equal(isCutShort('gif', gif, gif, gif.length), false);
    assert.equal(isCutShort('gif', gif, gif.slice(0, 8), 8), true);
    const webp = new TextEncoder().encode('RIFF\x08\0\0\0WEBP....');
    assert.equal(isCutShort('webp', webp, webp, 16), false);
    assert.equal(isCutShort('webp', webp, webp, 15), true);
    const bmp = new Uint8Array(70);
    new DataView(bmp.buffer).setUint32(2, 70, true);
    new DataView(bmp.buffer).setUint32(10, 54, true);
    assert.equal(isCutShort('bmp', bmp, bmp, 70), false);
    assert.equal(isCutShort('bmp', bmp, bmp, 60), true);
  });

  test('sizes and natural order read as a person expects', () => {
    assert.equal(formatBytes(0), '0 bytes');
    assert.equal(formatBytes(2048), '2 KB');
    assert.equal(formatBytes(50 * MB), '50 MB');
    assert.equal(formatBytes(1.5 * MB), '1.5 MB');
    assert.deepEqual(['10', '9', 'b', 'a2', 'a10', '1'].sort(naturalCompare), ['1', '9', '10', 'a2', 'a10', 'b']);
  });
});

describe('labels from folders', () => {
  test('the first folder level under the common root names the class', () => {
    const { labelNames, labelOf } = labelsFromPaths(['digits/dog/1.png', 'digits/cat/2.png', 'digits/cat/deep/3.png']);
    assert.deepEqual(labelNames, ['cat', 'dog']);
    assert.deepEqual(labelOf, ['dog', 'cat', 'cat']);
  });

  test('images directly in the root have no label', () => {
    const { labelNames, labelOf } = labelsFromPaths(['d/a/1.png', 'd/b/2.png', 'd/3.png']);
    assert.deepEqual(labelNames, ['a', 'b']);
    assert.deepEqual(labelOf, ['a', 'b', null]);
  });

  test('one folder, or none, is no labelling', () => {
    assert.deepEqual(labelsFromPaths(['d/cat/1.png', 'd/cat/2.png']), { labelNames: [], labelOf: [null, null] });
    assert.deepEqual(labelsFromPaths(['1.png', '2.png']), { labelNames: [], labelOf: [null, null] });
    assert.deepEqual(labelsFromPaths(['d/cat/1.png', 'd/2.png']), { labelNames: [], labelOf: [null, null] });
    assert.deepEqual(labelsFromPaths([]), { labelNames: [], labelOf: [] });
  });

  test('zips read as folders: two zips label by their names; folders inside one zip label within it', () => {
    assert.deepEqual(labelsFromPaths(['cats.zip/1.png', 'dogs.zip/1.png']).labelNames, ['cats', 'dogs']);
    assert.deepEqual(labelsFromPaths(['pets.zip/pets/cat/1.png', 'pets.zip/pets/dog/1.png']).labelNames, [
      'cat',
      'dog',
    ]);
  });

  test('folder names sort naturally: 2 before 10', () => {
    const paths = ['d/10/a.png', 'd/2/b.png', 'd/1/c.png'];
    assert.deepEqual(labelsFromPaths(paths).labelNames, ['1', '2', '10']);
  });
});

describe('a zip against the caps (fflate, nothing inflated before the checks)', () => {
  const limits = { ...IMAGE_LIMITS };
  const png = pngHead(2, 2);

  test('its directory: images listed, hidden and macOS files passed over, other files skipped with a sentence', () => {
    const zip = zipSync({
      'set/cat/1.png': png,
      'set/dog/2.png': png,
      'set/dog/.DS_Store': new Uint8Array(5),
      '__MACOSX/set/dog/._2.png': new Uint8Array(5),
      'set/notes.txt': new TextEncoder().encode('hello'),
      'set/inner.zip': zipSync({ 'a.png': png }),
      'set/cat/0.png': new Uint8Array(0),
      'set/empty/': new Uint8Array(0),
    });
    const dir = zipDirectory(zip, 'up/set.zip', limits);
    assert.deepEqual(
      dir.entries.map((e) => e.path),
      ['up/set.zip/set/cat/1.png', 'up/set.zip/set/dog/2.png'],
    );
    assert.deepEqual(
      dir.skipped.map((s) => s.why),
      [
        'up/set.zip/set/notes.txt is not an image (PNG, JPEG, WebP, GIF or BMP).',
        'up/set.zip/set/inner.zip is a zip inside a zip; unpack it and choose it on its own.',
        'up/set.zip/set/cat/0.png is empty (0 bytes).',
      ],
    );
    assert.equal(dir.unpackedBytes, 2 * png.length);
    const data = unpackBatch(zip, dir.entries);
    assert.deepEqual(
      data.map((d) => Array.from(d)),
      [Array.from(png), Array.from(png)],
    );
  });

  test('a real zip bomb: 60 MB of zeros in a small zip is refused by the per-file cap, naming the zip and the cap', () => {
    const zip = bombZip();
    assert.ok(zip.length < 200_000, `the zip is small (${zip.length} bytes)`);
    assert.throws(
      () => zipDirectory(zip, 'bomb.zip', limits),
      (err) =>
        err.refused &&
        err.message === 'bomb.zip holds bomb/zeros.png, which unpacks to 60 MB; each file may be at most 50 MB.',
    );
  });

  test('entries that together unpack past the cap are refused, naming the zip and the cap', () => {
    const files = {};
    for (let i = 0; i < 5; i++) files[`z/${i}.png`] = new Uint8Array(MB);
    const zip = zipSync(files);
    const small = { ...limits, unpackedBytes: 3 * MB };
    assert.throws(
      () => zipDirectory(zip, 'many.zip', small),
      (err) =>
        err.refused &&
        /^many\.zip unpacks to more than 3 MB \(its directory declares at least 4 MB\); at most 3 MB of images are unpacked, so nothing was\.$/.test(
          err.message,
        ),
    );
    assert.throws(() => zipDirectory(zip, 'many.zip', { ...limits, images: 4 }), /many\.zip holds more than 4 files/);
  });

  /** Rewrites the central directory's sizes of the first entry (compressed, then unpacked). */
  function patchDirectory(zip, { size, originalSize }) {
    const out = Uint8Array.from(zip);
    const v = new DataView(out.buffer);
    let o = out.length - 22;
    while (v.getUint32(o, true) !== 0x06054b50) o--;
    const cd = v.getUint32(o + 16, true);
    assert.equal(v.getUint32(cd, true), 0x02014b50);
    if (size !== undefined) v.setUint32(cd + 20, size, true);
    if (originalSize !== undefined) v.setUint32(cd + 24, originalSize, true);
    return out;
  }

  test('a directory that declares 300 MB is refused from the directory alone (its data is not even valid)', () => {
    // The entry holds 4 bytes of garbage: inflating it would fail with a deflate error, not a cap.
    const zip = patchDirectory(zipSync({ 'huge.png': Uint8Array.of(1, 2, 3, 4) }, { level: 0 }), {
      size: 4,
      originalSize: 300 * MB,
    });
    assert.throws(
      () => zipDirectory(zip, 'declared.zip', limits),
      /^Error: declared\.zip holds huge\.png, which unpacks to 300 MB; each file may be at most 50 MB\.$/,
    );
  });

  test('an entry whose packed data is far larger than its declared size is refused as crafted', () => {
    const random = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24);
    const zip = patchDirectory(zipSync({ 'liar.png': random }), { originalSize: 1000 });
    assert.throws(
      () => zipDirectory(zip, 'liar.zip', limits),
      /^Error: liar\.zip is damaged or crafted: liar\.png holds/,
    );
  });

  test('a damaged entry is one sentence; the others still unpack', () => {
    const zip = zipSync({ 'a.png': png, 'b.png': new Uint8Array(50_000).fill(7), 'c.png': png });
    const dir = zipDirectory(zip, 'd.zip', limits);
    // Scribble over b.png's deflate data (it starts after its local header: 30 bytes + its name).
    const v = new DataView(zip.buffer);
    let at = 0;
    for (let i = 0; i < 2; i++)
      at += 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true) + (i ? 0 : dir.entries[0].size);
    zip.fill(0xff, at, at + 40);
    const out = unpackBatch(zip, dir.entries);
    assert.ok(out[0] instanceof Uint8Array && out[2] instanceof Uint8Array);
    assert.ok(out[1] instanceof Error);
    assert.equal(out[1].message, 'd.zip/b.png could not be unpacked: its data in the zip is damaged.');
  });

  test('not a zip at all: an Error, not a refusal (the caller skips the file)', () => {
    assert.throws(
      () => zipDirectory(new TextEncoder().encode('PK but no more'), 'x.zip', limits),
      (err) => !err.refused,
    );
  });

  test('batches: at most 200 entries or 8 MB each, a larger entry alone', () => {
    const e = (n) => ({ originalSize: n });
    assert.deepEqual(
      batches([e(5 * MB), e(5 * MB), e(20 * MB), e(1)]).map((b) => b.length),
      [1, 1, 1, 1],
    );
    assert.deepEqual(
      batches(Array.from({ length: 450 }, () => e(10))).map((b) => b.length),
      [200, 200, 50],
    );
  });
});

describe('pixels to numbers', () => {
  test('transparent pixels are composited over white first', () => {
    const img = imageData(2, 1, (x) => (x === 0 ? [0, 0, 0, 0] : [255, 0, 0, 128]));
    const rgb = rgbFromImageData(img);
    assert.deepEqual([rgb[0], rgb[2], rgb[4]], [1, 1, 1], 'a transparent black pixel is white');
    assert.ok(Math.abs(rgb[1] - 1) < 1e-6 && Math.abs(rgb[3] - 127 / 255) < 0.01, 'half-transparent red is pink');
    const gray = grayFromRgb(rgbFromImageData(imageData(1, 1, () => [255, 0, 0, 255])), 1);
    assert.ok(Math.abs(gray[0] - 0.299) < 1e-6, 'luminance weights of BT.601');
  });

  test('area resizing keeps the mean and averages blocks', () => {
    const plane = Float32Array.from({ length: 16 }, (_, i) => i / 15);
    const small = resizeArea(plane, 4, 4, 2, 2);
    assert.deepEqual(
      Array.from(small, (v) => Math.round(v * 15 * 4)),
      [10, 18, 42, 50],
    );
    const odd = resizeArea(plane, 4, 4, 3, 5);
    const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(Math.abs(mean(odd) - mean(plane)) < 1e-6);
  });

  test('pictures: colour is channel-major RGB at the chosen size, grayscale one plane', () => {
    // Left half red, right half blue, 64×48 (not square: stretched).
    const img = imageData(64, 48, (x) => (x < 32 ? [255, 0, 0, 255] : [0, 0, 255, 255]));
    const c = pictureFromImageData(img, 8, true);
    assert.equal(c.length, 3 * 64);
    const at = (ch, x, y) => c[ch * 64 + y * 8 + x];
    assert.deepEqual([at(0, 1, 3), at(1, 1, 3), at(2, 1, 3)], [1, 0, 0], 'red on the left');
    assert.deepEqual([at(0, 6, 3), at(1, 6, 3), at(2, 6, 3)], [0, 0, 1], 'blue on the right');
    const g = pictureFromImageData(img, 8, false);
    assert.equal(g.length, 64);
    assert.ok(Math.abs(g[0] - 0.299) < 1e-6 && Math.abs(g[7] - 0.114) < 1e-6);
  });

  test('MNIST-style: white on black and black on white give the same digit, centred by mass', () => {
    const w = 60;
    const h = 80;
    const dark = mnistFromImageData(blob(w, h, 20, 30, 8, 16, [255, 255, 255, 255], [0, 0, 0, 255]));
    const light = mnistFromImageData(blob(w, h, 20, 30, 8, 16, [0, 0, 0, 255], [255, 255, 255, 255]));
    assert.equal(dark.length, 784);
    let diff = 0;
    for (let i = 0; i < 784; i++) diff = Math.max(diff, Math.abs(dark[i] - light[i]));
    assert.ok(diff < 1e-5, `inverted paper gives the same digit (max difference ${diff})`);
    const c = centreOfMass(dark, 28, 28);
    assert.ok(Math.abs(c.x - 14) <= 0.5 && Math.abs(c.y - 14) <= 0.5, `centre of mass ${c.x}, ${c.y}`);
    let top = 28;
    let bottom = -1;
    for (let i = 0; i < 784; i++) {
      if (dark[i] > 0) {
        top = Math.min(top, Math.floor(i / 28));
        bottom = Math.max(bottom, Math.floor(i / 28));
      }
    }
    assert.equal(bottom - top + 1, 20, 'the longer side is 20 px');
  });

  test('MNIST-style on grey paper with faint noise: the paper becomes 0, the ink 1', () => {
    const img = blob(40, 40, 20, 20, 6, 10, [30, 30, 30, 255], [200, 200, 200, 255]);
    img.data[4 * 3] = 190; // a speck of noise on the paper
    const gray = grayFromRgb(rgbFromImageData(img), 1600);
    assert.ok(borderMean(gray, 40, 40) > 0.5);
    const ink = inkFromGray(gray, 40, 40);
    assert.equal(ink[0], 0);
    assert.equal(ink[3], 0, 'noise under a tenth of the range is cleared');
    assert.equal(ink[20 * 40 + 20], 1);
    assert.equal(mnistFromImageData(imageData(10, 10, () => [90, 90, 90, 255])), null, 'one flat colour: no digit');
  });
});

describe('readImages (with a stand-in decoder)', () => {
  // The stand-in reads our test "PNGs": a real PNG head (signature + IHDR) and then one grey byte, drawn
  // as a w×h image of that grey. A file whose bytes are cut short fails to decode, as a corrupt image does.
  const saved = {};
  beforeEach(() => {
    saved.createImageBitmap = globalThis.createImageBitmap;
    saved.OffscreenCanvas = globalThis.OffscreenCanvas;
    globalThis.createImageBitmap = async (b) => {
      const bytes = new Uint8Array(await b.arrayBuffer());
      const size = declaredSize('png', bytes);
      if (bytes.length < 34 || !size) throw new DOMException('The source image could not be decoded.');
      return { ...size, grey: bytes[33], close() {} };
    };
    globalThis.OffscreenCanvas = class {
      constructor(w, h) {
        this.width = w;
        this.height = h;
      }
      getContext() {
        let grey = 255;
        return {
          fillRect() {},
          drawImage(bitmap) {
            grey = bitmap.grey;
          },
          getImageData: (_x, _y, w, h) => imageData(w, h, () => [grey, grey, grey, 255]),
        };
      }
    };
  });
  afterEach(() => {
    globalThis.createImageBitmap = saved.createImageBitmap;
    globalThis.OffscreenCanvas = saved.OffscreenCanvas;
  });

  // Our stand-in PNG: a real head, one grey byte, and IEND (so it is not cut short).
  const fakePng = (w, h, grey) => pngHead(w, h, [grey, ...IEND]);
  const image = (name, w, h, grey) => new File([fakePng(w, h, grey)], name);
  const at = (file, path) => ({ file, path });

  test('folders give labels; every file left out has a sentence; sizes and resizes are counted', async () => {
    const progress = [];
    const files = [
      at(image('1.png', 32, 32, 100), 'set/cat/1.png'),
      at(image('2.png', 40, 30, 50), 'set/dog/2.png'),
      at(image('3.png', 32, 32, 200), 'set/dog/3.png'),
      at(new File([], 'empty.png'), 'set/cat/empty.png'),
      at(new File(['hello'], 'notes.txt'), 'set/notes.txt'),
      at(new File(['not a png at all, really'], 'bad.png'), 'set/cat/bad.png'),
      at(new File([pngHead(32, 32)], 'short.png'), 'set/cat/short.png'),
      at(image('root.png', 32, 32, 0), 'set/root.png'),
      at(new File(['x'], '.DS_Store'), 'set/.DS_Store'),
    ];
    const r = await readImages(files, { mode: 'pictures', size: 32, onProgress: (d, t) => progress.push([d, t]) });
    assert.equal(r.count, 3);
    assert.deepEqual([r.channels, r.height, r.width], [1, 32, 32]);
    assert.equal(r.values.length, 3 * 32 * 32);
    assert.deepEqual(r.names, ['set/cat/1.png', 'set/dog/2.png', 'set/dog/3.png']);
    assert.deepEqual(r.labelNames, ['cat', 'dog']);
    assert.deepEqual(Array.from(r.labels), [0, 1, 1]);
    assert.ok(Math.abs(r.values[0] - 100 / 255) < 1e-6 && Math.abs(r.values[2 * 1024] - 200 / 255) < 1e-6);
    assert.equal(r.resized, 1);
    assert.deepEqual(r.sizes, { '32x32': 2, '40x30': 1 });
    assert.deepEqual(
      r.skipped.map((s) => s.why),
      [
        'set/cat/empty.png is empty (0 bytes).',
        'set/notes.txt is not an image (PNG, JPEG, WebP, GIF or BMP).',
        'set/root.png is not in a sub-folder, so it has no label (the sub-folders cat, dog are the labels).',
        'set/cat/bad.png could not be read as an image: it is damaged or not really a PNG, JPEG, WebP, GIF or BMP.',
        'set/cat/short.png could not be read as an image: it ends before the image does (the file is cut short).',
      ],
    );
    assert.deepEqual(progress.at(0), [0, 5]);
    assert.deepEqual(progress.at(-1), [5, 5]);
  });

  test('a zip reads like a folder, and its folders give labels', async () => {
    const zip = zipSync({
      'pets/cat/a.png': fakePng(28, 28, 10),
      'pets/dog/b.png': fakePng(28, 28, 20),
      'pets/dog/c.png': fakePng(28, 28, 30),
    });
    const r = await readImages([new File([zip], 'pets.zip')], { size: 28 });
    assert.deepEqual(r.names, ['pets.zip/pets/cat/a.png', 'pets.zip/pets/dog/b.png', 'pets.zip/pets/dog/c.png']);
    assert.deepEqual(r.labelNames, ['cat', 'dog']);
    assert.deepEqual(Array.from(r.labels), [0, 1, 1]);
    assert.equal(r.resized, 0);
  });

  test('a label folder whose images were all skipped is no class; one left is no labelling', async () => {
    const r = await readImages([
      at(image('a.png', 8, 8, 1), 'd/a/a.png'),
      at(new File(['junk'], 'b.png'), 'd/b/b.png'),
    ]);
    assert.equal(r.count, 1);
    assert.equal(r.labels, null);
    assert.deepEqual(r.labelNames, []);
  });

  test('a folder picker (webkitRelativePath) and plain files both give paths', () => {
    const f = image('x.png', 8, 8, 1);
    Object.defineProperty(f, 'webkitRelativePath', { value: 'top/sub/x.png' });
    assert.deepEqual(
      sourcesOf([f, image('y.png', 8, 8, 1)]).map((s) => s.path),
      ['top/sub/x.png', 'y.png'],
    );
    assert.throws(() => sourcesOf('x.png'), /a list of files/);
    assert.throws(() => sourcesOf([42]), /File or Blob objects/);
  });

  test('caps refuse the whole import with a sentence naming the file and the cap', async () => {
    const three = ['a', 'b', 'c'].map((n) => image(`${n}.png`, 8, 8, 1));
    await assert.rejects(
      readImages(three, { limits: { images: 2 } }),
      new Error('There are more than 2 images (the cap was passed at c.png); at most 2 are read at once.'),
    );
    await assert.rejects(
      readImages(three, { limits: { fileBytes: 20 } }),
      new Error('a.png is 46 bytes; each file may be at most 20 bytes.'),
    );
    await assert.rejects(
      readImages(three, { limits: { unpackedBytes: 100 } }),
      /passed at c\.png\); at most 100 bytes/,
    );
    await assert.rejects(
      readImages(three, { limits: { values: 1000 } }),
      /3 images of 1×28×28 are 2,352 numbers; at most 1,000 fit/,
    );
    const folders = ['a', 'b', 'c'].map((n) => at(image('x.png', 8, 8, 1), `d/${n}/x.png`));
    await assert.rejects(readImages(folders, { limits: { classes: 2 } }), /in 3 sub-folders; at most 2 can be labels/);
    await assert.rejects(
      readImages([new File([bombZip()], 'bomb.zip')]),
      /^Error: bomb\.zip holds bomb\/zeros\.png, which unpacks to 60 MB; each file may be at most 50 MB\.$/,
    );
  });

  test('an image whose header declares a huge size is skipped before decoding', async () => {
    let decoded = 0;
    const real = globalThis.createImageBitmap;
    globalThis.createImageBitmap = (b) => {
      decoded++;
      return real(b);
    };
    const r = await readImages([image('ok.png', 8, 8, 1), image('huge.png', 100_000, 100_000, 1)]);
    assert.equal(r.count, 1);
    assert.equal(decoded, 1);
    assert.deepEqual(r.skipped, [
      { file: 'huge.png', why: 'huge.png is 100000×100000 pixels; images of up to 40 million pixels are read.' },
    ]);
  });

  test('nothing readable: one sentence with the reasons and what is allowed', async () => {
    await assert.rejects(
      readImages([new File(['hello'], 'notes.txt'), new File([], 'empty.png')]),
      (err) =>
        err.message ===
          'No image could be read: notes.txt is not an image (PNG, JPEG, WebP, GIF or BMP); empty.png is empty (0 bytes). Choose PNG, JPEG, WebP, GIF or BMP files, a folder of them or a .zip.' &&
        err.skipped.length === 2,
    );
    await assert.rejects(readImages([]), /^Error: No files were chosen/);
  });

  test('options: mnist is 1×28×28; picture sizes from 8 to 64', () => {
    assert.deepEqual(checkOptions({ mode: 'mnist', size: 40, colour: true }), {
      mode: 'mnist',
      size: 28,
      colour: false,
      channels: 1,
      side: 28,
      onProgress: null,
    });
    assert.equal(checkOptions({ mode: 'pictures', size: 32, colour: true }).channels, 3);
    assert.throws(
      () => checkOptions({ mode: 'pictures', size: 100 }),
      /^RangeError: Pictures can be 8 to 64 pixels square, not 100\.$/,
    );
    assert.throws(() => checkOptions({ mode: 'faces' }), /unknown: choose "mnist" or "pictures"/);
  });
});
