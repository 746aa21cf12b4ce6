// www/lib/image-quality.js scores single pictures of any shape in the page (the Quality lesson on a
// person's own images): against scikit-image's values (the same references as tests/metrics.rs), and
// against the engine itself (the lab build's `quality` on digits and `qualityOf` on colour and small
// pictures), which it must agree with number for number.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { imageQuality, msSsimScales, qualityOfRows, psnrFromMse } from '../../www/lib/image-quality.js';

const W = 28;
const GRAY28 = { channels: 1, height: W, width: W };
const image = (f) => Float32Array.from({ length: W * W }, (_, i) => f(Math.floor(i / W), i % W));
const constant = (v) => new Float32Array(W * W).fill(v);

function close(got, want, tol, what) {
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} ± ${tol}`);
}

test('scores agree with scikit-image (tests/metrics.rs "formula a vs b")', () => {
  const fa = image((r, c) => ((r * 28 + c) % 17) / 16);
  const fb = image((r, c) => ((r * 3 + c * 5) % 11) / 10);
  const q = imageQuality(fa, fb, GRAY28);
  close(q.ssim, 0.0202485, 1e-6, 'SSIM');
  close(q.mse, 0.19120077, 1e-7, 'MSE');
  close(q.psnr, 7.185104, 1e-4, 'PSNR');
  close(q.msSsim, 0.095996, 1e-6, 'MS-SSIM');
});

test('closed forms: a picture with itself, constant pictures, a known MSE and BCE', () => {
  const fa = image((r, c) => ((r * 28 + c) % 17) / 16);
  const same = imageQuality(fa, fa, GRAY28);
  assert.equal(same.mse, 0);
  assert.equal(same.psnr, Infinity);
  close(same.ssim, 1, 1e-12, 'SSIM with itself');
  close(same.msSsim, 1, 1e-12, 'MS-SSIM with itself');
  const lum = (a, b) => (2 * a * b + 1e-4) / (a * a + b * b + 1e-4);
  const q = imageQuality(constant(0.5), constant(0.25), GRAY28);
  close(q.ssim, lum(0.5, 0.25), 1e-9, 'SSIM of constants');
  close(q.msSsim, lum(0.5, 0.25) ** (0.2856 / (0.0448 + 0.2856)), 1e-9, 'MS-SSIM of constants');
  close(imageQuality(constant(0.5), constant(0.6), GRAY28).psnr, 20, 1e-4, 'PSNR of a 0.1 offset (f32 values)');
  close(imageQuality(constant(0.5), constant(1), GRAY28).bce, Math.LN2, 1e-9, 'BCE at p = 0.5');
  close(imageQuality(constant(0), constant(1), GRAY28).bce, -Math.log(1e-7), 1e-6, 'BCE clamped');
  assert.equal(psnrFromMse(0.01), 20);
});

test('MS-SSIM uses the scales that keep a 7×7 window meaningful', () => {
  assert.deepEqual(msSsimScales(GRAY28), [
    [28, 28],
    [14, 14],
  ]);
  assert.deepEqual(msSsimScales({ height: 16, width: 16 }), [[16, 16]]);
  assert.deepEqual(msSsimScales({ height: 32, width: 64 }), [
    [64, 32],
    [32, 16],
  ]);
  assert.equal(msSsimScales({ height: 256, width: 256 }).length, 5);
  const tiny = imageQuality(new Float32Array(36), new Float32Array(36), { channels: 1, height: 6, width: 6 });
  assert.ok(Number.isNaN(tiny.ssim) && tiny.mse === 0, 'no SSIM below 7×7');
});

/** The lab build of the engine, loaded in node. */
async function engine() {
  const mod = await import('../../www/pkg-lab/autoencoder_playground.js');
  mod.initSync({ module: readFileSync(new URL('../../www/pkg-lab/autoencoder_playground_bg.wasm', import.meta.url)) });
  return mod;
}

/** n pictures of `shape` with smooth, different patterns in each channel, values in [0, 1]. */
function pictures(n, { channels, height, width }) {
  const size = channels * height * width;
  return Float32Array.from({ length: n * size }, (_, i) => {
    const [k, p] = [Math.floor(i / size), i % size];
    return (
      0.5 + 0.45 * Math.sin(0.3 * (p % width) + 0.2 * Math.floor(p / width) * (1 + (k % 3)) + p / (height * width))
    );
  });
}

test('agrees with the engine: per digit (quality) and over the validation set of any shape (qualityOf)', async () => {
  const { Trainer } = await engine();
  for (const shape of [GRAY28, { channels: 3, height: 32, width: 32 }, { channels: 1, height: 16, width: 20 }]) {
    const size = shape.channels * shape.height * shape.width;
    const n = 60;
    const t = Trainer.fromValues(
      { model: { input: size, encoder: [32], latent: 4 }, train: { batchSize: 16, seed: 5 } },
      pictures(n, shape),
      new Uint8Array(n),
    );
    try {
      t.step(30);
      const x = t.validationImages(1000);
      const count = x.length / size;
      const y = t.reconstruct(x);
      const mine = qualityOfRows(y, x, count, shape);
      const mean = (v) => v.reduce((s, a) => s + a, 0) / v.length;
      const theirs = t.qualityOf(shape.channels, shape.height, shape.width);
      const what = `${shape.channels}×${shape.height}×${shape.width}`;
      close(mean(mine.mse), theirs.mse, 1e-6, `MSE ${what}`);
      close(mean(mine.bce), theirs.bce, 1e-5, `BCE ${what}`);
      close(mean(mine.ssim), theirs.ssim, 1e-5, `SSIM ${what}`);
      close(mean(mine.msSsim), theirs.msSsim, 1e-5, `MS-SSIM ${what}`);
      if (shape === GRAY28) {
        const per = t.quality(x);
        for (const key of ['mse', 'bce', 'psnr', 'ssim', 'msSsim']) {
          mine[key].forEach((v, i) => {
            close(v, per[key][i], key === 'psnr' ? 1e-3 : 1e-5, `${key} of digit ${i}`);
          });
        }
      }
    } finally {
      t.free();
    }
  }
});
