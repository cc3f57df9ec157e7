//! Snapshots of volumes (`evs/appendix/evs_snapshot_status.rst`):
//! `creating` → `available`, `deleting` → gone, on the clock. A snapshot
//! keeps its volume's size, type and zone, which a volume created from it
//! must match.

use super::*;
use chrono::Duration;
use otc_core::ids;
use otc_core::lifecycle::{settle, Stage, Transition};
use serde::Deserialize;
use volumes::{check_text, DELETED};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: String,
    pub project_id: String,
    pub volume_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// GB: the volume's size when taken.
    pub size: u32,
    pub volume_type: String,
    pub availability_zone: String,
    pub status: String,
    pub status_since: Timestamp,
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

impl Owned for Snapshot {
    fn project_id(&self) -> &str {
        &self.project_id
    }
}

impl Snapshot {
    pub fn settled(mut self, now: Timestamp, secs: i64) -> Snapshot {
        let after = Duration::seconds(secs.max(0));
        let table = [Transition { from: "creating", to: "available", after }, Transition { from: "deleting", to: DELETED, after }];
        let (stage, changed) = settle(&table, &Stage { status: self.status.clone(), since: self.status_since }, now);
        if changed {
            self.status = stage.status;
            self.status_since = stage.since;
        }
        self
    }

    pub fn is_gone(&self) -> bool {
        self.status == DELETED
    }
}

/// A snapshot to take.
#[derive(Debug, Clone, Default)]
pub struct SnapshotSpec {
    pub volume_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Needed for an in-use volume.
    pub force: bool,
    pub metadata: Metadata,
}

