// Shared helpers for the project scripts (start, test, build, serve, ...).
//
// Only node builtins may be imported here and in every script that `npm start`
// or `npm test` loads before `npm install` has run (setup.mjs, build-wasm.mjs,
// pack-data.mjs, vendor.mjs, serve.mjs): on a fresh clone node_modules/ does
// not exist yet.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Tools installed by `cargo install` (wasm-bindgen, geckodriver) live in
// $CARGO_HOME/bin; make sure we and every child we spawn can find them even
// when the caller's PATH does not include it.
{
  const cargoBin = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'bin');
  const parts = (process.env.PATH || '').split(delimiter);
  if (existsSync(cargoBin) && !parts.includes(cargoBin)) {
    process.env.PATH = [cargoBin, ...parts].filter(Boolean).join(delimiter);
  }
}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : String(s));
export const bold = paint('1');
export const green = paint('32');
export const red = paint('31');
export const yellow = paint('33');
export const dim = paint('2');

/**
 * Flags for headless Chromium as root on these machines: no sandbox (root), and no
 * background networking or updates (the only network is the package registries).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** A progress line, visibly distinct from the output of the tools we run. */
export function log(msg) {
  console.log(`${bold('==>')} ${msg}`);
}

/** An error whose message is meant for the user as is (no stack trace). */
export class UserError extends Error {}

/** Quote a command line for display. */
export function showCommand(cmd, args = []) {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/**
 * Run a command with inherited stdio. Resolves when it exits 0, rejects with a
 * UserError naming the command otherwise.
 *
 * options: { cwd = ROOT, env (full environment; default process.env), quiet }
 */
export function run(cmd, args = [], { cwd = ROOT, env = process.env, quiet = false } = {}) {
  if (!quiet) console.log(dim(`$ ${showCommand(cmd, args)}`));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: 'inherit' });
    child.on('error', (err) => {
      reject(new UserError(`could not run \`${cmd}\`: ${err.code === 'ENOENT' ? 'not found on PATH' : err.message}`));
    });
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new UserError(`\`${showCommand(cmd, args)}\` ${how}`));
      }
    });
  });
}

/**
 * Run a command and capture its output. Never throws: returns
 * { ok, status, stdout, stderr } (ok is false when the command is missing).
 */
export function capture(cmd, args = [], { cwd = ROOT, env = process.env } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  return {
    ok: !r.error && r.status === 0,
    status: r.error ? null : r.status,
    stdout: r.stdout || '',
    stderr: r.stderr || '',
  };
}

/** Absolute path of an executable found on PATH, or null. */
export function which(name) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      const st = statSync(p);
      if (st.isFile() && st.mode & 0o111) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The first of the given paths that exists, or null. */
export function firstExisting(paths) {
  return paths.find((p) => existsSync(p)) ?? null;
}

/**
 * The newest modification time (ms) among the given files and, recursively,
 * directories. Missing paths are ignored. Returns 0 when nothing exists.
 */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(p)) visit(join(p, entry));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}

/**
 * True when every output exists and the oldest output is at least as new as
 * the newest input.
 */
export function isUpToDate(outputs, inputs) {
  let oldestOutput = Infinity;
  for (const out of outputs) {
    try {
      oldestOutput = Math.min(oldestOutput, statSync(out).mtimeMs);
    } catch {
      return false;
    }
  }
  return oldestOutput >= newestMtime(inputs);
}

/** True when the module with this import.meta.url is the script node was started with. */
export function isMain(importMetaUrl) {
  return Boolean(process.argv[1]) && resolve(process.argv[1]) === fileURLToPath(importMetaUrl);
}

/** Run an async entry point; print a readable error and exit 1 on failure. */
export function main(fn) {
  Promise.resolve()
    .then(fn)
    .catch((err) => {
      if (err instanceof UserError) console.error(`\n${red('error:')} ${err.message}`);
      else console.error(err);
      process.exit(1);
    });
}

/** Format milliseconds as "12.3 s" or "2 min 05 s". */
export function formatDuration(ms) {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
}
