// The explanation card under every lesson: a few paragraphs on what is going
// on, things to try, and interview questions with their answers folded away.

import { h } from '../../lib/dom.js';
import { card } from './cards.js';

/**
 * @param {{ body?: Array<string|Node>, tryThis?: Array<string|Node>, interview?: Array<[string, string]> }} text
 *   body: paragraphs (a string becomes a <p>); tryThis: list items; interview: [question, answer] pairs
 */
export function explainer({ body = [], tryThis = [], interview = [] }) {
  return card(
    { id: 'explain-title', title: 'What is going on?', className: 'explainer' },
    h(
      'div',
      { class: 'explain-columns' },
      h('div', {}, ...body.map((p) => (p instanceof Node ? p : h('p', {}, p)))),
      h(
        'div',
        {},
        tryThis.length ? h('h4', {}, 'Things to try') : null,
        tryThis.length ? h('ul', {}, ...tryThis.map((t) => h('li', {}, t))) : null,
        interview.length
          ? h(
              'details',
              {},
              h('summary', {}, 'Interview corner'),
              h('dl', { class: 'qa' }, ...interview.flatMap(([q, a]) => [h('dt', {}, q), h('dd', {}, a)])),
            )
          : null,
      ),
    ),
  );
}

/** A paragraph that opens with a few words in bold: leadIn('The data. ', 'The ratings are…'). */
export function leadIn(lead, ...text) {
  return h('p', {}, h('strong', {}, lead), ...text);
}
