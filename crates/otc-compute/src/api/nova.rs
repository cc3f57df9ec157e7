//! Nova v2 and v2.1 as OTC serves them (`compute` in the catalog): version
//! documents with microversions up to 2.60, flavors, availability zones,
//! key pairs, servers and their actions, limits.

use crate::catalog::Flavor;
use crate::errors::{bad, nova as fault};
use crate::model::servers::{Action, NicSpec, Server, ServerSpec};
use crate::model::{Compute as Model, ModelResult};
use crate::Compute;
use otc_core::api::{Input, Reply};
use otc_core::pagination::{page_by_marker, MarkerPage};
use otc_core::time::{iso_micros, iso_seconds};
use otc_core::{ApiError, ApiResult};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The microversions this Nova speaks.
pub const MIN_MICROVERSION: (u32, u32) = (2, 1);
pub const MAX_MICROVERSION: (u32, u32) = (2, 60);

/// The microversion a request asks for (`OpenStack-API-Version: compute
/// 2.x` or `X-OpenStack-Nova-API-Version`); 2.1 when none, and always 2.0
/// under `/v2/`.
pub fn microversion(input: &Input<'_>, v2: bool) -> ApiResult<(u32, u32)> {
    if v2 {
        return Ok((2, 0));
    }
    let raw = input
        .header("openstack-api-version")
        .and_then(|h| h.trim().strip_prefix("compute").map(|v| v.trim().to_string()))
        .or_else(|| input.header("x-openstack-nova-api-version").map(|v| v.trim().to_string()));
    let Some(raw) = raw else {
        return Ok(MIN_MICROVERSION);
    };
    if raw.eq_ignore_ascii_case("latest") {
        return Ok(MAX_MICROVERSION);
    }
    let parsed = raw.split_once('.').and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
    match parsed {
        Some(v) if v >= MIN_MICROVERSION && v <= MAX_MICROVERSION => Ok(v),
        Some(_) => Err(ApiError::new(
            406,
            "notAcceptable",
            format!("Version {raw} is not supported by the API. Minimum is 2.1 and maximum is 2.60."),
        )
        .with_kind("notAcceptable")),
        None => Err(bad(format!("API Version String {raw} is of invalid format. Must be of format MajorNum.MinorNum."))),
    }
}

/// Adds the microversion headers Nova answers with.
pub(crate) fn versioned(reply: Reply, mv: (u32, u32)) -> Reply {
    if mv.1 == 0 {
        return reply;
    }
    let v = format!("{}.{}", mv.0, mv.1);
    reply
        .header("openstack-api-version", format!("compute {v}"))
        .header("x-openstack-nova-api-version", v)
        .header("vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version")
}

pub(crate) fn json_reply(status: u16, body: &Value, mv: (u32, u32)) -> ApiResult<Reply> {
    Ok(versioned(Reply::json(status, body)?, mv))
}

pub(crate) fn body_obj(input: &Input<'_>, key: &str) -> ApiResult<Map<String, Value>> {
    let v: Value = input.json()?;
    match v {
        Value::Object(mut o) => match o.remove(key) {
            Some(Value::Object(inner)) => Ok(inner),
            _ => Err(bad(format!("Invalid input for field/attribute {key}. Value: None. '{key}' is a required property"))),
        },
        _ => Err(bad("Malformed request body".into())),
    }
}

fn str_field(o: &Map<String, Value>, key: &str) -> ApiResult<Option<String>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {v}. {v} is not of type 'string'"))),
    }
}

/// Integers as Nova's schema takes them: numbers or numeric strings.
fn int_field(o: &Map<String, Value>, key: &str) -> ApiResult<Option<i64>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(v) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {v}. {v} is not of type 'integer'"))),
    }
}

impl Compute {
    pub(crate) fn links(&self, input: &Input<'_>, v2: bool, pid: &str, kind: &str, id: &str) -> Value {
        let version = if v2 { "v2" } else { "v2.1" };
        json!([
            {"rel": "self", "href": format!("{}/ecs/{version}/{pid}/{kind}/{id}", input.base_url)},
            {"rel": "bookmark", "href": format!("{}/ecs/{pid}/{kind}/{id}", input.base_url)},
        ])
    }

    pub(crate) fn call<R>(&self, input: &Input<'_>, f: impl FnOnce(&mut Model<'_, '_>) -> ModelResult<R>) -> ApiResult<R> {
        self.run(input.ctx()?, f).map_err(fault)
    }

