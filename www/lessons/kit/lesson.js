// The one lesson lifecycle. Every lesson is `defineLesson({...})`: the base
// keeps what all of them share (mounting the header and explanation, the run
// a view shows and when its answers have gone stale, the training card, the
// validation digits, paced refreshes on stats, halts and pauses, the log
// scale, repainting in the theme's colours on the one theme signal, and
// tearing it all down), so a lesson file holds only what is its own.
//
// The app sees the contract of www/lessons/index.js: mount(root, { client,
// store, commit }) -> view { reset, invalid, stats, halted, setScale,
// unmount, update?, paused? }. docs/lessons.md describes the lesson's side.

import { h } from '../../lib/dom.js';
import { throttle } from '../../lib/throttle.js';
import { onThemeChange } from '../../app/theme.js';
import { describe } from '../../charts/describe.js';
import { RECON_STAGES, cyclingSampler, padCard } from './pad-card.js';
import { rowCard } from './row-card.js';
import { rowShape, valueScale } from '../../draw/row-pictures.js';
import { explainer } from './explainer.js';
import { Pictures } from './pictures.js';
import { TrainingCard } from './training-card.js';
import { TermsCard } from './terms-card.js';
import { insidePanel } from './inside-panel.js';
import { accepted, chosen, lessonInfo, ownData } from '../../state/own-data.js';
import { fmtInt } from './format.js';
import { LESSONS } from '../index.js';

/** Thrown by `lesson.current` when an answer arrives for a run the view no longer shows. */
class Stale extends Error {}

/**
 * @param {{
 *   id: string, title: string,    the registry's; settingsTitle, settings, defaults, config, companions, note pass through
 *   lead: string | (lesson) => string,  the header's two or three sentences (a function: e.g. worded for lesson.data)
 *   explain?: object | ((lesson) => object),  the explanation card (kit/explainer.js)
 *   digits?: number,              validation digits to load once (lesson.digits, lesson.labels)
 *   usesTrainer?: boolean,        false: it shows no digit network (Recommend), so refused settings leave it as it is
 *   engine?: 'core' | 'lab',      'lab': the run is built in the lab build (its lab-only methods act on the run itself)
 *   inside?: boolean,             false: no "Look inside" panel (its pictures are of digits)
 *   wideCode?: boolean,           true: a code wider than own data's rows is fine here (a sparse code), not warned of
 *   dataSpec?: (state) => spec,   the data its runs train on (worker/data-source.js); none: the digits
 *   view: (lesson) => hooks,      builds the lesson's parts (lesson.show(...)) and returns its own hooks
 * }} definition
 * hooks (all optional): reset(info, state) before the digits load; ready(info, state) once they are there
 * (may be async; the refreshers run after it); stats(msg); halted(msg); paused(); invalid();
 * update(state, patch); unmount().
 */
