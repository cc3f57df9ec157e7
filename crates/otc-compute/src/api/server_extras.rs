//! Smaller ECS v1 APIs on a server: updating its metadata (a merge, the
//! same metadata Nova shows and limits), automatic recovery (the
//! out-of-date `autorecovery`, which the Terraform provider reads on every
//! refresh) and adding it to the monitoring list (`/v1.0/servers/{id}/action`,
//! no project in the path: the token's project).

use crate::errors::{ecs, ecs_fault};
use crate::model::{Fault, Why};
use crate::Compute;
use otc_core::api::{handler, Access::Project, Family, Input, Op, Reply};
use otc_core::ApiResult;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type EcsFn = fn(&Compute, &Input<'_>) -> ApiResult<Reply>;

pub fn ops(s: &Arc<Compute>) -> Vec<Op> {
    let routes: [(&'static str, &'static str, EcsFn); 4] = [
        ("POST", "/v1/{project_id}/cloudservers/{server_id}/metadata", Compute::ecs_update_metadata),
        ("GET", "/v1/{project_id}/cloudservers/{server_id}/autorecovery", Compute::ecs_autorecovery),
        ("PUT", "/v1/{project_id}/cloudservers/{server_id}/autorecovery", Compute::ecs_set_autorecovery),
        ("POST", "/v1.0/servers/{server_id}/action", Compute::ecs_monitor),
    ];
    routes.into_iter().map(|(m, p, f)| Op::new(m, p, Project, Family::Ecs, handler(s, f))).collect()
}

fn bad(detail: impl AsRef<str>) -> otc_core::ApiError {
    ecs("Ecs.0005", detail)
}

fn key_ok(k: &str) -> bool {
    (1..=255).contains(&k.chars().count()) && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
}

impl Compute {
    /// Runs `f` with the model's faults in ECS terms.
    pub(crate) fn ecs_run<R>(
        &self,
        input: &Input<'_>,
        f: impl FnOnce(&mut crate::model::Compute<'_, '_>) -> Result<R, Fault>,
    ) -> ApiResult<R> {
        self.run(input.ctx()?, f).map_err(ecs_fault)
    }

    /// Merges `metadata` into the server's (active, stopped: the states the
    /// reference allows; the emulator has no paused or suspended ones).
    pub fn ecs_update_metadata(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let v: Value = input.json()?;
        let given = v.get("metadata").and_then(Value::as_object).ok_or_else(|| bad("metadata is mandatory and an object."))?;
        let mut items = BTreeMap::new();
        for (k, val) in given {
            let val = val.as_str().ok_or_else(|| bad(format!("metadata {k}: the value is a string.")))?;
            if !key_ok(k) || val.chars().count() > 255 {
                return Err(bad(format!("metadata {k}: a key has 1 to 255 of A-Z a-z 0-9 - _ : . and a value at most 255 characters.")));
            }
            items.insert(k.clone(), val.to_string());
        }
        let s = self.ecs_run(input, |m| {
            let status = m.server(&id)?.view().status;
            if status != "ACTIVE" && status != "SHUTOFF" {
                return Err(Fault::Conflict(Why::State, format!("ECS {id} is {status}: metadata changes need it active or stopped.")));
            }
            m.edit_metadata(&id, |md| {
                md.extend(items);
                Ok(())
            })
        })?;
        Reply::json(200, &json!({"metadata": s.metadata}))
    }

    pub fn ecs_autorecovery(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let s = self.ecs_run(input, |m| m.server_settings(&id))?;
        Reply::json(200, &json!({"support_auto_recovery": s.auto_recovery.to_string()}))
    }

    /// `support_auto_recovery` is the string `"true"` or `"false"`.
    pub fn ecs_set_autorecovery(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let v: Value = input.json()?;
        let on = match v.get("support_auto_recovery").and_then(Value::as_str) {
            Some("true") => true,
            Some("false") => false,
            _ => return Err(bad("support_auto_recovery is mandatory: \"true\" or \"false\".")),
        };
        self.ecs_run(input, |m| m.change_server_settings(&id, |s| s.auto_recovery = on))?;
        Ok(Reply::empty(204))
    }

    /// `{"monitorMetrics": ""}` puts the server on the monitoring list.
    pub fn ecs_monitor(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let v: Value = input.json()?;
        let o = v.as_object().ok_or_else(|| bad("The body is an object."))?;
        match o.get("monitorMetrics") {
            Some(Value::String(_) | Value::Null) if o.len() == 1 => {}
            _ => return Err(bad("monitorMetrics is mandatory and a string, and the only action.")),
        }
        self.ecs_run(input, |m| m.change_server_settings(&id, |s| s.monitored = true))?;
        Ok(Reply::empty(204))
    }
}
