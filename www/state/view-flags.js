// View flags: how the page looks and behaves, as opposed to what it trains.
// They live in the query string (index.html?hide=settings,nav&present=1#lesson=...),
// so the hash stays the reproducible run and a link can carry both; flags
// written into the hash by hand are read too (and moved to the query string by
// the page). Like tensorflow/playground's hide flags:
//
//   hide=header,nav,settings,...   parts of the page not to show (HIDEABLE)
//   controls=full|minimal|none     minimal: Play, Step and Reset only; none: no controls, training starts by itself
//   present=1                      presentation mode (large type, thick lines, high contrast)
//   compact=1                      the compact layout, for small iframes (600×400)
//   embed=1                        embedded in another page (implies compact unless compact=0)
//   autoplay=1                     start training as soon as the network is built
//   debug=1                        window.__playground for the console, and the worker's crash command
//   threads=auto|N                 train on at most N threads (1: one thread); auto: one per core, where
//                                  the page is cross-origin isolated (docs/wasm-api.md, "Threads")
//
// Parsing never throws: anything unreadable is left at its default and
// reported as a sentence. No DOM here, so node can test it.

export const HIDEABLE = Object.freeze([
  'header',
  'nav',
  'settings',
  'lesson-settings',
  'controls',
  'status',
  'tools',
  'explainer',
  'pad',
  'chart',
  'title',
  'inside',
]);
export const CONTROLS = Object.freeze(['full', 'minimal', 'none']);
export const FLAG_KEYS = Object.freeze([
  'hide',
  'controls',
  'present',
  'compact',
  'embed',
  'autoplay',
  'debug',
  'threads',
]);
/** The most threads a link may ask for. */
export const MAX_THREADS_FLAG = 16;
const BOOLEAN_KEYS = ['present', 'compact', 'embed', 'autoplay', 'debug'];

/** What `controls` hides besides the `hide` list. */
const CONTROL_HIDES = {
  full: [],
  minimal: ['settings', 'lesson-settings', 'tools'],
  none: ['controls', 'settings', 'lesson-settings', 'tools'],
};

const MAX_TEXT = 4000;
const MAX_PROBLEMS = 3;

/** Untrusted text quoted back: short, printable, only ever shown with textContent. */
export function quote(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this removes
  const s = String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return `"${s.length > 24 ? `${s.slice(0, 24)}…` : s}"`;
}

/** "1", "true", "yes", "on" or an empty value -> true; "0", "false", "no", "off" -> false; else { error }. */
export function parseBoolean(text) {
  const s = String(text ?? '')
    .trim()
    .toLowerCase();
  if (['', '1', 'true', 'yes', 'on'].includes(s)) return { value: true };
  if (['0', 'false', 'no', 'off'].includes(s)) return { value: false };
  return { error: 'it must be 1 or 0' };
}

/** "a,b c" -> { value: [known parts], unknown: [the rest] } (duplicates dropped). */
export function parseHideList(text) {
  const parts = String(text ?? '')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)
    .slice(0, 40);
  const value = [];
  const unknown = [];
  for (const p of parts) {
    if (HIDEABLE.includes(p)) {
      if (!value.includes(p)) value.push(p);
    } else unknown.push(p);
  }
  return { value, unknown };
}

/** The flags when nothing is given. */
export function defaultFlags() {
  return {
    hide: [],
    controls: 'full',
    present: false,
    compact: false,
    embed: false,
    autoplay: false,
    debug: false,
    threads: null, // null: one per core (auto)
  };
}

function pairsOf(text) {
  let s = typeof text === 'string' ? text : '';
  if (s.startsWith('?') || s.startsWith('#')) s = s.slice(1);
  if (s.length > MAX_TEXT) s = s.slice(0, MAX_TEXT);
  try {
    return [...new URLSearchParams(s)];
  } catch {
    return [];
  }
}

/**
 * Reads the flags from a query string (location.search) and a hash
 * (location.hash; only FLAG_KEYS are taken from it, the rest are settings).
 * The query string wins when both carry a flag.
 * -> { flags, problems, fromHash: [keys found in the hash] }. Never throws.
 */
