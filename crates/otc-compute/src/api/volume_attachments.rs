//! A server's volumes, through compute: Nova's `os-volume_attachments`
//! (list, show, attach, detach), its volume proxy `os-volumes` (a Nova
//! volume is the EVS volume), ECS v1's `attachvolume` / `detachvolume`
//! (jobs) and `block_device` views, the `os-volumes_boot` alias of server
//! creation, the block device mapping of a Nova create, and how both
//! server views list attached volumes. The volumes are EVS's
//! ([`crate::model::volumes`]): what is attached here shows as `in-use`
//! with its attachment in Cinder, and the other way round.

use crate::api::ecs::{bad as ecs_bad, body as ecs_body, Refusal};
use crate::api::nova::{body_obj, json_reply, microversion, versioned};
use crate::errors::{bad, ecs, ecs_fault};
use crate::model::jobs::JobKind;
use crate::model::volumes::{DiskSource, DiskSpec, EvsVolume};
use crate::model::Fault;
use crate::Compute;
use otc_core::api::{Access::Project, Family, Handler, Input, Op, Reply};
use otc_core::time::iso_micros;
use otc_core::{ApiError, ApiResult};
use otc_evs::model::volumes::{Attachment, Source, VolumeSpec};
use otc_evs::model::Metadata;
use serde_json::{json, Map, Value};
use std::sync::Arc;

type NovaFn = fn(&Compute, &Input<'_>, bool) -> ApiResult<Reply>;
type EcsFn = fn(&Compute, &Input<'_>) -> ApiResult<Reply>;

/// The routes of this module, Nova's under `/v2/` and `/v2.1/`.
pub fn ops(s: &Arc<Compute>) -> Vec<Op> {
    let nova: [(&'static str, &'static str, &'static str, NovaFn); 10] = [
        (
            "GET",
            "/v2/{project_id}/servers/{server_id}/os-volume_attachments",
            "/v2.1/{project_id}/servers/{server_id}/os-volume_attachments",
            Compute::list_volume_attachments,
        ),
        (
            "POST",
            "/v2/{project_id}/servers/{server_id}/os-volume_attachments",
            "/v2.1/{project_id}/servers/{server_id}/os-volume_attachments",
            Compute::attach_volume,
        ),
        (
            "GET",
            "/v2/{project_id}/servers/{server_id}/os-volume_attachments/{volume_id}",
            "/v2.1/{project_id}/servers/{server_id}/os-volume_attachments/{volume_id}",
            Compute::show_volume_attachment,
        ),
        (
            "DELETE",
            "/v2/{project_id}/servers/{server_id}/os-volume_attachments/{volume_id}",
            "/v2.1/{project_id}/servers/{server_id}/os-volume_attachments/{volume_id}",
            Compute::detach_volume,
        ),
        ("GET", "/v2/{project_id}/os-volumes", "/v2.1/{project_id}/os-volumes", Compute::list_nova_volumes),
        ("GET", "/v2/{project_id}/os-volumes/detail", "/v2.1/{project_id}/os-volumes/detail", Compute::list_nova_volumes),
        ("POST", "/v2/{project_id}/os-volumes", "/v2.1/{project_id}/os-volumes", Compute::create_nova_volume),
        ("GET", "/v2/{project_id}/os-volumes/{volume_id}", "/v2.1/{project_id}/os-volumes/{volume_id}", Compute::show_nova_volume),
        ("DELETE", "/v2/{project_id}/os-volumes/{volume_id}", "/v2.1/{project_id}/os-volumes/{volume_id}", Compute::delete_nova_volume),
        // Creation with a block device mapping ("can only be used in
        // OpenStack client", says the reference; gophertelekomcloud's
        // bootfromvolume, and so Terraform's `block_device`, posts here).
        ("POST", "/v2/{project_id}/os-volumes_boot", "/v2.1/{project_id}/os-volumes_boot", Compute::create_server),
    ];
    let mut ops = Vec::new();
    for (method, v2, v21, f) in nova {
        ops.push(Op::new(method, v2, Project, Family::Nova, bind(s, f, true)));
        ops.push(Op::new(method, v21, Project, Family::Nova, bind(s, f, false)));
    }
    let native: [(&'static str, &'static str, EcsFn); 6] = [
        ("POST", "/v1/{project_id}/cloudservers/{server_id}/attachvolume", Compute::ecs_attach_volume),
        ("DELETE", "/v1/{project_id}/cloudservers/{server_id}/detachvolume/{volume_id}", Compute::ecs_detach_volume),
        ("GET", "/v1/{project_id}/cloudservers/{server_id}/block_device", Compute::ecs_block_devices),
        ("GET", "/v1/{project_id}/cloudservers/{server_id}/block_device/{volume_id}", Compute::ecs_block_device),
        // Documented without a project id: the token's project is meant.
        ("GET", "/v2.1/servers/{server_id}/block_device", Compute::ecs_block_devices),
        ("GET", "/v2.1/servers/{server_id}/block_device/{volume_id}", Compute::ecs_block_device),
    ];
    for (method, path, f) in native {
        let svc = s.clone();
        let h: Handler = Arc::new(move |input| f(&svc, input));
        ops.push(Op::new(method, path, Project, Family::Ecs, h));
    }
    ops
}

fn bind(svc: &Arc<Compute>, f: NovaFn, v2: bool) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input, v2))
}

