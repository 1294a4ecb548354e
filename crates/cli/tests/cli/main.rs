//! The `docket` CLI, driven as a scheduler or script would drive it: real processes, real files, exit codes
//! and JSON on stdout.

mod azure_target;
mod bad_input;
mod crash;
mod dir_target;
mod graph_target;
mod harness;
mod x_source;
