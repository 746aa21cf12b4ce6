//! Data sets made here rather than downloaded: seeded, so a seed in a link
//! brings back the same rows in every browser.
//!
//! - *Curve in 3-D* (`swiss_roll`): points on a rolled-up sheet in 3-D, a
//!   2-number surface that PCA can only flatten onto a plane; an autoencoder
//!   with a 2-number code can unroll it.
//! - *Machine sensors* (`machine_sensors`): windows of several simulated
//!   sensor signals from healthy machines; a share of the windows gets a fault
//!   (a spike, a drift, a stuck sensor, a changed rhythm), which the label
//!   names, so an anomaly detector trained on the healthy ones can be scored.

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::rng::from_seed;

/// Rows of values with a label each, and what they mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// n × width values, row after row.
    pub values: Vec<f32>,
    /// One label per row (see `label_names`).
    pub labels: Vec<u8>,
    /// Values per row.
    pub width: usize,
    /// What each label means, by label.
    pub label_names: Vec<String>,
    /// What each column is, by column.
    pub column_names: Vec<String>,
}

impl Generated {
    /// The rows as a dataset for a trainer.
    pub fn dataset(&self) -> Result<Dataset> {
        Dataset::from_values(self.values.clone(), self.labels.clone(), self.width)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// The most rows a generated data set may have.
pub const MAX_ROWS: usize = 50_000;

fn check_rows(n: usize, least: usize) -> Result<()> {
    if n < least || n > MAX_ROWS {
        return Err(Error::Data(format!("a generated data set has {least} to {MAX_ROWS} rows; {n} were asked for")));
    }
    Ok(())
}

/// How far a point has come along the roll, in tenths: the label of a Swiss-roll point.
pub const ROLL_BANDS: usize = 10;

/// `n` points of a noisy Swiss roll: for u, v uniform in [0, 1), the angle
/// t = 1.5π(1 + 2u) and the point (t cos t, 21 v, t sin t) / 10 plus Gaussian
/// noise of deviation `noise` (in those units). The label is the tenth of the
/// roll the point lies in (0: the innermost), so colours along the sheet show
/// whether a code has unrolled it.
pub fn swiss_roll(n: usize, noise: f32, seed: u64) -> Result<Generated> {
    check_rows(n, 3)?;
    if !(0.0..=1.0).contains(&noise) {
        return Err(Error::Data(format!("the noise of the curve is between 0 and 1; got {noise}")));
    }
    let mut rng = from_seed(seed);
    let mut values = Vec::with_capacity(n * 3);
    let mut labels = Vec::with_capacity(n);
    let pi = std::f32::consts::PI;
    for _ in 0..n {
        let u: f32 = rng.random();
        let v: f32 = rng.random();
        let t = 1.5 * pi * (1.0 + 2.0 * u);
        for x in [t * t.cos(), 21.0 * v, t * t.sin()] {
            let e: f32 = StandardNormal.sample(&mut rng);
            values.push(x / 10.0 + noise * e);
        }
        labels.push(((u * ROLL_BANDS as f32) as usize).min(ROLL_BANDS - 1) as u8);
    }
    Ok(Generated {
        values,
        labels,
        width: 3,
        label_names: (0..ROLL_BANDS).map(|b| format!("{}–{}% along the roll", b * 10, b * 10 + 10)).collect(),
        column_names: ["x", "y", "z"].iter().map(|c| c.to_string()).collect(),
    })
}

/// Sensors per machine window: vibration, temperature, current, pressure.
pub const SENSORS: [&str; 4] = ["vibration", "temperature", "current", "pressure"];
/// Time steps per window.
pub const WINDOW: usize = 32;
/// Labels of `machine_sensors`: 0 healthy, then the faults.
pub const FAULTS: [&str; 5] = ["healthy", "spike", "drift", "stuck sensor", "changed rhythm"];

/// `n` windows of `SENSORS.len()` signals × `WINDOW` steps (sensor after
/// sensor in a row), from machines running healthy; a share `faulty` of them
/// (at random) has one fault on one sensor, named by its label (`FAULTS`):
///
/// - the machine's load cycle has a period of 10–14 steps and a random phase;
///   vibration follows it at twice the rate, current follows the load, the
///   temperature rises slowly with it, the pressure lags it by a quarter cycle;
///   every sensor has Gaussian noise of deviation 0.05;
/// - *spike*: 1–3 steps jump by 1.5–3; *drift*: a ramp from 0 up to ±(1–2)
///   over the window; *stuck*: from a random step on, the value stays where it
///   was; *changed rhythm*: that sensor runs 1.6–2.2× faster.
pub fn machine_sensors(n: usize, faulty: f32, seed: u64) -> Result<Generated> {
    check_rows(n, 3)?;
    if !(0.0..=0.5).contains(&faulty) {
        return Err(Error::Data(format!("the share of faulty windows is between 0 and 0.5; got {faulty}")));
    }
    let mut rng = from_seed(seed);
    let width = SENSORS.len() * WINDOW;
    let mut values = Vec::with_capacity(n * width);
    let mut labels = Vec::with_capacity(n);
    let tau = std::f32::consts::TAU;
    for _ in 0..n {
        let period = rng.random_range(10.0f32..14.0);
        let phase = rng.random_range(0.0..tau);
        let level = rng.random_range(0.8f32..1.2);
        let fault = if rng.random::<f32>() < faulty { rng.random_range(1..FAULTS.len()) } else { 0 };
        let sensor = rng.random_range(0..SENSORS.len());
        let mut speed = [1.0f32; 4];
        if fault == 4 {
            speed[sensor] = rng.random_range(1.6f32..2.2);
        }
        let mut row = vec![0.0f32; width];
        for (s, signal) in row.chunks_exact_mut(WINDOW).enumerate() {
            for (k, out) in signal.iter_mut().enumerate() {
                let angle = tau * k as f32 * speed[s] / period + phase;
                let load = angle.sin();
                let clean = match s {
                    0 => 0.6 * (2.0 * angle).sin() * level,
                    1 => 0.3 * level + 0.02 * k as f32 + 0.1 * load,
                    2 => 0.8 * level * load,
                    _ => 0.5 * (angle - tau / 4.0).sin(),
                };
                let e: f32 = StandardNormal.sample(&mut rng);
                *out = clean + 0.05 * e;
            }
        }
        let signal = &mut row[sensor * WINDOW..(sensor + 1) * WINDOW];
        match fault {
            1 => {
                for _ in 0..rng.random_range(1..=3) {
                    let at = rng.random_range(0..WINDOW);
                    let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
                    signal[at] += sign * rng.random_range(1.5f32..3.0);
                }
            }
            2 => {
                let end = rng.random_range(1.0f32..2.0) * if rng.random::<bool>() { 1.0 } else { -1.0 };
                for (k, v) in signal.iter_mut().enumerate() {
                    *v += end * k as f32 / (WINDOW - 1) as f32;
                }
            }
            3 => {
                let from = rng.random_range(4..WINDOW - 8);
                let held = signal[from];
                for v in &mut signal[from..] {
                    *v = held;
                }
            }
            _ => {}
        }
        values.extend_from_slice(&row);
        labels.push(fault as u8);
    }
    let column_names = SENSORS.iter().flat_map(|s| (0..WINDOW).map(move |k| format!("{s} t{k}"))).collect();
    Ok(Generated { values, labels, width, label_names: FAULTS.iter().map(|f| f.to_string()).collect(), column_names })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_sized() {
        let a = swiss_roll(500, 0.05, 7).unwrap();
        assert_eq!(a, swiss_roll(500, 0.05, 7).unwrap());
        assert_ne!(a.values, swiss_roll(500, 0.05, 8).unwrap().values);
        assert_eq!((a.values.len(), a.len(), a.width), (1500, 500, 3));
        let m = machine_sensors(300, 0.2, 7).unwrap();
        assert_eq!(m, machine_sensors(300, 0.2, 7).unwrap());
        assert_eq!(m.values.len(), 300 * SENSORS.len() * WINDOW);
        assert_eq!(m.column_names.len(), m.width);
        assert!(m.values.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn every_band_and_fault_appears_in_its_share() {
        let a = swiss_roll(2000, 0.0, 1).unwrap();
        for b in 0..ROLL_BANDS as u8 {
            let k = a.labels.iter().filter(|&&l| l == b).count();
            assert!((140..=260).contains(&k), "band {b}: {k} of 2000 points");
        }
        let m = machine_sensors(4000, 0.2, 1).unwrap();
        let faulty = m.labels.iter().filter(|&&l| l != 0).count();
        assert!((700..=900).contains(&faulty), "{faulty} of 4000 windows faulty (20% asked)");
        for f in 1..FAULTS.len() as u8 {
            assert!(m.labels.contains(&f), "fault {}", FAULTS[f as usize]);
        }
    }

    #[test]
    fn noiseless_roll_lies_on_its_surface() {
        // Without noise, every point is (t cos t, h, t sin t) / 10 with t in [1.5π, 4.5π]: its
        // distance from the axis equals its angle's t.
        let a = swiss_roll(1000, 0.0, 3).unwrap();
        let pi = std::f32::consts::PI;
        for p in a.values.chunks_exact(3) {
            let r = (p[0] * p[0] + p[2] * p[2]).sqrt() * 10.0;
            assert!((1.5 * pi - 1e-3..=4.5 * pi + 1e-3).contains(&r), "radius {r}");
            assert!((p[2] * 10.0 / r - r.sin()).abs() < 1e-3 && (p[0] * 10.0 / r - r.cos()).abs() < 1e-3);
            assert!((0.0..=2.1).contains(&p[1]));
        }
    }

    #[test]
    fn refuses_what_it_cannot_make() {
        for e in [swiss_roll(2, 0.1, 1).unwrap_err(), swiss_roll(MAX_ROWS + 1, 0.1, 1).unwrap_err()] {
            assert!(e.to_string().contains("3 to 50000 rows"), "{e}");
        }
        assert!(swiss_roll(10, 1.5, 1).unwrap_err().to_string().contains("noise"));
        assert!(machine_sensors(10, 0.9, 1).unwrap_err().to_string().contains("share of faulty windows"));
    }
}
