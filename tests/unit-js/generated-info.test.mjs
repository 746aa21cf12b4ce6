// The page lays a lesson out for a generated set before the worker makes its rows
// (worker/data-source.js generatedInfo): its width, label and column names must be
// the engine's own (src/generated.rs), for every set and size.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generatedInfo, generatedSource } from '../../www/worker/data-source.js';

const mod = await import('../../www/pkg-lab/autoencoder_playground.js');
mod.initSync({ module: readFileSync(new URL('../../www/pkg-lab/autoencoder_playground_bg.wasm', import.meta.url)) });

test('the info of a generated set is what the engine makes', () => {
  for (const [name, share] of [
    ['curve', 0.1],
    ['sensors', 0.2],
  ]) {
    for (const rows of [100, 1234]) {
      const spec = { name, rows, seed: 5, share };
      const info = generatedInfo(spec);
      const g = mod.generateData(name, rows, 5, name === 'curve' ? share : 0);
      assert.equal(info.width, g.width, `${name} width`);
      assert.deepEqual(info.labelNames, Array.from(g.labelNames), `${name} labels`);
      assert.deepEqual(info.columnNames, Array.from(g.columnNames), `${name} columns`);
      assert.equal(g.values.length, rows * info.width);
      const source = generatedSource(mod, spec);
      assert.deepEqual(source.info, info, 'the worker gives the page the same info');
      if (name === 'sensors') {
        assert.equal(source.scored.count, info.scoredRows);
        assert.ok(
          source.scored.labels.some((l) => l !== info.normalLabel),
          'the held-out windows have faults',
        );
        assert.ok(
          Array.from(g.labels).every((l) => l === info.normalLabel),
          'the training windows are all healthy',
        );
      }
    }
  }
});

test('a generated set the engine would refuse is refused with a sentence', () => {
  assert.throws(
    () => generatedInfo({ name: 'spiral', rows: 100, seed: 1 }),
    /generated sets are "curve" and "sensors"/,
  );
  assert.throws(() => generatedInfo({ name: 'curve', rows: 60_000, seed: 1 }), /from 100 to 50,000/);
  assert.throws(() => generatedInfo({ name: 'curve', rows: 100, seed: -1 }), /data seed/);
});
