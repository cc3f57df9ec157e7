//! The AS v1 facade: versions, configurations, groups, instances, quotas
//! and activity logs, as as/apis/ documents them.

use crate::api_v2::BANDWIDTH_POLICIES;
use crate::errors::as_error;
use crate::model::*;
use crate::wire::*;
use crate::AutoScaling;
use otc_core::api::{Input, Reply};
use otc_core::{ids, ApiResult};
use serde_json::{json, Map, Value};

fn valid_name(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn config_json(c: &Configuration) -> Value {
    json!({
        "scaling_configuration_id": c.id, "tenant": c.project_id, "scaling_configuration_name": c.name,
        "instance_config": c.instance_config, "create_time": ts(c.create_time),
    })
}

fn group_json(g: &Group, config_name: &str, current: usize) -> Value {
    json!({
        "scaling_group_id": g.id, "scaling_group_name": g.name, "scaling_group_status": g.status,
        "scaling_configuration_id": g.config_id, "scaling_configuration_name": config_name,
        "current_instance_number": current, "desire_instance_number": g.desire, "min_instance_number": g.min,
        "max_instance_number": g.max, "cool_down_time": g.cool_down_time, "lb_listener_id": null, "lbaas_listeners": null,
        "available_zones": g.available_zones, "networks": g.networks, "security_groups": g.security_groups,
        "create_time": ts(g.create_time), "vpc_id": g.vpc_id, "detail": null, "is_scaling": false,
        "health_periodic_audit_method": g.health_periodic_audit_method, "health_periodic_audit_time": g.health_periodic_audit_time,
        "health_periodic_audit_grace_period": g.health_periodic_audit_grace_period,
        "instance_terminate_policy": g.instance_terminate_policy, "notifications": g.notifications,
        "delete_publicip": g.delete_publicip, "delete_volume": g.delete_volume,
        "enterprise_project_id": g.enterprise_project_id, "activity_type": null,
        "multi_az_priority_policy": g.multi_az_priority_policy, "description": g.description,
    })
}

fn instance_json(i: &Instance, group_name: &str) -> Value {
    json!({
        "instance_id": i.instance_id, "instance_name": i.instance_name, "scaling_group_id": i.group_id,
        "scaling_group_name": group_name, "life_cycle_state": i.life_cycle_state, "health_status": i.health_status,
        "scaling_configuration_id": i.config_id, "scaling_configuration_name": i.config_name,
        "create_time": ts(i.create_time), "protect_from_scaling_down": i.protect,
    })
}

/// The members of an `instance_config` (and of its disks, public IP,
/// personality files and security groups) have their documented JSON
/// types, so nothing of another type is stored with a configuration.
fn check_instance_config(ic: &Map<String, Value>) -> ApiResult<()> {
    use otc_core::body as b;
    let strings = |o: &Map<String, Value>, keys: &[&str]| -> ApiResult<()> {
        keys.iter().try_for_each(|k| b::opt_str(o, k).map(|_| ()).map_err(mistyped))
    };
    strings(
        ic,
        &[
            "flavorRef",
            "imageRef",
            "key_name",
            "user_data",
            "multi_flavor_priority_policy",
            "server_group_id",
            "tenancy",
            "dedicated_host_id",
            "instance_id",
            "instance_name",
        ],
    )?;
    for d in b::opt_objects(ic, "disk").map_err(mistyped)?.unwrap_or_default() {
        b::opt_int(d, "size").map_err(|_| as_error("AS.1031", ""))?;
        strings(d, &["volume_type", "disk_type", "dedicated_storage_id", "data_disk_image_id", "snapshot_id"])?;
        b::opt_object(d, "metadata").map_err(mistyped)?;
    }
    for f in b::opt_objects(ic, "personality").map_err(mistyped)?.unwrap_or_default() {
        strings(f, &["path", "content"])?;
    }
    for g in b::opt_objects(ic, "security_groups").map_err(mistyped)?.unwrap_or_default() {
        strings(g, &["id"])?;
    }
    if let Some(m) = b::opt_object(ic, "metadata").map_err(mistyped)? {
        strings(m, &["admin_pass"])?;
    }
    if let Some(ip) = b::opt_object(ic, "public_ip").map_err(mistyped)? {
        if let Some(eip) = b::opt_object(ip, "eip").map_err(mistyped)? {
            strings(eip, &["ip_type"])?;
            if let Some(bw) = b::opt_object(eip, "bandwidth").map_err(mistyped)? {
                strings(bw, &["share_type", "charge_mode", "id"])?;
                b::opt_int(bw, "size").map_err(mistyped)?;
            }
        }
    }
    Ok(())
}

/// Load balancers one group may have (`lbaas_listeners`: "up to six").
const LOAD_BALANCERS_PER_GROUP: usize = 6;

const VOLUME_TYPES: [&str; 6] = ["SSD", "SAS", "SATA", "co-p1", "uh-l1", "ESSD"];

impl AutoScaling {
    // --- versions -----------------------------------------------------------

    fn version_doc(base: &str, id: &str) -> Value {
        let (status, updated) = if id == "v1" { ("CURRENT", "2016-06-30T00:00:00Z") } else { ("SUPPORTED", "2018-03-30T00:00:00Z") };
        json!({"id": id, "links": [{"href": format!("{base}/as/autoscaling-api/{id}/"), "rel": "self"}],
            "min_version": "", "status": status, "updated": updated, "version": ""})
    }

    pub fn versions(&self, input: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(200, &json!({"versions": [Self::version_doc(input.base_url, "v1"), Self::version_doc(input.base_url, "v2")]}))
    }

    pub fn version(&self, input: &Input<'_>) -> ApiResult<Reply> {
        match input.param("api_version") {
            v @ ("v1" | "v2") => Reply::json(200, &json!({"version": Self::version_doc(input.base_url, v)})),
            _ => Err(as_error("AS.0033", "")),
        }
    }

    // --- configurations ---------------------------------------------------------

    pub fn create_config(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        let source = opt_str(&o, "source_scaling_configuration_id")?;
        let name = opt_str(&o, "scaling_configuration_name")?;
        let ic = match o.get("instance_config") {
            Some(Value::Object(ic)) => {
                check_instance_config(ic)?;
                Some(ic.clone())
            }
            None | Some(Value::Null) => None,
            Some(_) => return Err(as_error("AS.0022", "instance_config must be an object.")),
        };
        let quota = self.cfg.quotas.configurations;
        let compute_cfg = self.compute.config().clone();
        let id = self.call(input, |s| {
            let base = match &source {
                Some(src) => Some(s.config(src)?),
                None => None,
            };
            let name = name.clone().or_else(|| base.as_ref().map(|b| b.name.clone())).unwrap_or_default();
            if name.is_empty() {
                return Err(as_error("AS.1007", "").into());
            }
            if name.chars().count() > 64 {
                return Err(as_error("AS.1008", "").into());
            }
            if !valid_name(&name) {
                return Err(as_error("AS.1023", "").into());
            }
            // Merge: a field given here overrides the source's.
            let mut merged: Map<String, Value> =
                base.map(|b| b.instance_config.as_object().cloned().unwrap_or_default()).unwrap_or_default();
            match &ic {
                Some(ic) => {
                    for (k, v) in ic {
                        if !v.is_null() {
                            merged.insert(k.clone(), v.clone());
                        }
                    }
                }
                None if source.is_none() => return Err(as_error("AS.1011", "").into()),
                None => {}
            }
            let flavor = merged.get("flavorRef").and_then(Value::as_str).unwrap_or("").to_string();
            if flavor.is_empty() {
                return Err(as_error("AS.1016", "").into());
            }
            for f in flavor.split(',') {
                if compute_cfg.flavor(f).is_none() {
                    return Err(as_error("AS.1017", format!("Flavor {f} does not exist.")).into());
                }
            }
            let image_id = merged.get("imageRef").and_then(Value::as_str).unwrap_or("").to_string();
            if image_id.is_empty() {
                return Err(as_error("AS.1014", "").into());
            }
            let image = compute_cfg.image(&image_id).cloned().ok_or_else(|| as_error("AS.1015", ""))?;
            let disks = merged.get("disk").and_then(Value::as_array).cloned().unwrap_or_default();
            if disks.is_empty() {
                return Err(as_error("AS.1028", "").into());
            }
            let mut system = 0;
            for d in &disks {
                let size = d["size"].as_i64().ok_or_else(|| as_error("AS.1031", ""))?;
                let vt = d["volume_type"].as_str().unwrap_or("");
                if !VOLUME_TYPES.contains(&vt) {
                    return Err(as_error("AS.1033", "").into());
                }
                match d["disk_type"].as_str() {
                    Some("SYS") => {
                        system += 1;
                        if !(1..=1024).contains(&size) {
                            return Err(as_error("AS.1031", "").into());
                        }
                        if size < image.min_disk as i64 {
                            return Err(as_error("AS.1030", "").into());
                        }
                    }
                    Some("DATA") => {
                        if !(10..=32768).contains(&size) {
                            return Err(as_error("AS.1031", "").into());
                        }
                    }
                    _ => return Err(as_error("AS.1034", "").into()),
                }
            }
            if system != 1 {
                return Err(as_error("AS.1029", "").into());
            }
            let key = merged.get("key_name").and_then(Value::as_str).map(String::from);
            let pass = merged.get("metadata").and_then(|m| m.get("admin_pass")).and_then(Value::as_str).map(String::from);
            match (&key, &pass) {
                (Some(_), Some(_)) => return Err(as_error("AS.1025", "").into()),
                (None, None) => return Err(as_error("AS.1026", "").into()),
                _ => {}
            }
            if let Some(k) = &key {
                let kp = s.m.keypair(k).map_err(|_| as_error("AS.7022", ""))?;
                merged.insert("key_fingerprint".into(), json!(kp.fingerprint));
            }
            if let Some(groups) = merged.get("security_groups").and_then(Value::as_array).cloned() {
                for g in groups {
                    let gid = g["id"].as_str().unwrap_or("");
                    s.m.net.security_group(gid).map_err(|_| as_error("AS.2014", gid))?;
                }
            }
            if let Some(p) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
                // The password is write-only, as on OTC.
                p.remove("admin_pass");
            }
            for k in ["personality", "instance_name", "instance_id", "public_ip", "user_data"] {
                merged.entry(k).or_insert(Value::Null);
            }
            merged.entry("metadata").or_insert(json!({}));
            merged.entry("multi_flavor_priority_policy").or_insert(json!("PICK_FIRST"));
            if s.configs()?.len() >= quota {
                return Err(as_error("AS.1024", "").into());
            }
            let c = Configuration {
                id: ids::uuid(),
                project_id: s.m.net.project.to_string(),
                name,
                instance_config: Value::Object(merged),
                create_time: s.m.net.now,
            };
            s.insert_config(&c)?;
            Ok(c.id)
        })?;
        Reply::json(200, &json!({"scaling_configuration_id": id}))
    }

    pub fn list_configs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (start, limit) = paging(input, "AS.1001", "AS.1002")?;
        let name = input.query.get("scaling_configuration_name").map(String::from);
        let image = input.query.get("image_id").map(String::from);
        let mut all = self.call(input, |s| s.configs())?;
        all.retain(|c| name.as_ref().is_none_or(|n| c.name.contains(n.as_str())) && image.as_ref().is_none_or(|i| &c.image() == i));
        all.sort_by(|a, b| b.create_time.cmp(&a.create_time));
        let total = all.len();
        let items: Vec<Value> = page(all, start, limit).iter().map(config_json).collect();
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_configurations": items}))
    }

    pub fn show_config(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_configuration_id").to_string();
        let c = self.call(input, |s| s.config(&id))?;
        Reply::json(200, &json!({"scaling_configuration": config_json(&c)}))
    }

    pub fn delete_config(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_configuration_id").to_string();
        self.call(input, |s| s.delete_config(&id))?;
        Ok(Reply::empty(204))
    }

    pub fn delete_configs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        // Every id a string: one of another type refuses the batch, it is
        // never skipped.
        let ids: Vec<String> = match opt_str_list(&o, "scaling_configuration_id") {
            Ok(Some(a)) if !a.is_empty() && a.len() <= 50 => a,
            _ => return Err(as_error("AS.1003", "scaling_configuration_id must list 1 to 50 ids.")),
        };
        self.call(input, |s| {
            for id in &ids {
                s.delete_config(id)?;
            }
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }

    // --- groups -----------------------------------------------------------------------

    fn group_fields(o: &Map<String, Value>, g: &mut Group, creating: bool) -> ApiResult<()> {
        if let Some(name) = opt_str(o, "scaling_group_name")? {
            if name.is_empty() {
                return Err(as_error("AS.2002", ""));
            }
            if name.chars().count() > 64 {
                return Err(as_error("AS.2003", ""));
            }
            if !valid_name(&name) {
                return Err(as_error("AS.2022", ""));
            }
            g.name = name;
        } else if creating {
            return Err(as_error("AS.2002", ""));
        }
        if let Some(v) = opt_int(o, "max_instance_number", "AS.2004")? {
            if !(0..=300).contains(&v) {
                return Err(as_error("AS.2045", ""));
            }
            g.max = v as u32;
        }
        if let Some(v) = opt_int(o, "min_instance_number", "AS.2004")? {
            if v < 0 {
                return Err(as_error("AS.2004", ""));
            }
            g.min = v as u32;
        }
        if g.min > g.max {
            return Err(as_error("AS.2004", ""));
        }
        match opt_int(o, "desire_instance_number", "AS.2005")? {
            Some(v) if v < 0 => return Err(as_error("AS.2005", "")),
            Some(v) => g.desire = v as u32,
            None if creating => g.desire = g.min,
            None => {}
        }
        if g.desire < g.min || g.desire > g.max {
            return Err(as_error("AS.2005", ""));
        }
        if let Some(v) = opt_int(o, "cool_down_time", "AS.2006")? {
            if !(0..=86400).contains(&v) {
                return Err(as_error("AS.2006", ""));
            }
            g.cool_down_time = v as u32;
        }
        if let Some(m) = opt_str(o, "health_periodic_audit_method")? {
            if m != "ELB_AUDIT" && m != "NOVA_AUDIT" {
                return Err(as_error("AS.2029", ""));
            }
            g.health_periodic_audit_method = m;
        }
        if let Some(t) = opt_int(o, "health_periodic_audit_time", "AS.2031")? {
            if ![0, 1, 5, 15, 60, 180].contains(&t) {
                return Err(as_error("AS.2031", ""));
            }
            g.health_periodic_audit_time = t as u32;
        }
        if let Some(p) = opt_str(o, "instance_terminate_policy")? {
            if !["OLD_CONFIG_OLD_INSTANCE", "OLD_CONFIG_NEW_INSTANCE", "OLD_INSTANCE", "NEW_INSTANCE"].contains(&p.as_str()) {
                return Err(as_error("AS.2032", ""));
            }
            g.instance_terminate_policy = p;
        }
        if let Some(p) = opt_str(o, "multi_az_priority_policy")? {
            if p != "EQUILIBRIUM_DISTRIBUTE" && p != "PICK_FIRST" {
                return Err(as_error("AS.2053", ""));
            }
            g.multi_az_priority_policy = p;
        }
        if let Some(Value::Bool(b)) = o.get("delete_publicip") {
            g.delete_publicip = *b;
        }
        if let Some(Value::Bool(b)) = o.get("delete_volume") {
            g.delete_volume = *b;
        }
        if let Some(d) = opt_str(o, "description")? {
            g.description = d;
        }
        if let Some(e) = opt_str(o, "enterprise_project_id")? {
            g.enterprise_project_id = if e.is_empty() { "0".into() } else { e };
        }
        Ok(())
    }

    /// Checks the group's network references against the network model.
    fn check_network(s: &mut Scaling<'_, '_, '_>, g: &Group) -> AsResult<()> {
        s.m.net.router(&g.vpc_id).map_err(|_| as_error("AS.2012", ""))?;
        if g.networks.is_empty() {
            return Err(as_error("AS.2013", "At least one subnet is required.").into());
        }
        if g.networks.len() > 5 {
            return Err(as_error("AS.2024", "").into());
        }
        for n in &g.networks {
            let id = n["id"].as_str().unwrap_or("");
            let sub = s.m.net.vpc_subnet(id).map_err(|_| as_error("AS.2013", format!("Subnet {id} does not exist.")))?;
            if sub.network.vpc_id.as_deref() != Some(g.vpc_id.as_str()) {
                return Err(as_error("AS.2027", "").into());
            }
        }
        if g.security_groups.len() > 1 {
            return Err(as_error("AS.2025", "").into());
        }
        for sg in &g.security_groups {
            let id = sg["id"].as_str().unwrap_or("");
            s.m.net.security_group(id).map_err(|_| as_error("AS.2014", ""))?;
        }
        let zones = s.m.cfg.zones(s.m.net.region);
        if g.available_zones.iter().any(|z| !zones.contains(z)) {
            return Err(as_error("AS.2011", "").into());
        }
        Ok(())
    }

    fn list_of(o: &Map<String, Value>, k: &str) -> ApiResult<Option<Vec<Value>>> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a.clone())),
            Some(_) => Err(as_error("AS.0022", format!("{k} must be a list."))),
        }
    }

    pub fn create_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = body(input)?;
        let config_id = opt_str(&o, "scaling_configuration_id")?.ok_or_else(|| as_error("AS.1003", ""))?;
        let vpc_id = opt_str(&o, "vpc_id")?.ok_or_else(|| as_error("AS.2017", ""))?;
        let mut g = Group {
            id: ids::uuid(),
            project_id: String::new(),
            name: String::new(),
            // New groups wait to be resumed, as on OTC.
            status: "PAUSED".into(),
            config_id,
            desire: 0,
            min: 0,
            max: 1,
            cool_down_time: 300,
            vpc_id,
            networks: Self::list_of(&o, "networks")?.ok_or_else(|| as_error("AS.2013", "networks is required."))?,
            security_groups: Self::list_of(&o, "security_groups")?.unwrap_or_default(),
            available_zones: opt_str_list(&o, "available_zones")?.unwrap_or_default(),
            health_periodic_audit_method: "NOVA_AUDIT".into(),
            health_periodic_audit_time: 5,
            health_periodic_audit_grace_period: 600,
            instance_terminate_policy: "OLD_CONFIG_OLD_INSTANCE".into(),
            delete_publicip: false,
            delete_volume: false,
            notifications: None,
            enterprise_project_id: "0".into(),
            multi_az_priority_policy: "EQUILIBRIUM_DISTRIBUTE".into(),
            description: String::new(),
            create_time: chrono::Utc::now(),
        };
        Self::group_fields(&o, &mut g, true)?;
        let quota = self.cfg.quotas.groups;
        let id = self.call(input, |s| {
            g.project_id = s.m.net.project.to_string();
            g.create_time = s.m.net.now;
            s.config(&g.config_id)?;
            Self::check_network(s, &g)?;
            if s.groups()?.len() >= quota {
                return Err(as_error("AS.2023", "").into());
            }
            s.insert_group(&g)?;
            Ok(g.id.clone())
        })?;
        Reply::json(200, &json!({"scaling_group_id": id}))
    }

    pub fn list_groups(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let (start, limit) = paging(input, "AS.1001", "AS.1002")?;
        let q = input.query;
        let name = q.get("scaling_group_name").map(String::from);
        let config = q.get("scaling_configuration_id").map(String::from);
        let status = q.get("scaling_group_status").map(String::from);
        let items = self.call(input, |s| {
            let mut all = s.groups()?;
            all.retain(|g| {
                name.as_ref().is_none_or(|n| g.name.contains(n.as_str()))
                    && config.as_ref().is_none_or(|c| &g.config_id == c)
                    && status.as_ref().is_none_or(|st| &g.status == st)
            });
            all.sort_by(|a, b| b.create_time.cmp(&a.create_time));
            let total = all.len();
            let mut out = Vec::new();
            for g in page(all, start, limit) {
                let g = s.settle(&g.id)?;
                let cname = s.config(&g.config_id).map(|c| c.name).unwrap_or_default();
                let current = s.instances(&g.id)?.len();
                out.push(group_json(&g, &cname, current));
            }
            Ok((total, out))
        })?;
        Reply::json(200, &json!({"total_number": items.0, "start_number": start, "limit": limit, "scaling_groups": items.1}))
    }

    pub fn show_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let v = self.call(input, |s| {
            let g = s.settle(&id)?;
            let cname = s.config(&g.config_id).map(|c| c.name).unwrap_or_default();
            let current = s.instances(&g.id)?.len();
            Ok(group_json(&g, &cname, current))
        })?;
        Reply::json(200, &json!({"scaling_group": v}))
    }

    pub fn update_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let o = body(input)?;
        if o.contains_key("vpc_id") {
            return Err(as_error("AS.0022", "vpc_id cannot be changed."));
        }
        self.call(input, |s| {
            let mut g = s.group(&id)?;
            let before = g.clone();
            Self::group_fields(&o, &mut g, false)?;
            if let Some(c) = opt_str(&o, "scaling_configuration_id")? {
                s.config(&c)?;
                g.config_id = c;
            }
            if let Some(n) = Self::list_of(&o, "networks")? {
                g.networks = n;
            }
            if let Some(sg) = Self::list_of(&o, "security_groups")? {
                g.security_groups = sg;
            }
            if let Some(z) = opt_str_list(&o, "available_zones")? {
                g.available_zones = z;
            }
            // Only a placement that differs is a change: clients such as the
            // Terraform provider send networks and security groups with every
            // update (a rename of an in-service group too), and OTC accepts
            // them when they are the group's own.
            let placement_change =
                g.networks != before.networks || g.security_groups != before.security_groups || g.available_zones != before.available_zones;
            if placement_change {
                if !s.instances(&g.id)?.is_empty() || g.status == "INSERVICE" {
                    return Err(as_error("AS.2030", "").into());
                }
                Self::check_network(s, &g)?;
            }
            let protected = s.instances(&g.id)?.iter().filter(|i| i.protect).count() as u32;
            if g.desire < protected {
                return Err(as_error("AS.2010", "").into());
            }
            s.save_group(&g)?;
            if g.desire != before.desire || g.min != before.min || g.max != before.max {
                s.reconcile(&g, "SET_DESIRE")?;
            }
            Ok(())
        })?;
        Reply::json(200, &json!({"scaling_group_id": id}))
    }

    pub fn delete_group(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let force = match input.query.get("force_delete") {
            None | Some("no") => false,
            Some("yes") => true,
            Some(_) => return Err(as_error("AS.2019", "")),
        };
        self.call(input, |s| {
            let g = s.group(&id)?;
            let instances = s.instances(&id)?;
            if !instances.is_empty() && !force {
                return Err(as_error("AS.2021", "").into());
            }
            for i in &instances {
                let own = !i.config_id.is_empty();
                s.detach(i, own)?;
            }
            for a in s.activities(&id)? {
                s.m.net.remove(ACTIVITY, &a.id)?;
            }
            for p in s.policies(&id)? {
                s.delete_policy(&p.id)?;
            }
            for h in s.hooks(&id)? {
                s.delete_hook(&id, &h.name)?;
            }
            s.m.net.tx.delete(crate::tags::GROUP_TAGS, &id)?;
            for r in s.hangings(&id)? {
                s.m.net.remove(crate::hooks::HANGING, &r.key)?;
            }
            s.m.net.remove(GROUP, &g.id)?;
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }

    pub fn group_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let o = body(input)?;
        let action = opt_str(&o, "action")?.unwrap_or_default();
        self.call(input, |s| {
            let mut g = s.group(&id)?;
            match action.as_str() {
                "resume" => {
                    g.status = "INSERVICE".into();
                    s.save_group(&g)?;
                    s.reconcile(&g, "DIFF")
                }
                "pause" => {
                    g.status = "PAUSED".into();
                    s.save_group(&g)
                }
                _ => Err(as_error("AS.2008", "").into()),
            }
        })?;
        Ok(Reply::empty(204))
    }

    // --- instances ----------------------------------------------------------------------

    pub fn list_instances(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let (start, limit) = paging(input, "AS.4000", "AS.4001")?;
        let q = input.query;
        let state = q.get("life_cycle_state").map(String::from);
        if state.as_ref().is_some_and(|s| {
            !["INSERVICE", "PENDING", "REMOVING", "PENDING_WAIT", "REMOVING_WAIT", "STANDBY", "ENTERING_STANDBY"].contains(&s.as_str())
        }) {
            return Err(as_error("AS.4003", ""));
        }
        let health = q.get("health_status").map(String::from);
        if health.as_ref().is_some_and(|h| !["INITIALIZING", "NORMAL", "ERROR"].contains(&h.as_str())) {
            return Err(as_error("AS.4004", ""));
        }
        let protect = q.get("protect_from_scaling_down").map(|p| p == "true");
        let (total, items) = self.call(input, |s| {
            s.group(&id).map_err(|_| as_error("AS.4005", ""))?;
            let g = s.settle(&id)?;
            let mut all = s.instances(&id)?;
            all.retain(|i| {
                state.as_ref().is_none_or(|st| &i.life_cycle_state == st)
                    && health.as_ref().is_none_or(|h| &i.health_status == h)
                    && protect.is_none_or(|p| i.protect == p)
            });
            all.sort_by(|a, b| a.create_time.cmp(&b.create_time).then_with(|| a.instance_id.cmp(&b.instance_id)));
            let total = all.len();
            Ok((total, page(all, start, limit).iter().map(|i| instance_json(i, &g.name)).collect::<Vec<_>>()))
        })?;
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_group_instances": items}))
    }

    pub fn remove_instance(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("instance_id").to_string();
        let delete = match input.query.get("instance_delete") {
            None | Some("no") => false,
            Some("yes") => true,
            Some(_) => return Err(as_error("AS.4007", "")),
        };
        self.call(input, |s| {
            let inst = s.instance(&id)?;
            if inst.life_cycle_state != "INSERVICE" {
                return Err(as_error("AS.4015", "").into());
            }
            let mut g = s.group(&inst.group_id)?;
            let current = s.instances(&g.id)?.len() as u32;
            if current - 1 < g.min {
                return Err(as_error("AS.2036", "").into());
            }
            s.begin_removal(&g, &inst, delete && !inst.config_id.is_empty())?;
            // The group now wants one instance fewer.
            g.desire = g.desire.saturating_sub(1).max(g.min);
            s.save_group(&g)?;
            s.log_manual(&g, current, Vec::new(), vec![id.clone()], if delete { vec![id.clone()] } else { Vec::new() })
        })?;
        Ok(Reply::empty(204))
    }

    pub fn instance_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let gid = input.param("scaling_group_id").to_string();
        let o = body(input)?;
        let ids: Vec<String> = opt_str_list(&o, "instances_id")?.unwrap_or_default();
        let action = opt_str(&o, "action")?.unwrap_or_default();
        if !["ADD", "REMOVE", "PROTECT", "UNPROTECT"].contains(&action.as_str()) {
            return Err(as_error("AS.4018", ""));
        }
        if ids.is_empty() {
            return Err(as_error(if action == "ADD" { "AS.4019" } else { "AS.4032" }, ""));
        }
        if ids.len() > 10 {
            return Err(as_error("AS.4043", ""));
        }
        let delete = match opt_str(&o, "instance_delete")?.as_deref() {
            None | Some("no") => false,
            Some("yes") => true,
            Some(_) => return Err(as_error("AS.4007", "")),
        };
        self.call(input, |s| {
            let mut g = s.group(&gid)?;
            let current = s.instances(&gid)?.len() as u32;
            match action.as_str() {
                "ADD" => {
                    if g.status != "INSERVICE" {
                        return Err(as_error("AS.2033", "").into());
                    }
                    if current + ids.len() as u32 > g.max {
                        return Err(as_error("AS.2035", "").into());
                    }
                    let added = s.adopt(&g, &ids)?;
                    g.desire = current + added.len() as u32;
                    s.save_group(&g)?;
                    s.log_manual(&g, current, added, Vec::new(), Vec::new())
                }
                "REMOVE" => {
                    if current.saturating_sub(ids.len() as u32) < g.min {
                        return Err(as_error("AS.2036", "").into());
                    }
                    let mut removed = Vec::new();
                    let mut deleted = Vec::new();
                    for id in &ids {
                        let inst = s.instance(id)?;
                        if inst.group_id != gid {
                            return Err(as_error("AS.4014", "").into());
                        }
                        if inst.life_cycle_state != "INSERVICE" {
                            return Err(as_error("AS.4015", "").into());
                        }
                        let own = delete && !inst.config_id.is_empty();
                        s.begin_removal(&g, &inst, own)?;
                        removed.push(id.clone());
                        if own {
                            deleted.push(id.clone());
                        }
                    }
                    g.desire = current - removed.len() as u32;
                    s.save_group(&g)?;
                    s.log_manual(&g, current, Vec::new(), removed, deleted)
                }
                _ => {
                    for id in &ids {
                        let inst = s.instance(id)?;
                        if inst.group_id != gid {
                            return Err(as_error("AS.4014", "").into());
                        }
                        if inst.life_cycle_state != "INSERVICE" {
                            return Err(as_error("AS.4015", "").into());
                        }
                        s.set_protect(&inst, action == "PROTECT")?;
                    }
                    Ok(())
                }
            }
        })?;
        Ok(Reply::empty(204))
    }

    // --- quotas and logs -------------------------------------------------------------------

    pub fn quotas(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = self.cfg.quotas.clone();
        let (groups, configs, bandwidth_policies) =
            self.call(input, |s| Ok((s.groups()?.len(), s.configs()?.len(), s.bandwidth_policy_count()?)))?;
        // The reference lists five types; the real cloud answers a sixth,
        // `load_balance` (the load balancers one group may have, the "up to
        // six" of the group APIs), before `bandwidth_scaling_policy`, and
        // otcextensions' functional test checks all six in this order. Like
        // the other per-group quotas its project-wide `used` is -1.
        Reply::json(
            200,
            &json!({"quotas": {"resources": [
                {"type": "scaling_Group", "used": groups, "quota": q.groups, "max": 50, "min": 0},
                {"type": "scaling_Config", "used": configs, "quota": q.configurations, "max": 200, "min": 0},
                {"type": "scaling_Policy", "used": -1, "quota": q.policies_per_group, "max": 50, "min": 0},
                {"type": "scaling_Instance", "used": -1, "quota": q.instances_per_group, "max": 1000, "min": 0},
                {"type": "load_balance", "used": -1, "quota": LOAD_BALANCERS_PER_GROUP, "max": LOAD_BALANCERS_PER_GROUP, "min": 0},
                {"type": "bandwidth_scaling_policy", "used": bandwidth_policies, "quota": BANDWIDTH_POLICIES, "max": 100, "min": 0},
            ]}}),
        )
    }

    pub fn group_quotas(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let q = self.cfg.quotas.clone();
        // The per-group list stays as documented (policies and instances):
        // nothing shows the real cloud adding `load_balance` here.
        let (policies, instances) = self.call(input, |s| {
            s.group(&id)?;
            Ok((s.policies(&id)?.len(), s.instances(&id)?.len()))
        })?;
        Reply::json(
            200,
            &json!({"quotas": {"resources": [
                {"type": "scaling_Policy", "used": policies, "quota": q.policies_per_group, "max": 50, "min": 0},
                {"type": "scaling_Instance", "used": instances, "quota": q.instances_per_group, "max": 1000, "min": 0},
            ]}}),
        )
    }

    pub fn activity_logs(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("scaling_group_id").to_string();
        let (start, limit) = paging(input, "AS.4010", "AS.4011")?;
        let (total, items) = self.call(input, |s| {
            s.settle(&id)?;
            let mut all = s.activities(&id)?;
            all.sort_by(|a, b| b.start_time.cmp(&a.start_time));
            let total = all.len();
            let items: Vec<Value> = page(all, start, limit)
                .iter()
                .map(|a| {
                    json!({
                        "id": a.id, "status": a.status, "description": a.description,
                        "start_time": ts(a.start_time), "end_time": ts(a.end_time),
                        "instance_added_list": if a.instance_added_list.is_empty() { Value::Null } else { json!(a.instance_added_list.join(",")) },
                        "instance_removed_list": if a.instance_removed_list.is_empty() { Value::Null } else { json!(a.instance_removed_list.join(",")) },
                        "instance_deleted_list": if a.instance_deleted_list.is_empty() { Value::Null } else { json!(a.instance_deleted_list.join(",")) },
                        "scaling_value": a.scaling_value.to_string(), "instance_value": a.instance_value, "desire_value": a.desire_value,
                    })
                })
                .collect();
            Ok((total, items))
        })?;
        Reply::json(200, &json!({"total_number": total, "start_number": start, "limit": limit, "scaling_activity_log": items}))
    }
}
