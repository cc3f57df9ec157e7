//! ECS v1 as OTC serves it (`ecs` in the catalog): batch creation and
//! deletion of servers and batch start/stop/reboot as jobs to poll, the
//! ECS detail view of servers (list with page numbers, show), renaming,
//! and the flavor listing with `os_extra_specs`. The servers are the same
//! ones Nova shows: NICs are ports of the network model in the v1 subnets
//! of the VPC asked for, and an EIP asked for is a real EIP bound to the
//! primary NIC. Refusals are the documented `Ecs.xxxx` codes, given
//! synchronously: a job that is handed out succeeds.

use crate::errors::{ecs, ecs_fault};
use crate::model::jobs::{Job, JobKind};
use crate::model::servers::{Action, NicSpec, Server, ServerSpec};
use crate::model::volumes::{DiskSource, DiskSpec, EvsVolume};
use crate::model::{Compute as Model, Fault};
use crate::Compute;
use otc_core::api::{handler, Access::Project, Family, Input, Op, Reply};
use otc_core::time::{iso_micros, iso_seconds};
use otc_core::{ApiError, ApiResult};
use otc_vpc::model::eips::{BandwidthChoice, EipSpec, EIP_TYPES};
use otc_vpc::model::{Eip, Network, Port, Res, SecurityGroup};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

type EcsFn = fn(&Compute, &Input<'_>) -> ApiResult<Reply>;

/// The ECS v1 operation table.
pub fn ops(s: &Arc<Compute>) -> Vec<Op> {
    let routes: [(&'static str, &'static str, EcsFn); 12] = [
        ("POST", "/v1/{project_id}/cloudservers", Compute::ecs_create),
        ("POST", "/v1/{project_id}/cloudservers/delete", Compute::ecs_delete),
        ("POST", "/v1/{project_id}/cloudservers/action", Compute::ecs_batch_action),
        ("GET", "/v1/{project_id}/cloudservers/detail", Compute::ecs_list),
        ("GET", "/v1/{project_id}/cloudservers/flavors", Compute::ecs_flavors),
        ("GET", "/v1/{project_id}/cloudservers/{server_id}", Compute::ecs_show),
        ("PUT", "/v1/{project_id}/cloudservers/{server_id}", Compute::ecs_update),
        ("GET", "/v1/{project_id}/cloudservers/{server_id}/tags", Compute::ecs_tags),
        ("POST", "/v1/{project_id}/cloudservers/{server_id}/tags/action", Compute::ecs_tags_action),
        ("GET", "/v1/{project_id}/jobs/{job_id}", Compute::ecs_job),
        ("GET", "/v1/{project_id}/cloudservers/limits", Compute::ecs_limits),
        // Documented under v2.1 with a v1 example; both reach Nova's answer.
        ("GET", "/v1/{project_id}/cloudservers/resize_flavors", Compute::ecs_resize_flavors),
    ];
    routes.into_iter().map(|(m, p, f)| Op::new(m, p, Project, Family::Ecs, handler(s, f))).collect()
}

/// Why an ECS transaction did not commit: a refusal, or a dry run that
/// passed every check (rolled back on purpose).
pub(crate) enum Refusal {
    Api(ApiError),
    DryRun,
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal::Api(e)
    }
}

impl From<Fault> for Refusal {
    fn from(f: Fault) -> Self {
        Refusal::Api(ecs_fault(f))
    }
}

impl From<otc_store::StoreError> for Refusal {
    fn from(e: otc_store::StoreError) -> Self {
        Refusal::Api(ecs("Common.0001", e.to_string()))
    }
}

/// The network model's refusals met directly (EIPs, lookups), in ECS terms.
impl From<otc_vpc::model::Fault> for Refusal {
    fn from(f: otc_vpc::model::Fault) -> Self {
        use otc_vpc::model::Fault as N;
        Refusal::Api(match f {
            N::IpInUse { ip, .. } => ecs("Ecs.0010", format!("{ip} is in use.")),
            N::IpNotInSubnet { ip, .. } => ecs("Ecs.0039", ip),
            N::NoMoreIps(n) => ecs("Ecs.0012", n),
            N::Quota(Res::Eip) | N::Quota(Res::Bandwidth) => ecs("Ecs.0013", ""),
            N::Quota(_) => ecs("Ecs.0001", ""),
            N::Storage(m) => ecs("Common.0001", m),
            N::NotFound(res, id) => ecs("Ecs.0005", format!("{} {id} does not exist.", res.neutron_name())),
            other => ecs("Ecs.0005", format!("{other:?}")),
        })
    }
}

pub(crate) fn bad(detail: impl AsRef<str>) -> ApiError {
    ecs("Ecs.0005", detail)
}

// --- request bodies ---------------------------------------------------------------

/// The JSON object of a request body.
pub(crate) fn body(input: &Input<'_>) -> ApiResult<Map<String, Value>> {
    if input.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ecs("Common.0002", ""));
    }
    match serde_json::from_slice::<Value>(input.body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(bad("request body is illegal.")),
    }
}

pub(crate) fn opt_str(o: &Map<String, Value>, key: &str) -> ApiResult<Option<String>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("{key} must be a string."))),
    }
}

pub(crate) fn req_str(o: &Map<String, Value>, key: &str) -> ApiResult<String> {
    opt_str(o, key)?.filter(|s| !s.is_empty()).ok_or_else(|| bad(format!("{key} is mandatory.")))
}

pub(crate) fn opt_bool(o: &Map<String, Value>, key: &str) -> ApiResult<Option<bool>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad(format!("{key} must be a boolean."))),
    }
}

fn opt_int(o: &Map<String, Value>, key: &str) -> ApiResult<Option<i64>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(_) => Err(bad(format!("{key} must be an integer."))),
    }
}

pub(crate) fn opt_obj<'a>(o: &'a Map<String, Value>, key: &str) -> ApiResult<Option<&'a Map<String, Value>>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(bad(format!("{key} must be an object."))),
    }
}

pub(crate) fn opt_arr<'a>(o: &'a Map<String, Value>, key: &str) -> ApiResult<Option<&'a Vec<Value>>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(bad(format!("{key} must be an array."))),
    }
}

pub(crate) fn obj<'a>(v: &'a Value, what: &str) -> ApiResult<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| bad(format!("{what} must be an object.")))
}

