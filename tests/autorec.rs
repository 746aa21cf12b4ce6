//! AutoRec on the synthetic ratings: the generator's shape (density, skew,
//! missing-not-at-random), the train/test split, beating the item-mean and
//! global-mean baselines, recommendations, and seeded repeatability.
#![cfg(feature = "lab")] // save/load, applications and AutoRec are the "lab" feature (on by default)

use autoencoder_playground::autorec::{
    AutoRec, AutoRecConfig, Cell, Rating, Ratings, RatingsConfig, Recommender, TEST_FRACTION,
};
use autoencoder_playground::Error;

fn data(seed: u64) -> (Ratings, Ratings, Ratings) {
    let all = Ratings::synthetic(&RatingsConfig { seed, ..RatingsConfig::default() }).unwrap();
    let (train, test) = all.split(0.1, seed).unwrap();
    (all, train, test)
}

#[test]
fn synthetic_ratings_are_sparse_skewed_and_seeded() {
    let (all, _, _) = data(1);
    assert_eq!((all.users(), all.items()), (500, 300));
    // About 95% missing (a little more: no probability may exceed 1). Seed 1: 4.9% observed.
    assert!((0.045..0.052).contains(&all.density()), "density {}", all.density());
    assert!(all.entries().iter().all(|r| r.value.fract() == 0.0 && (1.0..=5.0).contains(&r.value)));
    // Popular items take a large share: the top 10% of items hold about 43% of ratings.
    let mut per_item = vec![(0usize, 0.0f64); all.items()];
    for r in all.entries() {
        per_item[r.item as usize].0 += 1;
        per_item[r.item as usize].1 += r.value as f64;
    }
    let mut order: Vec<usize> = (0..all.items()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(per_item[i].0));
    let top: usize = order[..30].iter().map(|&i| per_item[i].0).sum();
    let share = top as f32 / all.entries().len() as f32;
    assert!(share > 0.3, "top 10% of items hold {share} of the ratings");
    // Better items are seen more: the popular half is rated higher (3.77 vs 3.49).
    let mean = |ix: &[usize]| {
        let (n, s) = ix.iter().fold((0, 0.0), |a, &i| (a.0 + per_item[i].0, a.1 + per_item[i].1));
        s / n as f64
    };
    assert!(mean(&order[..150]) > mean(&order[150..]) + 0.15);
    // Seeded.
    assert_eq!(all, data(1).0);
    assert_ne!(all, data(2).0);
}

#[test]
fn split_holds_out_a_tenth_of_the_ratings() {
    let (all, train, test) = data(3);
    let n = all.entries().len();
    assert_eq!(train.entries().len() + test.entries().len(), n);
    assert_eq!(test.entries().len(), (n as f32 * 0.1).round() as usize);
    let key = |r: &Rating| (r.user, r.item);
    let mut both: Vec<_> = train.entries().iter().chain(test.entries()).map(key).collect();
    both.sort_unstable();
    let mut every: Vec<_> = all.entries().iter().map(key).collect();
    every.sort_unstable();
    assert_eq!(both, every, "the parts are disjoint and cover every rating");
    assert_eq!(all.split(0.1, 3).unwrap().1, test);
    assert_ne!(all.split(0.1, 4).unwrap().1, test);
    assert!(all.split(0.0, 1).unwrap_err().to_string().contains("testFraction"));
}

#[test]
fn ratings_are_checked() {
    let r = |user, item, value| Rating { user, item, value };
    assert!(Ratings::new(2, 2, vec![r(0, 0, 4.0), r(1, 1, 2.0)]).is_ok());
    let e = Ratings::new(2, 2, vec![r(0, 0, 4.0), r(0, 0, 2.0)]).unwrap_err().to_string();
    assert!(e.contains("user 0 rated item 0 twice"), "{e}");
    assert!(Ratings::new(2, 2, vec![r(2, 0, 4.0)]).unwrap_err().to_string().contains("outside the 2 users"));
    assert!(Ratings::new(2, 2, vec![r(0, 0, f32::NAN)]).is_err());
    assert!(Ratings::synthetic(&RatingsConfig { rank: 0, ..RatingsConfig::default() }).is_err());
}

#[test]
fn autorec_beats_the_item_mean() {
    // Test RMSE after 40 epochs (400 steps, about 0.25 s here) with the default
    // config, seeds 1–5: AutoRec 0.911, 0.950, 0.926, 0.955, 0.929 against the
    // item mean's 0.995, 0.961, 0.970, 1.024, 0.979 (global mean 1.02–1.08).
    // The training RMSE, about 0.56, says it still memorises part of the data.
    for seed in [1, 3] {
        let (_, train, test) = data(seed);
        let mut model = AutoRec::new(&train, &AutoRecConfig { seed, ..AutoRecConfig::default() }).unwrap();
        model.train_epochs(40).unwrap();
        assert_eq!(model.steps_done(), 400);
        let r = model.evaluate(&test).unwrap();
        println!("seed {seed}: {r:?}");
        assert!(r.rmse < r.item_mean_rmse - 0.02, "{r:?}");
        assert!(r.item_mean_rmse < r.global_mean_rmse, "{r:?}");
        assert!(r.train_rmse < r.rmse, "{r:?}");
    }
}

