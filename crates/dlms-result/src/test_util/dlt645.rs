//! Builders of DL/T 645-2007 frames with valid checksums: any control code, address, data
//! identifier, data and error word.
//!
//! ```
//! use dlms_result::test_util::dlt645::{FrameBuilder, abnormal, read_response};
//! const METER: [u8; 6] = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00];
//! let ok = read_response(METER, 0x0001_0000, &[0x00, 0x00, 0x12, 0x34]);
//! assert_eq!(dlms_result::decode(&ok)?.service, "read-data-response");
//! let failed = abnormal(METER, 0x11, 0x02); // 无请求数据
//! let decoded = dlms_result::decode(&failed)?;
//! assert_eq!(decoded.results[0].code().map(|c| c.get()), Some(257));
//! let raw = FrameBuilder::new(METER, 0x94).preamble(4).build();
//! assert_eq!(dlms_result::decode(&raw)?.preamble_len, 4);
//! # Ok::<(), dlms_result::DecodeError>(())
//! ```

// Builders assert their ranges (L, group numbers) before narrowing.
#![allow(clippy::cast_possible_truncation)]

use crate::checksum::sum8;

/// Builds one frame; DATA is given as values and travels + 0x33.
#[derive(Clone, Debug)]
pub struct FrameBuilder {
    address: [u8; 6],
    control: u8,
    data: Vec<u8>,
    preamble: usize,
}

impl FrameBuilder {
    /// A frame to or from `address` (wire order, least-significant byte first) with control
    /// code `control` and no data.
    pub fn new(address: [u8; 6], control: u8) -> Self {
        Self {
            address,
            control,
            data: Vec::new(),
            preamble: 0,
        }
    }

    /// Appends a data identifier (DI3 DI2 DI1 DI0 as a number; DI0 travels first).
    #[must_use]
    pub fn data_id(mut self, id: u32) -> Self {
        self.data.extend_from_slice(&id.to_le_bytes());
        self
    }

    /// Appends data values (0x33 is added on the wire).
    #[must_use]
    pub fn data(mut self, values: &[u8]) -> Self {
        self.data.extend_from_slice(values);
        self
    }

    /// Puts `n` wake-up bytes `FE` before the frame.
    #[must_use]
    pub fn preamble(mut self, n: usize) -> Self {
        self.preamble = n;
        self
    }

    /// The frame's bytes, checksum computed.
    pub fn build(&self) -> Vec<u8> {
        assert!(self.data.len() <= 255, "L is one byte");
        let mut frame = vec![0xFE; self.preamble];
        let start = frame.len();
        frame.push(0x68);
        frame.extend_from_slice(&self.address);
        frame.push(0x68);
        frame.push(self.control);
        frame.push(self.data.len() as u8);
        frame.extend(self.data.iter().map(|v| v.wrapping_add(0x33)));
        frame.push(sum8(&frame[start..]));
        frame.push(0x16);
        frame
    }
}

/// A normal answer to read data (C = `91`): DI, then `value`.
pub fn read_response(address: [u8; 6], id: u32, value: &[u8]) -> Vec<u8> {
    FrameBuilder::new(address, 0x91)
        .data_id(id)
        .data(value)
        .build()
}

/// A read-data command (C = `11`) for `id`.
pub fn read_request(address: [u8; 6], id: u32) -> Vec<u8> {
    FrameBuilder::new(address, 0x11).data_id(id).build()
}

/// An abnormal answer to `function` (C = `0xC0 | function`) with the one-byte error word
/// `err`.
pub fn abnormal(address: [u8; 6], function: u8, err: u8) -> Vec<u8> {
    FrameBuilder::new(address, 0xC0 | (function & 0x1F))
        .data(&[err])
        .build()
}

/// An abnormal answer to security authentication (C = `C3`) with the two-byte error word
/// `serr` (low byte first).
pub fn security_abnormal(address: [u8; 6], serr: u16) -> Vec<u8> {
    FrameBuilder::new(address, 0xC3)
        .data(&serr.to_le_bytes())
        .build()
}

/// A normal answer without data to `function` (C = `0x80 | function`), e.g. write data.
pub fn acknowledge(address: [u8; 6], function: u8) -> Vec<u8> {
    FrameBuilder::new(address, 0x80 | (function & 0x1F)).build()
}
