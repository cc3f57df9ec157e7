//! Auto Scaling's model: configurations (server templates), groups, the
//! instances of a group and scaling activity logs, plus the engine that
//! keeps a group in service at its desired size. All of it works inside
//! the compute transaction, so instances are real servers on real ports.

use crate::errors::as_error;
use chrono::{DateTime, Utc};
use otc_compute::model::servers::{NicSpec, ServerSpec};
use otc_compute::model::volumes::{DiskSource, DiskSpec};
use otc_compute::model::Compute as Model;
use otc_core::ids;
use otc_store::{ListQuery, TxExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const CONFIG: &str = "as.configuration";
pub const GROUP: &str = "as.group";
pub const INSTANCE: &str = "as.instance";
pub const ACTIVITY: &str = "as.activity";

otc_core::refusal! {
    /// Every AS error is a documented `AS.xxxx` refusal; network and compute
    /// faults met while scaling are folded in here.
    pub struct Refusal;
    storage(e: otc_store::StoreError) => as_error("AS.0001", e.to_string());
}

impl From<otc_vpc::model::Fault> for Refusal {
    fn from(f: otc_vpc::model::Fault) -> Self {
        Refusal(as_error("AS.0001", format!("{f:?}")))
    }
}

impl From<otc_compute::model::Fault> for Refusal {
    fn from(f: otc_compute::model::Fault) -> Self {
        Refusal(otc_compute::errors::nova(f))
    }
}

pub type AsResult<T> = Result<T, Refusal>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Configuration {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// The `instance_config` as it will be answered (normalised).
    pub instance_config: Value,
    pub create_time: DateTime<Utc>,
}

impl Configuration {
    pub fn flavor(&self) -> String {
        self.instance_config["flavorRef"].as_str().unwrap_or("").split(',').next().unwrap_or("").to_string()
    }
    pub fn image(&self) -> String {
        self.instance_config["imageRef"].as_str().unwrap_or("").to_string()
    }

    /// The configuration's disks as EVS volumes of the servers it
    /// launches: the system disk from the image, data disks empty (or
    /// from their snapshot). An instance's disks go with it, as AS
    /// removes an instance whole.
    pub fn disks(&self) -> Vec<DiskSpec> {
        let image = self.image();
        self.instance_config["disk"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                let boot = d["disk_type"].as_str() == Some("SYS");
                let source = match (boot, d["snapshot_id"].as_str().filter(|s| !s.is_empty())) {
                    (true, _) => DiskSource::Image(image.clone()),
                    (false, Some(s)) => DiskSource::Snapshot(s.to_string()),
                    (false, None) => DiskSource::Blank,
                };
                DiskSpec {
                    source,
                    size: d["size"].as_u64().map(|s| s as u32),
                    volume_type: d["volume_type"].as_str().map(String::from),
                    boot,
                    delete_on_termination: true,
                    passthrough: false,
                    multiattach: false,
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// INSERVICE, PAUSED, ERROR or DELETING.
    pub status: String,
    pub config_id: String,
    pub desire: u32,
    pub min: u32,
    pub max: u32,
    pub cool_down_time: u32,
    pub vpc_id: String,
    pub networks: Vec<Value>,
    pub security_groups: Vec<Value>,
    pub available_zones: Vec<String>,
    pub health_periodic_audit_method: String,
    pub health_periodic_audit_time: u32,
    pub health_periodic_audit_grace_period: u32,
    pub instance_terminate_policy: String,
    pub delete_publicip: bool,
    pub delete_volume: bool,
    pub notifications: Option<Vec<String>>,
    pub enterprise_project_id: String,
    pub multi_az_priority_policy: String,
    pub description: String,
    pub create_time: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instance {
    pub instance_id: String,
    pub project_id: String,
    pub group_id: String,
    pub instance_name: String,
    /// INSERVICE, PENDING or REMOVING.
    pub life_cycle_state: String,
    pub health_status: String,
    /// Empty for instances added by hand.
    pub config_id: String,
    pub config_name: String,
    pub protect: bool,
    pub create_time: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Activity {
    pub id: String,
    pub project_id: String,
    pub group_id: String,
    pub status: String,
    pub description: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub instance_added_list: Vec<String>,
    pub instance_removed_list: Vec<String>,
    pub instance_deleted_list: Vec<String>,
    pub scaling_value: i64,
    pub instance_value: u32,
    pub desire_value: u32,
}

/// The AS view of one project inside the compute transaction.
pub struct Scaling<'m, 'n, 'a> {
    pub m: &'m mut Model<'n, 'a>,
}

impl Scaling<'_, '_, '_> {
    fn project(&self) -> String {
        self.m.net.project.to_string()
    }

    pub fn configs(&mut self) -> AsResult<Vec<Configuration>> {
        Ok(self.m.net.all(CONFIG)?)
    }

    pub fn config(&mut self, id: &str) -> AsResult<Configuration> {
        match self.m.net.tx.get_doc::<Configuration>(CONFIG, id)? {
            Some(c) if c.project_id == self.m.net.project => Ok(c),
            _ => Err(as_error("AS.1004", "").into()),
        }
    }

    pub fn groups(&mut self) -> AsResult<Vec<Group>> {
        Ok(self.m.net.all(GROUP)?)
    }

    pub fn group(&mut self, id: &str) -> AsResult<Group> {
        match self.m.net.tx.get_doc::<Group>(GROUP, id)? {
            Some(g) if g.project_id == self.m.net.project => Ok(g),
            _ => Err(as_error("AS.2007", "").into()),
        }
    }

    pub fn instances(&mut self, group_id: &str) -> AsResult<Vec<Instance>> {
        Ok(self.m.net.tx.list_docs(&ListQuery {
            kind: INSTANCE,
            scope: Some(self.m.net.project),
            key: Some(group_id),
            ..Default::default()
        })?)
    }

    pub fn instance(&mut self, id: &str) -> AsResult<Instance> {
        match self.m.net.tx.get_doc::<Instance>(INSTANCE, id)? {
            Some(i) if i.project_id == self.m.net.project => Ok(i),
            _ => Err(as_error("AS.4006", "").into()),
        }
    }

    pub fn activities(&mut self, group_id: &str) -> AsResult<Vec<Activity>> {
        Ok(self.m.net.tx.list_docs(&ListQuery {
            kind: ACTIVITY,
            scope: Some(self.m.net.project),
            key: Some(group_id),
            ..Default::default()
        })?)
    }

    pub fn save_group(&mut self, g: &Group) -> AsResult<()> {
        self.m.net.update(GROUP, &g.id, None, g)?;
        Ok(())
    }

    pub fn insert_group(&mut self, g: &Group) -> AsResult<()> {
        self.m.net.insert(GROUP, &g.id, None, g)?;
        Ok(())
    }

    pub fn insert_config(&mut self, c: &Configuration) -> AsResult<()> {
        self.m.net.insert(CONFIG, &c.id, None, c)?;
        Ok(())
    }

    pub fn delete_config(&mut self, id: &str) -> AsResult<()> {
        self.config(id)?;
        if self.groups()?.iter().any(|g| g.config_id == id) {
            return Err(as_error("AS.1006", "").into());
        }
        self.m.net.remove(CONFIG, id)?;
        Ok(())
    }

    fn log(&mut self, g: &Group, before: u32, added: Vec<String>, removed: Vec<String>, deleted: Vec<String>, why: &str) -> AsResult<()> {
        let now = self.m.net.now;
        let after = (before as i64 + added.len() as i64 - removed.len() as i64).max(0) as u32;
        let a = Activity {
            id: ids::uuid(),
            project_id: self.project(),
            group_id: g.id.clone(),
            status: "SUCCESS".into(),
            description: format!(
                "{{\"reason\":[{{\"change_reason\":\"{why}\",\"old_value\":{before},\"change_time\":\"{}\",\"new_value\":{}}}]}}",
                now.format("%Y-%m-%dT%H:%M:%SZ"),
                g.desire
            ),
            start_time: now,
            end_time: now,
            scaling_value: after as i64 - before as i64,
            instance_value: after,
            desire_value: g.desire,
            instance_added_list: added,
            instance_removed_list: removed,
            instance_deleted_list: deleted,
        };
        self.m.net.insert(ACTIVITY, &a.id, Some(&g.id), &a)?;
        Ok(())
    }

    /// Runs the group's due policies, then brings it to its desired size;
    /// what every read of a group's state goes through.
    pub fn settle(&mut self, group_id: &str) -> AsResult<Group> {
        self.run_due(group_id)?;
        self.advance_instances(group_id)?;
        self.release_hooks(group_id)?;
        let g = self.group(group_id)?;
        self.reconcile(&g, "DIFF")?;
        Ok(g)
    }

    /// Brings an in-service group to its desired size: launches servers
    /// from its configuration into its networks, or removes instances by
    /// its removal policy (never protected ones), and logs the activity.
    pub fn reconcile(&mut self, g: &Group, why: &str) -> AsResult<()> {
        if g.status != "INSERVICE" {
            return Ok(());
        }
        // Instances on their way out no longer count.
        let instances: Vec<Instance> = self.instances(&g.id)?.into_iter().filter(|i| i.life_cycle_state != "REMOVING_WAIT").collect();
        let current = instances.len() as u32;
        if current < g.desire {
            let added = self.launch(g, g.desire - current)?;
            self.log(g, current, added, Vec::new(), Vec::new(), why)?;
        } else if current > g.desire {
            let mut removable: Vec<Instance> = instances.into_iter().filter(|i| !i.protect).collect();
            match g.instance_terminate_policy.as_str() {
                "NEW_INSTANCE" | "OLD_CONFIG_NEW_INSTANCE" => removable.sort_by(|a, b| b.create_time.cmp(&a.create_time)),
                _ => removable.sort_by(|a, b| a.create_time.cmp(&b.create_time)),
            }
            if g.instance_terminate_policy.starts_with("OLD_CONFIG") {
                // Instances of other (older) configurations go first.
                removable.sort_by_key(|i| i.config_id == g.config_id);
            }
            let mut removed = Vec::new();
            let mut deleted = Vec::new();
            for inst in removable.into_iter().take((current - g.desire) as usize) {
                let own = !inst.config_id.is_empty();
                self.begin_removal(g, &inst, own)?;
                removed.push(inst.instance_id.clone());
                if own {
                    deleted.push(inst.instance_id.clone());
                }
            }
            self.log(g, current, Vec::new(), removed, deleted, why)?;
        }
        Ok(())
    }

    fn launch(&mut self, g: &Group, n: u32) -> AsResult<Vec<String>> {
        let config = self.config(&g.config_id)?;
        let ic = &config.instance_config;
        let groups: Vec<String> = {
            let own = ic["security_groups"].as_array().cloned().unwrap_or_default();
            let from = if own.is_empty() { g.security_groups.clone() } else { own };
            from.iter().filter_map(|s| s["id"].as_str().map(String::from)).collect()
        };
        let metadata: std::collections::BTreeMap<String, String> = ic["metadata"]
            .as_object()
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        let zones = if g.available_zones.is_empty() { self.m.cfg.zones(self.m.net.region) } else { g.available_zones.clone() };
        let mut added = Vec::new();
        for i in 0..n {
            let zone = match g.multi_az_priority_policy.as_str() {
                "PICK_FIRST" => zones[0].clone(),
                _ => zones[(self.instances(&g.id)?.len() + i as usize) % zones.len()].clone(),
            };
            let name = format!("{}-{}", g.name, &ids::hex32()[..8]);
            let spec = ServerSpec {
                name: name.clone(),
                flavor_id: config.flavor(),
                image_id: config.image(),
                key_name: ic["key_name"].as_str().map(String::from),
                availability_zone: Some(zone),
                nics: g
                    .networks
                    .iter()
                    .filter_map(|n| n["id"].as_str())
                    .map(|id| NicSpec { network_id: Some(id.to_string()), ..Default::default() })
                    .collect(),
                security_groups: if groups.is_empty() { None } else { Some(groups.clone()) },
                metadata: metadata.clone(),
                user_data: ic["user_data"].as_str().map(String::from),
                count: 1,
                disks: config.disks(),
                ..Default::default()
            };
            let server = self.m.create_servers(spec)?.remove(0);
            // A server still building keeps its instance PENDING; hooks
            // hold it once the server is up (see `advance_instances`).
            let built = server.view().status == "ACTIVE";
            let held = built && self.hold(g, &server.id, "INSTANCE_LAUNCHING", false)?;
            let state = match (built, held) {
                (false, _) => "PENDING",
                (true, true) => "PENDING_WAIT",
                (true, false) => "INSERVICE",
            };
            let inst = Instance {
                instance_id: server.id.clone(),
                project_id: self.project(),
                group_id: g.id.clone(),
                instance_name: name,
                life_cycle_state: state.into(),
                health_status: if built { "NORMAL".into() } else { "INITIALIZING".into() },
                config_id: config.id.clone(),
                config_name: config.name.clone(),
                protect: false,
                create_time: self.m.net.now,
            };
            self.m.net.insert(INSTANCE, &inst.instance_id, Some(&g.id), &inst)?;
            added.push(server.id);
        }
        Ok(added)
    }

    /// PENDING instances whose servers have finished building move on:
    /// onto the launching hooks, or into service.
    pub fn advance_instances(&mut self, group_id: &str) -> AsResult<()> {
        let g = self.group(group_id)?;
        for mut inst in self.instances(group_id)?.into_iter().filter(|i| i.life_cycle_state == "PENDING") {
            let built = self.m.server(&inst.instance_id).is_ok_and(|s| s.view().status == "ACTIVE");
            if !built {
                continue;
            }
            let held = self.hold(&g, &inst.instance_id, "INSTANCE_LAUNCHING", false)?;
            inst.life_cycle_state = if held { "PENDING_WAIT".into() } else { "INSERVICE".into() };
            inst.health_status = "NORMAL".into();
            self.m.net.update(INSTANCE, &inst.instance_id, Some(&inst.group_id), &inst)?;
        }
        Ok(())
    }

    /// Starts removing an instance: it waits on the group's terminating
    /// hooks if there are any, else it goes at once.
    pub fn begin_removal(&mut self, g: &Group, inst: &Instance, delete: bool) -> AsResult<()> {
        if self.hold(g, &inst.instance_id, "INSTANCE_TERMINATING", delete)? {
            let mut i = inst.clone();
            i.life_cycle_state = "REMOVING_WAIT".into();
            self.m.net.update(INSTANCE, &i.instance_id, Some(&i.group_id), &i)?;
            return Ok(());
        }
        self.detach(inst, delete)
    }

    /// Takes an instance out of its group, deleting the server when AS
    /// created it (`delete`) and it still exists.
    pub fn detach(&mut self, inst: &Instance, delete: bool) -> AsResult<()> {
        self.m.net.remove(INSTANCE, &inst.instance_id)?;
        if delete && self.m.server(&inst.instance_id).is_ok() {
            self.m.delete_server(&inst.instance_id)?;
        }
        Ok(())
    }

    /// Adds existing servers to a group by hand.
    pub fn adopt(&mut self, g: &Group, server_ids: &[String]) -> AsResult<Vec<String>> {
        let mut added = Vec::new();
        for id in server_ids {
            let server = self.m.server(id).map_err(|_| as_error("AS.4006", id))?;
            if server.view().status != "ACTIVE" {
                return Err(as_error("AS.4024", id).into());
            }
            if let Some(existing) = self.m.net.tx.get_doc::<Instance>(INSTANCE, id)? {
                let code = if existing.group_id == g.id { "AS.4023" } else { "AS.4027" };
                return Err(as_error(code, id).into());
            }
            let inst = Instance {
                instance_id: id.clone(),
                project_id: self.project(),
                group_id: g.id.clone(),
                instance_name: server.name.clone(),
                life_cycle_state: "INSERVICE".into(),
                health_status: "NORMAL".into(),
                config_id: String::new(),
                config_name: String::new(),
                protect: false,
                create_time: self.m.net.now,
            };
            self.m.net.insert(INSTANCE, id, Some(&g.id), &inst)?;
            added.push(id.clone());
        }
        Ok(added)
    }

    pub fn set_protect(&mut self, inst: &Instance, protect: bool) -> AsResult<()> {
        let mut i = inst.clone();
        i.protect = protect;
        self.m.net.update(INSTANCE, &i.instance_id, Some(&i.group_id), &i)?;
        Ok(())
    }

    pub fn log_manual(&mut self, g: &Group, before: u32, added: Vec<String>, removed: Vec<String>, deleted: Vec<String>) -> AsResult<()> {
        self.log(g, before, added, removed, deleted, "MANNUAL_ADD")
    }
}