/// `servers: [{"id": ...}]` of delete and the batch actions: 1 to 1000 ids,
/// duplicates dropped.
fn server_ids(o: &Map<String, Value>) -> ApiResult<Vec<String>> {
    let list = opt_arr(o, "servers")?.ok_or_else(|| bad("servers is mandatory."))?;
    if list.is_empty() {
        return Err(bad("servers must not be empty."));
    }
    if list.len() > 1000 {
        return Err(ecs("Ecs.0118", "At most 1000 ECSs are allowed in one request."));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for s in list {
        let id = req_str(obj(s, "servers[]")?, "id")?;
        if seen.insert(id.clone()) {
            out.push(id);
        }
    }
    Ok(out)
}

// --- validation rules -------------------------------------------------------------------

/// ECS names: letters, digits, `_`, `-`, `.`.
fn name_chars_ok(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// Descriptions: at most 85 characters, no angle brackets.
fn check_description(d: &str) -> ApiResult<()> {
    if d.chars().count() > 85 || d.contains('<') || d.contains('>') {
        return Err(ecs("Ecs.0041", "The description has at most 85 characters and no angle brackets."));
    }
    Ok(())
}

/// The documented hostname rule (PUT `hostname`).
fn hostname_ok(h: &str) -> bool {
    let n = h.chars().count();
    (1..=64).contains(&n)
        && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !h.contains("..")
        && !h.contains("--")
        && !h.contains(".-")
        && !h.contains("-.")
        && !h.starts_with(['.', '-'])
        && !h.ends_with(['.', '-'])
}

/// adminPass: 8-26 characters from letters, digits and
/// ``!@$%^-_=+[{}]:,./?~#*``, at least three of the four kinds, and neither
/// the user name nor its reverse inside.
pub(crate) fn password_ok(p: &str, user: &str) -> bool {
    const SPECIAL: &str = "!@$%^-_=+[{}]:,./?~#*";
    let n = p.chars().count();
    if !(8..=26).contains(&n) || p.chars().any(|c| !(c.is_ascii_alphanumeric() || SPECIAL.contains(c))) {
        return false;
    }
    let kinds = [
        p.chars().any(|c| c.is_ascii_uppercase()),
        p.chars().any(|c| c.is_ascii_lowercase()),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars().any(|c| SPECIAL.contains(c)),
    ];
    let lower = p.to_ascii_lowercase();
    let user = user.to_ascii_lowercase();
    let reversed: String = user.chars().rev().collect();
    kinds.iter().filter(|k| **k).count() >= 3 && !lower.contains(&user) && !lower.contains(&reversed)
}

const VOLUME_TYPES: [&str; 6] = ["ESSD", "GPSSD2", "GPSSD", "SSD", "SAS", "SATA"];

fn volume_type(o: &Map<String, Value>, what: &str) -> ApiResult<String> {
    let t = req_str(o, "volumetype").map_err(|_| bad(format!("{what}.volumetype is mandatory.")))?;
    if !VOLUME_TYPES.contains(&t.as_str()) {
        return Err(ecs("Ecs.0043", format!("{what}.volumetype {t} is not one of {}.", VOLUME_TYPES.join(", "))));
    }
    Ok(t)
}

/// `hw:passthrough`: true means SCSI; anything else VBD.
fn passthrough(o: &Map<String, Value>) -> bool {
    o.get("hw:passthrough").and_then(Value::as_bool).unwrap_or(false)
}

/// Tag key and value characters.
fn tag_chars_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `tags` (`"key.value"` strings) and `server_tags` (`{key, value}`), as
/// stored and shown: `key=value`, or `key` for an empty value.
fn parse_tags(o: &Map<String, Value>) -> ApiResult<Vec<String>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(list) = opt_arr(o, "tags")? {
        for t in list {
            let s = t.as_str().ok_or_else(|| ecs("Ecs.0906", "tags are \"key.value\" strings."))?;
            let (k, v) = s.split_once('.').unwrap_or((s, ""));
            pairs.push((k.to_string(), v.to_string()));
        }
    }
    if let Some(list) = opt_arr(o, "server_tags")? {
        for t in list {
            let t = t.as_object().ok_or_else(|| ecs("Ecs.0906", "server_tags are {\"key\", \"value\"} objects."))?;
            let k = t.get("key").and_then(Value::as_str).ok_or_else(|| ecs("Ecs.0906", "A server tag needs a key."))?;
            let v = match t.get("value") {
                None | Some(Value::Null) => "",
                Some(Value::String(v)) => v.as_str(),
                Some(_) => return Err(ecs("Ecs.0906", "A tag value is a string.")),
            };
            pairs.push((k.to_string(), v.to_string()));
        }
    }
    if pairs.len() > 10 {
        return Err(ecs("Ecs.0905", "At most 10 tags are allowed."));
    }
    let mut keys = HashSet::new();
    for (k, v) in &pairs {
        if k.is_empty() || k.chars().count() > 36 || v.chars().count() > 43 {
            return Err(ecs("Ecs.0906", format!("Tag {k}: the key has 1 to 36 characters, the value at most 43.")));
        }
        if !tag_chars_ok(k) || !tag_chars_ok(v) {
            return Err(ecs("Ecs.0907", format!("Tag {k}: only letters, digits, _ and - are allowed.")));
        }
        if !keys.insert(k.clone()) {
            return Err(ecs("Ecs.0908", format!("Tag key {k} is repeated.")));
        }
    }
    Ok(pairs.into_iter().map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") }).collect())
}

/// A stored tag's key and value.
fn tag_pair(t: &str) -> (String, String) {
    let (k, v) = t.split_once('=').unwrap_or((t, ""));
    (k.to_string(), v.to_string())
}

fn parse_metadata(o: &Map<String, Value>) -> ApiResult<BTreeMap<String, String>> {
    let Some(m) = opt_obj(o, "metadata")? else {
        return Ok(BTreeMap::new());
    };
    if m.len() > 10 {
        return Err(bad("metadata has at most 10 pairs."));
    }
    let mut out = BTreeMap::new();
    for (k, v) in m {
        let key_ok = (1..=255).contains(&k.chars().count()) && k.chars().all(|c| c.is_ascii_alphanumeric() || " -_:.".contains(c));
        let Some(v) = v.as_str().filter(|v| v.chars().count() <= 255) else {
            return Err(bad(format!("metadata value of {k} must be a string of at most 255 characters.")));
        };
        if !key_ok {
            return Err(bad(format!("metadata key {k} is invalid.")));
        }
        // The Windows password is a secret: it is never kept.
        if k != "admin_pass" {
            out.insert(k.clone(), v.to_string());
        }
    }
    Ok(out)
}

// --- creation --------------------------------------------------------------------------

struct VolReq {
    snapshot_id: Option<String>,
    volume_type: String,
    size: u32,
    passthrough: bool,
    multiattach: bool,
}

impl VolReq {
    /// The EVS volume to make: the system disk from the image (deleted
    /// with the server), a data disk empty or from its snapshot (kept
    /// unless the delete says `delete_volume`).
    fn disk(&self, source: DiskSource) -> DiskSpec {
        let boot = matches!(source, DiskSource::Image(_));
        DiskSpec {
            source,
            size: Some(self.size),
            volume_type: Some(self.volume_type.clone()),
            boot,
            delete_on_termination: boot,
            passthrough: self.passthrough,
            multiattach: self.multiattach,
        }
    }
}

enum PublicIp {
    Existing(String),
    New { ip_type: String, bandwidth: BandwidthChoice },
}

struct NicReq {
    subnet_id: String,
    ip: Option<String>,
}

struct CreateReq {
    spec: ServerSpec,
    vpc_id: String,
    nics: Vec<NicReq>,
    security_groups: Vec<String>,
    publicip: Option<PublicIp>,
    eip_delete_on_termination: bool,
    enterprise_project_id: String,
    dry_run: bool,
}

impl Compute {
    fn parse_create(&self, input: &Input<'_>) -> ApiResult<CreateReq> {
        let top = body(input)?;
        let dry_run = opt_bool(&top, "dry_run")?.unwrap_or(false);
        let o = opt_obj(&top, "server")?.ok_or_else(|| bad("server is mandatory."))?;

        let count = opt_int(o, "count")?.unwrap_or(1);
        if count < 1 {
            return Err(bad("count must be at least 1."));
        }
        if count > 100 {
            return Err(ecs("Ecs.0913", "At most 100 ECSs can be created at once."));
        }
        let name = req_str(o, "name")?;
        if !name_chars_ok(&name) {
            return Err(ecs("Ecs.0915", format!("Name {name}: only letters, digits, _, - and . are allowed.")));
        }
        let max_name = if count > 1 { 59 } else { 128 };
        if name.chars().count() > max_name {
            return Err(ecs("Ecs.0914", format!("The name has at most {max_name} characters.")));
        }
        let image_ref = req_str(o, "imageRef")?;
        let image = self.cfg.image(&image_ref).ok_or_else(|| ecs("Ecs.0031", format!("Image {image_ref} does not exist.")))?.clone();
        let flavor_ref = req_str(o, "flavorRef")?;
        if self.cfg.flavor(&flavor_ref).is_none() {
            return Err(ecs("Ecs.0029", format!("Flavor {flavor_ref} does not exist.")));
        }
        let vpc_id = req_str(o, "vpcid")?;

        let nic_list = opt_arr(o, "nics")?.filter(|n| !n.is_empty()).ok_or_else(|| bad("nics is mandatory."))?;
        if nic_list.len() > 12 {
            return Err(ecs("Ecs.0050", "An ECS has at most 12 NICs."));
        }
        let mut nics = Vec::new();
        for n in nic_list {
            let n = obj(n, "nics[]")?;
            let subnet_id = req_str(n, "subnet_id")?;
            let ip = opt_str(n, "ip_address")?.filter(|ip| !ip.is_empty());
            if let Some(ip) = &ip {
                if otc_vpc::net::parse_ip(ip).is_none() {
                    return Err(bad(format!("ip_address {ip} is not an IPv4 address.")));
                }
                if count > 1 {
                    return Err(bad("ip_address cannot be given when more than one ECS is created."));
                }
            }
            if let Some(opts) = opt_arr(n, "extra_dhcp_opts")? {
                for opt in opts {
                    let opt = obj(opt, "extra_dhcp_opts[]")?;
                    let mtu = opt.get("opt_value").and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
                    if opt_str(opt, "opt_name")?.as_deref() != Some("26") || !mtu.is_some_and(|m| (1280..=8888).contains(&m)) {
                        return Err(bad("extra_dhcp_opts: opt_name must be \"26\" and opt_value an MTU from 1280 to 8888."));
                    }
                }
            }
            opt_bool(n, "ipv6_enable")?;
            nics.push(NicReq { subnet_id, ip });
        }

        let mut security_groups = Vec::new();
        for g in opt_arr(o, "security_groups")?.into_iter().flatten() {
            let g = obj(g, "security_groups[]")?;
            if let Some(id) = opt_str(g, "id")?.filter(|i| !i.is_empty()) {
                security_groups.push(id);
            }
        }

        let root = opt_obj(o, "root_volume")?.ok_or_else(|| bad("root_volume is mandatory."))?;
        let root_type = volume_type(root, "root_volume")?;
        let size = opt_int(root, "size")?.unwrap_or(0);
        let size = if size == 0 { image.min_disk as i64 } else { size };
        if !(1..=1024).contains(&size) {
            return Err(bad("root_volume.size ranges from 1 to 1024 GiB."));
        }
        if size < image.min_disk as i64 {
            return Err(bad(format!("root_volume.size must be at least the image's {} GiB.", image.min_disk)));
        }
        let root =
            VolReq { snapshot_id: None, volume_type: root_type, size: size as u32, passthrough: passthrough(root), multiattach: false };

        let mut data = Vec::new();
        if let Some(list) = opt_arr(o, "data_volumes")? {
            if list.len() > 59 {
                return Err(ecs("Ecs.0042", "At most 59 data disks are allowed."));
            }
            for d in list {
                let d = obj(d, "data_volumes[]")?;
                let volume_type = volume_type(d, "data_volumes")?;
                let size = opt_int(d, "size")?.ok_or_else(|| bad("data_volumes.size is mandatory."))?;
                if !(10..=32768).contains(&size) {
                    return Err(bad("data_volumes.size ranges from 10 to 32768 GiB."));
                }
                let shareable = opt_bool(d, "shareable")?;
                let multiattach = opt_bool(d, "multiattach")?;
                if let (Some(a), Some(b)) = (shareable, multiattach) {
                    if a != b {
                        return Err(bad("data_volumes: shareable and multiattach must agree."));
                    }
                }
                data.push(VolReq {
                    snapshot_id: opt_str(d, "snapshot_id")?.filter(|s| !s.is_empty()),
                    volume_type,
                    size: size as u32,
                    passthrough: passthrough(d),
                    multiattach: multiattach.or(shareable).unwrap_or(false),
                });
            }
        }

        let key_name = opt_str(o, "key_name")?.filter(|k| !k.is_empty());
        let user_data = opt_str(o, "user_data")?.filter(|u| !u.is_empty());
        if let Some(ud) = &user_data {
            use base64::Engine;
            match base64::engine::general_purpose::STANDARD.decode(ud.trim()) {
                Ok(raw) if raw.len() <= 32 * 1024 => {}
                Ok(_) => return Err(bad("user_data is at most 32 KB before encoding.")),
                Err(_) => return Err(bad("user_data must be base64 encoded.")),
            }
        }
        if let Some(pw) = opt_str(o, "adminPass")? {
            let user = if image.os_type == "Windows" { "Administrator" } else { "root" };
            if key_name.is_none() && user_data.is_none() && !password_ok(&pw, user) {
                return Err(ecs("Ecs.0011", ""));
            }
        }
        let availability_zone = opt_str(o, "availability_zone")?.filter(|z| !z.is_empty());
        if let Some(az) = &availability_zone {
            let region = input.ctx()?.region.clone().unwrap_or_else(|| "eu-de".into());
            if !self.cfg.zones(&region).contains(az) {
                return Err(bad(format!("Availability zone {az} does not exist.")));
            }
        }
        opt_bool(o, "batch_create_in_multi_az")?;
        let group = match opt_obj(o, "os:scheduler_hints")? {
            Some(h) => crate::api::server_groups::hint_group(h).map_err(|e| bad(e.message))?,
            None => None,
        };
        let metadata = parse_metadata(o)?;
        let tags = parse_tags(o)?;
        let description = opt_str(o, "description")?.unwrap_or_default();
        check_description(&description)?;
        let enterprise_project_id = match opt_obj(o, "extendparam")? {
            Some(ep) => opt_str(ep, "enterpriseProjectId")?.filter(|e| !e.is_empty()).unwrap_or_else(|| "0".into()),
            None => "0".into(),
        };

        let (publicip, eip_delete_on_termination) = match opt_obj(o, "publicip")? {
            None => (None, false),
            Some(p) => {
                let delete = opt_bool(p, "delete_on_termination")?.unwrap_or(false);
                let id = opt_str(p, "id")?.filter(|i| !i.is_empty());
                let eip = opt_obj(p, "eip")?;
                let choice = match (id, eip) {
                    (Some(_), Some(_)) => return Err(bad("publicip: give either id or eip, not both.")),
                    (Some(_), None) if count > 1 => return Err(bad("publicip.id cannot be bound to more than one ECS.")),
                    (Some(id), None) => Some(PublicIp::Existing(id)),
                    (None, Some(e)) => Some(Self::parse_eip(e)?),
                    (None, None) => None,
                };
                (choice, delete)
            }
        };

        let spec = ServerSpec {
            name,
            flavor_id: flavor_ref,
            image_id: image.id(),
            key_name,
            availability_zone,
            nics: nics.iter().map(|n| NicSpec { network_id: Some(n.subnet_id.clone()), port_id: None, fixed_ip: n.ip.clone() }).collect(),
            security_groups: if security_groups.is_empty() { None } else { Some(security_groups.clone()) },
            metadata,
            user_data,
            description,
            tags,
            count: count as u32,
            disks: std::iter::once(root.disk(DiskSource::Image(image.id())))
                .chain(data.iter().map(|d| d.disk(d.snapshot_id.clone().map(DiskSource::Snapshot).unwrap_or(DiskSource::Blank))))
                .collect(),
            group,
        };
        Ok(CreateReq { spec, vpc_id, nics, security_groups, publicip, eip_delete_on_termination, enterprise_project_id, dry_run })
    }

    fn parse_eip(e: &Map<String, Value>) -> ApiResult<PublicIp> {
        let ip_type = req_str(e, "iptype").map_err(|_| bad("publicip.eip.iptype is mandatory."))?;
        if !EIP_TYPES.contains(&ip_type.as_str()) {
            return Err(bad(format!("publicip.eip.iptype {ip_type} is invalid.")));
        }
        let bw = opt_obj(e, "bandwidth")?.ok_or_else(|| bad("publicip.eip.bandwidth is mandatory."))?;
        let share_type = req_str(bw, "sharetype").map_err(|_| bad("bandwidth.sharetype is mandatory."))?;
        if let Some(mode) = opt_str(bw, "chargemode")?.filter(|m| !m.is_empty()) {
            if mode != "traffic" {
                return Err(bad(format!("bandwidth.chargemode {mode} is invalid: only traffic is supported.")));
            }
        }
        let bandwidth = match share_type.as_str() {
            "PER" => {
                let size = opt_int(bw, "size")?.ok_or_else(|| bad("bandwidth.size is mandatory."))?;
                if size < 1 {
                    return Err(bad("bandwidth.size ranges from 1 to 1000 Mbit/s."));
                }
                if size > 1000 {
                    return Err(ecs("Ecs.0045", "The bandwidth ranges from 1 to 1000 Mbit/s."));
                }
                BandwidthChoice::Dedicated { name: String::new(), size: size as u32, charge_mode: "traffic".into() }
            }
            "WHOLE" => {
                let id = opt_str(bw, "id")?.filter(|i| !i.is_empty()).ok_or_else(|| bad("bandwidth.id is mandatory for WHOLE."))?;
                BandwidthChoice::Shared(id)
            }
            other => return Err(bad(format!("bandwidth.sharetype {other} is not PER or WHOLE."))),
        };
        Ok(PublicIp::New { ip_type, bandwidth })
    }

    /// Runs `f` on the caller's compute and network state in one
    /// transaction, with ECS refusals.
    /// `GET /v1/{project_id}/cloudservers/limits`: the project's compute
    /// quotas and usage, with the security group and EIP figures of the
    /// network model (-1 is unlimited).
    pub fn ecs_limits(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = self.cfg.quotas.clone();
        let v = self.ecs_call(input, |m| {
            let servers = m.servers()?;
            let (cores, ram) = servers
                .iter()
                .filter_map(|s| self.cfg.flavor(&s.flavor_id))
                .fold((0u64, 0u64), |(c, r), f| (c + f.vcpus as u64, r + f.ram as u64));
            let net_quotas = m.net.cfg.quotas.clone();
            let groups = m.net.security_groups()?.len();
            let eips = m.net.eips()?.len();
            let server_groups = m.server_groups()?.len();
            Ok(json!({"absolute": {
                "maxTotalInstances": q.instances, "totalInstancesUsed": servers.len(),
                "maxTotalCores": q.cores, "totalCoresUsed": cores,
                "maxTotalRAMSize": q.ram, "totalRAMUsed": ram,
                "maxTotalKeypairs": q.key_pairs, "maxServerMeta": crate::model::servers::METADATA_ITEMS, "maxImageMeta": 128,
                "maxPersonality": 5, "maxPersonalitySize": 10240,
                "maxServerGroups": q.server_groups, "maxServerGroupMembers": q.server_group_members,
                "totalServerGroupsUsed": server_groups,
                "maxSecurityGroups": net_quotas.security_group, "totalSecurityGroupsUsed": groups,
                "maxSecurityGroupRules": net_quotas.security_group_rule,
                "maxTotalFloatingIps": net_quotas.public_ip, "totalFloatingIpsUsed": eips,
            }}))
        })?;
        Reply::json(200, &v)
    }

    pub(crate) fn ecs_txn<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Model<'_, '_>) -> Result<R, Refusal>) -> Result<R, Refusal> {
        let ctx = input.ctx()?;
        self.vpc.run_as(ctx, |net| f(&mut Model { net, user_id: &ctx.user_id, cfg: &self.cfg, request_id: &ctx.request_id }))
    }

    fn ecs_call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Model<'_, '_>) -> Result<R, Refusal>) -> ApiResult<R> {
        match self.ecs_txn(input, f) {
            Ok(r) => Ok(r),
            Err(Refusal::Api(e)) => Err(e),
            Err(Refusal::DryRun) => Err(ApiError::internal("a dry run escaped its operation")),
        }
    }

    /// The checks against existing resources: VPC, subnets and addresses,
    /// security groups, key pair, EIP.
    fn check_references(m: &mut Model<'_, '_>, req: &CreateReq) -> Result<(), Refusal> {
        m.net.router(&req.vpc_id).map_err(|_| ecs("Ecs.0014", format!("VPC {} does not exist.", req.vpc_id)))?;
        let mut wanted_ips = HashSet::new();
        for (i, nic) in req.nics.iter().enumerate() {
            let vs = m.net.vpc_subnet(&nic.subnet_id).map_err(|_| ecs("Ecs.0038", format!("Subnet {} does not exist.", nic.subnet_id)))?;
            if vs.network.vpc_id.as_deref() != Some(req.vpc_id.as_str()) {
                let code = if i == 0 { "Ecs.0064" } else { "Ecs.0014" };
                return Err(ecs(code, format!("Subnet {} is not in VPC {}.", nic.subnet_id, req.vpc_id)).into());
            }
            if let Some(ip) = &nic.ip {
                let addr = otc_vpc::net::parse_ip(ip).ok_or_else(|| bad(format!("ip_address {ip} is not an IPv4 address.")))?;
                let inside = otc_vpc::net::parse_cidr(&vs.subnet.cidr).is_some_and(|c| otc_vpc::net::is_host(&c, addr));
                if !inside || vs.subnet.gateway_ip.as_deref() == Some(ip.as_str()) {
                    return Err(ecs("Ecs.0039", format!("{ip} is not an address of subnet {}.", nic.subnet_id)).into());
                }
                let taken = m.net.network_ports(&nic.subnet_id)?.iter().any(|p| p.fixed_ips.iter().any(|f| &f.ip_address == ip));
                if taken || !wanted_ips.insert(ip.clone()) {
                    return Err(ecs("Ecs.0010", format!("{ip} is in use.")).into());
                }
            }
        }
        for g in &req.security_groups {
            m.net.security_group(g).map_err(|_| ecs("Ecs.0014", format!("Security group {g} does not exist.")))?;
        }
        if let Some(k) = &req.spec.key_name {
            m.keypair(k).map_err(|_| ecs("Ecs.0314", format!("Key pair {k} does not exist.")))?;
        }
        if let Some(PublicIp::Existing(id)) = &req.publicip {
            let eip = m.net.eip(id).map_err(|_| bad(format!("EIP {id} does not exist.")))?;
            if eip.port_id.is_some() {
                return Err(bad(format!("EIP {id} is not in DOWN state.")).into());
            }
        }
        if let Some(PublicIp::New { bandwidth: BandwidthChoice::Shared(bid), .. }) = &req.publicip {
            let bw = m.net.bandwidth(bid).map_err(|_| bad(format!("Bandwidth {bid} does not exist.")))?;
            if bw.share_type != "WHOLE" {
                return Err(bad(format!("Bandwidth {bid} is not a shared bandwidth.")).into());
            }
        }
        Ok(())
    }

    pub fn ecs_create(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let req = self.parse_create(input)?;
        let result = self.ecs_txn(input, |m| {
            Self::check_references(m, &req)?;
            let mut servers = m.create_servers(req.spec.clone())?;
            for s in &mut servers {
                s.enterprise_project_id = req.enterprise_project_id.clone();
                s.eip_delete_on_termination = req.eip_delete_on_termination;
                m.save(s)?;
                let port = s.nics.first().map(|n| n.port_id.clone()).unwrap_or_default();
                match &req.publicip {
                    Some(PublicIp::Existing(id)) => {
                        m.net.associate_eip(id, Some(&port), None)?;
                    }
                    Some(PublicIp::New { ip_type, bandwidth }) => {
                        m.net.create_eip(EipSpec {
                            ip_type: ip_type.clone(),
                            port_id: Some(port),
                            enterprise_project_id: Some(req.enterprise_project_id.clone()),
                            bandwidth: bandwidth.clone(),
                            ..Default::default()
                        })?;
                    }
                    None => {}
                }
            }
            let ids: Vec<String> = servers.iter().map(|s| s.id.clone()).collect();
            let job = m.submit_job(JobKind::Create, &ids)?;
            if req.dry_run {
                return Err(Refusal::DryRun);
            }
            Ok((job.id, ids))
        });
        match result {
            Ok((job_id, ids)) => Reply::json(200, &json!({"job_id": job_id, "serverIds": ids})),
            Err(Refusal::DryRun) => Ok(Reply::empty(202)),
            Err(Refusal::Api(e)) => Err(e),
        }
    }

    // --- deletion and batch actions ---------------------------------------------------------

    pub fn ecs_delete(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        let ids = server_ids(&o)?;
        let delete_publicip = opt_bool(&o, "delete_publicip")?;
        let delete_volume = opt_bool(&o, "delete_volume")?.unwrap_or(false);
        let job = self.ecs_call(input, |m| {
            let mut found = Vec::new();
            for id in &ids {
                let s = m.server(id)?;
                if s.locked {
                    return Err(ecs("Ecs.0605", format!("ECS {id} is locked.")).into());
                }
                found.push(s);
            }
            for s in found {
                let ports: HashSet<String> = s.nics.iter().map(|n| n.port_id.clone()).collect();
                let eips: Vec<String> =
                    m.net.eips()?.into_iter().filter(|e| e.port_id.as_ref().is_some_and(|p| ports.contains(p))).map(|e| e.id).collect();
                // The data disks too when asked; the system disk always.
                m.release_volumes(&s.id, delete_volume)?;
                m.delete_server(&s.id)?;
                // Released (true), or only unbound with the port (false);
                // unsaid, the choice made at creation decides.
                if delete_publicip.unwrap_or(s.eip_delete_on_termination) {
                    for e in eips {
                        m.net.delete_eip(&e, true)?;
                    }
                }
            }
            Ok(m.submit_job(JobKind::Delete, &ids)?)
        })?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    pub fn ecs_batch_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        if o.len() != 1 {
            return Err(bad("Exactly one of os-start, os-stop and reboot is expected."));
        }
        let (key, arg) = o.iter().next().expect("one key");
        let arg = obj(arg, key)?;
        let hard = |t: Option<String>, required: bool| -> ApiResult<bool> {
            match t.as_deref() {
                None if !required => Ok(false),
                Some("SOFT") => Ok(false),
                Some("HARD") => Ok(true),
                _ => Err(bad(format!("{key}.type must be SOFT or HARD."))),
            }
        };
        let (kind, action) = match key.as_str() {
            "os-start" => (JobKind::Start, Action::Start),
            "os-stop" => {
                hard(opt_str(arg, "type")?, false)?;
                (JobKind::Stop, Action::Stop)
            }
            "reboot" => (JobKind::Reboot, Action::Reboot { hard: hard(opt_str(arg, "type")?, true)? }),
            other => return Err(bad(format!("Unknown action {other}."))),
        };
        let ids = server_ids(arg)?;
        let job = self.ecs_call(input, |m| {
            for id in &ids {
                if m.server(id)?.locked {
                    return Err(ecs("Ecs.0605", format!("ECS {id} is locked.")).into());
                }
                m.act(id, action)?;
            }
            Ok(m.submit_job(kind, &ids)?)
        })?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    // --- jobs --------------------------------------------------------------------------

    fn job_json(job: &Job, now: otc_core::time::Timestamp) -> Value {
        let v = job.view(now);
        let subs: Vec<Value> = job
            .sub_jobs
            .iter()
            .map(|s| {
                json!({"status": v.status, "entities": {"server_id": s.server_id}, "job_id": s.id, "job_type": s.job_type,
                    "begin_time": v.begin_time, "end_time": v.end_time, "error_code": null, "fail_reason": null})
            })
            .collect();
        json!({
            "status": v.status, "entities": {"sub_jobs_total": subs.len(), "sub_jobs": subs},
            "job_id": job.id, "job_type": job.job_type, "begin_time": v.begin_time, "end_time": v.end_time,
            "error_code": null, "fail_reason": null,
        })
    }

    pub fn ecs_job(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("job_id").to_string();
        let body = self.ecs_call(input, |m| {
            let job = m.job(&id).map_err(|_| ecs("Common.0011", format!("Job {id} does not exist.")))?;
            Ok(Self::job_json(&job, m.net.now))
        })?;
        Reply::json(200, &body)
    }

    // --- the server view ------------------------------------------------------------------

    fn ecs_list(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let page = match q.get("offset") {
            None | Some("") => 1,
            Some(v) => v.parse::<usize>().map_err(|_| bad(format!("offset {v} is not a non-negative integer.")))?.max(1),
        };
        let limit = match q.get("limit") {
            None | Some("") => 25,
            Some(v) => match v.parse::<usize>() {
                Ok(0) => 25,
                Ok(l) => l.min(1000),
                Err(_) => return Err(bad(format!("limit {v} is not a non-negative integer."))),
            },
        };
        let status = q.get("status").filter(|s| !s.is_empty()).map(str::to_ascii_uppercase);
        const STATUSES: [&str; 15] = [
            "ACTIVE",
            "BUILD",
            "ERROR",
            "HARD_REBOOT",
            "MIGRATING",
            "REBOOT",
            "REBUILD",
            "RESIZE",
            "REVERT_RESIZE",
            "SHUTOFF",
            "VERIFY_RESIZE",
            "DELETED",
            "SHELVED",
            "SHELVED_OFFLOADED",
            "UNKNOWN",
        ];
        if let Some(st) = &status {
            if !STATUSES.contains(&st.as_str()) {
                return Err(bad(format!("status {st} is invalid.")));
            }
        }
        let body = self.ecs_call(input, |m| {
            let env = Env::load(m)?;
            let mut all = m.servers()?;
            all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
            let matching: Vec<&Server> = all
                .iter()
                .filter(|s| q.get("flavor").is_none_or(|f| f.is_empty() || s.flavor_id == f))
                .filter(|s| q.get("name").is_none_or(|n| fuzzy(&s.name, n)))
                .filter(|s| status.as_deref().is_none_or(|st| status_matches(st, s.view().status)))
                .filter(|s| q.get("tags").is_none_or(|t| t.is_empty() || has_tag(s, t)))
                .filter(|s| q.get("not-tags").is_none_or(|t| t.is_empty() || !has_tag(s, t)))
                .filter(|s| q.get("reservation_id").is_none_or(|r| r.is_empty() || reservation(s) == r))
                .filter(|s| q.get("enterprise_project_id").is_none_or(|e| e.is_empty() || e == "all_granted_eps" || project_of(s) == e))
                .filter(|s| {
                    q.get("ip").is_none_or(|ip| env.ports_of(s).iter().any(|p| p.fixed_ips.iter().any(|f| f.ip_address.contains(ip))))
                })
                .collect();
            let count = matching.len();
            let servers: Vec<Value> =
                matching.iter().skip((page - 1).saturating_mul(limit)).take(limit).map(|s| self.ecs_server_json(s, &env, false)).collect();
            Ok(json!({"count": count, "servers": servers}))
        })?;
        Reply::json(200, &body)
    }

    pub fn ecs_show(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let body = self.ecs_call(input, |m| {
            let s = m.server(&id)?;
            let env = Env::load(m)?;
            Ok(json!({"server": self.ecs_server_json(&s, &env, true)}))
        })?;
        Reply::json(200, &body)
    }

    /// A server's tags as `{key, value}` pairs (stored as `key=value`).
    pub fn ecs_tags(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let s = self.ecs_call(input, |m| Ok(m.server(&id)?))?;
        let tags: Vec<Value> = s.tags.iter().map(|t| tag_pair(t)).map(|(k, v)| json!({"key": k, "value": v})).collect();
        Reply::json(200, &json!({ "tags": tags }))
    }

    /// `create` adds tags (a key already there takes the new value), at
    /// most 10 in all; `delete` removes the keys given (with their value,
    /// when one is given).
    pub fn ecs_tags_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let top = body(input)?;
        let action = req_str(&top, "action")?;
        let list = opt_arr(&top, "tags")?.ok_or_else(|| bad("tags is mandatory."))?;
        let mut as_create = Map::new();
        as_create.insert("server_tags".into(), Value::Array(list.clone()));
        let given: Vec<(String, String)> = parse_tags(&as_create)?.iter().map(|t| tag_pair(t)).collect();
        let create = match action.as_str() {
            "create" => true,
            "delete" => false,
            other => return Err(bad(format!("action {other}: create or delete."))),
        };
        self.ecs_call(input, |m| {
            let s = m.server(&id)?;
            let mut tags: Vec<(String, String)> = s.tags.iter().map(|t| tag_pair(t)).collect();
            if create {
                for (k, v) in given {
                    match tags.iter_mut().find(|(have, _)| *have == k) {
                        Some(t) => t.1 = v,
                        None => tags.push((k, v)),
                    }
                }
                if tags.len() > 10 {
                    return Err(Refusal::Api(ecs("Ecs.0905", "At most 10 tags are allowed.")));
                }
            } else {
                tags.retain(|(k, v)| !given.iter().any(|(gk, gv)| gk == k && (gv.is_empty() || gv == v)));
            }
            let stored = tags.into_iter().map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") }).collect();
            m.set_tags(&id, stored)?;
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }

    pub fn ecs_update(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let top = body(input)?;
        let o = opt_obj(&top, "server")?.ok_or_else(|| bad("server is mandatory."))?;
        let name = opt_str(o, "name")?;
        if let Some(n) = &name {
            if n.is_empty() || n.chars().count() > 128 || !name_chars_ok(n) {
                return Err(bad(format!("name {n}: 1 to 128 letters, digits, _, - or .")));
            }
        }
        let description = opt_str(o, "description")?;
        if let Some(d) = &description {
            check_description(d)?;
        }
        // Documented as discarded: checked, never applied.
        if let Some(h) = opt_str(o, "hostname")? {
            if !hostname_ok(&h) {
                return Err(bad(format!("hostname {h} is invalid.")));
            }
        }
        if let Some(so) = opt_obj(o, "security_options")? {
            opt_bool(so, "tpm_enabled")?.ok_or_else(|| bad("security_options.tpm_enabled is mandatory."))?;
        }
        let pid = input.param("project_id").to_string();
        let base = input.base_url.to_string();
        let body = self.ecs_call(input, |m| {
            let s = m.rename(&id, name, description)?;
            let env = Env::load(m)?;
            let mut addresses = Map::new();
            for p in env.ports_of(&s) {
                let entry = addresses.entry(env.vpc_of(p)).or_insert_with(|| json!([]));
                for f in &p.fixed_ips {
                    entry.as_array_mut().expect("array").push(json!({"addr": f.ip_address, "version": 4}));
                }
            }
            Ok(json!({"server": {
                "tenant_id": s.project_id, "image": "", "accessIPv4": "", "accessIPv6": "", "addresses": addresses,
                "metadata": self.ecs_metadata(&s, &env), "description": s.description,
                "created": iso_seconds(s.created_at), "updated": iso_seconds(s.updated_at), "hostId": host_id(&s, &env.host(&s)),
                "OS-EXT-SRV-ATTR:hostname": hostname(&s),
                "flavor": {"id": s.flavor_id, "links": [{"rel": "bookmark", "href": format!("{base}/ecs/{pid}/flavors/{}", s.flavor_id)}]},
                "OS-DCF:diskConfig": "MANUAL", "user_id": s.user_id, "name": s.name, "progress": 0,
                "links": [
                    {"rel": "self", "href": format!("{base}/ecs/v2.1/{pid}/servers/{}", s.id)},
                    {"rel": "bookmark", "href": format!("{base}/ecs/{pid}/servers/{}", s.id)},
                ],
                "id": s.id, "status": s.view().status, "locked": s.locked, "tags": s.tags,
            }}))
        })?;
        Reply::json(200, &body)
    }

    /// User metadata plus the keys the system sets.
    fn ecs_metadata(&self, s: &Server, env: &Env) -> Map<String, Value> {
        let mut md: Map<String, Value> = s.metadata.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let image = self.cfg.images.iter().find(|i| i.id() == s.image_id);
        let os_type = image.map(|i| i.os_type.as_str()).unwrap_or("Linux");
        let suffix = if os_type == "Windows" { "win" } else { "linux" };
        let system = [
            ("charging_mode", "0".to_string()),
            ("metering.image_id", s.image_id.clone()),
            ("metering.imagetype", "gold".to_string()),
            ("metering.resourcespeccode", format!("{}.{suffix}", s.flavor_id)),
            ("metering.resourcetype", "1".to_string()),
            ("image_name", image.map(|i| i.name.clone()).unwrap_or_default()),
            ("os_type", os_type.to_string()),
            ("os_bit", "64".to_string()),
        ];
        for (k, v) in system {
            md.insert(k.to_string(), json!(v));
        }
        if let Some(p) = env.ports_of(s).first() {
            md.insert("vpc_id".into(), json!(env.vpc_of(p)));
        }
        md
    }

    /// A server as ECS v1 list and show describe it.
    fn ecs_server_json(&self, s: &Server, env: &Env, show: bool) -> Value {
        let view = s.view();
        let mut addresses = Map::new();
        for (i, p) in env.ports_of(s).into_iter().enumerate() {
            let entry = addresses.entry(env.vpc_of(p)).or_insert_with(|| json!([]));
            let list = entry.as_array_mut().expect("array");
            for f in &p.fixed_ips {
                list.push(json!({"version": "4", "addr": f.ip_address, "primary": i == 0, "OS-EXT-IPS-MAC:mac_addr": p.mac_address,
                    "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS:port_id": p.id}));
            }
            for e in env.eips.iter().filter(|e| e.port_id.as_deref() == Some(p.id.as_str())) {
                list.push(json!({"version": "4", "addr": e.public_ip_address, "primary": i == 0, "OS-EXT-IPS-MAC:mac_addr": p.mac_address,
                    "OS-EXT-IPS:type": "floating", "OS-EXT-IPS:port_id": p.id}));
            }
        }
        let flavor = self.cfg.flavor(&s.flavor_id);
        let on_ports: Vec<String> = env.ports_of(s).iter().flat_map(|p| p.security_groups.iter().cloned()).collect();
        let groups: Vec<Value> = crate::model::nics::groups_shown(s, &on_ports)
            .iter()
            .map(|g| json!({"id": g, "name": env.groups.iter().find(|x| &x.id == g).map(|x| x.name.clone()).unwrap_or_else(|| g.clone())}))
            .collect();
        let attached = crate::api::volume_attachments::ecs_volumes_attached(&env.volumes, &s.id);
        let mut v = json!({
            "id": s.id, "name": s.name, "description": s.description, "status": view.status,
            "OS-EXT-STS:vm_state": view.vm_state, "OS-EXT-STS:task_state": view.task_state, "OS-EXT-STS:power_state": view.power_state,
            "updated": iso_seconds(s.updated_at), "created": iso_seconds(s.created_at), "hostId": host_id(s, &env.host(s)),
            "OS-EXT-SRV-ATTR:host": format!("host-{}", env.host(s)),
            "OS-EXT-SRV-ATTR:hypervisor_hostname": format!("nova-{}", env.host(s)),
            "OS-EXT-SRV-ATTR:instance_name": format!("instance-{}", &s.id[..8]),
            "OS-EXT-SRV-ATTR:hostname": hostname(s), "OS-EXT-SRV-ATTR:reservation_id": reservation(s),
            "OS-EXT-SRV-ATTR:launch_index": s.launch_index, "OS-EXT-SRV-ATTR:kernel_id": "", "OS-EXT-SRV-ATTR:ramdisk_id": "",
            "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda", "OS-EXT-SRV-ATTR:user_data": s.user_data,
            "OS-EXT-AZ:availability_zone": s.availability_zone, "OS-DCF:diskConfig": "MANUAL",
            "OS-SRV-USG:launched_at": if view.status == "BUILD" { String::new() } else { iso_micros(s.created_at).trim_end_matches('Z').to_string() },
            "OS-SRV-USG:terminated_at": null,
            "addresses": addresses,
            "flavor": {
                "disk": "0", "vcpus": flavor.map(|f| f.vcpus).unwrap_or(0).to_string(), "ram": flavor.map(|f| f.ram).unwrap_or(0).to_string(),
                "id": s.flavor_id, "name": s.flavor_id,
            },
            "image": {"id": s.image_id},
            "security_groups": groups,
            "os-extended-volumes:volumes_attached": attached,
            "metadata": self.ecs_metadata(s, env),
            "tags": s.tags,
            "sys_tags": [{"key": "_sys_enterprise_project_id", "value": project_of(s)}],
            // The group the server was placed in, as a one-element list
            // (gophertelekomcloud's OsSchedulerHints; ecs_instance_v1 reads it back).
            "os:scheduler_hints": match env.server_groups.iter().find(|g| g.members.iter().any(|m| m.server_id == s.id)) {
                Some(g) => json!({"group": [g.id]}),
                None => json!({}),
            },
            "locked": s.locked, "config_drive": "", "accessIPv4": "", "accessIPv6": "", "fault": null, "host_status": "UP",
            "tenant_id": s.project_id, "user_id": s.user_id,
        });
        let o = v.as_object_mut().expect("object");
        if view.status != "SHUTOFF" {
            o.insert("progress".into(), json!(0));
        }
        if let Some(k) = &s.key_name {
            o.insert("key_name".into(), json!(k));
        }
        if show {
            o.insert("security_options".into(), json!({"tpm_enabled": null}));
            o.insert("hypervisor".into(), Value::Null);
            o.insert("auto_terminate_time".into(), json!(""));
            o.insert("cpu_options".into(), json!({"hw:cpu_threads": null}));
            o.insert("enclave_options".into(), json!({"enabled": false}));
        }
        v
    }

    // --- flavors ----------------------------------------------------------------------------

    pub fn ecs_flavors(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let region = input.ctx()?.region.clone().unwrap_or_else(|| "eu-de".into());
        let zones = self.cfg.zones(&region);
        if let Some(az) = input.query.get("availability_zone").filter(|z| !z.is_empty()) {
            if !zones.iter().any(|z| z == az) {
                return Reply::json(200, &json!({"flavors": []}));
            }
        }
        let pid = input.param("project_id");
        let base = input.base_url;
        let az_status: Vec<String> = zones.iter().map(|z| format!("{z}(normal)")).collect();
        let flavors: Vec<Value> = self
            .cfg
            .flavors
            .iter()
            .map(|f| {
                let generation = f.name.split('.').next().unwrap_or("");
                json!({
                    "id": f.name, "name": f.name, "vcpus": f.vcpus.to_string(), "ram": f.ram, "disk": "0", "swap": "",
                    "links": [
                        {"rel": "self", "href": format!("{base}/ecs/v1.0/{pid}/flavors/{}", f.name), "type": null},
                        {"rel": "bookmark", "href": format!("{base}/ecs/{pid}/flavors/{}", f.name), "type": null},
                    ],
                    "OS-FLV-EXT-DATA:ephemeral": 0, "rxtx_factor": 1.0, "OS-FLV-DISABLED:disabled": false,
                    "rxtx_quota": null, "rxtx_cap": null, "os-flavor-access:is_public": true,
                    "os_extra_specs": {
                        "ecs:virtualization_env_types": "CloudCompute", "ecs:generation": generation,
                        "ecs:performancetype": f.performance_type,
                        "resource_type": format!("IOoptimized{}", generation.to_uppercase()),
                        "instance_vnic:type": "enhanced", "instance_vnic:max_count": "4",
                        "cond:operation:status": "normal", "cond:operation:az": az_status.join(", "),
                    },
                })
            })
            .collect();
        Reply::json(200, &json!({ "flavors": flavors }))
    }

    /// The documented v1 spelling of the resize-flavor query answers as
    /// Nova's `/v2.1/{project_id}/resize_flavors` does.
    pub fn ecs_resize_flavors(&self, input: &Input<'_>) -> ApiResult<Reply> {
        self.resize_flavors(input, false).map_err(|e| if e.code == "APIGW.0101" { e } else { ecs(nova_to_ecs(&e), e.message) })
    }
}

/// The ECS code of a Nova refusal (the resize-flavor query only).
fn nova_to_ecs(e: &ApiError) -> &'static str {
    match e.status {
        404 => "Ecs.0114",
        s if s >= 500 => "Common.0001",
        _ => "Ecs.0005",
    }
}

