// Images from the person's disk (issue 17, "Your own data"): files, a folder
// or a .zip, read into one Float32Array the trainer can take, with labels from
// sub-folders and a sentence for every file left out. Everything happens in
// this tab: the files are read with the File API and decoded by the browser
// (createImageBitmap); nothing is fetched or sent anywhere.
//
//   image-files.js   what a file is: path, format, declared pixel size, label (pure)
//   image-zip.js     a zip's directory checked against the caps, then inflated a batch at a time (fflate)
//   image-decode.js  one image decoded by the browser and read off a canvas
//   image-pixels.js  decoded RGBA to MNIST-style digits or small pictures (pure)
//   images.js        this file: the caps, the order of work, decoding, progress

import { groupedInt } from '../lib/numbers.js';
import {
  FORMAT_NAMES,
  cleanPath,
  formatBytes,
  isHidden,
  kindFromBytes,
  kindFromName,
  labelsFromPaths,
  notAnImage,
  refusal,
} from './image-files.js';
import { decodeOne, makeCanvas } from './image-decode.js';
import { batches, unpackBatch, zipDirectory } from './image-zip.js';

/**
 * Caps, stated so the UI can print them: at most `images` images, `fileBytes`
 * per file (a zip included, and each file inside one), `unpackedBytes` of
 * images in all (a zip's declared unpacked size counts, checked before it is
 * unpacked), pictures from `minSize` to `maxSize` pixels square, `classes`
 * label folders, `pixels` per image (a larger one is skipped), and `values`
 * numbers in the result (count × channels × height × width).
 */
export const IMAGE_LIMITS = Object.freeze({
  images: 20_000,
  fileBytes: 50 * 1024 * 1024,
  unpackedBytes: 200 * 1024 * 1024,
  minSize: 8,
  maxSize: 64,
  classes: 256,
  pixels: 40_000_000,
  values: 64 * 1024 * 1024,
});

/** Images decoded between two yields to the event loop (and progress reports). */
const YIELD_EVERY = 20;

const nextTask = () => new Promise((resolve) => setTimeout(resolve));

/**
 * The files as { blob, path }: File objects (a folder picker's carry
 * webkitRelativePath "folder/sub/x.png"), or { file, path } pairs (a dropped folder).
 */
export function sourcesOf(files) {
  if (!files || typeof files === 'string' || typeof files[Symbol.iterator] !== 'function') {
    throw new TypeError('readImages expects a list of files (from a file input or a drop).');
  }
  return Array.from(files, (f) => {
    const blob = f?.file ?? f;
    if (!(typeof blob?.size === 'number' && typeof blob.slice === 'function')) {
      throw new TypeError('readImages expects File or Blob objects, or { file, path } pairs.');
    }
    const path = cleanPath(f.path || blob.webkitRelativePath || blob.name || 'image');
    return { blob, path };
  });
}

/** The options checked: { mode, size, colour, channels, side, onProgress }, or a sentence thrown. */
export function checkOptions(options = {}, limits = IMAGE_LIMITS) {
  const { mode = 'pictures', size = 28, colour = false, onProgress = null } = options;
  if (mode === 'mnist') return { mode, size: 28, colour: false, channels: 1, side: 28, onProgress };
  if (mode !== 'pictures') throw new RangeError(`The mode "${mode}" is unknown: choose "mnist" or "pictures".`);
  if (!(Number.isInteger(size) && size >= limits.minSize && size <= limits.maxSize)) {
    throw new RangeError(`Pictures can be ${limits.minSize} to ${limits.maxSize} pixels square, not ${size}.`);
  }
  return { mode, size, colour: !!colour, channels: colour ? 3 : 1, side: size, onProgress };
}

/**
 * The first pass, before anything is decoded or inflated: which files are
 * images or zips, each zip's directory, and the caps on count and bytes.
 * -> { jobs: [{ path, blob } | { path, zip, entry }], skipped }
 */
