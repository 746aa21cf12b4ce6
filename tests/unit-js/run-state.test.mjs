// The run-state machine (www/app/run-state.js): the transition table, the
// derived reads the buttons are drawn from, the stale-reply tokens, and the
// awkward paths the page takes (crash while switching, divergence while
// hidden, Reset during recovery, Play while building, settings refused then
// fixed, a model loaded while training).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRunState, PHASES, TRANSITIONS, BACK } from '../../www/app/run-state.js';

/** A machine walked through `events` from booting; every one of them must be accepted. */
function walk(...events) {
  const run = createRunState();
  for (const e of events) {
    const [event, payload] = Array.isArray(e) ? e : [e];
    assert.equal(run.send(event, payload), true, `${event} accepted in ${run.phase}`);
  }
  return run;
}

/** The machine after boot, with trainers built and nothing else done. */
const booted = (...events) => walk('built', ...events);

test('the table names only known phases, and every phase has a row', () => {
  assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...PHASES].sort());
  for (const [phase, row] of Object.entries(TRANSITIONS)) {
    for (const [event, target] of Object.entries(row)) {
      assert.ok(target === BACK || PHASES.includes(target), `${phase}.${event} -> ${target}`);
    }
  }
  assert.deepEqual(TRANSITIONS.error, {}, 'nothing leaves the error phase');
});

