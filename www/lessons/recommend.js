// Recommend: item-based AutoRec on a seeded synthetic ratings matrix (500
// users × 300 items, about 95% missing), trained live in its own worker. Shows
// the sparse matrix as a picture, the test RMSE against the item-mean and
// global-mean baselines, and a few users' top recommendations with their true
// (held-out) ratings where the data has them.

import { h } from '../lib/dom.js';
import { RmseChart } from '../charts/rmse-chart.js';
import { describe } from '../charts/describe.js';
import { numberChoice } from '../state/setting-types.js';
import { RecommenderClient } from '../worker/recommender-client.js';
import { paintRatings, orderByCount, ratingCounts } from './recommend/ratings-map.js';
import { explain } from './recommend/explain.js';
import { userRecs } from './recommend/user-recs.js';
import { throttle } from '../lib/throttle.js';
import { defineLesson } from './kit/lesson.js';
import { card, evenCards } from './kit/cards.js';
import { picture } from './kit/canvases.js';
import { fmtInt } from './kit/format.js';
import { stat, showStat, statList } from './kit/readout.js';
import { reportProgress } from '../app/progress.js';

const USERS_SHOWN = 3;
const TOP_K = 5;
const RECS_MS = 1000;
const rmse = (v) => v.toFixed(3);

const settings = {
  hidden: numberChoice('Hidden units', [8, 16, 32, 64, 128], 32, {
    min: 1,
    max: 1024,
    rebuild: false,
    hint: () => 'The width of the code each item is squeezed into.',
  }),
  decay: numberChoice('Weight decay λ', [0, 0.0003, 0.001, 0.003, 0.01, 0.03], 0.003, {
    min: 0,
    max: 1,
    rebuild: false,
    hint: () => 'Keeps the per-user weights small, so they do not memorise the few ratings each user has.',
  }),
  density: numberChoice('Ratings observed', [0.02, 0.05, 0.1, 0.2], 0.05, {
    min: 0.005,
    max: 1,
    rebuild: false,
    hint: (s) => `About ${Math.round(s.density * 100)}% of the user × item cells hold a rating.`,
  }),
};

/** What the worker is given: the generator and the network, both seeded from the page's seed. */
function recommenderConfig(state) {
  return {
    ratings: { users: 500, items: 300, rank: 5, density: state.density, noise: 0.5, seed: state.seed },
    model: { hidden: state.hidden, weightDecay: state.decay, seed: state.seed },
  };
}

