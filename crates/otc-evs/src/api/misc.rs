//! What Cinder v2/v3 tells about the region and the project: volume
//! types, availability zones, quotas (`os-quota-sets`, with usage or
//! flat), absolute limits and the extension list.

use super::cinder::{answer, microversion};
use super::*;
use crate::errors::cinder_not_found;
use crate::model::types::{self, VolumeType};
use crate::model::zones;
use crate::Evs;
use otc_core::api::Reply;
use serde_json::json;

fn type_json(t: &VolumeType, region: &str) -> Value {
    let zs = zones(region).join(",");
    json!({
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "is_public": true,
        "qos_specs_id": null,
        "os-volume-type-access:is_public": true,
        "extra_specs": {
            "volume_backend_name": t.name,
            "availability-zone": zs,
            "HW:availability_zone": zs,
            "RESKEY:availability_zones": zs,
        },
    })
}

/// The extensions EVS lists that the emulator serves.
const EXTENSIONS: [(&str, &str, &str); 11] = [
    ("os-volume-transfer", "VolumeTransfer", "Volume transfer management support."),
    ("OS-SCH-HNT", "SchedulerHints", "Pass arbitrary key/value pairs to the scheduler."),
    ("os-vol-tenant-attr", "VolumeTenantAttribute", "Expose the internal project_id as an attribute of a volume."),
    ("os-quota-sets", "Quotas", "Quota management support."),
    ("os-volume-actions", "VolumeActions", "Enable volume actions."),
    ("os-vol-host-attr", "VolumeHostAttribute", "Show host attribute of a volume."),
    ("os-availability-zone", "AvailabilityZones", "Describe Availability Zones."),
    ("os-vol-mig-status-attr", "VolumeMigStatusAttribute", "Expose migration_status as an attribute of a volume."),
    ("os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "Extended SnapshotAttributes support."),
    ("os-vol-image-meta", "VolumeImageMetadata", "Show image metadata associated with the volume."),
    ("os-used-limits", "UsedLimits", "Provide data on limited resources that are being used."),
];

impl Evs {
    fn region<'a>(&self, input: &'a Input<'_>) -> ApiResult<&'a str> {
        Ok(input.ctx()?.region.as_deref().unwrap_or("eu-de"))
    }

    pub fn list_types(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let region = self.region(input)?;
        let all: Vec<Value> = types::all().iter().map(|t| type_json(t, region)).collect();
        answer(200, &json!({"volume_types": all}), api, mv)
    }

    pub fn show_type(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("type_id");
        let t = types::find(id).ok_or_else(|| cinder_not_found(format!("Volume type {id} could not be found.")))?;
        answer(200, &json!({"volume_type": type_json(&t, self.region(input)?)}), api, mv)
    }

    pub fn availability_zones(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let info: Vec<Value> =
            zones(self.region(input)?).into_iter().map(|z| json!({"zoneName": z, "zoneState": {"available": true}})).collect();
        answer(200, &json!({"availabilityZoneInfo": info}), api, mv)
    }

    /// The target must be the caller's project (a project sees only its
    /// own quotas).
    fn quota_target(&self, input: &Input<'_>) -> ApiResult<String> {
        let target = input.param("target_project_id");
        if Some(target) != input.ctx()?.project() {
            return Err(Fam::Cinder.bad(Why::Forbidden, "Policy doesn't allow volume_extension:quotas:show to be performed."));
        }
        Ok(target.to_string())
    }

    /// `?usage=True`: each quota an object of `limit`, `in_use`,
    /// `reserved` (the documented form); otherwise the limits alone, which
    /// python-openstackclient asks for (`usage=False`).
    pub fn quota_set(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let usage = query_flag(input, "usage", Fam::Cinder)?;
        let target = self.quota_target(input)?;
        let lines = self.cinder_run(input, |d| d.quota_lines())?;
        let mut set = serde_json::Map::new();
        set.insert("id".into(), json!(target));
        for l in lines {
            let v = if usage { json!({"limit": l.quota.limit, "in_use": l.quota.used, "reserved": 0}) } else { json!(l.quota.limit) };
            set.insert(l.name, v);
        }
        answer(200, &json!({"quota_set": set}), api, mv)
    }

    /// The configured limits (`os-quota-sets/{project}/defaults`).
    pub fn quota_defaults(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let target = self.quota_target(input)?;
        let lines = self.cinder_run(input, |d| d.quota_lines())?;
        let mut set = serde_json::Map::new();
        set.insert("id".into(), json!(target));
        for l in lines {
            set.insert(l.name, json!(l.quota.limit));
        }
        answer(200, &json!({"quota_set": set}), api, mv)
    }

    /// Cinder's `/limits` (python-openstackclient's `limits show`).
    pub fn limits(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let lines = self.cinder_run(input, |d| d.quota_lines())?;
        let q = |n: &str| lines.iter().find(|l| l.name == n).map(|l| l.quota).unwrap_or(otc_core::quota::Quota { limit: -1, used: 0 });
        let (v, g, s, b, bg) = (q("volumes"), q("gigabytes"), q("snapshots"), q("backups"), q("backup_gigabytes"));
        answer(
            200,
            &json!({"limits": {"rate": [], "absolute": {
                "maxTotalVolumes": v.limit, "totalVolumesUsed": v.used,
                "maxTotalVolumeGigabytes": g.limit, "totalGigabytesUsed": g.used,
                "maxTotalSnapshots": s.limit, "totalSnapshotsUsed": s.used,
                "maxTotalBackups": b.limit, "totalBackupsUsed": b.used,
                "maxTotalBackupGigabytes": bg.limit, "totalBackupGigabytesUsed": bg.used,
            }}}),
            api,
            mv,
        )
    }

    pub fn extensions(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let all: Vec<Value> = EXTENSIONS
            .iter()
            .map(|(alias, name, description)| {
                json!({"alias": alias, "name": name, "description": description, "links": [],
                    "namespace": format!("http://docs.openstack.org/volume/ext/{alias}/api/v1"), "updated": "2013-04-18T00:00:00+00:00"})
            })
            .collect();
        answer(200, &json!({"extensions": all}), api, mv)
    }
}
