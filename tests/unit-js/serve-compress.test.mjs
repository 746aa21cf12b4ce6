// scripts/serve.mjs with `compress` (what npm run audit serves dist/ with, as a
// web host would): text goes out gzipped to a client that accepts gzip, and
// unchanged to one that does not; binary files (the .wasm, the gzipped digits)
// are never compressed again. Without the option nothing is compressed.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startServer } from '../../scripts/serve.mjs';

const JS = `export const text = '${'autoencoder '.repeat(200)}';\n`;
const WASM = Buffer.from([0, 97, 115, 109, 1, 0, 0, 0, ...new Array(500).fill(0)]);
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ae-serve-'));
  writeFileSync(join(dir, 'app.js'), JS);
  writeFileSync(join(dir, 'engine.wasm'), WASM);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** GET `path` -> { headers, body: Buffer } */
function get(url, path, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {};
    request(new URL(path, url), { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

test('with compress, text is gzipped for a client that accepts it, and only then', async () => {
  const server = await startServer({ root: dir, compress: true });
  try {
    const zipped = await get(server.url, 'app.js', 'gzip, deflate, br');
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.ok(zipped.body.length < JS.length / 4, `${zipped.body.length} of ${JS.length} bytes`);
    assert.equal(gunzipSync(zipped.body).toString(), JS);

    const plain = await get(server.url, 'app.js', null);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), JS);

    const wasm = await get(server.url, 'engine.wasm', 'gzip');
    assert.equal(wasm.headers['content-encoding'], undefined, 'binary files go out as they are');
    assert.ok(wasm.body.equals(WASM));
  } finally {
    await server.close();
  }
});

test('without compress, nothing is gzipped', async () => {
  const server = await startServer({ root: dir });
  try {
    const r = await get(server.url, 'app.js', 'gzip');
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(JS)));
    assert.equal(r.body.toString(), JS);
  } finally {
    await server.close();
  }
});
