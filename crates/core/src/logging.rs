//! What may reach a log. The Azure SDK writes every request it sends, URL and all, at `debug` and `trace`
//! (`azure_core::policies::transport`, `azure_core::http_client`), and a URL authorised by a SAS carries its
//! signature (`sig=`); so its crates are held to `warn` and above whatever filter the admin sets. Every
//! subscriber Docket installs (the CLI's, the desktop shell's) applies `may_log`. It owns no subscriber.

use tracing::Level;

/// Crates whose verbose events may carry secrets (request URLs with a SAS, signed headers).
pub const SECRET_BEARING_TARGETS: &[&str] =
    &["azure_core", "azure_storage", "azure_storage_blobs", "azure_svc_blobstorage", "oauth2"];

/// Whether an event from `target` at `level` may be written anywhere.
pub fn may_log(target: &str, level: &Level) -> bool {
    let secret_bearing = SECRET_BEARING_TARGETS.iter().any(|crate_name| {
        target == *crate_name || target.strip_prefix(crate_name).is_some_and(|rest| rest.starts_with("::"))
    });
    !secret_bearing || *level <= Level::WARN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdks_verbose_events_are_held_back_and_docket_s_are_not() {
        assert!(!may_log("azure_core::policies::transport", &Level::DEBUG));
        assert!(!may_log("azure_core", &Level::TRACE));
        assert!(!may_log("azure_storage::authorization::authorization_policy", &Level::INFO));
        assert!(may_log("azure_core::policies::transport", &Level::WARN));
        assert!(may_log("docket_core::pipeline::retry", &Level::TRACE));
        assert!(may_log("azure_corex", &Level::TRACE), "only whole crate names match");
        assert!(may_log("hyper_util::client::legacy::pool", &Level::TRACE));
    }
}
