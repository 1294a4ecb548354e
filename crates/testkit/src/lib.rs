//! Test fixtures shared by Docket's suites: generators for realistic exports of any size, the harness that
//! starts the real Azure Storage emulator (`azurite`), the Entra ID token double (`fake_entra`) and the
//! fault-injecting proxy that sits in front of Azurite (`fault_proxy`), and the workspace's one version
//! (`workspace`). Test code only; never shipped.

pub mod azurite;
pub mod exports;
pub mod fake_entra;
pub mod fake_graph;
pub mod fake_telegram_bot;
pub mod fake_x;
pub mod fault_proxy;
pub mod http_wire;
pub mod workspace;
