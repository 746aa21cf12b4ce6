// What the training worker reports after each slice of training: per trainer,
// the losses, loss terms and epoch ends of the steps it took.

/** Per trainer name: an empty log for one slice. */
export function newSliceLogs(names) {
  const logs = new Map();
  for (const name of names) logs.set(name, { losses: [], epochs: [], terms: {}, last: null });
  return logs;
}

/** Adds one step's stats (Trainer.step's answer) to a log. */
export function record(log, s) {
  log.last = s;
  log.losses.push(s.batchLoss);
  for (const [k, v] of Object.entries(s.terms ?? {})) {
    log.terms[k] ??= [];
    log.terms[k].push(v);
  }
  if (s.valLoss != null) log.epochs.push({ epoch: s.epoch, step: s.step, valLoss: s.valLoss });
}

/**
 * The slice's numbers: the main trainer's at the top level (step, epoch,
 * firstStep, losses, epochs, terms, samplesPerSec), and every trainer's, main
 * included, under `trainers[name]`. Null when the main trainer took no step.
 */
export function sliceStats(logs, mainName) {
  const per = {};
  for (const [name, log] of logs) {
    if (!log.last) continue;
    per[name] = {
      step: log.last.step,
      epoch: log.last.epoch,
      firstStep: log.last.step - log.losses.length + 1,
      losses: log.losses,
      epochs: log.epochs,
      terms: log.terms,
      samplesPerSec: log.last.samplesPerSec,
    };
  }
  const main = per[mainName];
  return main ? { ...main, trainers: per } : null;
}

/**
 * Gathers the steps of several slices into one stats event: a page that got an
 * event per 15 ms slice restyled, laid out and painted ~66 times a second, a
 * third of a core on its main thread that the training threads then lacked.
 * The first slice after `start()` is due at once (the first loss shows without
 * delay); after it, a slice is due once `everyMs` have passed since the
 * gathering began.
 */
export function statsGatherer(everyMs) {
  let open = null; // { logs, trainedMs, since }: steps not yet posted
  let first = false;
  return {
    /** Training starts (Play): the next slice is due at once. */
    start() {
      first = true;
    },
    /** The logs a slice starting at `now` records its steps in, for the trainers `names`. */
    logs(names, now) {
      open ??= { logs: newSliceLogs(names), trainedMs: 0, since: now };
      return open.logs;
    },
    /** A slice of `ms` of training ended at `now`: whether what is gathered is due. */
    sliceEnded(ms, now) {
      open.trainedMs += ms;
      const due = first || now - open.since >= everyMs;
      if (due) first = false;
      return due;
    },
    /** What is gathered, { logs, trainedMs } or null, and an empty gathering after it. */
    take() {
      const gathered = open;
      open = null;
      return gathered;
    },
  };
}
