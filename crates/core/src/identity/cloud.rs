//! Which Microsoft cloud Docket signs in to: the Entra ID authority and the Microsoft Graph base for the
//! global service, the US Government clouds and the China cloud (21Vianet), or a custom pair for test
//! doubles. It holds no secrets and decides nothing about what is requested there.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::IdentityError;

/// A Microsoft cloud. On the wire the presets are strings (`"global"`, `"us_gov_high"`, `"us_gov_dod"`,
/// `"china"`) and a custom pair is `{"custom": {"authority": ..., "graph": ...}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// Microsoft 365 worldwide: login.microsoftonline.com and graph.microsoft.com.
    #[default]
    Global,
    /// US Government GCC High: login.microsoftonline.us and graph.microsoft.us.
    UsGovHigh,
    /// US Government DoD: login.microsoftonline.us and dod-graph.microsoft.us.
    UsGovDod,
    /// Microsoft 365 operated by 21Vianet: login.chinacloudapi.cn and microsoftgraph.chinacloudapi.cn.
    China,
    /// Any other authority and Graph base (test doubles). Plain `http` is accepted only on 127.0.0.1 or
    /// localhost, so a secret never crosses a network unencrypted.
    Custom { authority: String, graph: String },
}

impl Cloud {
    /// The Entra ID authority base, without a trailing slash.
    pub fn authority(&self) -> &str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovHigh | Cloud::UsGovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
            Cloud::Custom { authority, .. } => authority.trim().trim_end_matches('/'),
        }
    }

    /// The Microsoft Graph base, without a trailing slash.
    pub fn graph(&self) -> &str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovHigh => "https://graph.microsoft.us",
            Cloud::UsGovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
            Cloud::Custom { graph, .. } => graph.trim().trim_end_matches('/'),
        }
    }

    /// This cloud's Graph base with another authority (e.g. a test double named by `DOCKET_AUTHORITY_BASE`).
    pub fn with_authority(&self, authority: &str) -> Cloud {
        Cloud::Custom { authority: authority.to_string(), graph: self.graph().to_string() }
    }

    /// The static scope of everything an app was granted on Graph: `{graph}/.default`.
    pub fn graph_default_scope(&self) -> String {
        format!("{}/.default", self.graph())
    }

    /// `{authority}/{tenant}/{path}`, refusing an authority that is not https (or http on loopback).
    pub(crate) fn endpoint(&self, tenant: &str, path: &str) -> Result<Url, IdentityError> {
        let authority = self.authority();
        let invalid = |why: &str| IdentityError::InvalidInput {
            field: "cloud authority",
            message: format!("{authority:?} {why}; choose one of the Microsoft clouds"),
        };
        let base = Url::parse(authority).map_err(|_| invalid("is not a URL"))?;
        let loopback = matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match base.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(invalid("must be an https address")),
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(invalid("must not carry a query or fragment"));
        }
        Url::parse(&format!("{authority}/{tenant}/{path}")).map_err(|_| invalid("does not form a URL"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_name_each_clouds_sign_in_and_graph_hosts() {
        assert_eq!(Cloud::Global.authority(), "https://login.microsoftonline.com");
        assert_eq!(Cloud::UsGovDod.graph(), "https://dod-graph.microsoft.us");
        assert_eq!(Cloud::China.graph_default_scope(), "https://microsoftgraph.chinacloudapi.cn/.default");
        let token = Cloud::UsGovHigh.endpoint("contoso.onmicrosoft.com", "oauth2/v2.0/token");
        assert_eq!(
            token.map(String::from).ok().as_deref(),
            Some("https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token")
        );
    }

    #[test]
    fn presets_are_plain_strings_on_the_wire() {
        assert_eq!(serde_json::to_value(Cloud::UsGovHigh).ok(), Some(serde_json::json!("us_gov_high")));
        let custom: Result<Cloud, _> = serde_json::from_value(
            serde_json::json!({"custom": {"authority": "http://127.0.0.1:1", "graph": "g"}}),
        );
        assert!(matches!(custom, Ok(Cloud::Custom { .. })));
    }

    #[test]
    fn plain_http_is_refused_unless_it_stays_on_this_computer() {
        let remote = Cloud::Global.with_authority("http://login.example.com");
        assert!(remote.endpoint("t", "oauth2/v2.0/token").is_err());
        let local = Cloud::Global.with_authority("http://127.0.0.1:8080/");
        assert_eq!(local.graph(), "https://graph.microsoft.com");
        assert!(local.endpoint("t", "oauth2/v2.0/token").is_ok());
    }
}