    // --- versions -------------------------------------------------------------

    fn version_doc(base: &str, v21: bool) -> Value {
        if v21 {
            json!({"id": "v2.1", "status": "CURRENT", "version": "2.60", "min_version": "2.1", "updated": "2013-07-23T11:33:21Z",
                "links": [{"rel": "self", "href": format!("{base}/ecs/v2.1/")}, {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"}],
                "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}]})
        } else {
            json!({"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "", "updated": "2011-01-21T11:33:21Z",
                "links": [{"rel": "self", "href": format!("{base}/ecs/v2/")}, {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"}],
                "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2"}]})
        }
    }

    pub fn versions(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        Reply::json(200, &json!({"versions": [Self::version_doc(input.base_url, false), Self::version_doc(input.base_url, true)]}))
    }

    pub fn version(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        match input.param("api_version") {
            "v2.1" => Reply::json(200, &json!({"version": Self::version_doc(input.base_url, true)})),
            "v2" | "v2.0" => Reply::json(200, &json!({"version": Self::version_doc(input.base_url, false)})),
            _ => Err(ApiError::unknown_api()),
        }
    }

    // --- flavors ------------------------------------------------------------------

    fn flavor_json(&self, input: &Input<'_>, v2: bool, f: &Flavor, detail: bool) -> Value {
        let pid = input.param("project_id");
        let mut v = json!({"id": f.name, "name": f.name, "links": self.links(input, v2, pid, "flavors", &f.name)});
        if detail {
            let o = v.as_object_mut().expect("object");
            o.insert("vcpus".into(), json!(f.vcpus));
            o.insert("ram".into(), json!(f.ram));
            o.insert("disk".into(), json!(0));
            o.insert("swap".into(), json!(""));
            o.insert("OS-FLV-EXT-DATA:ephemeral".into(), json!(0));
            o.insert("OS-FLV-DISABLED:disabled".into(), json!(false));
            o.insert("rxtx_factor".into(), json!(1.0));
            o.insert("os-flavor-access:is_public".into(), json!(true));
        }
        v
    }

    fn extra_specs(f: &Flavor) -> Value {
        json!({
            "ecs:performancetype": f.performance_type, "resource_type": format!("IOoptimized{}", f.name.split('.').next().unwrap_or("s3").to_uppercase()),
            "ecs:virtualization_env_types": "CloudCompute", "ecs:generation": f.name.split('.').next().unwrap_or(""),
            "cond:operation:status": "normal",
        })
    }

    fn list_flavors_impl(&self, input: &Input<'_>, v2: bool, detail: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let q = input.query;
        let min_disk = q.get("minDisk").map(|v| v.parse::<u64>().map_err(|_| bad(format!("Invalid minDisk filter [{v}]")))).transpose()?;
        let min_ram = q.get("minRam").map(|v| v.parse::<u32>().map_err(|_| bad(format!("Invalid minRam filter [{v}]")))).transpose()?;
        let mut flavors: Vec<&Flavor> =
            self.cfg.flavors.iter().filter(|f| min_ram.is_none_or(|r| f.ram >= r)).filter(|_| min_disk.is_none_or(|d| d == 0)).collect();
        match q.get("sort_key").unwrap_or("flavorid") {
            "name" | "flavorid" => flavors.sort_by(|a, b| a.name.cmp(&b.name)),
            "memory_mb" => flavors.sort_by_key(|f| f.ram),
            "vcpus" => flavors.sort_by_key(|f| f.vcpus),
            "root_gb" => {}
            other => return Err(bad(format!("Invalid input for query parameters sort_key. Value: {other}."))),
        }
        if q.get("sort_dir") == Some("desc") {
            flavors.reverse();
        }
        let mut flavors = after_marker(flavors, q.get("marker"), |f| &f.name)?;
        let limit = q.get("limit").map(|l| l.parse::<usize>().map_err(|_| bad(format!("Invalid limit {l}")))).transpose()?;
        let full = limit.is_some_and(|l| flavors.len() > l);
        if let Some(l) = limit {
            flavors.truncate(l);
        }
        let items: Vec<Value> = flavors.iter().map(|f| self.flavor_json(input, v2, f, detail)).collect();
        let mut body = json!({ "flavors": items });
        if full {
            if let Some(last) = flavors.last() {
                let version = if v2 { "v2" } else { "v2.1" };
                let path = if detail { "flavors/detail" } else { "flavors" };
                body["flavors_links"] = json!([{"rel": "next", "href": format!("{}/ecs/{version}/{}/{path}?limit={}&marker={}", input.base_url, input.param("project_id"), limit.unwrap_or(0), last.name)}]);
            }
        }
        json_reply(200, &body, mv)
    }

    pub fn list_flavors(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        self.list_flavors_impl(input, v2, false)
    }

    pub fn list_flavors_detail(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        self.list_flavors_impl(input, v2, true)
    }

    pub fn show_flavor(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("flavor_id");
        let f = self.cfg.flavor(id).ok_or_else(|| fault(crate::model::Fault::NotFound(format!("Flavor {id} could not be found."))))?;
        json_reply(200, &json!({"flavor": self.flavor_json(input, v2, f, true)}), mv)
    }

    pub fn flavor_extra_specs(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("flavor_id");
        let f = self.cfg.flavor(id).ok_or_else(|| fault(crate::model::Fault::NotFound(format!("Flavor {id} could not be found."))))?;
        json_reply(200, &json!({"extra_specs": Self::extra_specs(f)}), mv)
    }

    /// The flavors a server (or a flavor) can be resized to: every other one.
    pub fn resize_flavors(&self, input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        let q = input.query;
        let source = if let Some(server) = q.get("instance_uuid") {
            let server = server.to_string();
            self.call(input, |m| Ok(m.server(&server)?.flavor_id))?
        } else if let Some(f) = q.get("source_flavor_id").or(q.get("source_flavor_name")) {
            self.cfg.flavor(f).map(|f| f.name.clone()).ok_or_else(|| bad(format!("Flavor {f} could not be found.")))?
        } else {
            return Err(bad("One of instance_uuid, source_flavor_id and source_flavor_name is required.".into()));
        };
        let items: Vec<Value> = self
            .cfg
            .flavors
            .iter()
            .filter(|f| f.name != source)
            .map(|f| {
                let mut v = self.flavor_json(input, false, f, true);
                v["extra_specs"] = Self::extra_specs(f);
                v["rxtx_quota"] = Value::Null;
                v["rxtx_cap"] = Value::Null;
                v
            })
            .collect();
        Reply::json(200, &json!({ "flavors": items }))
    }

    // --- availability zones -----------------------------------------------------------

    pub fn availability_zones(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let region = input.ctx()?.region.clone().unwrap_or_else(|| "eu-de".into());
        let zones: Vec<Value> =
            self.cfg.zones(&region).iter().map(|z| json!({"zoneName": z, "zoneState": {"available": true}, "hosts": null})).collect();
        json_reply(200, &json!({"availabilityZoneInfo": zones}), mv)
    }

    /// The detailed zone list is for administrators, as in Nova.
    pub fn availability_zones_detail(&self, _input: &Input<'_>, _v2: bool) -> ApiResult<Reply> {
        Err(ApiError::new(403, "forbidden", "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.")
            .with_kind("forbidden"))
    }

    // --- key pairs ------------------------------------------------------------------------

    fn keypair_json(kp: &crate::model::keypairs::Keypair, mv: (u32, u32), full: bool) -> Value {
        let mut v = json!({"name": kp.name, "public_key": kp.public_key, "fingerprint": kp.fingerprint});
        if mv >= (2, 2) {
            v["type"] = json!(kp.key_type);
        }
        if full {
            v["user_id"] = json!(kp.user_id);
            v["created_at"] = json!(iso_micros(kp.created_at).trim_end_matches('Z').to_string());
            v["deleted"] = json!(false);
            v["deleted_at"] = Value::Null;
            v["updated_at"] = Value::Null;
            v["id"] = json!(0);
        }
        v
    }

    pub fn create_keypair(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let o = body_obj(input, "keypair")?;
        let name = str_field(&o, "name")?
            .ok_or_else(|| bad("Invalid input for field/attribute keypair. Value: None. 'name' is a required property".into()))?;
        let public_key = str_field(&o, "public_key")?;
        let key_type = str_field(&o, "type")?;
        if let Some(t) = &key_type {
            if t != "ssh" && t != "x509" {
                return Err(bad(format!("Invalid input for field/attribute type. Value: {t}. '{t}' is not one of ['ssh', 'x509']")));
            }
        }
        let v = self.call(input, |m| match &public_key {
            Some(pk) => Ok(Self::keypair_json(&m.import_keypair(&name, pk, key_type.as_deref())?, mv, false)),
            None => {
                let g = m.generate_keypair(&name, key_type.as_deref())?;
                let mut v = Self::keypair_json(&g.keypair, mv, false);
                v["private_key"] = json!(g.private_key);
                Ok(v)
            }
        })?;
        let mut v = v;
        v["user_id"] = json!(input.ctx()?.user_id);
        json_reply(if mv >= (2, 2) { 201 } else { 200 }, &json!({ "keypair": v }), mv)
    }

    pub fn list_keypairs(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let mut all = self.call(input, |m| m.keypairs())?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        if mv >= (2, 35) {
            all = after_marker(all, input.query.get("marker"), |k| &k.name)?;
            if let Some(l) = input.query.get("limit") {
                let l = l.parse::<usize>().map_err(|_| bad(format!("Invalid limit {l}")))?;
                all.truncate(l);
            }
        }
        let items: Vec<Value> = all.iter().map(|k| json!({"keypair": Self::keypair_json(k, mv, false)})).collect();
        json_reply(200, &json!({ "keypairs": items }), mv)
    }

    pub fn show_keypair(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let name = input.param("keypair_name").to_string();
        let kp = self.call(input, |m| m.keypair(&name))?;
        json_reply(200, &json!({"keypair": Self::keypair_json(&kp, mv, true)}), mv)
    }

    pub fn delete_keypair(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let name = input.param("keypair_name").to_string();
        self.call(input, |m| m.delete_keypair(&name))?;
        Ok(versioned(Reply::empty(if mv >= (2, 2) { 204 } else { 202 }), mv))
    }

    // --- servers ------------------------------------------------------------------------

    fn server_json(&self, input: &Input<'_>, v2: bool, mv: (u32, u32), m: &mut Model<'_, '_>, s: &Server) -> ModelResult<Value> {
        let pid = input.param("project_id").to_string();
        let view = s.view();
        let mut addresses = Map::new();
        let eips = m.net.eips()?;
        // The server's groups are what its ports carry (Neutron may change them).
        let mut on_ports: Vec<String> = Vec::new();
        for p in m.ports_of(s)? {
            on_ports.extend(p.security_groups.iter().cloned());
            // Nova keys addresses by the network's label, its Neutron name
            // (the reference's example shows an id: the real cloud names a
            // VPC subnet's network by its id). Clients match them by name:
            // the Terraform provider's compute_instance_v2 finds its
            // `network` blocks' addresses under the network's name.
            let label = m.net.network(&p.network_id).map(|n| n.name).unwrap_or_else(|_| p.network_id.clone());
            let entry = addresses.entry(label).or_insert_with(|| json!([]));
            let list = entry.as_array_mut().expect("array");
            for f in &p.fixed_ips {
                list.push(
                    json!({"addr": f.ip_address, "version": 4, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": p.mac_address}),
                );
            }
            for e in eips.iter().filter(|e| e.port_id.as_deref() == Some(p.id.as_str())) {
                list.push(json!({"addr": e.public_ip_address, "version": 4, "OS-EXT-IPS:type": "floating", "OS-EXT-IPS-MAC:mac_addr": p.mac_address}));
            }
        }
        let groups = m.net.security_groups()?;
        let sg_names: Vec<Value> = crate::model::nics::groups_shown(s, &on_ports)
            .iter()
            .map(|g| json!({"name": groups.iter().find(|x| &x.id == g).map(|x| x.name.clone()).unwrap_or_else(|| g.clone())}))
            .collect();
        let flavor = self.cfg.flavor(&s.flavor_id);
        let host = crate::model::server_groups::host_label(&m.server_groups()?, &s.id, &s.availability_zone);
        let flavor_json = if mv >= (2, 47) {
            json!({"vcpus": flavor.map(|f| f.vcpus).unwrap_or(0), "ram": flavor.map(|f| f.ram).unwrap_or(0), "disk": 0, "ephemeral": 0, "swap": 0,
                "original_name": s.flavor_id, "extra_specs": flavor.map(Self::extra_specs).unwrap_or(json!({}))})
        } else {
            json!({"id": s.flavor_id, "links": [{"rel": "bookmark", "href": format!("{}/ecs/{pid}/flavors/{}", input.base_url, s.flavor_id)}]})
        };
        let mut v = json!({
            "id": s.id, "name": s.name, "status": view.status, "tenant_id": s.project_id, "user_id": s.user_id,
            "metadata": s.metadata, "hostId": format!("{:x}", md5_hex(&format!("{}{}", s.project_id, host))),
            "image": {"id": s.image_id, "links": [{"rel": "bookmark", "href": format!("{}/ecs/{pid}/images/{}", input.base_url, s.image_id)}]},
            "flavor": flavor_json, "created": iso_seconds(s.created_at), "updated": iso_seconds(s.updated_at),
            "addresses": addresses, "accessIPv4": "", "accessIPv6": "", "links": self.links(input, v2, &pid, "servers", &s.id),
            "key_name": s.key_name, "progress": 0, "config_drive": "", "security_groups": sg_names,
            "OS-DCF:diskConfig": "MANUAL", "OS-EXT-AZ:availability_zone": s.availability_zone,
            "OS-EXT-SRV-ATTR:host": format!("host-{host}"), "OS-EXT-SRV-ATTR:hypervisor_hostname": format!("nova-{host}"),
            "OS-EXT-SRV-ATTR:instance_name": format!("instance-{}", &s.id[..8]),
            "OS-EXT-STS:vm_state": view.vm_state, "OS-EXT-STS:task_state": view.task_state, "OS-EXT-STS:power_state": view.power_state,
            "OS-SRV-USG:launched_at": if view.status == "BUILD" { Value::Null } else { json!(iso_micros(s.created_at).trim_end_matches('Z').to_string()) },
            "OS-SRV-USG:terminated_at": null,
            "os-extended-volumes:volumes_attached": crate::api::volume_attachments::nova_volumes_attached(&m.server_volumes(&s.id)?.into_iter().map(|(v, _)| v).collect::<Vec<_>>(), &s.id, mv),
        });
        if mv >= (2, 3) {
            v["OS-EXT-SRV-ATTR:hostname"] = json!(s.name.replace('_', "-"));
            v["OS-EXT-SRV-ATTR:reservation_id"] = json!(format!("r-{}", &s.id[..8]));
            v["OS-EXT-SRV-ATTR:launch_index"] = json!(0);
            v["OS-EXT-SRV-ATTR:root_device_name"] = json!("/dev/vda");
            v["OS-EXT-SRV-ATTR:user_data"] = json!(s.user_data);
        }
        if mv >= (2, 9) {
            v["locked"] = json!(s.locked);
        }
        if mv >= (2, 16) {
            v["host_status"] = json!("UP");
        }
        if mv >= (2, 19) {
            v["description"] = json!(s.description);
        }
        if mv >= (2, 26) {
            v["tags"] = json!(s.tags);
        }
        Ok(v)
    }

    pub fn create_server(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let o = body_obj(input, "server")?;
        let name = str_field(&o, "name")?
            .ok_or_else(|| bad("Invalid input for field/attribute server. Value: None. 'name' is a required property".into()))?;
        if name.is_empty() || name.chars().count() > 255 {
            return Err(bad(format!("Invalid input for field/attribute name. Value: {name}. '{name}' is too long or too short")));
        }
        let flavor = str_field(&o, "flavorRef")?
            .ok_or_else(|| bad("Invalid input for field/attribute server. Value: None. 'flavorRef' is a required property".into()))?;
        let flavor = flavor.rsplit('/').next().unwrap_or("").to_string();
        let mut image = str_field(&o, "imageRef")?.unwrap_or_default().rsplit('/').next().unwrap_or("").to_string();
        let (disks, boot_image) = crate::api::volume_attachments::block_devices(&o)?;
        if image.is_empty() {
            // A boot mapping from an image (OSC always sends one with --image).
            image = boot_image.unwrap_or_default();
        }
        // A server booted from a volume (or a snapshot) needs no image.
        if image.is_empty() && !disks.iter().any(|d| d.boot) {
            return Err(bad("Missing imageRef attribute".into()));
        }
        let nics = match o.get("networks") {
            Some(Value::Array(list)) => list
                .iter()
                .map(|n| {
                    let n = n.as_object().ok_or_else(|| bad("Invalid input for field/attribute networks.".into()))?;
                    Ok(NicSpec { network_id: str_field(n, "uuid")?, port_id: str_field(n, "port")?, fixed_ip: str_field(n, "fixed_ip")? })
                })
                .collect::<ApiResult<Vec<_>>>()?,
            Some(Value::String(s)) if s == "auto" || s == "none" => {
                return Err(bad(format!("Invalid input for field/attribute networks. Value: {s}. OTC servers need an explicit network.")));
            }
            None => return Err(bad("Invalid input for field/attribute server. Value: None. 'networks' is a required property".into())),
            Some(other) => return Err(bad(format!("Invalid input for field/attribute networks. Value: {other}."))),
        };
        let security_groups = match o.get("security_groups") {
            None | Some(Value::Null) => None,
            Some(Value::Array(list)) => Some(
                list.iter()
                    .map(|g| {
                        g.get("name")
                            .and_then(Value::as_str)
                            .map(String::from)
                            .ok_or_else(|| bad("Invalid input for field/attribute security_groups.".into()))
                    })
                    .collect::<ApiResult<Vec<_>>>()?,
            ),
            Some(other) => return Err(bad(format!("Invalid input for field/attribute security_groups. Value: {other}."))),
        };
        let metadata: BTreeMap<String, String> = match o.get("metadata") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) if !k.is_empty() && k.len() <= 255 && s.len() <= 255 => Ok((k.clone(), s.clone())),
                    _ => Err(bad(format!("Invalid input for field/attribute metadata. Value: {k}."))),
                })
                .collect::<ApiResult<_>>()?,
            Some(other) => return Err(bad(format!("Invalid input for field/attribute metadata. Value: {other}."))),
        };
        let user_data = str_field(&o, "user_data")?;
        if let Some(ud) = &user_data {
            use base64::Engine;
            if base64::engine::general_purpose::STANDARD.decode(ud.trim()).is_err() || ud.len() > 65535 {
                return Err(bad("Invalid input for field/attribute user_data. Value: ... is not a base64 string.".into()));
            }
        }
        let min = int_field(&o, "min_count")?.unwrap_or(1);
        let max = int_field(&o, "max_count")?.unwrap_or(min);
        if min < 1 || max < min || max > 100 {
            return Err(bad("min_count must be >= 1 and <= max_count (at most 100)".into()));
        }
        let tags = match o.get("tags") {
            Some(Value::Array(t)) => t.iter().filter_map(|x| x.as_str().map(String::from)).collect(),
            _ => Vec::new(),
        };
        let spec = ServerSpec {
            name,
            flavor_id: flavor,
            image_id: image,
            key_name: str_field(&o, "key_name")?,
            availability_zone: str_field(&o, "availability_zone")?.filter(|z| !z.is_empty()),
            nics,
            security_groups,
            metadata,
            user_data,
            description: str_field(&o, "description")?.unwrap_or_default(),
            tags,
            count: max as u32,
            disks,
            group: crate::api::server_groups::group_hint(&input.json::<Value>()?)?,
        };
        let (first, groups) = self.call(input, |m| {
            let created = m.create_servers(spec)?;
            let first = created.into_iter().next().expect("at least one server");
            let groups = m.net.security_groups()?;
            let names: Vec<Value> =
                first.security_groups.iter().filter_map(|g| groups.iter().find(|x| &x.id == g)).map(|g| json!({"name": g.name})).collect();
            Ok((first, names))
        })?;
        let pid = input.param("project_id");
        let body = json!({"server": {
            "id": first.id, "links": self.links(input, v2, pid, "servers", &first.id), "OS-DCF:diskConfig": "MANUAL",
            "security_groups": groups, "adminPass": otc_core::ids::secret_hex(6),
        }});
        let location = format!("{}/ecs/{}/{pid}/servers/{}", input.base_url, if v2 { "v2" } else { "v2.1" }, first.id);
        Ok(json_reply(202, &body, mv)?.header("location", location))
    }

    fn filtered_servers(&self, input: &Input<'_>, m: &mut Model<'_, '_>) -> ModelResult<Vec<Server>> {
        let q = input.query;
        let mut all = m.servers()?;
        all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
        let ports = m.net.ports()?;
        Ok(all
            .into_iter()
            .filter(|s| q.get("name").is_none_or(|n| s.name.contains(n)))
            .filter(|s| q.get("status").is_none_or(|st| s.view().status.eq_ignore_ascii_case(st)))
            .filter(|s| q.get("flavor").is_none_or(|f| s.flavor_id == f))
            .filter(|s| q.get("image").is_none_or(|i| s.image_id == i))
            .filter(|s| q.get("key_name").is_none_or(|k| s.key_name.as_deref() == Some(k)))
            .filter(|s| q.get("availability_zone").is_none_or(|z| s.availability_zone == z))
            .filter(|s| {
                q.get("ip").is_none_or(|ip| {
                    ports.iter().filter(|p| p.device_id == s.id).any(|p| p.fixed_ips.iter().any(|f| f.ip_address.contains(ip)))
                })
            })
            .filter(|s| q.get("tags").is_none_or(|t| t.split(',').all(|t| s.tags.iter().any(|x| x == t))))
            .collect())
    }

    fn list_servers_impl(&self, input: &Input<'_>, v2: bool, detail: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        if let Some(st) = input.query.get("status") {
            const KNOWN: [&str; 11] = [
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
            ];
            if mv >= (2, 38) && !KNOWN.iter().any(|k| k.eq_ignore_ascii_case(st)) {
                return Err(bad(format!("Invalid input for query parameters status. Value: {st}.")));
            }
        }
        let limit = match input.query.get("limit") {
            None => 1000,
            Some(l) => l.parse::<usize>().map_err(|_| bad(format!("Invalid input for query parameters limit. Value: {l}.")))?.min(1000),
        };
        let marker = input.query.get("marker").map(String::from);
        let pid = input.param("project_id").to_string();
        let (items, last, more) = self.call(input, |m| {
            let page = MarkerPage { marker: marker.clone(), limit: None, reverse: false };
            let mut all = page_by_marker(self.filtered_servers(input, m)?, &page, |s| &s.id).map_err(|()| {
                crate::model::Fault::Invalid(crate::model::Why::Other, format!("marker [{}] not found", marker.as_deref().unwrap_or("")))
            })?;
            let more = all.len() > limit;
            all.truncate(limit);
            let mut items = Vec::new();
            for s in &all {
                items.push(if detail {
                    self.server_json(input, v2, mv, m, s)?
                } else {
                    json!({"id": s.id, "name": s.name, "links": self.links(input, v2, &pid, "servers", &s.id)})
                });
            }
            Ok((items, all.last().map(|s| s.id.clone()), more))
        })?;
        let mut body = json!({ "servers": items });
        if more || (input.query.has("limit") && items_len(&body) == limit) {
            if let Some(last) = last {
                let version = if v2 { "v2" } else { "v2.1" };
                let path = if detail { "servers/detail" } else { "servers" };
                body["servers_links"] =
                    json!([{"rel": "next", "href": format!("{}/ecs/{version}/{pid}/{path}?limit={limit}&marker={last}", input.base_url)}]);
            }
        }
        json_reply(200, &body, mv)
    }

    pub fn list_servers(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        self.list_servers_impl(input, v2, false)
    }

    pub fn list_servers_detail(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        self.list_servers_impl(input, v2, true)
    }

    pub fn show_server(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let v = self.call(input, |m| {
            let s = m.server(&id)?;
            self.server_json(input, v2, mv, m, &s)
        })?;
        json_reply(200, &json!({ "server": v }), mv)
    }

    pub fn update_server(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let o = body_obj(input, "server")?;
        if let Some(k) = o.keys().find(|k| !["name", "description", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"].contains(&k.as_str()))
        {
            return Err(bad(format!("Additional properties are not allowed ('{k}' was unexpected)")));
        }
        let name = str_field(&o, "name")?;
        if let Some(n) = &name {
            if n.is_empty() || n.chars().count() > 255 {
                return Err(bad(format!("Invalid input for field/attribute name. Value: {n}.")));
            }
        }
        let description = str_field(&o, "description")?;
        if description.as_ref().is_some_and(|d| d.chars().count() > 255) {
            return Err(bad("Invalid input for field/attribute description: too long.".into()));
        }
        let v = self.call(input, |m| {
            let s = m.rename(&id, name, description)?;
            self.server_json(input, v2, mv, m, &s)
        })?;
        json_reply(200, &json!({ "server": v }), mv)
    }

    pub fn delete_server(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        self.call(input, |m| m.delete_server(&id))?;
        Ok(versioned(Reply::empty(204), mv))
    }

    pub fn server_action(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let v: Value = input.json()?;
        let Some((key, arg)) = v.as_object().and_then(|o| if o.len() == 1 { o.iter().next() } else { None }) else {
            return Err(bad("Malformed request body: exactly one action is expected".into()));
        };
        let action = match key.as_str() {
            "os-start" => Action::Start,
            "os-stop" => Action::Stop,
            "reboot" => {
                let t = arg
                    .get("type")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("Invalid input for field/attribute reboot. Value: {}. 'type' is a required property".into()))?;
                match t.to_ascii_uppercase().as_str() {
                    "SOFT" => Action::Reboot { hard: false },
                    "HARD" => Action::Reboot { hard: true },
                    _ => return Err(bad(format!("Invalid input for field/attribute type. Value: {t}. '{t}' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']"))),
                }
            }
            // Nova's floating IP proxy (discarded in the reference, still
            // served by the cloud): the Terraform provider's
            // compute_floatingip_associate_v2 binds EIPs with it.
            "addFloatingIp" | "removeFloatingIp" => {
                let field = |k: &str| match arg.get(k) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(v)) => Ok(Some(v.clone())),
                    Some(v) => Err(bad(format!("Invalid input for field/attribute {k}. Value: {v}. {v} is not of type 'string'"))),
                };
                let address = field("address")?.ok_or_else(|| {
                    bad(format!("Invalid input for field/attribute {key}. Value: {arg}. 'address' is a required property"))
                })?;
                let fixed = field("fixed_address")?;
                if key == "addFloatingIp" {
                    self.call(input, |m| m.add_floating_ip(&id, &address, fixed.as_deref()))?;
                } else {
                    self.call(input, |m| m.remove_floating_ip(&id, &address))?;
                }
                return Ok(versioned(Reply::empty(202), mv));
            }
            "lock" => Action::Lock,
            "unlock" => Action::Unlock,
            // Documented actions the emulator does not perform yet: the
            // gateway's honest "no such API", never a pretend success.
            "rebuild" | "createImage" => return Err(ApiError::unknown_api()),
            "addSecurityGroup" | "removeSecurityGroup" => return self.server_group_action(input, mv, key, arg),
            "resize" | "confirmResize" | "revertResize" => return self.resize_action(input, mv, key, arg),
            other => return Err(bad(format!("There is no such action: {other}"))),
        };
        self.call(input, |m| m.act(&id, action).map(|_| ()))?;
        Ok(versioned(Reply::empty(202), mv))
    }

