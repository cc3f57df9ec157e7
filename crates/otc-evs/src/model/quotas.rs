//! Project quotas: what is used (volumes, their gigabytes with the
//! snapshots', as Cinder counts `gigabytes`, per type too) against the
//! configured limits. A volume or snapshot counts until it is gone.

use super::*;
use crate::EvsQuotas;
use otc_core::quota::Quota;

/// One quota line of `os-quota-sets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub name: String,
    pub quota: Quota,
}

/// Usage now.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub volumes: i64,
    pub gigabytes: i64,
    pub snapshots: i64,
    /// Per type: (volumes, volume + snapshot gigabytes, snapshots).
    pub per_type: BTreeMap<String, (i64, i64, i64)>,
}

impl Disks<'_> {
    pub fn usage(&mut self) -> ModelResult<Usage> {
        let mut u = Usage::default();
        for v in self.volumes()? {
            u.volumes += 1;
            u.gigabytes += v.size as i64;
            let t = u.per_type.entry(v.volume_type.clone()).or_default();
            t.0 += 1;
            t.1 += v.size as i64;
        }
        for s in self.snapshots()? {
            u.snapshots += 1;
            u.gigabytes += s.size as i64;
            let t = u.per_type.entry(s.volume_type.clone()).or_default();
            t.1 += s.size as i64;
            t.2 += 1;
        }
        Ok(u)
    }

    /// The quota set in Cinder's order of keys (`usage` decides whether the
    /// API shows objects or bare limits).
    pub fn quota_lines(&mut self) -> ModelResult<Vec<Line>> {
        let q: EvsQuotas = self.cfg.quotas.clone();
        let u = self.usage()?;
        let line = |name: &str, limit: i64, used: i64| Line { name: name.to_string(), quota: Quota { limit, used } };
        let mut out = vec![
            line("volumes", q.volumes, u.volumes),
            line("snapshots", q.snapshots, u.snapshots),
            line("gigabytes", q.gigabytes, u.gigabytes),
            line("backups", q.backups, 0),
            line("backup_gigabytes", q.backup_gigabytes, 0),
            line("per_volume_gigabytes", q.per_volume_gigabytes, 0),
        ];
        for t in types::all() {
            let (v, g, s) = u.per_type.get(t.name).copied().unwrap_or_default();
            out.push(line(&format!("volumes_{}", t.name), Quota::UNLIMITED, v));
            out.push(line(&format!("gigabytes_{}", t.name), Quota::UNLIMITED, g));
            out.push(line(&format!("snapshots_{}", t.name), Quota::UNLIMITED, s));
        }
        Ok(out)
    }

    /// Refuses `volumes` more volumes of `gigabytes` more GB, the largest
    /// `largest` GB, beyond the quotas.
    pub(crate) fn check_volume_quota(&mut self, volumes: i64, gigabytes: i64, largest: i64) -> ModelResult<()> {
        let q = self.cfg.quotas.clone();
        if q.per_volume_gigabytes != Quota::UNLIMITED && largest > q.per_volume_gigabytes {
            return Err(Fault::Quota(
                Over::PerVolume,
                format!(
                    "VolumeSizeExceedsLimit: Requested volume size {largest}G is larger than maximum allowed limit {}G.",
                    q.per_volume_gigabytes
                ),
            ));
        }
        let u = self.usage()?;
        if !(Quota { limit: q.volumes, used: u.volumes }).allows(volumes) {
            return Err(Fault::Quota(
                Over::Volumes,
                format!("VolumeLimitExceeded: Maximum number of volumes allowed ({}) exceeded for quota 'volumes'.", q.volumes),
            ));
        }
        if !(Quota { limit: q.gigabytes, used: u.gigabytes }).allows(gigabytes) {
            return Err(Fault::Quota(
                Over::Gigabytes,
                format!(
                    "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. \
                     Requested {gigabytes}G, quota is {}G and {}G has been consumed.",
                    q.gigabytes, u.gigabytes
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_snapshot_quota(&mut self, gigabytes: i64) -> ModelResult<()> {
        let q = self.cfg.quotas.clone();
        let u = self.usage()?;
        if !(Quota { limit: q.snapshots, used: u.snapshots }).allows(1) {
            return Err(Fault::Quota(
                Over::Snapshots,
                format!("SnapshotLimitExceeded: Maximum number of snapshots allowed ({}) exceeded.", q.snapshots),
            ));
        }
        if !(Quota { limit: q.gigabytes, used: u.gigabytes }).allows(gigabytes) {
            return Err(Fault::Quota(
                Over::Gigabytes,
                format!(
                    "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. \
                     Requested {gigabytes}G, quota is {}G and {}G has been consumed.",
                    q.gigabytes, u.gigabytes
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshots::SnapshotSpec;
    use crate::model::testing::Bench;
    use crate::model::volumes::VolumeSpec;

    #[test]
    fn count_and_gigabytes_are_enforced() {
        let mut b = Bench::new(0);
        b.cfg.quotas = EvsQuotas { volumes: 2, gigabytes: 50, snapshots: 1, ..EvsQuotas::default() };
        let spec = |size| VolumeSpec { size: Some(size), ..VolumeSpec::default() };
        let v = b.run("p1", |d| d.create_volumes(spec(20))).unwrap().remove(0);
        assert!(matches!(b.run("p1", |d| d.create_volumes(spec(40))), Err(Fault::Quota(Over::Gigabytes, _))));
        b.run("p1", |d| d.create_volumes(spec(20))).unwrap();
        assert!(matches!(b.run("p1", |d| d.create_volumes(spec(10))), Err(Fault::Quota(Over::Volumes, _))));
        assert!(b.run("p2", |d| d.create_volumes(spec(10))).is_ok(), "quotas are per project");
        // Snapshots count into gigabytes (40 used + 20 > 50).
        let snap = SnapshotSpec { volume_id: v.id.clone(), ..SnapshotSpec::default() };
        assert!(matches!(b.run("p1", |d| d.create_snapshot(snap.clone())), Err(Fault::Quota(Over::Gigabytes, _))));
        assert!(matches!(b.run("p1", |d| d.extend_volume(&v.id, 31)), Err(Fault::Quota(Over::Gigabytes, _))));
        b.run("p1", |d| d.extend_volume(&v.id, 30)).unwrap();
        let lines = b.run("p1", |d| d.quota_lines()).unwrap();
        let g = lines.iter().find(|l| l.name == "gigabytes").unwrap();
        assert_eq!((g.quota.limit, g.quota.used), (50, 50));
        let sas = lines.iter().find(|l| l.name == "volumes_SAS").unwrap();
        assert_eq!((sas.quota.limit, sas.quota.used), (-1, 2));
    }
}
