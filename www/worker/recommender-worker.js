// The recommender's worker, as the site starts it: the lab build (www/pkg-lab,
// `npm run build:wasm`) fetched next to this file. The protocol and the
// handlers are in worker/recommender-protocol.js, which the single-file build reuses.

import { startRecommenderWorker } from './recommender-protocol.js';

startRecommenderWorker({
  importEngine: () => import(new URL('../pkg-lab/autoencoder_playground.js', import.meta.url).href),
  wasmSource: () => new URL('../pkg-lab/autoencoder_playground_bg.wasm', import.meta.url),
});
