//! Exit statuses, the same for every subcommand (documented in `docs/cli.md`).

use std::process::ExitCode;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything decoded / parsed.
    Clean,
    /// Some input could not be decoded and was reported and skipped; results were still written.
    InputProblems,
    /// A usage or I/O error: the command could not do its job.
    Failure,
}

impl Status {
    /// The worse of two statuses.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        self.max(other)
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        match status {
            Status::Clean => Self::SUCCESS,
            Status::InputProblems => Self::from(1),
            Status::Failure => Self::from(2),
        }
    }
}
