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
