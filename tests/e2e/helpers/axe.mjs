// axe-core in a page or frame: its serious and critical violations, for the
// accessibility checks of the page tests.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Loads axe-core into a page or frame (once) and runs it: serious and critical violations as "rule: targets". */
export async function axeViolations(frame) {
  await frame.evaluate((source) => {
    if (window.axe) return;
    const script = document.createElement('script'); // an inline script runs as it is added; axe sets window.axe
    script.textContent = source;
    document.head.append(script);
  }, AXE_SOURCE);
  return frame.evaluate(async () => {
    const { violations } = await window.axe.run(document, {
      resultTypes: ['violations'],
      rules: { 'target-size': { enabled: true } }, // WCAG 2.2's 24 px targets: off in axe by default
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
