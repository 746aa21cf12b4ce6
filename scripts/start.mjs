// `npm start`: set up, build the wasm, pack the digits, vendor uPlot, serve.
// Runs on a fresh clone before node_modules exists: node builtins only.

import { buildWasm } from './build-wasm.mjs';
import { main } from './lib.mjs';
import { packData } from './pack-data.mjs';
import { serveForever } from './serve.mjs';
import { setup } from './setup.mjs';
import { vendor } from './vendor.mjs';

main(async () => {
  const { threads } = await setup();
  await buildWasm({ threads });
  packData();
  vendor();
  await serveForever();
});
