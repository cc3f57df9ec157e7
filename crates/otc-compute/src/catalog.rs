//! What the region offers: the flavor and public image catalogues, as OTC
//! names them. Both are configuration (`[compute]` in the config file);
//! these are the defaults.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Flavor {
    /// On OTC the flavor id is its name (`s3.medium.1`).
    pub name: String,
    pub vcpus: u32,
    /// MiB.
    pub ram: u32,
    /// `ecs:performancetype` (normal, computingv3, highmem, ...).
    #[serde(default = "default_performance")]
    pub performance_type: String,
}

fn default_performance() -> String {
    "normal".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub name: String,
    /// `Linux` or `Windows` (`__os_type`).
    pub os_type: String,
    /// e.g. `Debian GNU/Linux 11 (bullseye) 64bit` (`__os_version`).
    pub os_version: String,
    /// GiB.
    pub min_disk: u32,
    /// MiB.
    #[serde(default)]
    pub min_ram: u32,
    #[serde(default = "default_disk_format")]
    pub disk_format: String,
    /// Bytes.
    #[serde(default = "default_size")]
    pub size: u64,
}

fn default_disk_format() -> String {
    "zvhd2".into()
}

fn default_size() -> u64 {
    2_147_483_648
}

/// When the public images were registered: their creation and update time
/// in both image APIs (Glance's `created_at`, Nova's `created`), the same on
/// every start.
pub const PUBLISHED: &str = "2024-01-01T00:00:00Z";

impl Image {
    /// A stable id per name, so ids survive restarts and configuration reloads.
    pub fn id(&self) -> String {
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("otc-emulator/image/{}", self.name).as_bytes()).to_string()
    }

    /// The properties IMS sets on a public image beyond Glance's core
    /// attributes: Glance shows them as top-level fields, Nova as the
    /// image's `metadata`. All values are strings, as both APIs type them.
    pub fn properties(&self) -> serde_json::Map<String, serde_json::Value> {
        let platform = self.name.split('_').nth(1).unwrap_or("");
        [
            ("__os_type", self.os_type.as_str()),
            ("__os_version", self.os_version.as_str()),
            ("__platform", platform),
            ("__imagetype", "gold"),
            ("__isregistered", "true"),
            ("__support_kvm", "true"),
            ("__os_bit", "64"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
        .collect()
    }
}

fn flavor(name: &str, vcpus: u32, ram_gib: u32, perf: &str) -> Flavor {
    Flavor { name: name.into(), vcpus, ram: ram_gib * 1024, performance_type: perf.into() }
}

pub fn default_flavors() -> Vec<Flavor> {
    vec![
        flavor("s3.small.1", 1, 1, "normal"),
        flavor("s3.medium.1", 1, 1, "normal"),
        flavor("s3.medium.2", 1, 2, "normal"),
        flavor("s3.medium.4", 1, 4, "normal"),
        flavor("s3.large.1", 2, 2, "normal"),
        flavor("s3.large.2", 2, 4, "normal"),
        flavor("s3.large.4", 2, 8, "normal"),
        flavor("s3.xlarge.1", 4, 4, "normal"),
        flavor("s3.xlarge.2", 4, 8, "normal"),
        flavor("s3.xlarge.4", 4, 16, "normal"),
        flavor("s3.2xlarge.2", 8, 16, "normal"),
        flavor("s3.2xlarge.4", 8, 32, "normal"),
        flavor("c4.large.2", 2, 4, "computingv3"),
        flavor("c4.xlarge.2", 4, 8, "computingv3"),
        flavor("c4.2xlarge.2", 8, 16, "computingv3"),
        flavor("m3.large.8", 2, 16, "highmem"),
        flavor("m3.xlarge.8", 4, 32, "highmem"),
    ]
}

fn image(name: &str, os_type: &str, os_version: &str, min_disk: u32) -> Image {
    Image {
        name: name.into(),
        os_type: os_type.into(),
        os_version: os_version.into(),
        min_disk,
        min_ram: 0,
        disk_format: default_disk_format(),
        size: default_size(),
    }
}

pub fn default_images() -> Vec<Image> {
    vec![
        image("Standard_Debian_11_latest", "Linux", "Debian GNU/Linux 11 (bullseye) 64bit", 4),
        image("Standard_Debian_12_latest", "Linux", "Debian GNU/Linux 12 (bookworm) 64bit", 4),
        image("Standard_Ubuntu_22.04_latest", "Linux", "Ubuntu 22.04 server 64bit", 4),
        image("Standard_Ubuntu_24.04_latest", "Linux", "Ubuntu 24.04 server 64bit", 4),
        image("Standard_openSUSE_15_latest", "Linux", "OpenSUSE 15.5 64bit", 4),
        image("Standard_CentOS_Stream_9_latest", "Linux", "CentOS Stream 9 64bit", 4),
        image("Standard_Windows_2022_DC_latest", "Windows", "Windows Server 2022 Datacenter 64bit", 40),
    ]
}
