// `npm run lint` (and the `lint` stage of `npm test`): every format and lint
// check, failing on any finding.
//   - Biome: format and lint of the JS, CSS and JSON (biome.jsonc)
//   - rustfmt: `cargo fmt --check` (rustfmt.toml)
//   - clippy with -D warnings: native with and without the `lab` feature (all
//     targets: lib, tests, benches), and the wasm32 target (the facade in src/api/
//     and tests/web.rs compile only there)
// Runs them all and reports every failure, not only the first.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, UserError, capture, isMain, log, main, run } from './lib.mjs';

const WASM = ['--target', 'wasm32-unknown-unknown'];
const DENY = ['--', '-D', 'warnings'];

/** The checks, in order: [title, command, args]. */
export const CHECKS = [
  ['Biome (JS, CSS, JSON)', join(ROOT, 'node_modules', '.bin', 'biome'), ['check', '--error-on-warnings']],
  ['rustfmt', 'cargo', ['fmt', '--check']],
  // Native with threads: the threaded builds' code (src/nn/gemm.rs, the optimiser's split) is checked here.
  ['clippy, native, with lab and threads', 'cargo', ['clippy', '--all-targets', '--features', 'threads', ...DENY]],
  ['clippy, native, without lab', 'cargo', ['clippy', '--all-targets', '--no-default-features', ...DENY]],
  ['clippy, wasm32, with lab', 'cargo', ['clippy', '--lib', '--tests', ...WASM, ...DENY]],
  ['clippy, wasm32, without lab', 'cargo', ['clippy', '--lib', '--tests', '--no-default-features', ...WASM, ...DENY]],
];

/** rustfmt and clippy are rustup components; a minimal toolchain may lack them. */
export async function ensureRustComponents() {
  const have = capture('rustup', ['component', 'list', '--installed']);
  if (!have.ok) return; // no rustup: cargo's own error will say what is missing
  const want = ['clippy', 'rustfmt'].filter((c) => !have.stdout.split('\n').some((l) => l.startsWith(`${c}-`)));
  if (want.length) {
    log(`Installing the Rust components ${want.join(', ')} (rustup component add)`);
    await run('rustup', ['component', 'add', ...want]);
  }
}

export async function lint() {
  if (!existsSync(CHECKS[0][1])) throw new UserError('Biome is missing; run `npm install`');
  await ensureRustComponents();
  const failed = [];
  for (const [title, cmd, args] of CHECKS) {
    log(title);
    try {
      await run(cmd, args);
    } catch (err) {
      failed.push(`${title}: ${err.message}`);
    }
  }
  if (failed.length) throw new UserError(`${failed.length} lint check(s) failed:\n  ${failed.join('\n  ')}`);
}

if (isMain(import.meta.url)) main(lint);
