//! The Graph client `docket mailboxes check` uses: the Docket app from DOCKET_TENANT_ID and DOCKET_CLIENT_ID,
//! its client secret from DOCKET_CLIENT_SECRET or the keychain (never the command line), and the `--cloud`
//! with the environment's endpoint overrides. Runs and `verify` open their targets through the core's
//! `RunPlan` (see `plan`).

use std::sync::Arc;

use docket_core::connector::{self, GraphApp};
use docket_core::identity::GraphClient;
use docket_core::Error;

use crate::plan::{app_ids, cloud_name, EnvThenKeychain};

/// The Graph client of Docket's app, and its tenant.
pub fn app_graph(cloud: &str) -> Result<(Arc<GraphClient>, String), Error> {
    let cloud = cloud_name(cloud)?;
    let (tenant_id, client_id) = app_ids()?;
    let app = GraphApp {
        cloud: docket_core::config::env::cloud_with_overrides(&cloud.cloud()),
        tenant_id: tenant_id.clone(),
        client_id,
    };
    Ok((connector::app_graph_client(&EnvThenKeychain, &app)?, tenant_id))
}
