// A run's state as plain data, and the run rebuilt from it: what the page keeps
// to bring a crashed worker's model back (app/recovery.js). It needs only the
// small build: each trainer's config, weights, step and epoch.

/** { name: { config, params: Float32Array, step, epoch } } of `trainers` (a Map), with the buffers to transfer. */
export function snapshotOf(trainers) {
  const value = {};
  const transfer = [];
  for (const [name, t] of trainers) {
    const params = t.parameters();
    transfer.push(params.buffer);
    value[name] = { config: t.config(), params, ...t.progress() };
  }
  return { value, transfer };
}

/**
 * The trainers of a snapshot (snapshotOf's value), `mainName` first, built with `engine` on
 * `rows` (worker/data-source.js) and given their weights and counts: all or none (a refusal frees
 * the ones built and throws the engine's sentence). -> Map name -> Trainer
 */
export function rebuild(engine, snapshot, rows, mainName) {
  if (!snapshot || typeof snapshot !== 'object' || !snapshot[mainName])
    throw new Error('No snapshot with a main trainer was given.');
  const next = new Map();
  try {
    for (const [name, s] of [
      [mainName, snapshot[mainName]],
      ...Object.entries(snapshot).filter(([n]) => n !== mainName),
    ]) {
      const t = rows.make(engine, s.config);
      next.set(name, t);
      t.restore(s.params, s.step, s.epoch);
    }
  } catch (err) {
    for (const t of next.values()) t.free();
    throw err;
  }
  return next;
}