async function triage(sources, limits) {
  const jobs = [];
  const skipped = [];
  let bytes = 0;
  const tooMany = (path) =>
    refusal(
      `There are more than ${groupedInt(limits.images)} images (the cap was passed at ${path}); at most ${groupedInt(limits.images)} are read at once.`,
    );
  const tooBig = (path) =>
    refusal(
      `Together the images are more than ${formatBytes(limits.unpackedBytes)} (the cap was passed at ${path}); at most ${formatBytes(limits.unpackedBytes)} of images are read at once.`,
    );
  for (const [i, { blob, path }] of sources.entries()) {
    if (i % 200 === 199) await nextTask();
    if (isHidden(path)) continue;
    if (blob.size === 0) {
      skipped.push({ file: path, why: `${path} is empty (0 bytes).` });
      continue;
    }
    let kind = kindFromName(path);
    if (!kind) kind = kindFromBytes(new Uint8Array(await blob.slice(0, 16).arrayBuffer()));
    if (!kind) {
      skipped.push({ file: path, why: notAnImage(path) });
      continue;
    }
    if (blob.size > limits.fileBytes) {
      throw refusal(`${path} is ${formatBytes(blob.size)}; each file may be at most ${formatBytes(limits.fileBytes)}.`);
    }
    if (kind !== 'zip') {
      jobs.push({ path, blob });
      bytes += blob.size;
      if (jobs.length > limits.images) throw tooMany(path);
      if (bytes > limits.unpackedBytes) throw tooBig(path);
      continue;
    }
    let dir;
    try {
      dir = zipDirectory(new Uint8Array(await blob.arrayBuffer()), path, limits);
    } catch (err) {
      if (err.refused) throw err;
      skipped.push({ file: path, why: `${path} could not be read as a zip file: it is damaged or not a zip.` });
      continue;
    }
    skipped.push(...dir.skipped);
    const zip = { blob, path };
    for (const entry of dir.entries) jobs.push({ path: entry.path, zip, entry });
    bytes += dir.unpackedBytes;
    if (jobs.length > limits.images) throw tooMany(path);
    if (bytes > limits.unpackedBytes) throw tooBig(path);
  }
  return { jobs, skipped };
}

/**
 * Reads images from the person's disk into one array of training rows.
 *
 * @param {Iterable<File|Blob|{file: Blob, path: string}>} files  from <input type=file multiple>,
 *   <input webkitdirectory> (webkitRelativePath gives the folders) or a drop ({ file, path } pairs);
 *   .zip files are unpacked, their folders read like real ones
 * @param {{ mode?: 'mnist'|'pictures', size?: number, colour?: boolean,
 *           onProgress?: (done: number, total: number) => void, limits?: Partial<typeof IMAGE_LIMITS> }} [options]
 *   mode 'mnist': 1×28×28 digits, the draw pad's preprocessing; 'pictures' (the default): size×size
 *   (IMAGE_LIMITS.minSize..maxSize, default 28), grayscale or colour; limits: tighter caps (tests)
 * @returns {Promise<{ values: Float32Array, count: number, channels: number, height: number, width: number,
 *   labels: Uint8Array|null, labelNames: string[], names: string[], skipped: {file: string, why: string}[],
 *   resized: number, sizes: Record<string, number> }>}
 *   values: count rows of channels×height×width (channel-major), in [0, 1]; labels: index into labelNames
 *   (sorted first-level sub-folder names), null with fewer than two folders; names: each image's path;
 *   skipped: a sentence for each file left out; resized: images whose size was not the chosen one;
 *   sizes: how many images had each original size, as { 'WxH': count }
 * @throws {Error} a sentence saying what was wrong and what is allowed, when no image could be read
 *   or a cap is passed (naming the file and the cap); nothing is partly read then
 */