// --- the server views ------------------------------------------------------------

/// The attachments of `server_id` among `volumes`, by device.
fn attached<'v>(volumes: &'v [EvsVolume], server_id: &str) -> Vec<(&'v EvsVolume, &'v Attachment)> {
    let mut out: Vec<(&EvsVolume, &Attachment)> =
        volumes.iter().filter_map(|v| v.attachments.iter().find(|a| a.server_id == server_id).map(|a| (v, a))).collect();
    out.sort_by(|a, b| a.1.device.cmp(&b.1.device));
    out
}

/// Nova's `os-extended-volumes:volumes_attached` (with
/// `delete_on_termination` from 2.3).
pub fn nova_volumes_attached(volumes: &[EvsVolume], server_id: &str, mv: (u32, u32)) -> Value {
    attached(volumes, server_id)
        .into_iter()
        .map(
            |(v, a)| if mv >= (2, 3) { json!({"id": v.id, "delete_on_termination": a.delete_on_termination}) } else { json!({"id": v.id}) },
        )
        .collect()
}

/// ECS v1's `os-extended-volumes:volumes_attached`: strings, as ECS
/// answers them.
pub fn ecs_volumes_attached(volumes: &[EvsVolume], server_id: &str) -> Value {
    attached(volumes, server_id)
        .into_iter()
        .map(|(v, a)| {
            json!({"id": v.id, "delete_on_termination": a.delete_on_termination.to_string(),
                "bootIndex": if a.boot_index == Some(0) { "0" } else { "-1" }, "device": a.device})
        })
        .collect()
}

fn attachment_json(v: &EvsVolume, a: &Attachment) -> Value {
    // Nova's attachment id is the volume id.
    json!({"id": v.id, "volumeId": v.id, "serverId": a.server_id, "device": a.device})
}

/// A `block_device` entry; the sizes are strings under `/v2.1`, numbers
/// under `/v1`, as the two pages show them.
fn block_device_json(v: &EvsVolume, a: &Attachment, n: usize, size_as_string: bool) -> Value {
    let scsi = v.metadata.get("hw:passthrough").is_some_and(|p| p == "true");
    json!({
        "pciAddress": format!("0000:02:{:02x}.0", n + 1), "volumeId": v.id, "device": a.device, "serverId": a.server_id,
        "id": v.id, "size": if size_as_string { json!(v.size.to_string()) } else { json!(v.size) },
        "bootIndex": if a.boot_index == Some(0) { 0 } else { n }, "bus": if scsi { "scsi" } else { "virtio" },
    })
}

