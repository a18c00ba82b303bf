//! One module per subcommand.

pub mod batch;
pub mod classify;
pub mod completions;
pub mod explain;
pub mod frame;
pub mod generate;
pub mod rules;
