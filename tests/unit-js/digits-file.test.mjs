// The digits as the page downloads them (www/data/mnist.bin.gz, scripts/pack-data.mjs)
// unpack, with the same DecompressionStream code the worker runs
// (www/worker/transfer.js gunzip), to exactly the bytes of www/data/mnist.bin,
// which the native tests read; and a damaged download is a sentence, not a crash.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OUT, OUT_GZ } from '../../scripts/pack-data.mjs';
import { gunzip, unpackDigits } from '../../www/worker/transfer.js';

test('the gzipped digits unpack to the same bytes as mnist.bin', async () => {
  assert.ok(existsSync(OUT) && existsSync(OUT_GZ), 'run `npm run data` first (npm test does)');
  const plain = readFileSync(OUT);
  const packed = readFileSync(OUT_GZ);
  assert.ok(packed.length < plain.length / 3, `gzipped ${packed.length} of ${plain.length} bytes`);
  const unpacked = new Uint8Array(
    await gunzip(packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.length)),
  );
  assert.equal(unpacked.length, plain.length);
  assert.ok(Buffer.from(unpacked).equals(plain), 'same bytes');
  const { count, labels } = unpackDigits(unpacked.buffer);
  assert.equal(count, 10_000);
  assert.equal(labels[0], 0);
  assert.equal(labels[count - 1], 9);
});

test('bytes that are not gzip come back as they are (a server that already undid Content-Encoding)', async () => {
  const raw = new Uint8Array([1, 2, 3, 250]);
  assert.deepEqual(new Uint8Array(await gunzip(raw.buffer)), raw);
});

test('a cut-off gzip download is reported as damaged, in words', async () => {
  const whole = gzipSync(Buffer.alloc(100_000, 7));
  const cut = whole.subarray(0, whole.length - 20);
  await assert.rejects(
    gunzip(cut.buffer.slice(cut.byteOffset, cut.byteOffset + cut.length), 'The digits file'),
    /^Error: The digits file is damaged: it could not be unpacked/,
  );
});
