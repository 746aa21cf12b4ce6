// The settings as one state, mirrored in three places: the store, the
// address bar's hash and the forms (the common settings panel and the
// lesson's own fields). A change from the form, a lesson or a hand-edited
// hash goes through here; if it changes what the trainers are built from, it
// asks for a rebuild, which the run state may refuse (while a lesson loads).

import { DATA_KEYS, formatHash, parseHash, rebuildKeys } from '../state/url-state.js';
import { replaceUrl } from '../state/view-flags-page.js';
import { bindSettings } from '../state/settings-form.js';
import { LESSON_IDS } from '../lessons/index.js';
import { carriedData, dataFor, lessonInfo } from '../state/own-data.js';

/**
 * @param {{
 *   form: HTMLFormElement, store, run, status,
 *   mounted: { lesson, view, fields },  the lesson on the page (written by lesson-host.js)
 *   rebuild: ({ resume: boolean }) => void,
 *   nav: { carry(part) },  the lesson menu, whose links carry the data the lessons train on
 *   remount: () => void,   mounts the lesson again from the address bar (another data set: its pictures change)
 * }} parts
 */
export function createSettingsSync({ form, store, run, status, mounted, rebuild, nav, remount }) {
  // The shape line counts the inputs of the data the lesson trains on (Your data's own choice, the data the
  // link names where the lesson can take it, or the digits).
  const data = () => (mounted.lesson?.dataSpec ? dataFor(store.get()).info : lessonInfo(mounted.lesson ?? {}));
  const settings = bindSettings(form, { get: store.get, commit, data });

  function writeHash(state) {
    replaceUrl(formatHash(state, mounted.lesson));
    nav.carry(carriedData(state, mounted.lesson));
  }

  /** Does a change to these keys need new trainers? */
  function needsRebuild(keys) {
    return rebuildKeys(mounted.lesson).some((k) => keys.includes(k));
  }

  /** Tells the lesson what changed: a new scale, new trainers, or just an update of its view. */
  function apply(state, patch) {
    const changed = Object.keys(patch);
    // Other data: the lesson is laid out for it anew (Your data makes its own, a rebuild).
    if (!mounted.lesson?.dataSpec && DATA_KEYS.some((k) => changed.includes(k))) {
      remount();
      return;
    }
    if (changed.includes('scale')) mounted.view?.setScale(state.scale);
    if (needsRebuild(changed)) rebuild({ resume: true });
    else if (changed.length) mounted.view?.update?.(state, patch);
  }

  /** A settings change from the form or a lesson: update the state and the URL, rebuild if needed. */
  function commit(patch) {
    if (!run.canEdit) {
      settings.show(store.get()); // a lesson is loading or the run is being replaced: its settings win
      return;
    }
    store.set(patch);
    const state = store.get();
    writeHash(state);
    settings.show(state, { fields: Object.keys(patch) });
    mounted.fields.show(state);
    status.showNotice([]);
    apply(state, patch);
  }

  /** A state change the trainers already have (the learning rate set on them, a loaded model's settings): no rebuild. */
  function showState(state) {
    store.replace(state);
    writeHash(state);
    settings.show(state);
    mounted.fields.show(state);
  }

  /** A hash edited by hand (or a tutorial's link) for the lesson on the page. */
  function applyHash(hash) {
    const { state, problems } = parseHash(hash, { lessonIds: LESSON_IDS, lesson: mounted.lesson });
    const before = store.get();
    showState(state);
    status.showNotice(problems);
    const changed = Object.keys(state).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(state[k]));
    apply(state, Object.fromEntries(changed.map((k) => [k, state[k]])));
  }

  return { settings, writeHash, commit, showState, applyHash };
}
