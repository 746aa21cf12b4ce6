// Numbers as words on the page, in English, without Intl: the first use of
// Intl (or toLocaleString) in a page loads the browser's locale data, about
// 15 ms of a phone's first second; these give the same text as
// Intl.NumberFormat('en-US') does for what the page shows (tests/unit-js/numbers.test.mjs
// checks them against it).

/** A comma before each group of three digits that ends the whole part. */
const THOUSANDS = /\B(?=(\d{3})+$)/g;

/** A number with a comma between each group of three whole digits: 1234567.5 -> '1,234,567.5'. */
export function grouped(v) {
  if (!Number.isFinite(v)) return String(v);
  const [whole, frac] = plainDigits(Math.abs(v)).split('.');
  return `${v < 0 ? '-' : ''}${whole.replace(THOUSANDS, ',')}${frac ? `.${frac}` : ''}`;
}

/** A whole number with thousands separators: 12345.4 -> '12,345'. */
export const groupedInt = (v) => grouped(Math.round(v));

/** To 3 significant digits, grouped, no exponent: 0.014351 -> '0.0144', 1234.5 -> '1,230'. */
export function sig3(v) {
  if (!Number.isFinite(v)) return String(v);
  return grouped(Number(v.toPrecision(3)));
}

/** A finite number ≥ 0 in plain digits, never with an exponent (String gives '1e-7' and '1e+21'). */
function plainDigits(a) {
  const text = String(a);
  if (!text.includes('e')) return text;
  const [mantissa, exp] = a.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  if (e < 0) return `0.${'0'.repeat(-e - 1)}${digits}`;
  const frac = digits.slice(e + 1);
  return `${digits.padEnd(e + 1, '0').slice(0, e + 1)}${frac ? `.${frac}` : ''}`;
}
