//! One `devDataList` element (seed 000 §2.2), read tolerantly from a simd-json tape.
//!
//! Only the fields the failure rules need are read; every other value (`dataItem` values of
//! any shape, unknown keys) is skipped in O(1) using the tape's subtree sizes.

mod field;
mod parser;

use simd_json::value::tape::Node;

pub use field::FieldText;
pub use parser::{ElementError, ElementErrorKind, ElementParser};

/// The `errorCode` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCodeField<'a> {
    /// Missing, `null`, `""`, `0` or `false`: no front-end error.
    Absent,
    /// A non-empty text (`TK013前置…`).
    Text(&'a str),
    /// Some other value (a non-zero number, an object…): an error without a readable text.
    Unreadable,
}

impl<'a> ErrorCodeField<'a> {
    /// The text, if the field is one.
    pub fn text(&self) -> Option<&'a str> {
        match *self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Whether the element carries an error code at all.
    pub fn is_present(&self) -> bool {
        !matches!(self, Self::Absent)
    }
}

/// One data item (`dataItem[i]`): its id and response flag; other keys are ignored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataItem<'a> {
    /// `dataItemId`.
    pub data_item_id: Option<FieldText<'a>>,
    /// `responseFlag`, read from a number or a numeric string.
    pub response_flag: Option<i64>,
}

/// Items with fewer keys are not checked for being a swallowed element.
const NESTED_ELEMENT_MIN_KEYS: usize = 4;

/// A parsed element. Strings borrow the parser's buffer; `dataItem` is read lazily.
#[derive(Clone, Debug)]
pub struct Element<'a> {
    /// `devSn`, the device serial.
    pub dev_sn: Option<FieldText<'a>>,
    /// `commDevId`, the terminal (communication device) id.
    pub comm_dev_id: Option<FieldText<'a>>,
    /// `devType` (`METER`, …).
    pub dev_type: Option<FieldText<'a>>,
    /// `cmdType` (`PROXY_TRANS_GET_REQUEST`, …).
    pub cmd_type: Option<FieldText<'a>>,
    /// `errorCode`.
    pub error_code: ErrorCodeField<'a>,
    /// `succ`, from `"0"`/`"1"`, `0`/`1` or a boolean; `None` when missing or unreadable.
    pub succ: Option<bool>,
    /// `frameNum`.
    pub frame_num: Option<i64>,
    items: Items<'a>,
    known_keys: u16,
    document_key: bool,
}

impl<'a> Element<'a> {
    /// Reads an element from the nodes of one object (`nodes[0]` is the object).
    pub(crate) fn from_tape(nodes: &'a [Node<'a>]) -> Option<Self> {
        let Some(&Node::Object { len, .. }) = nodes.first() else {
            return None;
        };
        let mut element = Self {
            dev_sn: None,
            comm_dev_id: None,
            dev_type: None,
            cmd_type: None,
            error_code: ErrorCodeField::Absent,
            succ: None,
            frame_num: None,
            items: Items::EMPTY,
            known_keys: 0,
            document_key: false,
        };
        let mut index = 1usize;
        for _ in 0..len {
            let Some(Node::String(key)) = nodes.get(index) else {
                break;
            };
            let value_index = index.saturating_add(1);
            let Some(value) = nodes.get(value_index) else {
                break;
            };
            element.read_field(key, value, nodes.get(value_index..).unwrap_or_default());
            index = value_index.saturating_add(node_size(value));
        }
        Some(element)
    }

    fn read_field(&mut self, key: &str, value: &Node<'a>, subtree: &'a [Node<'a>]) {
        // One match per key: this runs for every key of every element.
        let known = match key {
            "devSn" => {
                self.dev_sn = FieldText::from_node(value);
                true
            }
            "commDevId" => {
                self.comm_dev_id = FieldText::from_node(value);
                true
            }
            "devType" => {
                self.dev_type = FieldText::from_node(value);
                true
            }
            "cmdType" => {
                self.cmd_type = FieldText::from_node(value);
                true
            }
            "errorCode" => {
                self.error_code = error_code(value);
                true
            }
            "succ" => {
                self.succ = field::boolean(value);
                true
            }
            "frameNum" => {
                self.frame_num = field::integer(value);
                true
            }
            "dataItem" => {
                self.items = Items::from_value(subtree);
                true
            }
            "devDataList" => {
                self.document_key = true;
                false
            }
            "endTime" | "operator" | "rop" | "startTime" => true,
            _ => false,
        };
        self.known_keys |= u16::from(known);
    }

    /// The data items, in order.
    pub fn items(&self) -> Items<'a> {
        self.items.clone()
    }

    /// Whether a data item carries element keys (`devSn`, `commDevId`, `cmdType`, …): then
    /// this "element" is really a damaged element that swallowed the elements after it.
    pub fn has_nested_element(&self) -> bool {
        let mut items = self.items.clone();
        while items.remaining > 0 {
            items.remaining = items.remaining.saturating_sub(1);
            let Some(&node) = items.nodes.first() else {
                break;
            };
            let size = node_size(&node);
            let (entry, rest) = items
                .nodes
                .split_at_checked(size)
                .unwrap_or((items.nodes, &[]));
            items.nodes = rest;
            // A data item has two or three keys (`dataItemId`, `responseFlag`, `value`); an
            // element has a dozen, so only larger items are looked into.
            if let Node::Object { len, .. } = node
                && len >= NESTED_ELEMENT_MIN_KEYS
                && object_keys(entry, len).any(|key| {
                    matches!(
                        key,
                        "devSn" | "commDevId" | "cmdType" | "devType" | "errorCode" | "succ"
                    )
                })
            {
                return true;
            }
        }
        false
    }

    /// Whether the object has a `devDataList` key: a whole document where an element was
    /// expected (the previous document lost its end).
    pub fn is_document(&self) -> bool {
        self.document_key
    }

    /// Whether the object has at least one of the known element keys (`devSn`, `cmdType`,
    /// `dataItem`, …): what tells an element apart from a nested object.
    pub fn looks_like_element(&self) -> bool {
        self.known_keys != 0
    }
}

