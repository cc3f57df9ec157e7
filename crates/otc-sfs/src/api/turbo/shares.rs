//! File systems: create, list (detail), show, delete. The view is the
//! reference's ShareInfo: numbers as strings (`size "500.00"`, `status
//! "200"`, `pay_model "0"`), no envelope around one file system, and no
//! `export_location`, `share_type`, `expand_type` or `pay_model` while
//! it is being created.

use super::{member, object, opt_str, page, query_int, req_int, req_str};
use crate::model::turbo::shares::NewTurbo;
use crate::model::turbo::{status, Turbo};
use crate::turbo::errors::param;
use crate::turbo::SfsTurbo;
use crate::SfsConfig;
use otc_core::api::{Input, Reply};
use otc_core::tags::Tag;
use otc_core::time::{iso_naive, Timestamp};
use otc_core::ApiResult;
use serde_json::{json, Value};

/// A size in GiB as the API shows it.
pub fn gib(n: i64) -> String {
    format!("{n}.00")
}

pub fn tags_json(tags: &[Tag]) -> Value {
    tags.iter().map(|t| json!({"key": t.key, "value": t.value})).collect()
}

pub fn detail(t: &Turbo, cfg: &SfsConfig, region: &str, now: Timestamp) -> Value {
    let mut d = json!({
        "id": t.id,
        "name": t.name,
        "status": t.status,
        "sub_status": t.sub_status,
        "version": "1.0.0",
        "region": region,
        "created_at": iso_naive(t.created_at),
        "availability_zone": t.availability_zone,
        "az_name": t.availability_zone,
        "vpc_id": t.vpc_id,
        "subnet_id": t.subnet_id,
        "security_group_id": t.security_group_id,
        "size": gib(t.size),
        "avail_capacity": gib(t.size),
        "share_proto": t.share_proto,
        "enterprise_project_id": "0",
        "tags": tags_json(&t.tags),
        "instanceId": t.id,
        "instanceType": "efs-ha",
        "statusDetail": otc_core::ids::stable_hex32("sfs-turbo/status", &t.id),
        "features": {"backup": {"is_support": true}},
    });
    let o = d.as_object_mut().expect("object");
    if let Some(p) = t.progress(cfg, now) {
        o.insert("action_progress".into(), json!({"CREATING": p}));
    }
    if t.status != status::CREATING {
        o.insert("export_location".into(), json!(t.export_location()));
        o.insert("share_type".into(), json!(t.share_type));
        o.insert("pay_model".into(), json!("0"));
        if let Some(e) = &t.expand_type {
            o.insert("expand_type".into(), json!(e));
        }
    }
    if let Some(b) = &t.hpc_bw {
        o.insert("hpc_bw".into(), json!(b));
    }
    if let Some(k) = &t.crypt_key_id {
        o.insert("crypt_key_id".into(), json!(k));
    }
    d
}

fn tags_of(share: &serde_json::Map<String, Value>) -> ApiResult<Vec<Tag>> {
    match share.get("tags") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => {
            let tags = a.iter().map(Tag::from_member).collect::<Option<Vec<_>>>().ok_or_else(|| param("tags must be key/value objects"))?;
            let mut out = Vec::new();
            crate::model::turbo::tags::upsert(&mut out, tags)?;
            Ok(out)
        }
        Some(_) => Err(param("tags must be a list")),
    }
}

impl SfsTurbo {
    pub fn create_share(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = object(input)?;
        let s = member(&body, "share")?;
        let proto = req_str(s, "share_proto")?;
        if proto != "NFS" {
            return Err(param("share_proto must be NFS"));
        }
        let description = opt_str(s, "description")?.unwrap_or_default();
        if description.chars().count() > 255 {
            return Err(param("description can have at most 255 characters"));
        }
        let (mut expand_type, mut hpc_bw, mut crypt_key_id) = (None, None, None);
        match s.get("metadata") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                // Empty strings are what a client sends for "none" (the
                // Terraform provider always sends the object).
                let nonempty = |k: &str| opt_str(m, k).map(|v| v.filter(|v| !v.is_empty()).map(str::to_string));
                expand_type = nonempty("expand_type")?;
                hpc_bw = nonempty("hpc_bw")?;
                crypt_key_id = nonempty("crypt_key_id")?;
            }
            Some(_) => return Err(param("metadata must be an object")),
        }
        if let Some(e) = expand_type.as_deref().filter(|e| !["bandwidth", "hpc"].contains(e)) {
            return Err(param(format!("expand_type {e} is not bandwidth or hpc")));
        }
        if let Some(b) = hpc_bw.as_deref().filter(|b| !["20M", "40M", "125M", "250M"].contains(b)) {
            return Err(param(format!("hpc_bw {b} is not 20M, 40M, 125M or 250M")));
        }
        if (expand_type.as_deref() == Some("hpc")) != hpc_bw.is_some() {
            return Err(param("hpc_bw is required with, and only with, expand_type hpc"));
        }
        if crypt_key_id.is_some() {
            // No key service is emulated, so no key can be valid.
            return Err(crate::turbo::errors::invalid_crypt_key());
        }
        if opt_str(s, "backup_id")?.is_some_and(|b| !b.is_empty()) {
            return Err(param("backup_id: no backup of the project exists"));
        }
        let spec = NewTurbo {
            name: req_str(s, "name")?.to_string(),
            description: description.to_string(),
            size: req_int(s, "size")?,
            share_proto: proto.to_string(),
            share_type: req_str(s, "share_type")?.to_string(),
            expand_type,
            hpc_bw,
            crypt_key_id,
            availability_zone: req_str(s, "availability_zone")?.to_string(),
            vpc_id: req_str(s, "vpc_id")?.to_string(),
            subnet_id: req_str(s, "subnet_id")?.to_string(),
            security_group_id: req_str(s, "security_group_id")?.to_string(),
            tags: tags_of(s)?,
        };
        let t = self.call(input, |m| m.create(spec))?;
        Reply::json(202, &json!({"id": t.id, "name": t.name, "status": t.status}))
    }

    pub fn list_shares(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let limit = query_int(input, "limit", 0)?;
        let offset = query_int(input, "offset", 0)?;
        let cfg = self.cfg;
        let (all, region, now) = self.call(input, |m| Ok((m.shares()?, m.region().to_string(), m.now())))?;
        let shown: Vec<Value> = page(&all, offset, Some(limit.unwrap_or(1000))).iter().map(|t| detail(t, &cfg, &region, now)).collect();
        Reply::json(200, &json!({"shares": shown, "count": all.len()}))
    }

    pub fn show_share(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        let cfg = self.cfg;
        let v = self.call(input, |m| Ok(detail(&m.share(id)?, &cfg, m.region(), m.now())))?;
        Reply::json(200, &v)
    }

    pub fn delete_share(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("share_id");
        self.call(input, |m| m.delete(id))?;
        Ok(Reply::empty(202))
    }
}
