//! A small deterministic PRNG for jitter (`SplitMix64`, Steele, Lea & Flood 2014).
//!
//! Classification must be reproducible (the same seed gives the same delays) and must not depend
//! on the order in which a parallel batch is processed, so callers either thread one `Rng`
//! through a sequential run or derive one per failure with [`Rng::for_key`].

/// A seeded `SplitMix64` generator.
///
/// ```
/// use classify::Rng;
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.up_to(10) <= 10);
/// // Per-failure streams do not depend on processing order.
/// assert_eq!(Rng::for_key(7, &["8000000042769980", "EL003"]), Rng::for_key(7, &["8000000042769980", "EL003"]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01B3;

impl Rng {
    /// A generator seeded with `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A generator for one key (e.g. device and code), mixed into `seed` with FNV-1a, so the
    /// jitter of a failure is the same however a batch is split across threads.
    pub fn for_key(seed: u64, parts: &[&str]) -> Self {
        let mut hash = FNV_OFFSET ^ seed;
        for part in parts {
            for byte in part.bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
            }
            // A separator so ("ab", "c") and ("a", "bc") differ.
            hash = (hash ^ 0xFF).wrapping_mul(FNV_PRIME);
        }
        Self::new(hash)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `0..=max` (Lemire's multiply-high reduction; the bias is below
    /// 2⁻³² for the second-scale ranges used here).
    pub fn up_to(&mut self, max: u64) -> u64 {
        let random = self.next_u64();
        match max.checked_add(1) {
            Some(span) => {
                let wide = u128::from(random).wrapping_mul(u128::from(span));
                u64::try_from(wide >> 64).unwrap_or(max)
            }
            None => random,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // First outputs of SplitMix64 seeded with 0 (reference implementation by Vigna).
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn up_to_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(42);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            let value = rng.up_to(3);
            assert!(value <= 3);
            seen[usize::try_from(value).unwrap()] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(rng.up_to(0), 0);
        let _ = rng.up_to(u64::MAX);
    }

    #[test]
    fn keys_are_separated() {
        assert_ne!(Rng::for_key(1, &["ab", "c"]), Rng::for_key(1, &["a", "bc"]));
        assert_ne!(Rng::for_key(1, &["a"]), Rng::for_key(2, &["a"]));
    }
}
