//! Components by cluster version and type, as the reference's
//! run-job-flow table lists them, and the ids clusters show for them.

/// The components an analysis (0) or streaming (1) cluster of `version`
/// may have; `None` for a version the table does not know.
pub fn allowed(version: &str, cluster_type: i64) -> Option<&'static [&'static str]> {
    const STREAMING: &[&str] = &["Kafka", "Flume", "ZooKeeper", "Ranger"];
    let analysis: &'static [&'static str] = match version {
        "MRS 3.3.0-LTS.1" => &[
            "Hadoop",
            "Spark",
            "HBase",
            "Hive",
            "Loader",
            "Flink",
            "Oozie",
            "ZooKeeper",
            "HetuEngine",
            "Ranger",
            "Tez",
            "JobGateway",
            "Guardian",
            "Doris",
        ],
        "MRS 3.2.0-LTS.2" | "MRS 3.1.2-LTS.6" => {
            &["Hadoop", "Spark2x", "HBase", "Hive", "Hue", "Loader", "Flink", "Oozie", "ZooKeeper", "HetuEngine", "Ranger", "Tez"]
        }
        _ => return None,
    };
    Some(if cluster_type == 1 { STREAMING } else { analysis })
}

/// The suffix of a component's id (`MRS 3.2.0-LTS.2_001` is Hadoop).
pub fn id_suffix(name: &str) -> &'static str {
    match name {
        "Hadoop" => "001",
        "HBase" => "002",
        "Hive" => "003",
        "Spark" | "Spark2x" => "004",
        "Flink" => "006",
        "Kafka" => "008",
        "Flume" => "009",
        "Loader" => "013",
        "Hue" => "014",
        "Oozie" => "015",
        "ZooKeeper" => "019",
        "Ranger" => "022",
        "HetuEngine" => "023",
        "Tez" => "024",
        "ClickHouse" => "025",
        "IoTDB" => "026",
        "CDL" => "028",
        "JobGateway" => "033",
        "Guardian" => "034",
        "Doris" => "035",
        _ => "000",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert!(allowed("MRS 3.3.0-LTS.1", 0).unwrap().contains(&"Spark"));
        assert!(!allowed("MRS 3.2.0-LTS.2", 0).unwrap().contains(&"Spark"));
        assert_eq!(allowed("MRS 3.1.2-LTS.6", 1).unwrap(), &["Kafka", "Flume", "ZooKeeper", "Ranger"]);
        assert!(allowed("MRS 1.9.2", 0).is_none());
        assert_eq!(id_suffix("Hive"), "003");
    }
}
