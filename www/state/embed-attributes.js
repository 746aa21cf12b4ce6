// The attributes of <autoencoder-playground> read into the address of the
// page it shows (index.html?<flags>#<settings>), defensively: any attribute
// that cannot be used falls back to its default and is reported as a
// sentence, shown above the demo. Never throws; no DOM here, so node can test it.
//
//   lesson="denoise"                  a lesson id (www/lessons/index.js)
//   controls="full|minimal|none"      which controls show (default minimal)
//   height="420"                      the demo's height in CSS pixels (150 to 4000)
//   settings="latent=2&noise=masking" settings as in the page's URL hash; the page checks their values
//   seed="7"                          the seed (0 to 4294967295), overriding one in `settings`
//   hide="explainer,pad"              more parts to hide (www/state/view-flags.js HIDEABLE)
//   autoplay, present                 boolean attributes ("false" or "0" turns them off)

import { CONTROLS, FLAG_KEYS, HIDEABLE, parseBoolean, parseHideList, quote } from './view-flags.js';
import { parseInteger } from './setting-types.js';

export const EMBED_DEFAULTS = Object.freeze({ lesson: 'reconstruct', controls: 'minimal', height: 420 });
export const MIN_HEIGHT = 150;
export const MAX_HEIGHT = 4000;
const MAX_SETTINGS_TEXT = 2000;
const MAX_SETTINGS = 40;
const KEY = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
/** What an embedded demo leaves out unless asked: the page's own header and lesson menu, and the long explanation. */
const EMBED_HIDES = ['header', 'nav', 'explainer'];

const text = (v) => (v == null ? null : String(v));

/**
 * @param {Record<string, string|null>} attrs  attribute values (null or missing = not set)
 * @param {string[]} lessonIds
 * -> { lesson, controls, height, hide, query, hash, problems }
 *    query: '?embed=1&...' and hash: '#lesson=...&...' for index.html
 */
export function parseEmbedAttributes(attrs = {}, lessonIds = [EMBED_DEFAULTS.lesson]) {
  const get = (name) => {
    try {
      return text(attrs?.[name]);
    } catch {
      return null;
    }
  };
  const problems = [];
  const ids = Array.isArray(lessonIds) && lessonIds.length ? lessonIds : [EMBED_DEFAULTS.lesson];

  let lesson = ids.includes(EMBED_DEFAULTS.lesson) ? EMBED_DEFAULTS.lesson : ids[0];
  const lessonText = get('lesson');
  if (lessonText != null) {
    const id = lessonText.trim().toLowerCase();
    if (ids.includes(id)) lesson = id;
    else
      problems.push(
        `There is no lesson ${quote(lessonText)}; showing ${quote(lesson)}. The lessons are ${ids.join(', ')}.`,
      );
  }

  let controls = EMBED_DEFAULTS.controls;
  const controlsText = get('controls');
  if (controlsText != null) {
    const c = controlsText.trim().toLowerCase();
    if (CONTROLS.includes(c)) controls = c;
    else problems.push(`controls=${quote(controlsText)} was not used: it must be one of ${CONTROLS.join(', ')}.`);
  }

  let height = EMBED_DEFAULTS.height;
  const heightText = get('height');
  if (heightText != null) {
    const r = parseInteger(heightText.trim().replace(/px$/i, ''), MIN_HEIGHT, MAX_HEIGHT, 'the height');
    if (r.error) problems.push(`height=${quote(heightText)} was not used: ${r.error} (CSS pixels).`);
    else height = r.value;
  }

  let hide = [...EMBED_HIDES];
  const hideText = get('hide');
  if (hideText != null) {
    const { value, unknown } = parseHideList(hideText);
    hide = [...new Set([...hide, ...value])];
    if (unknown.length)
      problems.push(
        `hide: there is no part ${unknown.slice(0, 3).map(quote).join(', ')}; the parts are ${HIDEABLE.join(', ')}.`,
      );
  }

  const flag = (name) => {
    const v = get(name);
    if (v == null) return false;
    const r = parseBoolean(v);
    if (r.error) {
      problems.push(`${name}=${quote(v)} was not used: leave the value out, or write true or false.`);
      return false;
    }
    return r.value;
  };
  const autoplay = flag('autoplay');
  const present = flag('present');

  // Settings: passed on to the page, which checks each value and says what it did not use.
  const settings = [];
  const settingsText = get('settings');
  if (settingsText != null) {
    let s = settingsText.trim();
    if (s.startsWith('#') || s.startsWith('?')) s = s.slice(1);
    if (s.length > MAX_SETTINGS_TEXT) {
      problems.push(`The settings are longer than ${MAX_SETTINGS_TEXT} characters; the rest was not read.`);
      s = s.slice(0, MAX_SETTINGS_TEXT);
    }
    let pairs = [];
    try {
      pairs = [...new URLSearchParams(s)];
    } catch {
      problems.push('The settings could not be read; write them like latent=2&noise=masking.');
    }
    const seen = new Set();
    for (const [key, value] of pairs) {
      if (key === '' && value === '') continue;
      if (key === 'lesson') {
        problems.push('The lesson goes in the lesson attribute, not in settings.');
      } else if (FLAG_KEYS.includes(key)) {
        problems.push(`${quote(key)} is an attribute of its own, not a setting.`);
      } else if (!KEY.test(key)) {
        problems.push(`The setting name ${quote(key)} is not one the page could have; it was left out.`);
      } else if (seen.has(key)) {
        problems.push(`The setting ${quote(key)} appears more than once; the first one is used.`);
      } else if (settings.length >= MAX_SETTINGS) {
        problems.push(`Only the first ${MAX_SETTINGS} settings are used.`);
        break;
      } else {
        seen.add(key);
        settings.push([key, value.slice(0, 200)]);
      }
    }
  }

  const seedText = get('seed');
  if (seedText != null) {
    const r = parseInteger(seedText, 0, 2 ** 32 - 1, 'the seed');
    if (r.error) problems.push(`seed=${quote(seedText)} was not used: ${r.error}.`);
    else {
      const i = settings.findIndex(([k]) => k === 'seed');
      if (i >= 0) settings.splice(i, 1);
      settings.push(['seed', String(r.value)]);
    }
  }

  const hashParams = new URLSearchParams([['lesson', lesson], ...settings]);
  const query = new URLSearchParams([
    ['embed', '1'],
    ['controls', controls],
  ]);
  if (hide.length) query.set('hide', hide.join(','));
  if (autoplay) query.set('autoplay', '1');
  if (present) query.set('present', '1');
  return {
    lesson,
    controls,
    height,
    hide,
    autoplay,
    present,
    query: `?${query.toString().replace(/%2C/gi, ',')}`,
    hash: `#${hashParams.toString().replace(/%2C/gi, ',')}`,
    problems: problems.slice(0, 6),
  };
}
