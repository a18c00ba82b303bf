//! The variables extracted from a front-end or interface message (`xxx` in the seed templates).

use core::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

macro_rules! param_names {
    ($( $(#[$doc:meta])* $variant:ident => $key:literal, )*) => {
        /// The name of one extracted variable. The serialised key (`queue_length`, …) is the
        /// stable name other crates and the CLI use.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum ParamName {
            $( $(#[$doc])* $variant, )*
        }

        impl ParamName {
            /// Every name, in serialisation order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The serialised key, e.g. `queue_length`.
            pub const fn key(self) -> &'static str {
                match self {
                    $( Self::$variant => $key, )*
                }
            }

            /// The name for a serialised key.
            pub fn from_key(key: &str) -> Option<Self> {
                match key {
                    $( $key => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

param_names! {
    /// ET003: the current queue length (`当前队列长度`).
    QueueLength => "queue_length",
    /// EA001/EA002: the device type (`设备类型xxx`).
    DeviceType => "device_type",
    /// EA001/EA002: the device id (`设备ID:xxx`).
    DeviceId => "device_id",
    /// ET001/EA002/TK08/EP008/EP009: the free-form content (`异常内容:xxx`, `内容为:xxx`).
    Content => "content",
    /// EP001: the protocol that has no plug-in (`规约插件：xxx`); interface: the meter
    /// protocol type (`不支持的电表协议类型:xxx`).
    Protocol => "protocol",
    /// EP002: the unsupported task encoding (`不支持编码为:xxx`).
    Encoding => "encoding",
    /// EP003: the missing parameter (`缺失参数为:xxx`).
    MissingParam => "missing_param",
    /// EP004: the invalid parameter (`错误参数为:xxx`).
    InvalidParam => "invalid_param",
    /// EP005/EP007: the failure reason (`失败原因为:xxx`).
    Reason => "reason",
    /// EP006: the uplink sequence number (`当前序号为:xxx`).
    Sequence => "sequence",
    /// Interface: the terminal address (`终端xxx在档案缓存中不存在`).
    Terminal => "terminal",
    /// Interface: the meter address (`电表xxx在档案缓存中不存在`).
    Meter => "meter",
}

impl fmt::Display for ParamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The most variables any template has (EA002: device type, device id, content).
const CAPACITY: usize = 3;

/// Extracted variables: a fixed small map from [`ParamName`] to a slice of the message.
/// Never allocates; serialises as a JSON object in insertion order, e.g.
/// `{"device_type":"METER","device_id":"1147186771"}`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Params<'a> {
    entries: [Option<(ParamName, &'a str)>; CAPACITY],
}

impl<'a> Params<'a> {
    /// No variables.
    pub const fn new() -> Self {
        Self {
            entries: [None; CAPACITY],
        }
    }

    /// Sets `name` to `value` (replacing an earlier value). Returns `false` when the map is
    /// full and `name` is not in it yet (the value is then dropped).
    pub fn insert(&mut self, name: ParamName, value: &'a str) -> bool {
        for slot in &mut self.entries {
            match slot {
                Some((existing, old)) if *existing == name => {
                    *old = value;
                    return true;
                }
                None => {
                    *slot = Some((name, value));
                    return true;
                }
                Some(_) => {}
            }
        }
        false
    }

    /// The value of `name`, if extracted.
    pub fn get(&self, name: ParamName) -> Option<&'a str> {
        self.iter()
            .find_map(|(key, value)| (key == name).then_some(value))
    }

    /// The variables in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (ParamName, &'a str)> + '_ {
        self.entries.iter().map_while(|slot| *slot)
    }

    /// The number of variables.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are no variables.
    pub fn is_empty(&self) -> bool {
        self.entries.first().is_none_or(Option::is_none)
    }
}

impl fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(key, value)| (key.key(), value)))
            .finish()
    }
}

impl Serialize for Params<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key.key(), value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_replace_and_capacity() {
        let mut params = Params::new();
        assert!(params.is_empty());
        assert!(params.insert(ParamName::DeviceType, "METER"));
        assert!(params.insert(ParamName::DeviceId, "1"));
        assert!(params.insert(ParamName::DeviceId, "2"));
        assert!(params.insert(ParamName::Content, "x"));
        assert!(!params.insert(ParamName::Reason, "dropped"));
        assert_eq!(params.len(), 3);
        assert_eq!(params.get(ParamName::DeviceId), Some("2"));
        assert_eq!(params.get(ParamName::Reason), None);
        assert_eq!(
            format!("{params:?}"),
            r#"{"device_type": "METER", "device_id": "2", "content": "x"}"#
        );
    }

    #[test]
    fn keys_round_trip() {
        for &name in ParamName::ALL {
            assert_eq!(ParamName::from_key(name.key()), Some(name));
            assert_eq!(name.to_string(), name.key());
        }
        assert_eq!(ParamName::from_key("nope"), None);
    }

    #[test]
    fn serialises_as_object() {
        let mut params = Params::new();
        params.insert(ParamName::QueueLength, "120");
        assert_eq!(
            serde_json::to_string(&params).unwrap(),
            r#"{"queue_length":"120"}"#
        );
        assert_eq!(serde_json::to_string(&Params::new()).unwrap(), "{}");
    }
}