test('every phase but error can end in error, and every phase is reachable from booting', () => {
  for (const phase of PHASES.filter((p) => p !== 'error')) assert.equal(TRANSITIONS[phase].fatal, 'error', phase);
  const seen = new Set(['booting']);
  const queue = ['booting'];
  while (queue.length) {
    for (const target of Object.values(TRANSITIONS[queue.shift()])) {
      if (target !== BACK && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  assert.deepEqual([...seen].sort(), [...PHASES].sort());
});

test('boot: booting until the first trainers exist, then ready; the page says loading until then', () => {
  const run = createRunState();
  assert.equal(run.phase, 'booting');
  assert.equal(run.pageState, 'loading');
  assert.equal(run.canPlay, false);
  assert.equal(run.canReset, false);
  assert.equal(run.canEdit, false);
  assert.equal(run.send('built'), true);
  assert.equal(run.phase, 'ready');
  assert.equal(run.pageState, 'ready');
  assert.deepEqual([run.canPlay, run.canStep, run.canReset, run.canEdit, run.running], [true, true, true, true, false]);
});

test('play, pause, step: the phases and what the buttons may do in each', () => {
  const run = booted('play');
  assert.equal(run.phase, 'training');
  assert.deepEqual([run.running, run.canPlay, run.canPause, run.canStep], [true, false, true, false]);
  assert.equal(run.send('play'), false, 'Play while training is ignored');
  assert.equal(run.send('step'), false, 'Step while training is ignored');
  assert.equal(run.phase, 'training');
  run.send('pause');
  assert.equal(run.phase, 'paused');
  assert.deepEqual([run.running, run.canPlay, run.canPause, run.canStep], [false, true, false, true]);
  assert.equal(run.send('pause'), false);
  assert.equal(walk('built', 'step').phase, 'paused', 'a stepped network has trained');
});

test('an event the phase has no row for is ignored, reported, and never throws', () => {
  const ignored = [];
  const run = createRunState({ onIgnored: (event, phase) => ignored.push(`${phase}:${event}`) });
  assert.equal(run.send('play'), false);
  assert.equal(run.send('no-such-event'), false);
  assert.equal(run.phase, 'booting');
  assert.deepEqual(ignored, ['booting:play', 'booting:no-such-event']);
  run.send('fatal');
  for (const event of ['built', 'play', 'switch', 'crash', 'reset', 'fatal']) assert.equal(run.send(event), false);
  assert.equal(run.phase, 'error');
  assert.equal(run.pageState, 'error');
});

test('subscribers hear every transition with where it came from, and nothing for an ignored event', () => {
  const run = createRunState();
  const heard = [];
  const stop = run.subscribe((phase, { from, event }) => heard.push(`${from}-${event}->${phase}`));
  run.send('built');
  run.send('pause'); // ignored in ready
  run.send('play');
  stop();
  run.send('pause');
  assert.deepEqual(heard, ['booting-built->ready', 'ready-play->training']);
});

test('a settings change while training rebuilds and plays again; from paused it does not', () => {
  const run = booted('play', ['build', { resume: true }]);
  assert.equal(run.phase, 'building');
  assert.equal(run.resumeWanted, true);
  assert.equal(run.hasTrainers, false);
  run.send('built');
  assert.equal(run.phase, 'ready');
  assert.equal(run.resumeWanted, true, 'the app plays on');
  run.send('play');
  assert.equal(run.resumeWanted, false);
  assert.equal(booted('play', 'pause', ['build', { resume: true }], 'built').resumeWanted, false);
  // A second change while the first build is in flight keeps the wish.
  assert.equal(booted('play', ['build', { resume: true }], ['build', { resume: true }]).resumeWanted, true);
});

test('Play while building plays once the trainers exist; Pause while building takes that back', () => {
  const run = booted('reset');
  assert.equal(run.phase, 'building');
  assert.equal(run.canPlay, false, 'the button stays disabled');
  assert.equal(run.resumeWanted, false);
  assert.equal(run.send('play'), true);
  assert.equal(run.phase, 'building', 'nothing to train yet');
  assert.equal(run.resumeWanted, true);
  run.send('pause');
  assert.equal(run.resumeWanted, false);
  run.send('play');
  run.send('built');
  assert.deepEqual([run.phase, run.resumeWanted], ['ready', true]);
});

test('settings refused, then fixed: invalid until a build succeeds, and nothing can be played meanwhile', () => {
  const run = booted('play', ['build', { resume: true }], 'refused');
  assert.equal(run.phase, 'invalid');
  assert.equal(run.resumeWanted, false, 'a refused build does not play later');
  assert.deepEqual([run.canPlay, run.canStep, run.hasTrainers], [false, false, false]);
  assert.equal(run.send('play'), false);
  assert.equal(run.send('step'), false);
  assert.equal(run.canEdit, true, 'the form can fix it');
  assert.equal(run.canReset, true);
  run.send('build', { resume: true });
  assert.equal(run.phase, 'building');
  run.send('built');
  assert.equal(run.phase, 'ready');
  assert.equal(walk('refused').phase, 'invalid', 'refused at boot too');
});

test('divergence stops training; Play or a smaller learning rate goes on', () => {
  const run = booted('play', 'diverge');
  assert.equal(run.phase, 'diverged');
  assert.deepEqual([run.running, run.canPlay, run.canStep, run.hasTrainers], [false, true, true, true]);
  run.send('step');
  assert.equal(run.phase, 'diverged', 'a step does not make the banner obsolete');
  run.send('play');
  assert.equal(run.phase, 'training');
  assert.equal(booted('play', 'stop').phase, 'paused', 'early stopping just pauses');
});

test('the tab hidden while training pauses, and Play (when visible) trains again', () => {
  const run = booted('play', 'hide');
  assert.equal(run.phase, 'hidden');
  assert.equal(run.running, false);
  run.send('play');
  assert.equal(run.phase, 'training');
  const idle = booted();
  assert.equal(idle.send('hide'), false, 'hiding an idle page changes nothing');
  assert.equal(idle.phase, 'ready');
  assert.equal(booted('defer').phase, 'hidden', 'Play while hidden waits for the tab');
  assert.equal(booted('play', 'hide', 'pause').phase, 'paused', 'Pause while hidden means paused for good');
});

test('divergence while the tab is hidden: diverged, and the tab coming back does not play it', () => {
  const run = booted('play', 'hide', 'diverge');
  assert.equal(run.phase, 'diverged');
  assert.equal(run.resumeWanted, false);
  assert.notEqual(run.phase, 'hidden', 'the visibility handler plays only a hidden run');
});

test('a crash while training recovers and wants to train again; while paused it does not', () => {
  const run = booted('play', 'crash');
  assert.equal(run.phase, 'recovering');
  assert.deepEqual([run.canPlay, run.canStep, run.canReset, run.canEdit], [false, false, false, false]);
  assert.equal(run.pageState, 'ready', 'the lesson stays on the page');
  assert.equal(run.resumeWanted, true);
  assert.equal(run.send('crash'), false, 'a second crash while recovering is the same recovery');
  run.send('built');
  assert.deepEqual([run.phase, run.resumeWanted], ['ready', true]);
  assert.equal(booted('play', 'pause', 'crash', 'built').resumeWanted, false);
  assert.equal(booted('play', 'hide', 'crash').resumeWanted, true, 'hidden counts as training');
  assert.equal(booted('play', 'crash', 'fatal').phase, 'error', 'restarting failed too');
  assert.equal(booted('crash', 'refused').phase, 'invalid', 'restarted, but the settings were refused');
});

test('Reset during recovery is ignored and the recovery finishes', () => {
  const run = booted('play', 'crash');
  const before = run.tokens;
  assert.equal(run.canReset, false, 'the button is disabled');
  assert.equal(run.send('reset'), false);
  assert.equal(run.send('build', { resume: true }), false, 'nor do settings rebuild under it');
  assert.deepEqual(run.tokens, before, 'the recovery’s own reply stays current');
  assert.equal(run.current('build', before.build), true);
  run.send('built');
  assert.equal(run.phase, 'ready');
  assert.equal(run.send('reset'), true);
  assert.equal(run.phase, 'building');
});

test('a crash while switching lessons: recovering, the switch’s replies go stale, and the switch starts over', () => {
  const run = booted('play', 'switch');
  assert.equal(run.phase, 'switching');
  assert.equal(run.resumeWanted, false, 'a new lesson starts paused');
  assert.equal(run.pageState, 'loading');
  const switching = run.tokens;
  run.send('crash');
  assert.equal(run.phase, 'recovering');
  assert.equal(run.resumeWanted, false);
  assert.equal(run.current('switch', switching.switch), false, 'the old switch stops at its next await');
  assert.equal(run.current('build', switching.build), false, 'and its build reply is dropped');
  run.send('switch');
  assert.equal(run.phase, 'switching');
  run.send('built');
  assert.equal(run.phase, 'ready');
  assert.equal(run.pageState, 'ready');
});

test('switching lessons from any live phase, and again while switching', () => {
  for (const path of [[], ['play'], ['play', 'hide'], ['play', 'diverge'], ['reset'], ['reset', 'refused']]) {
    const run = booted(...path);
    assert.equal(run.send('switch'), true, path.join(' '));
    assert.equal(run.phase, 'switching');
  }
  const run = walk('switch');
  const first = run.tokens.switch;
  run.send('switch');
  assert.equal(run.current('switch', first), false, 'the first switch is stale');
  assert.equal(run.canEdit, false, 'settings wait for the lesson');
  assert.equal(walk('switch', 'adopted').phase, 'paused', 'a loaded model became the new lesson’s run');
});

test('tokens: a build is stale after another build, a reset, a switch or a crash', () => {
  for (const event of ['build', 'reset', 'switch', 'crash']) {
    const run = booted('reset');
    const { build } = run.tokens;
    run.send(event);
    assert.equal(run.current('build', build), false, event);
  }
  const run = booted('reset');
  const { build } = run.tokens;
  run.send('play');
  run.send('pause');
  assert.equal(run.current('build', build), true, 'Play and Pause while building do not make it stale');
});

test('load a model while training: loading, training stopped, and a failure goes back to paused and plays on', () => {
  const run = booted('play');
  assert.equal(run.canLoad, true);
  run.send('load');
  assert.equal(run.phase, 'loading');
  assert.deepEqual(
    [run.running, run.canPlay, run.canStep, run.canReset, run.canEdit],
    [false, false, false, false, false],
  );
  assert.equal(run.send('play'), false, 'Play waits for the file');
  run.send('failed');
  assert.deepEqual([run.phase, run.resumeWanted], ['paused', true]);
  const loaded = booted('play', 'load', 'loaded');
  assert.deepEqual([loaded.phase, loaded.resumeWanted], ['paused', false], 'a loaded model waits for Play');
});

test('a file that fails to load goes back where it started: invalid stays invalid, diverged stays diverged', () => {
  assert.equal(booted('reset', 'refused', 'load', 'failed').phase, 'invalid');
  assert.equal(booted('play', 'diverge', 'load', 'failed').phase, 'diverged');
  assert.equal(booted('load', 'failed').phase, 'ready');
  assert.equal(booted('load', 'failed').resumeWanted, false);
  assert.equal(booted('play', 'hide').canLoad, false, 'nobody picks a file in a hidden tab');
  const booting = createRunState();
  assert.equal(booting.send('load'), false, 'not while booting');
  assert.equal(booting.phase, 'booting');
});

test('a model of another lesson: loading -> switching -> paused; a crash in the middle recovers', () => {
  const run = booted('load', 'switch', 'adopted');
  assert.equal(run.phase, 'paused');
  assert.equal(booted('load', 'crash').phase, 'recovering');
});
