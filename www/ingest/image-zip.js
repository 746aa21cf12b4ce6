// A .zip of images, opened with fflate (www/vendor/fflate.js, npm fflate) in
// two steps. First its directory is read and nothing is inflated: every entry's
// declared size is checked against the caps, so a zip bomb (a small file that
// unpacks to gigabytes) is refused before any of it is unpacked. Then the
// entries are inflated a few at a time. fflate inflates each entry into a
// buffer of exactly its declared size, so an entry that lies about its size
// cannot grow past what was checked; the directory step also refuses entries
// holding more compressed data than their declared size could come from, so
// the work of inflating stays bounded by the declared sizes too.

import { unzipSync } from '../vendor/fflate.js';
import { groupedInt } from '../lib/numbers.js';
import { baseName, cleanPath, formatBytes, isHidden, kindFromName, notAnImage, refusal } from './image-files.js';

/** Entries inflated in one call: at most this many, or this many declared bytes (one bigger entry goes alone). */
const BATCH_ENTRIES = 200;
const BATCH_BYTES = 8 * 1024 * 1024;

/** The most compressed bytes deflate can spend on `n` original bytes (stored blocks: 5 bytes per 64 KB), with slack. */
const maxPacked = (n) => n + Math.ceil(n / 16384) * 5 + 1024;

/**
 * The image entries of a zip, from its directory alone (nothing is inflated).
 * Folders, hidden files and __MACOSX/ copies are passed over; other files are
 * skipped with a sentence. Throws a refusal naming the zip and the cap when its
 * entries declare more than `limits` allow, and an Error (not a refusal) when
 * the bytes are not a zip.
 * @param {Uint8Array} bytes  the whole .zip file
 * @param {string} zipPath  the zip's own path; entries' paths are under it, as in a folder
 * @param {{images: number, fileBytes: number, unpackedBytes: number}} limits
 * @returns {{ entries: {index: number, name: string, path: string, size: number, originalSize: number}[],
 *             skipped: {file: string, why: string}[], unpackedBytes: number }}
 */
export function zipDirectory(bytes, zipPath, limits) {
  const zipName = baseName(zipPath);
  const entries = [];
  const skipped = [];
  const seen = new Set();
  let total = 0;
  let index = 0;
  unzipSync(bytes, {
    filter: ({ name, size, originalSize, compression }) => {
      const i = index++;
      const clean = cleanPath(name);
      if (name.endsWith('/') || !clean || isHidden(clean)) return false;
      const path = `${zipPath}/${clean}`;
      const kind = kindFromName(clean);
      if (kind === 'zip') {
        skipped.push({ file: path, why: `${path} is a zip inside a zip; unpack it and choose it on its own.` });
        return false;
      }
      if (kind === null && /\.[a-z0-9]+$/i.test(clean)) {
        skipped.push({ file: path, why: notAnImage(path) });
        return false;
      }
      if (seen.has(name)) {
        skipped.push({ file: path, why: `${path} appears twice in ${zipName}; the first copy is read.` });
        return false;
      }
      seen.add(name);
      if (originalSize === 0) {
        skipped.push({ file: path, why: `${path} is empty (0 bytes).` });
        return false;
      }
      if (compression !== 0 && compression !== 8) {
        skipped.push({
          file: path,
          why: `${path} is packed with a method this reader does not know (only stored and deflate).`,
        });
        return false;
      }
      if (originalSize > limits.fileBytes) {
        throw refusal(
          `${zipName} holds ${clean}, which unpacks to ${formatBytes(originalSize)}; each file may be at most ${formatBytes(limits.fileBytes)}.`,
        );
      }
      if ((compression === 0 && size !== originalSize) || size > maxPacked(originalSize)) {
        throw refusal(
          `${zipName} is damaged or crafted: ${clean} holds ${formatBytes(size)} of packed data but says it unpacks to ${formatBytes(originalSize)}, which cannot be; nothing was unpacked.`,
        );
      }
      total += originalSize;
      if (total > limits.unpackedBytes) {
        throw refusal(
          `${zipName} unpacks to more than ${formatBytes(limits.unpackedBytes)} (its directory declares at least ${formatBytes(total)}); at most ${formatBytes(limits.unpackedBytes)} of images are unpacked, so nothing was.`,
        );
      }
      if (entries.length >= limits.images) {
        throw refusal(
          `${zipName} holds more than ${groupedInt(limits.images)} files to read (it passed the cap at ${clean}); at most ${groupedInt(limits.images)} images are read at once.`,
        );
      }
      entries.push({ index: i, name, path, size, originalSize });
      return false; // the directory only: inflating comes later, a batch at a time
    },
  });
  return { entries, skipped, unpackedBytes: total };
}

/** Consecutive runs of entries small enough to inflate in one call (see BATCH_*). */
export function batches(entries) {
  const out = [];
  let run = [];
  let bytes = 0;
  for (const e of entries) {
    if (run.length && (run.length >= BATCH_ENTRIES || bytes + e.originalSize > BATCH_BYTES)) {
      out.push(run);
      run = [];
      bytes = 0;
    }
    run.push(e);
    bytes += e.originalSize;
  }
  if (run.length) out.push(run);
  return out;
}

/** Inflates the entries of one batch (by directory index); throws fflate's error if any of them is damaged. */
function inflate(bytes, batch) {
  const wanted = new Set(batch.map((e) => e.index));
  let index = 0;
  const files = unzipSync(bytes, { filter: () => wanted.has(index++) });
  return batch.map((e) => files[e.name]);
}

/**
 * The bytes of a batch of entries (from zipDirectory), each a Uint8Array, or
 * an Error whose message is the sentence for that entry when it is damaged
 * (its data does not inflate, or inflates to another size than it declared).
 */
export function unpackBatch(bytes, batch) {
  let out;
  try {
    out = inflate(bytes, batch);
  } catch {
    // One damaged entry fails the call: find it by inflating the rest one at a time.
    out = batch.map((e) => {
      try {
        return inflate(bytes, [e])[0];
      } catch {
        return null;
      }
    });
  }
  return out.map((data, k) => {
    const e = batch[k];
    if (data && data.length === e.originalSize) return data;
    return new Error(`${e.path} could not be unpacked: its data in the zip is damaged.`);
  });
}
