//! Bytes shown as upper-case hex without separators: the one way this crate prints raw bytes
//! (`Debug` of data and shared buffers, the `serde` representation).

use core::fmt;

/// Displays its bytes as upper-case hex (`68 17` → `6817`), writing straight to the formatter.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02X}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_case_without_separators() {
        assert_eq!(Hex(&[0x68, 0x0A, 0xFF]).to_string(), "680AFF");
        assert_eq!(Hex(&[]).to_string(), "");
    }
}