// --- rendering helpers ----------------------------------------------------------------------

/// What one request's rendering needs from the network, read once.
struct Env {
    ports: Vec<Port>,
    eips: Vec<Eip>,
    groups: Vec<SecurityGroup>,
    networks: Vec<Network>,
    volumes: Vec<EvsVolume>,
    server_groups: Vec<crate::model::server_groups::ServerGroup>,
}

impl Env {
    fn load(m: &mut Model<'_, '_>) -> Result<Env, Refusal> {
        let volumes = m.with_disks(|d| d.volumes())?;
        Ok(Env {
            ports: m.net.ports()?,
            eips: m.net.eips()?,
            groups: m.net.security_groups()?,
            networks: m.net.networks()?,
            volumes,
            server_groups: m.server_groups()?,
        })
    }

    /// The host the server runs on (see `server_groups::host_label`).
    fn host(&self, s: &Server) -> String {
        crate::model::server_groups::host_label(&self.server_groups, &s.id, &s.availability_zone)
    }

    /// A server's ports in NIC order.
    fn ports_of(&self, s: &Server) -> Vec<&Port> {
        s.nics.iter().filter_map(|n| self.ports.iter().find(|p| p.id == n.port_id)).collect()
    }

    /// The address group key: the VPC of the port's network.
    fn vpc_of(&self, p: &Port) -> String {
        self.networks.iter().find(|n| n.id == p.network_id).and_then(|n| n.vpc_id.clone()).unwrap_or_else(|| p.network_id.clone())
    }
}

