// What the page keeps to survive a crashed worker: the run's trainers' state
// (config, weights, step and epoch, via the worker's snapshot) every SNAPSHOT_MS of training
// and at every pause, and a count of recent crashes, so that a worker that
// keeps crashing is not restarted forever.

/** Snapshots are taken this often while training (and at every pause). */
export const SNAPSHOT_MS = 10_000;
/** More crashes than this within CRASH_WINDOW_MS and the page gives up restarting. */
export const MAX_CRASHES = 3;
export const CRASH_WINDOW_MS = 60_000;

/**
 * @param {{ save: () => Promise<object>, now?: () => number }} io  save() -> the current run's state (the worker's snapshot)
 */
export function createSnapshots({ save, now = Date.now }) {
  let last = null; // { state, step, at, run, lessonId }
  let takenAt = now();
  let busy = false;
  let crashes = [];

  return {
    /** The newest snapshot, if it belongs to this run of this lesson. */
    latest(run, lessonId) {
      return last && last.run === run && last.lessonId === lessonId ? last : null;
    },
    /** Is a snapshot due while training? */
    due() {
      return now() - takenAt >= SNAPSHOT_MS;
    },
    /** A new run: its snapshots start over (a loaded file may be its first). */
    reset(first = null) {
      last = first;
      takenAt = now();
    },
    /** Replaces the newest snapshot (after a restore the restored one stays valid for the new run). */
    keep(snapshot) {
      last = snapshot;
    },
    /** Saves the run now; `run`, `lessonId`, `step` label it, `stillCurrent()` says whether the run is still the same when the bytes arrive. */
    async take({ run, lessonId, step, stillCurrent }) {
      if (busy) return;
      busy = true;
      takenAt = now();
      try {
        const state = await save();
        if (stillCurrent()) last = { state, step, at: now(), run, lessonId };
      } catch {
        // A diverged or rebuilt run: the next snapshot tries again.
      } finally {
        busy = false;
      }
    },
    /** Counts a crash; false when there were too many lately to try again. */
    crashAllowed() {
      const t = now();
      crashes = [...crashes.filter((c) => t - c < CRASH_WINDOW_MS), t];
      return crashes.length <= MAX_CRASHES;
    },
    get crashCount() {
      return crashes.length;
    },
  };
}
