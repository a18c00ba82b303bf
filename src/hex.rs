//! Frame text → bytes: plain hex (with or without spaces, `0x` prefixes, commas) or a log line
//! of the front-end (入库报文 / 上行报文 / 下行报文 …) where the hex is surrounded by text.

/// Why a line could not be read as a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HexError {
    /// The line holds no hex at all.
    Empty,
    /// The hex digits do not pair up into bytes (an odd count).
    OddDigits,
    /// A character that is neither hex nor a separator, in a line without surrounding text.
    BadCharacter {
        /// Character position (0-based) in the line.
        at: usize,
    },
}

impl core::fmt::Display for HexError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Empty => f.write_str("no hex bytes found"),
            Self::OddDigits => f.write_str("odd number of hex digits"),
            Self::BadCharacter { at } => write!(f, "not a hex digit at character {at}"),
        }
    }
}

/// Reads one frame from a line of text.
///
/// - Plain hex: every token is hex (`68 17 00`, `681700`, `0x68,0x17`, `68-17-00`); the bytes
///   are taken as they are, so a damaged frame is reported by the decoder, not hidden here.
/// - Log line: the longest run of hex tokens is the frame (timestamps, words and log
///   punctuation break runs); bytes before the first `FE`/`68` and after the last `16` of that
///   run are dropped, because log prefixes such as `cafe` or a trailing sequence number can
///   touch the frame.
///
/// # Errors
/// No hex in the line, an odd number of digits, or a stray character in a plain-hex line.
pub fn frame_from_line(line: &str) -> Result<Vec<u8>, HexError> {
    let line = line.trim_start_matches('\u{feff}').trim();
    if line.is_empty() {
        return Err(HexError::Empty);
    }
    let tokens = tokens(line);
    let all_hex = tokens.iter().all(|t| t.hex.is_some());
    if all_hex && !looks_like_log(line) {
        let mut bytes = Vec::new();
        let mut digits = String::new();
        for t in &tokens {
            digits.push_str(t.hex.unwrap_or(""));
        }
        if digits.is_empty() {
            return Err(HexError::Empty);
        }
        if !digits.len().is_multiple_of(2) {
            return Err(HexError::OddDigits);
        }
        push_pairs(&digits, &mut bytes);
        return Ok(bytes);
    }
    if !looks_like_log(line) {
        let at = line
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_hexdigit() || is_separator(c) || c == 'x' || c == 'X'))
            .map_or(0, |(i, _)| line[..i].chars().count());
        return Err(HexError::BadCharacter { at });
    }
    // Runs of consecutive even-length hex tokens; the best is the longest frame-shaped one
    // (from the first `FE`/`68` to the last `16`), else the longest run.
    let mut runs: Vec<Vec<u8>> = Vec::new();
    let mut current = Vec::new();
    for t in &tokens {
        if t.breaks_run && !current.is_empty() {
            runs.push(core::mem::take(&mut current));
        }
        match t.hex.filter(|h| h.len() % 2 == 0) {
            Some(h) => push_pairs(h, &mut current),
            None => {
                if !current.is_empty() {
                    runs.push(core::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    let framed = runs
        .iter()
        .filter_map(|run| frame_shaped(run))
        .max_by_key(|frame| frame.len());
    let bytes = match framed {
        Some(frame) => frame.to_vec(),
        None => runs.into_iter().max_by_key(Vec::len).unwrap_or_default(),
    };
    if bytes.is_empty() {
        Err(HexError::Empty)
    } else {
        Ok(bytes)
    }
}

/// The part of a run from its first `FE`/`68` to its last `16`, if it has both in that order.
fn frame_shaped(run: &[u8]) -> Option<&[u8]> {
    let first = run.iter().position(|&b| b == 0x68 || b == 0xFE)?;
    let last = run.iter().rposition(|&b| b == 0x16)?;
    run.get(first..=last).filter(|frame| frame.len() > 1)
}

#[derive(Debug)]
struct Token<'a> {
    /// The hex digits of the token (without a `0x` prefix), if the token is hex.
    hex: Option<&'a str>,
    /// Whether log text (anything but separators: `:`, `[`, CJK words, …) stands between the
    /// previous token and this one: then the two cannot belong to one frame, whose bytes are
    /// written with separators only (`68 AB CD 入库报文: 68 17 …` is two runs, not one).
    breaks_run: bool,
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '-' | '_' | '|' | '\'' | '"')
}

/// A line counts as a log line when it has a character that can be neither hex nor a
/// separator nor part of a `0x` prefix (letters beyond `f`, CJK text, `:`, `[`, …).
fn looks_like_log(line: &str) -> bool {
    line.chars()
        .any(|c| !(c.is_ascii_hexdigit() || is_separator(c) || c == 'x' || c == 'X'))
}

fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut breaks_run = false;
    let mut start = None;
    for (at, c) in line.char_indices() {
        if c.is_ascii_alphanumeric() {
            start.get_or_insert(at);
            continue;
        }
        if let Some(from) = start.take() {
            tokens.push(token(line.get(from..at).unwrap_or_default(), breaks_run));
            breaks_run = false;
        }
        breaks_run |= !is_separator(c);
    }
    if let Some(from) = start {
        tokens.push(token(line.get(from..).unwrap_or_default(), breaks_run));
    }
    tokens
}

fn token(text: &str, breaks_run: bool) -> Token<'_> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let hex =
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit())).then_some(digits);
    Token { hex, breaks_run }
}

fn push_pairs(digits: &str, out: &mut Vec<u8>) {
    for pair in digits.as_bytes().chunks_exact(2) {
        let text = core::str::from_utf8(pair).unwrap_or("00");
        out.push(u8::from_str_radix(text, 16).unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: [u8; 6] = [0x68, 0x17, 0x00, 0x43, 0x05, 0x16];

    #[test]
    fn plain_forms() {
        for text in [
            "68 17 00 43 05 16",
            "681700430516",
            "0x68 0x17 0x00 0x43 0x05 0x16",
            "0x68,0x17,0x00,0x43,0x05,0x16",
            "68-17-00-43-05-16",
            "  68170043 0516  \r",
            "\u{feff}68 17 00 43 05 16",
        ] {
            assert_eq!(frame_from_line(text).unwrap(), FRAME, "{text:?}");
        }
    }

    #[test]
    fn log_lines() {
        for text in [
            "2023-03-14 16:08:22.123 [INFO] 入库报文: 68 17 00 43 05 16",
            "2023-03-14 16:08:22 上行报文:681700430516 长度:6",
            "[RECV][1147186771] FE FE FE FE 68 17 00 43 05 16 (6 bytes)",
            "recv cafe 68 17 00 43 05 16 ok",
            "下行报文【68 17 00 43 05 16】",
            // Hex-looking log text before the frame is another run, not the frame's start.
            "[2026-01-02 10:00:00] 68 AB CD 入库报文: 68 17 00 43 05 16",
            "seq 68 ab: 68 17 00 43 05 16",
        ] {
            let bytes = frame_from_line(text).unwrap();
            let start = bytes
                .iter()
                .position(|&b| b == 0x68)
                .unwrap_or_else(|| panic!("{text:?} -> {bytes:02X?}"));
            assert_eq!(&bytes[start..], FRAME, "{text:?}");
        }
    }

    #[test]
    fn errors() {
        assert_eq!(frame_from_line("   "), Err(HexError::Empty));
        assert_eq!(frame_from_line("68 1"), Err(HexError::OddDigits));
        assert_eq!(
            frame_from_line("no hex here at all: zz"),
            Err(HexError::Empty)
        );
    }
}
