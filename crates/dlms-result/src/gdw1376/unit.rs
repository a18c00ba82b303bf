//! Data unit identifiers (Q/GDW 1376.1 数据单元标识): DA (information points Pn) and
//! DT (information classes Fn), four bytes `DA1 DA2 DT1 DT2`.
//!
//! - DA2 is a group number 1–255 and DA1 a bit mask of the group's eight points:
//!   bit `b` of DA1 names `Pn = (DA2 − 1) × 8 + b + 1`. `DA1 = DA2 = 0` is p0 (the terminal
//!   itself); `DA1 = FF, DA2 = 00` is "every valid measurement point", reported as
//!   [`ALL_POINTS`]. Any other DA with DA1 = 0 or DA2 = 0 is read as p0 (lenient, as
//!   terminals do).
//! - DT2 is a group number and DT1 a bit mask: bit `b` names `Fn = DT2 × 8 + b + 1`.
//!   DT1 = 0 names no class and is an error.
//!
//! One identifier names every (Pn, Fn) pair of its points and classes, points first.

use crate::error::DecodeErrorKind;
use crate::parse::{PResult, fail, take_array};

/// The information point reported for `DA1 = FF, DA2 = 00` (every valid measurement point).
pub const ALL_POINTS: u16 = u16::MAX;

/// A data unit identifier as it travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct UnitId([u8; 4]);

impl UnitId {
    /// The information points Pn the identifier names, in ascending order.
    pub(crate) fn points(self) -> Bits {
        let [da1, da2, _, _] = self.0;
        let (mask, base) = match (da1, da2) {
            (0xFF, 0) => return Bits::single(ALL_POINTS),
            (_, 0) | (0, _) => return Bits::single(0),
            // Pn = (DA2 − 1) × 8 + bit + 1; DA2 ≥ 1 here.
            (mask, group) => (mask, u16::from(group.wrapping_sub(1)).wrapping_mul(8)),
        };
        Bits::mask(mask, base)
    }

    /// The information classes Fn the identifier names, in ascending order.
    pub(crate) fn classes(self) -> Result<Bits, DecodeErrorKind> {
        let [_, _, dt1, dt2] = self.0;
        if dt1 == 0 {
            return Err(DecodeErrorKind::InvalidChoice {
                field: "DT1",
                value: 0,
            });
        }
        Ok(Bits::mask(dt1, u16::from(dt2).wrapping_mul(8)))
    }

    /// Every (Pn, Fn) pair, points first.
    pub(crate) fn units(self) -> Result<Units, DecodeErrorKind> {
        Ok(Units {
            points: self.points(),
            classes: self.classes()?,
            point: 0,
            classes_left: Bits::mask(0, 0),
        })
    }
}

/// Every (Pn, Fn) pair one identifier names, points first.
#[derive(Clone, Debug)]
pub(crate) struct Units {
    points: Bits,
    classes: Bits,
    /// The point whose classes are being named.
    point: u16,
    /// The classes of `point` not named yet (none before the first point).
    classes_left: Bits,
}

impl Iterator for Units {
    type Item = (u16, u16);

    fn next(&mut self) -> Option<(u16, u16)> {
        // The point and the classes left in fields of their own, not in an `Option` of a
        // pair: 30 instructions a Q/GDW 1376.1 frame less (callgrind, `Decoder::decode` over
        // the Q/GDW 1376.1 fixtures: 553.7 -> 523.2 a frame).
        loop {
            if let Some(fn_) = self.classes_left.next() {
                return Some((self.point, fn_));
            }
            self.point = self.points.next()?;
            self.classes_left = self.classes.clone();
        }
    }
}

/// The values named by a bit mask: bit `b` set names `base + b + 1`.
///
/// A single value `v` is the mask `1` with base `v − 1` (wrapping: p0 is base `FFFF`), not a
/// field of its own: an `Option` beside the mask cost 18 instructions a Q/GDW 1376.1 frame
/// (callgrind, `Decoder::decode` over the Q/GDW 1376.1 fixtures: 528.1 -> 510.3 a frame).
#[derive(Clone, Debug)]
pub(crate) struct Bits {
    /// The bits not yet named.
    mask: u8,
    base: u16,
}

impl Bits {
    const fn mask(mask: u8, base: u16) -> Self {
        Self { mask, base }
    }

    const fn single(value: u16) -> Self {
        // Bit 0 names base + 1 (wrapping), i.e. `value` itself, for every u16.
        Self {
            mask: 1,
            base: value.wrapping_sub(1),
        }
    }
}

impl Iterator for Bits {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        // The lowest bit left, found at once and then cleared: stepping through the eight
        // positions one by one cost 75 instructions a Q/GDW 1376.1 frame more (callgrind,
        // `Decoder::decode` over the Q/GDW 1376.1 fixtures: 628.8 -> 553.7 a frame).
        if self.mask == 0 {
            return None;
        }
        // bit < 8; wrapping: a single value's base may be FFFF (p0) or FFFE (ALL_POINTS).
        let bit = self.mask.trailing_zeros();
        self.mask &= self.mask.wrapping_sub(1);
        let offset = u16::try_from(bit).unwrap_or(0).wrapping_add(1);
        Some(self.base.wrapping_add(offset))
    }
}