fn error_code<'a>(node: &Node<'a>) -> ErrorCodeField<'a> {
    match *node {
        Node::String(text) if text.trim().is_empty() => ErrorCodeField::Absent,
        Node::String(text) => ErrorCodeField::Text(text),
        Node::Static(simd_json::StaticNode::Null | simd_json::StaticNode::Bool(false)) => {
            ErrorCodeField::Absent
        }
        other if field::integer(&other) == Some(0) => ErrorCodeField::Absent,
        _ => ErrorCodeField::Unreadable,
    }
}

/// The number of tape nodes a value occupies (itself plus its subtree).
fn node_size(node: &Node<'_>) -> usize {
    match *node {
        Node::Object { count, .. } | Node::Array { count, .. } => count.saturating_add(1),
        _ => 1,
    }
}

/// The data items of an element: an iterator that reads `dataItemId` and `responseFlag` of
/// each item on the fly. A `dataItem` that is a single object counts as one item; a string
/// entry is an item with only an id; other entries are skipped.
#[derive(Clone, Debug)]
pub struct Items<'a> {
    /// The nodes of the items (the array's contents, or the single object).
    nodes: &'a [Node<'a>],
    /// How many entries are left.
    remaining: usize,
}

impl<'a> Items<'a> {
    const EMPTY: Self = Self {
        nodes: &[],
        remaining: 0,
    };

    fn from_value(subtree: &'a [Node<'a>]) -> Self {
        match subtree.first() {
            Some(&Node::Array { len, count }) => Self {
                nodes: subtree.get(1..count.saturating_add(1)).unwrap_or_default(),
                remaining: len,
            },
            Some(&Node::Object { count, .. }) => Self {
                nodes: subtree.get(..count.saturating_add(1)).unwrap_or_default(),
                remaining: 1,
            },
            _ => Self::EMPTY,
        }
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = DataItem<'a>;

    fn next(&mut self) -> Option<DataItem<'a>> {
        while self.remaining > 0 {
            self.remaining = self.remaining.saturating_sub(1);
            let node = *self.nodes.first()?;
            let size = node_size(&node);
            let (entry, rest) = self
                .nodes
                .split_at_checked(size)
                .unwrap_or((self.nodes, &[]));
            self.nodes = rest;
            match node {
                Node::Object { len, .. } => return Some(read_item(entry, len)),
                Node::String(id) => {
                    return Some(DataItem {
                        data_item_id: Some(FieldText::Str(id)),
                        response_flag: None,
                    });
                }
                _ => {}
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

/// The keys of an object whose nodes are `entry` (`entry[0]` is the object).
fn object_keys<'a>(entry: &'a [Node<'a>], len: usize) -> impl Iterator<Item = &'a str> + 'a {
    let mut index = 1usize;
    (0..len).map_while(move |_| {
        let Some(Node::String(key)) = entry.get(index) else {
            return None;
        };
        let value_index = index.saturating_add(1);
        let value = entry.get(value_index)?;
        index = value_index.saturating_add(node_size(value));
        Some(*key)
    })
}

fn read_item<'a>(entry: &'a [Node<'a>], len: usize) -> DataItem<'a> {
    let mut item = DataItem {
        data_item_id: None,
        response_flag: None,
    };
    let mut index = 1usize;
    for _ in 0..len {
        let Some(Node::String(key)) = entry.get(index) else {
            break;
        };
        let value_index = index.saturating_add(1);
        let Some(value) = entry.get(value_index) else {
            break;
        };
        match *key {
            "dataItemId" => item.data_item_id = FieldText::from_node(value),
            "responseFlag" => item.response_flag = field::integer(value),
            _ => {}
        }
        index = value_index.saturating_add(node_size(value));
    }
    item
}
