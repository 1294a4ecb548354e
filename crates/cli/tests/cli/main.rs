//! The `docket` CLI, driven as a scheduler or script would drive it: real processes, real files, exit codes
//! and JSON on stdout.

mod azure_target;
mod bad_input;
mod canaries;
mod crash;
mod crash_loop;
mod dir_target;
mod faults;
mod graph_target;
mod harness;
mod mailbox_delivery;
mod mapping_change;
mod overlapping_exports;
mod proof;
mod run_plan;
mod telegram_bot;
mod x_source;
