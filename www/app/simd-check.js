// Whether this browser's WebAssembly has SIMD (the engine is built with
// +simd128): validating a tiny module that uses one v128 instruction answers
// it before anything is downloaded. The bytes are the SIMD check of the
// wasm-feature-detect project: (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt).

const SIMD_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** True when WebAssembly with SIMD is available. */
export function hasWasmSimd() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_MODULE);
  } catch {
    return false;
  }
}
