// Dropped folders (www/ingest/dropped.js): entries walked into files with
// their paths, folders read batch by batch to the end, the cap respected, and
// a drop without entries read as its plain files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedFiles, filesOf } from '../../www/ingest/dropped.js';

/** A fake FileSystemEntry tree: a string is a file's contents, an object a folder; batches of `per`. */
function entry(name, node, per = 2) {
  if (typeof node === 'string') return { name, isFile: true, isDirectory: false, file: (ok) => ok(`${name}:${node}`) };
  const children = Object.entries(node).map(([n, v]) => entry(n, v, per));
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      let at = 0;
      return {
        readEntries(ok) {
          const batch = children.slice(at, at + per);
          at += per;
          setTimeout(() => ok(batch));
        },
      };
    },
  };
}

test('a dropped folder is walked to the end, every file with its path', async () => {
  const tree = entry('shapes', {
    round: { '1.png': 'a', '2.png': 'b', '3.png': 'c' },
    bar: { '4.png': 'd' },
    'x.png': 'e',
  });
  const files = await filesOf([tree, entry('loose.png', 'f')]);
  assert.deepEqual(
    files.map((f) => f.path),
    ['shapes/round/1.png', 'shapes/round/2.png', 'shapes/round/3.png', 'shapes/bar/4.png', 'shapes/x.png', 'loose.png'],
  );
  assert.equal(files[3].file, '4.png:d');
});

test('at most `limit` files are collected', async () => {
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${i}.png`, 'x']));
  const files = await filesOf([entry('many', many, 7)], { limit: 12 });
  assert.equal(files.length, 12);
});

test('a drop without entries is read as its plain files', async () => {
  const plain = [{ name: 'a.csv' }];
  assert.deepEqual(await droppedFiles({ items: [{}], files: plain }), plain);
  assert.deepEqual(await droppedFiles({ items: [], files: plain }), plain);
  const tree = entry('t', { 'a.png': 'x' });
  const withEntries = await droppedFiles({ items: [{ webkitGetAsEntry: () => tree }], files: [] });
  assert.deepEqual(
    withEntries.map((f) => f.path),
    ['t/a.png'],
  );
});
