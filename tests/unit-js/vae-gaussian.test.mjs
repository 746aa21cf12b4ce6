// The VAE's Gaussian on the Generate lesson's map (www/lessons/generate/gaussian.js):
// where a code sits on the decoded grid, the 1σ/2σ ellipses, and z = μ + σ·ε.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EPSILONS,
  SAMPLE_COUNT,
  ellipseOnMap,
  gaussianSamples,
  mapPosition,
  mapUnit,
  sigmaOf,
} from '../../www/lessons/generate/gaussian.js';

const MAP = { grid: 15, range: 3 };
const close = (a, b, eps = 1e-9) => Math.abs(a - b) <= eps;

test('mapPosition puts each grid code at the centre of its tile, z₂ upward', () => {
  const tile = 1 / MAP.grid;
  // The top-left tile is code (−3, 3); the bottom-right (3, −3); the middle tile (0, 0).
  assert.ok(close(mapPosition(-3, 3, MAP).x, tile / 2) && close(mapPosition(-3, 3, MAP).y, tile / 2));
  assert.ok(close(mapPosition(3, -3, MAP).x, 1 - tile / 2) && close(mapPosition(3, -3, MAP).y, 1 - tile / 2));
  assert.deepEqual(mapPosition(0, 0, MAP), { x: 0.5, y: 0.5 });
  // Column c holds code −3 + 6c/14: its centre is at (c + ½) tiles.
  for (let c = 0; c < MAP.grid; c++) {
    const z = -3 + (6 * c) / 14;
    assert.ok(close(mapPosition(z, 0, MAP).x, (c + 0.5) * tile));
    assert.ok(close(mapPosition(0, z, MAP).y, 1 - (c + 0.5) * tile), 'larger z₂ is higher up');
  }
  assert.ok(close(mapUnit(MAP), mapPosition(1, 0, MAP).x - mapPosition(0, 0, MAP).x), 'one code unit');
});

test('ellipseOnMap: centred on μ, semi-axes k·σ per code number (axis-aligned)', () => {
  const mu = [0.5, -1];
  const logVar = [Math.log(0.25), Math.log(0.04)]; // σ = 0.5 and 0.2
  assert.deepEqual(
    sigmaOf(logVar).map((s) => +s.toFixed(12)),
    [0.5, 0.2],
  );
  const u = mapUnit(MAP);
  const one = ellipseOnMap(mu, logVar, 1, MAP);
  const two = ellipseOnMap(mu, logVar, 2, MAP);
  const at = mapPosition(0.5, -1, MAP);
  assert.ok(close(one.x, at.x) && close(one.y, at.y));
  assert.ok(close(one.rx, 0.5 * u) && close(one.ry, 0.2 * u));
  assert.ok(close(two.rx, 2 * one.rx) && close(two.ry, 2 * one.ry));
  // The ellipse's right end is the code μ₁ + σ₁ on the map.
  assert.ok(close(one.x + one.rx, mapPosition(1, -1, MAP).x));
});

test('gaussianSamples: z = μ + σ·ε with the fixed ε, so the same drawing gives the same codes', () => {
  assert.equal(SAMPLE_COUNT, 6);
  const mu = Float32Array.of(1, -2);
  const logVar = Float32Array.of(Math.log(4), 0); // σ = 2 and 1
  const z = gaussianSamples(mu, logVar);
  assert.equal(z.length, 12);
  for (let i = 0; i < SAMPLE_COUNT; i++) {
    assert.ok(close(z[2 * i], Math.fround(1 + 2 * EPSILONS[2 * i]), 1e-6));
    assert.ok(close(z[2 * i + 1], Math.fround(-2 + EPSILONS[2 * i + 1]), 1e-6));
  }
  assert.deepEqual(gaussianSamples(mu, logVar), z, 'steady: no fresh randomness');
  assert.deepEqual(
    [...gaussianSamples([0, 0], [-Infinity, -Infinity])],
    new Array(12).fill(0),
    'σ = 0: every sample is μ',
  );
  // The fixed ε look like draws from N(0, 1): mean near 0, spread near 1.
  const mean = EPSILONS.reduce((a, b) => a + b, 0) / EPSILONS.length;
  const sd = Math.sqrt(EPSILONS.reduce((a, b) => a + (b - mean) ** 2, 0) / EPSILONS.length);
  assert.ok(Math.abs(mean) < 0.3 && sd > 0.7 && sd < 1.3, `ε mean ${mean}, sd ${sd}`);
});
