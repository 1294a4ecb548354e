//! docket-core's one integration-test binary. Each module reads like the part of the spec it proves.

// Tests and benchmarks read their own knobs (E2E_DEBUG, DOCKET_PROOF_ITEMS...); product code reads the
// environment through docket_core::config::env only (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod connector;
mod convert;
mod graph;
mod graph_double;
mod hostile_exports;
mod identity;
mod ledger;
mod mapping;
mod pipeline;
mod saved_connectors;
mod secrets;
mod sinks;
mod support;
mod telegram;
mod telegram_bot;
mod telegram_html;
mod whatsapp;
mod whatsapp_locales;
mod x;
