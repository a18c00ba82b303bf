//! Tolerant comparison of front-end message texts against the seed templates.
//!
//! Front-end versions write the same message with ASCII or full-width punctuation (`,`/`，`,
//! `:`/`：`, `{[`/`｛［`), with or without spaces (`设备 ID:` / `设备ID:`). Matching therefore
//! compares *folded* characters: whitespace is skipped, full-width ASCII (U+FF01–U+FF5E) is
//! mapped to ASCII, `【】` to `[]`, and ASCII letters are compared case-insensitively.

/// `char::is_whitespace`, without its Unicode table lookup for the characters above
/// U+3000 (the ideographic space, the last Unicode `White_Space` character): the Chinese
/// text of every message, where the lookup was most of the cost of folding a character.
/// `is_space_is_is_whitespace` checks every character.
pub(crate) fn is_space(ch: char) -> bool {
    ch <= '\u{3000}' && ch.is_whitespace()
}

/// The comparison form of one character, or `None` for whitespace (skipped when comparing).
pub(crate) fn fold(ch: char) -> Option<char> {
    if is_space(ch) {
        return None;
    }
    let ch = match ch {
        '\u{FF01}'..='\u{FF5E}' => u32::from(ch)
            .checked_sub(0xFEE0)
            .and_then(char::from_u32)
            .unwrap_or(ch),
        '【' => '[',
        '】' => ']',
        '、' => ',',
        _ => ch,
    };
    Some(ch.to_ascii_lowercase())
}

/// Trims whitespace (ASCII, ideographic space, any Unicode whitespace) from both ends.
pub(crate) fn trim(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// If `literal` matches `text` starting at byte `from` (folded, whitespace skipped on both
/// sides), the byte index just after the last matched character of `text`.
///
/// A `:` or `,` of the literal is optional: front-end versions drop them (`为:xxx` / `为xxx`).
pub(crate) fn match_literal(text: &str, from: usize, literal: &str) -> Option<usize> {
    let rest = text.get(from..)?;
    // Front-ends nearly always write the template's very bytes (up to the whitespace around
    // it, which folding skips on both sides). Then every character of the literal meets
    // itself, and the match ends after the last one: the answer of the folding loop below,
    // without folding (a Unicode whitespace lookup per character, which made the first
    // literal of a long Chinese message cost thousands of instructions).
    // `the_exact_prefix_shortcut_is_the_folding_match` holds the two together.
    let core = literal.trim_matches(is_space);
    if core.is_empty() {
        return Some(from);
    }
    let text_start = rest.trim_start_matches(is_space);
    if text_start.starts_with(core) {
        let skipped = rest.len().saturating_sub(text_start.len());
        return Some(from.saturating_add(skipped).saturating_add(core.len()));
    }
    match_folded(from, rest, literal)
}

/// [`match_literal`]'s general case: `rest` is the text from byte `from` on.
///
/// Each character of the literal, folded, meets the text's next character that is not
/// whitespace, folded; an optional `:` or `,` the text lacks is passed over. Where the two
/// sides run on with the very same bytes, those characters are taken without decoding or
/// folding them: a message written with other punctuation than the template's (`，` for `,`,
/// `｛［` for `{[`) is otherwise the template's own characters, and folding them one by one
/// cost about 70 instructions a Chinese character. (The same characters agree folded, and
/// whitespace on both sides is skipped either way.)
/// `the_same_characters_are_taken_as_folding_takes_them` holds it to the character-by-
/// character folding.
fn match_folded(from: usize, rest: &str, literal: &str) -> Option<usize> {
    let (mut text, mut literal) = (rest, literal);
    let mut end = from;
    // Where `text` (a suffix of `rest`) starts in the whole message.
    let at = |text: &str| from.saturating_add(rest.len().saturating_sub(text.len()));
    loop {
        let same = same_characters(text, literal);
        if let (Some(taken), Some(text_after), Some(literal_after)) =
            (text.get(..same), text.get(same..), literal.get(same..))
        {
            if let Some((index, ch)) = taken.char_indices().rev().find(|&(_, ch)| !is_space(ch)) {
                end = at(text).saturating_add(index).saturating_add(ch.len_utf8());
            }
            (text, literal) = (text_after, literal_after);
        }
        let mut literal_chars = literal.chars();
        let Some(expected) = literal_chars.next() else {
            return Some(end);
        };
        literal = literal_chars.as_str();
        let Some(expected) = fold(expected) else {
            continue;
        };
        let next = text.trim_start_matches(is_space);
        match next.chars().next() {
            Some(ch) if fold(ch) == Some(expected) => {
                end = at(next).saturating_add(ch.len_utf8());
                text = next.get(ch.len_utf8()..).unwrap_or_default();
            }
            _ if matches!(expected, ':' | ',') => {}
            _ => return None,
        }
    }
}

/// The length in bytes of the longest common prefix of `a` and `b` that ends on a character
/// boundary (of both: up to it they are the same bytes), eight bytes a step.
fn same_characters(a: &str, b: &str) -> usize {
    let (a_bytes, b_bytes) = (a.as_bytes(), b.as_bytes());
    let mut same = 0usize;
    loop {
        let words = (
            a_bytes.get(same..).and_then(<[u8]>::first_chunk::<8>),
            b_bytes.get(same..).and_then(<[u8]>::first_chunk::<8>),
        );
        let (Some(&a_word), Some(&b_word)) = words else {
            break;
        };
        let differ = u64::from_le_bytes(a_word) ^ u64::from_le_bytes(b_word);
        if differ != 0 {
            same = same.saturating_add((differ.trailing_zeros() / 8) as usize);
            return floor_boundary(a, same);
        }
        same = same.saturating_add(8);
    }
    let tail = a_bytes
        .get(same..)
        .unwrap_or_default()
        .iter()
        .zip(b_bytes.get(same..).unwrap_or_default())
        .take_while(|(x, y)| x == y)
        .count();
    floor_boundary(a, same.saturating_add(tail))
}

/// The largest character boundary of `text` at or below `index`.
fn floor_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index = index.saturating_sub(1);
    }
    index
}

