//! Test fixtures shared by Docket's suites: generators for realistic exports of any size, and (see
//! `azurite`) the harness that starts the real Azure Storage emulator. Test code only; never shipped.

pub mod azurite;
pub mod exports;
pub mod fake_entra;
pub mod fake_graph;
pub mod fake_x;
pub mod http_wire;
