// Per-lesson settings in the URL hash (www/state/url-state.js with the real lesson modules):
// each lesson's own keys parse, fall back with a notice, round-trip, and reach the trainer config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseHash,
  formatHash,
  defaultState,
  lessonIdOf,
  trainerConfigs,
  rebuildKeys,
  SETTINGS,
  TRAINER_KEYS,
  DEFAULTS,
} from '../../www/state/url-state.js';
import { LESSONS, LESSON_IDS } from '../../www/lessons/index.js';

const modules = Object.fromEntries(await Promise.all(LESSONS.map(async (l) => [l.id, (await l.load()).default])));
const parse = (hash, id) => parseHash(hash, { lessonIds: LESSON_IDS, lesson: modules[id] });

/** A seeded generator of junk strings, some built from the lesson's own keys so values get exercised. */
function junk(keys, count, seed = 7) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const values = [
    '',
    ' ',
    '-1',
    '1e999',
    'NaN',
    'Infinity',
    '0x10',
    '1,2',
    '%',
    '%%',
    '<b>x</b>',
    '__proto__',
    '0.5',
    '2',
    '1e-3',
    'gaussian',
    'KL',
    'l1 ',
    '\u0000',
    '9'.repeat(40),
  ];
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rand() * 6);
    const parts = [];
    for (let j = 0; j < n; j++) {
      const key = rand() < 0.8 ? pick(keys) : String.fromCharCode(Math.floor(rand() * 0x2fff));
      const value =
        rand() < 0.7
          ? pick(values)
          : String.fromCharCode(
              ...Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 0x2fff)),
            );
      parts.push(`${key}=${value}`);
    }
    out.push(`#${parts.join('&')}`);
  }
  return out;
}

test('every lesson module matches its registry entry and has a mount function', () => {
  for (const l of LESSONS) {
    const m = modules[l.id];
    assert.equal(m.id, l.id);
    assert.equal(m.title, l.title);
    assert.equal(typeof m.mount, 'function');
  }
});

test('no lesson setting shadows "lesson" or a common setting, and each is fully declared', () => {
  for (const [id, m] of Object.entries(modules)) {
    for (const [key, s] of Object.entries(m.settings ?? {})) {
      assert.ok(key !== 'lesson' && !Object.hasOwn(SETTINGS, key), `${id}.${key} shadows a common key`);
      assert.match(key, /^[a-z][a-zA-Z0-9]*$/, `${id}.${key} is a plain URL key`);
      for (const f of ['label', 'parse', 'format']) assert.ok(s[f], `${id}.${key} has ${f}`);
      assert.deepEqual(s.parse(s.format(s.default)), { value: s.default }, `${id}.${key}: its default parses back`);
      for (const o of s.control?.options ?? [])
        assert.ok(!s.parse(o.value).error, `${id}.${key}: option ${o.value} parses`);
    }
    for (const key of Object.keys(m.defaults ?? {}))
      assert.ok(Object.hasOwn(SETTINGS, key), `${id}.defaults.${key} is a common key`);
  }
});

test('the lesson a hash names is found before its module is loaded', () => {
  assert.equal(lessonIdOf('#lesson=denoise&noise=block', LESSON_IDS), 'denoise');
  assert.equal(lessonIdOf('#noise=block&lesson=SPARSE', LESSON_IDS), 'sparse');
  assert.equal(lessonIdOf('#lesson=nope', LESSON_IDS), 'reconstruct');
  assert.equal(lessonIdOf('', LESSON_IDS), 'reconstruct');
  assert.equal(lessonIdOf('#%%%', LESSON_IDS), 'reconstruct');
});

test('a lesson link sets its own settings and keeps the common ones', () => {
  const { state, problems } = parse('#lesson=denoise&noise=masking&level=0.5&latent=8', 'denoise');
  assert.deepEqual(problems, []);
  assert.equal(state.lesson, 'denoise');
  assert.equal(state.noise, 'masking');
  assert.equal(state.level, 0.5);
  assert.equal(state.latent, 8);
  assert.equal(state.seed, DEFAULTS.seed);
});

test('a lesson changes the common defaults only where it says so', () => {
  const gen = defaultState(modules.generate);
  assert.equal(gen.latent, 2);
  assert.equal(gen.loss, 'bce');
  assert.equal(gen.beta, 1);
  assert.equal(gen.seed, DEFAULTS.seed);
  assert.equal(parse('#lesson=generate', 'generate').state.latent, 2);
  assert.equal(parse('#lesson=generate&latent=16', 'generate').state.latent, 16);
  // The returned arrays are copies: changing one state leaves the defaults alone.
  defaultState(modules.sparse).encoder.push(1);
  assert.deepEqual(defaultState(modules.sparse).encoder, [256]);
});

test('bad lesson values fall back to the lesson default with a sentence naming the setting', () => {
  const { state, problems } = parse('#lesson=denoise&noise=fog&level=3', 'denoise');
  assert.equal(state.noise, 'gaussian');
  assert.equal(state.level, 0.4);
  assert.equal(problems.length, 2);
  assert.match(
    problems[0],
    /Noise type "fog" was not used: .*gaussian, masking, salt_pepper, block.*default, gaussian/,
  );
  assert.match(problems[1], /Noise level "3" was not used: .*from 0 to 1.*default, 0.4/);
});

