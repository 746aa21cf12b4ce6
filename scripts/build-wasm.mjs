// Builds the Rust crate to WebAssembly and generates the JS bindings in www/pkg/:
//   cargo build --release --target wasm32-unknown-unknown --lib
//   wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir www/pkg target/wasm32-unknown-unknown/release/autoencoder_playground.wasm
// Skipped when www/pkg is newer than every input (src/, Cargo.toml, Cargo.lock,
// .cargo/config.toml, the wasm-bindgen binary). `--force` rebuilds regardless.

import { join, relative, resolve, sep } from 'node:path';
import { ROOT, isMain, isUpToDate, log, main, run, which } from './lib.mjs';

export const CRATE = 'autoencoder_playground';
export const PKG_DIR = join(ROOT, 'www', 'pkg');
export const PKG_OUTPUTS = [join(PKG_DIR, `${CRATE}.js`), join(PKG_DIR, `${CRATE}_bg.wasm`)];

function inputs() {
  const list = ['src', 'Cargo.toml', 'Cargo.lock', '.cargo/config.toml', 'scripts/build-wasm.mjs'].map((p) =>
    join(ROOT, p),
  );
  const bindgen = which('wasm-bindgen');
  if (bindgen) list.push(bindgen); // a different CLI version means different glue
  return list;
}

export async function buildWasm({ force = false } = {}) {
  if (!force && isUpToDate(PKG_OUTPUTS, inputs())) {
    log('www/pkg is up to date (skipping the wasm build)');
    return;
  }
  log('Building the wasm module (release)');
  await run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib']);
  log('Generating JS bindings into www/pkg');
  const targetDir = resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target');
  const wasmPath = join(targetDir, 'wasm32-unknown-unknown', 'release', `${CRATE}.wasm`);
  const wasm = targetDir.startsWith(ROOT + sep) ? relative(ROOT, wasmPath) : wasmPath;
  // The name and producers sections only help debuggers; without them the download is ~60 KB smaller.
  await run('wasm-bindgen', ['--target', 'web', '--remove-name-section', '--remove-producers-section', '--out-dir', 'www/pkg', wasm]);
}

if (isMain(import.meta.url)) {
  main(async () => {
    const { ensureWasmTarget, ensureWasmBindgen } = await import('./setup.mjs');
    await ensureWasmTarget();
    await ensureWasmBindgen();
    await buildWasm({ force: process.argv.includes('--force') });
  });
}
