//! The wizard's Entra ID step as the connector offers it: the live app check with the client secret taken
//! from the secret store. It owns no protocol (see `identity`) and never returns the secret or a token.

use super::secret_names::AZURE_CLIENT_SECRET_ENTRY;
use crate::config::ConfigError;
use crate::error::Error;
use crate::identity::{self, AppCheck, Cloud};
use crate::secrets::SecretStore;
use crate::text;

/// Checks that the stored client secret signs app `client_id` in to `tenant_id` on `cloud`.
pub async fn test_entra_app(
    secrets: &dyn SecretStore,
    cloud: &Cloud,
    tenant_id: &str,
    client_id: &str,
) -> Result<AppCheck, Error> {
    let Some(secret) = secrets.get(AZURE_CLIENT_SECRET_ENTRY)? else {
        return Err(ConfigError::Invalid {
            field: text!("field.client_secret", "client secret"),
            message: text!(
                "entra.no_secret",
                "no client secret is stored yet; paste the Value of the app's client secret in the Entra ID \
                 step and save it"
            ),
        }
        .into());
    };
    Ok(identity::check_app_credentials(cloud, tenant_id, client_id, &secret).await?)
}
