//! Checksum repair, so that inputs found by the fuzzer (which runs with the checksum
//! comparisons off, see `cfg(fuzzing)`) reach the same code in a normal build.

use crate::checksum::{crc16_x25, sum8};

/// The wake-up byte.
const WAKE_UP: u8 = 0xFE;
/// The start byte.
const START: u8 = 0x68;

/// Recomputes the checksums of one protocol in a frame that starts at its `68`.
type Fix = fn(&mut [u8]) -> Option<()>;

/// `data` with its checksums recomputed, once for each protocol whose frame shape it has
/// (DL/T 698.45 HCS and FCS, DL/T 645-2007 CS, Q/GDW 1376.1 CS), leaving out copies equal to
/// `data`. Frames forwarded inside a frame keep their checksums.
pub fn repaired(data: &[u8]) -> Vec<Vec<u8>> {
    let start = data.iter().take_while(|&&b| b == WAKE_UP).count();
    let fixes: [Fix; 3] = [fix_698, fix_645, fix_1376];
    let mut out: Vec<Vec<u8>> = Vec::new();
    for fix in fixes {
        let mut copy = data.to_vec();
        let fixed = copy.get_mut(start..).and_then(fix).is_some();
        if fixed && copy != data && !out.contains(&copy) {
            out.push(copy);
        }
    }
    out
}

/// Writes `value` at `at`, if the frame reaches that far.
fn put(frame: &mut [u8], at: usize, value: &[u8]) -> Option<()> {
    frame
        .get_mut(at..at.checked_add(value.len())?)?
        .copy_from_slice(value);
    Some(())
}

/// DL/T 698.45: HCS over L … CA, FCS over L … user data (CRC-16/X-25, low byte first).
fn fix_698(frame: &mut [u8]) -> Option<()> {
    if *frame.first()? != START {
        return None;
    }
    let l_field = u16::from_le_bytes([*frame.get(1)?, *frame.get(2)?]);
    let value = usize::from(l_field & 0x3FFF);
    let length = if l_field & 0x4000 != 0 {
        value.checked_mul(1024)?
    } else {
        value
    };
    let total = length.checked_add(2)?;
    let sa_len = usize::from(*frame.get(4)? & 0x0F).checked_add(1)?;
    let hcs_at = sa_len.checked_add(6)?;
    let hcs = crc16_x25(frame.get(1..hcs_at)?);
    put(frame, hcs_at, &hcs.to_le_bytes())?;
    let fcs_at = total.checked_sub(3)?;
    if fcs_at > hcs_at.checked_add(1)? {
        let fcs = crc16_x25(frame.get(1..fcs_at)?);
        // A frame cut short keeps its repaired HCS.
        let _ = put(frame, fcs_at, &fcs.to_le_bytes());
    }
    Some(())
}

/// DL/T 645-2007: CS is the byte sum from the first 68 through the data.
fn fix_645(frame: &mut [u8]) -> Option<()> {
    if *frame.first()? != START || *frame.get(7)? != START {
        return None;
    }
    let cs_at = usize::from(*frame.get(9)?).checked_add(10)?;
    let cs = sum8(frame.get(..cs_at)?);
    put(frame, cs_at, &[cs])
}

/// Q/GDW 1376.1: CS is the byte sum of the user data (C … end), whose length is L's bits 2–15.
fn fix_1376(frame: &mut [u8]) -> Option<()> {
    if *frame.first()? != START || *frame.get(5)? != START {
        return None;
    }
    let user_len = usize::from(u16::from_le_bytes([*frame.get(1)?, *frame.get(2)?]) >> 2);
    let cs_at = user_len.checked_add(6)?;
    let cs = sum8(frame.get(6..cs_at)?);
    put(frame, cs_at, &[cs])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{dlt645, dlt698, gdw1376};

    fn damaged(mut frame: Vec<u8>, at: &[usize]) -> Vec<u8> {
        for &i in at {
            frame[i] ^= 0x5A;
        }
        frame
    }

    #[test]
    fn repairs_each_protocol() {
        let apdu = dlt698::Response::set_normal(0x4000_0200, 3).finish();
        let good = dlt698::FrameBuilder::response().preamble(2).build(&apdu);
        let n = good.len();
        let bad = damaged(good.clone(), &[2 + 12, n - 3]);
        assert!(crate::decode(&bad).is_err());
        assert!(repaired(&bad).contains(&good));

        let good = dlt645::abnormal([1, 0, 0, 0, 0, 0], 0x11, 0x02);
        let n = good.len();
        let bad = damaged(good.clone(), &[n - 2]);
        assert!(repaired(&bad).contains(&good));

        let good = gdw1376::deny_all().build();
        let n = good.len();
        let bad = damaged(good.clone(), &[n - 2]);
        assert!(repaired(&bad).contains(&good));
    }

    #[test]
    fn leaves_intact_and_short_inputs_alone() {
        let good = gdw1376::confirm_all().build();
        assert!(!repaired(&good).contains(&good));
        for cut in 0..good.len() {
            let _ = repaired(&good[..cut]);
        }
        assert!(repaired(&[]).is_empty());
        assert!(repaired(&[0xFE, 0xFE]).is_empty());
    }
}
