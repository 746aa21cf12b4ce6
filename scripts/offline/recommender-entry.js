// The recommender's worker in the single-file build: the lab build's JS
// bindings bundled in, its .wasm handed over by the page (app-entry.js) with
// `init` before the first `create`.

import * as engine from '../../www/pkg-lab/autoencoder_playground.js';
import { startRecommenderWorker } from '../../www/worker/recommender-protocol.js';

startRecommenderWorker({ importEngine: async () => engine });
