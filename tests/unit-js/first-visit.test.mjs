// dist/index.html preloads the modules of a first visit (scripts/build-dist.mjs,
// firstVisitModules): the list must be the static import graph of www/main.js
// and the default lesson, every file in it must exist, and nothing it imports
// statically may be missing from it. Checked here against a plain reading of
// each file's import lines, independent of esbuild.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { firstVisitModules } from '../../scripts/build-dist.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The relative specifiers of a module's static `import … from '…'` and `export … from '…'` lines. */
function staticImports(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/gms)) found.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm)) found.push(m[1]);
  return found.map((s) => relative(ROOT, join(ROOT, dirname(file), s)));
}

describe('the first visit’s module preloads', () => {
  it('are the whole static import graph of main.js and the default lesson, and nothing dynamic', async () => {
    const list = await firstVisitModules();
    const set = new Set(list);
    assert.ok(set.has('www/main.js') && set.has('www/lessons/reconstruct.js'));
    let checked = 0;
    for (const f of list) {
      assert.ok(existsSync(join(ROOT, f)), `${f} exists`);
      for (const dep of staticImports(f)) {
        assert.ok(set.has(dep), `${f} imports ${dep}, which is not preloaded`);
        checked += 1;
      }
    }
    assert.ok(checked >= list.length - 1, `the import lines were read (${checked} imports)`);
    // Lessons other than the default one load on demand: not preloaded.
    assert.ok(!set.has('www/lessons/inside.js') && !set.has('www/lessons/recommend.js'));
  });
});
