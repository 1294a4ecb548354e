//! Bearer tokens: every Graph request carries one the Entra double issued for this Graph (its audience), not
//! expired, else 401 InvalidAuthenticationToken with `WWW-Authenticate` (learn.microsoft.com/graph/auth/auth-concepts;
//! learn.microsoft.com/graph/errors). The caller's roles and scopes then decide each endpoint's 403.

use std::collections::BTreeSet;
use std::time::Instant;

use super::{graph_error, Shared};
use crate::http_wire::{Request, Response};

/// Who is calling: the token's app roles and delegated scopes.
pub(crate) struct Caller {
    pub roles: BTreeSet<String>,
    pub scopes: BTreeSet<String>,
}

impl Caller {
    /// True when the token carries any of the permissions (as a role or a delegated scope).
    pub fn has_any(&self, permissions: &[&str]) -> bool {
        permissions.iter().any(|p| self.roles.contains(*p) || self.scopes.contains(*p))
    }
}

pub(super) fn authenticate(shared: &Shared, request: &Request) -> Result<Caller, Response> {
    let unauthorized = |message: &str| {
        graph_error(401, "InvalidAuthenticationToken", message)
            .with_header("WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\"")
    };
    let Some(header) = request.header("Authorization") else {
        return Err(unauthorized("Access token is empty."));
    };
    let Some(value) = header.strip_prefix("Bearer ").map(str::trim).filter(|v| !v.is_empty()) else {
        return Err(unauthorized("Access token is empty."));
    };
    let Some(token) = shared.entra.token(value) else {
        return Err(unauthorized("IDX14100: JWT is not well formed."));
    };
    if token.expires_at <= Instant::now() {
        shared.lock().expired_tokens_seen += 1;
        return Err(unauthorized("Lifetime validation failed, the token is expired."));
    }
    if token.audience != shared.base {
        return Err(unauthorized("Invalid audience."));
    }
    Ok(Caller { roles: token.roles, scopes: token.scopes })
}
