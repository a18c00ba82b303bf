//! End-to-end tests of the `fep` binary: every subcommand, its exit statuses and its documented
//! output shapes.

mod batch;
mod classify;
mod docs;
mod explain;
mod frame;
mod help;
mod util;
