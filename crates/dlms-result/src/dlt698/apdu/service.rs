//! The one table of DL/T 698.45 APDU services (§7 Client-APDU / Server-APDU): tag, CHOICE,
//! name and body layout. Names, validity of choices and the dispatch all derive from it.

/// How the body of a service is decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// Client→server requests (and responses sent by the client): named, not decoded — they
    /// carry no results.
    Named,
    /// A server APDU whose layout no checked source confirms: named, body kept opaque.
    Opaque,
    LinkResponse,
    ConnectResponse,
    ReleaseResponse,
    ReleaseNotification,
    GetNormal,
    GetNormalList,
    GetRecord,
    GetRecordList,
    GetNext,
    GetMd5,
    SetNormal,
    SetNormalList,
    SetThenGetNormalList,
    ActionNormal,
    ActionNormalList,
    ActionThenGetNormalList,
    ReportList,
    ReportRecordList,
    ReportTransData,
    ProxyGetList,
    ProxyGetRecord,
    ProxySetList,
    ProxySetThenGetList,
    ProxyActionList,
    ProxyActionThenGetList,
    ProxyTransCommand,
    SecurityResponse,
    ErrorResponse,
}

/// One service.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Service {
    /// The full name, e.g. `GET-Response-NormalList`.
    pub(crate) name: &'static str,
    /// How its body is laid out.
    pub(crate) body: Body,
}

/// The services of one APDU tag.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Choices {
    /// The tag is followed directly by its body.
    Single(Service),
    /// The tag is followed by a CHOICE byte; `(value, service)` rows.
    Choice(&'static [(u8, Service)]),
}

/// One APDU tag.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Family {
    /// The APDU tag.
    pub(crate) tag: u8,
    /// The family name, e.g. `GET-Response`.
    pub(crate) name: &'static str,
    /// Its services.
    pub(crate) choices: Choices,
}

macro_rules! family {
    ($tag:literal, $family:literal, [ $( $choice:literal => $suffix:literal, $body:ident; )* ]) => {
        Family {
            tag: $tag,
            name: $family,
            choices: Choices::Choice(&[ $( (
                $choice,
                Service { name: concat!($family, "-", $suffix), body: Body::$body },
            ) ),* ]),
        }
    };
    ($tag:literal, $family:literal, $body:ident) => {
        Family {
            tag: $tag,
            name: $family,
            choices: Choices::Single(Service { name: $family, body: Body::$body }),
        }
    };
}

/// Every APDU tag of DL/T 698.45—2017 §7, sorted by tag.
pub(crate) const FAMILIES: &[Family] = &[
    family!(0x01, "LINK-Request", Named),
    family!(0x02, "CONNECT-Request", Named),
    family!(0x03, "RELEASE-Request", Named),
    family!(0x05, "GET-Request", [
        1 => "Normal", Named;
        2 => "NormalList", Named;
        3 => "Record", Named;
        4 => "RecordList", Named;
        5 => "Next", Named;
        6 => "MD5", Named;
    ]),
    family!(0x06, "SET-Request", [
        1 => "Normal", Named;
        2 => "NormalList", Named;
        3 => "SetThenGetNormalList", Named;
    ]),
    family!(0x07, "ACTION-Request", [
        1 => "Normal", Named;
        2 => "NormalList", Named;
        3 => "ActionThenGetNormalList", Named;
    ]),
    family!(0x08, "REPORT-Response", [
        1 => "List", Named;
        2 => "RecordList", Named;
        3 => "TransData", Named;
    ]),
    family!(0x09, "PROXY-Request", [
        1 => "GetList", Named;
        2 => "GetRecord", Named;
        3 => "SetList", Named;
        4 => "SetThenGetList", Named;
        5 => "ActionList", Named;
        6 => "ActionThenGetList", Named;
        7 => "TransCommand", Named;
        8 => "InnerTransCommand", Named;
    ]),
    family!(0x10, "SECURITY-Request", Named),
    family!(0x81, "LINK-Response", LinkResponse),
    family!(0x82, "CONNECT-Response", ConnectResponse),
    family!(0x83, "RELEASE-Response", ReleaseResponse),
    family!(0x84, "RELEASE-Notification", ReleaseNotification),
    family!(0x85, "GET-Response", [
        1 => "Normal", GetNormal;
        2 => "NormalList", GetNormalList;
        3 => "Record", GetRecord;
        4 => "RecordList", GetRecordList;
        5 => "Next", GetNext;
        6 => "MD5", GetMd5;
    ]),
    family!(0x86, "SET-Response", [
        1 => "Normal", SetNormal;
        2 => "NormalList", SetNormalList;
        3 => "SetThenGetNormalList", SetThenGetNormalList;
    ]),
    family!(0x87, "ACTION-Response", [
        1 => "Normal", ActionNormal;
        2 => "NormalList", ActionNormalList;
        3 => "ActionThenGetNormalList", ActionThenGetNormalList;
    ]),
    family!(0x88, "REPORT-Notification", [
        1 => "List", ReportList;
        2 => "RecordList", ReportRecordList;
        3 => "TransData", ReportTransData;
    ]),
    family!(0x89, "PROXY-Response", [
        1 => "GetList", ProxyGetList;
        2 => "GetRecord", ProxyGetRecord;
        3 => "SetList", ProxySetList;
        4 => "SetThenGetList", ProxySetThenGetList;
        5 => "ActionList", ProxyActionList;
        6 => "ActionThenGetList", ProxyActionThenGetList;
        7 => "TransCommand", ProxyTransCommand;
        // 代理终端内部转发命令的响应: named by several implementations, layout unconfirmed.
        8 => "InnerTransCommand", Opaque;
    ]),
    family!(0x90, "SECURITY-Response", SecurityResponse),
    family!(0xEE, "ERROR-Response", ErrorResponse),
];

