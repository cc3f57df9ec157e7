//! Volumes (EVS disks): creation (empty, from an image, from a snapshot),
//! update, extension, retyping, flags, metadata, tags and deletion, with
//! the status machine of `evs/appendix/evs_disk_status.rst` on the clock:
//!
//! - `creating` → `available` (from an image: `creating` → `downloading`
//!   → `available`);
//! - `available|in-use` → `extending` → what it was;
//! - `available` → `attaching` → `in-use` → `detaching` → `available`
//!   (see `attachments.rs`);
//! - `available|error*` → `deleting` → gone.
//!
//! Each transient status lasts `[evs] settle_seconds`.

use super::images::ImageInfo;
use super::*;
use chrono::Duration;
use otc_core::ids;
use otc_core::lifecycle::{settle, Stage, Transition};
use serde::Deserialize;

/// A deletion that has run its course: the document is removed when a
/// write next meets it, and every read treats it as absent.
pub(crate) const DELETED: &str = "deleted";

/// Statuses a volume may be deleted from (the appendix's EVS.1046).
pub const DELETABLE: [&str; 5] = ["available", "error", "error_restoring", "error_extending", "error_rollbacking"];

/// Data disks are 10 GB to 32 TB, system disks (from an image, or
/// bootable) at most 1 TB.
pub const DATA_MIN: u32 = 10;
pub const DATA_MAX: u32 = 32768;
pub const SYSTEM_MAX: u32 = 1024;

/// The most volumes one request creates.
pub const MAX_COUNT: u32 = 100;
/// Tags per volume, as the tag pages document.
pub const MAX_TAGS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Cinder's attachment id; Nova's attachment id is the volume id.
    pub attachment_id: String,
    pub server_id: String,
    /// `/dev/vda` for the system disk, then `/dev/vdb`, ...
    pub device: String,
    pub attached_at: Timestamp,
    /// Whether deleting the server deletes the volume (Nova's bdm flag).
    pub delete_on_termination: bool,
    /// 0 for the system disk, `None` for data disks.
    pub boot_index: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// GB.
    pub size: u32,
    pub volume_type: String,
    pub availability_zone: String,
    /// The status it entered at `status_since`; read it through
    /// [`Volume::settled`].
    pub status: String,
    pub status_since: Timestamp,
    /// What a transient status returns to (`extending` of an in-use
    /// volume → `in-use`).
    pub settles_to: Option<String>,
    pub bootable: bool,
    pub readonly: bool,
    pub multiattach: bool,
    pub encrypted: bool,
    pub metadata: Metadata,
    pub tags: Metadata,
    pub snapshot_id: Option<String>,
    /// The image it was made from (`volume_image_metadata`).
    pub image: Option<ImageInfo>,
    pub attachments: Vec<Attachment>,
    pub wwn: String,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

impl Owned for Volume {
    fn project_id(&self) -> &str {
        &self.project_id
    }
}

impl Volume {
    fn transitions(&self, secs: i64) -> [Transition; 6] {
        let after = Duration::seconds(secs.max(0));
        let created = if self.image.is_some() { "downloading" } else { "available" };
        let back = if self.settles_to.as_deref() == Some("in-use") { "in-use" } else { "available" };
        [
            Transition { from: "creating", to: created, after },
            Transition { from: "downloading", to: "available", after },
            Transition { from: "extending", to: back, after },
            Transition { from: "attaching", to: "in-use", after },
            Transition { from: "detaching", to: back, after },
            Transition { from: "deleting", to: DELETED, after },
        ]
    }

    /// The volume as it stands at `now`.
    pub fn settled(mut self, now: Timestamp, secs: i64) -> Volume {
        let (stage, changed) = settle(&self.transitions(secs), &Stage { status: self.status.clone(), since: self.status_since }, now);
        if changed {
            self.status = stage.status;
            self.status_since = stage.since;
            self.settles_to = None;
        }
        self
    }

    pub fn is_gone(&self) -> bool {
        self.status == DELETED
    }

    /// Enters `status` now; `back` is what it settles into.
    pub(crate) fn enter(&mut self, status: &str, back: Option<&str>, now: Timestamp) {
        self.status = status.to_string();
        self.status_since = now;
        self.settles_to = back.map(str::to_string);
        self.updated_at = Some(now);
    }

