//! Servers are made of volumes: a server's system disk and data disks are
//! EVS volumes ([`otc_evs::model::Disks`], in the same transaction as the
//! server and its ports), created for it from its image or its block
//! device mapping, or attached and detached later through Nova's
//! `os-volume_attachments` and ECS's `attachvolume` / `detachvolume`.
//! Deleting a server detaches its volumes and deletes those whose
//! attachment says `delete_on_termination`.
//!
//! The volumes are EVS's: their status (attaching → in-use, detaching →
//! available) follows `[evs] settle_seconds`, they count against EVS's
//! quotas, and what Cinder shows of them is what compute shows.

use super::*;
use crate::catalog::Image;
use otc_evs::model::attachments::AttachSpec;
use otc_evs::model::volumes::{Attachment, Source, VolumeSpec};
use otc_evs::model::{Disks, Fault as EvsFault, Metadata, Res as EvsRes, Why as EvsWhy};
use otc_evs::ImageInfo;

pub use otc_evs::model::Volume as EvsVolume;

/// Where a disk of a new server comes from (`source_type` of a block
/// device mapping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskSource {
    /// A new volume made from an image (the system disk of a server
    /// booted from an image).
    Image(String),
    /// An existing, available volume.
    Volume(String),
    /// A new volume made from a snapshot.
    Snapshot(String),
    /// A new, empty volume.
    Blank,
}

/// One disk of a new server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskSpec {
    pub source: DiskSource,
    /// GB; a volume made from an image defaults to the image's `min_disk`.
    pub size: Option<u32>,
    pub volume_type: Option<String>,
    /// The system disk (`boot_index` 0).
    pub boot: bool,
    pub delete_on_termination: bool,
    /// SCSI (`hw:passthrough`), for new empty volumes.
    pub passthrough: bool,
    pub multiattach: bool,
}

impl DiskSpec {
    /// The system disk of a server booted from `image_id` without a
    /// mapping: OTC still makes it a real volume, deleted with the server.
    pub fn system(image_id: &str) -> DiskSpec {
        DiskSpec {
            source: DiskSource::Image(image_id.to_string()),
            size: None,
            volume_type: None,
            boot: true,
            delete_on_termination: true,
            passthrough: false,
            multiattach: false,
        }
    }
}

/// What EVS needs to know of a catalogue image.
pub fn image_info(i: &Image) -> ImageInfo {
    ImageInfo {
        id: i.id(),
        name: i.name.clone(),
        min_disk: i.min_disk,
        min_ram: i.min_ram,
        disk_format: i.disk_format.clone(),
        size: i.size,
        os_type: i.os_type.clone(),
        os_version: i.os_version.clone(),
    }
}

/// EVS's refusals met by compute, in compute's terms.
fn fault(f: EvsFault) -> Fault {
    match f {
        EvsFault::NotFound(EvsRes::Volume, m) => Fault::NotFound(m),
        EvsFault::NotFound(_, m) => Fault::Invalid(Why::Volume, m),
        EvsFault::Refused(EvsWhy::State, m) => Fault::Invalid(Why::VolumeState, m),
        EvsFault::Refused(EvsWhy::Zone, m) => Fault::Invalid(Why::VolumeZone, m),
        EvsFault::Refused(EvsWhy::VolumeType, m) => Fault::Invalid(Why::VolumeType, m),
        EvsFault::Refused(_, m) => Fault::Invalid(Why::Volume, m),
        EvsFault::Quota(_, m) => Fault::VolumeQuota(m),
        EvsFault::Storage(m) => Fault::Storage(m),
    }
}

