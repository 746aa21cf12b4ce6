// Nothing from a URL, an attribute or a loaded file may become markup, and the
// page must run under `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'`.
// These static checks keep it so: the front end builds every element with
// lib/dom.js's h() (text goes in as text), never through the HTML parser; the pages
// have no inline script, no inline event handlers and no javascript: URLs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GENERATED = ['www/pkg', 'www/vendor', 'www/data'];

function files(dir, ext) {
  const out = [];
  const visit = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (GENERATED.some((g) => relative(ROOT, p).startsWith(g))) continue;
      if (statSync(p).isDirectory()) visit(p);
      else if (p.endsWith(ext)) out.push(p);
    }
  };
  visit(join(ROOT, dir));
  return out;
}

test('the front end never parses strings as HTML or code', () => {
  // A method called eval is not JavaScript's eval: PyTorch's model.eval() is text in the Show code script.
  const banned =
    /\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment|(?<!\.)\beval\s*\(|\b(?:window|globalThis|self)\.eval\s*\(|new Function\s*\(|setTimeout\(\s*['"`]/;
  const found = [];
  for (const f of [...files('www', '.js'), ...files('scripts/offline', '.js')]) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (banned.test(line) && !/^\s*(\/\/|\*)/.test(line))
          found.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(found, []);
});

test('the pages have no inline script, no inline event handlers and no javascript: URLs', () => {
  for (const f of [join(ROOT, 'index.html'), ...files('examples', '.html')]) {
    const html = readFileSync(f, 'utf8');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc=/, `${relative(ROOT, f)}: a <script> without src`);
      assert.equal(m[2].trim(), '', `${relative(ROOT, f)}: inline script`);
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${relative(ROOT, f)}: an inline event handler`);
    assert.doesNotMatch(
      html,
      /(href|src|action)\s*=\s*["']?\s*javascript:/i,
      `${relative(ROOT, f)}: a javascript: URL`,
    );
  }
});