    pub fn server_password(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        self.call(input, |m| m.server(&id).map(|_| ()))?;
        // No Windows password was ever encrypted here: Nova's empty answer.
        json_reply(200, &json!({"password": ""}), mv)
    }

    pub fn clear_server_password(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        self.call(input, |m| m.server(&id).map(|_| ()))?;
        Ok(versioned(Reply::empty(204), mv))
    }

    pub fn limits(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let q = self.cfg.quotas.clone();
        let (servers, keypairs, groups) = self.call(input, |m| Ok((m.servers()?, m.keypairs()?.len(), m.server_groups()?.len())))?;
        let (cores, ram): (u64, u64) =
            servers.iter().filter_map(|s| self.cfg.flavor(&s.flavor_id)).fold((0, 0), |(c, r), f| (c + f.vcpus as u64, r + f.ram as u64));
        json_reply(
            200,
            &json!({"limits": {"rate": [], "absolute": {
                "maxTotalInstances": q.instances, "totalInstancesUsed": servers.len(),
                "maxTotalCores": q.cores, "totalCoresUsed": cores, "maxTotalRAMSize": q.ram, "totalRAMUsed": ram,
                "maxTotalKeypairs": q.key_pairs, "totalKeypairsUsed": keypairs,
                "maxServerMeta": crate::model::servers::METADATA_ITEMS,
                "maxServerGroups": q.server_groups, "totalServerGroupsUsed": groups, "maxServerGroupMembers": q.server_group_members,
                "maxPersonality": 5, "maxPersonalitySize": 10240, "maxImageMeta": 128,
            }}}),
            mv,
        )
    }
}

fn items_len(body: &Value) -> usize {
    body["servers"].as_array().map(Vec::len).unwrap_or(0)
}

/// The items after `marker` (all when none), or Nova's 400 for an unknown one.
fn after_marker<T>(items: Vec<T>, marker: Option<&str>, id_of: impl Fn(&T) -> &str) -> ApiResult<Vec<T>> {
    let page = MarkerPage { marker: marker.map(String::from), limit: None, reverse: false };
    page_by_marker(items, &page, id_of).map_err(|()| bad(format!("marker [{}] not found", marker.unwrap_or(""))))
}

fn md5_hex(s: &str) -> u128 {
    use md5::{Digest, Md5};
    u128::from_be_bytes(Md5::digest(s.as_bytes()).into())
}