/// A four-byte data unit identifier.
pub(crate) fn unit_id(input: &[u8]) -> PResult<'_, UnitId> {
    let (rest, bytes) = take_array::<4>(input)?;
    Ok((rest, UnitId(bytes)))
}

/// A four-byte data unit identifier and the units it names; an identifier that names none
/// is an error at its first byte.
pub(crate) fn unit_list(input: &[u8]) -> PResult<'_, Units> {
    let (rest, id) = unit_id(input)?;
    match id.units() {
        Ok(units) => Ok((rest, units)),
        Err(kind) => fail(input, kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(bytes: [u8; 4]) -> Vec<(u16, u16)> {
        UnitId(bytes).units().unwrap().collect()
    }

    #[test]
    fn single_points_and_classes() {
        assert_eq!(units([0, 0, 1, 0]), [(0, 1)]);
        assert_eq!(units([0, 0, 4, 0]), [(0, 3)]);
        assert_eq!(units([0x02, 0x01, 0x01, 0x10]), [(2, 129)]);
        assert_eq!(units([0x80, 0xFF, 0x80, 0xFF]), [(2040, 2048)]);
        assert_eq!(units([0xFF, 0x00, 0x01, 0x00]), [(ALL_POINTS, 1)]);
        assert_eq!(units([0x05, 0x00, 0x01, 0x00]), [(0, 1)]);
    }

    #[test]
    fn masks_name_every_pair_points_first() {
        assert_eq!(
            units([0b101, 0x02, 0b11, 0x00]),
            [(9, 1), (9, 2), (11, 1), (11, 2)]
        );
        assert_eq!(units([0xFF, 0x01, 0xFF, 0x00]).len(), 64);
    }

    /// Every mask names its set bits in ascending order, as a walk over the eight positions
    /// does; a single value is named once.
    #[test]
    fn bits_name_every_set_bit_in_order() {
        for mask in 0..=u8::MAX {
            for base in [0u16, 8, 1016, 2040] {
                let walked: Vec<u16> = (0..8u16)
                    .filter(|bit| mask >> bit & 1 == 1)
                    .map(|bit| base + bit + 1)
                    .collect();
                assert_eq!(Bits::mask(mask, base).collect::<Vec<_>>(), walked);
            }
        }
        assert_eq!(Bits::single(7).collect::<Vec<_>>(), [7]);
        assert_eq!(Bits::single(0).collect::<Vec<_>>(), [0]);
        assert_eq!(Bits::single(ALL_POINTS).collect::<Vec<_>>(), [ALL_POINTS]);
    }

    /// The pairs are every point with every class, points first, as two nested loops over
    /// the points and the classes name them.
    #[test]
    fn units_are_every_point_with_every_class() {
        for da1 in 0..=u8::MAX {
            for da2 in [0u8, 1, 2, 0xFF] {
                for dt1 in [1u8, 2, 5, 0x81, 0xFF] {
                    for dt2 in [0u8, 3, 0xFF] {
                        let id = UnitId([da1, da2, dt1, dt2]);
                        let classes = id.classes().unwrap();
                        let nested: Vec<(u16, u16)> = id
                            .points()
                            .flat_map(|pn| classes.clone().map(move |fn_| (pn, fn_)))
                            .collect();
                        assert_eq!(units([da1, da2, dt1, dt2]), nested, "{:02X?}", id.0);
                    }
                }
            }
        }
    }

    #[test]
    fn identifiers_naming_nothing_are_errors() {
        assert_eq!(units([0, 1, 1, 0]), [(0, 1)]);
        assert_eq!(
            UnitId([0, 0, 0, 0]).classes().err(),
            Some(DecodeErrorKind::InvalidChoice {
                field: "DT1",
                value: 0
            })
        );
        assert!(unit_list(&[0, 0, 0, 0]).is_err());
        assert!(unit_list(&[0, 0, 1]).is_err());
        assert_eq!(unit_list(&[0, 0, 1, 0, 9]).unwrap().0, [9]);
    }

    #[test]
    fn every_identifier_is_total() {
        for da1 in 0..=u8::MAX {
            for da2 in [0u8, 1, 2, 0x80, 0xFF] {
                for dt1 in [0u8, 1, 0x81, 0xFF] {
                    for dt2 in [0u8, 1, 30, 0xFF] {
                        let id = UnitId([da1, da2, dt1, dt2]);
                        if let Ok(units) = id.units() {
                            let n = units.count();
                            let points = id.points().count();
                            assert_eq!(n, points * dt1.count_ones() as usize);
                            assert!(n <= 64);
                        }
                    }
                }
            }
        }
    }
}
