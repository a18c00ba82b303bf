//! Frame checksums: CRC-16/X-25 (DL/T 698.45 HCS and FCS) and the 8-bit byte sum
//! (DL/T 645-2007 and Q/GDW 1376.1 CS).

/// CRC-16/X-25 as used by DL/T 698.45 for HCS and FCS: polynomial 0x1021 reflected (0x8408),
/// initial value 0xFFFF, reflected input and output, final XOR 0xFFFF. The frame carries it
/// low byte first.
///
/// ```
/// assert_eq!(dlms_result::checksum::crc16_x25(b"123456789"), 0x906E);
/// ```
pub fn crc16_x25(data: &[u8]) -> u16 {
    !crc16_x25_update(CRC16_X25_INIT, data)
}

/// The CRC-16/X-25 register before any byte (DL/T 698.45 Annex: initial value 0xFFFF).
pub(crate) const CRC16_X25_INIT: u16 = 0xFFFF;

/// The register after any bytes followed by their own CRC-16/X-25, low byte first (the
/// "residue" of a reflected CRC with this initial value and final XOR; the CRC catalogue's
/// `residue` 0xF0B8 for CRC-16/IBM-SDLC, alias X-25). `residue_is_the_register_after_a_crc`
/// checks it.
pub(crate) const CRC16_X25_RESIDUE: u16 = 0xF0B8;

/// The value of a link layer's `CHECKSUMS_KNOWN` parameter that computes and compares every
/// checksum.
pub(crate) const VERIFY: bool = false;
/// The value of a link layer's `CHECKSUMS_KNOWN` parameter that takes the checksums as
/// matching: the stream decoder computed them over these very bytes (see
/// `shared_bytes::CheckedFrame`). Every other check still runs. A constant parameter rather
/// than an argument, so that the code that verifies (every caller but the stream's decode)
/// carries no trace of it. (The DL/T 645-2007 and Q/GDW 1376.1 frame decoders pick it with a
/// flag, one level up: see `decode::decode_as`.)
pub(crate) const KNOWN: bool = true;

/// Feeds `data` to a CRC-16/X-25 register (not yet complemented: the CRC of the bytes fed
/// so far is `!register`). Lets the DL/T 698.45 frame check go on from the header check:
/// the FCS covers the bytes the HCS covers, so they are read once, not twice.
///
/// Slicing-by-16 (Kounavis & Berry): 16 bytes per step with 16 table lookups that do not
/// depend on each other, instead of one dependent lookup per byte. A byte-at-a-time table
/// loop is bound by the latency of its load → xor → load chain (about 7 instructions and a
/// cache-hit latency per byte); here the chain is one lookup + xor per 16 bytes, and the
/// lookups of one block run in parallel. `benches/frames.rs` group `crc16_x25` shows it.
pub(crate) fn crc16_x25_update(mut crc: u16, data: &[u8]) -> u16 {
    let (blocks, tail) = data.as_chunks::<16>();
    for &block in blocks {
        crc = crc16_x25_block16(crc, block);
    }
    // Frames are short (a typical GET response is 30 bytes), so the tail matters: one 8-byte
    // and one 4-byte slicing step with the same tables before the last 0–3 bytes.
    let tail = match tail.split_first_chunk::<8>() {
        Some((block, rest)) => {
            crc = crc16_x25_block8(crc, *block);
            rest
        }
        None => tail,
    };
    let tail = match tail.split_first_chunk::<4>() {
        Some((block, rest)) => {
            crc = crc16_x25_block4(crc, *block);
            rest
        }
        None => tail,
    };
    // The last 0–3 bytes in one step as well, not byte by byte: 10.8 instructions a
    // DL/T 698.45 frame less (the 11-byte header of a frame with a six-byte address, checked
    // first, always ends in three; callgrind, `Decoder::decode` over the DL/T 698.45
    // fixtures: 827.8 -> 817.0 a frame).
    match *tail {
        [] => crc,
        [b0] => crc16_x25_byte(crc, b0),
        [b0, b1] => crc16_x25_block2(crc, [b0, b1]),
        [b0, b1, b2, ..] => crc16_x25_block3(crc, [b0, b1, b2]),
    }
}

/// Two bytes (see [`crc16_x25_block4`]): the register's two bytes meet the two data bytes,
/// and nothing of it is left over.
fn crc16_x25_block2(crc: u16, block: [u8; 2]) -> u16 {
    let [low, high] = crc.to_le_bytes();
    let [b0, b1] = block;
    let [t0, t1, ..] = &CRC16_X25_SLICES;
    lookup(t1, b0 ^ low) ^ lookup(t0, b1 ^ high)
}