/// The first occurrence of `literal` in `text` at or after byte `from`: `(start, end)` byte
/// indices of the matched region. An empty (after folding) literal matches at `from`.
pub(crate) fn find_literal(text: &str, from: usize, literal: &str) -> Option<(usize, usize)> {
    let rest = text.get(from..)?;
    let Some(first) = literal.chars().find_map(fold) else {
        return Some((from, from));
    };
    let match_at = |index: usize| {
        let start = from.saturating_add(index);
        match_literal(text, start, literal).map(|end| (start, end))
    };
    if !first.is_ascii() {
        // Only a non-ASCII character folds to itself ([`fold`] maps full-width forms, `【】`
        // and `、` to ASCII), and it is neither optional nor whitespace: a match can only
        // start where that very character stands. The standard library finds those with a
        // byte search, instead of folding every character of a long Chinese message.
        return rest
            .match_indices(first)
            .find_map(|(index, _)| match_at(index));
    }
    // A match starting at a character takes it with the literal's first character that is
    // not optional, or with an optional one before it: anywhere else the folding match
    // fails at once, and is not tried (a literal like `,设备 ID:` was tried at every
    // character of the value before it).
    let could_start = |ch: char| {
        let folded = fold(ch);
        for expected in literal.chars().filter_map(fold) {
            if folded == Some(expected) {
                return true;
            }
            if !matches!(expected, ':' | ',') {
                return false;
            }
        }
        true
    };
    rest.char_indices()
        .filter(|&(_, ch)| !is_space(ch) && could_start(ch))
        .find_map(|(index, _)| match_at(index))
}

/// Strips leading separators the front-end puts between a label and its value
/// (`:`, `：`, `为`, `=`, whitespace).
pub(crate) fn strip_value_separators(text: &str) -> &str {
    text.trim_start_matches(|ch: char| is_space(ch) || matches!(ch, ':' | '：' | '=' | '＝' | '为'))
}

