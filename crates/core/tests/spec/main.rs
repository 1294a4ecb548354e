//! docket-core's one integration-test binary. Each module reads like the part of the spec it proves.

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
mod telegram_html;
mod whatsapp;
mod x;
