// Numbers as words on the page, in English, without Intl: the first use of
// Intl (or toLocaleString) in a page loads the browser's locale data, about
// 15 ms of a phone's first second; these give the same text as
// Intl.NumberFormat('en-US') does for what the page shows (tests/unit-js/numbers.test.mjs
// checks them against it).

/** A number with a comma between each group of three whole digits: 1234567.5 -> '1,234,567.5'. */
export function grouped(v) {
  if (!Number.isFinite(v)) return String(v);
  const text = String(Math.abs(v));
  if (text.includes('e')) return fixedText(v);
  const [whole, frac] = text.split('.');
  const sign = v < 0 ? '-' : '';
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** A whole number with thousands separators: 12345.4 -> '12,345'. */
export const groupedInt = (v) => grouped(Math.round(v));

/** To 3 significant digits, grouped, no exponent: 0.014351 -> '0.0144', 1234.5 -> '1,230'. */
export function sig3(v) {
  if (!Number.isFinite(v)) return String(v);
  return grouped(Number(v.toPrecision(3)));
}

/** A finite number written out without an exponent (String gives '1e-7' and '1e+21'). */
function fixedText(v) {
  const [mantissa, exp] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  const sign = v < 0 ? '-' : '';
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${whole.slice(0, e + 1).replace(/\B(?=(\d{3})+$)/g, ',')}${frac ? `.${frac}` : ''}`;
}
