// The view flags (www/state/view-flags.js) and the <autoencoder-playground> attributes
// (www/state/embed-attributes.js): known values, and a fuzz over thousands of generated
// strings. Whatever comes in, the parsers return usable values and sentences,
// never throw, and nothing they pass on can become markup.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseFlags,
  formatFlags,
  hiddenParts,
  withoutFlags,
  defaultFlags,
  HIDEABLE,
  CONTROLS,
  FLAG_KEYS,
} from '../../www/state/view-flags.js';
import { parseEmbedAttributes, EMBED_DEFAULTS, MIN_HEIGHT, MAX_HEIGHT } from '../../www/state/embed-attributes.js';
import { parseHash, DEFAULTS } from '../../www/state/url-state.js';

const LESSONS = ['reconstruct', 'denoise', 'sparse', 'generate'];

// ---------------------------------------------------------------- a seeded generator of hostile strings

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '<',
  '>',
  '&',
  '=',
  '#',
  '?',
  '%',
  '%2',
  '%zz',
  '%3C',
  '%00',
  '+',
  ',',
  ';',
  '"',
  "'",
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u202e',
  'ü',
  '𝟘',
  '\uD800',
  'e',
  '-',
  '.',
  '0',
  '1',
  '9',
  '1e3',
  '-1',
  'NaN',
  'Infinity',
  '0x10',
  'true',
  'false',
  'yes',
  '<img src=x onerror=alert(1)>',
  '</script>',
  'javascript:',
  '__proto__',
  'constructor',
  'toString',
  ...FLAG_KEYS,
  ...HIDEABLE,
  ...CONTROLS,
  ...LESSONS,
  'lesson',
  'latent',
  'encoder',
  'seed',
  'noise',
  'masking',
];

function hostile(random, maxPieces = 24) {
  const n = Math.floor(random() * maxPieces);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.6) s += PIECES[Math.floor(random() * PIECES.length)];
    else if (r < 0.8) s += String.fromCharCode(Math.floor(random() * 0x3000));
    else s += String(Math.floor(random() * 1e6) - 5e5);
  }
  return s;
}

/** A query-like string: key=value pairs, some well-formed, some not. */
function hostileQuery(random) {
  const pairs = [];
  const n = Math.floor(random() * 8);
  for (let i = 0; i < n; i++) {
    const key = random() < 0.7 ? FLAG_KEYS[Math.floor(random() * FLAG_KEYS.length)] : hostile(random, 4);
    pairs.push(random() < 0.1 ? key : `${key}=${hostile(random, 6)}`);
  }
  return (random() < 0.5 ? '?' : '') + pairs.join(random() < 0.9 ? '&' : '&&');
}