/// The service name given to an APDU whose tag DL/T 698.45 does not define.
pub const UNKNOWN_APDU: &str = "unknown-APDU";

/// Index of [`FAMILIES`] by tag, built at compile time.
// Evaluated at compile time: an index out of range fails the build, never a run.
#[allow(clippy::indexing_slicing)]
const BY_TAG: [Option<usize>; 256] = {
    let mut index = [None; 256];
    let mut row = 0;
    while row < FAMILIES.len() {
        index[FAMILIES[row].tag as usize] = Some(row);
        row += 1;
    }
    index
};

/// The family of an APDU tag.
pub(crate) fn family(tag: u8) -> Option<&'static Family> {
    let row = (*BY_TAG.get(usize::from(tag))?)?;
    FAMILIES.get(row)
}

impl Family {
    /// The service for a CHOICE value.
    pub(crate) fn choice(&self, value: u8) -> Option<Service> {
        match self.choices {
            Choices::Single(_) => None,
            // Every family numbers its choices 1, 2, 3 … (checked by a test), so the row is
            // at `value − 1`: one bounds check instead of a scan on every APDU.
            Choices::Choice(rows) => {
                let &(number, service) = rows.get(usize::from(value).checked_sub(1)?)?;
                (number == value).then_some(service)
            }
        }
    }
}

/// Where one service sits in [`FAMILIES`]: its APDU tag, CHOICE value and name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ServiceId {
    /// The APDU tag.
    pub(crate) tag: u8,
    /// The CHOICE value after the tag.
    pub(crate) choice: u8,
    /// The full name.
    pub(crate) name: &'static str,
}

/// The service (with a CHOICE) whose body is `body`, first in table order; for code that
/// recognises one service's bytes directly, as a constant.
// Evaluated at compile time: an index out of range fails the build.
#[allow(clippy::indexing_slicing, clippy::as_conversions)]
pub(crate) const fn find(body: Body) -> Option<ServiceId> {
    let mut row = 0;
    while row < FAMILIES.len() {
        let family = &FAMILIES[row];
        if let Choices::Choice(choices) = family.choices {
            let mut i = 0;
            while i < choices.len() {
                let (choice, service) = choices[i];
                // `==` on an enum is not available in a constant; its discriminant is.
                if service.body as u8 == body as u8 {
                    return Some(ServiceId {
                        tag: family.tag,
                        choice,
                        name: service.name,
                    });
                }
                i = i.wrapping_add(1);
            }
        }
        row = row.wrapping_add(1);
    }
    None
}

/// Every service name DL/T 698.45 defines, in tag and choice order.
pub fn service_names() -> impl Iterator<Item = &'static str> {
    FAMILIES.iter().flat_map(|family| {
        let (single, rows) = match family.choices {
            Choices::Single(service) => (Some(service.name), &[][..]),
            Choices::Choice(rows) => (None, rows),
        };
        single.into_iter().chain(rows.iter().map(|(_, s)| s.name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_names_are_unique() {
        assert!(FAMILIES.windows(2).all(|w| w[0].tag < w[1].tag));
        let names: Vec<_> = service_names().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert!(names.contains(&"GET-Response-NormalList"));
        assert!(names.contains(&"PROXY-Response-TransCommand"));
        assert!(names.contains(&"GET-Request-Normal"));
        for family in FAMILIES {
            for name in service_names().filter(|n| n.starts_with(family.name)) {
                assert!(name == family.name || name.starts_with(&format!("{}-", family.name)));
            }
        }
    }

    #[test]
    fn found_services_are_the_table_rows() {
        for body in [Body::GetNormal, Body::GetNormalList, Body::SetNormal] {
            let id = find(body).unwrap();
            let service = family(id.tag).unwrap().choice(id.choice).unwrap();
            assert_eq!((service.body, service.name), (body, id.name));
        }
        assert_eq!(
            find(Body::GetNormalList).unwrap().name,
            "GET-Response-NormalList"
        );
        assert!(find(Body::Named).is_some() && find(Body::LinkResponse).is_none());
    }

    #[test]
    fn choices_are_numbered_from_one_without_gaps() {
        for family in FAMILIES {
            if let Choices::Choice(rows) = family.choices {
                for (index, (number, _)) in rows.iter().enumerate() {
                    assert_eq!(usize::from(*number), index + 1, "{}", family.name);
                }
            }
        }
    }

    #[test]
    fn every_tag_and_choice_is_classified() {
        for tag in 0..=u8::MAX {
            match family(tag) {
                Some(f) => {
                    assert_eq!(f.tag, tag);
                    for value in 0..=u8::MAX {
                        if let Some(service) = f.choice(value) {
                            assert!(service.name.starts_with(f.name));
                        }
                    }
                }
                None => assert!(FAMILIES.iter().all(|f| f.tag != tag)),
            }
        }
        assert_eq!(
            family(0x85).unwrap().choice(2).unwrap().body,
            Body::GetNormalList
        );
        assert!(family(0x85).unwrap().choice(7).is_none());
        assert!(family(0x04).is_none());
    }
}
