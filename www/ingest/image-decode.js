// One image file decoded by the browser (createImageBitmap: PNG, JPEG, WebP,
// GIF's first frame, BMP), drawn over white on a canvas and converted by
// image-pixels.js. Browser-only; the rules it applies are pure and tested in node.

import { groupedInt } from '../lib/numbers.js';
import { FORMAT_NAMES, MIME, declaredSize, isCutShort, kindOf, notAnImage } from './image-files.js';
import { mnistFromImageData, pictureFromImageData } from './image-pixels.js';

/** Images larger than this (longer side) are first scaled down by the canvas; smaller ones are resized in JS only. */
const WORK_SIDE = 1024;
/** Bytes read from the start of a file to find its format and declared size. */
const HEAD_BYTES = 64 * 1024;

/** A 2-D canvas for reading pixels: an OffscreenCanvas where there is one. */
export function makeCanvas() {
  return typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
}

/** A decoded image's RGBA pixels over white, scaled down first (by the canvas) if it is larger than WORK_SIDE. */
function pixelsOf(bitmap, canvas) {
  const scale = Math.min(1, WORK_SIDE / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

/**
 * Decodes one image and converts it. -> { vector, width, height } or { why } (a sentence).
 * @param {Blob} blob
 * @param {string} path
 */
export async function decodeOne(blob, path, opts, limits, canvas) {
  const head = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const kind = kindOf(path, head);
  if (kind === null || kind === 'zip') return { why: notAnImage(path) };
  const unreadable = { why: `${path} could not be read as an image: it is damaged or not really a ${FORMAT_NAMES}.` };
  if (kind === 'corrupt') return unreadable;
  const tail = new Uint8Array(await blob.slice(Math.max(0, blob.size - 1024)).arrayBuffer());
  if (isCutShort(kind, head, tail, blob.size)) {
    return { why: `${path} could not be read as an image: it ends before the image does (the file is cut short).` };
  }
  const declared = declaredSize(kind, head);
  const tooLarge = (w, h) => ({
    why: `${path} is ${w}×${h} pixels; images of up to ${groupedInt(limits.pixels / 1e6)} million pixels are read.`,
  });
  if (declared && declared.width * declared.height > limits.pixels) return tooLarge(declared.width, declared.height);
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob.type ? blob : new Blob([blob], { type: MIME[kind] }));
  } catch {
    return unreadable;
  }
  try {
    const { width, height } = bitmap;
    if (!(width > 0 && height > 0)) return unreadable;
    if (width * height > limits.pixels) return tooLarge(width, height);
    const img = pixelsOf(bitmap, canvas);
    const vector = opts.mode === 'mnist' ? mnistFromImageData(img) : pictureFromImageData(img, opts.size, opts.colour);
    if (!vector) return { why: `${path} has no ink to centre: it is one flat colour.` };
    return { vector, width, height };
  } finally {
    bitmap.close();
  }
}