/// Strips trailing separators after a value (`,`, `，`, `.`, `。`, `;`, `；`, whitespace).
pub(crate) fn strip_trailing_separators(text: &str) -> &str {
    text.trim_end_matches(|ch: char| {
        is_space(ch) || matches!(ch, ',' | '，' | '.' | '。' | ';' | '；' | '、')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_punctuation_and_spaces() {
        assert_eq!(fold('，'), Some(','));
        assert_eq!(fold('：'), Some(':'));
        assert_eq!(fold('｛'), Some('{'));
        assert_eq!(fold('［'), Some('['));
        assert_eq!(fold('Ｉ'), Some('i'));
        assert_eq!(fold('\u{3000}'), None);
        assert_eq!(fold(' '), None);
        assert_eq!(fold('终'), Some('终'));
    }

    #[test]
    fn literal_matching_skips_spaces_and_folds() {
        let text = "设备类型METER，设备 ID：42请下装";
        let (start, end) = find_literal(text, 0, ",设备ID:").unwrap();
        assert_eq!(&text[..start], "设备类型METER");
        assert_eq!(&text[end..], "42请下装");
        assert_eq!(match_literal("abc", 0, "abd"), None);
        assert_eq!(match_literal("ab", 0, "abc"), None);
        assert_eq!(match_literal("为12", 0, "为:"), Some("为".len()));
        assert_eq!(find_literal("abc", 0, ""), Some((0, 0)));
        assert_eq!(find_literal("abc", 9, "a"), None);
    }

    /// Characters that fold, are skipped or are optional, and plain ones.
    const ALPHABET: &[char] = &[
        'a', 'A', 'Ａ', 'ａ', ':', '：', ',', '，', '、', '[', '【', ']', '】', ' ', '\u{3000}',
        '\t', '设', '备', 'I', 'D', '为', '1', '2',
    ];

    fn text_of(indices: &[usize]) -> String {
        indices
            .iter()
            .map(|&index| ALPHABET[index % ALPHABET.len()])
            .collect()
    }

    #[test]
    fn is_space_is_is_whitespace() {
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_space(ch), ch.is_whitespace(), "{ch:?}");
        }
    }

    /// The folding match character by character, as [`match_folded`] reads without its
    /// shortcut for the same characters.
    fn match_folded_by_character(from: usize, rest: &str, literal: &str) -> Option<usize> {
        let mut chars = rest
            .char_indices()
            .filter_map(|(index, ch)| fold(ch).map(|folded| (index, ch, folded)))
            .peekable();
        let mut end = from;
        for expected in literal.chars().filter_map(fold) {
            match chars.peek() {
                Some(&(index, ch, folded)) if folded == expected => {
                    end = from + index + ch.len_utf8();
                    chars.next();
                }
                _ if matches!(expected, ':' | ',') => {}
                _ => return None,
            }
        }
        Some(end)
    }

    /// A literal of the alphabet and a text: something, then (when `exact`) the literal's
    /// very characters, then something else.
    fn text_and_literal() -> impl proptest::strategy::Strategy<Value = (String, String)> {
        use proptest::strategy::Strategy as _;
        let piece = |max| proptest::collection::vec(0usize..64, 0..max);
        (piece(6), piece(8), piece(6), proptest::bool::ANY).prop_map(
            |(before, literal, after, exact)| {
                let literal = text_of(&literal);
                let before = text_of(&before);
                let text = if exact {
                    format!("{before}{literal}{}", text_of(&after))
                } else {
                    format!("{before}{}", text_of(&after))
                };
                (text, literal)
            },
        )
    }

    proptest::proptest! {
        /// The same characters on both sides are taken as folding takes them.
        #[test]
        fn the_same_characters_are_taken_as_folding_takes_them((text, literal) in text_and_literal()) {
            for (from, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let rest = &text[from..];
                proptest::prop_assert_eq!(
                    match_folded(from, rest, &literal),
                    match_folded_by_character(from, rest, &literal),
                    "{:?} from {} against {:?}", text, from, literal
                );
            }
        }
    }

    proptest::proptest! {
        /// Where the text carries the literal's very bytes, the shortcut answers as the
        /// folding match does; elsewhere `match_literal` is the folding match.
        #[test]
        fn the_exact_prefix_shortcut_is_the_folding_match((text, literal) in text_and_literal()) {
            for (from, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let rest = &text[from..];
                proptest::prop_assert_eq!(
                    match_literal(&text, from, &literal),
                    match_folded(from, rest, &literal),
                    "{:?} from {} against {:?}", text, from, literal
                );
            }
        }
    }

    /// [`find_literal`] as it reads without its shortcut: every non-whitespace position tried.
    fn find_everywhere(text: &str, from: usize, literal: &str) -> Option<(usize, usize)> {
        let rest = text.get(from..)?;
        if literal.chars().all(char::is_whitespace) {
            return Some((from, from));
        }
        rest.char_indices()
            .filter(|&(_, ch)| !ch.is_whitespace())
            .find_map(|(index, _)| {
                let start = from + index;
                match_folded(start, &text[start..], literal).map(|end| (start, end))
            })
    }

    proptest::proptest! {
        /// Searching only where a non-ASCII first character stands finds what trying every
        /// position finds.
        #[test]
        fn the_search_finds_what_every_position_finds(
            text in proptest::collection::vec(0usize..64, 0..12),
            literal in proptest::collection::vec(0usize..64, 0..5),
        ) {
            let (text, literal) = (text_of(&text), text_of(&literal));
            for (from, _) in text.char_indices().chain([(text.len(), ' ')]) {
                proptest::prop_assert_eq!(
                    find_literal(&text, from, &literal),
                    find_everywhere(&text, from, &literal),
                    "{:?} from {} for {:?}", text, from, literal
                );
            }
        }
    }

    #[test]
    fn separators() {
        assert_eq!(strip_value_separators("： 为120"), "120");
        assert_eq!(strip_trailing_separators("METER， "), "METER");
    }
}
