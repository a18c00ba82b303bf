//! One `devDataList` element (seed 000 §2.2), read tolerantly.
//!
//! Only the fields the failure rules need are read; every other value (`dataItem` values of
//! any shape, unknown keys) is validated and skipped. Two readers produce the same
//! [`Element`]: a single-pass scanner (`scan.rs`) that borrows the strings from the input and
//! builds nothing for skipped values, and the simd-json tape, which is authoritative for
//! whatever the scanner is unsure of (and for every error).

#[cfg(all(test, feature = "gen"))]
mod differential;
mod field;
mod parser;
mod scan;
mod string_window;

use core::fmt;

use simd_json::value::tape::Node;

pub use field::FieldText;
use field::Value;
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
#[derive(Clone, Copy)]
pub struct DataItem<'a> {
    id: FieldSlot<'a>,
    /// `responseFlag`, read from a number or a numeric string.
    pub response_flag: Option<i64>,
}

/// Where a field's text is: read already, or bytes the scanner validated.
///
/// Why not always a `FieldText`: turning a scanned string into a `&str` (the only safe way
/// is `str::from_utf8`, a second pass over bytes the scanner already validated) costs about a
/// hundred instructions for a short string, and most of them are never looked at. An element
/// has a dozen items, nearly all of them successful, and only a failing item's id is read
/// (turning every id into a `&str` was about 3 % of a `fep batch` run); the same holds for
/// the serial, terminal, type and command of the seven elements in ten that have no failure
/// (2 % of a run). So the scanner keeps the bytes, and the accessors convert them when asked.
#[derive(Clone, Copy)]
enum FieldSlot<'a> {
    /// Read (or absent) already.
    Field(Option<FieldText<'a>>),
    /// A string without escapes that the scanner validated as UTF-8.
    Scanned(&'a [u8]),
}

impl<'a> FieldSlot<'a> {
    /// No such key (yet).
    const ABSENT: Self = Self::Field(None);

    /// The field's value.
    fn text(self) -> Option<FieldText<'a>> {
        match self {
            Self::Field(field) => field,
            // Validated by the scan: this cannot fail, it only makes the `&str`.
            Self::Scanned(bytes) => core::str::from_utf8(bytes).ok().map(FieldText::Str),
        }
    }
}

/// Slots are equal when they read the same, wherever the text is kept.
impl PartialEq for FieldSlot<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl fmt::Debug for FieldSlot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text().fmt(f)
    }
}

impl<'a> DataItem<'a> {
    /// An item object before any of its keys is read.
    pub(super) const EMPTY: Self = Self {
        id: FieldSlot::ABSENT,
        response_flag: None,
    };

    /// An item that is only an id (a string entry of `dataItem`).
    const fn with_id(id: Option<FieldText<'a>>) -> Self {
        Self {
            id: FieldSlot::Field(id),
            response_flag: None,
        }
    }

    /// Sets the id to a string the scanner validated (and found without escapes).
    pub(super) fn set_scanned_id(&mut self, bytes: &'a [u8]) {
        self.id = FieldSlot::Scanned(bytes);
    }

    /// Reads `dataItemId`'s value.
    pub(super) fn read_id(&mut self, value: Value<'a>) {
        self.id = FieldSlot::Field(FieldText::from_value(value));
    }

    /// Reads `responseFlag`'s value.
    fn read_flag(&mut self, value: Value<'a>) {
        self.response_flag = field::integer(value);
    }

    /// `dataItemId`: a string, or a number or boolean as the front-end wrote it.
    pub fn data_item_id(&self) -> Option<FieldText<'a>> {
        self.id.text()
    }
}

/// Items are equal when they read the same, wherever their id is kept.
impl PartialEq for DataItem<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.response_flag == other.response_flag && self.data_item_id() == other.data_item_id()
    }
}

impl fmt::Debug for DataItem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataItem")
            .field("data_item_id", &self.data_item_id())
            .field("response_flag", &self.response_flag)
            .finish()
    }
}

/// Items with fewer keys are not checked for being a swallowed element.
const NESTED_ELEMENT_MIN_KEYS: usize = 4;

/// The keys of an element that no data item has: an item with one of them (and at least
/// [`NESTED_ELEMENT_MIN_KEYS`] keys) is an element swallowed by a damaged one.
fn is_element_key(key: &[u8]) -> bool {
    matches!(
        key,
        b"devSn" | b"commDevId" | b"cmdType" | b"devType" | b"errorCode" | b"succ"
    )
}

