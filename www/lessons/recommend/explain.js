// The Recommend lesson's explanation: how the synthetic ratings are made and
// observed (skewed, as on a real site), item-based AutoRec with its masked
// loss, and the item-mean and global-mean baselines. Built when mounted (node
// imports the module too, where there is no DOM).

import { h } from '../../lib/dom.js';
import { leadIn } from '../kit/explainer.js';

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
export function explain() {
  return {
    body: [
      leadIn(
        'The data. ',
        'The ratings are made up by a seeded generator, so nothing is downloaded and every hidden rating is known. ' +
          'Each user has a bias (some rate everything higher) and a taste vector of 5 numbers; each item has a bias (some are simply better) ' +
          'and a profile of 5 numbers. A rating is 3.6 + user bias + item bias + how well taste matches profile + noise, rounded to 1–5 stars.',
      ),
      h(
        'p',
        {},
        'Only about 5% of the ratings are observed, and not at random, as on a real site: a few heavy raters rate much more, ' +
          'a few blockbusters get most of the ratings, and better items are seen more often. A tenth of the observed ratings are held back as the test set.',
      ),
      leadIn(
        'The model. ',
        'Item-based AutoRec (Sedhain et al. 2015): each item is the vector of its ratings by all 500 users, ' +
          '0 where a user has not rated it. An autoencoder squeezes that vector through 32 sigmoid units and rebuilds it. ' +
          'The loss counts only the ratings that exist, so the output for a user who never rated the item is free, and that output is the prediction.',
      ),
      leadIn(
        'The baselines. ',
        'Predicting each item’s mean rating is hard to beat on data like this; predicting one global mean for everything is the floor. ' +
          'RMSE is the root mean squared error in stars on the held-out ratings.',
      ),
    ],
    tryThis: [
      'Set weight decay to 0: the training RMSE keeps falling while the test RMSE turns up. That gap is memorisation.',
      'Make the data denser (20% observed): AutoRec pulls further ahead of the item mean, since each user has more to go on.',
      'Read a user’s list: are the top picks popular items everyone likes, or personal ones?',
    ],
    interview: [
      [
        'Why item-based rather than user-based?',
        'Each item has many more ratings than each user, so item vectors are less sparse; the AutoRec paper found I-AutoRec better.',
      ],
      [
        'Why mask the loss?',
        'A missing rating is not a rating of 0. Counting it would teach the model that unseen means disliked.',
      ],
      [
        'What is the cold-start problem?',
        'A new user or item has no ratings, so there is nothing to reconstruct from; side information or popularity has to fill in.',
      ],
    ],
  };
}
