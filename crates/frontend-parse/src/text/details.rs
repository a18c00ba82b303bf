//! The details list of a front-end text: `异常内容{[暂时失效]}`, `{[a],[b]}`, `｛［a］｝`.

use super::fold::trim;

/// Finds the details group of a message and returns its inside: the text between the first
/// `{` (or `｛`) and its matching close (or the end, if the text was cut). Without braces, a
/// bare `[a],[b]` list from the first `[` on is taken. Empty when there is neither.
pub(crate) fn find_group(message: &str) -> &str {
    if let Some(open) = find_first(message, &['{', '｛']) {
        let inner_start = open.saturating_add(char_len_at(message, open));
        let inner = message.get(inner_start..).unwrap_or_default();
        let mut depth = 0usize;
        for (index, ch) in inner.char_indices() {
            match ch {
                '{' | '｛' => depth = depth.saturating_add(1),
                '}' | '｝' if depth == 0 => return inner.get(..index).unwrap_or(inner),
                '}' | '｝' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        return inner;
    }
    find_first(message, &['[', '［', '【'])
        .and_then(|open| message.get(open..))
        .unwrap_or_default()
}

/// The first position of any of `chars`: the same as `message.find(chars)`, found with one
/// byte search (`memchr3`) for the characters' first UTF-8 bytes, each hit checked for a whole
/// character. A search per character (`str::find`) cost about 700 instructions on a Chinese
/// message, since the full-width forms' last byte, which it looks for, is common in Chinese
/// text; decoding and comparing every character is dearer still. More than three distinct
/// first bytes fall back to `str::find`.
fn find_first(message: &str, chars: &[char]) -> Option<usize> {
    let mut leads = [0u8; 3];
    let mut distinct = 0usize;
    for &ch in chars {
        let mut encoded = [0u8; 4];
        let lead = ch.encode_utf8(&mut encoded).as_bytes().first().copied()?;
        if leads
            .get(..distinct)
            .is_some_and(|known| known.contains(&lead))
        {
            continue;
        }
        let Some(slot) = leads.get_mut(distinct) else {
            return message.find(chars);
        };
        *slot = lead;
        distinct = distinct.saturating_add(1);
    }
    // Unused slots repeat the first byte (a byte search takes exactly three).
    let [first, second, third] = leads;
    let second = if distinct > 1 { second } else { first };
    let third = if distinct > 2 { third } else { first };
    // A first byte of UTF-8 is never inside a character: every hit is a character boundary.
    memchr::memchr3_iter(first, second, third, message.as_bytes()).find(|&at| {
        message
            .get(at..)
            .is_some_and(|rest| chars.iter().any(|&ch| rest.starts_with(ch)))
    })
}

fn char_len_at(text: &str, index: usize) -> usize {
    text.get(index..)
        .and_then(|rest| rest.chars().next())
        .map_or(1, char::len_utf8)
}

/// The items of a details group, in order: split at top-level commas (ASCII or full-width),
/// each trimmed and stripped of its brackets; empty items are skipped.
#[derive(Clone, Debug)]
pub struct Details<'a> {
    rest: &'a str,
}

impl<'a> Details<'a> {
    pub(crate) fn new(inner: &'a str) -> Self {
        Self { rest: inner }
    }
}

impl<'a> Iterator for Details<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        while !self.rest.is_empty() {
            let mut depth = 0usize;
            let mut split = None;
            for (index, ch) in self.rest.char_indices() {
                match ch {
                    '[' | '［' | '【' => depth = depth.saturating_add(1),
                    ']' | '］' | '】' => depth = depth.saturating_sub(1),
                    ',' | '，' | '、' if depth == 0 => {
                        split = Some((index, index.saturating_add(ch.len_utf8())));
                        break;
                    }
                    _ => {}
                }
            }
            let (item, rest) = match split {
                Some((end, next)) => (
                    self.rest.get(..end).unwrap_or_default(),
                    self.rest.get(next..).unwrap_or_default(),
                ),
                None => (self.rest, ""),
            };
            self.rest = rest;
            let item = strip_brackets(item);
            if !item.is_empty() {
                return Some(item);
            }
        }
        None
    }
}

/// Trims and removes surrounding brackets (`[[a]]` → `a`; an unclosed `[a` of a cut text → `a`).
fn strip_brackets(item: &str) -> &str {
    let item = trim(item)
        .trim_start_matches(|ch: char| matches!(ch, '[' | '［' | '【') || ch.is_whitespace())
        .trim_end_matches(|ch: char| matches!(ch, ']' | '］' | '】') || ch.is_whitespace());
    trim(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// `find_first` is `str::find` with a set of characters.
        #[test]
        fn find_first_is_find(indices in proptest::collection::vec(0usize..13, 0..16)) {
            const ALPHABET: [char; 13] =
                ['{', '｛', '[', '［', '【', 'a', '异', '，', ']', '}', ' ', '｝', '\u{ff}'];
            let message: String = indices.iter().map(|&index| ALPHABET[index]).collect();
            // The sets of `find_group`, one of a single character, one of more than three
            // first bytes.
            for set in [
                &['{', '｛'][..],
                &['[', '［', '【'][..],
                &['｝'][..],
                &['a', '{', '异', '【', '\u{ff}'][..],
            ] {
                proptest::prop_assert_eq!(find_first(&message, set), message.find(set));
            }
        }
    }

    fn items(message: &str) -> Vec<&str> {
        Details::new(find_group(message)).collect()
    }

    #[test]
    fn forms() {
        assert_eq!(items("异常内容{[暂时失效]}"), ["暂时失效"]);
        assert_eq!(
            items("异常内容{[暂时失效],[拒绝读写]}"),
            ["暂时失效", "拒绝读写"]
        );
        assert_eq!(
            items("异常内容｛［暂时失效］，［拒绝读写］｝"),
            ["暂时失效", "拒绝读写"]
        );
        assert_eq!(
            items("异常内容{暂时失效,拒绝读写}"),
            ["暂时失效", "拒绝读写"]
        );
        assert_eq!(items("异常内容{[a,b],[c]}"), ["a,b", "c"]);
        assert_eq!(items("异常内容{[]}"), Vec::<&str>::new());
        assert_eq!(items("异常内容{}"), Vec::<&str>::new());
        assert_eq!(items("异常内容"), Vec::<&str>::new());
        assert_eq!(items("异常内容{[暂时失效"), ["暂时失效"]);
        assert_eq!(items("异常内容[暂时失效]"), ["暂时失效"]);
        assert_eq!(items("x{[a]} y {[b]}"), ["a"]);
        assert_eq!(items("{ [ 暂时失效 ] , }"), ["暂时失效"]);
    }
}