function assertSentences(problems) {
  assert.ok(Array.isArray(problems));
  assert.ok(problems.length <= 6, `${problems.length} problems`);
  for (const p of problems) {
    assert.equal(typeof p, 'string');
    assert.ok(p.length < 600, `a short sentence: ${p.length} characters`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
    assert.doesNotMatch(p, /[\u0000-\u0008]/, 'no control characters quoted back');
  }
}

function assertFlags(flags) {
  assert.ok(Array.isArray(flags.hide));
  for (const p of flags.hide) assert.ok(HIDEABLE.includes(p), p);
  assert.equal(new Set(flags.hide).size, flags.hide.length, 'no duplicates');
  assert.ok(CONTROLS.includes(flags.controls));
  for (const k of ['present', 'compact', 'embed', 'autoplay', 'debug']) assert.equal(typeof flags[k], 'boolean', k);
}

// ---------------------------------------------------------------- flags

test('no flags: the defaults and no problems', () => {
  for (const [search, hash] of [
    ['', ''],
    ['?', '#'],
    [undefined, undefined],
    [null, null],
    ['?utm_source=x&ref=y', '#lesson=denoise'],
  ]) {
    const { flags, problems, fromHash } = parseFlags(search, hash);
    assert.deepEqual(flags, defaultFlags());
    assert.deepEqual(problems, []);
    assert.deepEqual(fromHash, []);
  }
});

test('flags are read from the query string, and from the hash where someone wrote them', () => {
  const { flags, problems, fromHash } = parseFlags(
    '?hide=settings,explainer,nav&controls=minimal&present=1',
    '#lesson=denoise&debug=true&latent=2',
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(flags.hide, ['settings', 'explainer', 'nav']);
  assert.equal(flags.controls, 'minimal');
  assert.equal(flags.present, true);
  assert.equal(flags.debug, true);
  assert.deepEqual(fromHash, ['debug']);
  // The query string wins over the hash.
  assert.equal(parseFlags('?present=0', '#present=1').flags.present, false);
});

test('embed implies the compact layout, controls=none implies autoplay, unless said otherwise', () => {
  assert.equal(parseFlags('?embed=1').flags.compact, true);
  assert.equal(parseFlags('?embed=1&compact=0').flags.compact, false);
  assert.equal(parseFlags('?controls=none').flags.autoplay, true);
  assert.equal(parseFlags('?controls=none&autoplay=0').flags.autoplay, false);
  assert.deepEqual(hiddenParts(parseFlags('?controls=minimal&hide=pad').flags).sort(), [
    'lesson-settings',
    'pad',
    'settings',
    'tools',
  ]);
  assert.deepEqual(hiddenParts(parseFlags('?controls=none').flags).sort(), [
    'controls',
    'lesson-settings',
    'settings',
    'tools',
  ]);
});

test('bad flag values are reported and left at their defaults', () => {
  const { flags, problems } = parseFlags('?hide=settings,kitchen&controls=lots&present=maybe');
  assert.deepEqual(flags.hide, ['settings']);
  assert.equal(flags.controls, 'full');
  assert.equal(flags.present, false);
  assert.equal(problems.length, 3);
  assert.match(problems[0], /no part "kitchen"/);
  assert.match(problems[1], /controls setting "lots"/);
  assert.match(problems[2], /present="maybe"/);
});

test('withoutFlags leaves the settings for the settings parser, which then has nothing to complain about', () => {
  const hash = '#lesson=reconstruct&present=1&latent=8&hide=nav&debug';
  assert.equal(withoutFlags(hash), '#lesson=reconstruct&latent=8');
  const { state, problems } = parseHash(withoutFlags(hash), { lessonIds: LESSONS });
  assert.deepEqual(problems, []);
  assert.equal(state.latent, 8);
  assert.equal(withoutFlags('#latent=2'), '#latent=2');
});

test('fuzz: parseFlags takes any query and hash, and formatFlags round-trips what it returns', () => {
  const random = rng(20240601);
  for (let i = 0; i < 5000; i++) {
    const search = hostileQuery(random);
    const hash = random() < 0.5 ? `#${hostileQuery(random)}` : hostile(random);
    const { flags, problems } = parseFlags(search, hash);
    assertFlags(flags);
    assertSentences(problems);
    const again = parseFlags(formatFlags(flags), '');
    assert.deepEqual(again.flags, flags, `round trip of ${JSON.stringify(search)}`);
    assert.deepEqual(again.problems, []);
    // Whatever the flags, the settings parser never sees them and never throws.
    const rest = parseHash(withoutFlags(hash), { lessonIds: LESSONS });
    assert.ok(LESSONS.includes(rest.state.lesson));
  }
});

test('fuzz: very long and binary-looking inputs are cut short, not choked on', () => {
  const long = `?hide=${'nav,'.repeat(50_000)}&controls=${'x'.repeat(100_000)}`;
  const { flags, problems } = parseFlags(long, `#${'%'.repeat(100_000)}`);
  assertFlags(flags);
  assertSentences(problems);
});

// ---------------------------------------------------------------- embed attributes

test('no attributes: the defaults, and the address of a compact, minimal demo', () => {
  const r = parseEmbedAttributes({}, LESSONS);
  assert.equal(r.lesson, EMBED_DEFAULTS.lesson);
  assert.equal(r.controls, 'minimal');
  assert.equal(r.height, 420);
  assert.deepEqual(r.problems, []);
  assert.equal(r.query, '?embed=1&controls=minimal&hide=header,nav,explainer');
  assert.equal(r.hash, '#lesson=reconstruct');
});

test('good attributes go into the address: lesson, controls, settings, seed, hide, autoplay', () => {
  const r = parseEmbedAttributes(
    {
      lesson: 'Denoise',
      controls: 'full',
      height: '300px',
      settings: '#latent=2&noise=masking',
      seed: '7',
      hide: 'pad',
      autoplay: '',
      present: 'false',
    },
    LESSONS,
  );
  assert.deepEqual(r.problems, []);
  assert.equal(r.lesson, 'denoise');
  assert.equal(r.height, 300);
  assert.equal(r.hash, '#lesson=denoise&latent=2&noise=masking&seed=7');
  assert.equal(r.query, '?embed=1&controls=full&hide=header,nav,explainer,pad&autoplay=1');
  const { flags } = parseFlags(r.query);
  assert.equal(flags.embed && flags.compact && flags.autoplay, true);
  assert.equal(flags.present, false);
});

test('the seed attribute replaces a seed in settings; lesson and flags in settings are refused', () => {
  const r = parseEmbedAttributes({ settings: 'seed=1&lesson=sparse&present=1&latent=4', seed: '9' }, LESSONS);
  assert.equal(r.hash, '#lesson=reconstruct&latent=4&seed=9');
  assert.equal(r.problems.length, 2);
  assert.match(r.problems[0], /lesson attribute/);
  assert.match(r.problems[1], /"present" is an attribute of its own/);
});

test('garbage attributes: defaults, and one sentence each', () => {
  const r = parseEmbedAttributes(
    {
      lesson: '<img src=x onerror=alert(1)>',
      controls: 'all',
      height: '-5',
      seed: '1e99',
      settings: '<b>x</b>=1',
      autoplay: 'maybe',
    },
    LESSONS,
  );
  assert.equal(r.lesson, 'reconstruct');
  assert.equal(r.controls, 'minimal');
  assert.equal(r.height, 420);
  assert.equal(r.autoplay, false);
  assert.equal(r.problems.length, 6);
  assert.equal(r.hash, '#lesson=reconstruct');
});

test('fuzz: any attributes give a demo address the page reads without throwing, and nothing raw passes', () => {
  const random = rng(7);
  const names = ['lesson', 'controls', 'height', 'settings', 'seed', 'hide', 'autoplay', 'present'];
  for (let i = 0; i < 5000; i++) {
    const attrs = {};
    for (const name of names) {
      const r = random();
      if (r < 0.3) continue; // not set
      attrs[name] = r < 0.4 ? '' : name === 'settings' ? hostileQuery(random).replace(/^\?/, '') : hostile(random, 8);
    }
    const r = parseEmbedAttributes(attrs, LESSONS);
    assert.ok(LESSONS.includes(r.lesson));
    assert.ok(CONTROLS.includes(r.controls));
    assert.ok(Number.isInteger(r.height) && r.height >= MIN_HEIGHT && r.height <= MAX_HEIGHT);
    assertSentences(r.problems);
    // The address is made of encoded text only: no markup, no quotes, no control characters.
    assert.match(r.query, /^\?[A-Za-z0-9=&,_.%*+-]*$/);
    assert.match(r.hash, /^#[A-Za-z0-9=&,_.%*+-]*$/);
    const flags = parseFlags(r.query, r.hash);
    assert.deepEqual(flags.problems, []);
    assert.equal(flags.flags.embed, true);
    const page = parseHash(r.hash, { lessonIds: LESSONS });
    assert.equal(page.state.lesson, r.lesson);
    assertSentences(page.problems);
    for (const key of ['latent', 'batch', 'seed']) assert.ok(Number.isInteger(page.state[key]), key);
  }
});

test('fuzz: attribute objects that are odd themselves (getters that throw, non-strings) are survived', () => {
  const odd = {
    get lesson() {
      throw new Error('boom');
    },
    height: 12345678901234567890n,
    seed: { toString: () => '5' },
    settings: 42,
  };
  const r = parseEmbedAttributes(odd, LESSONS);
  assert.equal(r.lesson, 'reconstruct');
  assert.equal(r.height, 420);
  assert.match(r.hash, /seed=5/);
  assert.doesNotThrow(() => parseEmbedAttributes(null, null));
  assert.doesNotThrow(() => parseEmbedAttributes(undefined, []));
  assert.equal(DEFAULTS.lesson, parseEmbedAttributes({}, []).lesson);
});

test('the threads flag: auto or 1 to 16, anything else refused with what is allowed', () => {
  assert.equal(parseFlags('?threads=1').flags.threads, 1);
  assert.equal(parseFlags('?threads=4').flags.threads, 4);
  assert.equal(parseFlags('?threads=auto').flags.threads, null);
  assert.equal(parseFlags('').flags.threads, null);
  for (const bad of ['0', '17', '2.5', 'many', '-1']) {
    const { flags, problems } = parseFlags(`?threads=${bad}`);
    assert.equal(flags.threads, null, bad);
    assert.equal(problems.length, 1, bad);
    assert.match(problems[0], /auto or a whole number from 1 to 16/);
  }
  assert.equal(formatFlags(parseFlags('?threads=2').flags), '?threads=2');
});
