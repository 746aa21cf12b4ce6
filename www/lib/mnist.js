// MNIST image geometry, defined once for the whole front end: every module that
// sizes a digit buffer or canvas imports these instead of repeating 784 and 28.

/** Pixels in one MNIST digit (28 × 28). */
export const PIXELS = 784;
/** Side of one MNIST digit in pixels. */
export const SIDE = 28;
