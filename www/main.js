// The site's entry point: the app (app/app.js) with the training worker started
// from www/worker/trainer-worker.js, which fetches the engine and the digits beside it.
// The single-file build has its own entry (scripts/offline/app-entry.js).

import { startApp } from './app/app.js';

startApp();
