//! The disk types the reference lists (`volume_type`): the same in every
//! zone of every region, with stable ids.

/// (name, description) in the reference's order of performance.
/// Ordered by performance (the three ECS types last): a retype may only
/// go up this list.
/// GPSSD2, co-p1 and uh-l1 are not in the EVS pages but in ECS's and
/// AS's (a server's root and data volumes, an AS configuration's disks):
/// those disks are EVS volumes, so EVS knows their types.
const TYPES: [(&str, &str); 8] = [
    ("SATA", "Common I/O (end of sale)"),
    ("SAS", "High I/O"),
    ("GPSSD", "General purpose SSD"),
    ("SSD", "Ultra-high I/O"),
    ("ESSD", "Extreme SSD"),
    ("GPSSD2", "General purpose SSD V2"),
    ("co-p1", "High I/O (performance-optimized I)"),
    ("uh-l1", "Ultra-high I/O (latency-optimized)"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeType {
    pub id: String,
    pub name: &'static str,
    pub description: &'static str,
}

/// The type a Cinder create gets when it names none.
pub const DEFAULT_TYPE: &str = "SAS";

fn type_id(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("otc-emulator/volume-type/{name}").as_bytes()).to_string()
}

pub fn all() -> Vec<VolumeType> {
    TYPES.iter().map(|(name, description)| VolumeType { id: type_id(name), name, description }).collect()
}

/// Where a type stands in performance (higher is faster).
pub fn rank(name: &str) -> Option<usize> {
    TYPES.iter().position(|(n, _)| *n == name)
}

/// A type by name (what volumes carry) or by id.
pub fn find(name_or_id: &str) -> Option<VolumeType> {
    all().into_iter().find(|t| t.name == name_or_id || t.id == name_or_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_name_and_id() {
        let ssd = find("SSD").unwrap();
        assert_eq!(find(&ssd.id), Some(ssd.clone()));
        assert_eq!(ssd.id, type_id("SSD"), "ids are stable");
        assert!(find("ssd").is_none(), "names are case-sensitive");
        assert_eq!(all().len(), 8);
        assert!(find(DEFAULT_TYPE).is_some());
        assert!(rank("SAS") < rank("SSD") && rank("SSD") < rank("ESSD"));
    }
}
