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
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        let index = usize::from((crc ^ u16::from(byte)) & 0xFF);
        // `index` is masked to 0..=255 and the table has 256 entries.
        crc = (crc >> 8) ^ CRC16_X25_TABLE.get(index).copied().unwrap_or(0);
    }
    !crc
}

/// The byte-wise CRC table for the reflected polynomial 0x8408, built at compile time.
// `i < 256` in a const loop: indexing cannot fail, and `get_mut` is not const.
#[allow(clippy::indexing_slicing)]
const CRC16_X25_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        #[allow(clippy::cast_possible_truncation)] // i < 256
        let mut crc = i as u16;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x8408
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

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
