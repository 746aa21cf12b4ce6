// Anomaly scores of rows of values (worker/data-source.js's `scored` rows):
// each row's reconstruction error, the mean squared error over its present
// cells (a missing cell, NaN, is 0 for the network and left out of the error,
// as in training: src/nn/loss.rs mse_present), and for the highest-scoring
// rows the squared error of every column, which says where a row is odd.

/** Rows reconstructed per call into the engine: bounds the copy of values and reconstruction held at once. */
const CHUNK = 256;

/**
 * The row's MSE over present cells, its squared errors written into `errors`
 * (NaN where the cell is missing). `x` may hold NaN; `y` is the reconstruction.
 */
export function rowError(x, y, errors = null) {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < x.length; j++) {
    const v = x[j];
    if (Number.isNaN(v)) {
      if (errors) errors[j] = Number.NaN;
      continue;
    }
    const d = y[j] - v;
    sum += d * d;
    n += 1;
    if (errors) errors[j] = d * d;
  }
  return n ? sum / n : 0;
}

/** Indices of the `k` largest scores, largest first (ties: the earlier row first). */
export function topRows(scores, k) {
  const order = Array.from(scores.keys());
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, Math.min(k, scores.length));
}

/**
 * Scores every row of `rows` ({ values, labels, width, count }) with
 * `trainer.reconstruct`. -> { scores: Float32Array, labels, top: [{ row, score,
 * label, errors, values, recon }] } for the `top` highest rows; with `fill`,
 * also `filled`: the values with each missing cell (NaN) filled by the reconstruction.
 */
export function scoreRows(trainer, { values, labels, width, count }, top = 10, { fill = false } = {}) {
  const scores = new Float32Array(count);
  const filled = fill ? values.slice() : null;
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const x = values.slice(start * width, end * width);
    const input = x.map((v) => (Number.isNaN(v) ? 0 : v));
    const y = trainer.reconstruct(input);
    for (let i = 0; i < end - start; i++) {
      scores[start + i] = rowError(x.subarray(i * width, (i + 1) * width), y.subarray(i * width, (i + 1) * width));
    }
    if (filled) for (let k = 0; k < x.length; k++) if (Number.isNaN(x[k])) filled[start * width + k] = y[k];
  }
  const best = topRows(scores, top).map((row) => {
    const x = values.slice(row * width, (row + 1) * width);
    const recon = trainer.reconstruct(x.map((v) => (Number.isNaN(v) ? 0 : v)));
    const errors = new Float32Array(width);
    rowError(x, recon, errors);
    return { row, score: scores[row], label: labels ? labels[row] : null, errors, values: x, recon };
  });
  // Copies: the result is transferred.
  return { scores, labels: labels ? labels.slice() : null, top: best, ...(filled ? { filled } : {}) };
}
