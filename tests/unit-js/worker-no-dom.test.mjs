// www/worker/ is the worker protocol and its clients: it runs inside Web Workers
// (no DOM there) and is shared by the page, the single-file build and the bench.
// These checks keep it free of the page: it imports only its own folder, and
// names no DOM global.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../www/worker/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.js'));

/** The file's code without its comments (a comment may name `document`). */
const code = (f) =>
  readFileSync(DIR + f, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

test('www/worker/ has files to check', () => {
  assert.ok(files.length >= 5, `found ${files.length}`);
});

test('www/worker/ imports only modules beside it (and the wasm builds)', () => {
  const bad = [];
  for (const f of files) {
    for (const m of code(f).matchAll(/(?:from\s+|import\s*\(?\s*|new URL\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      const ok = /^\.\/[\w-]+\.js$/.test(spec) || /^\.\.\/(pkg|pkg-lab|pkg-mt|pkg-lab-mt|data)\//.test(spec);
      if (!ok) bad.push(`${f}: ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('www/worker/ names no DOM global', () => {
  const dom =
    /\b(document|window|HTMLElement|HTMLCanvasElement|getComputedStyle|matchMedia|localStorage|requestAnimationFrame)\b/;
  const bad = [];
  for (const f of files) {
    code(f)
      .split('\n')
      .forEach((line, i) => {
        if (dom.test(line)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(bad, []);
});
