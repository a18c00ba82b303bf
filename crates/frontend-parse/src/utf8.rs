//! UTF-8 validation where only the answer is needed, not a `&str`: the strings the element
//! scanner steps over (RFC 8259 §8.1: JSON text is UTF-8, and simd-json rejects anything
//! else).
//!
//! `str::from_utf8` branches on each character's length and takes about 240 instructions for
//! seven Chinese characters (21 bytes), more than the rest of the string's scan. A
//! shift-based DFA takes three instructions a byte without a branch: each byte's table entry
//! holds, for every state, the next state, and the state itself is the shift that picks it
//! out, so the loop's only dependency from byte to byte is one shift (the table load does
//! not wait for the state).

/// The DFA's states, each the bit offset of its field in a [`TRANSITIONS`] entry (six bits a
/// field). The states of the Unicode Standard's table 3-7 of well-formed byte sequences:
/// what the next bytes must be.
mod state {
    /// Between characters: the only accepting state.
    pub(super) const ACCEPT: u32 = 0;
    /// One more continuation byte (`80..=BF`).
    pub(super) const ONE_MORE: u32 = 6;
    /// Two more.
    pub(super) const TWO_MORE: u32 = 12;
    /// Three more.
    pub(super) const THREE_MORE: u32 = 18;
    /// After `E0`: `A0..=BF`, then one more (no overlong three-byte forms).
    pub(super) const AFTER_E0: u32 = 24;
    /// After `ED`: `80..=9F`, then one more (no surrogates).
    pub(super) const AFTER_ED: u32 = 30;
    /// After `F0`: `90..=BF`, then two more (no overlong four-byte forms).
    pub(super) const AFTER_F0: u32 = 36;
    /// After `F4`: `80..=8F`, then two more (nothing above U+10FFFF).
    pub(super) const AFTER_F4: u32 = 42;
    /// An ill-formed sequence was seen; it never leaves.
    pub(super) const ERROR: u32 = 48;

    /// Every state.
    pub(super) const ALL: [u32; 9] = [
        ACCEPT, ONE_MORE, TWO_MORE, THREE_MORE, AFTER_E0, AFTER_ED, AFTER_F0, AFTER_F4, ERROR,
    ];
}

/// The state after `byte` in state `from` (Unicode Standard, table 3-7).
const fn next_state(from: u32, byte: u8) -> u32 {
    use state::{
        ACCEPT, AFTER_E0, AFTER_ED, AFTER_F0, AFTER_F4, ERROR, ONE_MORE, THREE_MORE, TWO_MORE,
    };
    match (from, byte) {
        // A character ends: ASCII, or its last continuation byte.
        (ACCEPT, 0x00..=0x7F) | (ONE_MORE, 0x80..=0xBF) => ACCEPT,
        (ACCEPT, 0xC2..=0xDF)
        | (TWO_MORE, 0x80..=0xBF)
        | (AFTER_E0, 0xA0..=0xBF)
        | (AFTER_ED, 0x80..=0x9F) => ONE_MORE,
        (ACCEPT, 0xE1..=0xEC | 0xEE..=0xEF)
        | (THREE_MORE, 0x80..=0xBF)
        | (AFTER_F0, 0x90..=0xBF)
        | (AFTER_F4, 0x80..=0x8F) => TWO_MORE,
        (ACCEPT, 0xF1..=0xF3) => THREE_MORE,
        (ACCEPT, 0xE0) => AFTER_E0,
        (ACCEPT, 0xED) => AFTER_ED,
        (ACCEPT, 0xF0) => AFTER_F0,
        (ACCEPT, 0xF4) => AFTER_F4,
        _ => ERROR,
    }
}

/// For each byte, the next state of every state, each in the state's six-bit field.
static TRANSITIONS: [u64; 256] = transitions();

/// Builds [`TRANSITIONS`] from [`next_state`].
// `byte < 256` and `index < 9` in const loops: indexing cannot fail (and `get` is not usable
// on the table being built), the shifts are below 64.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn transitions() -> [u64; 256] {
    let mut table = [0u64; 256];
    let mut byte = 0usize;
    while byte < 256 {
        let mut entry = 0u64;
        let mut index = 0;
        while index < state::ALL.len() {
            let from = state::ALL[index];
            #[allow(clippy::cast_possible_truncation)] // byte < 256
            let to = next_state(from, byte as u8);
            entry |= (to as u64) << from;
            index += 1;
        }
        table[byte] = entry;
        byte += 1;
    }
    table
}

/// Whether `bytes` are well-formed UTF-8: exactly when `str::from_utf8` accepts them.
pub(crate) fn is_valid(bytes: &[u8]) -> bool {
    let mut state = u64::from(state::ACCEPT);
    for &byte in bytes {
        let entry = TRANSITIONS.get(usize::from(byte)).copied().unwrap_or(0);
        // The low six bits of the state are its field's offset; the bits above are the rest
        // of the last entry. (The shift takes six bits anyway: the mask costs nothing.)
        state = entry.wrapping_shr(u32::try_from(state & 0x3F).unwrap_or(0));
    }
    state & 0x3F == u64::from(state::ACCEPT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agrees(bytes: &[u8]) {
        assert_eq!(
            is_valid(bytes),
            core::str::from_utf8(bytes).is_ok(),
            "{bytes:02x?}"
        );
    }

    #[test]
    fn every_sequence_of_up_to_three_bytes_agrees_with_the_standard_library() {
        agrees(b"");
        for first in 0..=255u8 {
            agrees(&[first]);
            for second in 0..=255u8 {
                agrees(&[first, second]);
                for third in 0..=255u8 {
                    agrees(&[first, second, third]);
                }
            }
        }
    }

    #[test]
    fn four_byte_sequences_agree_with_the_standard_library() {
        // Every lead and second byte with the continuation boundaries and a few others after
        // them, and every code point's encoding.
        let tails = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF,
        ];
        for first in 0..=255u8 {
            for second in 0..=255u8 {
                for third in tails {
                    for fourth in tails {
                        agrees(&[first, second, third, fourth]);
                    }
                }
            }
        }
        for code in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let mut buffer = [0; 4];
            let encoded = code.encode_utf8(&mut buffer).as_bytes();
            assert!(is_valid(encoded), "{code:?}");
            // Cut short, it is not.
            if let Some((_, cut)) = encoded.split_last().filter(|_| encoded.len() > 1) {
                assert!(!is_valid(cut), "{code:?} cut");
            }
        }
    }

    #[test]
    fn errors_stick_and_text_around_them_does_not_hide_them() {
        agrees("温度传感器故障".as_bytes());
        agrees(b"\xff\xe6\xb8\xa9");
        agrees(b"\xe6\xb8\xa9\x80");
        agrees(b"ok\xc3");
        agrees(b"\xc0\xaf");
        agrees(b"\xf4\x90\x80\x80");
    }

    proptest::proptest! {
        /// Text with ill-formed bytes put anywhere: the answer is the standard library's.
        #[test]
        fn mixed_text_agrees_with_the_standard_library(
            text in "\\PC{0,24}",
            inserts in proptest::collection::vec((0usize..100, 0x80u8..=0xFF), 0..3),
        ) {
            let mut bytes = text.into_bytes();
            for (at, byte) in inserts {
                let at = at % (bytes.len() + 1);
                bytes.insert(at, byte);
            }
            proptest::prop_assert_eq!(is_valid(&bytes), core::str::from_utf8(&bytes).is_ok());
        }
    }
}
