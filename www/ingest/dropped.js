// Files dropped on the page, folders included: a drop's items are read as
// entries (webkitGetAsEntry, which must be asked for while the drop event is
// being handled) and folders are walked, so each file comes with its path
// ("shapes/round/1.png") and sub-folders give labels as a chosen folder does
// (www/ingest/images.js). Without entries (an older browser), the plain files.

/**
 * The entries of a drop, taken at once (call it inside the drop handler), then
 * read: -> Promise<Array<File | { file, path }>>. At most `limit` files are
 * collected (the image cap + 1, so the reader can say the cap was passed).
 */
export function droppedFiles(dataTransfer, { limit = 20_001 } = {}) {
  const entries = [...(dataTransfer?.items ?? [])].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (!entries.length || entries.some((e) => e === null)) return Promise.resolve([...(dataTransfer?.files ?? [])]);
  return filesOf(entries, { limit });
}

/** Files under `entries` (FileSystemEntry-like: isFile + file(cb, err), or isDirectory + createReader()), with paths. */
export async function filesOf(entries, { limit = 20_001 } = {}) {
  const out = [];
  const fileOf = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));
  const batchOf = (reader) => new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  async function walk(entry, prefix) {
    if (out.length >= limit) return;
    if (entry.isFile) {
      out.push({ file: await fileOf(entry), path: `${prefix}${entry.name}` });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      // readEntries gives a folder's entries in batches (100 at a time in Chromium) until an empty one.
      for (let batch = await batchOf(reader); batch.length; batch = await batchOf(reader)) {
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  }
  for (const e of entries) await walk(e, '');
  return out;
}
