//! Volume transfers (`os-volume-transfer`): the owner offers an available
//! volume (it waits in `awaiting-transfer`) and hands the `auth_key` to
//! another project of the region, which accepts it and becomes the owner.
//! This is the model's one cross-project path, and it is explicit: the
//! accepting project reads the transfer by id from any project of its
//! region and must present the key; everything else about a transfer is
//! its owner's only.

use super::*;
use otc_core::ids;
use serde::Deserialize;

pub const TRANSFER: &str = "evs.transfer";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub id: String,
    pub project_id: String,
    pub region: String,
    pub volume_id: String,
    pub name: Option<String>,
    pub auth_key: String,
    pub created_at: Timestamp,
}

impl Owned for Transfer {
    fn project_id(&self) -> &str {
        &self.project_id
    }
}

impl Disks<'_> {
    pub fn transfer(&mut self, id: &str) -> ModelResult<Transfer> {
        self.get::<Transfer>(TRANSFER, id)?.ok_or_else(|| Fault::NotFound(Res::Transfer, format!("Transfer {id} could not be found.")))
    }

    pub fn transfers(&mut self) -> ModelResult<Vec<Transfer>> {
        self.all(TRANSFER)
    }

    /// Offers an available volume without snapshots.
    pub fn create_transfer(&mut self, volume_id: &str, name: Option<String>) -> ModelResult<Transfer> {
        volumes::check_text(Why::Name, "name", &name, 255)?;
        let mut v = self.volume(volume_id)?;
        if v.status != "available" {
            return refused(Why::State, format!("Invalid volume: status must be available, but current status is: {}.", v.status));
        }
        if self.snapshots()?.iter().any(|s| s.volume_id == v.id) {
            return refused(Why::HasSnapshots, "Invalid volume: Volume has snapshots and cannot be transferred.");
        }
        let t = Transfer {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            region: self.region.to_string(),
            volume_id: v.id.clone(),
            name,
            auth_key: ids::secret_hex(8),
            created_at: self.now,
        };
        v.enter("awaiting-transfer", None, self.now);
        self.save(&v)?;
        self.insert(TRANSFER, &t.id, &t)?;
        Ok(t)
    }

    /// Withdraws an offer: the volume is available again.
    pub fn delete_transfer(&mut self, id: &str) -> ModelResult<()> {
        let t = self.transfer(id)?;
        if let Ok(mut v) = self.volume(&t.volume_id) {
            v.enter("available", None, self.now);
            self.save(&v)?;
        }
        self.remove(TRANSFER, id)
    }

    /// Accepts another project's offer (of this region) with its key: the
    /// volume becomes this project's, within this project's quotas.
    pub fn accept_transfer(&mut self, id: &str, auth_key: &str) -> ModelResult<Transfer> {
        let missing = || Fault::NotFound(Res::Transfer, format!("Transfer {id} could not be found."));
        let t = self.tx.get_doc::<Transfer>(TRANSFER, id)?.filter(|t| t.region == self.region).ok_or_else(missing)?;
        if t.auth_key != auth_key {
            return refused(Why::AuthKey, format!("Invalid auth key: Attempt to transfer {id} with invalid auth key."));
        }
        let secs = self.cfg.settle_seconds;
        let mut v = self.tx.get_doc::<Volume>(VOLUME, &t.volume_id)?.map(|v| v.settled(self.now, secs)).ok_or_else(missing)?;
        if v.status != "awaiting-transfer" {
            return refused(Why::State, format!("Invalid volume: status must be awaiting-transfer, not {}.", v.status));
        }
        self.check_volume_quota(1, v.size as i64, v.size as i64)?;
        v.project_id = self.project.to_string();
        v.user_id = self.user_id.to_string();
        v.enter("available", None, self.now);
        // The document moves to this project's scope.
        self.update(VOLUME, &v.id, &v)?;
        self.remove(TRANSFER, id)?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::Bench;
    use crate::model::volumes::VolumeSpec;

    #[test]
    fn a_volume_changes_hands() {
        let b = Bench::new(0);
        let v = b.run("p1", |d| d.create_volumes(VolumeSpec { size: Some(10), ..VolumeSpec::default() })).unwrap().remove(0);
        let t = b.run("p1", |d| d.create_transfer(&v.id, Some("t".into()))).unwrap();
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "awaiting-transfer");
        assert!(b.run("p1", |d| d.delete_volume(&v.id, false)).is_err(), "an offered volume stays");
        assert!(b.run("p2", |d| d.transfer(&t.id)).is_err(), "only the owner sees the offer");
        assert!(matches!(b.run("p2", |d| d.accept_transfer(&t.id, "wrong")), Err(Fault::Refused(Why::AuthKey, _))));
        b.run("p2", |d| d.accept_transfer(&t.id, &t.auth_key)).unwrap();
        assert!(b.run("p1", |d| d.volume(&v.id)).is_err());
        let now = b.run("p2", |d| d.volume(&v.id)).unwrap();
        assert_eq!((now.status.as_str(), now.project_id.as_str()), ("available", "p2"));
        assert_eq!(b.run("p2", |d| d.volumes()).unwrap().len(), 1, "listed in its new project");
        assert!(b.run("p1", |d| d.transfers()).unwrap().is_empty());
    }

    #[test]
    fn withdrawing_an_offer() {
        let b = Bench::new(0);
        let v = b.run("p1", |d| d.create_volumes(VolumeSpec { size: Some(10), ..VolumeSpec::default() })).unwrap().remove(0);
        let t = b.run("p1", |d| d.create_transfer(&v.id, None)).unwrap();
        assert!(b.run("p1", |d| d.create_transfer(&v.id, None)).is_err(), "one offer at a time");
        b.run("p1", |d| d.delete_transfer(&t.id)).unwrap();
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "available");
        assert!(matches!(b.run("p2", |d| d.accept_transfer(&t.id, &t.auth_key)), Err(Fault::NotFound(..))));
    }
}
