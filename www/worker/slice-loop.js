// The training worker's slice loop: trains every trainer of the run in time
// slices of about SLICE_MS, yielding between them so queued requests get in,
// and sends the slices' stats, a halt or a crash as events. Kept apart from the
// request handlers (worker/trainer-handlers.js), which start it and stop it.

import { messageOf } from './transfer.js';
import { newSliceLogs, record, sliceStats, statsGatherer } from './slice-stats.js';
import { MAIN, isTrap } from './run-trainers.js';

const SLICE_MS = 15;
/** While training, stats events go out about this often (slice-stats.js statsGatherer). */
const STATS_MS = 100;

/**
 * The slice loop of `state` (the worker's state, see worker/trainer-protocol.js):
 * it reads the run's trainers and sets `running` and `dead`.
 * -> { start, newLogs, postStats, flushStats, crashed }
 */
export function createSliceLoop(state) {
  // A MessageChannel yields to queued requests between slices without setTimeout's 4 ms clamp.
  const tick = new MessageChannel();
  tick.port1.onmessage = slice;

  /** Per trainer of the run: the losses and loss terms of the steps of one slice. */
  const newLogs = () => newSliceLogs(state.trainers.keys());

  /** One stats event for the steps in `logs` (see sliceStats), which took `trainedMs` of training. */
  function postStats(logs, trainedMs) {
    const stats = sliceStats(logs, MAIN);
    if (stats)
      self.postMessage({ event: 'stats', run: state.run, running: state.running, ...stats, sliceMs: trainedMs });
  }

  /** The slices' stats while training, posted about every STATS_MS. */
  const gathered = statsGatherer(STATS_MS);

  /** Posts the gathered slices' stats, if any (when due, and before a pause's reply, a halt, or a new run). */
  function flushStats() {
    const g = gathered.take();
    if (g) postStats(g.logs, g.trainedMs);
  }

  /** The engine trapped: say so and close, so the page starts a fresh worker. */
  function crashed(err) {
    state.dead = true;
    state.running = false;
    self.postMessage({ event: 'crashed', message: `The training engine crashed: ${messageOf(err)}` });
    self.close();
  }

  /** Starts gathering stats and queues the first slice (`play`, once it has set `running`). */
  function start() {
    gathered.start();
    tick.port2.postMessage(null);
  }

  /** Trains every trainer of the run, in turn, for about SLICE_MS; reports, and queues the next slice. */
  function slice() {
    if (!state.running || !state.trainers.size || state.dead) return;
    const t0 = performance.now();
    const logs = gathered.logs(state.trainers.keys(), t0);
    let stopped = null;
    let current = MAIN;
    try {
      do {
        for (const [name, t] of state.trainers) {
          current = name;
          const s = t.step(1);
          record(logs.get(name), s);
          if (s.stopped && !stopped) stopped = { trainer: name, message: String(s.stopped) };
        }
      } while (!stopped && performance.now() - t0 < SLICE_MS);
    } catch (err) {
      if (isTrap(err)) {
        crashed(err);
        return;
      }
      // Divergence (NaN/inf loss): the Trainer keeps the last good weights.
      state.running = false;
      const end = performance.now();
      gathered.sliceEnded(end - t0, end);
      flushStats();
      const who = current === MAIN ? '' : `(${current} model) `;
      self.postMessage({
        event: 'halted',
        run: state.run,
        reason: 'error',
        trainer: current,
        message: who + messageOf(err),
      });
      return;
    }
    if (stopped) state.running = false;
    const now = performance.now();
    if (gathered.sliceEnded(now - t0, now) || stopped) flushStats();
    if (stopped) self.postMessage({ event: 'halted', run: state.run, reason: 'stopped', ...stopped });
    else tick.port2.postMessage(null);
  }

  return { start, newLogs, postStats, flushStats, crashed };
}
