//! The model's faults in each API family's terms. Cinder (v2/v3) answers
//! `{"<fault>": {"code": <status>, "message"}}` with Cinder's statuses
//! (400, 404, 413 for quotas); the native API (`cloudvolumes`,
//! `os-vendor-*`, `cloudsnapshots`, jobs) `{"error": {"code": "EVS.xxxx",
//! "message"}}` with the appendix's codes (`evs/appendix/error_codes.rst`).

use crate::model::{Fault, Over, Res, Why};
use otc_core::ApiError;

/// The appendix's code and message for a refusal.
fn evs_code(why: Why) -> (&'static str, &'static str) {
    match why {
        Why::Body => ("EVS.5400", "Malformed request body."),
        Why::Name => ("EVS.1003", "invalid volume name!"),
        Why::Description => ("EVS.1004", "invalid volume description!"),
        Why::Metadata => ("EVS.1057", "invalid metadata!"),
        Why::Size => ("EVS.1010", "invalid volume size!"),
        Why::Zone => ("EVS.1036", "invalid availability zone!"),
        Why::VolumeType => ("EVS.1020", "invalid volume type!"),
        Why::Sources => ("EVS.1016", "Invalid input received: May specify only one of imageRef, snapshot_id, backup_id!"),
        Why::Unsupported => ("EVS.1006", "invalid backup id!"),
        Why::Image => ("EVS.2046", "invalid imageRef!"),
        Why::Snapshot => ("EVS.2045", "invalid snapshot_id!"),
        Why::SnapshotState => ("EVS.2043", "The status of snapshot is not available or backing-up."),
        Why::SnapshotType => ("EVS.2096", "Target volumeType is not matched with snapshot!"),
        Why::SnapshotZone => ("EVS.2054", "Cannot create volume from snapshot as the az is invalid!"),
        Why::Count => ("EVS.1021", "the quantity of volume is invalid!"),
        Why::ExtendSize => ("EVS.1015", "new volume Size must be greater than old Size!"),
        Why::ExtendState => ("EVS.1064", "volume status must be available or in-use when extending!"),
        Why::ExtendShared => ("EVS.1065", "multiattach volume status must be available when extending!"),
        Why::DeleteState | Why::HasSnapshots => {
            ("EVS.1046", "volume status must be available, error, error_extending, error_restoring, error_rollbacking when delete volume!")
        }
        Why::SnapshotDeleteState => ("EVS.1047", "snapshot status must be available or error when delete snapshot!"),
        Why::State => ("EVS.5400", "Must specify a valid status."),
        Why::Tag => ("EVS.1062", "invalid tag!"),
        Why::TagCount => ("EVS.1061", "The Volume Tags is Exceed Max Limit Num."),
        Why::Limit => ("EVS.1023", "invalid filter limit!"),
        Why::Marker => ("EVS.1024", "invalid filter marker!"),
        Why::SortKey => ("EVS.1039", "invalid sort_key!"),
        Why::SortDir => ("EVS.1040", "invalid sort_dir!"),
        Why::Forbidden => ("EVS.5403", "Policy check failed."),
        Why::Required => ("EVS.2083", "AZ and volume type must not be empty or null!"),
        Why::Retype => ("EVS.2087", "retype failed. please make sure that type is supported and the new one is higher than origin"),
        Why::AuthKey => ("EVS.5400", "Invalid auth key."),
        Why::NothingToUpdate => ("EVS.1007", "volume name and description can not both be empty!"),
    }
}

/// A Cinder refusal: `badRequest` 400 unless said otherwise.
pub fn cinder_bad(msg: impl Into<String>) -> ApiError {
    ApiError::new(400, "EVS.5400", msg).with_kind("badRequest")
}

/// A Cinder "not found".
pub fn cinder_not_found(msg: impl Into<String>) -> ApiError {
    ApiError::new(404, "EVS.5404", msg).with_kind("itemNotFound")
}

/// A fault in Cinder's words.
pub fn cinder(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(_, m) => cinder_not_found(m),
        // An unknown volume type is Cinder's VolumeTypeNotFoundByName (404).
        Fault::Refused(Why::VolumeType, m) if m.contains("could not be found") => cinder_not_found(m),
        Fault::Refused(Why::Forbidden, m) => ApiError::new(403, "EVS.5403", m).with_kind("forbidden"),
        Fault::Refused(why, m) => ApiError::new(400, evs_code(why).0, m).with_kind("badRequest"),
        Fault::Quota(_, m) => ApiError::new(413, "EVS.5413", m).with_kind("overLimit"),
        Fault::Storage(m) => ApiError::internal(m),
    }
}

/// A native refusal with the appendix's code; `detail` follows its message.
pub fn native_bad(why: Why, detail: &str) -> ApiError {
    let (code, msg) = evs_code(why);
    let status = if why == Why::Forbidden { 403 } else { 400 };
    ApiError::new(status, code, if detail.is_empty() { msg.to_string() } else { format!("{msg} {detail}") })
}

/// A fault in the native API's words.
pub fn native(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(Res::Job, m) => ApiError::new(400, "Common.0011", format!("query job fail. {m}")),
        Fault::NotFound(_, m) => ApiError::new(404, "EVS.5404", format!("Resource(Volume, Snapshot, Backup .etc) cound not be found. {m}")),
        Fault::Refused(why, m) => native_bad(why, &m),
        Fault::Quota(Over::Volumes, m) => ApiError::new(400, "EVS.1034", format!("volume count exceeded volume count quota! {m}")),
        Fault::Quota(Over::Gigabytes | Over::PerVolume, m) => {
            ApiError::new(400, "EVS.1042", format!("volume gigabytes exceeded volume gigabytes quota! {m}"))
        }
        Fault::Quota(Over::Snapshots, m) => ApiError::new(413, "EVS.5413", format!("Insufficient volume quota. {m}")),
        Fault::Storage(m) => ApiError::new(500, "EVS.5500", format!("Internal server error. {m}")),
    }
}

/// How the gateway words a body it could not parse for EVS operations:
/// one error both families render (Cinder shows the status as the code).
pub fn bad_body(msg: &str) -> ApiError {
    ApiError::new(400, "EVS.5400", format!("Malformed request body. {msg}")).with_kind("badRequest")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_words_a_fault() {
        let f = Fault::Refused(Why::ExtendSize, "New size for extend must be greater than current size.".into());
        let c = cinder(f.clone());
        assert_eq!((c.status, c.kind.as_deref()), (400, Some("badRequest")));
        let n = native(f);
        assert_eq!((n.status, n.code.as_str()), (400, "EVS.1015"));
        assert_eq!(cinder(Fault::Quota(Over::Volumes, "x".into())).status, 413);
        assert_eq!(native(Fault::Quota(Over::Volumes, "x".into())).code, "EVS.1034");
        assert_eq!(cinder(Fault::NotFound(Res::Volume, "x".into())).kind.as_deref(), Some("itemNotFound"));
        assert_eq!(cinder(Fault::Refused(Why::VolumeType, "Volume type with name X could not be found.".into())).status, 404);
    }
}
