// Builds the Rust crate to WebAssembly twice and generates the JS bindings:
//   www/pkg      the page's engine, without the "lab" feature (what every visit downloads)
//     cargo build --release --target wasm32-unknown-unknown --lib --no-default-features
//   www/pkg-lab  everything ("lab": applications, recommender, save/load), fetched on first need
//     cargo build --release --target wasm32-unknown-unknown --lib
// each followed by
//   wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir <dir> target/wasm32-unknown-unknown/release/autoencoder_playground.wasm
// Skipped when both are newer than every input (src/, Cargo.toml, Cargo.lock,
// .cargo/config.toml, the wasm-bindgen binary). `--force` rebuilds regardless.

import { join, relative, resolve, sep } from 'node:path';
import { ROOT, isMain, isUpToDate, log, main, run, which } from './lib.mjs';

export const CRATE = 'autoencoder_playground';
export const PKG_DIR = join(ROOT, 'www', 'pkg');
export const LAB_DIR = join(ROOT, 'www', 'pkg-lab');
/** The two builds: the output folder and the cargo feature flags of each. */
export const BUILDS = [
  { name: 'core', dir: PKG_DIR, cargoArgs: ['--no-default-features'] },
  { name: 'lab', dir: LAB_DIR, cargoArgs: [] },
];
export const PKG_OUTPUTS = BUILDS.flatMap(({ dir }) => [join(dir, `${CRATE}.js`), join(dir, `${CRATE}_bg.wasm`)]);

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
    log('www/pkg and www/pkg-lab are up to date (skipping the wasm build)');
    return;
  }
  const targetDir = resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target');
  const wasmPath = join(targetDir, 'wasm32-unknown-unknown', 'release', `${CRATE}.wasm`);
  const wasm = targetDir.startsWith(ROOT + sep) ? relative(ROOT, wasmPath) : wasmPath;
  for (const { name, dir, cargoArgs } of BUILDS) {
    // One after the other: both builds write the same .wasm path.
    log(`Building the wasm module (release, ${name})`);
    await run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', ...cargoArgs]);
    log(`Generating JS bindings into ${relative(ROOT, dir)}`);
    // The name and producers sections only help debuggers; without them the download is ~60 KB smaller.
    await run('wasm-bindgen', [
      '--target',
      'web',
      '--remove-name-section',
      '--remove-producers-section',
      '--out-dir',
      relative(ROOT, dir),
      wasm,
    ]);
  }
}

if (isMain(import.meta.url)) {
  main(async () => {
    const { ensureWasmTarget, ensureWasmBindgen } = await import('./setup.mjs');
    await ensureWasmTarget();
    await ensureWasmBindgen();
    await buildWasm({ force: process.argv.includes('--force') });
  });
}
