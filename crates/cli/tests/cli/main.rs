//! The `docket` CLI, driven as a scheduler or script would drive it: real processes, real files, exit codes
//! and JSON on stdout.

// Tests and benchmarks read their own knobs (E2E_DEBUG, DOCKET_PROOF_ITEMS...); product code reads the
// environment through docket_core::config::env only (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod admin_commands;
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
mod run_due;
mod run_plan;
mod telegram_bot;
mod x_source;
