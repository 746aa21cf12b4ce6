// One user's top recommendations in the Recommend lesson: a table of the
// items best predicted among those the user has not rated in training, each
// with its predicted rating and, where the user's rating was held back for
// testing, the true one (the model never saw it).

import { h } from '../../lib/dom.js';

/**
 * User `u`'s list (the recommender's [{ item, predicted, trueRating }], best first) as a card's block;
 * `rated`: how many items the user rated in training, or null while the matrix is still being read.
 */
export function userRecs(u, rated, list) {
  return h(
    'div',
    { class: 'rec-user', dataset: { user: String(u) } },
    h('h4', {}, `User ${u}`, rated == null ? '' : h('span', { class: 'hint' }, ` · rated ${rated} items`)),
    h(
      'table',
      { class: 'data-table compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Item'),
          h('th', { scope: 'col' }, 'Predicted'),
          h('th', { scope: 'col' }, 'True rating'),
        ),
      ),
      h(
        'tbody',
        {},
        ...list.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, `#${r.item}`),
            h('td', { dataset: { value: String(r.predicted) } }, `${r.predicted.toFixed(1)} ★`),
            h(
              'td',
              { class: r.trueRating == null ? 'unknown' : 'known' },
              r.trueRating == null ? 'not rated' : `${r.trueRating} ★`,
            ),
          ),
        ),
      ),
    ),
  );
}
