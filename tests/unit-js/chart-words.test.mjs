// charts/describe.js: a picture's words (role="img" and its aria-label), paced for screen readers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe as describePicture } from '../../www/charts/describe.js';

/** An element with attributes only: all describe() touches. */
function fakeElement() {
  const attrs = new Map();
  return {
    attrs,
    getAttribute: (k) => attrs.get(k) ?? null,
    setAttribute: (k, v) => attrs.set(k, String(v)),
    hasAttribute: (k) => attrs.has(k),
  };
}

test('a picture gets its words the first time it is described, even on a page under 2 s old', (t) => {
  // A young page (performance.now() counts from its start): before, a first label waited until 2 s,
  // leaving role="img" without a name, which axe reports (the Your data lesson trains that fast now).
  t.mock.method(performance, 'now', () => 5);
  const el = fakeElement();
  describePicture(el, '3 values', { title: 'Row 1' });
  assert.equal(el.attrs.get('role'), 'img');
  assert.equal(el.attrs.get('aria-label'), 'Row 1: 3 values');
});

test('later words come at the calm pace, the latest landing', (t) => {
  let now = 10_000;
  t.mock.method(performance, 'now', () => now);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const el = fakeElement();
  describePicture(el, 'first', { title: 'Chart' });
  assert.equal(el.attrs.get('aria-label'), 'Chart: first');
  now += 500;
  describePicture(el, 'second');
  describePicture(el, 'third');
  assert.equal(el.attrs.get('aria-label'), 'Chart: first', 'held back within 2 s');
  now += 1500;
  t.mock.timers.tick(1500);
  assert.equal(el.attrs.get('aria-label'), 'Chart: third');
});
