//! Holds: another service's claim that a network resource must outlive
//! one of its own objects (a classic VPN service on its router and
//! subnet, an endpoint group on its subnets).
//!
//! A hold is one document per (resource, holder), keyed by the resource
//! id, so the network model's deletions ask one indexed question ("is
//! anything holding this?") without knowing which services exist. The
//! holder takes a hold in the transaction that creates its object and
//! releases it in the one that deletes it, so holds never outlive or
//! precede what they protect. Refusals are the resource's usual "in use"
//! fault ([`Dependency::Held`]), worded per API family in `errors.rs`.

use super::*;

pub const HOLD: &str = "vpc.hold";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Hold {
    /// `{resource_id}/{holder_id}`.
    pub id: String,
    pub project_id: String,
    /// The router, network or subnet held.
    pub resource_id: String,
    /// The holder's id and what it is (`VPN service`), for messages.
    pub holder_id: String,
    pub holder: String,
}

crate::owned!(Hold);

impl Net<'_> {
    /// Records that `holder_id` (a `holder`, e.g. "VPN service") needs
    /// `resource_id`. Holding twice is one hold.
    pub fn hold(&mut self, resource_id: &str, holder: &str, holder_id: &str) -> ModelResult<()> {
        let id = format!("{resource_id}/{holder_id}");
        if self.find::<Hold>(HOLD, &id)?.is_some() {
            return Ok(());
        }
        let h = Hold {
            id: id.clone(),
            project_id: self.project.to_string(),
            resource_id: resource_id.to_string(),
            holder_id: holder_id.to_string(),
            holder: holder.to_string(),
        };
        self.insert(HOLD, &id, Some(resource_id), &h)
    }

    /// Drops the hold of `holder_id` on `resource_id` (none: nothing to do).
    pub fn release_hold(&mut self, resource_id: &str, holder_id: &str) -> ModelResult<()> {
        let id = format!("{resource_id}/{holder_id}");
        if self.find::<Hold>(HOLD, &id)?.is_some() {
            self.remove(HOLD, &id)?;
        }
        Ok(())
    }

    /// Who holds a resource.
    pub fn holds_on(&mut self, resource_id: &str) -> ModelResult<Vec<Hold>> {
        self.keyed(HOLD, resource_id)
    }

    /// Refuses a change of `id` (shown as `res`) while anything holds it.
    pub fn check_unheld(&mut self, res: Res, id: &str) -> ModelResult<()> {
        match self.holds_on(id)?.first() {
            Some(_) => Err(Fault::InUse(res, id.to_string(), Dependency::Held)),
            None => Ok(()),
        }
    }
}
