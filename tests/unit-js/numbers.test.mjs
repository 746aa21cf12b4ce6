// www/lib/numbers.js writes numbers without Intl; the reference is Intl itself (Node's ICU, en-US).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grouped, groupedInt, sig3 } from '../../www/lib/numbers.js';

const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });
const three = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Numbers of every size and sign, with a fixed pseudo-random spread. */
function samples() {
  const out = [0, 1, -1, 12, 999, 1000, 1001, 12345, 999999, 1e6, -1234567, 0.5, 0.0144, 1234.5, 99950, 0.0009995];
  let x = 12345;
  for (let i = 0; i < 3000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const mantissa = x / 2147483648;
    const exp = (i % 30) - 12;
    out.push((i % 3 === 0 ? -1 : 1) * mantissa * 10 ** exp);
  }
  return out;
}

test('whole numbers are grouped by threes as Intl en-US groups them', () => {
  for (const v of samples()) {
    const n = Math.round(v);
    if (Math.abs(n) > Number.MAX_SAFE_INTEGER) continue;
    assert.equal(groupedInt(v), plain.format(n === 0 ? 0 : n), `${v}`); // -0 is written '0', not '-0'
  }
});

/** Whether v's shortest decimal is a tie at the fourth significant digit (0.0009995). */
const isTie = (v) => /^\d\.\d\d5$/.test(Math.abs(v).toExponential().split('e')[0]);

test('three significant digits read as Intl en-US writes them (maximumSignificantDigits 3)', () => {
  for (const v of samples()) {
    if (Math.abs(v) < 1e-6 || Math.abs(v) > 1e15) continue; // wider than the page shows
    if (isTie(v)) continue; // toPrecision rounds the double, ICU its shortest decimal (half to even)
    assert.equal(sig3(v), three.format(v), `${v}`);
  }
});

test('numbers beyond where String uses an exponent are written out', () => {
  assert.equal(grouped(1e21), '1,000,000,000,000,000,000,000');
  assert.equal(grouped(1.5e-7), '0.00000015');
  assert.equal(grouped(-2.5e22), '-25,000,000,000,000,000,000,000');
  assert.equal(sig3(0.000000123456), '0.000000123');
  assert.equal(grouped(Number.NaN), 'NaN');
});
