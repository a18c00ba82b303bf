//! The decision vocabulary: what to do with a failure, how, and who owns it.
//!
//! Each enum is written once with its id and description; parsing, `Display`, serde and the
//! generated docs all come from the same `vocabulary!` table.

use core::fmt;

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $id:literal, $describe:literal; )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )* ];

            /// The stable id (rule files, JSON output).
            pub const fn as_str(self) -> &'static str {
                match self { $( Self::$variant => $id, )* }
            }

            /// A one-line description for docs and `fep explain`.
            pub const fn describe(self) -> &'static str {
                match self { $( Self::$variant => $describe, )* }
            }

            /// Parses an id of `as_str`.
            pub fn from_id(id: &str) -> Option<Self> {
                match id { $( $id => Some(Self::$variant), )* _ => None }
            }

            /// The accepted ids, comma separated (for error messages).
            pub(crate) const IDS: &'static str = concat!($( $id, " " ),*);
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let id = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::from_id(&id).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} `{id}` (expected one of: {})", stringify!($name), Self::IDS.trim_end()))
                })
            }
        }
    };
}

vocabulary! {
    /// The decision for a failure. Ordered by escalation: `success < retry < re-archive < give-up`
    /// (a longer history never moves a failure to an earlier decision).
    Decision {
        /// Nothing to do: the operation succeeded or was already applied (DAR 21 重复充值).
        Success = "success", "nothing to do: succeeded, or already applied";
        /// Send the failed units again, after the verdict's delay.
        Retry = "retry", "send the failed units again after the delay";
        /// Repair the device's archive in the verdict's scope, then send again after the delay.
        ReArchive = "re-archive", "download the archive in the given scope, then send again after the delay";
        /// Stop retrying; the owner has to act.
        GiveUp = "give-up", "stop; the owner has to act";
    }
}

vocabulary! {
    /// How a retry waits.
    RetryKind {
        /// Rebuild the frame and resend within seconds: the failure was about the frame.
        Immediate = "immediate", "resend within seconds (the failure was about the frame, not the device)";
        /// Exponential backoff with jitter.
        Backoff = "backoff", "exponential backoff with jitter";
        /// Capacity of a comm node or platform exhausted: back off the whole node, not the device.
        Throttled = "throttled", "capacity exhausted: slow down the whole comm node / platform; not charged to the device";
        /// Resend when the terminal comes online (login/heartbeat event); the delay is the
        /// fallback poll interval.
        WaitOnline = "wait-online", "resend on the terminal's login/heartbeat event; the delay is the fallback poll";
        /// Resend after a calendar point in local time (after the terminal's collection window,
        /// after the meter's midnight).
        Deferred = "deferred", "resend after a local calendar point (collection window end, meter midnight)";
    }
}

vocabulary! {
    /// Where a re-archive (档案下装) repairs the device's archive.
    Scope {
        /// The front-end's archive cache (interface errors "…在档案缓存中不存在", 无配置信息).
        FrontendCache = "frontend-cache", "the front-end's archive cache";
        /// The comm layer's archive (EA001/EA002: 请下装档案后重新发送).
        CommLayer = "comm-layer", "the comm layer's archive";
        /// The terminal's collection archive table (DL/T 698.45 object 6000 采集档案配置表).
        TerminalArchive = "terminal-archive", "the terminal's archive table (698.45 object 6000)";
    }
}

vocabulary! {
    /// Who has to act when the classifier gives up.
    Owner {
        /// The caller or its configuration (bad request, parameters, permissions).
        Caller = "caller", "the caller / its configuration";
        /// The archive administrator (the master archive itself is wrong).
        ArchiveAdmin = "archive-admin", "the archive administrator";
        /// Field service (hardware, wiring, offline devices, device firmware).
        Field = "field", "field service (hardware, offline, device firmware)";
        /// Security / key management (passwords, MAC, ESAM, certificates).
        Security = "security", "security / key management";
        /// Billing (recharge records, customer numbers, balances).
        Billing = "billing", "billing";
        /// Front-end operations (capacity, deployment, outcome-unknown writes).
        FrontendOps = "frontend-ops", "front-end operations";
        /// Protocol plugin developers (encoding bugs, unsupported items).
        PluginDev = "plugin-dev", "protocol plugin developers";
    }
}

vocabulary! {
    /// Why a failure counts as a success.
    SuccessKind {
        /// The code reports success.
        Done = "done", "the code reports success";
        /// The operation was already applied; repeating it is the one wrong move.
        AlreadyApplied = "already-applied", "already applied: never repeat it";
    }
}

impl Decision {
    /// The escalation rank: 0 success, 1 retry, 2 re-archive, 3 give-up.
    pub const fn rank(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Retry => 1,
            Self::ReArchive => 2,
            Self::GiveUp => 3,
        }
    }
}

/// The verdict's `kind`: the retry kind, the re-archive scope, the give-up owner or the success
/// kind, whichever applies to the decision. Serialises as the id of the inner value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A retry's kind.
    Retry(RetryKind),
    /// A re-archive's scope.
    ReArchive(Scope),
    /// A give-up's owner.
    GiveUp(Owner),
    /// A success's kind.
    Success(SuccessKind),
}

impl Kind {
    /// The decision this kind belongs to.
    pub const fn decision(self) -> Decision {
        match self {
            Self::Retry(_) => Decision::Retry,
            Self::ReArchive(_) => Decision::ReArchive,
            Self::GiveUp(_) => Decision::GiveUp,
            Self::Success(_) => Decision::Success,
        }
    }

    /// The id of the inner value (`backoff`, `comm-layer`, `archive-admin`, `done`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Retry(kind) => kind.as_str(),
            Self::ReArchive(scope) => scope.as_str(),
            Self::GiveUp(owner) => owner.as_str(),
            Self::Success(kind) => kind.as_str(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for decision in Decision::ALL {
            assert_eq!(Decision::from_id(decision.as_str()), Some(*decision));
        }
        for kind in RetryKind::ALL {
            assert_eq!(RetryKind::from_id(kind.as_str()), Some(*kind));
        }
        for scope in Scope::ALL {
            assert_eq!(Scope::from_id(scope.as_str()), Some(*scope));
        }
        for owner in Owner::ALL {
            assert_eq!(Owner::from_id(owner.as_str()), Some(*owner));
        }
        for kind in SuccessKind::ALL {
            assert_eq!(SuccessKind::from_id(kind.as_str()), Some(*kind));
        }
        assert_eq!(Decision::from_id("rearchive"), None);
    }

    #[test]
    fn decision_keys_are_exactly_the_contract() {
        let ids: Vec<_> = Decision::ALL.iter().map(|d| d.as_str()).collect();
        assert_eq!(ids, ["success", "retry", "re-archive", "give-up"]);
        let ranks: Vec<_> = Decision::ALL.iter().map(|d| d.rank()).collect();
        assert_eq!(ranks, [0, 1, 2, 3]);
    }

    #[test]
    fn kind_knows_its_decision() {
        assert_eq!(Kind::Retry(RetryKind::Backoff).decision(), Decision::Retry);
        assert_eq!(Kind::ReArchive(Scope::CommLayer).as_str(), "comm-layer");
        assert_eq!(
            Kind::GiveUp(Owner::ArchiveAdmin).to_string(),
            "archive-admin"
        );
        assert_eq!(
            Kind::Success(SuccessKind::AlreadyApplied).decision(),
            Decision::Success
        );
    }
}
