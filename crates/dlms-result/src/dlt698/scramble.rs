//! Link user data scrambling (DL/T 698.45 §5, SC bit of C): on the wire every byte of the
//! link user data is the value plus 0x33 (mod 256), and HCS/FCS are computed over the wire
//! bytes.
//!
//! Descrambling is position-preserving, so a scrambled frame is decoded from a descrambled
//! copy (on the stack when short) and every borrowed slice in the results is then moved back
//! onto the wire bytes at the same positions ([`DataEncoding::AxdrScrambled`]): the results
//! keep borrowing the caller's input.

use std::borrow::Cow;

use crate::parse::offset_in;
use crate::result::{AccessResult, DataEncoding, DataRef, Outcome};

/// The value DL/T 698.45 adds to each byte when scrambling.
pub(crate) const OFFSET: u8 = 0x33;

/// The values behind scrambled wire bytes.
pub(crate) fn descramble(wire: &[u8]) -> Vec<u8> {
    let mut values = vec![0; wire.len()];
    descramble_into(wire, &mut values);
    values
}

/// The values behind scrambled wire bytes, written into `values` (as long as `wire`).
pub(crate) fn descramble_into(wire: &[u8], values: &mut [u8]) {
    for (value, byte) in values.iter_mut().zip(wire) {
        *value = byte.wrapping_sub(OFFSET);
    }
}

/// The wire bytes for values.
#[cfg(test)]
pub(crate) fn scramble(values: &[u8]) -> Vec<u8> {
    values.iter().map(|b| b.wrapping_add(OFFSET)).collect()
}

/// `wire` as values: descrambled into an owned copy when `scrambled`, borrowed otherwise.
pub(crate) fn values(wire: &[u8], scrambled: bool) -> Cow<'_, [u8]> {
    if scrambled {
        Cow::Owned(descramble(wire))
    } else {
        Cow::Borrowed(wire)
    }
}

/// Moves results decoded from `plain` (the descrambled copy of `wire`) back onto `wire`.
///
/// A-XDR data becomes [`DataEncoding::AxdrScrambled`]. Data of another encoding can only
/// come from a frame forwarded inside this one (a DL/T 645 frame in a PROXY `TransCommand`);
/// it keeps its encoding, so its `value_bytes` undo only that encoding's own +0x33, not the
/// outer scrambling (a combination no real device is known to send).
pub(crate) fn remap<'w>(
    results: Vec<AccessResult<'_>>,
    plain: &[u8],
    wire: &'w [u8],
) -> Vec<AccessResult<'w>> {
    results
        .into_iter()
        .map(|r| {
            let outcome = match r.outcome {
                Outcome::Code(code) => Outcome::Code(code),
                Outcome::Data(data) => {
                    let start = offset_in(plain, data.wire_bytes());
                    let end = start.saturating_add(data.len());
                    let bytes = wire.get(start..end).unwrap_or_default();
                    let encoding = match data.encoding() {
                        DataEncoding::Axdr => DataEncoding::AxdrScrambled,
                        other => other,
                    };
                    Outcome::Data(DataRef::new(bytes, encoding))
                }
            };
            AccessResult {
                target: r.target,
                outcome,
                offset: r.offset,
                section: r.section,
                via: r.via,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{Oad, Target};

    #[test]
    fn scrambling_round_trips_every_byte() {
        let all: Vec<u8> = (0..=u8::MAX).collect();
        assert_eq!(descramble(&scramble(&all)), all);
        // The published scrambled GET-Request user data.
        assert_eq!(
            descramble(&[0x38, 0x34, 0x48, 0x73, 0x33, 0x35, 0x33, 0x33]),
            [0x05, 0x01, 0x15, 0x40, 0x00, 0x02, 0x00, 0x00]
        );
        assert!(matches!(values(&all, false), Cow::Borrowed(_)));
    }

    #[test]
    fn remap_points_at_the_wire() {
        let wire = scramble(&[0x85, 0x01, 0x12, 0x00, 0x2A]);
        let plain = descramble(&wire);
        let data = DataRef::new(&plain[2..5], DataEncoding::Axdr);
        let results = vec![AccessResult::new(
            Target::Oad(Oad(1)),
            Outcome::Data(data),
            9,
        )];
        let mapped = remap(results, &plain, &wire);
        let Outcome::Data(d) = mapped[0].outcome else {
            panic!()
        };
        assert_eq!(d.wire_bytes(), &wire[2..5]);
        assert_eq!(d.encoding(), DataEncoding::AxdrScrambled);
        assert_eq!(&*d.value_bytes(), &[0x12, 0x00, 0x2A]);
        assert_eq!(d.first_tag(), Some(0x12));
        assert_eq!(mapped[0].offset, 9);
    }
}
