// A picture of a sparse ratings matrix: one pixel per (user, item) cell,
// users across and items down, coloured by what is known about the cell
// (unrated, a training rating, a held-out test rating). Sorting the busiest
// users to the left and the most-rated items to the top shows how skewed real
// (and these synthetic) ratings are. `orderByCount` is pure, for node tests.

import { cssColour } from '../../draw/images.js';

/** Indices 0..counts.length-1 ordered by count, largest first (ties by index). */
export function orderByCount(counts) {
  return Array.from(counts.keys()).sort((a, b) => counts[b] - counts[a] || a - b);
}

/**
 * Ratings per user and per item of a users × items `cells` matrix (row-major,
 * non-zero = rated), counting the first `rows` users only.
 */
export function ratingCounts(cells, users, items, rows = users) {
  const perUser = new Uint32Array(users);
  const perItem = new Uint32Array(items);
  for (let u = 0; u < rows; u++) {
    for (let i = 0; i < items; i++) {
      if (cells[u * items + i]) {
        perUser[u] += 1;
        perItem[i] += 1;
      }
    }
  }
  return { perUser, perItem };
}

/**
 * Paints the matrix: canvas pixel (x, y) is user userOrder[x], item itemOrder[y].
 * Cells: 0 unrated (paper), 1 training rating (--series-1), 2 held-out rating (--series-2), in the
 * colours of the theme at the time of painting.
 */
export function paintRatings(canvas, cells, { users, items, userOrder = null, itemOrder = null }) {
  if (canvas.width !== users) canvas.width = users;
  if (canvas.height !== items) canvas.height = items;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(users, items);
  const colours = [
    cssColour('--digit-paper', [255, 255, 255]),
    cssColour('--series-1', [29, 78, 216]),
    cssColour('--series-2', [194, 65, 12]),
  ];
  for (let y = 0; y < items; y++) {
    const item = itemOrder ? itemOrder[y] : y;
    for (let x = 0; x < users; x++) {
      const user = userOrder ? userOrder[x] : x;
      const c = colours[cells[user * items + item]] ?? colours[0];
      img.data.set([c[0], c[1], c[2], 255], (y * users + x) * 4);
    }
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset.painted = 'true';
}
