//! Tolerant comparison of front-end message texts against the seed templates.
//!
//! Front-end versions write the same message with ASCII or full-width punctuation (`,`/`，`,
//! `:`/`：`, `{[`/`｛［`), with or without spaces (`设备 ID:` / `设备ID:`). Matching therefore
//! compares *folded* characters: whitespace is skipped, full-width ASCII (U+FF01–U+FF5E) is
//! mapped to ASCII, `【】` to `[]`, and ASCII letters are compared case-insensitively.

/// The comparison form of one character, or `None` for whitespace (skipped when comparing).
pub(crate) fn fold(ch: char) -> Option<char> {
    if ch.is_whitespace() {
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
    text.trim_matches(char::is_whitespace)
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
    let core = literal.trim_matches(char::is_whitespace);
    if core.is_empty() {
        return Some(from);
    }
    let text_start = rest.trim_start_matches(char::is_whitespace);
    if text_start.starts_with(core) {
        let skipped = rest.len().saturating_sub(text_start.len());
        return Some(from.saturating_add(skipped).saturating_add(core.len()));
    }
    match_folded(from, rest, literal)
}

/// [`match_literal`]'s general case: `rest` is the text from byte `from` on.
fn match_folded(from: usize, rest: &str, literal: &str) -> Option<usize> {
    let mut chars = rest
        .char_indices()
        .filter_map(|(index, ch)| fold(ch).map(|folded| (index, ch, folded)))
        .peekable();
    let mut end = from;
    for expected in literal.chars().filter_map(fold) {
        match chars.peek() {
            Some(&(index, ch, folded)) if folded == expected => {
                end = from.saturating_add(index).saturating_add(ch.len_utf8());
                chars.next();
            }
            _ if matches!(expected, ':' | ',') => {}
            _ => return None,
        }
    }
    Some(end)
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
    rest.char_indices()
        .filter(|&(_, ch)| !ch.is_whitespace())
        .find_map(|(index, _)| match_at(index))
}

/// Strips leading separators the front-end puts between a label and its value
/// (`:`, `：`, `为`, `=`, whitespace).
pub(crate) fn strip_value_separators(text: &str) -> &str {
    text.trim_start_matches(|ch: char| {
        ch.is_whitespace() || matches!(ch, ':' | '：' | '=' | '＝' | '为')
    })
}

/// Strips trailing separators after a value (`,`, `，`, `.`, `。`, `;`, `；`, whitespace).
pub(crate) fn strip_trailing_separators(text: &str) -> &str {
    text.trim_end_matches(|ch: char| {
        ch.is_whitespace() || matches!(ch, ',' | '，' | '.' | '。' | ';' | '；' | '、')
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

    proptest::proptest! {
        /// Where the text carries the literal's very bytes, the shortcut answers as the
        /// folding match does; elsewhere `match_literal` is the folding match.
        #[test]
        fn the_exact_prefix_shortcut_is_the_folding_match(
            before in proptest::collection::vec(0usize..64, 0..6),
            literal in proptest::collection::vec(0usize..64, 0..8),
            after in proptest::collection::vec(0usize..64, 0..6),
            exact: bool,
        ) {
            let literal = text_of(&literal);
            let before = text_of(&before);
            let text = if exact {
                format!("{before}{literal}{}", text_of(&after))
            } else {
                format!("{before}{}", text_of(&after))
            };
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