test("one lesson's key in another lesson's link is reported as unknown", () => {
  const { state, problems } = parse('#lesson=reconstruct&noise=block', 'reconstruct');
  assert.equal(state.noise, undefined);
  assert.match(problems[0], /unknown setting "noise"/);
  // ... and a module that is not the hash's lesson contributes nothing.
  assert.equal(
    parseHash('#lesson=reconstruct&beta=2', { lessonIds: LESSON_IDS, lesson: modules.generate }).state.beta,
    undefined,
  );
});

test('every lesson state round-trips through its hash, lesson keys right after the lesson', () => {
  const cases = {
    denoise: { noise: 'salt_pepper', level: 0.15 },
    sparse: { kind: 'kl', weight: 0.03, target: 0.1 },
    contractive: { lambda: 0.003, sigma: 0.35 },
    generate: { beta: 4 },
    reconstruct: {},
  };
  for (const [id, own] of Object.entries(cases)) {
    const s = { ...defaultState(modules[id]), ...own, latent: 7, seed: 99 };
    const hash = formatHash(s, modules[id]);
    assert.ok(hash.startsWith(`#lesson=${id}&${Object.keys(own).map((k) => `${k}=`)[0] ?? 'encoder='}`), hash);
    const back = parse(hash, id);
    assert.deepEqual(back.problems, [], hash);
    assert.deepEqual(back.state, s, hash);
  }
});

test('garbage in any lesson never throws and always gives a complete state that round-trips', () => {
  for (const [id, m] of Object.entries(modules)) {
    const keys = [...Object.keys(m.settings ?? {}), ...Object.keys(SETTINGS), 'lesson'];
    const expectKeys = Object.keys(defaultState(m)).sort();
    for (const g of [
      ...junk(keys, 300, id.length),
      `#lesson=${id}&__proto__=1&constructor=2`,
      `#lesson=${id}&${'x=1&'.repeat(300)}`,
    ]) {
      const hash = g.includes('lesson=') ? g : `#lesson=${id}&${g.slice(1)}`;
      const { state, problems } = parse(hash, id);
      if (state.lesson !== id) continue; // a junk lesson= came first: another lesson's parse, covered there
      assert.deepEqual(Object.keys(state).sort(), expectKeys, hash.slice(0, 60));
      assert.ok(problems.length <= 4);
      for (const p of problems) assert.ok(typeof p === 'string' && p.length < 400);
      assert.deepEqual(parse(formatHash(state, m), id).state, state, hash.slice(0, 60));
      assert.doesNotThrow(() => trainerConfigs(state, m));
    }
  }
  assert.ok(!Object.prototype.polluted && !Object.hasOwn({}, '1'));
});

test('a lesson whose parser throws still cannot take the page down', () => {
  const fragile = {
    id: 'reconstruct',
    settings: {
      x: {
        label: 'X',
        default: 1,
        parse: () => {
          throw new Error('boom');
        },
        format: String,
      },
    },
  };
  const { state, problems } = parseHash('#x=2', { lessonIds: ['reconstruct'], lesson: fragile });
  assert.equal(state.x, 1);
  assert.match(problems[0], /X "2" was not used/);
});

test('lesson settings reach the trainer config', () => {
  const cfg = (id, hash) => trainerConfigs(parse(`#lesson=${id}&${hash}`, id).state, modules[id]);
  const d = cfg('denoise', 'noise=block&level=0.25');
  assert.equal(d.main.train.noise, 'block');
  assert.equal(d.main.train.noiseLevel, 0.25);
  assert.deepEqual(Object.keys(d), ['main']);

  const l1 = cfg('sparse', 'kind=l1&weight=0.01').main;
  assert.deepEqual([l1.train.sparsity, l1.train.sparsityWeight, l1.model.latentActivation], ['l1', 0.01, 'relu']);
  const kl = cfg('sparse', 'kind=kl&target=0.1').main;
  assert.deepEqual(
    [kl.train.sparsity, kl.train.sparsityTarget, kl.model.latentActivation],
    ['kl', 0.1, 'sigmoid'],
    'KL gets its sigmoid code',
  );

  const c = cfg('contractive', 'lambda=0.03');
  assert.equal(c.main.train.contractive, 0.03);
  assert.equal(c.plain.train.contractive, 0, 'the companion is the plain autoencoder');
  assert.deepEqual(
    { ...c.plain, train: { ...c.plain.train, contractive: 0.03 } },
    c.main,
    'otherwise the same network',
  );
  assert.equal(c.main.model.latentActivation, 'sigmoid');

  const g = cfg('generate', 'beta=4').main;
  assert.deepEqual([g.model.kind, g.train.beta, g.model.latent], ['vae', 4, 2]);

  assert.deepEqual(cfg('reconstruct', '').main, trainerConfigs(defaultState(modules.reconstruct)).main);
});

