// What a file is, before anything decodes it: its path (from a file picker, a
// folder picker, a drop or a zip), whether its name or first bytes say it is an
// image or a zip, the pixel size its header declares, and the label its folder
// gives it. Pure (no DOM), so node tests every rule here.

/** The formats read, as a person would name them. */
export const FORMAT_NAMES = 'PNG, JPEG, WebP, GIF or BMP';

/** The sentence for a file that is neither an image nor a zip. */
export function notAnImage(path) {
  return `${path} is not an image (${FORMAT_NAMES}).`;
}

const EXTENSIONS = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  jfif: 'jpeg',
  webp: 'webp',
  gif: 'gif',
  bmp: 'bmp',
  dib: 'bmp',
};

/** The MIME type of each format, for the Blob handed to createImageBitmap. */
export const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp' };

/** A path with forward slashes and no leading "/" or "./": "C:\\x\\a.png" stays readable, "./a/b.png" is "a/b.png". */
export function cleanPath(path) {
  return String(path)
    .replace(/\\/g, '/')
    .replace(/^(\.?\/)+/, '')
    .replace(/\/{2,}/g, '/');
}

/** The last part of a path: "a/b/c.png" -> "c.png". */
export function baseName(path) {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Files nobody means to import: anything under a dot-folder or named with a
 * leading dot (.DS_Store, ._x.png from macOS), and macOS's __MACOSX/ copies in zips.
 */
export function isHidden(path) {
  return path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

/** What the name says: 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'zip' | null. */
export function kindFromName(name) {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  if (!m) return null;
  const ext = m[1].toLowerCase();
  return ext === 'zip' ? 'zip' : (EXTENSIONS[ext] ?? null);
}

/** What the first bytes say (at least 12 of them): the same kinds as kindFromName, or null. */
export function kindFromBytes(b) {
  const at = (i, ...v) => v.every((x, k) => b[i + k] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif'; // GIF8
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp'; // RIFF....WEBP
  if (at(0, 0x42, 0x4d) && b.length >= 26) return 'bmp'; // BM
  if (at(0, 0x50, 0x4b, 0x03, 0x04) || at(0, 0x50, 0x4b, 0x05, 0x06)) return 'zip'; // PK (an empty zip starts with its end record)
  return null;
}

/**
 * The kind of a file from its name and first bytes. The bytes win when they
 * name a format (a PNG saved as .jpg is still read); a name that promises an
 * image whose bytes are not one is 'corrupt'; anything else is null (not an image).
 */
export function kindOf(name, head) {
  const byBytes = kindFromBytes(head);
  if (byBytes) return byBytes;
  const byName = kindFromName(name);
  if (byName === 'zip') return 'zip'; // a damaged zip says so when it is opened
  return byName ? 'corrupt' : null;
}

const u16be = (b, i) => (b[i] << 8) | b[i + 1];
const u16le = (b, i) => b[i] | (b[i + 1] << 8);
const u24le = (b, i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32be = (b, i) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
const i32le = (b, i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);

/**
 * The width and height an image's header declares, read without decoding, so
 * that a small file that would unpack to billions of pixels (an image bomb) is
 * refused before the browser allocates them. Null when the header is not found
 * in `b` (the browser then decodes it and its own limits apply).
 */
export function declaredSize(kind, b) {
  if (kind === 'png' && b.length >= 24) return { width: u32be(b, 16), height: u32be(b, 20) };
  if (kind === 'gif' && b.length >= 10) return { width: u16le(b, 6), height: u16le(b, 8) };
  if (kind === 'bmp' && b.length >= 26) {
    if (u16le(b, 14) === 12) return { width: u16le(b, 18), height: u16le(b, 20) }; // OS/2 header
    return { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
  }
  if (kind === 'webp' && b.length >= 30) {
    const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
    if (chunk === 'VP8X') return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
    if (chunk === 'VP8 ') return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
    }
    return null;
  }
  if (kind === 'jpeg') {
    // Walk the marker segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC).
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1];
      if (marker === 0xff) {
        i++; // fill byte
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: u16be(b, i + 7), height: u16be(b, i + 5) };
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2; // markers without a length
        continue;
      }
      i += 2 + u16be(b, i + 2);
    }
  }
  return null;
}

/** Whether `bytes` holds the sequence `seq` anywhere. */
function holds(bytes, seq) {
  outer: for (let i = 0; i + seq.length <= bytes.length; i++) {
    for (let k = 0; k < seq.length; k++) if (bytes[i + k] !== seq[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * Whether a file ends before its image does (an interrupted download or copy).
 * Browsers disagree on such files (Firefox shows the rows that arrived,
 * Chromium refuses), so they are refused here in every browser: a PNG has its
 * IEND chunk, a JPEG its end-of-image marker, a GIF its trailer, a WebP and a
 * BMP as many bytes as their headers declare.
 * @param {string} kind
 * @param {Uint8Array} head  the file's first bytes (at least 16)
 * @param {Uint8Array} tail  its last bytes (up to 1 KB)
 * @param {number} size  its length in bytes
 */
export function isCutShort(kind, head, tail, size) {
  const u32le = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  if (kind === 'png') return !holds(tail, [0x49, 0x45, 0x4e, 0x44]); // IEND
  if (kind === 'jpeg') return !holds(tail, [0xff, 0xd9]);
  if (kind === 'gif') return !tail.includes(0x3b);
  if (kind === 'webp') return size < 8 + u32le(head, 4);
  if (kind === 'bmp') return size < Math.max(u32le(head, 2), u32le(head, 10));
  return false;
}

/** Natural order for folder names: "2" before "10", "cat" before "dog"; the same in every browser (no Intl). */
export function naturalCompare(a, b) {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d) return d;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** A folder's name as a label: a zip read as a folder loses its ".zip". */
const labelName = (part) => part.replace(/\.zip$/i, '');

/**
 * Labels from folders: the first folder level under the common root of all
 * paths names each image's class ("digits/cat/1.png" and "digits/dog/2.png" ->
 * "cat" and "dog"). Images directly in the root have none. Fewer than two
 * folders is no labelling at all.
 * @param {string[]} paths  cleaned paths (cleanPath), one per image
 * @returns {{ labelNames: string[], labelOf: (string|null)[] }}  sorted names (naturalCompare), and each path's name or null
 */
export function labelsFromPaths(paths) {
  const dirs = paths.map((p) => p.split('/').slice(0, -1));
  let root = dirs.length ? dirs[0].length : 0;
  for (const d of dirs) {
    let k = 0;
    while (k < root && k < d.length && d[k] === dirs[0][k]) k++;
    root = k;
  }
  const labelOf = dirs.map((d) => (d.length > root ? labelName(d[root]) : null));
  const labelNames = [...new Set(labelOf.filter((l) => l !== null))].sort(naturalCompare);
  if (labelNames.length < 2) return { labelNames: [], labelOf: paths.map(() => null) };
  return { labelNames, labelOf };
}

/** Bytes as a person reads them: 52428800 -> "50 MB" (binary megabytes, as the caps are stated). */
export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  const mb = n / (1024 * 1024);
  return `${mb < 10 ? Math.round(mb * 10) / 10 : Math.round(mb)} MB`;
}

/** An Error for input that is refused as a whole (a cap passed): its message is the sentence to show. */
export function refusal(message) {
  const err = new Error(message);
  err.refused = true;
  return err;
}