#[test]
fn same_seed_same_model_bit_for_bit() {
    let (_, train, test) = data(2);
    let run = |seed| {
        let mut m = AutoRec::new(&train, &AutoRecConfig { seed, ..AutoRecConfig::default() }).unwrap();
        let loss = m.step(25).unwrap();
        (
            loss.to_bits(),
            m.predictions().iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            m.evaluate(&test).unwrap().rmse,
        )
    };
    let a = run(7);
    assert_eq!(a, run(7));
    assert_ne!(a.1, run(8).1);
}

#[test]
fn recommendations_are_unrated_items_best_first() {
    let (_, train, test) = data(1);
    let mut model = AutoRec::new(&train, &AutoRecConfig::default()).unwrap();
    model.train_epochs(10).unwrap();
    // The user with the most held-out ratings, so some recommendations can be checked.
    let user =
        (0..train.users()).max_by_key(|&u| test.entries().iter().filter(|r| r.user as usize == u).count()).unwrap();
    let recs = model.recommend(user, train.items(), &test).unwrap();
    let rated = train.entries().iter().filter(|r| r.user as usize == user).count();
    assert_eq!(recs.len(), train.items() - rated, "every unrated item, when k is large");
    assert!(recs.windows(2).all(|w| w[0].predicted >= w[1].predicted));
    assert!(recs.iter().all(|r| (1.0..=5.0).contains(&r.predicted)));
    for rec in &recs {
        assert!(!train.entries().iter().any(|r| r.user as usize == user && r.item == rec.item));
        let held = test.entries().iter().find(|r| r.user as usize == user && r.item == rec.item).map(|r| r.value);
        assert_eq!(rec.true_rating, held);
    }
    assert!(recs.iter().any(|r| r.true_rating.is_some()));
    let top5 = model.recommend(user, 5, &test).unwrap();
    assert_eq!(top5[..], recs[..5]);
    assert!(model.recommend(500, 5, &test).unwrap_err().to_string().contains("below the 500 users"));
}

#[test]
fn the_recommender_is_autorec_on_the_ratings_with_a_tenth_held_out() {
    let rc = RatingsConfig { users: 120, items: 80, density: 0.1, seed: 4, ..RatingsConfig::default() };
    let mc = AutoRecConfig::default();
    let mut r = Recommender::new(&rc, &mc).unwrap();
    // The same run built by hand from its parts.
    let all = Ratings::synthetic(&rc).unwrap();
    let (train, test) = all.split(TEST_FRACTION, rc.seed).unwrap();
    let mut model = AutoRec::new(&train, &mc).unwrap();
    assert_eq!(r.step(25).unwrap(), model.step(25).unwrap());
    assert_eq!(r.steps_done(), 25);
    assert_eq!(r.evaluate().unwrap(), model.evaluate(&test).unwrap());
    assert_eq!(r.recommend(3, 5).unwrap(), model.recommend(3, 5, &test).unwrap());

    let info = r.info();
    assert_eq!((info.users, info.items), (120, 80));
    assert_eq!(info.ratings, all.entries().len());
    assert_eq!(info.test_ratings, test.entries().len());
    assert_eq!(info.test_ratings, (0.1 * info.ratings as f64).round() as usize);
    assert_eq!(info.density, info.ratings as f32 / (120.0 * 80.0));

    let m = r.pattern();
    assert_eq!(m.len(), 120 * 80);
    let count = |cell: Cell| m.iter().filter(|&&v| v == cell as u8).count();
    assert_eq!(count(Cell::Train), train.entries().len());
    assert_eq!(count(Cell::Test), test.entries().len());
    assert_eq!(count(Cell::Missing), 120 * 80 - info.ratings);
    assert!(test.entries().iter().all(|e| m[e.user as usize * 80 + e.item as usize] == Cell::Test as u8));
    assert!(train.entries().iter().all(|e| m[e.user as usize * 80 + e.item as usize] == Cell::Train as u8));
}

#[test]
fn the_recommenders_settings_are_checked() {
    let e = Recommender::new(&RatingsConfig { users: 0, ..RatingsConfig::default() }, &AutoRecConfig::default());
    assert!(e.err().unwrap().to_string().contains("1 to 4,000,000 cells"));
    let e = Recommender::new(&RatingsConfig::default(), &AutoRecConfig { hidden: 0, ..AutoRecConfig::default() });
    assert!(matches!(e.err().unwrap(), Error::InvalidConfig { field, .. } if field == "autorec"));
}