/// Every key [`ElementKey::of`] classifies as known (`ElementKey::is_known`): an object
/// whose top-level keys include none of them is not an element. Resynchronisation uses it to
/// pass over objects without parsing them (`engine::resync`); a test holds it to
/// [`ElementKey::of`].
pub(crate) const KNOWN_ELEMENT_KEYS: [&[u8]; 12] = [
    b"devSn",
    b"commDevId",
    b"devType",
    b"cmdType",
    b"errorCode",
    b"succ",
    b"frameNum",
    b"dataItem",
    b"endTime",
    b"operator",
    b"rop",
    b"startTime",
];

/// A top-level key of an element, as both readers classify it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ElementKey {
    DevSn,
    CommDevId,
    DevType,
    CmdType,
    ErrorCode,
    Succ,
    FrameNum,
    DataItem,
    /// `devDataList`: a whole document where an element was expected.
    DevDataList,
    /// Known element keys whose values are not read (`endTime`, `operator`, …).
    Skipped,
    Unknown,
}

impl ElementKey {
    /// Classifies a key by its bytes (the scanner reads keys as bytes, unvalidated: every
    /// key it compares equal is ASCII).
    fn of(key: &[u8]) -> Self {
        match key {
            b"devSn" => Self::DevSn,
            b"commDevId" => Self::CommDevId,
            b"devType" => Self::DevType,
            b"cmdType" => Self::CmdType,
            b"errorCode" => Self::ErrorCode,
            b"succ" => Self::Succ,
            b"frameNum" => Self::FrameNum,
            b"dataItem" => Self::DataItem,
            b"devDataList" => Self::DevDataList,
            b"endTime" | b"operator" | b"rop" | b"startTime" => Self::Skipped,
            _ => Self::Unknown,
        }
    }

    /// Whether the key tells an element apart from a nested object.
    fn is_known(self) -> bool {
        !matches!(self, Self::DevDataList | Self::Unknown)
    }
}

/// A parsed element. Strings borrow the input (or the parser, for unescaped strings).
#[derive(Clone, Debug)]
pub struct Element<'a> {
    dev_sn: FieldSlot<'a>,
    comm_dev_id: FieldSlot<'a>,
    dev_type: FieldSlot<'a>,
    cmd_type: FieldSlot<'a>,
    /// `errorCode`.
    pub error_code: ErrorCodeField<'a>,
    /// `succ`, from `"0"`/`"1"`, `0`/`1` or a boolean; `None` when missing or unreadable.
    pub succ: Option<bool>,
    /// `frameNum`.
    pub frame_num: Option<i64>,
    items: ItemIter<'a>,
    known_keys: bool,
    document_key: bool,
    swallowed_nested: bool,
}

/// What the top-level keys of an element said, before the items are attached.
#[derive(Clone, Copy, Debug)]
struct Fields<'a> {
    dev_sn: FieldSlot<'a>,
    comm_dev_id: FieldSlot<'a>,
    dev_type: FieldSlot<'a>,
    cmd_type: FieldSlot<'a>,
    error_code: ErrorCodeField<'a>,
    succ: Option<bool>,
    frame_num: Option<i64>,
    known_keys: bool,
    document_key: bool,
}

impl<'a> Fields<'a> {
    const EMPTY: Self = Self {
        dev_sn: FieldSlot::ABSENT,
        comm_dev_id: FieldSlot::ABSENT,
        dev_type: FieldSlot::ABSENT,
        cmd_type: FieldSlot::ABSENT,
        error_code: ErrorCodeField::Absent,
        succ: None,
        frame_num: None,
        known_keys: false,
        document_key: false,
    };

    /// Records one top-level key and its value (`dataItem` is handled by the readers). A
    /// repeated key overwrites the earlier one, as JSON readers usually do.
    fn read(&mut self, key: ElementKey, value: Value<'a>) {
        let text = || FieldSlot::Field(FieldText::from_value(value));
        match key {
            ElementKey::DevSn => self.dev_sn = text(),
            ElementKey::CommDevId => self.comm_dev_id = text(),
            ElementKey::DevType => self.dev_type = text(),
            ElementKey::CmdType => self.cmd_type = text(),
            ElementKey::ErrorCode => self.error_code = error_code(value),
            ElementKey::Succ => self.succ = field::boolean(value),
            ElementKey::FrameNum => self.frame_num = field::integer(value),
            ElementKey::DevDataList => self.document_key = true,
            ElementKey::DataItem | ElementKey::Skipped | ElementKey::Unknown => {}
        }
        self.known_keys |= key.is_known();
    }

