// `npm run build`: everything the static site needs, without serving:
// www/pkg (wasm + bindings), www/data/mnist.bin, www/vendor; then dist/, the
// site to copy to any web server or GitHub Pages (relative paths, so a
// sub-folder works), with dist/autoencoder-playground.html, the whole
// playground in one file that works opened from disk (scripts/build-dist.mjs).
// The repository root also serves as the site (npm run serve).

import { buildWasm } from './build-wasm.mjs';
import { buildDist, SINGLE_FILE } from './build-dist.mjs';
import { log, main } from './lib.mjs';
import { packData } from './pack-data.mjs';
import { setup } from './setup.mjs';
import { vendor } from './vendor.mjs';

main(async () => {
  const { threads } = await setup();
  await buildWasm({ force: process.argv.includes('--force'), threads });
  packData();
  vendor();
  const { singleFileBytes } = await buildDist();
  log(
    `Build complete: dist/ is the static site; dist/${SINGLE_FILE} (${(singleFileBytes / 1e6).toFixed(2)} MB) works from disk. ` +
      'Or serve the repository root (npm run serve).',
  );
});