/// Nova's proxy view of a volume (`os-volumes`).
fn nova_volume_json(v: &EvsVolume) -> Value {
    let attachments: Vec<Value> = if v.attachments.is_empty() {
        // What the reference shows for a volume attached nowhere.
        vec![json!({})]
    } else {
        v.attachments.iter().map(|a| attachment_json(v, a)).collect()
    };
    json!({
        "id": v.id, "status": v.status, "size": v.size, "availabilityZone": v.availability_zone,
        "createdAt": iso_micros(v.created_at).trim_end_matches('Z'), "displayName": v.name, "displayDescription": v.description,
        "volumeType": v.volume_type, "snapshotId": v.snapshot_id, "metadata": v.metadata, "attachments": attachments,
    })
}

// --- the block device mapping of a Nova create --------------------------------------------

fn bdm_int(b: &Map<String, Value>, key: &str) -> ApiResult<Option<i64>> {
    match b.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(v) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {v}. {v} is not of type 'integer'"))),
    }
}

fn bdm_str(b: &Map<String, Value>, key: &str) -> ApiResult<Option<String>> {
    match b.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {v}. {v} is not of type 'string'"))),
    }
}

fn bdm_bool(b: &Map<String, Value>, key: &str) -> ApiResult<Option<bool>> {
    match b.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(x)) => Ok(Some(*x)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
            Ok(Some(s.eq_ignore_ascii_case("true")))
        }
        Some(v) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {v}. {v} is not of type 'boolean'"))),
    }
}

/// `block_device_mapping_v2` of a Nova create: the disks to make, and the
/// image of an image boot (`source_type` image, boot index 0, with
/// `destination_type` local: the ordinary boot from an image that the
/// OpenStack client spells as a mapping).
pub fn block_devices(o: &Map<String, Value>) -> ApiResult<(Vec<DiskSpec>, Option<String>)> {
    let list = match o.get("block_device_mapping_v2") {
        None | Some(Value::Null) => return Ok((Vec::new(), None)),
        Some(Value::Array(l)) => l,
        Some(v) => {
            return Err(bad(format!("Invalid input for field/attribute block_device_mapping_v2. Value: {v}. {v} is not of type 'array'")))
        }
    };
    let invalid = |m: &str| bad(format!("Block Device Mapping is Invalid: {m}"));
    let (mut disks, mut image) = (Vec::new(), None);
    for b in list {
        let b = b
            .as_object()
            .ok_or_else(|| bad("Invalid input for field/attribute block_device_mapping_v2: an item is not an object.".into()))?;
        let source = bdm_str(b, "source_type")?.unwrap_or_default();
        let destination = bdm_str(b, "destination_type")?.unwrap_or_else(|| "volume".into());
        let uuid = bdm_str(b, "uuid")?.filter(|u| !u.is_empty());
        let boot = bdm_int(b, "boot_index")? == Some(0);
        let size = match bdm_int(b, "volume_size")? {
            Some(s) if !(1..=32768).contains(&s) => return Err(invalid(&format!("volume_size {s} is out of range."))),
            s => s.map(|s| s as u32),
        };
        let need_uuid = || uuid.clone().ok_or_else(|| invalid(&format!("source_type {source} needs a uuid.")));
        let src = match source.as_str() {
            "image" => DiskSource::Image(need_uuid()?),
            "volume" => DiskSource::Volume(need_uuid()?),
            "snapshot" => DiskSource::Snapshot(need_uuid()?),
            "blank" => DiskSource::Blank,
            other => {
                return Err(bad(format!(
                    "Invalid input for field/attribute source_type. Value: {other}. '{other}' is not one of ['volume', 'image', 'snapshot', 'blank']"
                )))
            }
        };
        match destination.as_str() {
            "volume" => {}
            "local" if boot && source == "image" => {
                image = uuid;
                continue;
            }
            "local" => return Err(invalid("OTC servers have no local disks: destination_type must be volume.")),
            other => {
                return Err(bad(format!(
                    "Invalid input for field/attribute destination_type. Value: {other}. '{other}' is not one of ['local', 'volume']"
                )))
            }
        }
        match &src {
            DiskSource::Blank if boot => {
                return Err(invalid("Boot sequence for the instance and image/block device mapping combination is not valid."))
            }
            DiskSource::Blank | DiskSource::Image(_) if size.is_none() => {
                return Err(invalid("Images with destination_type 'volume' need to have a non-zero size specified"))
            }
            DiskSource::Image(id) if boot => image = Some(id.clone()),
            _ => {}
        }
        disks.push(DiskSpec {
            source: src,
            size,
            volume_type: bdm_str(b, "volume_type")?.filter(|t| !t.is_empty()),
            boot,
            delete_on_termination: bdm_bool(b, "delete_on_termination")?.unwrap_or(false),
            passthrough: false,
            multiattach: false,
        });
    }
    Ok((disks, image))
}

