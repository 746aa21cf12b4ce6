// `npm test`: set up (including the test-only tools), build the site once, then
//   1. native        cargo test --features threads (unit, gradient and integration tests, on rayon's threads);
//                    cargo test --no-default-features --test inside (the page's small build)
//   2. chrome        cargo test --target wasm32-unknown-unknown --test web   in headless Chromium
//   3. firefox       the same in headless Firefox
//   4. js            node --test tests/unit-js/   (front-end modules, no browser)
//   5. e2e-chromium  node --test tests/e2e/       (playwright-core driving /usr/bin/chromium)
//   6. e2e-firefox   the same page tests in firefox-esr (E2E_BROWSER=firefox: puppeteer-core
//                    over WebDriver BiDi, behind tests/e2e/helpers/firefox.mjs)
//   7. lint          Biome, rustfmt and clippy (-D warnings), scripts/lint.mjs
// and print a summary. Exits non-zero when setup or any stage fails.
//
// Options (after `npm test --`):
//   --only native,chrome,firefox,js,e2e-chromium,e2e-firefox,lint
//                 run just these stages (e2e names both browser stages)
//   --bail        stop at the first failing stage
//
// Node builtins only: this runs before node_modules exists.

import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildWasm } from './build-wasm.mjs';
import { lint } from './lint.mjs';
import { ROOT, UserError, bold, dim, formatDuration, green, main, red, run, yellow } from './lib.mjs';
import { packData } from './pack-data.mjs';
import { setup } from './setup.mjs';
import { vendor } from './vendor.mjs';

const STAGES = ['native', 'chrome', 'firefox', 'js', 'e2e-chromium', 'e2e-firefox', 'lint'];
/** Short names for groups of stages in --only. */
const ALIASES = { e2e: ['e2e-chromium', 'e2e-firefox'] };
const DRIVERS = ['GECKODRIVER', 'SAFARIDRIVER', 'CHROMEDRIVER', 'MSEDGEDRIVER'];

function parseArgs(argv) {
  const opts = { only: STAGES, bail: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--bail') opts.bail = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      const list = (value || '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .flatMap((s) => ALIASES[s] ?? [s]);
      const bad = list.filter((s) => !STAGES.includes(s));
      if (!list.length || bad.length) {
        throw new UserError(
          `--only takes a comma-separated list of: ${STAGES.join(', ')} (or e2e for both browser stages)`,
        );
      }
      opts.only = STAGES.filter((s) => list.includes(s));
    } else if (a === '--help' || a === '-h') {
      console.log(`npm test [-- --only ${STAGES.join(',')}] [-- --bail]`);
      process.exit(0);
    } else throw new UserError(`unknown option ${a} (try --help)`);
  }
  return opts;
}

/**
 * The webdriver capabilities for wasm-bindgen-test-runner: webdriver.json from
 * the repository root plus the browser binaries found on this machine, written
 * to target/ and handed over with WASM_BINDGEN_TEST_WEBDRIVER_JSON.
 */
function writeCapabilities(browsers) {
  const caps = JSON.parse(readFileSync(join(ROOT, 'webdriver.json'), 'utf8'));
  caps['goog:chromeOptions'] = { ...caps['goog:chromeOptions'], binary: browsers.chromium };
  caps['moz:firefoxOptions'] = { ...caps['moz:firefoxOptions'], binary: browsers.firefox };
  const dir = join(ROOT, 'target');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'webdriver.test.json');
  writeFileSync(file, `${JSON.stringify(caps, null, 2)}\n`);
  return file;
}

/** An environment in which exactly one webdriver is configured. */
function browserEnv(driverVar, driverPath, capsFile) {
  const env = { ...process.env };
  for (const d of DRIVERS) {
    delete env[d];
    delete env[`${d}_REMOTE`];
  }
  delete env.NO_HEADLESS;
  delete env.WASM_BINDGEN_TEST_ONLY_NODE;
  env[driverVar] = driverPath;
  env.WASM_BINDGEN_TEST_WEBDRIVER_JSON = capsFile;
  // The runner's default (20 s) covers the whole test binary, not one test.
  env.WASM_BINDGEN_TEST_TIMEOUT ||= '600';
  return env;
}

/** The *.test.mjs / *.test.js files under tests/<sub>/, sorted, relative to the root. */
function testFiles(sub) {
  const dir = join(ROOT, 'tests', sub);
  const found = [];
  const visit = (d) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) visit(p);
      else if (/\.test\.m?js$/.test(entry)) found.push(relative(ROOT, p));
    }
  };
  try {
    visit(dir);
  } catch {
    // no such directory
  }
  return found;
}

