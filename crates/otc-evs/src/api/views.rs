//! How volumes and snapshots look in each API: Cinder's detail view
//! (`evs/openstack_cinder_apis_recommended/disk_management/
//! querying_details_about_a_disk.rst`), with the v3 fields of the
//! negotiated microversion, and the native view, which adds `wwn`, `tags`,
//! `service_type` and the dedicated-storage fields.

use super::Api;
use crate::model::volumes::Volume;
use crate::model::Snapshot;
use otc_core::time::{iso_micros, Timestamp};
use serde_json::{json, Map, Value};

/// Cinder's times: `2016-05-25T02:38:40.392463` (UTC, no zone).
pub fn ts(t: Timestamp) -> String {
    let mut s = iso_micros(t);
    s.pop();
    s
}

fn opt_ts(t: Option<Timestamp>) -> Value {
    t.map(|t| json!(ts(t))).unwrap_or(Value::Null)
}

/// What a rendering depends on besides the resource.
pub struct View<'a> {
    pub base: &'a str,
    pub api: Api,
    pub pid: &'a str,
    /// The Cinder microversion (`(2, 0)` on v2 and native routes).
    pub mv: (u32, u32),
}

impl View<'_> {
    /// The `self` and `bookmark` links, as Cinder gives them.
    pub fn links(&self, collection: &str, id: &str) -> Value {
        json!([
            {"href": format!("{}/evs/{}/{}/{collection}/{id}", self.base, self.api.segment(), self.pid), "rel": "self"},
            {"href": format!("{}/evs/{}/{collection}/{id}", self.base, self.pid), "rel": "bookmark"},
        ])
    }

    /// A collection URL with a query, for `*_links`.
    pub fn collection(&self, path: &str, query: &str) -> String {
        format!("{}/evs/{}/{}/{path}?{query}", self.base, self.api.segment(), self.pid)
    }

    pub fn volume_brief(&self, v: &Volume) -> Value {
        json!({"id": v.id, "name": v.name, "links": self.links("volumes", &v.id)})
    }

    fn attachments(v: &Volume) -> Value {
        v.attachments
            .iter()
            .map(|a| {
                json!({
                    "server_id": a.server_id,
                    "attachment_id": a.attachment_id,
                    "attached_at": ts(a.attached_at),
                    "host_name": null,
                    "volume_id": v.id,
                    "device": a.device,
                    "id": v.id,
                })
            })
            .collect()
    }

    pub fn volume(&self, v: &Volume) -> Value {
        let mut o = Map::new();
        let mut put = |k: &str, val: Value| {
            o.insert(k.to_string(), val);
        };
        put("id", json!(v.id));
        put("links", self.links("volumes", &v.id));
        put("name", json!(v.name));
        put("status", json!(v.status));
        put("attachments", Self::attachments(v));
        put("availability_zone", json!(v.availability_zone));
        put("os-vol-host-attr:host", json!(v.host()));
        put("source_volid", Value::Null);
        put("snapshot_id", json!(v.snapshot_id));
        put("description", json!(v.description));
        put("created_at", json!(ts(v.created_at)));
        put("updated_at", opt_ts(v.updated_at));
        put("volume_type", json!(v.volume_type));
        put("os-vol-tenant-attr:tenant_id", json!(v.project_id));
        put("size", json!(v.size));
        put("metadata", json!(v.metadata));
        put("os-vol-mig-status-attr:migstat", Value::Null);
        put("os-vol-mig-status-attr:name_id", Value::Null);
        put("os-volume-replication:extended_status", Value::Null);
        put("encrypted", json!(v.encrypted));
        put("replication_status", json!("disabled"));
        put("user_id", json!(v.user_id));
        put("consistencygroup_id", Value::Null);
        put("bootable", json!(if v.bootable { "true" } else { "false" }));
        put("multiattach", json!(v.multiattach));
        if let Some(img) = &v.image {
            put("volume_image_metadata", img.volume_metadata());
        }
        if self.api == Api::V3 {
            if self.mv >= (3, 13) {
                put("group_id", Value::Null);
            }
            if self.mv >= (3, 21) {
                put("provider_id", Value::Null);
            }
            if self.mv >= (3, 48) {
                put("service_uuid", Value::Null);
                put("shared_targets", json!(false));
            }
        }
        Value::Object(o)
    }

    /// The native detail (`os-vendor-volumes`, `cloudvolumes/detail`).
    pub fn native_volume(&self, v: &Volume) -> Value {
        let mut o = self.volume(v);
        let m = o.as_object_mut().expect("an object");
        m.entry("volume_image_metadata").or_insert(Value::Null);
        m.insert("os-volume-replication:driver_data".into(), Value::Null);
        m.insert("service_type".into(), json!("EVS"));
        m.insert("wwn".into(), json!(v.wwn));
        m.insert("tags".into(), json!(v.tags));
        m.insert("dedicated_storage_id".into(), Value::Null);
        m.insert("dedicated_storage_name".into(), Value::Null);
        m.insert("enterprise_project_id".into(), json!("0"));
        o
    }

    pub fn snapshot(&self, s: &Snapshot, detail: bool) -> Value {
        let mut o = json!({
            "id": s.id,
            "name": s.name,
            "description": s.description,
            "status": s.status,
            "volume_id": s.volume_id,
            "size": s.size,
            "created_at": ts(s.created_at),
            "updated_at": opt_ts(s.updated_at),
            "metadata": s.metadata,
        });
        let m = o.as_object_mut().expect("an object");
        if detail {
            let progress = if s.status == "creating" { "0%" } else { "100%" };
            m.insert("os-extended-snapshot-attributes:progress".into(), json!(progress));
            m.insert("os-extended-snapshot-attributes:project_id".into(), json!(s.project_id));
        }
        if self.api == Api::V3 && self.mv >= (3, 14) {
            m.insert("group_snapshot_id".into(), Value::Null);
        }
        o
    }

    pub fn native_snapshot(&self, s: &Snapshot) -> Value {
        let mut o = self.snapshot(s, true);
        o.as_object_mut().expect("an object").insert("service_type".into(), json!("EVS"));
        o
    }
}