impl Disks<'_> {
    pub fn snapshot(&mut self, id: &str) -> ModelResult<Snapshot> {
        let (now, secs) = (self.now, self.cfg.settle_seconds);
        match self.get::<Snapshot>(SNAPSHOT, id)?.map(|s| s.settled(now, secs)) {
            Some(s) if !s.is_gone() => Ok(s),
            _ => Err(Fault::NotFound(Res::Snapshot, format!("Snapshot {id} could not be found."))),
        }
    }

    /// Every snapshot of this project, in creation order.
    pub fn snapshots(&mut self) -> ModelResult<Vec<Snapshot>> {
        let (now, secs) = (self.now, self.cfg.settle_seconds);
        Ok(self.all::<Snapshot>(SNAPSHOT)?.into_iter().map(|s| s.settled(now, secs)).filter(|s| !s.is_gone()).collect())
    }

    /// Takes a snapshot of an available volume (an in-use one with
    /// `force`, as Cinder).
    pub fn create_snapshot(&mut self, spec: SnapshotSpec) -> ModelResult<Snapshot> {
        self.purge()?;
        check_text(Why::Name, "name", &spec.name, 255)?;
        check_text(Why::Description, "description", &spec.description, 255)?;
        check_metadata(&spec.metadata)?;
        let v = self.volume(&spec.volume_id).map_err(|e| match e {
            Fault::NotFound(_, m) => Fault::NotFound(Res::Volume, m),
            other => other,
        })?;
        let ok = v.status == "available" || (spec.force && v.status == "in-use");
        if !ok {
            return refused(
                Why::State,
                format!(
                    "Invalid volume: Volume {} status must be available{}, but current status is: {}.",
                    v.id,
                    if spec.force { " or in-use" } else { "" },
                    v.status
                ),
            );
        }
        self.check_snapshot_quota(v.size as i64)?;
        let s = Snapshot {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            volume_id: v.id.clone(),
            name: spec.name,
            description: spec.description,
            size: v.size,
            volume_type: v.volume_type.clone(),
            availability_zone: v.availability_zone.clone(),
            status: "creating".into(),
            status_since: self.now,
            metadata: spec.metadata,
            created_at: self.now,
            updated_at: None,
        };
        self.insert(SNAPSHOT, &s.id, &s)?;
        Ok(s)
    }

    pub fn update_snapshot(&mut self, id: &str, name: Option<String>, description: Option<String>) -> ModelResult<Snapshot> {
        check_text(Why::Name, "name", &name, 255)?;
        check_text(Why::Description, "description", &description, 255)?;
        let mut s = self.snapshot(id)?;
        if let Some(n) = name {
            s.name = Some(n);
        }
        if let Some(d) = description {
            s.description = Some(d);
        }
        s.updated_at = Some(self.now);
        self.update(SNAPSHOT, id, &s)?;
        Ok(s)
    }

    /// Deletes an available or failed snapshot.
    pub fn delete_snapshot(&mut self, id: &str) -> ModelResult<()> {
        let s = self.snapshot(id)?;
        if s.status != "available" && s.status != "error" {
            return refused(
                Why::SnapshotDeleteState,
                format!("Invalid snapshot: Snapshot status must be available or error, not {}.", s.status),
            );
        }
        self.drop_snapshot(s)
    }

    pub(crate) fn drop_snapshot(&mut self, mut s: Snapshot) -> ModelResult<()> {
        if self.cfg.settle_seconds <= 0 {
            return self.remove(SNAPSHOT, &s.id);
        }
        s.status = "deleting".into();
        s.status_since = self.now;
        s.updated_at = Some(self.now);
        self.update(SNAPSHOT, &s.id.clone(), &s)
    }

    pub fn set_snapshot_metadata(&mut self, id: &str, m: Metadata, replace: bool) -> ModelResult<Metadata> {
        check_metadata(&m)?;
        let mut s = self.snapshot(id)?;
        if replace {
            s.metadata = m;
        } else {
            s.metadata.extend(m);
        }
        s.updated_at = Some(self.now);
        self.update(SNAPSHOT, id, &s)?;
        Ok(s.metadata)
    }

    pub fn delete_snapshot_metadata(&mut self, id: &str, key: &str) -> ModelResult<()> {
        let mut s = self.snapshot(id)?;
        if s.metadata.remove(key).is_none() {
            return Err(Fault::NotFound(Res::Metadata, format!("Snapshot {id} has no metadata with key {key}.")));
        }
        s.updated_at = Some(self.now);
        self.update(SNAPSHOT, id, &s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::Bench;
    use crate::model::volumes::{Source, VolumeSpec};

    #[test]
    fn snapshot_life_and_volumes_from_it() {
        let mut b = Bench::new(2);
        let spec = VolumeSpec { size: Some(20), volume_type: Some("SSD".into()), ..VolumeSpec::default() };
        let v = b.run("p1", |d| d.create_volumes(spec)).unwrap().remove(0);
        let snap = |force| SnapshotSpec { volume_id: v.id.clone(), force, ..SnapshotSpec::default() };
        assert!(matches!(b.run("p1", |d| d.create_snapshot(snap(false))), Err(Fault::Refused(Why::State, _))), "volume still creating");
        b.advance(2);
        let s = b.run("p1", |d| d.create_snapshot(snap(false))).unwrap();
        assert_eq!((s.status.as_str(), s.size, s.volume_type.as_str()), ("creating", 20, "SSD"));
        let from = |size, t: Option<&str>| VolumeSpec {
            size,
            volume_type: t.map(str::to_string),
            source: Source::Snapshot(s.id.clone()),
            ..VolumeSpec::default()
        };
        assert!(matches!(b.run("p1", |d| d.create_volumes(from(None, None))), Err(Fault::Refused(Why::SnapshotState, _))));
        b.advance(2);
        assert!(matches!(b.run("p1", |d| d.create_volumes(from(Some(10), None))), Err(Fault::Refused(Why::Size, _))));
        assert!(matches!(b.run("p1", |d| d.create_volumes(from(None, Some("SAS")))), Err(Fault::Refused(Why::SnapshotType, _))));
        let nv = b.run("p1", |d| d.create_volumes(from(None, None))).unwrap().remove(0);
        assert_eq!((nv.size, nv.snapshot_id.as_deref()), (20, Some(s.id.as_str())));
        b.advance(2);
        assert!(matches!(b.run("p1", |d| d.delete_volume(&v.id, false)), Err(Fault::Refused(Why::HasSnapshots, _))));
        b.run("p1", |d| d.delete_volume(&v.id, true)).unwrap();
        assert_eq!(b.run("p1", |d| d.snapshot(&s.id)).unwrap().status, "deleting", "cascade deletes the snapshot");
        b.advance(2);
        assert!(b.run("p1", |d| d.snapshot(&s.id)).is_err());
    }
}