main(async () => {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();

  const results = [];
  let tools;
  let capsFile;
  {
    console.log(bold('━━━ setup: tools, wasm build, data, vendored JS'));
    const start = Date.now();
    try {
      tools = await setup({ test: true });
      await buildWasm({ threads: tools.threads }); // the one release build of this run; the e2e tests use www/pkg as is
      packData();
      vendor();
      capsFile = writeCapabilities(tools.browsers);
      results.push({
        name: 'setup',
        title: 'tools, wasm build, data, vendored JS',
        status: 'PASS',
        ms: Date.now() - start,
      });
    } catch (err) {
      console.error(red(`\nsetup failed: ${err instanceof UserError ? err.message : err.stack}`));
      results.push({
        name: 'setup',
        title: 'tools, wasm build, data, vendored JS',
        status: 'FAIL',
        ms: Date.now() - start,
      });
    }
  }
  const wasmTest = ['test', '--target', 'wasm32-unknown-unknown', '--test', 'web'];
  /** The page tests, in the browser that `vars` name. */
  const e2e = (vars) => {
    const files = testFiles('e2e');
    if (!files.length) throw new UserError('no tests/e2e/*.test.mjs files found');
    return run(process.execPath, ['--test', ...files], { env: { ...process.env, ...vars } });
  };

  const stages = {
    // With the threads feature: every test also runs the split products (rayon's pool, one thread per core),
    // and tests/threads.rs checks them bit for bit against one thread.
    // Then the page's small build (no lab, no threads) on the tests of what it does its own way: its
    // Inside sums (src/nn/optim.rs, FUSED_TRACKED_ADAM).
    native: {
      title: 'cargo test --features threads (native), and the small build on tests/inside.rs',
      fn: async () => {
        await run('cargo', ['test', '--features', 'threads']);
        await run('cargo', ['test', '--no-default-features', '--test', 'inside']);
      },
    },
    chrome: {
      title: 'wasm tests in headless Chromium',
      fn: () => run('cargo', wasmTest, { env: browserEnv('CHROMEDRIVER', tools.browsers.chromedriver, capsFile) }),
    },
    firefox: {
      title: 'wasm tests in headless Firefox',
      fn: () => run('cargo', wasmTest, { env: browserEnv('GECKODRIVER', tools.geckodriver, capsFile) }),
    },
    js: {
      title: 'front-end unit tests (node --test tests/unit-js/)',
      fn: () => {
        const files = testFiles('unit-js');
        if (!files.length) throw new UserError('no tests/unit-js/*.test.mjs files found');
        return run(process.execPath, ['--test', ...files]);
      },
    },
    'e2e-chromium': {
      title: 'page tests in Chromium (node --test tests/e2e/)',
      fn: () => e2e({ E2E_BROWSER: 'chromium', CHROMIUM_PATH: process.env.CHROMIUM_PATH || tools.browsers.chromium }),
    },
    'e2e-firefox': {
      title: 'page tests in Firefox (E2E_BROWSER=firefox)',
      fn: () => e2e({ E2E_BROWSER: 'firefox', FIREFOX_PATH: process.env.FIREFOX_PATH || tools.browsers.firefox }),
    },
    lint: { title: 'format and lint (Biome, rustfmt, clippy -D warnings)', fn: lint },
  };

  for (const name of STAGES) {
    const stage = stages[name];
    if (!opts.only.includes(name)) continue;
    if (results[0].status === 'FAIL' || (opts.bail && results.some((r) => r.status === 'FAIL'))) {
      results.push({ name, title: stage.title, status: 'SKIP', ms: 0 });
      continue;
    }
    console.log(`\n${bold(`━━━ ${name}: ${stage.title}`)}`);
    const start = Date.now();
    try {
      await stage.fn();
      results.push({ name, title: stage.title, status: 'PASS', ms: Date.now() - start });
    } catch (err) {
      console.error(red(`\n${name} failed: ${err.message}`));
      results.push({ name, title: stage.title, status: 'FAIL', ms: Date.now() - start, error: err.message });
    }
  }

  const passed = results.filter((r) => r.status === 'PASS').length;
  const failed = results.filter((r) => r.status === 'FAIL').length;
  const skipped = results.filter((r) => r.status === 'SKIP').length;
  const colour = { PASS: green, FAIL: red, SKIP: yellow };
  console.log(`\n${bold('━━━ Summary')}`);
  for (const r of results) {
    console.log(
      `  ${colour[r.status](r.status)}  ${r.name.padEnd(12)} ${r.title.padEnd(52)} ${dim(formatDuration(r.ms))}`,
    );
  }
  console.log(dim(`  total ${formatDuration(Date.now() - t0)}`));
  console.log(`stages: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (failed) process.exit(1);
});