function view(lesson) {
  const { pictures } = lesson;
  const rec = new RecommenderClient();
  lesson.own(() => rec.terminate());
  lesson.own(() => reportProgress({ step: 0, loss: null, stepText: '0', lossText: '–' }));
  let gen = 0;
  let info = null;
  let cells = null; // users × items: 0 unrated, 1 training, 2 held out
  let scanned = 0;
  let recRunning = false;
  let globalPlaying = false; // the page's Play is on (its stats are arriving)
  let followingPlay = false; // the recommender was started by the page's Play, so its Pause stops it too
  let steps = 0;
  let users = [0, 1, 2];
  let userPage = 0;
  let state = null;
  let stopped = '';

  const map = picture(
    'ratings-map',
    'ratings-map',
    'The ratings matrix: users across, items down, a coloured pixel for each rating',
  );
  const mapStatus = h('p', { class: 'hint', id: 'map-status' });
  const sortBox = h('input', { type: 'checkbox', id: 'sort-map', checked: true });
  const infoStats = {
    ratings: stat('stat-ratings', 'Ratings'),
    missing: stat('stat-missing', 'Missing'),
    test: stat('stat-test-ratings', 'Held out for testing'),
  };

  const playButton = h('button', { type: 'button', class: 'button primary', id: 'rec-play' }, 'Train');
  const resetButton = h('button', { type: 'button', class: 'button', id: 'rec-reset' }, 'Reset');
  const runStatus = h('p', { class: 'hint', id: 'rec-status', 'aria-live': 'polite' });
  const stepStat = stat('stat-rec-step', 'Step');
  const rmseStat = stat('stat-rec-rmse', 'AutoRec (test)');
  const itemStat = stat('stat-item-rmse', 'Item mean');
  const globalStat = stat('stat-global-rmse', 'Global mean');
  const trainStat = stat('stat-train-rmse', 'AutoRec (training)');
  const verdict = h('p', { class: 'verdict', id: 'rec-verdict' });
  const chartBox = h('div', { class: 'chart small', id: 'rmse-chart' });
  const recsBox = h('div', { class: 'rec-users', id: 'rec-users' });
  const otherUsers = h('button', { type: 'button', class: 'button small', id: 'other-users' }, 'Other users');

  lesson.show(
    evenCards(
      card(
        { id: 'map-title', title: 'The ratings' },
        statList(Object.values(infoStats), 'inline'),
        h(
          'p',
          { class: 'swatches' },
          h('span', { class: 'swatch s1' }, 'a training rating'),
          h('span', { class: 'swatch s2' }, 'a held-out test rating'),
          h('span', { class: 'swatch paper' }, 'not rated'),
        ),
        map,
        h('label', { class: 'check', for: 'sort-map' }, sortBox, ' Busiest users on the left, most-rated items on top'),
        mapStatus,
      ),
      card(
        {
          id: 'rmse-title',
          title: 'Test error (RMSE, in stars)',
          head: [h('div', { class: 'compare-actions' }, playButton, resetButton)],
          wrap: true,
        },
        runStatus,
        statList([stepStat, rmseStat, itemStat, globalStat, trainStat], 'inline'),
        verdict,
        chartBox,
      ),
    ),
    card(
      {
        id: 'recs-title',
        title: `Top ${TOP_K} recommendations`,
        head: [otherUsers],
        wrap: true,
        hint:
          'Items each user has not rated in training, best predicted first. Where the user did rate the item but that rating ' +
          'was held back for testing, its true value is shown: the model never saw it.',
      },
      recsBox,
    ),
  );

  const chart = lesson.own(
    new RmseChart(chartBox, {
      series: [
        { label: 'AutoRec, test', color: '--series-1', width: 2.5 },
        { label: 'item mean', color: '--series-2', dash: [6, 4] },
        { label: 'global mean', color: '--text-muted', dash: [2, 4] },
        { label: 'AutoRec, training', color: '--series-3', width: 1.5 },
      ],
    }),
  );
  let cols = [[], [], [], [], []];

  function showRunning() {
    playButton.textContent = recRunning ? 'Pause' : 'Train';
    playButton.setAttribute('aria-pressed', String(recRunning));
    playButton.disabled = !gen || Boolean(stopped);
    resetButton.disabled = !gen;
    runStatus.textContent =
      stopped ||
      (recRunning
        ? 'Training in its own worker…'
        : gen
          ? 'Paused. Press Train (or Play) to train.'
          : 'Generating the ratings…');
  }

  function paintMap() {
    if (!cells) return;
    let userOrder = null;
    let itemOrder = null;
    if (sortBox.checked && scanned === info.users) {
      const { perUser, perItem } = ratingCounts(cells, info.users, info.items);
      userOrder = orderByCount(perUser);
      itemOrder = orderByCount(perItem);
    }
    const shape = { users: info.users, items: info.items, userOrder, itemOrder };
    const shown = cells;
    pictures.draw(map, () => paintRatings(map, shown, shape)); // painted again in another theme
    describe(
      map,
      () =>
        `${fmtInt(info.users)} users, ${fmtInt(info.items)} items: ${infoStats.ratings.value.textContent} ratings, ` +
        `${infoStats.test.value.textContent} of them held out for testing, ${infoStats.missing.value.textContent} cells not rated` +
        (sortBox.checked ? '; busiest users on the left, most-rated items on top' : ''),
    );
    mapStatus.textContent =
      scanned < info.users
        ? `Reading the matrix… ${fmtInt(scanned)} of ${fmtInt(info.users)} users`
        : `${fmtInt(info.users)} users across, ${fmtInt(info.items)} items down; one pixel per cell.`;
  }

  /** Users with the most held-out ratings first, so their lists can be checked against the truth. */
  function pickUsers() {
    const held = new Uint32Array(info.users);
    for (let u = 0; u < info.users; u++)
      for (let i = 0; i < info.items; i++) if (cells[u * info.items + i] === 2) held[u] += 1;
    users = orderByCount(held);
    userPage = 0;
  }

  async function showRecs() {
    if (!gen) return;
    const forGen = gen;
    const shown = users.slice(userPage * USERS_SHOWN, (userPage + 1) * USERS_SHOWN);
    const lists = await Promise.all(shown.map((u) => rec.recommend(u, TOP_K)));
    if (forGen !== gen) return;
    recsBox.replaceChildren(
      ...shown.map((u, j) => {
        const rated =
          cells && u < scanned
            ? cells.subarray(u * info.items, (u + 1) * info.items).reduce((n, c) => n + (c === 1), 0)
            : null;
        return userRecs(u, rated, lists[j]);
      }),
    );
    recsBox.dataset.step = String(steps);
  }
  const refreshRecs = lesson.own(throttle(showRecs, RECS_MS));

  function onStats(msg) {
    if (msg.gen !== gen) return;
    steps = msg.steps;
    const e = msg.eval;
    showStat(stepStat, steps, fmtInt);
    showStat(rmseStat, e.rmse, rmse);
    reportProgress({ step: steps, loss: e.rmse, stepText: fmtInt(steps), lossText: rmse(e.rmse), name: 'test RMSE' });
    showStat(itemStat, e.itemMeanRmse, rmse);
    showStat(globalStat, e.globalMeanRmse, rmse);
    showStat(trainStat, e.trainRmse, rmse);
    const gain = (e.itemMeanRmse - e.rmse) / e.itemMeanRmse;
    verdict.textContent =
      steps === 0
        ? 'Untrained: every prediction starts near the global mean.'
        : gain > 0.005
          ? `AutoRec’s test error is ${(gain * 100).toFixed(1)}% below the item mean’s.`
          : 'AutoRec is not yet below the item-mean baseline.';
    verdict.dataset.beats = String(gain > 0);
    cols[0].push(steps);
    cols[1].push(e.rmse);
    cols[2].push(e.itemMeanRmse);
    cols[3].push(e.globalMeanRmse);
    cols[4].push(e.trainRmse);
    chart.setData(cols);
    refreshRecs();
  }

  function onPattern(msg) {
    if (msg.gen !== gen) return;
    cells.set(msg.cells, msg.from * msg.items);
    scanned = msg.to;
    if (scanned === info.users) {
      pickUsers();
      refreshRecs();
    }
    paintMap();
  }

  function onHalted(msg) {
    if (msg.gen !== null && msg.gen !== gen) return;
    recRunning = false;
    stopped = msg.message;
    showRunning();
  }
  for (const off of [rec.on('stats', onStats), rec.on('pattern', onPattern), rec.on('halted', onHalted)])
    lesson.own(off);

  async function build() {
    gen = 0;
    recRunning = false;
    followingPlay = false;
    stopped = '';
    steps = 0;
    cols = [[], [], [], [], []];
    chart.setData(cols);
    recsBox.replaceChildren();
    showRunning();
    try {
      const made = await rec.create(recommenderConfig(state));
      info = made.info;
      cells = new Uint8Array(info.users * info.items);
      scanned = 0;
      users = [0, 1, 2];
      gen = made.gen;
      showStat(infoStats.ratings, info.ratings, fmtInt);
      showStat(infoStats.missing, 1 - info.density, (v) => `${(v * 100).toFixed(1)}%`);
      showStat(infoStats.test, info.testRatings, fmtInt);
      paintMap();
    } catch (err) {
      stopped = `The recommender could not be built: ${err.message}`;
    }
    showRunning();
  }

  async function setRunning(on) {
    if (!gen || on === recRunning || stopped) return;
    recRunning = on;
    showRunning();
    const r = await (on ? rec.play() : rec.pause()).catch(() => ({ running: false }));
    recRunning = r.running;
    showRunning();
  }

  playButton.addEventListener('click', () => {
    followingPlay = false;
    setRunning(!recRunning);
  });
  resetButton.addEventListener('click', () => build());
  sortBox.addEventListener('change', paintMap);
  otherUsers.addEventListener('click', () => {
    userPage = (userPage + 1) % Math.max(1, Math.floor(users.length / USERS_SHOWN));
    showRecs().catch(() => {});
  });
  showRunning();

  function paused() {
    globalPlaying = false;
    if (followingPlay) setRunning(false);
    followingPlay = false;
  }

  return {
    reset(_info, s) {
      state = s;
      globalPlaying = false;
      build();
    },
    /** The page's Play is training: train the recommender too (it is what this lesson shows). */
    stats() {
      if (globalPlaying) return;
      globalPlaying = true;
      if (!recRunning) {
        followingPlay = true;
        setRunning(true);
      }
    },
    paused,
    halted: paused,
    update(s) {
      state = s;
      build();
    },
  };
}

export default defineLesson({
  id: 'recommend',
  title: 'Recommend',
  settingsTitle: 'Recommender',
  settings,
  defaults: { encoder: [], latent: 2 },
  note: () =>
    'Play (or the lesson’s own Train button) trains the recommender in its own worker. The network settings below belong to the digit lessons.',
  lead:
    'An autoencoder fills in a ratings table that is 95% empty: what would each user think of the items they have not rated? ' +
    'This is collaborative filtering, the idea behind film, shop and music recommendations.',
  explain,
  usesTrainer: false,
  view,
});
