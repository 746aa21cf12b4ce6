// Installs what building (and, with { test: true }, testing) needs, and does
// nothing for what is already in place:
//   - node_modules (npm install / npm ci) when missing or stale vs package-lock.json
//   - the wasm32-unknown-unknown rust target
//   - the wasm-bindgen CLI at exactly the version of the wasm-bindgen crate in Cargo.lock
//   - for tests: geckodriver (cargo install), the Debian browsers (apt-get install when run as root
//     on Debian/Ubuntu; otherwise the line to run is printed)
//     and Python's safetensors + numpy (pip install), the reference reader of saved models
//
// Only node builtins are imported: this runs before node_modules exists.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, UserError, capture, firstExisting, isMain, log, main, run, which } from './lib.mjs';

/** Debian paths of the browsers and drivers the tests use, with their packages. */
export const BROWSERS = {
  chromium: { paths: ['/usr/bin/chromium'], pkg: 'chromium' },
  chromedriver: { paths: ['/usr/bin/chromedriver'], pkg: 'chromium-driver' },
  firefox: { paths: ['/usr/bin/firefox-esr', '/usr/bin/firefox'], pkg: 'firefox-esr' },
};

// ---------------------------------------------------------------- node_modules

/** Why node_modules needs an install, or null when it matches package-lock.json. */
export function nodeModulesProblem() {
  const lockPath = join(ROOT, 'package-lock.json');
  if (!existsSync(join(ROOT, 'node_modules'))) return 'node_modules/ is missing';
  if (!existsSync(lockPath)) return 'package-lock.json is missing';
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const packages = lock.packages || {};
  // package.json changed without the lock file following.
  const rootEntry = packages[''] || {};
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const want = pkg[field] || {};
    const have = rootEntry[field] || {};
    const keys = new Set([...Object.keys(want), ...Object.keys(have)]);
    for (const k of keys) {
      if (want[k] !== have[k]) return `package.json ${field}.${k} differs from package-lock.json`;
    }
  }
  // Every locked package installed at its locked version.
  for (const [path, entry] of Object.entries(packages)) {
    if (!path.startsWith('node_modules/') || entry.link) continue;
    const manifest = join(ROOT, path, 'package.json');
    if (!existsSync(manifest)) {
      if (entry.optional) continue;
      return `${path} is not installed`;
    }
    const installed = JSON.parse(readFileSync(manifest, 'utf8')).version;
    if (entry.version && installed !== entry.version) {
      return `${path} is ${installed}, package-lock.json wants ${entry.version}`;
    }
  }
  return null;
}

export async function ensureNodeModules() {
  const problem = nodeModulesProblem();
  if (!problem) return;
  const lock = existsSync(join(ROOT, 'package-lock.json'));
  const useCi = lock && process.env.CI && process.env.CI !== 'false';
  log(`Installing npm packages (${problem})`);
  await run('npm', [useCi ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

// ---------------------------------------------------------------- rust side

function requireCargo() {
  if (!which('cargo')) {
    throw new UserError('cargo was not found. Install Rust with rustup (https://rustup.rs) and try again.');
  }
}

export async function ensureWasmTarget() {
  requireCargo();
  const installed = capture('rustup', ['target', 'list', '--installed']);
  if (installed.ok && installed.stdout.split('\n').some((l) => l.trim() === 'wasm32-unknown-unknown')) return;
  if (!which('rustup')) {
    // A rust without rustup: trust it if it has the target's standard library.
    const libdir = capture('rustc', ['--print', 'target-libdir', '--target', 'wasm32-unknown-unknown']);
    if (libdir.ok && existsSync(libdir.stdout.trim())) return;
    throw new UserError('the wasm32-unknown-unknown target is missing and rustup is not available to add it.');
  }
  log('Adding the wasm32-unknown-unknown rust target');
  await run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
}

/** The version of the wasm-bindgen crate in Cargo.lock (creating Cargo.lock if needed). */
export async function wasmBindgenVersion() {
  const lockPath = join(ROOT, 'Cargo.lock');
  if (!existsSync(lockPath)) {
    requireCargo();
    log('Cargo.lock is missing; generating it');
    await run('cargo', ['generate-lockfile']);
  }
  const text = readFileSync(lockPath, 'utf8');
  for (const block of text.split(/^\[\[package\]\]\s*$/m)) {
    if (/^name = "wasm-bindgen"$/m.test(block)) {
      const m = block.match(/^version = "([^"]+)"$/m);
      if (m) return m[1];
    }
  }
  throw new UserError('Cargo.lock has no wasm-bindgen package; is wasm-bindgen a dependency in Cargo.toml?');
}

/** The version printed by `<tool> --version` ("wasm-bindgen 0.2.130" -> "0.2.130"), or null. */
function toolVersion(tool) {
  if (!which(tool)) return null;
  const r = capture(tool, ['--version']);
  if (!r.ok) return null;
  const m = r.stdout.match(/(\d+\.\d+\.\d+\S*)/);
  return m ? m[1] : null;
}

export async function ensureWasmBindgen() {
  const want = await wasmBindgenVersion();
  const have = toolVersion('wasm-bindgen');
  if (have === want && toolVersion('wasm-bindgen-test-runner') === want) return;
  requireCargo();
  log(
    `Installing wasm-bindgen-cli ${want} (${have ? `found ${have}` : 'not installed'}); ` +
      'this compiles from source and takes a few minutes',
  );
  // No --locked: it fails on a missing transitive version here.
  await run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, ...(have ? ['--force'] : [])]);
  const now = toolVersion('wasm-bindgen');
  if (now !== want) {
    throw new UserError(`after installing, \`wasm-bindgen --version\` reports ${now ?? 'nothing'}, expected ${want}`);
  }
}

