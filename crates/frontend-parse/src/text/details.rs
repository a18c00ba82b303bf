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

/// The first position of any of `chars`: the same as `message.find(chars)`, but one search
/// per character, each a byte search (`memchr`) in the standard library, instead of
/// decoding and comparing every character of the message (most messages have none of them).
fn find_first(message: &str, chars: &[char]) -> Option<usize> {
    let mut first: Option<usize> = None;
    for &ch in chars {
        let within = first.map_or(message, |end| message.get(..end).unwrap_or(message));
        if let Some(found) = within.find(ch) {
            first = Some(found);
        }
    }
    first
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
        fn find_first_is_find(indices in proptest::collection::vec(0usize..12, 0..16)) {
            const ALPHABET: [char; 12] =
                ['{', '｛', '[', '［', '【', 'a', '异', '，', ']', '}', ' ', '｝'];
            let message: String = indices.iter().map(|&index| ALPHABET[index]).collect();
            for set in [&['{', '｛'][..], &['[', '［', '【'][..]] {
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