/// Three bytes (see [`crc16_x25_block4`]).
fn crc16_x25_block3(crc: u16, block: [u8; 3]) -> u16 {
    let [low, high] = crc.to_le_bytes();
    let [b0, b1, b2] = block;
    let [t0, t1, t2, ..] = &CRC16_X25_SLICES;
    lookup(t2, b0 ^ low) ^ lookup(t1, b1 ^ high) ^ lookup(t0, b2)
}

/// One byte: the classic reflected table step.
fn crc16_x25_byte(crc: u16, byte: u8) -> u16 {
    let [low, _] = crc.to_le_bytes();
    (crc >> 8) ^ lookup(&CRC16_X25_SLICES[0], low ^ byte)
}

/// Four bytes. For a reflected CRC the register's two bytes are xored into the first two
/// data bytes; table `k` advances a byte by `k` further zero bytes, so the byte at position
/// `i` of an `n`-byte block goes through table `n − 1 − i`.
fn crc16_x25_block4(crc: u16, block: [u8; 4]) -> u16 {
    let [low, high] = crc.to_le_bytes();
    let [b0, b1, b2, b3] = block;
    let [t0, t1, t2, t3, ..] = &CRC16_X25_SLICES;
    lookup(t3, b0 ^ low) ^ lookup(t2, b1 ^ high) ^ lookup(t1, b2) ^ lookup(t0, b3)
}

/// Eight bytes (see [`crc16_x25_block4`]).
fn crc16_x25_block8(crc: u16, block: [u8; 8]) -> u16 {
    let [low, high] = crc.to_le_bytes();
    let [b0, b1, b2, b3, b4, b5, b6, b7] = block;
    let [t0, t1, t2, t3, t4, t5, t6, t7, ..] = &CRC16_X25_SLICES;
    (lookup(t7, b0 ^ low) ^ lookup(t6, b1 ^ high) ^ lookup(t5, b2) ^ lookup(t4, b3))
        ^ (lookup(t3, b4) ^ lookup(t2, b5) ^ lookup(t1, b6) ^ lookup(t0, b7))
}

/// Sixteen bytes (see [`crc16_x25_block4`]).
fn crc16_x25_block16(crc: u16, block: [u8; 16]) -> u16 {
    let [low, high] = crc.to_le_bytes();
    let [
        b0,
        b1,
        b2,
        b3,
        b4,
        b5,
        b6,
        b7,
        b8,
        b9,
        b10,
        b11,
        b12,
        b13,
        b14,
        b15,
    ] = block;
    let [
        t0,
        t1,
        t2,
        t3,
        t4,
        t5,
        t6,
        t7,
        t8,
        t9,
        t10,
        t11,
        t12,
        t13,
        t14,
        t15,
    ] = &CRC16_X25_SLICES;
    // The fourteen lookups that do not depend on the register come first: the compiler
    // keeps xors in source order, so they run ahead while the previous block's register is
    // still being computed, and only two lookups and two xors remain on the register's
    // dependency chain from block to block.
    let data_only = lookup(t13, b2)
        ^ lookup(t12, b3)
        ^ lookup(t11, b4)
        ^ lookup(t10, b5)
        ^ lookup(t9, b6)
        ^ lookup(t8, b7)
        ^ lookup(t7, b8)
        ^ lookup(t6, b9)
        ^ lookup(t5, b10)
        ^ lookup(t4, b11)
        ^ lookup(t3, b12)
        ^ lookup(t2, b13)
        ^ lookup(t1, b14)
        ^ lookup(t0, b15);
    data_only ^ lookup(t15, b0 ^ low) ^ lookup(t14, b1 ^ high)
}

/// A table entry; a `u8` index is always in range, so the check compiles away.
fn lookup(table: &[u16; 256], index: u8) -> u16 {
    table.get(usize::from(index)).copied().unwrap_or(0)
}

/// The slicing tables for the reflected polynomial 0x8408, built at compile time: table 0 is
/// the byte-at-a-time table, table `k` is the effect of a byte followed by `k` zero bytes.
/// 16 × 256 × 2 bytes = 8 KiB, a fraction of the L1 data cache.
static CRC16_X25_SLICES: [[u16; 256]; 16] = crc16_x25_slices();

/// Builds [`CRC16_X25_SLICES`].
// `i < 256` and `1 <= k < 16` in const loops: indexing cannot fail (and `get_mut` is not
// const), the counters cannot overflow.
#[allow(clippy::indexing_slicing)]
const fn crc16_x25_slices() -> [[u16; 256]; 16] {
    let mut tables = [[0u16; 256]; 16];
    let mut i: usize = 0;
    while i < 256 {
        #[allow(clippy::cast_possible_truncation)] // i < 256
        let mut crc = i as u16;
        let mut bit: u8 = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x8408
            } else {
                crc >> 1
            };
            bit = bit.wrapping_add(1);
        }
        tables[0][i] = crc;
        i = i.wrapping_add(1);
    }
    let mut k: usize = 1;
    while k < 16 {
        let mut i = 0;
        while i < 256 {
            let previous = tables[k.wrapping_sub(1)][i];
            tables[k][i] = (previous >> 8) ^ tables[0][(previous & 0xFF) as usize];
            i = i.wrapping_add(1);
        }
        k = k.wrapping_add(1);
    }
    tables
}

