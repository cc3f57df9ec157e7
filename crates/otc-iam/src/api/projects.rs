//! /v3/projects, /v3/auth/projects, /v3/users/{id}/projects and the
//! /v3-ext/projects status API. Callers see the projects of their own
//! domain only; another domain's project is "not found".

use super::body;
use super::domain_config::PROJECT_QUOTA;
use crate::model::{self, Project, PROJECT};
use crate::revocation;
use crate::{errors, Iam};
use otc_core::api::{Input, Reply};
use otc_core::quota::Quota;
use otc_core::{time, ApiResult, Ctx};
use otc_store::{ListQuery, Tx, TxExt};
use serde_json::{json, Value};

fn project_json(p: &Project, base_url: &str) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "domain_id": p.domain_id,
        "parent_id": p.parent_id,
        "description": p.description,
        "enabled": p.enabled,
        "is_domain": false,
        "links": {"self": format!("{base_url}/v3/projects/{}", p.id)},
    })
}

fn list_json(projects: &[Project], self_link: String, base_url: &str) -> Value {
    json!({
        "projects": projects.iter().map(|p| project_json(p, base_url)).collect::<Vec<_>>(),
        "links": {"self": self_link, "previous": null, "next": null},
    })
}

fn domain_projects(tx: &mut dyn Tx, domain_id: &str) -> ApiResult<Vec<Project>> {
    Ok(tx.list_docs(&ListQuery { kind: PROJECT, scope: Some(domain_id), ..Default::default() })?)
}

/// A project of the caller's domain.
fn own_project(tx: &mut dyn Tx, ctx: &Ctx, id: &str) -> ApiResult<Project> {
    match tx.get_doc::<Project>(PROJECT, id)? {
        Some(p) if p.domain_id == ctx.domain_id => Ok(p),
        _ => Err(errors::not_found("project", id)),
    }
}

/// Managing projects is the administrator's (Keystone's `admin_required`).
fn require_admin(ctx: &Ctx) -> ApiResult<()> {
    if ctx.roles.is_empty() {
        return Err(errors::not_authorized());
    }
    Ok(())
}

fn parse_bool(input: &Input<'_>, key: &str) -> ApiResult<Option<bool>> {
    match input.query.get(key) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") || v == "1" => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") || v == "0" => Ok(Some(false)),
        Some(_) => Err(errors::invalid_param(key)),
    }
}

fn check_description(d: Option<&str>) -> ApiResult<()> {
    match d {
        Some(d) if d.chars().count() > 255 => Err(errors::invalid_field("description", d)),
        _ => Ok(()),
    }
}

impl Iam {
    pub(crate) fn list_projects(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let q = input.query;
        let enabled = parse_bool(input, "enabled")?;
        let is_domain = parse_bool(input, "is_domain")?;
        let paging = match (q.get("page"), q.get("per_page")) {
            (None, None) => None,
            (Some(page), Some(per)) => {
                let page: usize = page.parse().ok().filter(|p| *p >= 1).ok_or_else(|| errors::invalid_param("page"))?;
                let per: usize = per.parse().ok().filter(|p| (1..=5000).contains(p)).ok_or_else(|| errors::invalid_param("per_page"))?;
                Some((page, per))
            }
            (None, Some(_)) => return Err(errors::invalid_param("page")),
            (Some(_), None) => return Err(errors::invalid_param("per_page")),
        };
        let mut projects = self.store.txn(|tx| domain_projects(tx, &ctx.domain_id))?;
        projects.retain(|p| {
            q.get("domain_id").is_none_or(|d| d == p.domain_id)
                && q.get("name").is_none_or(|n| n == p.name)
                && q.get("parent_id").is_none_or(|n| n == p.parent_id)
                && enabled.is_none_or(|e| e == p.enabled)
                && is_domain != Some(true)
        });
        if let Some((page, per)) = paging {
            projects = otc_core::pagination::page_by_offset(projects, (page - 1) * per, Some(per));
        }
        let mut link = format!("{}/v3/projects", input.base_url);
        if !q.0.is_empty() {
            let qs: Vec<String> = q.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
            link = format!("{link}?{}", qs.join("&"));
        }
        Reply::json(200, &list_json(&projects, link, input.base_url))
    }

    pub(crate) fn auth_projects(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        // The projects the caller has a role in: all of them, or none.
        let projects = if ctx.roles.is_empty() { Vec::new() } else { self.store.txn(|tx| domain_projects(tx, &ctx.domain_id))? };
        Reply::json(200, &list_json(&projects, format!("{}/v3/auth/projects", input.base_url), input.base_url))
    }

    pub(crate) fn user_projects(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let user_id = input.param("user_id");
        if user_id != ctx.user_id {
            require_admin(ctx)?;
        }
        let projects = self.store.txn(|tx| match tx.get_doc::<crate::model::User>(crate::model::USER, user_id)? {
            Some(u) if u.domain_id == ctx.domain_id => {
                if model::roles_of(tx, &u)?.is_empty() {
                    Ok(Vec::new())
                } else {
                    domain_projects(tx, &ctx.domain_id)
                }
            }
            _ => Err(errors::not_found("user", user_id)),
        })?;
        let link = format!("{}/v3/users/{user_id}/projects", input.base_url);
        Reply::json(200, &list_json(&projects, link, input.base_url))
    }