    /// Records a top-level string the scanner validated and found without escapes: the
    /// text fields keep its bytes ([`FieldSlot`]), the others read it as [`Fields::read`]
    /// does.
    fn read_scanned(&mut self, key: ElementKey, bytes: &'a [u8]) {
        let slot = FieldSlot::Scanned(bytes);
        match key {
            ElementKey::DevSn => self.dev_sn = slot,
            ElementKey::CommDevId => self.comm_dev_id = slot,
            ElementKey::DevType => self.dev_type = slot,
            ElementKey::CmdType => self.cmd_type = slot,
            _ => {
                let text = core::str::from_utf8(bytes).unwrap_or_default();
                return self.read(key, Value::Str(text));
            }
        }
        self.known_keys |= key.is_known();
    }

    fn with_items(self, items: ItemIter<'a>, nested_element: bool) -> Element<'a> {
        Element {
            dev_sn: self.dev_sn,
            comm_dev_id: self.comm_dev_id,
            dev_type: self.dev_type,
            cmd_type: self.cmd_type,
            error_code: self.error_code,
            succ: self.succ,
            frame_num: self.frame_num,
            items,
            known_keys: self.known_keys,
            document_key: self.document_key,
            swallowed_nested: nested_element,
        }
    }
}

/// One data item being read, key by key (both readers).
#[derive(Clone, Copy, Debug, Default)]
struct ItemReader {
    keys: usize,
    element_key: bool,
}

impl ItemReader {
    /// Counts one key of an item object.
    fn count(&mut self, key: &[u8]) {
        self.keys = self.keys.saturating_add(1);
        self.element_key |= is_element_key(key);
    }

    /// Counts a key that only items have (`dataItemId`, `responseFlag`, `value`): the
    /// scanner knows it without comparing it again.
    fn count_item_key(&mut self) {
        self.keys = self.keys.saturating_add(1);
    }

    /// Records one key of an item object and its value.
    fn read<'a>(&mut self, item: &mut DataItem<'a>, key: &[u8], value: Value<'a>) {
        self.count(key);
        match key {
            b"dataItemId" => item.read_id(value),
            b"responseFlag" => item.read_flag(value),
            _ => {}
        }
    }

    /// Whether the item was an element swallowed by a damaged one: a data item has two or
    /// three keys (`dataItemId`, `responseFlag`, `value`), an element a dozen.
    fn is_nested_element(self) -> bool {
        self.element_key && self.keys >= NESTED_ELEMENT_MIN_KEYS
    }
}

impl<'a> Element<'a> {
    /// Reads an element from the nodes of one object (`nodes[0]` is the object); its data
    /// items go to `items`, which the element then borrows.
    fn fields_from_tape(
        nodes: &'a [Node<'a>],
        items: &mut Vec<DataItem<'a>>,
    ) -> Option<(Fields<'a>, bool)> {
        let Some(&Node::Object { len, .. }) = nodes.first() else {
            return None;
        };
        let mut fields = Fields::EMPTY;
        let mut nested_element = false;
        for (key, value, subtree) in object_entries(nodes, len) {
            let key = ElementKey::of(key.as_bytes());
            if key == ElementKey::DataItem {
                // The last `dataItem` counts, like every repeated key.
                items.clear();
                nested_element = items_from_tape(subtree, items);
            }
            fields.read(key, Value::from_node(value));
        }
        Some((fields, nested_element))
    }

    /// `devSn`, the device serial.
    pub fn dev_sn(&self) -> Option<FieldText<'a>> {
        self.dev_sn.text()
    }

    /// `commDevId`, the terminal (communication device) id.
    pub fn comm_dev_id(&self) -> Option<FieldText<'a>> {
        self.comm_dev_id.text()
    }

    /// `devType` (`METER`, …).
    pub fn dev_type(&self) -> Option<FieldText<'a>> {
        self.dev_type.text()
    }

    /// `cmdType` (`PROXY_TRANS_GET_REQUEST`, …).
    pub fn cmd_type(&self) -> Option<FieldText<'a>> {
        self.cmd_type.text()
    }

    /// The data items, in order.
    pub fn items(&self) -> Items<'a> {
        Items {
            items: self.items.clone(),
        }
    }

    /// Whether a data item carries element keys (`devSn`, `commDevId`, `cmdType`, …): then
    /// this "element" is really a damaged element that swallowed the elements after it.
    pub fn has_nested_element(&self) -> bool {
        self.swallowed_nested
    }

    /// Whether the object has a `devDataList` key: a whole document where an element was
    /// expected (the previous document lost its end).
    pub fn is_document(&self) -> bool {
        self.document_key
    }

    /// Whether the object has at least one of the known element keys (`devSn`, `cmdType`,
    /// `dataItem`, …): what tells an element apart from a nested object.
    pub fn looks_like_element(&self) -> bool {
        self.known_keys
    }
}