impl Compute<'_, '_> {
    /// The project's block storage, in this transaction.
    pub fn disks(&mut self) -> Disks<'_> {
        Disks {
            tx: &mut *self.net.tx,
            project: self.net.project,
            region: self.net.region,
            user_id: self.user_id,
            now: self.net.now,
            cfg: &self.cfg.volumes,
        }
    }

    /// Runs `f` on the project's volumes, its refusals said as compute's.
    pub fn with_disks<R>(&mut self, f: impl FnOnce(&mut Disks<'_>) -> otc_evs::model::ModelResult<R>) -> ModelResult<R> {
        f(&mut self.disks()).map_err(fault)
    }

    /// The image a new server boots: `imageRef`, or the image a boot
    /// volume (`source_type` volume or snapshot) was made from.
    pub fn boot_image(&mut self, image_id: &str, disks: &[DiskSpec]) -> ModelResult<Image> {
        let missing = || Fault::Invalid(Why::Image, "Can not find requested image".into());
        if !image_id.is_empty() {
            return self.cfg.image(image_id).cloned().ok_or_else(missing);
        }
        let unknown =
            |what: &str, id: &str| Fault::Invalid(Why::Volume, format!("Block Device Mapping is Invalid: failed to get {what} {id}."));
        let from = match disks.iter().find(|d| d.boot).map(|d| &d.source) {
            Some(DiskSource::Image(id)) => return self.cfg.image(id).cloned().ok_or_else(missing),
            Some(DiskSource::Volume(id)) => {
                self.with_disks(|d| d.volume(id)).map(|v| (v.bootable, v.image)).map_err(|_| unknown("volume", id))?
            }
            Some(DiskSource::Snapshot(id)) => {
                let snap = self.with_disks(|d| d.snapshot(id)).map_err(|_| unknown("snapshot", id))?;
                self.with_disks(|d| d.volume(&snap.volume_id)).map(|v| (v.bootable, v.image)).unwrap_or((false, None))
            }
            Some(DiskSource::Blank) | None => return Err(missing()),
        };
        match from {
            (true, Some(info)) => self.cfg.image(&info.id).cloned().ok_or_else(missing),
            _ => Err(Fault::Invalid(Why::Volume, "Block Device Mapping is Invalid: the boot volume is not bootable.".into())),
        }
    }

    /// Checks a mapping before anything is made: one system disk at most,
    /// each existing volume usable in `zone` and named once.
    pub fn check_disks(&mut self, zone: &str, count: u32, disks: &[DiskSpec]) -> ModelResult<()> {
        if disks.iter().filter(|d| d.boot).count() > 1 {
            return Err(Fault::Invalid(Why::Volume, "Block Device Mapping is Invalid: Boot sequence for the instance is invalid.".into()));
        }
        let mut seen = Vec::new();
        for d in disks {
            let DiskSource::Volume(id) = &d.source else {
                continue;
            };
            if count > 1 {
                return Err(Fault::Invalid(Why::Volume, "Block Device Mapping is Invalid: an existing volume serves one server.".into()));
            }
            if seen.contains(id) {
                return Err(Fault::Invalid(Why::Volume, format!("Block Device Mapping is Invalid: volume {id} is mapped twice.")));
            }
            seen.push(id.clone());
            let v = self
                .with_disks(|x| x.volume(id))
                .map_err(|_| Fault::Invalid(Why::Volume, format!("Block Device Mapping is Invalid: failed to get volume {id}.")))?;
            if v.status != "available" {
                return Err(Fault::Invalid(
                    Why::VolumeState,
                    format!("Invalid volume: volume {id} status must be available, but current status is: {}.", v.status),
                ));
            }
            if v.availability_zone != zone {
                return Err(Fault::Invalid(
                    Why::VolumeZone,
                    format!("Invalid volume: volume {id} is in zone {}, the server in {zone}.", v.availability_zone),
                ));
            }
        }
        Ok(())
    }

    /// Gives a new server its disks: the system disk first (from `image`
    /// when the mapping has none), then the data disks in order.
    pub fn make_disks(&mut self, server_id: &str, zone: &str, image: &Image, disks: &[DiskSpec]) -> ModelResult<()> {
        let mut all: Vec<DiskSpec> = disks.to_vec();
        if !all.iter().any(|d| d.boot) {
            all.insert(0, DiskSpec::system(&image.id()));
        }
        all.sort_by_key(|d| !d.boot);
        for d in &all {
            let spec = AttachSpec {
                server_id,
                zone,
                delete_on_termination: d.delete_on_termination,
                boot_index: if d.boot { Some(0) } else { None },
            };
            let mut metadata = Metadata::new();
            if d.passthrough {
                metadata.insert("hw:passthrough".into(), "true".into());
            }
            let new = |source, size| VolumeSpec {
                size,
                volume_type: d.volume_type.clone(),
                source,
                multiattach: d.multiattach,
                ..VolumeSpec::default()
            };
            match &d.source {
                DiskSource::Volume(id) => {
                    self.with_disks(|x| x.attach(id, &spec))?;
                }
                DiskSource::Image(id) => {
                    let img = self.cfg.image(id).ok_or_else(|| Fault::Invalid(Why::Image, "Can not find requested image".into()))?;
                    let info = image_info(img);
                    let size = d.size.unwrap_or(info.min_disk.max(1));
                    self.with_disks(|x| x.create_attached(new(Source::Image(info), Some(size)), &spec))?;
                }
                DiskSource::Snapshot(id) => {
                    self.with_disks(|x| x.create_attached(new(Source::Snapshot(id.clone()), d.size), &spec))?;
                }
                DiskSource::Blank => {
                    let vs = VolumeSpec { metadata, ..new(Source::Empty, d.size) };
                    self.with_disks(|x| x.create_attached(vs, &spec))?;
                }
            }
        }
        Ok(())
    }

    /// The volumes attached to a server, system disk first.
    pub fn server_volumes(&mut self, server_id: &str) -> ModelResult<Vec<(EvsVolume, Attachment)>> {
        self.with_disks(|d| d.server_volumes(server_id))
    }

    /// Attaches an available volume to a running or stopped server.
    pub fn attach_volume(&mut self, server_id: &str, volume_id: &str) -> ModelResult<(EvsVolume, Attachment)> {
        let s = self.server(server_id)?;
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {server_id} is locked")));
        }
        if s.stage != "ACTIVE" && s.stage != "SHUTOFF" {
            return Err(Fault::Conflict(
                Why::State,
                format!("Cannot 'attach_volume' instance {server_id} while it is in vm_state {}", s.view().vm_state),
            ));
        }
        let v = self.with_disks(|d| d.volume(volume_id))?;
        if v.attachments.iter().any(|a| a.server_id == server_id) {
            return Err(Fault::Invalid(Why::VolumeAttached, format!("Volume {volume_id} is already attached to server {server_id}.")));
        }
        let spec = AttachSpec { server_id, zone: &s.availability_zone, delete_on_termination: false, boot_index: None };
        let a = self.with_disks(|d| d.attach(volume_id, &spec))?;
        let v = self.with_disks(|d| d.volume(volume_id))?;
        Ok((v, a))
    }

    /// Detaches a volume from a server. The system disk comes off only a
    /// stopped server (the reference's rule for detaching it).
    pub fn detach_volume(&mut self, server_id: &str, volume_id: &str) -> ModelResult<EvsVolume> {
        let s = self.server(server_id)?;
        if s.locked {
            return Err(Fault::Conflict(Why::Locked, format!("Instance {server_id} is locked")));
        }
        let attached = self.server_volumes(server_id)?.into_iter().find(|(v, _)| v.id == volume_id);
        let Some((v, a)) = attached else {
            return Err(Fault::NotFound(format!("Volume {volume_id} is not attached to server {server_id}.")));
        };
        if v.status != "in-use" {
            return Err(Fault::Invalid(
                Why::VolumeState,
                format!("Invalid volume: volume {volume_id} status must be in-use, but current status is: {}.", v.status),
            ));
        }
        if a.boot_index == Some(0) && s.stage != "SHUTOFF" {
            return Err(Fault::Conflict(
                Why::State,
                format!("The system disk of server {server_id} can only be detached while it is stopped."),
            ));
        }
        self.with_disks(|d| d.detach(volume_id, server_id))
    }

    /// Detaches a deleted server's volumes; deletes those whose
    /// attachment said so (all of them when `delete_all`).
    pub fn release_volumes(&mut self, server_id: &str, delete_all: bool) -> ModelResult<Vec<String>> {
        self.with_disks(|d| d.release_server_volumes(server_id, delete_all))
    }
}
