// The training worker of the single-file build: the engine's JS bindings
// bundled in, the .wasm and the digits handed over by the page (app-entry.js).

import * as engine from '../../www/pkg/autoencoder_playground.js';
import { startWorker } from '../../www/worker-core.js';

startWorker({ importEngine: async () => engine });
