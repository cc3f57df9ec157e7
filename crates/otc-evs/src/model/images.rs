//! What EVS needs to know of an image to make a volume from it. The image
//! catalogue belongs to the image service; the wiring hands EVS a lookup,
//! so this crate does not depend on compute (compute will depend on it).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    pub id: String,
    pub name: String,
    /// GB.
    pub min_disk: u32,
    /// MB.
    pub min_ram: u32,
    pub disk_format: String,
    /// Bytes.
    pub size: u64,
    /// `Linux` / `Windows`.
    pub os_type: String,
    pub os_version: String,
}

impl ImageInfo {
    /// `volume_image_metadata`: the image's properties a volume made from
    /// it carries (Terraform reads `image_id` back from it).
    pub fn volume_metadata(&self) -> Value {
        json!({
            "image_id": self.id,
            "image_name": self.name,
            "min_disk": self.min_disk.to_string(),
            "min_ram": self.min_ram.to_string(),
            "size": self.size.to_string(),
            "disk_format": self.disk_format,
            "container_format": "bare",
            "checksum": "",
            "__os_type": self.os_type,
            "__os_version": self.os_version,
            "__imagetype": "gold",
            "__support_kvm": "true",
        })
    }
}

/// Finds an image by id.
pub type ImageLookup = Arc<dyn Fn(&str) -> Option<ImageInfo> + Send + Sync>;