// --- Nova -----------------------------------------------------------------------------

impl Compute {
    pub fn list_volume_attachments(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let list = self.call(input, |m| {
            m.server(&id)?;
            Ok(m.server_volumes(&id)?.iter().map(|(v, a)| attachment_json(v, a)).collect::<Vec<_>>())
        })?;
        json_reply(200, &json!({"volumeAttachments": list}), mv)
    }

    pub fn show_volume_attachment(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let (id, vid) = (input.param("server_id").to_string(), input.param("volume_id").to_string());
        let one = self.call(input, |m| {
            m.server(&id)?;
            m.server_volumes(&id)?
                .iter()
                .find(|(v, _)| v.id == vid)
                .map(|(v, a)| attachment_json(v, a))
                .ok_or_else(|| Fault::NotFound(format!("Volume {vid} is not attached to server {id}.")))
        })?;
        json_reply(200, &json!({"volumeAttachment": one}), mv)
    }

    pub fn attach_volume(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let o = body_obj(input, "volumeAttachment")?;
        let vid = bdm_str(&o, "volumeId")?.filter(|v| !v.is_empty()).ok_or_else(|| {
            bad("Invalid input for field/attribute volumeAttachment. Value: {}. 'volumeId' is a required property".into())
        })?;
        // OTC gives the next free device whatever is asked for.
        bdm_str(&o, "device")?;
        let one = self.call(input, |m| m.attach_volume(&id, &vid).map(|(v, a)| attachment_json(&v, &a)))?;
        json_reply(200, &json!({"volumeAttachment": one}), mv)
    }

    pub fn detach_volume(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let (id, vid) = (input.param("server_id").to_string(), input.param("volume_id").to_string());
        self.call(input, |m| m.detach_volume(&id, &vid).map(|_| ()))?;
        Ok(versioned(Reply::empty(202), mv))
    }

    pub fn list_nova_volumes(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let number = |k: &str| match input.query.get(k) {
            None => Ok(None),
            Some(v) => v.parse::<usize>().map(Some).map_err(|_| bad(format!("Invalid input for query parameter {k}: {v}."))),
        };
        let (limit, offset) = (number("limit")?, number("offset")?.unwrap_or(0));
        let list = self.call(input, |m| m.with_disks(|d| d.volumes()))?;
        let list: Vec<Value> = list.iter().skip(offset).take(limit.unwrap_or(usize::MAX)).map(nova_volume_json).collect();
        json_reply(200, &json!({"volumes": list}), mv)
    }

    pub fn show_nova_volume(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let vid = input.param("volume_id").to_string();
        let v = self.call(input, |m| m.with_disks(|d| d.volume(&vid)))?;
        json_reply(200, &json!({"volume": nova_volume_json(&v)}), mv)
    }

