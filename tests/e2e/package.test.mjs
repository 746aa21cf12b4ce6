// The npm package (`npm pack`): a tutorial author installs the tarball and
// embeds demos with one script and one tag, served from node_modules/ or from
// a package CDN's path on another origin. Every asset (the page, the worker, both
// wasm builds, the digits, the chart library) resolves from the package's own
// files, found through import.meta.url.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { ROOT, startApp } from './helpers/app.mjs';

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** A tutorial page with two demos whose script comes from `src`. */
const tutorial = (src) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Autoencoders, a tutorial</title><link rel="icon" href="data:,">
<script type="module" src="${src}"></script></head>
<body><main>
<h1>Autoencoders</h1>
<p>First, a plain autoencoder.</p>
<autoencoder-playground lesson="reconstruct" controls="minimal" settings="encoder=32&latent=4"></autoencoder-playground>
<p>Then a denoising one.</p>
<autoencoder-playground lesson="denoise" controls="minimal" settings="encoder=32&latent=4"></autoencoder-playground>
</main></body></html>
`;

/** Opens the page, waits for both demos to boot, trains each a few steps; -> the URLs the browser requested. */
async function trainBoth(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const requested = [];
  context.on('request', (r) => requested.push(r.url()));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  context.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll('autoencoder-playground').length === 2);
    const deadline = Date.now() + 30_000;
    while (page.frames().length < 3 && Date.now() < deadline) await page.waitForTimeout(50);
    const frames = page.frames().filter((f) => f !== page.mainFrame());
    assert.equal(frames.length, 2, 'one iframe per element');
    for (const f of frames) {
      await f.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 30_000 });
      assert.equal(await f.getAttribute('body', 'data-state'), 'ready', await f.textContent('#fatal'));
      await f.click('#step');
      await f.waitForFunction(() => Number(document.querySelector('#stat-step')?.dataset.value) >= 1, null, {
        timeout: 30_000,
      });
    }
    assert.deepEqual((await Promise.all(frames.map((f) => f.getAttribute('body', 'data-lesson')))).sort(), [
      'denoise',
      'reconstruct',
    ]);
    assert.deepEqual(errors, []);
    return requested;
  } finally {
    await context.close();
  }
}

describe('the npm package', () => {
  let app;
  let dir;
  let tarball;
  before(async () => {
    app = await startApp();
    dir = mkdtempSync(join(tmpdir(), 'ae-package-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' });
    tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  });
  after(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('npm pack makes a package with its name, version, license, exports and only the files a page needs', () => {
    assert.equal(tarball, `${PKG.name}-${PKG.version}.tgz`);
    assert.equal(PKG.license, 'MIT');
    assert.equal(PKG.exports['.'], './www/embed.js');
    assert.equal(PKG.private, undefined, 'publishable');
    assert.equal(PKG.dependencies, undefined, 'a tutorial page installs nothing but the package');
    const listed = execFileSync('tar', ['-tzf', join(dir, tarball)], { encoding: 'utf8' }).split('\n');
    for (const f of [
      'package/index.html',
      'package/www/embed.js',
      'package/www/pkg/autoencoder_playground_bg.wasm',
      'package/www/pkg-lab/autoencoder_playground_bg.wasm',
      'package/www/data/mnist.bin.gz',
      'package/www/vendor/uPlot.esm.js',
      'package/LICENSE',
    ]) {
      assert.ok(listed.includes(f), `${f} is in the package`);
    }
    assert.ok(!listed.includes('package/www/data/mnist.bin'), 'not the unpacked digits');
    assert.ok(!listed.some((f) => f.startsWith('package/src/') || f.startsWith('package/tests/')), 'no sources');
  });

  it('installed with npm install ./….tgz, two demos train served from node_modules/', async () => {
    const site = join(dir, 'tutorial');
    mkdirSync(site);
    writeFileSync(join(site, 'package.json'), '{ "name": "my-tutorial", "private": true }\n');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, tarball)], {
      cwd: site,
      stdio: 'pipe',
    });
    writeFileSync(join(site, 'index.html'), tutorial(`node_modules/${PKG.name}/www/embed.js`));
    const server = await startServer({ root: site });
    try {
      const requested = await trainBoth(app.browser, server.url);
      const outside = requested.filter(
        (u) => !u.startsWith(`${server.url}node_modules/${PKG.name}/`) && u !== server.url && !u.startsWith('blob:'),
      );
      assert.deepEqual(outside, [], 'every asset came from the package');
      assert.ok(requested.some((u) => u.endsWith('/www/data/mnist.bin.gz')));
    } finally {
      await server.close();
    }
  });

  it('served from a package CDN’s path on another origin, two demos train', async () => {
    const cdnRoot = join(dir, 'cdn');
    const path = `npm/${PKG.name}@${PKG.version}`;
    mkdirSync(join(cdnRoot, 'npm'), { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', join(cdnRoot, 'npm')]);
    cpSync(join(cdnRoot, 'npm', 'package'), join(cdnRoot, path), { recursive: true });
    const cdn = await startServer({ root: cdnRoot, headers: { 'Access-Control-Allow-Origin': '*' } });
    const site = join(dir, 'host');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), tutorial(`${cdn.url}${path}/www/embed.js`));
    const host = await startServer({ root: site });
    try {
      assert.notEqual(new URL(cdn.url).port, new URL(host.url).port, 'two origins');
      const requested = await trainBoth(app.browser, host.url);
      const outside = requested.filter(
        (u) => !u.startsWith(`${cdn.url}${path}/`) && u !== host.url && !u.startsWith('blob:'),
      );
      assert.deepEqual(outside, [], 'every asset came from the CDN path');
    } finally {
      await host.close();
      await cdn.close();
    }
  });
});