    /// The host Cinder shows (`os-vol-host-attr:host`): `az#TYPE`.
    pub fn host(&self) -> String {
        format!("{}#{}", self.availability_zone, self.volume_type)
    }
}

/// Where a new volume's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Empty,
    Image(ImageInfo),
    Snapshot(String),
}

/// A volume to create (`count` of them: names get `-0001`, ... then).
#[derive(Debug, Clone)]
pub struct VolumeSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub size: Option<u32>,
    pub volume_type: Option<String>,
    pub availability_zone: Option<String>,
    pub source: Source,
    pub multiattach: bool,
    pub metadata: Metadata,
    pub tags: Metadata,
    pub count: u32,
}

impl Default for VolumeSpec {
    fn default() -> Self {
        VolumeSpec {
            name: None,
            description: None,
            size: None,
            volume_type: None,
            availability_zone: None,
            source: Source::Empty,
            multiattach: false,
            metadata: Metadata::new(),
            tags: Metadata::new(),
            count: 1,
        }
    }
}

/// What an update changes (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct VolumeChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<Metadata>,
}

/// Checks a name or description: at most 255 bytes (250 with a batch
/// suffix).
pub fn check_text(why: Why, what: &str, v: &Option<String>, max: usize) -> ModelResult<()> {
    match v {
        Some(s) if s.len() > max => refused(why, format!("Invalid input received: {what} has more than {max} characters.")),
        _ => Ok(()),
    }
}

/// A tag key or value: digits, letters, `-` and `_` (and, as OTC allows,
/// any Unicode letter), 1-36 (key) or 0-43 (value) characters.
pub fn check_tag(key: &str, value: &str) -> ModelResult<()> {
    let ok = |s: &str| s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if key.is_empty() || key.chars().count() > 36 || !ok(key) {
        return refused(Why::Tag, format!("Invalid tag key {key:?}: 1 to 36 letters, digits, hyphens or underscores."));
    }
    if value.chars().count() > 43 || !ok(value) {
        return refused(Why::Tag, format!("Invalid tag value {value:?}: at most 43 letters, digits, hyphens or underscores."));
    }
    Ok(())
}

/// System metadata keys and their rules (`hw:passthrough`,
/// `__system__encrypted`, `__system__cmkid`).
fn check_system_metadata(m: &Metadata, source: &Source) -> ModelResult<bool> {
    if let Some(v) = m.get("hw:passthrough") {
        if v != "true" && v != "false" {
            return refused(Why::Metadata, format!("Invalid input received: hw:passthrough must be true or false, not {v:?}."));
        }
    }
    let encrypted = match m.get("__system__encrypted").map(String::as_str) {
        None | Some("0") => false,
        Some("1") => true,
        Some(v) => return refused(Why::Metadata, format!("Invalid input received: __system__encrypted must be 0 or 1, not {v:?}.")),
    };
    if encrypted && m.get("__system__cmkid").is_none_or(|k| k.len() != 36) {
        return refused(Why::Metadata, "Invalid input received: an encrypted volume needs a 36-character __system__cmkid.");
    }
    let system = ["__system__encrypted", "__system__cmkid", "hw:passthrough"];
    if !matches!(source, Source::Empty) && system.iter().any(|k| m.contains_key(*k)) {
        return refused(
            Why::Metadata,
            "encrypt and cmk and passthrougth in metadata is not support when create volume from snapshot or image!",
        );
    }
    Ok(encrypted)
}