    pub fn create_nova_volume(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let o = body_obj(input, "volume")?;
        let size = match bdm_int(&o, "size")? {
            Some(s) if !(1..=i64::from(u32::MAX)).contains(&s) => {
                return Err(bad(format!("Invalid input for field/attribute size. Value: {s}.")))
            }
            s => s.map(|s| s as u32),
        };
        let snapshot = bdm_str(&o, "snapshot_id")?.filter(|s| !s.is_empty());
        if size.is_none() && snapshot.is_none() {
            return Err(bad("Invalid input for field/attribute volume. Value: None. 'size' is a required property".into()));
        }
        let metadata: Metadata = match o.get("metadata") {
            None | Some(Value::Null) => Metadata::new(),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect::<Option<_>>()
                .ok_or_else(|| bad("Invalid input for field/attribute metadata: values must be strings.".into()))?,
            Some(v) => return Err(bad(format!("Invalid input for field/attribute metadata. Value: {v}. {v} is not of type 'object'"))),
        };
        let spec = VolumeSpec {
            name: bdm_str(&o, "display_name")?,
            description: bdm_str(&o, "display_description")?,
            size,
            volume_type: bdm_str(&o, "volume_type")?.filter(|t| !t.is_empty()),
            availability_zone: bdm_str(&o, "availability_zone")?.filter(|z| !z.is_empty()),
            source: snapshot.map(Source::Snapshot).unwrap_or(Source::Empty),
            metadata,
            ..VolumeSpec::default()
        };
        let v = self.call(input, |m| m.with_disks(|d| d.create_volumes(spec)).map(|mut l| l.remove(0)))?;
        json_reply(200, &json!({"volume": nova_volume_json(&v)}), mv)
    }

    pub fn delete_nova_volume(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let vid = input.param("volume_id").to_string();
        self.call(input, |m| m.with_disks(|d| d.delete_volume(&vid, false)))?;
        Ok(versioned(Reply::empty(202), mv))
    }

    // --- ECS v1 ---------------------------------------------------------------------

