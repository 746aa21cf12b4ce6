// The one UI state object's store (url-state.js re-exports it).

/** A tiny store: get, set(patch), replace(state), subscribe(fn(state, patch)) -> unsubscribe. */
export function createStore(initial) {
  let state = initial;
  const listeners = new Set();
  const emit = (patch) => {
    for (const fn of listeners) fn(state, patch);
  };
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      emit(patch);
    },
    /** Replaces the whole state (another lesson: its keys differ). */
    replace(next) {
      state = next;
      emit(next);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
