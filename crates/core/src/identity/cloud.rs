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

/// One of Microsoft's clouds by name: what a saved plan, IPC and `--cloud` may choose. Unlike `Cloud` it has no
/// custom endpoints, so nothing a webview or a file sends can point Docket's tokens at another host; test
/// doubles and private endpoints come only from the environment (`config::env`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CloudName {
    #[default]
    Global,
    UsGovHigh,
    UsGovDod,
    China,
}

impl CloudName {
    pub fn cloud(self) -> Cloud {
        match self {
            CloudName::Global => Cloud::Global,
            CloudName::UsGovHigh => Cloud::UsGovHigh,
            CloudName::UsGovDod => Cloud::UsGovDod,
            CloudName::China => Cloud::China,
        }
    }

    /// The cloud a `--cloud` value names: `global`, `gcc-high`, `dod` or `china`.
    pub fn from_name(name: &str) -> Option<CloudName> {
        match Cloud::from_name(name)? {
            Cloud::Global => Some(CloudName::Global),
            Cloud::UsGovHigh => Some(CloudName::UsGovHigh),
            Cloud::UsGovDod => Some(CloudName::UsGovDod),
            Cloud::China => Some(CloudName::China),
            Cloud::Custom { .. } => None,
        }
    }
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

    /// Whether Graph's `importMime` action exists here: Microsoft documents it for the Global service only
    /// (not US Government L4/L5 or 21Vianet). A custom pair (test doubles) is treated as Global; callers
    /// that apply endpoint overrides to a national cloud ask the named cloud, before the overrides.
    pub fn has_import_mime(&self) -> bool {
        matches!(self, Cloud::Global | Cloud::Custom { .. })
    }

    /// The static scope of everything an app was granted on Graph: `{graph}/.default`.
    pub fn graph_default_scope(&self) -> String {
        format!("{}/.default", self.graph())
    }

    /// The cloud a CLI `--cloud` value names: `global`, `gcc-high`, `dod` or `china`.
    pub fn from_name(name: &str) -> Option<Cloud> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "global" | "public" | "worldwide" => Some(Cloud::Global),
            "gcc-high" | "us-gov-high" | "usgovhigh" => Some(Cloud::UsGovHigh),
            "dod" | "us-gov-dod" | "usgovdod" => Some(Cloud::UsGovDod),
            "china" | "21vianet" => Some(Cloud::China),
            _ => None,
        }
    }

    /// This cloud with the authority and/or Graph base replaced (test doubles: `config::env`).
    pub fn with_overrides(&self, authority: Option<&str>, graph: Option<&str>) -> Cloud {
        match (authority, graph) {
            (None, None) => self.clone(),
            (a, g) => Cloud::Custom {
                authority: a.unwrap_or(self.authority()).to_string(),
                graph: g.unwrap_or(self.graph()).to_string(),
            },
        }
    }

    /// A delegated Graph permission as a scope of this cloud's Graph: `{graph}/{permission}`.
    pub fn graph_scope(&self, permission: &str) -> String {
        format!("{}/{permission}", self.graph())
    }

    /// Every endpoint Docket calls in this cloud for `tenant`, from this one function: the call sites
    /// (sign-in, token requests, admin consent, Graph) all take their addresses from here.
    pub fn endpoints(&self, tenant: &str) -> Result<CloudEndpoints, IdentityError> {
        let tenant = super::checked_tenant(tenant)?;
        Ok(CloudEndpoints {
            token: self.endpoint(&tenant, "oauth2/v2.0/token")?,
            authorize: self.endpoint(&tenant, "oauth2/v2.0/authorize")?,
            admin_consent: self.endpoint(&tenant, "v2.0/adminconsent")?,
            graph_v1: self.graph_base()?.join("v1.0/").map_err(|_| self.bad_graph(why_no_url()))?,
            graph_beta: self.graph_base()?.join("beta/").map_err(|_| self.bad_graph(why_no_url()))?,
        })
    }

    /// The Graph base as a URL ending in `/`, refusing one that is not https (or http on loopback): Graph
    /// requests carry bearer tokens.
    pub(crate) fn graph_base(&self) -> Result<Url, IdentityError> {
        let graph = self.graph();
        let base = Url::parse(&format!("{graph}/")).map_err(|_| self.bad_graph(why_not_url()))?;
        let loopback = matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match base.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(self.bad_graph(why_not_https())),
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(self.bad_graph(why_query()));
        }
        Ok(base)
    }

    fn bad_graph(&self, why: crate::Text) -> IdentityError {
        IdentityError::InvalidInput {
            field: crate::text!("field.graph_address", "Microsoft Graph address"),
            message: bad_address(self.graph(), why),
        }
    }

    /// `{authority}/{tenant}/{path}`, refusing an authority that is not https (or http on loopback).
    pub(crate) fn endpoint(&self, tenant: &str, path: &str) -> Result<Url, IdentityError> {
        let authority = self.authority();
        let invalid = |why: crate::Text| IdentityError::InvalidInput {
            field: crate::text!("field.cloud_authority", "cloud authority"),
            message: bad_address(authority, why),
        };
        let base = Url::parse(authority).map_err(|_| invalid(why_not_url()))?;
        let loopback = matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match base.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(invalid(why_not_https())),
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(invalid(why_query()));
        }
        Url::parse(&format!("{authority}/{tenant}/{path}")).map_err(|_| invalid(why_no_url()))
    }
}

/// The addresses one cloud gives for one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudEndpoints {
    /// `{authority}/{tenant}/oauth2/v2.0/token`
    pub token: Url,
    /// `{authority}/{tenant}/oauth2/v2.0/authorize`
    pub authorize: Url,
    /// `{authority}/{tenant}/v2.0/adminconsent` (Docket's own app's Graph permissions)
    pub admin_consent: Url,
    /// `{graph}/v1.0/`
    pub graph_v1: Url,
    /// `{graph}/beta/`
    pub graph_beta: Url,
}

impl CloudEndpoints {
    /// Every address, for tests and diagnostics.
    pub fn all(&self) -> [&Url; 5] {
        [&self.token, &self.authorize, &self.admin_consent, &self.graph_v1, &self.graph_beta]
    }
}

fn bad_address(address: &str, why: crate::Text) -> crate::Text {
    crate::text!(
        "cloud.bad_address",
        "\"{address}\" {why}; choose one of the Microsoft clouds",
        address = address,
        why = why
    )
}

fn why_not_url() -> crate::Text {
    crate::text!("cloud.not_url", "is not a URL")
}

fn why_no_url() -> crate::Text {
    crate::text!("cloud.no_url", "does not form a URL")
}

fn why_not_https() -> crate::Text {
    crate::text!("cloud.not_https", "must be an https address")
}

fn why_query() -> crate::Text {
    crate::text!("cloud.query", "must not carry a query or fragment")
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
