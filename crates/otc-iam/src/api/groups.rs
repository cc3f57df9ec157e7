//! User groups and membership: `/v3/users/{id}/groups`,
//! `/v3/groups/{id}/users` and removing a member, as documented; adding a
//! member (`PUT /v3/groups/{gid}/users/{uid}`) and reading groups
//! (`GET /v3/groups[/{id}]`) are not in the reference, but the real API
//! has them and clients need them (`openstack group add user` looks the
//! group up first; Terraform's `identity_group_membership_v3` adds).
//! Groups are not created through the API: each domain has its `admin`
//! group, whose members administer the domain.

use crate::model::{self, Group, User, GROUP, USER};
use crate::revocation::{self, Subject};
use crate::{errors, Iam};
use otc_core::api::{Input, Reply};
use otc_core::{ApiResult, Ctx};
use otc_store::{ListQuery, Tx, TxExt};
use serde_json::{json, Value};

fn group_json(g: &Group, base_url: &str) -> Value {
    json!({
        "id": g.id,
        "name": g.name,
        "description": g.description,
        "domain_id": g.domain_id,
        "create_time": g.create_time.timestamp_millis(),
        "links": {"self": format!("{base_url}/v3/groups/{}", g.id)},
    })
}

fn user_json(u: &User, base_url: &str) -> Value {
    json!({
        "id": u.id,
        "name": u.name,
        "domain_id": u.domain_id,
        "enabled": u.enabled,
        "description": u.description,
        "password_expires_at": null,
        "links": {"self": format!("{base_url}/v3/users/{}", u.id)},
    })
}

fn require_admin(ctx: &Ctx) -> ApiResult<()> {
    if ctx.roles.is_empty() {
        return Err(errors::not_authorized());
    }
    Ok(())
}

fn own_group(tx: &mut dyn Tx, ctx: &Ctx, id: &str) -> ApiResult<Group> {
    match tx.get_doc::<Group>(GROUP, id)? {
        Some(g) if g.domain_id == ctx.domain_id => Ok(g),
        _ => Err(errors::not_found("group", id)),
    }
}

fn own_user(tx: &mut dyn Tx, ctx: &Ctx, id: &str) -> ApiResult<User> {
    match tx.get_doc::<User>(USER, id)? {
        Some(u) if u.domain_id == ctx.domain_id => Ok(u),
        _ => Err(errors::not_found("user", id)),
    }
}

fn links(input: &Input<'_>, path: &str) -> Value {
    json!({"self": format!("{}{path}", input.base_url), "previous": null, "next": null})
}

impl Iam {
    pub(crate) fn list_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let mut groups: Vec<Group> =
            self.store.txn(|tx| tx.list_docs(&ListQuery { kind: GROUP, scope: Some(&ctx.domain_id), ..Default::default() }))?;
        groups.retain(|g| {
            input.query.get("name").is_none_or(|n| n == g.name) && input.query.get("domain_id").is_none_or(|d| d == g.domain_id)
        });
        let body: Vec<Value> = groups.iter().map(|g| group_json(g, input.base_url)).collect();
        Reply::json(200, &json!({"groups": body, "links": links(input, "/v3/groups")}))
    }

    pub(crate) fn show_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let g = self.store.txn(|tx| own_group(tx, ctx, input.param("group_id")))?;
        Reply::json(200, &json!({"group": group_json(&g, input.base_url)}))
    }

    pub(crate) fn user_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let id = input.param("user_id");
        if id != ctx.user_id {
            require_admin(ctx)?;
        }
        let groups = self.store.txn(|tx| {
            let u = own_user(tx, ctx, id)?;
            Ok::<_, otc_core::ApiError>(model::groups_of(tx, &u.id)?)
        })?;
        let body: Vec<Value> = groups.iter().map(|g| group_json(g, input.base_url)).collect();
        Reply::json(200, &json!({"groups": body, "links": links(input, &format!("/v3/users/{id}/groups"))}))
    }

    pub(crate) fn group_users(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let gid = input.param("group_id");
        let q = input.query;
        let enabled = match q.get("enabled") {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
            Some(_) => return Err(errors::invalid_param("enabled")),
        };
        if let Some(v) = q.get("password_expires_at") {
            let ok = v
                .split_once(':')
                .is_some_and(|(op, at)| ["lt", "lte", "gt", "gte", "eq", "neq"].contains(&op) && otc_core::time::parse(at).is_some());
            if !ok {
                return Err(errors::invalid_param("password_expires_at"));
            }
        }
        let mut users = self.store.txn(|tx| {
            let g = own_group(tx, ctx, gid)?;
            Ok::<_, otc_core::ApiError>(model::members_of(tx, &g.id)?)
        })?;
        // Passwords never expire in the emulator: an expiry filter matches nobody.
        users.retain(|u| {
            q.get("password_expires_at").is_none()
                && q.get("domain_id").is_none_or(|d| d == u.domain_id)
                && q.get("name").is_none_or(|n| n == u.name)
                && enabled.is_none_or(|e| e == u.enabled)
        });
        let body: Vec<Value> = users.iter().map(|u| user_json(u, input.base_url)).collect();
        Reply::json(200, &json!({"users": body, "links": links(input, &format!("/v3/groups/{gid}/users"))}))
    }

    pub(crate) fn add_group_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        self.store.txn(|tx| {
            let g = own_group(tx, ctx, input.param("group_id"))?;
            let u = own_user(tx, ctx, input.param("user_id"))?;
            model::add_member(tx, &g.id, &u.id)?;
            Ok::<_, otc_core::ApiError>(())
        })?;
        Ok(Reply::empty(204))
    }

    /// Removing a member takes its group's roles away: its tokens issued
    /// so far end, as they carry those roles.
    pub(crate) fn remove_group_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let now = self.clock.now();
        self.store.txn(|tx| {
            let g = own_group(tx, ctx, input.param("group_id"))?;
            let u = own_user(tx, ctx, input.param("user_id"))?;
            if !model::is_member(tx, &g.id, &u.id)? {
                return Err(errors::not_found("user", &u.id));
            }
            if g.name == model::ADMIN_GROUP && u.is_domain_owner {
                // The account's own user keeps administering it.
                return Err(errors::not_authorized());
            }
            tx.delete(model::MEMBERSHIP, &model::membership_id(&g.id, &u.id))?;
            revocation::revoke(tx, Subject::User(&u.id), now, self.revocation_horizon(now), now)?;
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }
}