export function parseFlags(search = '', hash = '') {
  const flags = defaultFlags();
  const problems = [];
  const seen = new Set();
  const fromHash = [];
  const pairs = [
    ...pairsOf(search).map((p) => [...p, 'query']),
    ...pairsOf(hash)
      .filter(([k]) => FLAG_KEYS.includes(k))
      .map((p) => [...p, 'hash']),
  ];
  for (const [key, raw, where] of pairs) {
    if (!FLAG_KEYS.includes(key)) continue; // a query string may carry anything a host adds (utm_..., ...)
    if (where === 'hash') fromHash.push(key);
    if (seen.has(key)) continue;
    seen.add(key);
    if (key === 'hide') {
      const { value, unknown } = parseHideList(raw);
      flags.hide = value;
      if (unknown.length) {
        problems.push(
          `The page has no part ${unknown.slice(0, 3).map(quote).join(', ')} to hide; ` +
            `the parts are ${HIDEABLE.join(', ')}.`,
        );
      }
    } else if (key === 'controls') {
      const s = String(raw).trim().toLowerCase();
      if (CONTROLS.includes(s)) flags.controls = s;
      else problems.push(`The controls setting ${quote(raw)} was not used: it must be one of ${CONTROLS.join(', ')}.`);
    } else if (key === 'threads') {
      const s = String(raw).trim().toLowerCase();
      const n = /^\d{1,3}$/.test(s) ? Number(s) : Number.NaN;
      if (s === 'auto' || s === '') flags.threads = null;
      else if (n >= 1 && n <= MAX_THREADS_FLAG) flags.threads = n;
      else {
        problems.push(
          `The flag threads=${quote(raw)} was not used: it must be auto or a whole number from 1 to ${MAX_THREADS_FLAG}.`,
        );
      }
    } else if (BOOLEAN_KEYS.includes(key)) {
      const r = parseBoolean(raw);
      if (r.error) problems.push(`The flag ${key}=${quote(raw)} was not used: ${r.error}.`);
      else flags[key] = r.value;
    }
  }
  if (!seen.has('compact') && flags.embed) flags.compact = true;
  if (flags.controls === 'none' && !seen.has('autoplay')) flags.autoplay = true; // nothing to press Play with
  if (problems.length > MAX_PROBLEMS)
    problems.splice(MAX_PROBLEMS, problems.length - MAX_PROBLEMS, `…and ${problems.length - MAX_PROBLEMS} more.`);
  return { flags, problems, fromHash };
}

/** Every part hidden: the `hide` list plus what `controls` leaves out. */
export function hiddenParts(flags) {
  return [...new Set([...flags.hide, ...(CONTROL_HIDES[flags.controls] ?? [])])];
}

/** The query string for flags ('' when all are defaults), in a fixed order. */
export function formatFlags(flags) {
  const d = defaultFlags();
  const parts = [];
  if (flags.hide.length) parts.push(`hide=${flags.hide.join(',')}`);
  if (flags.controls !== d.controls) parts.push(`controls=${flags.controls}`);
  for (const key of BOOLEAN_KEYS) {
    if (key === 'compact' && flags.embed) {
      if (!flags.compact) parts.push('compact=0');
      continue;
    }
    if (flags[key] !== d[key]) parts.push(`${key}=${flags[key] ? 1 : 0}`);
  }
  if (flags.threads != null) parts.push(`threads=${flags.threads}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A hash without the flag keys (which parseFlags read), for the settings parser. */
export function withoutFlags(hash) {
  const s = typeof hash === 'string' ? hash : '';
  const body = s.startsWith('#') ? s.slice(1) : s;
  if (!FLAG_KEYS.some((k) => body.includes(k))) return s;
  const kept = body.split('&').filter((part) => {
    let key = part.split('=')[0];
    try {
      key = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      // keep it: the settings parser reports it
    }
    return !FLAG_KEYS.includes(key);
  });
  return `#${kept.join('&')}`;
}
