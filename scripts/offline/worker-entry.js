// The training worker of the single-file build: the engine's JS bindings
// bundled in, the .wasm and the digits handed over by the page (app-entry.js).
// It is the lab build (www/pkg-lab), which has every method, so the worker
// never needs a second engine.

import * as engine from '../../www/pkg-lab/autoencoder_playground.js';
import { startWorker } from '../../www/worker/trainer-protocol.js';

startWorker({ importEngine: async () => engine });
