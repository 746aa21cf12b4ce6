// Image-quality numbers of single reconstructions, for pictures of any shape
// (C×H×W values in [0, 1], channel-major, as the person's own images are
// held): MSE, BCE and PSNR over every value, SSIM and MS-SSIM of each channel
// averaged over the channels. The engine scores the digits (28×28 gray) and
// whole validation sets (`quality`, `qualitySummary`, `qualityOf`); the
// Quality lesson scores a few of a person's pictures here, without another
// round trip. It follows src/metrics.rs step for step (scikit-image's
// `structural_similarity(a, b, data_range=1)`: 7×7 uniform windows wholly
// inside the image, K1 = 0.01, K2 = 0.03, sample variances; MS-SSIM by 2×2
// average pooling while both sides stay ≥ 14, at most 5 scales), so a
// picture's numbers match the engine's (tests/unit-js/image-quality.test.mjs
// checks them against scikit-image's values and against the engine).

/** Side of the square SSIM window (scikit-image's default `win_size`). */
export const SSIM_WIN = 7;
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;
/** MS-SSIM scale weights of Wang, Simoncelli & Bovik 2003, finest scale first. */
const MS_SSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
/** Probabilities are kept this far from 0 and 1 in the BCE, as the engine (and Keras) do. */
const EPS = 1e-7;

/** PSNR in dB of a mean squared error on data of range 1; infinite for a perfect copy. */
export const psnrFromMse = (mse) => (mse <= 0 ? Infinity : -10 * Math.log10(mse));

/** Whether SSIM can score pictures of `height × width` (a 7×7 window must fit). */
export const ssimFits = ({ height, width }) => height >= SSIM_WIN && width >= SSIM_WIN;

/**
 * The sides MS-SSIM looks at for `width × height` pictures, finest first: halved
 * while the next one keeps both sides ≥ 2·SSIM_WIN, at most 5 (a 28×28 digit: 28
 * and 14). -> [[width, height], ...]
 */
export function msSsimScales({ height, width }) {
  const scales = [[width, height]];
  let [w, h] = [width, height];
  while (
    scales.length < MS_SSIM_WEIGHTS.length &&
    Math.floor(w / 2) >= 2 * SSIM_WIN &&
    Math.floor(h / 2) >= 2 * SSIM_WIN
  ) {
    [w, h] = [Math.floor(w / 2), Math.floor(h / 2)];
    scales.push([w, h]);
  }
  return scales;
}

/** Summed-area table of f(i) over a w × h plane, with a zero first row and column: (w+1) × (h+1). */
function integral(w, h, f) {
  const t = new Float64Array((w + 1) * (h + 1));
  for (let r = 0; r < h; r++) {
    let rowSum = 0;
    for (let c = 0; c < w; c++) {
      rowSum += f(r * w + c);
      t[(r + 1) * (w + 1) + c + 1] = t[r * (w + 1) + c + 1] + rowSum;
    }
  }
  return t;
}

/** The luminance and contrast-structure terms of SSIM, one per 7×7 window inside the plane. */
function ssimTerms(a, b, w, h) {
  const n = SSIM_WIN * SSIM_WIN;
  const covNorm = n / (n - 1);
  const tables = [
    integral(w, h, (i) => a[i]),
    integral(w, h, (i) => b[i]),
    integral(w, h, (i) => a[i] * a[i]),
    integral(w, h, (i) => b[i] * b[i]),
    integral(w, h, (i) => a[i] * b[i]),
  ];
  const stride = w + 1;
  const sum = (t, r, c) => {
    const [r2, c2] = [r + SSIM_WIN, c + SSIM_WIN];
    return t[r2 * stride + c2] - t[r * stride + c2] - t[r2 * stride + c] + t[r * stride + c];
  };
  const l = [];
  const cs = [];
  for (let r = 0; r + SSIM_WIN <= h; r++) {
    for (let c = 0; c + SSIM_WIN <= w; c++) {
      const [ux, uy, uxx, uyy, uxy] = tables.map((t) => sum(t, r, c) / n);
      const vx = covNorm * (uxx - ux * ux);
      const vy = covNorm * (uyy - uy * uy);
      const vxy = covNorm * (uxy - ux * uy);
      l.push((2 * ux * uy + C1) / (ux * ux + uy * uy + C1));
      cs.push((2 * vxy + C2) / (vx + vy + C2));
    }
  }
  return { l, cs };
}

