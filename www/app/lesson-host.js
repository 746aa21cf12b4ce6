// The lesson lifecycle: load a lesson's module, read the hash with its own
// settings, mount its view, and swap lessons in place when the hash names
// another one (a nav link, a number key, a tutorial's link, a loaded model).

import { parseHash, lessonIdOf, trainerConfigs } from '../state/url-state.js';
import { withoutFlags } from '../state/view-flags.js';
import { bindLessonSettings } from '../state/lesson-settings-form.js';
import { LESSONS, LESSON_IDS, findLesson } from '../lessons/index.js';

/** Loads a lesson module, or explains why it could not be loaded. */
export async function loadLesson(id) {
  const entry = findLesson(id);
  try {
    return (await entry.load()).default;
  } catch (err) {
    throw new Error(
      `Part of the page (the "${entry.title}" lesson or the chart library) could not be loaded: ${err.message}. ` +
        'If you are running from a checkout, run "npm run build" first.',
    );
  }
}

/** @param page the app's shared state and operations (app/app.js). */
export function createLessonHost(page) {
  const { ui, store, settings, nav, banner } = page;

  /** Reads the hash with the lesson's own settings, shows them, and mounts the lesson's view. */
  function mountLesson(mod, hash) {
    page.lesson = mod;
    const { state, problems } = parseHash(withoutFlags(hash), { lessonIds: LESSON_IDS, lesson: mod });
    store.replace(state);
    page.writeHash(state); // the address bar always holds a complete, reproducible link
    settings.show(state);
    page.lessonFields = bindLessonSettings(ui.lessonFields, mod, { get: store.get, commit: page.commit });
    page.showNotice([...page.noticeProblems, ...problems]);
    page.noticeProblems = [];
    nav.setCurrent(mod.id);
    ui.root.replaceChildren();
    page.view = mod.mount(ui.root, { client: page.client, store, commit: page.commit });
    document.body.dataset.lesson = mod.id;
    document.title = `${mod.title} · Autoencoder Playground`;
    page.ready = true;
  }

  /**
   * Another lesson: stop training, unmount the current one, mount the new one
   * with fresh trainers (or, with `adopt`, with the model load() just read).
   */
  async function switchLesson(hash, { mod: given = null, adopt = false } = {}) {
    const token = ++page.switchToken;
    page.switching = true;
    page.ready = false;
    page.trainerOk = false;
    page.resumeWanted = false;
    page.rebuildToken += 1; // a rebuild in flight no longer applies
    page.currentRun = 0; // stats still on their way belong to the old lesson
    if (page.running) {
      page.running = false;
      page.client.pause().catch(() => {});
    }
    if (banner.kind === 'halted') banner.hide();
    page.updateButtons();
    document.body.dataset.state = 'loading';
    page.setRunStatus('Loading the lesson…');
    page.view?.unmount();
    page.view = null;
    ui.configError.hidden = true;
    const id = lessonIdOf(hash, LESSON_IDS);
    nav.setCurrent(id);
    let mod = given;
    try {
      [, mod] = await Promise.all([page.engine, mod ?? loadLesson(id)]);
    } catch (err) {
      if (token === page.switchToken) page.showFatal(err.message);
      return;
    }
    if (token !== page.switchToken) return;
    page.switching = false;
    mountLesson(mod, hash);
    if (adopt) {
      try {
        const { main, ...companions } = trainerConfigs(store.get(), page.lesson);
        const info = await page.client.adopt(companions);
        page.newRun(info);
        page.view.reset(info, store.get());
      } catch (err) {
        banner.show('load-error', 'The loaded model could not be used', err.message);
        await page.rebuild({ resume: false });
      }
    } else {
      await page.rebuild({ resume: false });
    }
    if (token === page.switchToken) document.body.dataset.state = 'ready';
    page.updateButtons();
  }

  /** The n-th lesson of the nav (1-based), as its link would. */
  function openLessonNumber(n) {
    const entry = LESSONS[n - 1];
    if (!entry || !page.lesson || entry.id === page.lesson.id) return;
    location.hash = `#lesson=${encodeURIComponent(entry.id)}`;
  }

  /** A link edited by hand, a lesson link in the nav, or a tutorial's link clicked on this page. */
  function onHashChange() {
    if (!page.client || document.body.dataset.state === 'error') return;
    const hash = withoutFlags(location.hash);
    if (page.switching || !page.lesson || lessonIdOf(hash, LESSON_IDS) !== page.lesson.id) {
      switchLesson(hash);
      return;
    }
    const { state, problems } = parseHash(hash, { lessonIds: LESSON_IDS, lesson: page.lesson });
    const before = store.get();
    store.replace(state);
    page.writeHash(state);
    settings.show(state);
    page.lessonFields.show(state);
    page.showNotice(problems);
    const changed = Object.keys(state).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(state[k]));
    if (changed.includes('scale')) page.view?.setScale(state.scale);
    if (page.needsRebuild(changed)) page.rebuild({ resume: true });
    else if (changed.length) page.view?.update?.(state, Object.fromEntries(changed.map((k) => [k, state[k]])));
  }

  return { mountLesson, switchLesson, openLessonNumber, onHashChange };
}
