// The app's phase, as one explicit state machine (XState's idea, without the
// library). Every other module sends it events or reads it; none keeps a
// running / ready / recovering flag of its own, so the buttons, the body's
// data-state and every guard are drawn from one place. Pure: no DOM here.
//
// An event the current phase has no entry for is ignored (send returns false),
// never thrown: a late click or a reply that lost a race just does nothing.
//
// It also owns the tokens that make stale async replies recognisable: a
// reply is used only if no later build, switch or crash happened meanwhile.

/**
 * What the app is doing:
 *   booting     the worker and the first lesson load, and its first trainers are built
 *   switching   another lesson loads, and its first trainers are built
 *   building    new trainers from changed settings (or Reset); Play now plays once they are built
 *   invalid     the Trainer refused the settings; the form says why
 *   ready       trainers built, not trained yet
 *   training    the worker trains
 *   paused      trainers that have trained, not training now
 *   hidden      paused because the tab is out of sight; plays again when it is visible
 *   diverged    the loss blew up; the banner offers a smaller learning rate
 *   loading     a saved model is being read from a file
 *   recovering  the worker crashed and is being restarted with the last snapshot
 *   error       the page cannot go on; it says why
 */
export const PHASES = [
  'booting',
  'switching',
  'building',
  'invalid',
  'ready',
  'training',
  'paused',
  'hidden',
  'diverged',
  'loading',
  'recovering',
  'error',
];

/** A target meaning "the phase the load started from" (training counts as paused: the load stopped it). */
export const BACK = '(back)';

// Rows every phase with trainers shares: new settings, Reset, another lesson, a crash, the end.
const LIVE = { build: 'building', reset: 'building', switch: 'switching', crash: 'recovering', fatal: 'error' };
// Rows of a phase whose trainers are idle: they can be played, stepped, replaced by a file.
const IDLE = { ...LIVE, play: 'training', defer: 'hidden', step: 'paused', load: 'loading', diverge: 'diverged' };

/**
 * { [phase]: { [event]: next phase } }. Events:
 *   switch   another lesson was asked for          built    trainers exist (created, or restored after a crash)
 *   build    settings changed: new trainers        refused  the Trainer refused the settings
 *   reset    Reset: new trainers, not playing      adopted  a loaded model became the new lesson's run
 *   play     start (or, while building, play once built)
 *   defer    Play while the tab is hidden          pause    Pause
 *   hide     the tab went out of sight while training
 *   step     one minibatch                         stop     the worker stopped the run (early stopping)
 *   diverge  the loss is no longer finite          load     a model file is being read
 *   loaded   it is the run now                     failed   it could not be read or used
 *   crash    the worker died                       fatal    the page cannot go on
 */
export const TRANSITIONS = {
  booting: { switch: 'switching', built: 'ready', refused: 'invalid', fatal: 'error' },
  switching: {
    switch: 'switching',
    built: 'ready',
    adopted: 'paused',
    refused: 'invalid',
    crash: 'recovering',
    fatal: 'error',
  },
  building: {
    ...LIVE,
    built: 'ready',
    refused: 'invalid',
    play: 'building',
    defer: 'building',
    pause: 'building',
  },
  invalid: { ...LIVE, load: 'loading' },
  ready: IDLE,
  training: { ...LIVE, pause: 'paused', hide: 'hidden', stop: 'paused', diverge: 'diverged', load: 'loading' },
  paused: { ...IDLE, stop: 'paused' },
  hidden: { ...LIVE, play: 'training', pause: 'paused', step: 'hidden', stop: 'paused', diverge: 'diverged' },
  diverged: { ...IDLE, step: 'diverged' },
  loading: { loaded: 'paused', failed: BACK, switch: 'switching', crash: 'recovering', fatal: 'error' },
  recovering: { built: 'ready', refused: 'invalid', switch: 'switching', fatal: 'error' },
  error: {},
};

/** Should trainers that are about to exist start training? Every event not listed forgets the wish. */
const RESUME = {
  build: (from, wanted, payload) =>
    Boolean(payload.resume) && (from === 'training' || from === 'hidden' || (from === 'building' && wanted)),
  play: (from) => from === 'building',
  defer: (from) => from === 'building',
  crash: (from, wanted) => from === 'training' || from === 'hidden' || (from === 'building' && wanted),
  load: (from) => from === 'training',
  built: (_from, wanted) => wanted,
  failed: (_from, wanted) => wanted,
};

const WITH_TRAINERS = new Set(['ready', 'training', 'paused', 'hidden', 'diverged']);
const EDITABLE = new Set(['building', 'invalid', ...WITH_TRAINERS]);

/**
 * @param {{ onIgnored?: (event: string, phase: string) => void }} [options]  told about every ignored event (debug)
 */
export function createRunState({ onIgnored = () => {} } = {}) {
  let phase = 'booting';
  let resume = false;
  let back = null;
  const tokens = { build: 0, switch: 0 };
  const listeners = new Set();

  const accepts = (event) => Object.hasOwn(TRANSITIONS[phase], event);

  return {
    get phase() {
      return phase;
    },
    /** Does the current phase have a row for `event`? */
    accepts,
    /**
     * Moves to the phase the table names for `event`; returns false (and
     * changes nothing) when the current phase has no row for it.
     * @param {string} event
     * @param {{ resume?: boolean }} [payload]  build: play once built if it was playing
     */
    send(event, payload = {}) {
      if (!accepts(event)) {
        onIgnored(event, phase);
        return false;
      }
      const from = phase;
      const target = TRANSITIONS[from][event];
      phase = target === BACK ? back : target;
      resume = RESUME[event]?.(from, resume, payload) ?? false;
      if (event === 'load') back = from === 'training' ? 'paused' : from;
      // Replies to work started before these belong to trainers or a lesson that are gone.
      if (['build', 'reset', 'switch', 'crash'].includes(event)) tokens.build += 1;
      if (event === 'switch' || (event === 'crash' && from === 'switching')) tokens.switch += 1;
      for (const fn of listeners) fn(phase, { from, event });
      return true;
    },
    /** Calls fn(phase, { from, event }) after every transition; returns a function that stops it. */
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Tokens to compare before and after an await: { build, switch }. */
    get tokens() {
      return { ...tokens };
    },
    /** Is a reply to work started with `token` (of `kind`: 'build' or 'switch') still wanted? */
    current(kind, token) {
      return tokens[kind] === token;
    },

    get running() {
      return phase === 'training';
    },
    /** The worker holds trainers built from the current settings. */
    get hasTrainers() {
      return WITH_TRAINERS.has(phase);
    },
    get canPlay() {
      return WITH_TRAINERS.has(phase) && phase !== 'training';
    },
    get canPause() {
      return phase === 'training';
    },
    get canStep() {
      return WITH_TRAINERS.has(phase) && phase !== 'training';
    },
    get canReset() {
      return accepts('reset');
    },
    get canLoad() {
      return accepts('load');
    },
    /** Can settings change now (the current lesson's settings are known and nothing else is replacing the run)? */
    get canEdit() {
      return EDITABLE.has(phase);
    },
    /** Trainers that are being built, restored or re-read should start training once they exist. */
    get resumeWanted() {
      return resume;
    },
    /** body[data-state]: 'loading' until a lesson's first trainers are built, 'error' at the end, else 'ready'. */
    get pageState() {
      if (phase === 'booting' || phase === 'switching') return 'loading';
      return phase === 'error' ? 'error' : 'ready';
    },
  };
}