impl Disks<'_> {
    /// A volume of this project as it stands now.
    pub fn volume(&mut self, id: &str) -> ModelResult<Volume> {
        let secs = self.cfg.settle_seconds;
        match self.get::<Volume>(VOLUME, id)? {
            Some(v) => {
                let v = v.settled(self.now, secs);
                if v.is_gone() {
                    Err(Fault::NotFound(Res::Volume, format!("Volume {id} could not be found.")))
                } else {
                    Ok(v)
                }
            }
            None => Err(Fault::NotFound(Res::Volume, format!("Volume {id} could not be found."))),
        }
    }

    /// Every volume of this project, in creation order, as they stand now.
    pub fn volumes(&mut self) -> ModelResult<Vec<Volume>> {
        let (now, secs) = (self.now, self.cfg.settle_seconds);
        Ok(self.all::<Volume>(VOLUME)?.into_iter().map(|v| v.settled(now, secs)).filter(|v| !v.is_gone()).collect())
    }

    /// Writes a changed volume back.
    pub(crate) fn save(&mut self, v: &Volume) -> ModelResult<()> {
        self.update(VOLUME, &v.id, v)
    }

    /// Removes the documents of finished deletions (a write's housekeeping:
    /// reads only hide them).
    pub(crate) fn purge(&mut self) -> ModelResult<()> {
        let (now, secs) = (self.now, self.cfg.settle_seconds);
        for v in self.all::<Volume>(VOLUME)? {
            if v.clone().settled(now, secs).is_gone() {
                self.remove(VOLUME, &v.id)?;
            }
        }
        for s in self.all::<Snapshot>(SNAPSHOT)? {
            if s.clone().settled(now, secs).is_gone() {
                self.remove(SNAPSHOT, &s.id)?;
            }
        }
        Ok(())
    }

    /// Creates `spec.count` volumes; they answer `creating`.
    pub fn create_volumes(&mut self, spec: VolumeSpec) -> ModelResult<Vec<Volume>> {
        self.purge()?;
        if spec.count == 0 || spec.count > MAX_COUNT {
            return refused(Why::Count, format!("Invalid input received: count must be 1 to {MAX_COUNT}, not {}.", spec.count));
        }
        let name_max = if spec.count > 1 { 250 } else { 255 };
        check_text(Why::Name, "name", &spec.name, name_max)?;
        check_text(Why::Description, "description", &spec.description, 255)?;
        check_metadata(&spec.metadata)?;
        if spec.tags.len() > MAX_TAGS {
            return refused(Why::TagCount, format!("A volume has at most {MAX_TAGS} tags."));
        }
        for (k, v) in &spec.tags {
            check_tag(k, v)?;
        }
        let encrypted = check_system_metadata(&spec.metadata, &spec.source)?;
        let zones = self.zones();
        if let Some(z) = &spec.availability_zone {
            if !zones.contains(z) {
                return refused(Why::Zone, format!("Invalid input received: Availability zone '{z}' is invalid."));
            }
        }
        if let Some(t) = &spec.volume_type {
            if types::find(t).is_none() {
                return refused(Why::VolumeType, format!("Volume type with name {t} could not be found."));
            }
        }
        // What the source decides: size bounds, type, zone, flags.
        let (size, volume_type, zone, bootable, image, snapshot_id) = match &spec.source {
            Source::Empty => {
                let size = spec.size.ok_or_else(|| Fault::Refused(Why::Size, "Invalid input received: size is required.".into()))?;
                if !(DATA_MIN..=DATA_MAX).contains(&size) {
                    return refused(
                        Why::Size,
                        format!("Invalid input received: size {size} GB is out of range: a data disk has {DATA_MIN} to {DATA_MAX} GB."),
                    );
                }
                let zone = spec.availability_zone.clone().unwrap_or_else(|| zones[0].clone());
                (size, spec.volume_type.clone().unwrap_or_else(|| types::DEFAULT_TYPE.into()), zone, false, None, None)
            }
            Source::Image(img) => {
                let size = spec.size.ok_or_else(|| Fault::Refused(Why::Size, "Invalid input received: size is required.".into()))?;
                if size < img.min_disk.max(1) || size > SYSTEM_MAX {
                    return refused(
                        Why::Size,
                        format!(
                            "Invalid input received: size {size} GB is out of range: image {} needs {} to {SYSTEM_MAX} GB.",
                            img.id,
                            img.min_disk.max(1)
                        ),
                    );
                }
                let zone = spec.availability_zone.clone().unwrap_or_else(|| zones[0].clone());
                (size, spec.volume_type.clone().unwrap_or_else(|| types::DEFAULT_TYPE.into()), zone, true, Some(img.clone()), None)
            }
            Source::Snapshot(sid) => {
                let snap = self
                    .snapshot(sid)
                    .map_err(|_| Fault::Refused(Why::Snapshot, format!("Invalid snapshot_id: snapshot {sid} could not be found.")))?;
                if snap.status != "available" {
                    return refused(
                        Why::SnapshotState,
                        format!("Invalid snapshot: Originating snapshot status must be 'available', not {}.", snap.status),
                    );
                }
                let origin = self.source_of(&snap)?;
                if let Some(t) = &spec.volume_type {
                    if *t != snap.volume_type {
                        return refused(Why::SnapshotType, format!("Target volumeType[{t}] is not matched with snapshot[{sid}] !"));
                    }
                }
                if let Some(z) = &spec.availability_zone {
                    if *z != snap.availability_zone {
                        return refused(
                            Why::SnapshotZone,
                            format!("Invalid input received: Availability zone '{z}' must be the snapshot's ({}).", snap.availability_zone),
                        );
                    }
                }
                let size = spec.size.unwrap_or(snap.size);
                if size < snap.size || size > DATA_MAX {
                    return refused(
                        Why::Size,
                        format!(
                            "Invalid input received: size {size} GB is out of range: snapshot {sid} needs {} to {DATA_MAX} GB.",
                            snap.size
                        ),
                    );
                }
                let (bootable, image) = origin.map(|o| (o.bootable, o.image)).unwrap_or((false, None));
                (size, snap.volume_type.clone(), snap.availability_zone.clone(), bootable, image, Some(sid.clone()))
            }
        };
        self.check_volume_quota(spec.count as i64, size as i64 * spec.count as i64, size as i64)?;
        let mut out = Vec::new();
        for i in 0..spec.count {
            let name = match (&spec.name, spec.count) {
                (Some(n), c) if c > 1 => Some(format!("{n}-{:04}", i + 1)),
                (n, _) => n.clone(),
            };
            let v = Volume {
                id: ids::uuid(),
                project_id: self.project.to_string(),
                user_id: self.user_id.to_string(),
                name,
                description: spec.description.clone(),
                size,
                volume_type: volume_type.clone(),
                availability_zone: zone.clone(),
                status: "creating".into(),
                status_since: self.now,
                settles_to: None,
                bootable,
                readonly: false,
                multiattach: spec.multiattach,
                encrypted,
                metadata: spec.metadata.clone(),
                tags: spec.tags.clone(),
                snapshot_id: snapshot_id.clone(),
                image: image.clone(),
                attachments: Vec::new(),
                wwn: format!("688860300000{}", &ids::hex32()[..20]),
                created_at: self.now,
                updated_at: None,
            };
            self.insert(VOLUME, &v.id, &v)?;
            out.push(v);
        }
        Ok(out)
    }

    /// The volume a snapshot was taken of, if it still exists.
    fn source_of(&mut self, snap: &Snapshot) -> ModelResult<Option<Volume>> {
        match self.volume(&snap.volume_id) {
            Ok(v) => Ok(Some(v)),
            Err(Fault::NotFound(..)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn update_volume(&mut self, id: &str, ch: VolumeChange) -> ModelResult<Volume> {
        let mut v = self.volume(id)?;
        check_text(Why::Name, "name", &ch.name, 255)?;
        check_text(Why::Description, "description", &ch.description, 255)?;
        if let Some(n) = ch.name {
            v.name = Some(n);
        }
        if let Some(d) = ch.description {
            v.description = Some(d);
        }
        if let Some(m) = ch.metadata {
            check_metadata(&m)?;
            v.metadata = m;
        }
        v.updated_at = Some(self.now);
        self.save(&v)?;
        Ok(v)
    }

    /// Extends a volume to `new_size` GB: available or in-use (a shared
    /// volume only when available), never shrinking.
    pub fn extend_volume(&mut self, id: &str, new_size: i64) -> ModelResult<Volume> {
        let mut v = self.volume(id)?;
        if v.status != "available" && v.status != "in-use" {
            return refused(
                Why::ExtendState,
                format!(
                    "Invalid volume: Volume should have status 'available' or 'in-use' for extend, but current status is: {}.",
                    v.status
                ),
            );
        }
        if v.multiattach && v.status == "in-use" {
            return refused(Why::ExtendShared, "Invalid volume: a shared volume can be extended only when it is available.");
        }
        if new_size <= v.size as i64 {
            return refused(
                Why::ExtendSize,
                format!(
                    "Invalid input received: New size for extend must be greater than current size. (current: {}, extended: {new_size}).",
                    v.size
                ),
            );
        }
        let max = if v.bootable { SYSTEM_MAX } else { DATA_MAX };
        if new_size > max as i64 {
            return refused(Why::Size, format!("Invalid input received: New size {new_size} GB exceeds the largest disk ({max} GB)."));
        }
        self.check_volume_quota(0, new_size - v.size as i64, new_size)?;
        let back = v.status.clone();
        v.size = new_size as u32;
        v.enter("extending", Some(&back), self.now);
        self.save(&v)?;
        Ok(v)
    }

    /// Changes the type to a faster one (`os-retype`).
    pub fn retype_volume(&mut self, id: &str, new_type: &str) -> ModelResult<Volume> {
        let mut v = self.volume(id)?;
        let Some(t) = types::find(new_type) else {
            return refused(Why::VolumeType, format!("Volume type with name {new_type} could not be found."));
        };
        if v.status != "available" && v.status != "in-use" {
            return refused(Why::State, format!("Invalid volume: Volume status must be available or in-use to retype, not {}.", v.status));
        }
        if types::rank(t.name) <= types::rank(&v.volume_type) {
            return refused(Why::Retype, format!("Invalid volume type: {} is not faster than {}.", t.name, v.volume_type));
        }
        v.volume_type = t.name.to_string();
        v.updated_at = Some(self.now);
        self.save(&v)?;
        Ok(v)
    }

    pub fn set_bootable(&mut self, id: &str, bootable: bool) -> ModelResult<Volume> {
        let mut v = self.volume(id)?;
        v.bootable = bootable;
        v.updated_at = Some(self.now);
        self.save(&v)?;
        Ok(v)
    }

    pub fn set_readonly(&mut self, id: &str, readonly: bool) -> ModelResult<Volume> {
        let mut v = self.volume(id)?;
        if v.status != "available" && v.status != "in-use" {
            return refused(Why::State, format!("Invalid volume: Volume status must be available or in-use, not {}.", v.status));
        }
        v.readonly = readonly;
        v.updated_at = Some(self.now);
        self.save(&v)?;
        Ok(v)
    }

    /// Deletes a volume (with its snapshots when `cascade`).
    pub fn delete_volume(&mut self, id: &str, cascade: bool) -> ModelResult<()> {
        let mut v = self.volume(id)?;
        if !DELETABLE.contains(&v.status.as_str()) || !v.attachments.is_empty() {
            return refused(
                Why::DeleteState,
                format!(
                    "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_rollbacking \
                     and must not be attached or have snapshots, but current status is: {}.",
                    v.status
                ),
            );
        }
        let snaps: Vec<Snapshot> = self.snapshots()?.into_iter().filter(|s| s.volume_id == id).collect();
        if !snaps.is_empty() && !cascade {
            return refused(Why::HasSnapshots, format!("Invalid volume: Volume still has {} dependent snapshots.", snaps.len()));
        }
        for s in &snaps {
            if s.status != "available" && s.status != "error" {
                return refused(Why::HasSnapshots, format!("Invalid volume: snapshot {} is {}, not available or error.", s.id, s.status));
            }
        }
        for s in snaps {
            self.drop_snapshot(s)?;
        }
        if self.cfg.settle_seconds <= 0 {
            return self.remove(VOLUME, id);
        }
        v.enter("deleting", None, self.now);
        self.save(&v)
    }

    /// Replaces (`replace`) or merges metadata; returns the result.
    pub fn set_volume_metadata(&mut self, id: &str, m: Metadata, replace: bool) -> ModelResult<Metadata> {
        check_metadata(&m)?;
        let mut v = self.volume(id)?;
        if replace {
            v.metadata = m;
        } else {
            v.metadata.extend(m);
        }
        v.updated_at = Some(self.now);
        self.save(&v)?;
        Ok(v.metadata)
    }

    pub fn delete_volume_metadata(&mut self, id: &str, key: &str) -> ModelResult<()> {
        let mut v = self.volume(id)?;
        if v.metadata.remove(key).is_none() {
            return Err(Fault::NotFound(Res::Metadata, format!("Volume {id} has no metadata with key {key}.")));
        }
        v.updated_at = Some(self.now);
        self.save(&v)
    }

    /// Adds tags (`create`, replacing values of keys it has) or removes
    /// them (`delete`, by key; absent keys are no error).
    pub fn change_volume_tags(&mut self, id: &str, create: bool, tags: Vec<(String, String)>) -> ModelResult<()> {
        let mut v = self.volume(id)?;
        if create {
            for (k, val) in &tags {
                check_tag(k, val)?;
            }
            v.tags.extend(tags);
            if v.tags.len() > MAX_TAGS {
                return refused(Why::TagCount, "The Volume Tags is Exceed Max Limit Num.");
            }
        } else {
            for (k, _) in &tags {
                if k.is_empty() || k.chars().count() > 36 {
                    return refused(Why::Tag, format!("Invalid tag key {k:?}."));
                }
                v.tags.remove(k);
            }
        }
        self.save(&v)
    }

    /// Replaces every tag (the `os-vendor-tags` PUT gophertelekomcloud uses).
    pub fn replace_volume_tags(&mut self, id: &str, tags: Metadata) -> ModelResult<()> {
        if tags.len() > MAX_TAGS {
            return refused(Why::TagCount, "The Volume Tags is Exceed Max Limit Num.");
        }
        for (k, val) in &tags {
            check_tag(k, val)?;
        }
        let mut v = self.volume(id)?;
        v.tags = tags;
        self.save(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::Bench;

    fn empty(size: u32) -> VolumeSpec {
        VolumeSpec { size: Some(size), availability_zone: Some("eu-de-01".into()), ..VolumeSpec::default() }
    }

    fn image() -> ImageInfo {
        ImageInfo {
            id: "img1".into(),
            name: "Standard_Debian_11_latest".into(),
            min_disk: 4,
            min_ram: 0,
            disk_format: "zvhd2".into(),
            size: 1,
            os_type: "Linux".into(),
            os_version: "Debian".into(),
        }
    }

    #[test]
    fn creating_settles_on_the_clock() {
        let mut b = Bench::new(10);
        let v = b.run("p1", |d| d.create_volumes(empty(10))).unwrap().remove(0);
        assert_eq!((v.status.as_str(), v.volume_type.as_str(), v.bootable), ("creating", "SAS", false));
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "creating");
        b.advance(10);
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "available");
        let img = b.run("p1", |d| d.create_volumes(VolumeSpec { source: Source::Image(image()), ..empty(4) })).unwrap().remove(0);
        assert!(img.bootable);
        b.advance(10);
        assert_eq!(b.run("p1", |d| d.volume(&img.id)).unwrap().status, "downloading");
        b.advance(10);
        assert_eq!(b.run("p1", |d| d.volume(&img.id)).unwrap().status, "available");
        assert!(matches!(b.run("p2", |d| d.volume(&v.id)), Err(Fault::NotFound(Res::Volume, _))), "another project sees nothing");
    }

    #[test]
    fn creation_refusals() {
        let b = Bench::new(0);
        let why = |spec: VolumeSpec| match b.run("p1", |d| d.create_volumes(spec)) {
            Err(Fault::Refused(w, _)) => w,
            other => panic!("{other:?}"),
        };
        assert_eq!(why(empty(9)), Why::Size);
        assert_eq!(why(empty(32769)), Why::Size);
        assert_eq!(why(VolumeSpec { availability_zone: Some("eu-nl-01".into()), ..empty(10) }), Why::Zone);
        assert_eq!(why(VolumeSpec { volume_type: Some("NVME".into()), ..empty(10) }), Why::VolumeType);
        assert_eq!(why(VolumeSpec { source: Source::Image(image()), ..empty(2) }), Why::Size, "below min_disk");
        assert_eq!(why(VolumeSpec { source: Source::Snapshot("nope".into()), ..empty(10) }), Why::Snapshot);
        assert_eq!(why(VolumeSpec { count: 101, ..empty(10) }), Why::Count);
        assert_eq!(why(VolumeSpec { name: Some("x".repeat(256)), ..empty(10) }), Why::Name);
        let bad_meta = Metadata::from([("hw:passthrough".to_string(), "yes".to_string())]);
        assert_eq!(why(VolumeSpec { metadata: bad_meta, ..empty(10) }), Why::Metadata);
        assert!(b.run("p1", |d| d.volumes()).unwrap().is_empty(), "nothing stored");
    }

    #[test]
    fn batch_names() {
        let b = Bench::new(0);
        let vs = b.run("p1", |d| d.create_volumes(VolumeSpec { name: Some("v".into()), count: 3, ..empty(10) })).unwrap();
        let names: Vec<_> = vs.iter().map(|v| v.name.clone().unwrap()).collect();
        assert_eq!(names, ["v-0001", "v-0002", "v-0003"]);
    }

    #[test]
    fn extend_and_its_refusals() {
        let mut b = Bench::new(5);
        let v = b.run("p1", |d| d.create_volumes(empty(10))).unwrap().remove(0);
        let w = |r: ModelResult<Volume>| match r {
            Err(Fault::Refused(w, _)) => w,
            other => panic!("{other:?}"),
        };
        assert_eq!(w(b.run("p1", |d| d.extend_volume(&v.id, 20))), Why::ExtendState, "still creating");
        b.advance(5);
        assert_eq!(w(b.run("p1", |d| d.extend_volume(&v.id, 10))), Why::ExtendSize);
        assert_eq!(w(b.run("p1", |d| d.extend_volume(&v.id, 5))), Why::ExtendSize, "shrinking is refused");
        let e = b.run("p1", |d| d.extend_volume(&v.id, 20)).unwrap();
        assert_eq!((e.status.as_str(), e.size), ("extending", 20));
        b.advance(5);
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "available");
    }

    #[test]
    fn delete_goes_through_deleting() {
        let mut b = Bench::new(3);
        let v = b.run("p1", |d| d.create_volumes(empty(10))).unwrap().remove(0);
        assert!(matches!(b.run("p1", |d| d.delete_volume(&v.id, false)), Err(Fault::Refused(Why::DeleteState, _))));
        b.advance(3);
        b.run("p1", |d| d.delete_volume(&v.id, false)).unwrap();
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "deleting");
        b.advance(3);
        assert!(b.run("p1", |d| d.volume(&v.id)).is_err());
        assert_eq!(b.store.fingerprint().unwrap().0.len(), 1, "the document stays until a write purges it");
        b.run("p1", |d| d.purge()).unwrap();
        assert!(b.store.fingerprint().unwrap().0.is_empty());
    }

    #[test]
    fn tags_and_metadata() {
        let b = Bench::new(0);
        let v = b.run("p1", |d| d.create_volumes(empty(10))).unwrap().remove(0);
        b.run("p1", |d| d.change_volume_tags(&v.id, true, vec![("k1".into(), "v1".into())])).unwrap();
        assert!(matches!(
            b.run("p1", |d| d.change_volume_tags(&v.id, true, vec![("bad key".into(), "v".into())])),
            Err(Fault::Refused(Why::Tag, _))
        ));
        let many: Vec<_> = (0..10).map(|i| (format!("t{i}"), "x".to_string())).collect();
        assert!(matches!(b.run("p1", |d| d.change_volume_tags(&v.id, true, many)), Err(Fault::Refused(Why::TagCount, _))));
        b.run("p1", |d| d.change_volume_tags(&v.id, false, vec![("k1".into(), String::new())])).unwrap();
        assert!(b.run("p1", |d| d.volume(&v.id)).unwrap().tags.is_empty());
        let m = b.run("p1", |d| d.set_volume_metadata(&v.id, Metadata::from([("a".into(), "1".into())]), false)).unwrap();
        assert_eq!(m.len(), 1);
        assert!(matches!(b.run("p1", |d| d.delete_volume_metadata(&v.id, "b")), Err(Fault::NotFound(Res::Metadata, _))));
    }

    #[test]
    fn retype_goes_up_only() {
        let b = Bench::new(0);
        let v = b.run("p1", |d| d.create_volumes(VolumeSpec { volume_type: Some("SSD".into()), ..empty(10) })).unwrap().remove(0);
        assert!(matches!(b.run("p1", |d| d.retype_volume(&v.id, "SAS")), Err(Fault::Refused(Why::Retype, _))));
        assert!(matches!(b.run("p1", |d| d.retype_volume(&v.id, "NVME")), Err(Fault::Refused(Why::VolumeType, _))));
        assert_eq!(b.run("p1", |d| d.retype_volume(&v.id, "ESSD")).unwrap().volume_type, "ESSD");
    }
}