    pub(crate) fn show_project(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let p = self.store.txn(|tx| own_project(tx, ctx, input.param("project_id")))?;
        Reply::json(200, &json!({"project": project_json(&p, input.base_url)}))
    }

    pub(crate) fn create_project(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let root = body::root(input)?;
        let p = body::object(&root, "project")?;
        let name = body::string(p, "name")?;
        if !model::valid_subproject_name(name, &self.regions) {
            return Err(errors::invalid_field("name", name));
        }
        let description = body::opt_str(p, "description")?;
        check_description(description)?;
        if let Some(d) = body::opt_str(p, "domain_id")? {
            if d != ctx.domain_id {
                return Err(errors::not_authorized());
            }
        }
        let requested_parent = body::opt_str(p, "parent_id")?;
        let project = self.store.txn(|tx| {
            if model::project_by_name(tx, &ctx.domain_id, name)?.is_some() {
                return Err(errors::conflict("project", "Duplicate project name"));
            }
            let quota = Quota { limit: PROJECT_QUOTA, used: model::subprojects_of(tx, &ctx.domain_id)? };
            if !quota.allows(1) {
                return Err(errors::conflict("project", "The number of projects exceeds the quota"));
            }
            // A sub-project hangs below its region's project.
            let region_project = model::project_by_name(tx, &ctx.domain_id, model::region_of(name))?;
            let parent_id = match (requested_parent, &region_project) {
                (None, Some(r)) => r.id.clone(),
                (None, None) => ctx.domain_id.clone(),
                (Some(want), _) if want == ctx.domain_id || region_project.as_ref().is_some_and(|r| r.id == want) => want.to_string(),
                (Some(want), _) => return Err(errors::invalid_field("parent_id", want)),
            };
            let project = Project {
                id: otc_core::ids::hex32(),
                name: name.to_string(),
                domain_id: ctx.domain_id.clone(),
                parent_id,
                description: description.unwrap_or_default().to_string(),
                enabled: true,
                status: "normal".into(),
                suspended_time: None,
            };
            let key = model::name_key(&ctx.domain_id, name);
            tx.insert_doc(PROJECT, &project.id, &project.domain_id, Some(&key), &project)?;
            Ok(project)
        })?;
        Reply::json(201, &json!({"project": project_json(&project, input.base_url)}))
    }

    pub(crate) fn update_project(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let root = body::root(input)?;
        let p = body::object(&root, "project")?;
        let name = body::opt_str(p, "name")?;
        let description = body::opt_str(p, "description")?;
        if name.is_none() && description.is_none() {
            return Err(errors::required("name"));
        }
        if let Some(n) = name {
            if !model::valid_subproject_name(n, &self.regions) {
                return Err(errors::invalid_field("name", n));
            }
        }
        check_description(description)?;
        let project = self.store.txn(|tx| {
            let mut project = own_project(tx, ctx, input.param("project_id"))?;
            if let Some(n) = name.filter(|n| *n != project.name) {
                if project.is_region_project() || model::region_of(n) != project.region() {
                    return Err(errors::not_authorized());
                }
                if model::project_by_name(tx, &ctx.domain_id, n)?.is_some() {
                    return Err(errors::conflict("project", "Duplicate project name"));
                }
                project.name = n.to_string();
            }
            if let Some(d) = description {
                project.description = d.to_string();
            }
            let key = model::name_key(&ctx.domain_id, &project.name);
            tx.update_doc(PROJECT, &project.id, &project.domain_id, Some(&key), &project)?;
            Ok(project)
        })?;
        Reply::json(200, &json!({"project": project_json(&project, input.base_url)}))
    }

    pub(crate) fn delete_project(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        self.store.txn(|tx| {
            let project = own_project(tx, ctx, input.param("project_id"))?;
            if project.is_region_project() {
                return Err(errors::not_authorized());
            }
            tx.delete(PROJECT, &project.id)?;
            // Tokens scoped to a deleted project stop working at once.
            let now = self.clock.now();
            revocation::revoke(tx, revocation::Subject::Project(&project.id), now, self.revocation_horizon(now), now)?;
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }

    pub(crate) fn show_project_status(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let p = self.store.txn(|tx| own_project(tx, ctx, input.param("project_id")))?;
        let mut body = json!({
            "id": p.id,
            "name": p.name,
            "domain_id": p.domain_id,
            "parent_id": p.parent_id,
            "description": p.description,
            "enabled": p.enabled,
            "is_domain": false,
            "status": p.status,
        });
        if let Some(t) = &p.suspended_time {
            body["suspended_time"] = json!(t);
        }
        Reply::json(200, &json!({ "project": body }))
    }

    pub(crate) fn set_project_status(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let root = body::root(input)?;
        let p = body::object(&root, "project")?;
        let status = body::string(p, "status")?;
        if status != "suspended" && status != "normal" {
            return Err(errors::invalid_field("status", status));
        }
        let now = time::iso_micros(self.clock.now());
        self.store.txn(|tx| {
            let mut project = own_project(tx, ctx, input.param("project_id"))?;
            project.suspended_time = (status == "suspended").then_some(now);
            project.status = status.to_string();
            let key = model::name_key(&ctx.domain_id, &project.name);
            tx.update_doc(PROJECT, &project.id, &project.domain_id, Some(&key), &project)?;
            Ok::<_, otc_core::ApiError>(())
        })?;
        Ok(Reply::empty(204))
    }
}