/// Reads the items of a `dataItem` value into `items`; `true` when one of them is a
/// swallowed element. A `dataItem` that is a single object counts as one item; a string
/// entry is an item with only an id; other entries are skipped.
fn items_from_tape<'a>(subtree: &'a [Node<'a>], items: &mut Vec<DataItem<'a>>) -> bool {
    let mut nested_element = false;
    let entries = match subtree.first() {
        Some(&Node::Array { count, .. }) => {
            subtree.get(1..count.saturating_add(1)).unwrap_or_default()
        }
        Some(&Node::Object { count, .. }) => {
            subtree.get(..count.saturating_add(1)).unwrap_or_default()
        }
        _ => &[],
    };
    let mut rest = entries;
    while let Some(&node) = rest.first() {
        let (entry, after) = rest
            .split_at_checked(node_size(&node))
            .unwrap_or((rest, &[]));
        rest = after;
        match node {
            Node::Object { len, .. } => {
                let mut item = DataItem::EMPTY;
                let mut reader = ItemReader::default();
                for (key, value, _) in object_entries(entry, len) {
                    reader.read(&mut item, key.as_bytes(), Value::from_node(value));
                }
                nested_element |= reader.is_nested_element();
                items.push(item);
            }
            Node::String(id) => items.push(DataItem::with_id(Some(FieldText::Str(id)))),
            _ => {}
        }
    }
    nested_element
}

/// The `(key, value, value's subtree)` entries of an object whose nodes are `entry`
/// (`entry[0]` is the object).
fn object_entries<'a>(
    entry: &'a [Node<'a>],
    len: usize,
) -> impl Iterator<Item = (&'a str, &'a Node<'a>, &'a [Node<'a>])> + 'a {
    let mut index = 1usize;
    (0..len).map_while(move |_| {
        let Some(Node::String(key)) = entry.get(index) else {
            return None;
        };
        let value_index = index.saturating_add(1);
        let value = entry.get(value_index)?;
        let subtree = entry.get(value_index..).unwrap_or_default();
        index = value_index.saturating_add(node_size(value));
        Some((*key, value, subtree))
    })
}

fn error_code(value: Value<'_>) -> ErrorCodeField<'_> {
    match value {
        Value::Str(text) if text.trim().is_empty() => ErrorCodeField::Absent,
        Value::Str(text) => ErrorCodeField::Text(text),
        Value::Null | Value::Bool(false) => ErrorCodeField::Absent,
        other if field::integer(other) == Some(0) => ErrorCodeField::Absent,
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

/// The data items of an element, in order.
#[derive(Clone, Debug)]
pub struct Items<'a> {
    items: ItemIter<'a>,
}

/// Where an element's items are: read already (from simd-json's tape), or as the scanner
/// left them, made into [`DataItem`]s one by one as they are looked at.
///
/// Why not always read: most elements have no failure, and their items are only looked at
/// for a failing flag, which the scanner has read already; making every item of them a
/// [`DataItem`] in a vector was about a twentieth of a `fep batch` run.
#[derive(Clone, Debug)]
enum ItemIter<'a> {
    Read(core::slice::Iter<'a, DataItem<'a>>),
    Scanned(scan::ScannedItems<'a>),
}

impl<'a> Iterator for Items<'a> {
    type Item = DataItem<'a>;

    #[inline]
    fn next(&mut self) -> Option<DataItem<'a>> {
        match &mut self.items {
            ItemIter::Read(items) => items.next().copied(),
            ItemIter::Scanned(items) => items.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.items {
            ItemIter::Read(items) => items.size_hint(),
            ItemIter::Scanned(items) => items.size_hint(),
        }
    }
}

impl ExactSizeIterator for Items<'_> {}
