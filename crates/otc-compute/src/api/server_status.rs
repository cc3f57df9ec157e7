//! A server's status management ([`crate::model::resize`]) through its
//! APIs: Nova's `resize`, `confirmResize` and `revertResize` actions, and
//! the ECS forms that hand out a job: v1 `resize` and `migrate`, v2
//! `changeos` and `reinstallos`.

use crate::api::ecs::{bad as ecs_bad, body, opt_bool, opt_obj, opt_str, password_ok};
use crate::api::nova::versioned;
use crate::errors::{bad, ecs, ecs_fault};
use crate::model::resize::OsChange;
use crate::model::{Fault, Why};
use crate::Compute;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Value};

/// ECS's words for status-management refusals.
fn ecs_status_fault(f: Fault) -> ApiError {
    match f {
        Fault::Invalid(Why::Flavor, m) if m.starts_with("When resizing") => ecs("Ecs.0009", m),
        Fault::Invalid(Why::Flavor, m) if m.starts_with("Invalid flavorRef") => ecs("Ecs.0029", m),
        Fault::Invalid(Why::Image, m) => ecs("Ecs.0031", m),
        Fault::Invalid(Why::KeyPair, m) => ecs("Ecs.0314", m),
        other => ecs_fault(other),
    }
}

impl Compute {
    /// Nova's resize actions (`key`), 202 with no body.
    pub(crate) fn resize_action(&self, input: &Input<'_>, mv: (u32, u32), key: &str, arg: &Value) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        match key {
            "resize" => {
                let flavor = match arg.get("flavorRef") {
                    Some(Value::String(f)) if !f.is_empty() => f.rsplit('/').next().unwrap_or("").to_string(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => {
                        return Err(bad(format!(
                            "Invalid input for field/attribute resize. Value: {arg}. 'flavorRef' is a required property"
                        )))
                    }
                };
                if let Some(k) = arg.as_object().and_then(|o| o.keys().find(|k| !["flavorRef", "OS-DCF:diskConfig"].contains(&k.as_str())))
                {
                    return Err(bad(format!("Additional properties are not allowed ('{k}' was unexpected)")));
                }
                self.call(input, |m| m.resize(&id, &flavor).map(|_| ()))?;
            }
            "confirmResize" => self.call(input, |m| m.confirm_resize(&id).map(|_| ()))?,
            _ => self.call(input, |m| m.revert_resize(&id).map(|_| ()))?,
        }
        // Nova answers confirmResize with 204, the others with 202.
        Ok(versioned(Reply::empty(if key == "confirmResize" { 204 } else { 202 }), mv))
    }

    pub fn ecs_resize(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let o = body(input)?;
        let r = opt_obj(&o, "resize")?.ok_or_else(|| ecs_bad("resize is mandatory."))?;
        let flavor = opt_str(r, "flavorRef")?.filter(|f| !f.is_empty()).ok_or_else(|| ecs_bad("flavorRef is mandatory."))?;
        opt_str(r, "dedicated_host_id")?;
        let dry_run = opt_bool(&o, "dry_run")?.unwrap_or(false);
        if dry_run {
            // Checks of the request alone, as the reference says: 202.
            return Ok(Reply::empty(202));
        }
        let job = self
            .run(input.ctx()?, |m| {
                m.ecs_resize(&id, &flavor)?;
                m.submit_work_job("resizeServer", "resizeSingleServer", self.cfg.action_seconds, &id)
            })
            .map_err(ecs_status_fault)?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    pub fn ecs_migrate(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let o = body(input)?;
        let r = opt_obj(&o, "migrate")?.ok_or_else(|| ecs_bad("migrate is mandatory."))?;
        opt_str(r, "dedicated_host_id")?;
        let job = self
            .run(input.ctx()?, |m| {
                m.migrate(&id)?;
                m.submit_work_job("migrateServer", "migrateSingleServer", self.cfg.action_seconds, &id)
            })
            .map_err(ecs_status_fault)?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    fn os_change(&self, input: &Input<'_>, key: &str, reinstall: bool) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let o = body(input)?;
        let r = opt_obj(&o, key)?.ok_or_else(|| ecs_bad(format!("{key} is mandatory.")))?;
        let image_id = if reinstall {
            None
        } else {
            Some(opt_str(r, "imageid")?.filter(|s| !s.is_empty()).ok_or_else(|| ecs_bad("imageid is mandatory."))?)
        };
        let key_name = opt_str(r, "keyname")?.filter(|s| !s.is_empty());
        let password = opt_str(r, "adminpass")?.filter(|s| !s.is_empty());
        if key_name.is_some() && password.is_some() {
            return Err(ecs_bad("Only one of keyname and adminpass may be given."));
        }
        if let Some(pw) = &password {
            let windows = image_id.as_deref().and_then(|i| self.cfg.image(i)).is_some_and(|i| i.os_type == "Windows");
            if !password_ok(pw, if windows { "Administrator" } else { "root" }) {
                return Err(ecs("Ecs.0011", ""));
            }
        }
        opt_str(r, "userid")?;
        let user_data = match opt_obj(r, "metadata")? {
            Some(md) => opt_str(md, "user_data")?,
            None => None,
        };
        if let Some(ud) = &user_data {
            use base64::Engine;
            if base64::engine::general_purpose::STANDARD.decode(ud.trim()).is_err() {
                return Err(ecs_bad("user_data must be base64 encoded."));
            }
        }
        let stop_first = match opt_str(r, "mode")?.as_deref() {
            None => false,
            Some("withStopServer") => true,
            Some(other) => return Err(ecs_bad(format!("mode {other} is invalid."))),
        };
        let change = OsChange { image_id, key_name, user_data, stop_first };
        let (job_type, sub) = if reinstall { ("reinstallOS", "reinstallSingleOS") } else { ("changeOS", "changeSingleOS") };
        let job = self
            .run(input.ctx()?, |m| {
                m.change_os(&id, change)?;
                m.submit_work_job(job_type, sub, self.cfg.build_seconds, &id)
            })
            .map_err(ecs_status_fault)?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    pub fn ecs_change_os(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.os_change(input, "os-change", false)
    }

    pub fn ecs_reinstall_os(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.os_change(input, "os-reinstall", true)
    }
}
