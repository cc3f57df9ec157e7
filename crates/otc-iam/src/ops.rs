//! IAM's operation table: every operation identity serves, as data.
//! Documented operations not listed here answer 404 APIGW.0101.

use crate::keys::Keyring;
use crate::Iam;
use otc_core::api::{handler, Access::*, CatalogEntry, Family::Keystone, Op, Service};
use otc_core::{time, ApiResult};
use serde_json::json;
use std::sync::Arc;

fn signing_keys_json(ring: &Keyring) -> serde_json::Value {
    let keys: Vec<_> = ring
        .set()
        .keys
        .iter()
        .map(|k| {
            json!({
                "id": k.id,
                "created_at": time::iso_micros(k.created_at),
                "retired_at": k.retired_at.map(time::iso_micros),
                "signs": k.id == ring.signing_key_id(),
            })
        })
        .collect();
    json!({"signing_keys": keys, "kept_after_retirement_seconds": ring.set().longest_lifetime_seconds})
}

impl Service for Iam {
    fn name(&self) -> &'static str {
        "iam"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        vec![
            Op::new("GET", "/", Public, Keystone, handler(s, Iam::versions)),
            Op::new("GET", "/v3", Public, Keystone, handler(s, Iam::version_v3)),
            Op::new("POST", "/v3/auth/tokens", Public, Keystone, handler(s, Iam::issue_token)),
            Op::new("GET", "/v3/auth/tokens", Authenticated, Keystone, handler(s, Iam::validate_token)),
            Op::new("HEAD", "/v3/auth/tokens", Authenticated, Keystone, handler(s, Iam::check_token)),
            Op::new("DELETE", "/v3/auth/tokens", Authenticated, Keystone, handler(s, Iam::revoke_token)),
            Op::new("GET", "/v3/auth/catalog", Authenticated, Keystone, handler(s, Iam::auth_catalog)),
            Op::new("GET", "/v3/auth/projects", Authenticated, Keystone, handler(s, Iam::auth_projects)),
            Op::new("GET", "/v3/auth/domains", Authenticated, Keystone, handler(s, Iam::auth_domains)),
            Op::new("GET", "/v3/projects", Authenticated, Keystone, handler(s, Iam::list_projects)),
            Op::new("POST", "/v3/projects", Authenticated, Keystone, handler(s, Iam::create_project)),
            Op::new("GET", "/v3/projects/{project_id}", Authenticated, Keystone, handler(s, Iam::show_project)),
            Op::new("PATCH", "/v3/projects/{project_id}", Authenticated, Keystone, handler(s, Iam::update_project)),
            Op::new("DELETE", "/v3/projects/{project_id}", Authenticated, Keystone, handler(s, Iam::delete_project)),
            Op::new("POST", "/v3/users", Authenticated, Keystone, handler(s, Iam::create_keystone_user)),
            Op::new("GET", "/v3/users", Authenticated, Keystone, handler(s, Iam::list_users)),
            Op::new("GET", "/v3/users/{user_id}", Authenticated, Keystone, handler(s, Iam::show_keystone_user)),
            Op::new("PATCH", "/v3/users/{user_id}", Authenticated, Keystone, handler(s, Iam::patch_keystone_user)),
            Op::new("DELETE", "/v3/users/{user_id}", Authenticated, Keystone, handler(s, Iam::delete_user)),
            Op::new("POST", "/v3/users/{user_id}/password", Authenticated, Keystone, handler(s, Iam::change_password)),
            Op::new("GET", "/v3/users/{user_id}/groups", Authenticated, Keystone, handler(s, Iam::user_groups)),
            Op::new("GET", "/v3/groups", Authenticated, Keystone, handler(s, Iam::list_groups)),
            Op::new("GET", "/v3/groups/{group_id}", Authenticated, Keystone, handler(s, Iam::show_group)),
            Op::new("GET", "/v3/groups/{group_id}/users", Authenticated, Keystone, handler(s, Iam::group_users)),
            Op::new("PUT", "/v3/groups/{group_id}/users/{user_id}", Authenticated, Keystone, handler(s, Iam::add_group_user)),
            Op::new("DELETE", "/v3/groups/{group_id}/users/{user_id}", Authenticated, Keystone, handler(s, Iam::remove_group_user)),
            Op::new("POST", "/v3.0/OS-USER/users", Authenticated, Keystone, handler(s, Iam::create_otc_user)),
            Op::new("GET", "/v3.0/OS-USER/users/{user_id}", Authenticated, Keystone, handler(s, Iam::show_otc_user)),
            Op::new("PUT", "/v3.0/OS-USER/users/{user_id}", Authenticated, Keystone, handler(s, Iam::put_otc_user)),
            Op::new("POST", "/v3.0/OS-USER/users/{user_id}/welcome", Authenticated, Keystone, handler(s, Iam::welcome_user)),
            Op::new("GET", "/v3/users/{user_id}/projects", Authenticated, Keystone, handler(s, Iam::user_projects)),
            Op::new("GET", "/v3-ext/projects/{project_id}", Authenticated, Keystone, handler(s, Iam::show_project_status)),
            Op::new("PUT", "/v3-ext/projects/{project_id}", Authenticated, Keystone, handler(s, Iam::set_project_status)),
            Op::new("GET", "/v3.0/OS-QUOTA/projects/{project_id}", Authenticated, Keystone, handler(s, Iam::project_quota)),
            Op::new("GET", "/v3.0/OS-QUOTA/domains/{domain_id}", Authenticated, Keystone, handler(s, Iam::domain_quota)),
            Op::new("GET", "/v3/domains/{domain_id}/config/security_compliance", Authenticated, Keystone, handler(s, Iam::password_policy)),
            Op::new(
                "GET",
                "/v3/domains/{domain_id}/config/security_compliance/{option}",
                Authenticated,
                Keystone,
                handler(s, Iam::password_policy_option),
            ),
            Op::new("GET", "/v3/regions", Authenticated, Keystone, handler(s, Iam::list_regions)),
            Op::new("GET", "/v3/regions/{region_id}", Authenticated, Keystone, handler(s, Iam::show_region)),
            Op::new("GET", "/v3/services", Authenticated, Keystone, handler(s, Iam::list_services)),
            Op::new("GET", "/v3/services/{service_id}", Authenticated, Keystone, handler(s, Iam::show_service)),
            Op::new("GET", "/v3/endpoints", Authenticated, Keystone, handler(s, Iam::list_endpoints)),
            Op::new("GET", "/v3/endpoints/{endpoint_id}", Authenticated, Keystone, handler(s, Iam::show_endpoint)),
            Op::new("POST", "/v3.0/OS-CREDENTIAL/credentials", Authenticated, Keystone, handler(s, Iam::create_credential)),
            Op::new("GET", "/v3.0/OS-CREDENTIAL/credentials", Authenticated, Keystone, handler(s, Iam::list_credentials)),
            Op::new("GET", "/v3.0/OS-CREDENTIAL/credentials/{access_key}", Authenticated, Keystone, handler(s, Iam::show_credential)),
            Op::new("PUT", "/v3.0/OS-CREDENTIAL/credentials/{access_key}", Authenticated, Keystone, handler(s, Iam::update_credential)),
            Op::new("DELETE", "/v3.0/OS-CREDENTIAL/credentials/{access_key}", Authenticated, Keystone, handler(s, Iam::delete_credential)),
            // The token may come in the body instead of X-Auth-Token.
            Op::new("POST", "/v3.0/OS-CREDENTIAL/securitytokens", Public, Keystone, handler(s, Iam::create_security_token)),
        ]
    }

    /// `GET /_emulator/signing-keys` shows the token signing keys (ids and
    /// times, never the secrets); `POST /_emulator/signing-keys/rotate`
    /// rotates them now, as `keystone-manage fernet_rotate` does.
    fn control(&self, method: &str, parts: &[&str]) -> Option<ApiResult<serde_json::Value>> {
        match (method, parts) {
            ("GET", ["signing-keys"]) => Some(Ok(signing_keys_json(&self.keyring()))),
            ("POST", ["signing-keys", "rotate"]) => Some(self.rotate_signing_keys().map(|r| signing_keys_json(&r))),
            _ => None,
        }
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        vec![CatalogEntry { service_type: "identity", name: "iam", path: "/v3" }]
    }
}