/// The 8-bit sum of all bytes, modulo 256 (DL/T 645-2007 §4.1 and Q/GDW 1376.1 CS).
///
/// ```
/// assert_eq!(dlms_result::checksum::sum8(&[0xFF, 0x02]), 0x01);
/// ```
pub fn sum8(data: &[u8]) -> u8 {
    data.iter().fold(0u8, |sum, &b| sum.wrapping_add(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-by-bit reference implementation, straight from the CRC parameters.
    fn crc16_x25_bitwise(data: &[u8]) -> u16 {
        let mut crc: u16 = 0xFFFF;
        for &b in data {
            crc ^= u16::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0x8408
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn check_value() {
        assert_eq!(crc16_x25(b"123456789"), 0x906E);
        assert_eq!(crc16_x25(&[]), 0x0000);
    }

    #[test]
    fn every_two_byte_input_matches_the_bitwise_reference() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!(crc16_x25(&[a, b]), crc16_x25_bitwise(&[a, b]));
            }
        }
    }

    #[test]
    fn every_length_and_alignment_matches_the_bitwise_reference() {
        // Every path through the slicing steps (16-, 8-, 4-byte blocks and 0–3 tail bytes),
        // with every byte value at every position of the first block.
        let data: Vec<u8> = (0..200u32)
            .map(|i| u8::try_from((i * 151 + 7) % 256).unwrap())
            .collect();
        for len in 0..=data.len() {
            assert_eq!(
                crc16_x25(&data[..len]),
                crc16_x25_bitwise(&data[..len]),
                "len {len}"
            );
        }
        for position in 0..40 {
            for value in 0..=255u8 {
                let mut block = [0x5Au8; 40];
                block[position] = value;
                assert_eq!(crc16_x25(&block), crc16_x25_bitwise(&block));
            }
        }
    }

    #[test]
    fn slicing_tables_advance_by_zero_bytes() {
        // Table k is the byte-wise step followed by k zero bytes.
        for (k, table) in CRC16_X25_SLICES.iter().enumerate() {
            for i in 0..=255u8 {
                let mut crc = u16::from(i);
                for _ in 0..=k {
                    crc = (crc >> 8) ^ CRC16_X25_SLICES[0][usize::from(crc.to_le_bytes()[0])];
                }
                assert_eq!(table[usize::from(i)], crc, "table {k}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn slicing_equals_the_bitwise_reference(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        ) {
            proptest::prop_assert_eq!(crc16_x25(&data), crc16_x25_bitwise(&data));
        }

        #[test]
        fn the_register_continues_across_any_split(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            cut in 0usize..300,
        ) {
            let cut = cut.min(data.len());
            let (head, tail) = data.split_at(cut);
            let register = crc16_x25_update(crc16_x25_update(CRC16_X25_INIT, head), tail);
            proptest::prop_assert_eq!(!register, crc16_x25_bitwise(&data));
        }

        /// Any bytes followed by their CRC (low byte first) leave the residue in the
        /// register; any other two bytes after them do not.
        #[test]
        fn residue_is_the_register_after_a_crc(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            other in proptest::num::u16::ANY,
        ) {
            let crc = crc16_x25_bitwise(&data);
            let mut sent = data.clone();
            sent.extend(crc.to_le_bytes());
            proptest::prop_assert_eq!(crc16_x25_update(CRC16_X25_INIT, &sent), CRC16_X25_RESIDUE);
            if other != crc {
                let mut wrong = data;
                wrong.extend(other.to_le_bytes());
                proptest::prop_assert_ne!(
                    crc16_x25_update(CRC16_X25_INIT, &wrong),
                    CRC16_X25_RESIDUE
                );
            }
        }
    }

    #[test]
    fn spec_example_frame() {
        // DL/T 698.45 App. D GET-Request: HCS over L..CA = 0x6015, FCS over L..APDU = 0x07C6.
        let frame: [u8; 21] = [
            0x17, 0x00, 0x43, 0x05, 0x07, 0x09, 0x19, 0x05, 0x16, 0x20, 0x00, 0x15, 0x60, 0x05,
            0x01, 0x01, 0x40, 0x01, 0x02, 0x00, 0x00,
        ];
        assert_eq!(crc16_x25(&frame[..11]), 0x6015);
        assert_eq!(crc16_x25(&frame), 0x07C6);
    }
}