fn hostname(s: &Server) -> String {
    if s.hostname.is_empty() {
        s.name.replace('_', "-")
    } else {
        s.hostname.clone()
    }
}

fn reservation(s: &Server) -> String {
    if s.reservation_id.is_empty() {
        format!("r-{}", &s.id[..8])
    } else {
        s.reservation_id.clone()
    }
}

fn project_of(s: &Server) -> &str {
    if s.enterprise_project_id.is_empty() {
        "0"
    } else {
        &s.enterprise_project_id
    }
}

/// 56 hex characters from the project and zone, as ECS shows host ids.
fn host_id(s: &Server, host: &str) -> String {
    use md5::{Digest, Md5};
    let hex = |x: &str| Md5::digest(x.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let a = hex(&format!("{}{}", s.project_id, host));
    let b = hex(&format!("{}{}", host, s.project_id));
    format!("{a}{}", &b[..24])
}

/// The name filter: a substring match where `.` stands for any character
/// but a line break.
fn fuzzy(hay: &str, pat: &str) -> bool {
    let h: Vec<char> = hay.chars().collect();
    let p: Vec<char> = pat.chars().collect();
    if p.is_empty() {
        return true;
    }
    h.windows(p.len()).any(|w| w.iter().zip(&p).all(|(c, q)| if *q == '.' { *c != '\n' && *c != '\r' } else { c == q }))
}

/// A status filter also returns the intermediate states of that status.
fn status_matches(filter: &str, status: &str) -> bool {
    let also: &[&str] = match filter {
        "ACTIVE" => &["REBOOT", "HARD_REBOOT", "REBUILD", "MIGRATING", "RESIZE"],
        "SHUTOFF" => &["RESIZE", "REBUILD"],
        "ERROR" => &["REBUILD"],
        "VERIFY_RESIZE" => &["REVERT_RESIZE"],
        _ => &[],
    };
    status == filter || also.contains(&status)
}

/// A tag filter value matches a tag (`key=value`) or a tag key.
fn has_tag(s: &Server, wanted: &str) -> bool {
    s.tags.iter().any(|t| t == wanted || t.split_once('=').map(|(k, _)| k).unwrap_or(t) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(fuzzy("web-0001", "web"));
        assert!(fuzzy("web-0001", "w.b-"));
        assert!(!fuzzy("web", "w.bx"));
        assert!(status_matches("ACTIVE", "REBOOT"));
        assert!(!status_matches("SHUTOFF", "ACTIVE"));
        assert!(password_ok("Secr3t-pass", "root"));
        assert!(!password_ok("short1A", "root"));
        assert!(!password_ok("alllowercase", "root"));
        assert!(!password_ok("Root-Pass-1", "root"));
        assert!(!password_ok("Toor-Pass-1", "root"));
        assert!(hostname_ok("a.b-c"));
        assert!(!hostname_ok("a..b"));
        assert!(!hostname_ok("-ab"));
    }
}
