// Grayscale images as canvases: Float32Array (values in [0, 1]) -> ImageData -> canvas.
// Canvases keep their natural 28×28 size and are upscaled by CSS with
// `image-rendering: pixelated`, so every pixel the network sees stays crisp.

/** Parses a CSS colour like "#1b1f24" or "rgb(27, 31, 36)" into [r, g, b]. */
export function parseColour(text, fallback = [0, 0, 0]) {
  const s = String(text).trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]].map((c) => parseInt(c + c, 16));
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return fallback;
}

/** The digit palette from CSS variables --digit-paper and --digit-ink on `el`. */
export function digitPalette(el = document.documentElement) {
  const css = getComputedStyle(el);
  return {
    paper: parseColour(css.getPropertyValue('--digit-paper'), [255, 255, 255]),
    ink: parseColour(css.getPropertyValue('--digit-ink'), [0, 0, 0]),
  };
}

/**
 * Paints one w×h image from `pixels` (starting at `offset`) onto `canvas`,
 * blending from paper (0) to ink (1). Values outside [0, 1] are clamped.
 */
export function paintImage(canvas, pixels, { offset = 0, width = 28, height = 28, palette }) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  const { paper, ink } = palette;
  for (let i = 0; i < width * height; i++) {
    const v = Math.min(1, Math.max(0, pixels[offset + i] || 0));
    img.data[i * 4] = paper[0] + (ink[0] - paper[0]) * v;
    img.data[i * 4 + 1] = paper[1] + (ink[1] - paper[1]) * v;
    img.data[i * 4 + 2] = paper[2] + (ink[2] - paper[2]) * v;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset.painted = 'true';
}

/** Paints an all-paper image (nothing to show yet). */
export function paintBlank(canvas, { width = 28, height = 28, palette }) {
  paintImage(canvas, new Float32Array(width * height), { width, height, palette });
  canvas.dataset.painted = 'false';
}

/**
 * Paints `count` w×h images from `pixels` side by side in one canvas, `cols`
 * per row with a `gap`-pixel paper border between them (a sample grid or a
 * decoded manifold). One canvas, one putImageData: cheap for hundreds of digits.
 */
export function paintMosaic(canvas, pixels, { count, cols, width = 28, height = 28, gap = 1, palette }) {
  const rows = Math.ceil(count / cols);
  const W = cols * width + (cols + 1) * gap;
  const H = rows * height + (rows + 1) * gap;
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(W, H);
  const { paper, ink } = palette;
  const d = img.data;
  for (let i = 0; i < W * H; i++) {
    d[i * 4] = paper[0];
    d[i * 4 + 1] = paper[1];
    d[i * 4 + 2] = paper[2];
    d[i * 4 + 3] = 255;
  }
  for (let k = 0; k < count; k++) {
    const ox = gap + (k % cols) * (width + gap);
    const oy = gap + Math.floor(k / cols) * (height + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.min(1, Math.max(0, pixels[k * width * height + y * width + x] || 0));
        const o = ((oy + y) * W + ox + x) * 4;
        d[o] = paper[0] + (ink[0] - paper[0]) * v;
        d[o + 1] = paper[1] + (ink[1] - paper[1]) * v;
        d[o + 2] = paper[2] + (ink[2] - paper[2]) * v;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset.painted = 'true';
}

/** A palette from paper to the accent colour, for maps of change or activation. */
export function accentPalette(el = document.documentElement) {
  const css = getComputedStyle(el);
  return {
    paper: parseColour(css.getPropertyValue('--digit-paper'), [255, 255, 255]),
    ink: parseColour(css.getPropertyValue('--heat'), [200, 60, 20]),
  };
}
