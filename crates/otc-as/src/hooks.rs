//! Lifecycle hooks: an instance being added (INSTANCE_LAUNCHING) or
//! removed (INSTANCE_TERMINATING) waits in PENDING_WAIT or REMOVING_WAIT
//! with one hanging record per hook, until a callback (CONTINUE, ABANDON,
//! EXTEND) or the hook's timeout on the emulator's clock applies the
//! default result.

use crate::errors::as_error;
use crate::model::*;
use chrono::{DateTime, Duration, Utc};
use otc_core::ids;
use otc_store::{ListQuery, TxExt};
use serde::{Deserialize, Serialize};

pub const HOOK: &str = "as.hook";
pub const HANGING: &str = "as.hanging";

/// The most hooks a group may have.
pub const HOOKS_PER_GROUP: usize = 5;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hook {
    pub project_id: String,
    pub group_id: String,
    pub name: String,
    pub hook_type: String,
    pub default_result: String,
    pub default_timeout: u32,
    pub notification_topic_urn: String,
    pub notification_metadata: Option<String>,
    pub create_time: DateTime<Utc>,
}

/// One instance waiting on one hook.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hanging {
    pub key: String,
    pub project_id: String,
    pub group_id: String,
    pub instance_id: String,
    pub hook_name: String,
    pub default_result: String,
    pub timeout: DateTime<Utc>,
    /// HANGING, CONTINUE or ABANDON.
    pub status: String,
    /// Whether the server goes when a removal completes.
    pub delete_server: bool,
}

pub fn hook_id(group_id: &str, name: &str) -> String {
    format!("{group_id}/{name}")
}

impl Scaling<'_, '_, '_> {
    pub fn hooks(&mut self, group_id: &str) -> AsResult<Vec<Hook>> {
        Ok(self.m.net.tx.list_docs(&ListQuery {
            kind: HOOK,
            scope: Some(self.m.net.project),
            key: Some(group_id),
            ..Default::default()
        })?)
    }

    pub fn hook(&mut self, group_id: &str, name: &str) -> AsResult<Hook> {
        match self.m.net.tx.get_doc::<Hook>(HOOK, &hook_id(group_id, name))? {
            Some(h) if h.project_id == self.m.net.project => Ok(h),
            _ => Err(as_error("AS.7036", "").into()),
        }
    }

    pub fn save_hook(&mut self, h: &Hook, new: bool) -> AsResult<()> {
        let id = hook_id(&h.group_id, &h.name);
        if new {
            self.m.net.insert(HOOK, &id, Some(&h.group_id), h)?;
        } else {
            self.m.net.update(HOOK, &id, Some(&h.group_id), h)?;
        }
        Ok(())
    }

    pub fn delete_hook(&mut self, group_id: &str, name: &str) -> AsResult<()> {
        self.hook(group_id, name)?;
        self.m.net.remove(HOOK, &hook_id(group_id, name))?;
        Ok(())
    }

    pub fn hangings(&mut self, group_id: &str) -> AsResult<Vec<Hanging>> {
        Ok(self.m.net.tx.list_docs(&ListQuery {
            kind: HANGING,
            scope: Some(self.m.net.project),
            key: Some(group_id),
            ..Default::default()
        })?)
    }

    pub fn save_hanging(&mut self, h: &Hanging) -> AsResult<()> {
        self.m.net.update(HANGING, &h.key, Some(&h.group_id), h)?;
        Ok(())
    }

    /// Holds an instance on the group's hooks of `hook_type`; returns
    /// whether any hook applies.
    pub fn hold(&mut self, g: &Group, instance_id: &str, hook_type: &str, delete_server: bool) -> AsResult<bool> {
        let hooks: Vec<Hook> = self.hooks(&g.id)?.into_iter().filter(|h| h.hook_type == hook_type).collect();
        for h in &hooks {
            let record = Hanging {
                key: ids::uuid(),
                project_id: self.m.net.project.to_string(),
                group_id: g.id.clone(),
                instance_id: instance_id.to_string(),
                hook_name: h.name.clone(),
                default_result: h.default_result.clone(),
                timeout: self.m.net.now + Duration::seconds(h.default_timeout as i64),
                status: "HANGING".into(),
                delete_server,
            };
            self.m.net.insert(HANGING, &record.key, Some(&g.id), &record)?;
        }
        Ok(!hooks.is_empty())
    }

    /// Applies timeouts, then lets instances whose hooks are all resolved
    /// move on: a launch continues into service or is abandoned; a removal
    /// completes.
    pub fn release_hooks(&mut self, group_id: &str) -> AsResult<()> {
        let now = self.m.net.now;
        let mut records = self.hangings(group_id)?;
        for r in records.iter_mut().filter(|r| r.status == "HANGING" && r.timeout <= now) {
            r.status = r.default_result.clone();
            let copy = r.clone();
            self.save_hanging(&copy)?;
        }
        for inst in self.instances(group_id)? {
            let mine: Vec<&Hanging> = records.iter().filter(|r| r.instance_id == inst.instance_id).collect();
            if mine.is_empty() || mine.iter().any(|r| r.status == "HANGING") {
                continue;
            }
            let abandoned = mine.iter().any(|r| r.status == "ABANDON");
            let delete = mine.iter().any(|r| r.delete_server);
            for r in &mine {
                self.m.net.remove(HANGING, &r.key)?;
            }
            match inst.life_cycle_state.as_str() {
                "PENDING_WAIT" if abandoned => {
                    let own = !inst.config_id.is_empty();
                    self.detach(&inst, own)?;
                }
                "PENDING_WAIT" => {
                    let mut i = inst.clone();
                    i.life_cycle_state = "INSERVICE".into();
                    self.m.net.update(INSTANCE, &i.instance_id, Some(&i.group_id), &i)?;
                }
                "REMOVING_WAIT" => self.detach(&inst, delete)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// A callback on a hanging instance.
    pub fn callback(&mut self, group_id: &str, key: Option<&str>, target: Option<(&str, &str)>, result: &str) -> AsResult<()> {
        let records = self.hangings(group_id)?;
        let found = match (key, target) {
            (Some(k), _) => records.into_iter().find(|r| r.key == k),
            (None, Some((instance, hook))) => records.into_iter().find(|r| r.instance_id == instance && r.hook_name == hook),
            (None, None) => return Err(as_error("AS.7040", "").into()),
        };
        let mut r = found.ok_or_else(|| as_error("AS.7042", ""))?;
        if r.status != "HANGING" {
            return Err(as_error("AS.7042", "The instance is not waiting on this hook.").into());
        }
        match result {
            "EXTEND" => r.timeout += Duration::hours(1),
            "CONTINUE" | "ABANDON" => r.status = result.to_string(),
            _ => return Err(as_error("AS.7034", "").into()),
        }
        self.save_hanging(&r)?;
        self.release_hooks(group_id)
    }
}
