// The worker protocol seen from a page: `call` runs public Trainer methods by
// name (and getters), refuses lifecycle methods, returns typed arrays that own
// their buffers, and reaches a companion trainer by its name. Methods only
// the lab build has are answered by a copy there, fetched on first need and
// kept at the run's weights.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openPage } from './helpers/app.mjs';

describe('the worker’s generic call', () => {
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('calls Trainer methods by name, on the main and on a companion trainer', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=32&latent=4');
    try {
      const result = await page.evaluate(async () => {
        const { TrainerClient } = await import('./www/worker/trainer-client.js');
        const client = new TrainerClient();
        const refused = async (p) =>
          p.then(
            () => 'resolved',
            (e) => e.message,
          );
        try {
          await client.init();
          const main = { model: { encoder: [32], latent: 4 }, train: { seed: 3 } };
          const info = await client.create(main, { companions: { wide: { model: { encoder: [32], latent: 6 } } } });
          const x = new Float32Array(2 * 784).fill(0.5);
          const codes = await client.call('encode', x);
          const wideCodes = await client.callOn('wide', 'encode', x);
          const images = await client.call('validationImages', 3);
          const stepped = await client.step();
          return {
            trainers: Object.keys(info.trainers).sort(),
            latent: await client.call('latentSize'),
            wideLatent: await client.callOn('wide', 'latentSize'),
            codes: [codes.constructor.name, codes.length, codes.buffer.byteLength === codes.byteLength],
            wideCodes: wideCodes.length,
            argKept: x.length, // arguments are copied, not transferred away
            images: [images.constructor.name, images.length],
            evaluate: typeof (await client.call('evaluate')).mse,
            stepped: stepped.step,
            free: await refused(client.call('free')),
            step: await refused(client.call('step', 1)),
            proto: await refused(client.call('__proto__')),
            toString: await refused(client.call('toString')),
            unknown: await refused(client.callOn('nope', 'encode', x)),
            badArgs: await refused(client.call('encode', new Float32Array(5))),
          };
        } finally {
          client.terminate();
        }
      });
      assert.deepEqual(result.trainers, ['main', 'wide']);
      assert.equal(result.latent, 4);
      assert.equal(result.wideLatent, 6);
      assert.deepEqual(result.codes, ['Float32Array', 8, true]);
      assert.equal(result.wideCodes, 12);
      assert.equal(result.argKept, 1568);
      assert.deepEqual(result.images, ['Float32Array', 3 * 784]);
      assert.equal(result.evaluate, 'number');
      assert.equal(result.stepped, 1);
      for (const key of ['free', 'step', 'proto', 'toString'])
        assert.match(result[key], /no method .* a lesson may call/, key);
      assert.match(result.unknown, /no trainer named "nope"/);
      assert.match(result.badArgs, /784/, 'the Trainer’s own sentence comes back');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('answers lab-only methods with a lab-build copy that follows the training', async () => {
    const { page, context, errors } = await openPage(app, '#lesson=reconstruct&encoder=32&latent=4');
    const labRequests = [];
    context.on('request', (r) => {
      if (/\/pkg-lab(-mt)?\//.test(r.url())) labRequests.push(r.url());
    });
    try {
      const result = await page.evaluate(async () => {
        const { TrainerClient } = await import('./www/worker/trainer-client.js');
        const client = new TrainerClient();
        const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
        try {
          await client.init();
          await client.create({ model: { encoder: [32], latent: 4 }, train: { seed: 3 } });
          for (let i = 0; i < 5; i++) await client.step();
          const before = await client.memory();
          const { images } = await client.validationImages(1);
          const allMissing = new Uint8Array(784);
          // Every pixel missing, filled with the image itself, one pass: imputation is the reconstruction.
          const round = async () => {
            const own = await client.call('reconstruct', images);
            const viaLab = await client.call('imputeImages', images, allMissing, images, 1);
            return { own, diff: maxDiff(own, viaLab) };
          };
          const first = await round();
          for (let i = 0; i < 20; i++) await client.step();
          const second = await round();
          const saved = await client.saveAll();
          const after = await client.memory();
          return {
            labBefore: before.labLoaded,
            labAfter: after.labLoaded,
            copies: after.labCopies,
            firstDiff: first.diff,
            secondDiff: second.diff,
            moved: maxDiff(first.own, second.own),
            savedBytes: saved.main.byteLength,
          };
        } finally {
          client.terminate();
        }
      });
      assert.equal(result.labBefore, false, 'training alone must not fetch the lab build');
      assert.equal(result.labAfter, true);
      assert.equal(result.copies, 1);
      assert.ok(result.moved > 1e-4, `training between the calls should change the reconstruction (${result.moved})`);
      assert.ok(result.firstDiff < 1e-6, `the lab copy reconstructs as the engine does (${result.firstDiff})`);
      assert.ok(result.secondDiff < 1e-6, `the copy follows the training (${result.secondDiff})`);
      assert.ok(result.savedBytes > 4 * 784 * 32, 'saveAll answered through the copy');
      assert.ok(
        labRequests.some((u) => u.endsWith('.wasm')),
        `the lab .wasm was fetched (${labRequests.join(', ')})`,
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