test('display-only settings do not rebuild the trainer', () => {
  assert.ok(!rebuildKeys(modules.contractive).includes('sigma'));
  assert.ok(rebuildKeys(modules.contractive).includes('lambda'));
  assert.deepEqual(rebuildKeys(modules.reconstruct), TRAINER_KEYS);
  assert.deepEqual(rebuildKeys(modules.denoise), [...TRAINER_KEYS, 'noise', 'level']);
});

test('the setting factories read numbers and choices strictly', async () => {
  const { parseNumber, choice, numberChoice, range } = await import('../../www/state/setting-types.js');
  assert.deepEqual(parseNumber('0.5', 0, 1, 'x'), { value: 0.5 });
  assert.deepEqual(parseNumber(' 1e-3 ', 0, 1, 'x'), { value: 0.001 });
  assert.deepEqual(parseNumber('.25', 0, 1, 'x'), { value: 0.25 });
  assert.ok(Object.is(parseNumber('-0', 0, 1, 'x').value, 0));
  for (const bad of ['', ' ', 'NaN', 'Infinity', '0x1', '1e999', '1,5', '2', '-0.1', '½', '1 2'])
    assert.ok(parseNumber(bad, 0, 1, 'x').error, bad);
  const c = choice(
    'Noise type',
    [
      ['a', 'A'],
      ['b_c', 'B'],
    ],
    'a',
  );
  assert.deepEqual(c.parse(' B_C '), { value: 'b_c' });
  assert.match(c.parse('d').error, /the noise type must be one of a, b_c/);
  assert.deepEqual(c.control.options, [
    { value: 'a', label: 'A' },
    { value: 'b_c', label: 'B' },
  ]);
  const n = numberChoice('Weight', [0.1, 1], 1, { min: 0, max: 10, rebuild: false });
  assert.deepEqual(n.parse('7.5'), { value: 7.5 }, 'a link may carry a value between the presets');
  assert.equal(n.rebuild, false);
  assert.match(
    numberChoice('KL weight β', [1], 1, { min: 0, max: 8 }).parse('x').error,
    /^the KL weight β must be/,
    'an acronym keeps its capitals',
  );
  const r = range('Level', { min: 0, max: 1, step: 0.05, def: 0.4 });
  assert.deepEqual([r.default, r.control.type, r.control.step], [0.4, 'range', 0.05]);
});

test('the data keys are common: a lesson link names its data, and Your data reads its older names', () => {
  const { state, problems } = parse('#lesson=reconstruct&data=sensors&dseed=3&faults=0.35', 'reconstruct');
  assert.deepEqual(problems, []);
  assert.deepEqual([state.data, state.dseed, state.faults, state.rows], ['sensors', 3, 0.35, 4000]);
  const hash = formatHash(state, modules.reconstruct);
  assert.match(hash, /&data=sensors&dseed=3&faults=0.35&/);
  assert.doesNotMatch(formatHash(defaultState(modules.reconstruct), modules.reconstruct), /data=|rows=|dseed=/);

  const bad = parse('#lesson=reconstruct&data=fish&rows=20', 'reconstruct');
  assert.equal(bad.state.data, 'digits');
  assert.equal(bad.state.rows, 4000);
  assert.match(bad.problems.join(' '), /Data "fish" was not used: the data must be one of/);
  assert.match(bad.problems.join(' '), /Rows "20" was not used: the number of rows must be/);

  const old = parse('#lesson=data&source=curve&noise=0.3&rows=1000', 'data');
  assert.deepEqual(old.problems, []);
  assert.deepEqual([old.state.data, old.state.dnoise, old.state.rows], ['curve', 0.3, 1000]);
  assert.match(formatHash(old.state, modules.data), /data=curve&rows=1000&dnoise=0.3/);

  const digits = parse('#lesson=data&data=digits', 'data');
  assert.equal(digits.state.data, 'curve');
  assert.match(digits.problems.join(' '), /Your data lesson cannot show data "digits"; it shows "curve"/);

  assert.ok(rebuildKeys(modules.data).includes('data'), 'Your data makes its data: a rebuild');
  assert.ok(!rebuildKeys(modules.reconstruct).includes('data'), 'elsewhere a remount, not a rebuild');
});

test('a link names only the data keys of its data', () => {
  const own = { ...parse('#lesson=reconstruct&data=own&rows=1000&dnoise=0.5', 'reconstruct').state };
  assert.equal(own.rows, 4000, "a generated set's rows mean nothing with own data");
  assert.match(formatHash({ ...own, rows: 1000 }, modules.reconstruct), /^#lesson=reconstruct&data=own&encoder=/);
  Object.assign(own, { rows: 1000, dnoise: 0.5 });
  const curve = { ...own, data: 'curve', faults: 0.4 };
  assert.match(formatHash(curve, modules.reconstruct), /^#lesson=reconstruct&data=curve&rows=1000&dnoise=0.5&encoder=/);
  const sensors = { ...curve, data: 'sensors' };
  assert.match(
    formatHash(sensors, modules.reconstruct),
    /^#lesson=reconstruct&data=sensors&rows=1000&faults=0.4&encoder=/,
  );
});
