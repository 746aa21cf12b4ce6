// Builds the Rust crate to WebAssembly four times and generates the JS bindings:
//   www/pkg         the page's engine, without the "lab" feature (what every visit downloads)
//     cargo build --release --target wasm32-unknown-unknown --lib --no-default-features
//   www/pkg-lab     everything ("lab": applications, recommender, save/load), fetched on first need
//     cargo build --release --target wasm32-unknown-unknown --lib
//   www/pkg-mt      the two again with the "threads" feature: wasm atomics and shared
//   www/pkg-lab-mt  memory, so only for cross-origin isolated pages (docs/wasm-api.md, "Threads")
//     RUSTFLAGS='<THREAD_RUSTFLAGS>' rustup run <NIGHTLY> cargo build --release --target wasm32-unknown-unknown --lib
//       [--no-default-features] --features threads -Z build-std=panic_abort,std --target-dir target/mt
// each followed by
//   wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir <dir> <target>/wasm32-unknown-unknown/release/autoencoder_playground.wasm
// Skipped when all are newer than every input (src/, Cargo.toml, Cargo.lock,
// .cargo/config.toml, the wasm-bindgen binary). `--force` rebuilds regardless.
// The threaded builds need the pinned nightly with rust-src (scripts/setup.mjs
// installs it); `--no-threads` leaves them out (the page then trains on one thread).

import { join, relative, resolve, sep } from 'node:path';
import { ROOT, isMain, isUpToDate, log, main, run, which } from './lib.mjs';

export const CRATE = 'autoencoder_playground';
export const PKG_DIR = join(ROOT, 'www', 'pkg');
export const LAB_DIR = join(ROOT, 'www', 'pkg-lab');
export const MT_DIR = join(ROOT, 'www', 'pkg-mt');
export const LAB_MT_DIR = join(ROOT, 'www', 'pkg-lab-mt');
/**
 * The nightly toolchain of the threaded builds, pinned: wasm atomics need the
 * standard library rebuilt (`-Z build-std`), which only nightly cargo does.
 */
export const NIGHTLY = 'nightly-2026-05-20';
/**
 * The threaded builds' flags: .cargo/config.toml's (SIMD, getrandom's backend)
 * plus atomics and a shared, imported memory with its thread-local storage
 * exported, as wasm-bindgen-rayon's README asks.
 */
export const THREAD_RUSTFLAGS = [
  '-C target-feature=+simd128,+atomics,+bulk-memory,+mutable-globals',
  '--cfg getrandom_backend="wasm_js"',
  '-C link-arg=--shared-memory',
  '-C link-arg=--max-memory=1073741824',
  '-C link-arg=--import-memory',
  '-C link-arg=--export=__wasm_init_tls',
  '-C link-arg=--export=__tls_size',
  '-C link-arg=--export=__tls_align',
  '-C link-arg=--export=__tls_base',
].join(' ');
/** The builds: the output folder and the cargo feature flags of each; `threads` ones use NIGHTLY. */
export const BUILDS = [
  { name: 'core', dir: PKG_DIR, cargoArgs: ['--no-default-features'] },
  { name: 'lab', dir: LAB_DIR, cargoArgs: [] },
  { name: 'core, threads', dir: MT_DIR, cargoArgs: ['--no-default-features', '--features', 'threads'], threads: true },
  { name: 'lab, threads', dir: LAB_MT_DIR, cargoArgs: ['--features', 'threads'], threads: true },
];
const outputsOf = (builds) => builds.flatMap(({ dir }) => [join(dir, `${CRATE}.js`), join(dir, `${CRATE}_bg.wasm`)]);
export const PKG_OUTPUTS = outputsOf(BUILDS);

function inputs() {
  const list = ['src', 'vendor', 'Cargo.toml', 'Cargo.lock', '.cargo/config.toml', 'scripts/build-wasm.mjs'].map((p) =>
    join(ROOT, p),
  );
  const bindgen = which('wasm-bindgen');
  if (bindgen) list.push(bindgen); // a different CLI version means different glue
  return list;
}

export async function buildWasm({ force = false, threads = true } = {}) {
  const builds = BUILDS.filter((b) => threads || !b.threads);
  if (!force && isUpToDate(outputsOf(builds), inputs())) {
    log(`${builds.map((b) => relative(ROOT, b.dir)).join(', ')} are up to date (skipping the wasm build)`);
    return;
  }
  const baseDir = resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target');
  for (const { name, dir, cargoArgs, threads: mt } of builds) {
    // One after the other: builds of one kind write the same .wasm path. The
    // threaded ones have their own target folder (other flags, other std).
    const targetDir = mt ? join(baseDir, 'mt') : baseDir;
    const wasmPath = join(targetDir, 'wasm32-unknown-unknown', 'release', `${CRATE}.wasm`);
    const wasm = targetDir.startsWith(ROOT + sep) ? relative(ROOT, wasmPath) : wasmPath;
    log(`Building the wasm module (release, ${name})`);
    const cargo = ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', ...cargoArgs];
    if (mt) {
      await run('rustup', ['run', NIGHTLY, 'cargo', ...cargo, '-Z', 'build-std=panic_abort,std'], {
        env: { ...process.env, RUSTFLAGS: THREAD_RUSTFLAGS, CARGO_TARGET_DIR: targetDir },
      });
    } else {
      await run('cargo', cargo);
    }
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
    const { ensureWasmTarget, ensureWasmBindgen, ensureNightly } = await import('./setup.mjs');
    await ensureWasmTarget();
    await ensureWasmBindgen();
    const threads = !process.argv.includes('--no-threads') && (await ensureNightly());
    await buildWasm({ force: process.argv.includes('--force'), threads });
  });
}
