// Copies the browser files of npm packages the page uses into www/vendor/
// (generated, not committed): uPlot's ES module and stylesheet, and fflate's
// browser ES module (unpacks the .zip files a person imports, www/ingest/).

import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, UserError, isMain, isUpToDate, log, main } from './lib.mjs';

export const VENDOR_DIR = join(ROOT, 'www', 'vendor');
export const FILES = [
  { from: 'node_modules/uplot/dist/uPlot.esm.js', to: 'uPlot.esm.js' },
  { from: 'node_modules/uplot/dist/uPlot.min.css', to: 'uPlot.min.css' },
  { from: 'node_modules/fflate/esm/browser.js', to: 'fflate.js' },
];

export function vendor() {
  mkdirSync(VENDOR_DIR, { recursive: true });
  let copied = 0;
  for (const { from, to } of FILES) {
    const src = join(ROOT, from);
    const dst = join(VENDOR_DIR, to);
    if (!existsSync(src)) throw new UserError(`${from} is missing; run \`npm install\``);
    if (isUpToDate([dst], [src])) continue;
    copyFileSync(src, dst);
    copied++;
  }
  log(copied ? `Copied ${copied} file(s) into www/vendor` : 'www/vendor is up to date');
}

if (isMain(import.meta.url)) {
  main(vendor);
}