const meanProduct = (l, cs) => l.reduce((s, v, i) => s + v * cs[i], 0) / l.length;

/** 2×2 average pooling of a w × h plane; an odd last row or column is dropped. */
function pool2(x, w, h) {
  const [pw, ph] = [Math.floor(w / 2), Math.floor(h / 2)];
  const out = new Float64Array(pw * ph);
  for (let r = 0; r < ph; r++) {
    for (let c = 0; c < pw; c++) {
      const i = 2 * r * w + 2 * c;
      out[r * pw + c] = 0.25 * (x[i] + x[i + 1] + x[i + w] + x[i + w + 1]);
    }
  }
  return out;
}

/** Mean SSIM of two w × h planes (arrays of w·h values). */
export function ssimPlane(a, b, w, h) {
  const { l, cs } = ssimTerms(a, b, w, h);
  return meanProduct(l, cs);
}

/**
 * MS-SSIM of two w × h planes: the finer scales give their mean contrast-structure
 * term, the coarsest its mean SSIM, each to its weight (renormalised over the scales
 * used); a negative term counts as 0, as TensorFlow and pytorch_msssim do.
 */
export function msSsimPlane(a, b, w, h) {
  const scales = msSsimScales({ width: w, height: h }).length;
  const weights = MS_SSIM_WEIGHTS.slice(0, scales);
  const total = weights.reduce((s, v) => s + v, 0);
  let [x, y, sw, sh] = [a, b, w, h];
  let result = 1;
  weights.forEach((weight, j) => {
    const { l, cs } = ssimTerms(x, y, sw, sh);
    const last = j + 1 === scales;
    const term = last ? meanProduct(l, cs) : cs.reduce((s, v) => s + v, 0) / cs.length;
    result *= Math.max(0, term) ** (weight / total);
    if (!last) {
      [x, y] = [pool2(x, sw, sh), pool2(y, sw, sh)];
      [sw, sh] = [Math.floor(sw / 2), Math.floor(sh / 2)];
    }
  });
  return result;
}

/**
 * Every number for one reconstruction `recon` of the picture `target` (each C·H·W values
 * from its offset) of `shape` { channels, height, width }: { mse, bce, psnr, ssim, msSsim }.
 * SSIM and MS-SSIM are NaN when the picture is smaller than a 7×7 window.
 */
export function imageQuality(recon, target, shape, { reconOffset = 0, targetOffset = 0 } = {}) {
  const { channels, height, width } = shape;
  const plane = height * width;
  const size = channels * plane;
  let se = 0;
  let ce = 0;
  for (let i = 0; i < size; i++) {
    const p = recon[reconOffset + i];
    const t = target[targetOffset + i];
    se += (p - t) ** 2;
    const q = Math.min(1 - EPS, Math.max(EPS, p));
    ce -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
  }
  const mse = se / size;
  const out = { mse, bce: ce / size, psnr: psnrFromMse(mse), ssim: NaN, msSsim: NaN };
  if (!ssimFits(shape)) return out;
  out.ssim = 0;
  out.msSsim = 0;
  for (let c = 0; c < channels; c++) {
    const a = recon.subarray(reconOffset + c * plane, reconOffset + (c + 1) * plane);
    const b = target.subarray(targetOffset + c * plane, targetOffset + (c + 1) * plane);
    out.ssim += ssimPlane(a, b, width, height) / channels;
    out.msSsim += msSsimPlane(a, b, width, height) / channels;
  }
  return out;
}

/**
 * The numbers of `count` reconstructions (rows of `recon`) of the pictures in the rows of
 * `target`, as the engine's `quality` gives them: { mse, bce, psnr, ssim, msSsim }, each an
 * array of `count` numbers.
 */
export function qualityOfRows(recon, target, count, shape) {
  const size = shape.channels * shape.height * shape.width;
  const out = { mse: [], bce: [], psnr: [], ssim: [], msSsim: [] };
  for (let k = 0; k < count; k++) {
    const q = imageQuality(recon, target, shape, { reconOffset: k * size, targetOffset: k * size });
    for (const key of Object.keys(out)) out[key].push(q[key]);
  }
  return out;
}