/**
 * The pinned nightly toolchain of the threaded wasm builds, with rust-src (for
 * `-Z build-std`) and the wasm target; installed with rustup when missing.
 * Returns false, with a notice, where there is no rustup to install it: the
 * threaded builds are then left out and the page trains on one thread.
 */
export async function ensureNightly() {
  const { NIGHTLY } = await import('./build-wasm.mjs');
  if (!which('rustup')) {
    log(`rustup was not found, so the threaded wasm builds (${NIGHTLY}) are left out: the page trains on one thread.`);
    return false;
  }
  const installed = capture('rustup', ['component', 'list', '--installed', '--toolchain', NIGHTLY]);
  const have = installed.ok ? installed.stdout.split('\n').map((l) => l.trim()) : [];
  if (have.includes('rust-src') && have.includes('rust-std-wasm32-unknown-unknown')) return true;
  log(
    `Installing the ${NIGHTLY} toolchain with rust-src for the threaded wasm builds (wasm atomics need -Z build-std)`,
  );
  await run('rustup', [
    'toolchain',
    'install',
    NIGHTLY,
    '--profile',
    'minimal',
    '--component',
    'rust-src',
    '--target',
    'wasm32-unknown-unknown',
  ]);
  return true;
}

// ---------------------------------------------------------------- test tools

/** Path of geckodriver, installing it with cargo when missing. */
export async function ensureGeckodriver() {
  const fromEnv = process.env.GECKODRIVER;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  let path = which('geckodriver');
  if (path) return path;
  requireCargo();
  log('Installing geckodriver (cargo install geckodriver); this takes a few minutes');
  await run('cargo', ['install', 'geckodriver']);
  path = which('geckodriver');
  if (!path) throw new UserError('geckodriver was installed but is not on PATH (is ~/.cargo/bin on PATH?)');
  return path;
}

/**
 * Python's `safetensors` and numpy, which a test uses as the reference reader of
 * saved models; installed with pip (from PyPI) when missing.
 */
export async function ensurePythonSafetensors() {
  if (!which('python3')) throw new UserError('python3 is needed by the checkpoint test (Debian package python3)');
  const probe = () => spawnSync('python3', ['-c', 'import safetensors, numpy'], { stdio: 'ignore' }).status === 0;
  if (probe()) return;
  log('Installing the Python reference reader (pip install safetensors numpy)');
  await run('python3', ['-m', 'pip', 'install', '--quiet', 'safetensors', 'numpy']);
  if (!probe()) throw new UserError('pip installed safetensors and numpy, but python3 still cannot import them');
}

/** The browsers and drivers that are not installed: [{ name, paths, pkg }]. */
function missingBrowsers() {
  return Object.entries(BROWSERS)
    .filter(([, { paths }]) => !firstExisting(paths))
    .map(([name, { paths, pkg }]) => ({ name, paths, pkg }));
}

/** Root on a Debian-like system can install packages itself, without a question. */
const canAptInstall = () => process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');

/**
 * Paths of chromium, chromedriver and firefox. When some are missing and this
 * runs as root on Debian/Ubuntu, installs their packages with apt-get;
 * otherwise throws a UserError with the apt-get line to run.
 */
export async function ensureBrowsers() {
  let missing = missingBrowsers();
  if (missing.length && canAptInstall()) {
    const pkgs = [...new Set(missing.map((m) => m.pkg))];
    log(`Installing the browsers the tests use (apt-get install ${pkgs.join(' ')})`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update'], { env });
    await run('apt-get', ['install', '-y', ...pkgs], { env });
    missing = missingBrowsers();
  }
  if (missing.length) {
    const lines = missing.map((m) => `  ${m.name}: none of ${m.paths.join(', ')} exists (Debian package ${m.pkg})`);
    throw new UserError(
      `the browser tests need browsers that are not installed:\n${lines.join('\n')}\n` +
        `Install them with:\n  sudo apt-get install -y ${missing.map((m) => m.pkg).join(' ')}`,
    );
  }
  return Object.fromEntries(Object.entries(BROWSERS).map(([name, { paths }]) => [name, firstExisting(paths)]));
}

// ---------------------------------------------------------------- all of it

/**
 * Everything `npm start` needs; with { test: true } also what `npm test` needs.
 * Returns { wasmBindgen, threads, browsers?, geckodriver? } (threads: whether the
 * threaded wasm builds can be made; pass it on to buildWasm).
 */
export async function setup({ test = false } = {}) {
  const result = {};
  if (test) result.browsers = await ensureBrowsers(); // first: fail (or install) before the slow builds
  await ensureNodeModules();
  await ensureWasmTarget();
  await ensureWasmBindgen();
  result.wasmBindgen = toolVersion('wasm-bindgen');
  result.threads = await ensureNightly();
  if (test) result.geckodriver = await ensureGeckodriver();
  if (test) await ensurePythonSafetensors();
  return result;
}

if (isMain(import.meta.url)) {
  main(async () => {
    const test = process.argv.includes('--test');
    const r = await setup({ test });
    log(`Setup complete (wasm-bindgen ${r.wasmBindgen}${test ? `, geckodriver ${r.geckodriver}` : ''})`);
  });
}
