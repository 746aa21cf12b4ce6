// `npm run build`: everything the static site needs, without serving:
// www/pkg (wasm + bindings), www/data/mnist.bin, www/vendor.
// The repository root is then the site (index.html at the top level).

import { buildWasm } from './build-wasm.mjs';
import { log, main } from './lib.mjs';
import { packData } from './pack-data.mjs';
import { setup } from './setup.mjs';
import { vendor } from './vendor.mjs';

main(async () => {
  await setup();
  await buildWasm({ force: process.argv.includes('--force') });
  packData();
  vendor();
  log('Build complete: serve the repository root as static files (npm run serve)');
});