export async function readImages(files, options = {}) {
  const limits = { ...IMAGE_LIMITS, ...options.limits };
  const opts = checkOptions(options, limits);
  const sources = sourcesOf(files);
  if (!sources.length) throw refusal(`No files were chosen: choose ${FORMAT_NAMES} files, a folder of them or a .zip.`);
  const { jobs: found, skipped } = await triage(sources, limits);

  // Labels from folders; with labels, an image outside every label folder has none and is left out.
  const plan = labelsFromPaths(found.map((j) => j.path));
  if (plan.labelNames.length > limits.classes) {
    throw refusal(
      `The images are in ${groupedInt(plan.labelNames.length)} sub-folders; at most ${limits.classes} can be labels (one class per sub-folder).`,
    );
  }
  const jobs = [];
  for (const [k, job] of found.entries()) {
    if (plan.labelNames.length && plan.labelOf[k] === null) {
      const folders = plan.labelNames.slice(0, 3).join(', ') + (plan.labelNames.length > 3 ? ', …' : '');
      skipped.push({
        file: job.path,
        why: `${job.path} is not in a sub-folder, so it has no label (the sub-folders ${folders} are the labels).`,
      });
    } else jobs.push({ ...job, label: plan.labelOf[k] });
  }

  const dim = opts.channels * opts.side * opts.side;
  if (jobs.length * dim > limits.values) {
    throw refusal(
      `${groupedInt(jobs.length)} images of ${opts.channels}×${opts.side}×${opts.side} are ${groupedInt(jobs.length * dim)} numbers; at most ${groupedInt(limits.values)} fit: choose fewer images, a smaller size or grayscale.`,
    );
  }

  const values = new Float32Array(jobs.length * dim);
  const names = [];
  const labelOf = [];
  const sizes = {};
  let resized = 0;
  let done = 0;
  let unpacked = 0;
  const canvas = makeCanvas();
  opts.onProgress?.(0, jobs.length);

  /** Decodes one job's bytes (or records why it has none: an Error from the zip) and reports progress. */
  const take = async (blob, job) => {
    const r = blob instanceof Error ? { why: blob.message } : await decodeOne(blob, job.path, opts, limits, canvas);
    if (r.why) skipped.push({ file: job.path, why: r.why });
    else {
      values.set(r.vector, names.length * dim);
      names.push(job.path);
      labelOf.push(job.label);
      const key = `${r.width}x${r.height}`;
      sizes[key] = (sizes[key] ?? 0) + 1;
      if (r.width !== opts.side || r.height !== opts.side) resized++;
    }
    if (++done % YIELD_EVERY === 0 && done < jobs.length) {
      opts.onProgress?.(done, jobs.length);
      await nextTask();
    }
  };

  for (let k = 0; k < jobs.length; ) {
    const job = jobs[k];
    if (!job.zip) {
      await take(job.blob, job);
      k++;
      continue;
    }
    // The run of jobs from this zip: read it once, inflate a batch at a time.
    let end = k;
    while (end < jobs.length && jobs[end].zip === job.zip) end++;
    const run = jobs.slice(k, end);
    const bytes = new Uint8Array(await job.zip.blob.arrayBuffer());
    let at = 0;
    for (const batch of batches(run.map((j) => j.entry))) {
      const data = unpackBatch(bytes, batch);
      for (const d of data) {
        unpacked += d.length ?? 0; // fflate cannot pass the declared sizes; this guards the guard
        if (unpacked > limits.unpackedBytes) {
          throw refusal(
            `${job.zip.path} unpacked to more than ${formatBytes(limits.unpackedBytes)}; at most that much is read, so nothing was.`,
          );
        }
        await take(d instanceof Error ? d : new Blob([d]), run[at++]);
      }
    }
    k = end;
  }
  opts.onProgress?.(done, jobs.length);

  if (!names.length) {
    const reasons = skipped.slice(0, 3).map((s) => s.why.replace(/\.$/, ''));
    const more = skipped.length > 3 ? `; and ${groupedInt(skipped.length - 3)} more` : '';
    const err = refusal(
      `No image could be read${reasons.length ? `: ${reasons.join('; ')}${more}` : ''}. Choose ${FORMAT_NAMES} files, a folder of them or a .zip.`,
    );
    err.skipped = skipped;
    throw err;
  }

  // A folder whose every image was skipped is no class.
  const present = new Set(labelOf);
  const labelNames = plan.labelNames.filter((l) => present.has(l));
  const index = new Map(labelNames.map((l, i) => [l, i]));
  const labels = labelNames.length >= 2 ? Uint8Array.from(labelOf, (l) => index.get(l)) : null;
  const count = names.length;
  return {
    values: count < jobs.length ? values.slice(0, count * dim) : values,
    count,
    channels: opts.channels,
    height: opts.side,
    width: opts.side,
    labels,
    labelNames: labels ? labelNames : [],
    names,
    skipped,
    resized,
    sizes,
  };
}
