// Worker round trips paced for a live page: a lesson asks for a refresh on
// every stats message (several a second), but one round trip must finish
// before the next starts, and a refresh asked for meanwhile must not be lost.

/**
 * Runs `task` (async) at most once every `ms` and never twice at once; a
 * request made meanwhile runs once afterwards. Errors are swallowed: a rebuild
 * or a halted run makes a round trip fail, and the next request tries again.
 * -> request(), with request.restart() (the next request runs at once: a new
 * run should not wait for the old one's pace) and request.stop() (for good).
 */
export function throttle(task, ms) {
  let inFlight = false;
  let again = false;
  let lastAt = -Infinity;
  let timer = 0;
  let stopped = false;
  function request() {
    if (stopped) return;
    if (inFlight || timer) {
      again = true;
      return;
    }
    const wait = lastAt + ms - performance.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = 0;
        request();
      }, wait);
      return;
    }
    inFlight = true;
    again = false;
    lastAt = performance.now();
    Promise.resolve()
      .then(task)
      .catch(() => {})
      .finally(() => {
        inFlight = false;
        if (again) request();
      });
  }
  request.restart = () => {
    clearTimeout(timer);
    timer = 0;
    again = false;
    lastAt = -Infinity;
  };
  request.stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  return request;
}
