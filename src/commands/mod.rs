//! One module per subcommand.

pub mod classify;
pub mod completions;
pub mod explain;
pub mod frame;
pub mod rules;
