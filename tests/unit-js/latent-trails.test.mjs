// The latent map's trails (www/lessons/latent/trails.js): a bounded buffer of
// each dot's last positions, oldest first, and how faint each segment is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrailBuffer, trailAlpha, trailsApply, TRAIL_LENGTH } from '../../www/lessons/latent/trails.js';

test('TrailBuffer keeps the last `capacity` frames, oldest first, as copies', () => {
  const t = new TrailBuffer(3);
  assert.equal(t.length, 0);
  const a = Float32Array.of(0, 0, 1, 1);
  t.push(a);
  a[0] = 9; // the caller reuses its array: the trail keeps what it was
  assert.deepEqual([...t.frames[0]], [0, 0, 1, 1]);
  for (let k = 1; k <= 4; k++) t.push(Float32Array.of(k, k, k + 1, k + 1));
  assert.equal(t.length, 3, 'never more than the capacity');
  assert.deepEqual(
    t.frames.map((f) => f[0]),
    [2, 3, 4],
    'the oldest frames fall out first',
  );
});

test('TrailBuffer skips a frame equal to the last, and starts again when the dots change', () => {
  const t = new TrailBuffer(5);
  assert.equal(t.push([0.1, 0.2, 0.3, 0.4]), true);
  assert.equal(t.push(Float32Array.of(0.1, 0.2, 0.3, 0.4)), false, 'unchanged weights (a pause) add nothing');
  assert.equal(t.length, 1);
  t.push([1, 2, 3, 4]);
  assert.equal(t.length, 2);
  t.push([1, 2, 3, 4, 5, 6]);
  assert.equal(t.length, 1, 'another number of dots: a new trail');
  t.clear();
  assert.equal(t.length, 0);
  assert.ok(new TrailBuffer(1).capacity >= 2, 'a trail needs two places');
  assert.ok(TRAIL_LENGTH >= 6 && TRAIL_LENGTH <= 10);
});

test('trailAlpha fades from the newest segment to the oldest; trails apply to the codes, not a projection', () => {
  const n = 8;
  const alphas = Array.from({ length: n - 1 }, (_, i) => trailAlpha(i, n));
  for (let i = 1; i < alphas.length; i++) assert.ok(alphas[i] > alphas[i - 1]);
  assert.ok(Math.abs(alphas.at(-1) - 0.55) < 1e-12, 'the newest segment at the full trail opacity');
  assert.ok(alphas[0] > 0);
  assert.equal(trailAlpha(0, 1), 0);
  assert.equal(trailsApply({ projected: false }), true);
  assert.equal(trailsApply({ projected: true }), false);
  assert.equal(trailsApply(null), false);
});