    pub fn ecs_attach_volume(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let top = ecs_body(input)?;
        let dry_run = match top.get("dry_run") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(ecs_bad("dry_run must be a boolean.")),
        };
        let a = match top.get("volumeAttachment") {
            Some(Value::Object(a)) => a,
            _ => return Err(ecs_bad("volumeAttachment is mandatory.")),
        };
        let vid = match a.get("volumeId") {
            Some(Value::String(v)) if !v.is_empty() => v.clone(),
            _ => return Err(ecs_bad("volumeAttachment.volumeId is mandatory.")),
        };
        for k in ["device", "volume_type", "hw:passthrough"] {
            if a.get(k).is_some_and(|v| !v.is_string() && !v.is_null()) {
                return Err(ecs_bad(format!("volumeAttachment.{k} must be a string.")));
            }
        }
        if a.get("count").is_some_and(|v| !v.is_null() && !v.is_i64()) {
            return Err(ecs_bad("volumeAttachment.count must be an integer."));
        }
        let id = input.param("server_id").to_string();
        let result = self.ecs_txn(input, |m| {
            m.server(&id)?;
            m.attach_volume(&id, &vid).map_err(|f| match f {
                Fault::NotFound(msg) => ecs("Ecs.0103", msg),
                other => ecs_fault(other),
            })?;
            let job = m.submit_job(JobKind::AttachVolume, std::slice::from_ref(&id))?;
            if dry_run {
                return Err(Refusal::DryRun);
            }
            Ok(job.id)
        });
        match result {
            Ok(job_id) => Reply::json(200, &json!({"job_id": job_id})),
            // A dry run that passed every check.
            Err(Refusal::DryRun) => Ok(Reply::empty(202)),
            Err(Refusal::Api(e)) => Err(e),
        }
    }

    pub fn ecs_detach_volume(&self, input: &Input<'_>) -> ApiResult<Reply> {
        match input.query.get("delete_flag") {
            None | Some("0") | Some("1") => {}
            Some(f) => return Err(ecs_bad(format!("delete_flag must be 0 or 1, not {f}."))),
        }
        let (id, vid) = (input.param("server_id").to_string(), input.param("volume_id").to_string());
        let job = self.ecs_txn(input, |m| {
            m.server(&id)?;
            m.detach_volume(&id, &vid).map_err(|f| match f {
                Fault::NotFound(msg) => ecs("Ecs.0111", msg),
                other => ecs_fault(other),
            })?;
            Ok(m.submit_job(JobKind::DetachVolume, std::slice::from_ref(&id))?)
        });
        match job {
            Ok(job) => Reply::json(200, &json!({"job_id": job.id})),
            Err(Refusal::Api(e)) => Err(e),
            Err(Refusal::DryRun) => Err(ApiError::internal("a detach is never a dry run")),
        }
    }

    /// The `block_device` views (v1 and v2.1).
    fn ecs_attached(&self, input: &Input<'_>) -> ApiResult<Vec<(EvsVolume, Attachment)>> {
        let id = input.param("server_id").to_string();
        let r = self.ecs_txn(input, |m| {
            m.server(&id)?;
            Ok(m.server_volumes(&id)?)
        });
        match r {
            Ok(l) => Ok(l),
            Err(Refusal::Api(e)) => Err(e),
            Err(Refusal::DryRun) => Err(ApiError::internal("a read is never a dry run")),
        }
    }

    pub fn ecs_block_devices(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let list = self.ecs_attached(input)?;
        let as_string = !input.params.contains_key("project_id");
        let items: Vec<Value> = list.iter().enumerate().map(|(n, (v, a))| block_device_json(v, a, n, as_string)).collect();
        // Devices are /dev/vdb to /dev/vdz beside the system disk.
        let data = list.iter().filter(|(_, a)| a.boot_index != Some(0)).count();
        let free = 25usize.saturating_sub(data);
        Reply::json(
            200,
            &json!({"attachableQuantity": {"free_scsi": free, "free_blk": free, "free_disk": free}, "volumeAttachments": items}),
        )
    }

    pub fn ecs_block_device(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let vid = input.param("volume_id").to_string();
        let list = self.ecs_attached(input)?;
        let as_string = !input.params.contains_key("project_id");
        let (n, (v, a)) = list
            .iter()
            .enumerate()
            .find(|(_, (v, _))| v.id == vid)
            .ok_or_else(|| ecs("Ecs.0111", format!("Volume {vid} is not attached to server {}.", input.param("server_id"))))?;
        Reply::json(200, &json!({"volumeAttachment": block_device_json(v, a, n, as_string)}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Why;

    fn bdm(v: Value) -> ApiResult<(Vec<DiskSpec>, Option<String>)> {
        block_devices(json!({ "block_device_mapping_v2": v }).as_object().unwrap())
    }

    #[test]
    fn mappings() {
        let (d, img) = bdm(json!([{"source_type": "image", "destination_type": "local", "boot_index": 0, "uuid": "i"}])).unwrap();
        assert_eq!((d.len(), img.as_deref()), (0, Some("i")));
        let (d, img) =
            bdm(json!([{"source_type": "image", "destination_type": "volume", "boot_index": "0", "uuid": "i", "volume_size": 12,
            "delete_on_termination": true}, {"source_type": "blank", "destination_type": "volume", "volume_size": "10"}]))
            .unwrap();
        assert_eq!(img.as_deref(), Some("i"));
        assert!(d[0].boot && d[0].delete_on_termination && d[0].size == Some(12));
        assert!(!d[1].boot && !d[1].delete_on_termination && d[1].source == DiskSource::Blank);
        let (d, _) = bdm(json!([{"source_type": "volume", "boot_index": 0, "uuid": "v"}])).unwrap();
        assert_eq!(d[0].source, DiskSource::Volume("v".into()));
        for wrong in [
            json!([{"source_type": "disk", "uuid": "x"}]),
            json!([{"source_type": "volume"}]),
            json!([{"source_type": "blank", "boot_index": 0, "volume_size": 10}]),
            json!([{"source_type": "image", "uuid": "i", "destination_type": "volume"}]),
            json!([{"source_type": "blank", "volume_size": 0}]),
            json!([{"source_type": "blank", "volume_size": 10, "destination_type": "local"}]),
            json!([{"source_type": "blank", "volume_size": 10, "delete_on_termination": 3}]),
            json!({"a": 1}),
            json!([1]),
        ] {
            assert_eq!(bdm(wrong.clone()).err().map(|e| e.status), Some(400), "{wrong}");
        }
    }

    #[test]
    fn why_is_used() {
        // The volume refusals ECS words with its own codes.
        assert_eq!(ecs_fault(Fault::Invalid(Why::VolumeState, String::new())).code, "Ecs.0103");
        assert_eq!(ecs_fault(Fault::VolumeQuota(String::new())).code, "Ecs.0021");
    }
}
