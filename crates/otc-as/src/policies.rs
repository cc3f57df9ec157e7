//! AS policies (v1): SCHEDULED (once at `launch_time`), RECURRENCE
//! (Daily/Weekly/Monthly at `hh:mm` between start and end) and ALARM, run
//! now with `execute`. Due triggers are applied on the emulator's clock
//! whenever a group is looked at, so advancing the clock runs them; every
//! run adjusts the group's desired size within [min, max], lets the engine
//! scale, and leaves a policy execution log.

use crate::errors::as_error;
use crate::model::*;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, NaiveTime, Utc};
use otc_core::ids;
use otc_store::{ListQuery, TxExt};
use serde::{Deserialize, Serialize};

pub const POLICY: &str = "as.policy";
pub const EXECUTION: &str = "as.policy_execution";

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Schedule {
    pub launch_time: String,
    pub recurrence_type: Option<String>,
    pub recurrence_value: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyAction {
    pub operation: String,
    pub instance_number: Option<u32>,
    pub instance_percentage: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Policy {
    pub id: String,
    pub project_id: String,
    pub group_id: String,
    pub name: String,
    /// INSERVICE or PAUSED.
    pub status: String,
    pub policy_type: String,
    pub alarm_id: Option<String>,
    pub schedule: Option<Schedule>,
    pub action: PolicyAction,
    pub cool_down_time: u32,
    pub create_time: DateTime<Utc>,
    /// Triggers up to this instant have been applied.
    pub evaluated_until: DateTime<Utc>,
    /// Who made the policy, where: an alarm runs it on their behalf.
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub region: String,
    /// When an alarm last ran it (for the cooldown).
    #[serde(default)]
    pub last_alarm: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Execution {
    pub id: String,
    pub project_id: String,
    pub policy_id: String,
    pub group_id: String,
    pub status: String,
    pub execute_type: String,
    pub execute_time: DateTime<Utc>,
    pub operation: String,
    pub old_value: u32,
    pub desire_value: u32,
    pub limit_value: u32,
}

/// `YYYY-MM-DDThh:mmZ`.
pub fn parse_minute(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%MZ").ok().map(|t| t.and_utc())
}

fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

impl Policy {
    /// The trigger instants in (from, to], oldest first.
    pub fn triggers(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let Some(s) = &self.schedule else {
            return Vec::new();
        };
        match self.policy_type.as_str() {
            "SCHEDULED" => parse_minute(&s.launch_time).filter(|t| *t > from && *t <= to).into_iter().collect(),
            "RECURRENCE" => {
                let (Some(at), Some(kind)) = (parse_hhmm(&s.launch_time), s.recurrence_type.as_deref()) else {
                    return Vec::new();
                };
                let start = s.start_time.as_deref().and_then(parse_minute).unwrap_or(self.create_time);
                let end = s.end_time.as_deref().and_then(parse_minute).unwrap_or(to);
                let values: Vec<u32> =
                    s.recurrence_value.as_deref().unwrap_or("").split(',').filter_map(|v| v.trim().parse().ok()).collect();
                let mut out = Vec::new();
                let mut day = from.date_naive();
                // Bounded: a clock jump of years must not loop forever.
                for _ in 0..1000 {
                    if day > to.date_naive() {
                        break;
                    }
                    let t = day.and_time(at).and_utc();
                    let matches = match kind {
                        "Daily" => true,
                        // 1 is Sunday.
                        "Weekly" => values.contains(&(day.weekday().num_days_from_sunday() + 1)),
                        "Monthly" => values.contains(&day.day()),
                        _ => false,
                    };
                    if matches && t > from && t <= to && t >= start && t <= end {
                        out.push(t);
                    }
                    day += Duration::days(1);
                }
                out
            }
            _ => Vec::new(),
        }
    }
}

impl Scaling<'_, '_, '_> {
    /// A policy of this caller with the documented defaults (in service,
    /// ADD 1, 300 s cooldown), for create to fill in.
    pub fn new_policy(&self, group_id: &str) -> Policy {
        let now = self.m.net.now;
        Policy {
            id: ids::uuid(),
            project_id: self.m.net.project.to_string(),
            group_id: group_id.to_string(),
            name: String::new(),
            status: "INSERVICE".into(),
            policy_type: String::new(),
            alarm_id: None,
            schedule: None,
            action: PolicyAction { operation: "ADD".into(), instance_number: Some(1), instance_percentage: None },
            cool_down_time: 300,
            create_time: now,
            evaluated_until: now,
            user_id: self.m.user_id.to_string(),
            region: self.m.net.region.to_string(),
            last_alarm: None,
        }
    }

    pub fn policies(&mut self, group_id: &str) -> AsResult<Vec<Policy>> {
        Ok(self.m.net.tx.list_docs(&ListQuery {
            kind: POLICY,
            scope: Some(self.m.net.project),
            key: Some(group_id),
            ..Default::default()
        })?)
    }

    pub fn policy(&mut self, id: &str) -> AsResult<Policy> {
        match self.m.net.tx.get_doc::<Policy>(POLICY, id)? {
            Some(p) if p.project_id == self.m.net.project => Ok(p),
            _ => Err(as_error("AS.3020", "").into()),
        }
    }

    pub fn save_policy(&mut self, p: &Policy, new: bool) -> AsResult<()> {
        if new {
            self.m.net.insert(POLICY, &p.id, Some(&p.group_id), p)?;
        } else {
            self.m.net.update(POLICY, &p.id, Some(&p.group_id), p)?;
        }
        Ok(())
    }

    pub fn delete_policy(&mut self, id: &str) -> AsResult<()> {
        self.policy(id)?;
        for e in self.executions(id)? {
            self.m.net.remove(EXECUTION, &e.id)?;
        }
        // What v2 keeps beside the policy goes with it, whichever API deletes.
        self.m.net.tx.delete(crate::api_v2::POLICY_META, id)?;
        self.m.net.remove(POLICY, id)?;
        Ok(())
    }

    pub fn executions(&mut self, policy_id: &str) -> AsResult<Vec<Execution>> {
        Ok(self.m.net.tx.list_docs(&ListQuery {
            kind: EXECUTION,
            scope: Some(self.m.net.project),
            key: Some(policy_id),
            ..Default::default()
        })?)
    }

    /// Runs a policy's action on its group now.
    pub fn execute(&mut self, p: &Policy, execute_type: &str, at: DateTime<Utc>) -> AsResult<()> {
        let mut g = self.group(&p.group_id)?;
        let current = self.instances(&g.id)?.len() as u32;
        let old = g.desire;
        let amount = match (p.action.instance_number, p.action.instance_percentage) {
            (_, Some(pct)) => ((current as u64 * pct as u64).div_ceil(100)) as u32,
            (Some(n), None) => n,
            (None, None) => 1,
        };
        let wanted = match p.action.operation.as_str() {
            "SET" => amount,
            "REMOVE" | "REDUCE" => old.saturating_sub(amount),
            _ => old + amount,
        };
        g.desire = wanted.clamp(g.min, g.max);
        let e = Execution {
            id: ids::uuid(),
            project_id: self.m.net.project.to_string(),
            policy_id: p.id.clone(),
            group_id: g.id.clone(),
            status: "SUCCESS".into(),
            execute_type: execute_type.into(),
            execute_time: at,
            operation: if p.action.operation == "REDUCE" { "REMOVE".into() } else { p.action.operation.clone() },
            old_value: old,
            desire_value: g.desire,
            limit_value: if wanted > g.max { g.max } else { g.min },
        };
        self.m.net.insert(EXECUTION, &e.id, Some(&p.id), &e)?;
        self.save_group(&g)?;
        self.reconcile(&g, execute_type)
    }

    /// Applies every trigger of the group's in-service policies that came
    /// due since they were last looked at.
    pub fn run_due(&mut self, group_id: &str) -> AsResult<()> {
        let now = self.m.net.now;
        for mut p in self.policies(group_id)? {
            if p.evaluated_until >= now {
                continue;
            }
            let due = if p.status == "INSERVICE" { p.triggers(p.evaluated_until, now) } else { Vec::new() };
            p.evaluated_until = now;
            self.save_policy(&p, false)?;
            let group = self.group(group_id)?;
            if group.status != "INSERVICE" {
                continue;
            }
            for t in due {
                self.execute(&p, &p.policy_type.clone(), t)?;
            }
        }
        Ok(())
    }
}
