// What crosses the training worker's boundary: results made safe to transfer
// (never a view of wasm memory), the digits file unpacked, errors as messages.
// Kept apart from worker/trainer-protocol.js's protocol so each reads on its own.

const PIXELS = 784;

/** An error (or anything thrown) as the sentence the page shows. */
export const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** A typed array whose buffer we may transfer: it must own its whole buffer (never a view of wasm memory). */
function own(arr) {
  return arr.byteOffset === 0 && arr.byteLength === arr.buffer.byteLength ? arr : arr.slice();
}

/**
 * A result made safe to transfer: typed arrays (at the top, or as values of a
 * plain object or array) are replaced by copies that own their buffers.
 */
export function transferable(value) {
  const transfer = [];
  const fix = (v) => {
    if (!ArrayBuffer.isView(v) || v instanceof DataView) return v;
    const o = own(v);
    if (!transfer.includes(o.buffer)) transfer.push(o.buffer);
    return o;
  };
  let out = fix(value);
  if (out === value && Array.isArray(value)) out = value.map(fix);
  else if (out === value && value && Object.getPrototypeOf(value) === Object.prototype) {
    out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fix(v)]));
  }
  return { value: out, transfer };
}

/**
 * Gzipped bytes unpacked with the browser's DecompressionStream. Bytes that are
 * not gzip (no 1f 8b header: a server that sent the file with Content-Encoding
 * gzip, which fetch already undid) are returned as they are.
 * -> Promise<ArrayBuffer>
 */
export async function gunzip(buffer, where = 'The file') {
  const bytes = new Uint8Array(buffer);
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes.slice().buffer;
  if (typeof DecompressionStream !== 'function') {
    throw new Error(
      'This browser cannot unpack the built-in data (it lacks DecompressionStream); use a current Chrome, Firefox, Safari or Edge.',
    );
  }
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return await new Response(stream).arrayBuffer();
  } catch (err) {
    throw new Error(`${where} is damaged: it could not be unpacked (${messageOf(err)}).`);
  }
}

/** The digits file (u8 pixels then u8 labels) as { pixels, labels, count }, or a readable Error. */
export function unpackDigits(buffer, where = 'The digits file') {
  const bytes = new Uint8Array(buffer);
  if (bytes.length === 0 || bytes.length % (PIXELS + 1) !== 0) {
    throw new Error(`${where} is damaged: ${bytes.length} bytes is not a whole number of 28×28 images plus labels.`);
  }
  const count = bytes.length / (PIXELS + 1);
  return { pixels: bytes.subarray(0, count * PIXELS), labels: bytes.subarray(count * PIXELS), count };
}
