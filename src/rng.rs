//! Seeded, reproducible randomness. Every random choice in a run (weights,
//! shuffles, dropout masks, noise) comes from one seed through separate streams,
//! so changing, say, dropout does not change the initial weights.

use rand::SeedableRng;

/// The generator used everywhere: PCG-XSH-RR 64/32, small, fast and identical on
/// 32-bit wasm and 64-bit native targets.
pub type Rng = rand_pcg::Pcg32;

/// Named streams derived from the run's seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Initial weights.
    Init = 1,
    /// Epoch shuffles.
    Shuffle = 2,
    /// Dropout masks (layer index is added).
    Dropout = 16,
    /// Input corruption and other per-batch noise.
    Noise = 3,
}

/// A generator for `stream` (plus `index`, e.g. a layer number) of run `seed`.
pub fn seeded(seed: u64, stream: Stream, index: u64) -> Rng {
    Rng::new(seed, (stream as u64).wrapping_add(index).wrapping_mul(2).wrapping_add(1))
}

/// A fresh seed from the operating system (or the browser's crypto API), for a
/// run started without one; it is then recorded in the config so it can be repeated.
pub fn fresh_seed() -> u64 {
    let mut buf = [0u8; 4];
    match getrandom::fill(&mut buf) {
        Ok(()) => u32::from_le_bytes(buf) as u64,
        // No entropy source: still a valid run, just not a surprising one.
        Err(_) => 0x5EED,
    }
}

/// A generator from a single u64, for tests and tools that need one stream only.
pub fn from_seed(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}
