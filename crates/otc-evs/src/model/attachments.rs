//! What servers need of volumes, for the compute service to call inside
//! its own transaction: a system volume made from the server's image,
//! attaching and detaching (available → attaching → in-use → detaching →
//! available, with the attachment shown on the volume), the volumes of a
//! server, and giving them back when the server is deleted
//! (`delete_on_termination`). Cinder answers attach requests of its own
//! with a refusal: attaching goes through Nova / ECS, as on OTC.

use super::images::ImageInfo;
use super::volumes::{Attachment, Source, VolumeSpec};
use super::*;
use otc_core::ids;

/// A server's side of an attachment.
#[derive(Debug, Clone)]
pub struct AttachSpec<'s> {
    pub server_id: &'s str,
    /// The server's zone: a volume attaches only in its own.
    pub zone: &'s str,
    /// Whether deleting the server deletes the volume. (No device is
    /// asked for: OTC does not honour one, the next free `/dev/vdX` is
    /// given.)
    pub delete_on_termination: bool,
    /// `Some(0)` for the system disk (`/dev/vda`).
    pub boot_index: Option<u32>,
}

impl Disks<'_> {
    /// The volumes attached to `server_id`, by device.
    pub fn server_volumes(&mut self, server_id: &str) -> ModelResult<Vec<(Volume, Attachment)>> {
        let mut out: Vec<(Volume, Attachment)> = self
            .volumes()?
            .into_iter()
            .filter_map(|v| v.attachments.iter().find(|a| a.server_id == server_id).cloned().map(|a| (v, a)))
            .collect();
        out.sort_by(|a, b| a.1.device.cmp(&b.1.device));
        Ok(out)
    }

    fn next_device(&mut self, server_id: &str, boot: bool) -> ModelResult<String> {
        let used: Vec<String> = self.server_volumes(server_id)?.into_iter().map(|(_, a)| a.device).collect();
        if boot {
            return Ok("/dev/vda".into());
        }
        ('b'..='z')
            .map(|c| format!("/dev/vd{c}"))
            .find(|d| !used.contains(d))
            .ok_or_else(|| Fault::Refused(Why::State, format!("Server {server_id} has no free device name left.")))
    }

    /// Attaches an available volume (or a shared one in use elsewhere).
    pub fn attach(&mut self, volume_id: &str, spec: &AttachSpec<'_>) -> ModelResult<Attachment> {
        let mut v = self.volume(volume_id)?;
        if v.attachments.iter().any(|a| a.server_id == spec.server_id) {
            return refused(Why::State, format!("Invalid volume: volume {volume_id} is already attached to server {}.", spec.server_id));
        }
        let free = v.status == "available" || (v.multiattach && v.status == "in-use");
        if !free {
            return refused(
                Why::State,
                format!("Invalid volume: volume {volume_id} status must be available, but current status is: {}.", v.status),
            );
        }
        if v.availability_zone != spec.zone {
            return refused(
                Why::Zone,
                format!("Invalid volume: volume {volume_id} is in zone {}, the server in {}.", v.availability_zone, spec.zone),
            );
        }
        let device = self.next_device(spec.server_id, spec.boot_index == Some(0))?;
        let a = Attachment {
            attachment_id: ids::uuid(),
            server_id: spec.server_id.to_string(),
            device,
            attached_at: self.now,
            delete_on_termination: spec.delete_on_termination,
            boot_index: spec.boot_index,
        };
        v.attachments.push(a.clone());
        let status = if v.status == "in-use" { "in-use" } else { "attaching" };
        v.enter(status, None, self.now);
        self.save(&v)?;
        Ok(a)
    }

    /// Detaches a volume from a server: `detaching`, then available (or
    /// still in-use while other servers hold a shared volume).
    pub fn detach(&mut self, volume_id: &str, server_id: &str) -> ModelResult<Volume> {
        let mut v = self.volume(volume_id)?;
        let before = v.attachments.len();
        v.attachments.retain(|a| a.server_id != server_id);
        if v.attachments.len() == before {
            return Err(Fault::NotFound(Res::Volume, format!("Volume {volume_id} is not attached to server {server_id}.")));
        }
        let back = if v.attachments.is_empty() { "available" } else { "in-use" };
        v.enter("detaching", Some(back), self.now);
        self.save(&v)?;
        Ok(v)
    }

    /// Creates the system volume of a new server from its image and
    /// attaches it as `/dev/vda` (boot index 0). `size` defaults to the
    /// image's `min_disk`.
    pub fn create_system_volume(
        &mut self,
        image: ImageInfo,
        size: Option<u32>,
        volume_type: Option<String>,
        spec: &AttachSpec<'_>,
    ) -> ModelResult<(Volume, Attachment)> {
        let size = size.unwrap_or(image.min_disk.max(1));
        let vs = VolumeSpec { size: Some(size), volume_type, source: Source::Image(image), ..VolumeSpec::default() };
        self.create_attached(vs, &AttachSpec { boot_index: Some(0), ..spec.clone() })
    }

    /// Creates a volume for a server being made (its system disk, or a
    /// data disk of the request) and attaches it at once: a disk made for
    /// a server is never `available` to anyone else. It shows `attaching`
    /// until created, then `in-use`. The zone is the server's.
    pub fn create_attached(&mut self, mut vs: VolumeSpec, spec: &AttachSpec<'_>) -> ModelResult<(Volume, Attachment)> {
        vs.availability_zone = Some(spec.zone.to_string());
        vs.count = 1;
        let mut v = self.create_volumes(vs)?.remove(0);
        let device = self.next_device(spec.server_id, spec.boot_index == Some(0))?;
        let a = Attachment {
            attachment_id: ids::uuid(),
            server_id: spec.server_id.to_string(),
            device,
            attached_at: self.now,
            delete_on_termination: spec.delete_on_termination,
            boot_index: spec.boot_index,
        };
        v.attachments.push(a.clone());
        v.enter("attaching", None, self.now);
        self.save(&v)?;
        Ok((v, a))
    }

    /// A deleted server's volumes: each is detached, and deleted when its
    /// attachment said `delete_on_termination`. Returns the deleted ids.
    pub fn release_server(&mut self, server_id: &str) -> ModelResult<Vec<String>> {
        self.release_server_volumes(server_id, false)
    }

    /// [`Disks::release_server`]; `delete_all` deletes every volume only
    /// this server held, whatever its flag (ECS v1 `delete_volume`).
    pub fn release_server_volumes(&mut self, server_id: &str, delete_all: bool) -> ModelResult<Vec<String>> {
        let mut deleted = Vec::new();
        for (v, a) in self.server_volumes(server_id)? {
            let mut v = self.detach(&v.id, server_id)?;
            if (delete_all || a.delete_on_termination) && v.attachments.is_empty() {
                if self.cfg.settle_seconds <= 0 {
                    self.remove(VOLUME, &v.id)?;
                } else {
                    v.enter("deleting", None, self.now);
                    self.save(&v)?;
                }
                deleted.push(v.id);
            }
        }
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::Bench;

    fn spec(server: &str) -> AttachSpec<'_> {
        AttachSpec { server_id: server, zone: "eu-de-01", delete_on_termination: false, boot_index: None }
    }

    fn image() -> ImageInfo {
        ImageInfo {
            id: "img".into(),
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
    fn attach_detach_moves_the_status() {
        let mut b = Bench::new(2);
        let mk = VolumeSpec { size: Some(10), availability_zone: Some("eu-de-01".into()), ..VolumeSpec::default() };
        let v = b.run("p1", |d| d.create_volumes(mk.clone())).unwrap().remove(0);
        assert!(matches!(b.run("p1", |d| d.attach(&v.id, &spec("s1"))), Err(Fault::Refused(Why::State, _))), "still creating");
        b.advance(2);
        let a = b.run("p1", |d| d.attach(&v.id, &spec("s1"))).unwrap();
        assert_eq!(a.device, "/dev/vdb");
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "attaching");
        b.advance(2);
        let now = b.run("p1", |d| d.volume(&v.id)).unwrap();
        assert_eq!((now.status.as_str(), now.attachments.len()), ("in-use", 1));
        assert!(matches!(b.run("p1", |d| d.delete_volume(&v.id, false)), Err(Fault::Refused(Why::DeleteState, _))), "in use");
        assert!(b.run("p1", |d| d.attach(&v.id, &spec("s2"))).is_err(), "not shared");
        let other = b.run("p1", |d| d.create_volumes(mk.clone())).unwrap().remove(0);
        b.advance(2);
        assert_eq!(b.run("p1", |d| d.attach(&other.id, &spec("s1"))).unwrap().device, "/dev/vdc");
        let far = AttachSpec { zone: "eu-de-02", ..spec("s3") };
        assert!(matches!(b.run("p1", |d| d.attach(&other.id, &far)), Err(Fault::Refused(..))));
        let d = b.run("p1", |d| d.detach(&v.id, "s1")).unwrap();
        assert_eq!((d.status.as_str(), d.attachments.len()), ("detaching", 0));
        b.advance(2);
        assert_eq!(b.run("p1", |d| d.volume(&v.id)).unwrap().status, "available");
        assert_eq!(b.run("p1", |d| d.server_volumes("s1")).unwrap().len(), 1);
    }

    #[test]
    fn system_volume_and_release() {
        let b = Bench::new(0);
        let boot = AttachSpec { delete_on_termination: true, boot_index: Some(0), ..spec("s1") };
        let (v, a) = b.run("p1", |d| d.create_system_volume(image(), None, Some("SSD".into()), &boot)).unwrap();
        assert_eq!((a.device.as_str(), v.size, v.bootable), ("/dev/vda", 4, true));
        let got = b.run("p1", |d| d.volume(&v.id)).unwrap();
        assert_eq!(got.status, "in-use");
        assert_eq!(got.image.as_ref().map(|i| i.id.as_str()), Some("img"));
        let data = b
            .run("p1", |d| {
                let x = d.create_volumes(VolumeSpec { size: Some(10), ..VolumeSpec::default() })?.remove(0);
                d.attach(&x.id, &spec("s1"))?;
                Ok(x)
            })
            .unwrap();
        assert_eq!(b.run("p1", |d| d.release_server("s1")).unwrap(), vec![v.id.clone()]);
        assert!(b.run("p1", |d| d.volume(&v.id)).is_err(), "deleted on termination");
        assert_eq!(b.run("p1", |d| d.volume(&data.id)).unwrap().status, "available", "kept and detached");
    }
}