export function defineLesson({
  lead,
  explain,
  digits: digitCount = 0,
  usesTrainer = true,
  inside = true,
  wideCode = false,
  view,
  ...module
}) {
  // Which own data it can use is the registry's word (lessons/index.js).
  const { accepts = 'digits', needsLabels = false } = LESSONS.find((l) => l.id === module.id) ?? {};
  const canUse = (info) => accepted(accepts, info, { needsLabels });

  function mount(root, { client, store, commit, relink = () => {} }) {
    const refreshers = [];
    const parts = []; // cards fed by the lifecycle: reset(state, info), stats(msg), setScale?(scale), destroy()
    const paced = []; // refreshers the lesson asks for itself
    const digitRows = []; // canvases showing the validation digits
    const answerRows = []; // canvases showing one run's answers
    const owned = [];
    const described = []; // [element, title, words()]: text alternatives, written again after each paint
    let describing = false;
    const describeAll = () => {
      describing = false;
      for (const [el, title, words] of described) describe(el, words, { title });
    };
    const feed = (part) => {
      parts.push(part);
      return part;
    };
    const own = (thing) => {
      owned.push(thing);
      return thing;
    };
    let frame = null;
    let rowsCard = null; // the pad's stand-in on rows that cannot be drawn (kit/row-card.js)
    // On own data, a code as wide as a row lets the network copy (said after each new run; a sparse code may be wide).
    const codeWarning = h('span', { id: 'own-data-code' });
    const warnCode = (state) => {
      const width = lesson.data?.width;
      codeWarning.textContent =
        width && !wideCode && state.latent >= width
          ? `A code of ${state.latent} numbers is not smaller than a row of ${width}: make the code smaller. `
          : '';
    };
    let panel = null; // the "Look inside" panel (kit/inside-panel.js), every lesson with a digit network but Inside

    const lesson = {
      root,
      client,
      store,
      commit,
      /** Writes the menu's links again from the state (they carry the data the lessons train on). */
      relink,
      /** The run this view shows (0: none, e.g. the settings were refused). */
      run: 0,
      /** The code size of the run's main network. */
      latent: 0,
      /** The last training step reported. */
      step: 0,
      /** The validation digits (digitCount rows of pictures.size values) and their labels, once loaded. */
      digits: null,
      labels: null,
      /** The own data this lesson trains on instead of the digits (worker/data-source.js info), or null. */
      data: usesTrainer && !module.dataSpec ? lessonInfo({ accepts, needsLabels }) : null,
      // A row is painted canvas by canvas in one go: its words are written once, after the last.
      pictures: new Pictures({
        step: () => lesson.step,
        onPaint: () => {
          if (!describing) queueMicrotask(describeAll);
          describing = true;
        },
      }),

      /** Puts the lesson on the page: header, `content`, explanation. */
      show(...content) {
        const text = typeof explain === 'function' ? explain(lesson) : explain;
        const named = chosen.name !== 'digits' || ownData.info;
        const own = usesTrainer && !module.dataSpec && named ? dataNote(store.get()) : null;
        frame = h(
          'section',
          { class: 'lesson', 'aria-labelledby': 'lesson-title' },
          h(
            'header',
            { class: 'lesson-header' },
            h('h2', { id: 'lesson-title' }, module.title),
            h('p', { class: 'lead' }, typeof lead === 'function' ? lead(lesson) : lead),
            own,
            panel?.toggle,
          ),
          panel?.el,
          ...content,
          text ? explainer(text) : null,
        );
        root.append(frame);
      },

      /** Resolves to what `promise` resolves to, or throws (quietly, in a refresher) if the run changed meanwhile. */
      async current(promise) {
        const forRun = lesson.run;
        const value = await promise;
        if (!forRun || forRun !== lesson.run) throw new Stale();
        return value;
      },

      /**
       * A refresh paced to one round trip every `ms` (lib/throttle.js), asked for after each reset,
       * stats message, halt and pause (unless `auto` is false: then only when the lesson asks);
       * `task` runs only while there is a run (and its digits, if any).
       */
      refresher(ms, task, { auto = true } = {}) {
        const request = throttle(() => (lesson.run && (lesson.digits || !digitCount) ? task() : null), ms);
        (auto ? refreshers : paced).push(request);
        return request;
      },

      /** Canvases showing validation digit i on canvas i: blank until the digits are loaded. */
      showDigits(canvases) {
        digitRows.push(canvases);
        lesson.pictures.row(canvases, lesson.digits);
        return canvases;
      },

      /** Canvases showing one run's answers (reconstructions, say): blank at first and at every reset. */
      answers(canvases) {
        answerRows.push(canvases);
        lesson.pictures.row(canvases, null);
        return canvases;
      },

      /** The training card (kit/training-card.js), reset, fed and torn down with the lesson. */
      trainingCard(options) {
        return own(feed(new TrainingCard({ store, commit, ...options })));
      },

      /** The loss-terms card (kit/terms-card.js), reset, fed and torn down with the lesson. */
      termsCard(options) {
        return own(feed(new TermsCard(options)));
      },

      /** The draw-pad card (kit/pad-card.js) with Sample cycling through the first `samples` validation digits. */
      padCard({ samples = digitCount, ...options }) {
        const sampleDigit = cyclingSampler(() => lesson.digits, samples, lesson.pictures.size);
        if (lesson.pictures.shape.digits) return own(padCard({ pictures: lesson.pictures, sampleDigit, ...options }));
        // Rows that cannot be drawn: the card holds a validation row instead of a drawing.
        rowsCard = rowCard({
          pictures: lesson.pictures,
          info: lesson.data,
          stages: options.stages ?? RECON_STAGES,
          onChange: options.onChange,
          sampleDigit,
        });
        return own(rowsCard);
      },

      /**
       * A text alternative for a picture (a grid of digits, a mosaic): `el` becomes an image labelled
       * "title: words()", written again at a calm pace after the lesson's pictures are painted
       * (charts/describe.js; kit/alt-text.js has words for rows of digits). Not for an element with
       * controls in it: an image's content is hidden from screen readers.
       */
      describe(el, title, words) {
        described.push([el, title, words]);
        describe(el, words, { title, now: true });
        return el;
      },

      /** Destroys, disconnects or stops `thing` (or calls it) when the lesson is unmounted; returns it. */
      own,
    };

    lesson.pictures.shape = rowShape(lesson.data);

    /**
     * The link names data other than the digits, or the person has opened data of their own: say whether
     * this lesson trains on it (with the way back to the digits) or why not (not chosen for the lessons,
     * not in this tab, or not data this lesson can use).
     */
    function dataNote(state) {
      const note = (...content) => h('p', { class: 'own-data-note', id: 'own-data-note' }, ...content);
      const back = h('button', { type: 'button', class: 'button small', id: 'own-data-back' }, 'Use the digits');
      back.addEventListener('click', () => commit({ data: 'digits' })); // mounted again, on the digits
      if (chosen.error) return note(`${chosen.error} This lesson trains on the digits. `, back);
      if (chosen.missing) {
        return note(
          'This link names your own data, which is not in this tab (a link cannot carry it): this lesson trains on the digits. ' +
            'Open your table or images in the Your data lesson to train on them here. ',
          back,
        );
      }
      const info = chosen.info ?? ownData.info;
      if (!lesson.data) {
        const what =
          info.view === 'image'
            ? `${info.shape.channels === 3 ? 'colour' : 'gray'} ${info.shape.width}×${info.shape.height} pictures`
            : `rows of ${fmtInt(info.width)} numbers`;
        if (!chosen.info && canUse(info)) {
          return note(
            `Your data (${info.title}) can stand in for the digits here: switch that on in the Your data lesson.`,
          );
        }
        const why =
          accepts === 'images'
            ? 'This lesson shows pictures, so it needs images'
            : accepts === 'digits'
              ? 'This lesson draws or decodes 28×28 gray digits'
              : info.heldOutFaults
                ? `This lesson is about labels, and the training rows of ${info.title} are all ${info.labelNames[info.normalLabel]}`
                : 'This lesson is about labels, and your data has none';
        const whose = info.generated ? info.title : `Your data (${info.title}, ${what})`;
        return note(
          `${why}: it trains on the digits. ${whose}${info.generated ? `, ${what},` : ''} is used in the lessons that can take it.`,
        );
      }
      const { rows, trainRows, width } = info;
      const kind = info.view === 'image' ? 'images' : 'rows';
      const size = `${fmtInt(rows)} ${kind} of ${fmtInt(width)} values`;
      const what = info.generated
        ? `${info.title} (${size}, generated in this tab from data seed ${state.dseed}; the Your data lesson changes it)`
        : `your data (${info.title}: ${size}, kept in this tab)`;
      const p = note(
        `This lesson trains on ${what}, not on the digits. ` +
          (lesson.pictures.shape.kind === 'values'
            ? 'Each row is drawn as a block of cells, one per value: blue below zero, red above. '
            : '') +
          (state.batch > trainRows
            ? `Each minibatch holds all ${fmtInt(trainRows)} training ${kind}, fewer than the batch size. `
            : ''),
        codeWarning,
        back,
      );
      return p;
    }

    // The panel draws 28×28 inputs and weights: not on own data of another shape.
    if (usesTrainer && inside && module.id !== 'inside' && lesson.pictures.shape.digits) panel = insidePanel(lesson);
    const hooks = view(lesson) ?? {};
    const requestAll = () => {
      for (const r of refreshers) r();
    };
    const stopTheme = onThemeChange(() => lesson.pictures.repaint());

    return {
      /** A new run (new settings, Reset, a loaded model, or a fresh worker after a crash): any number of times. */
      async reset(info, state) {
        lesson.run = info.run;
        lesson.latent = info.latentSize;
        lesson.step = info.step ?? 0;
        for (const p of parts) p.reset(state, info);
        frame?.classList.remove('stale');
        for (const r of [...refreshers, ...paced]) r.restart();
        for (const row of answerRows) lesson.pictures.row(row, null);
        panel?.reset();
        warnCode(state);
        hooks.reset?.(info, state);
        try {
          if (digitCount && !lesson.digits) {
            const { images, labels } = await lesson.current(client.validationImages(digitCount));
            lesson.digits = images;
            lesson.labels = labels;
            const { shape } = lesson.pictures;
            if (shape.kind === 'values') shape.scale = valueScale(images);
            rowsCard?.rowsLoaded();
          }
          if (info.run !== lesson.run) return;
          for (const row of digitRows) lesson.pictures.row(row, lesson.digits);
          await hooks.ready?.(info, state);
          if (info.run === lesson.run) requestAll();
        } catch {
          // A newer run took over, or a round trip failed: the next reset tries again.
        }
      },

      /** The settings were refused: what is on screen belongs to an older network. */
      invalid() {
        lesson.run = 0;
        if (usesTrainer) frame?.classList.add('stale');
        hooks.invalid?.();
      },

      /** A training slice finished. */
      stats(msg) {
        lesson.step = msg.step;
        for (const p of parts) p.stats(msg);
        hooks.stats?.(msg);
        requestAll();
      },

      /** Training stopped by itself (diverged or early-stopped): show the final weights' output. */
      halted(msg) {
        hooks.halted?.(msg);
        requestAll();
      },

      /** Paused, or one step taken by hand. */
      paused() {
        hooks.paused?.();
        requestAll();
      },

      setScale(scale) {
        for (const p of parts) p.setScale?.(scale);
      },

      /** A setting that needs no new network changed. */
      update(state, patch) {
        hooks.update?.(state, patch);
      },

      unmount() {
        lesson.run = 0;
        for (const r of [...refreshers, ...paced]) r.stop();
        stopTheme();
        panel?.destroy();
        hooks.unmount?.();
        for (const thing of owned) {
          if (thing.destroy) thing.destroy();
          else if (thing.disconnect) thing.disconnect();
          else if (thing.stop) thing.stop();
          else thing();
        }
        root.replaceChildren();
      },
    };
  }

  return { ...module, accepts, needsLabels, mount };
}
