//! A cluster's nodes as servers of the compute model: one server per
//! node, booted from the nodes' image with a real system disk and its data
//! disks (EVS volumes deleted with it), on a port of the cluster's subnet
//! in the cluster's security group. Compute's refusals are worded with
//! MRS's codes here.

use super::{Cluster, Clusters, MrsResult, Node, Role};
use crate::errors::{invalid, mrs_error};
use otc_compute::model::servers::{NicSpec, ServerSpec};
use otc_compute::model::volumes::{DiskSource, DiskSpec};
use otc_compute::model::{Fault, Why};
use otc_core::{ids, ApiError};
use std::collections::BTreeMap;

/// Compute's refusal met while launching nodes, in MRS's codes: the
/// quotas are 12000030-12000034 (nodes, vCPUs, memory, disks, capacity).
pub fn compute_refusal(f: Fault) -> ApiError {
    match f {
        Fault::Quota(m) if m.contains("for instances") => {
            mrs_error("12000030", "The requested number of nodes in the cluster exceeds the available quota.")
        }
        Fault::Quota(m) if m.contains("for cores") => {
            mrs_error("12000031", "The requested number of vCPUs in the cluster exceeds the available quota.")
        }
        Fault::Quota(_) => mrs_error("12000032", "The requested memory of the cluster exceeds the available quota."),
        Fault::VolumeQuota(m) if m.starts_with("VolumeLimitExceeded") => {
            mrs_error("12000033", "The requested number of disks in the cluster exceeds the available quota.")
        }
        Fault::VolumeQuota(_) => mrs_error("12000034", "The requested disk capacity of the cluster exceeds the available quota."),
        Fault::Invalid(Why::KeyPair, _) => mrs_error("12000059", "Key pair does not exist."),
        Fault::Invalid(Why::NoMoreIps, m) | Fault::Invalid(Why::Network, m) => {
            mrs_error("12000027", format!("Failed to verify the subnet when creating the cluster: {m}"))
        }
        Fault::Invalid(Why::SecurityGroup, _) => mrs_error("13000046", "Security group does not exist."),
        Fault::Invalid(Why::VolumeType, m) => mrs_error("12000139", m),
        Fault::Invalid(_, m) | Fault::Conflict(_, m) | Fault::NotFound(m) => invalid(m),
        Fault::Storage(m) => ApiError::new(500, "12000004", format!("Internal service error: {m}")),
    }
}

impl Clusters<'_, '_, '_> {
    /// The image nodes boot.
    fn node_image(&self) -> MrsResult<String> {
        let c = self.m.cfg;
        let image = match &self.cfg.image {
            Some(name) => c.image(name),
            None => c.images.iter().find(|i| i.os_type == "Linux"),
        };
        image.map(|i| i.id()).ok_or_else(|| ApiError::new(500, "12000004", "No image for the cluster's nodes is configured.").into())
    }

    /// Launches `n` servers of group `gi` of `c` and records them as nodes.
    pub fn launch(&mut self, c: &mut Cluster, gi: usize, n: u32) -> MrsResult<()> {
        let g = c.groups[gi].clone();
        let image = self.node_image()?;
        let mut disks = vec![DiskSpec {
            source: DiskSource::Image(image.clone()),
            size: Some(g.root_volume_size),
            volume_type: Some(g.root_volume_type.clone()),
            boot: true,
            delete_on_termination: true,
            passthrough: false,
            multiattach: false,
        }];
        for _ in 0..g.data_volume_count {
            disks.push(DiskSpec {
                source: DiskSource::Blank,
                size: Some(g.data_volume_size),
                volume_type: Some(g.data_volume_type.clone()),
                boot: false,
                delete_on_termination: true,
                passthrough: false,
                multiattach: false,
            });
        }
        let metadata = BTreeMap::from([("cluster_id".to_string(), c.id.clone()), ("node_group".to_string(), g.group_name.clone())]);
        let already = c.nodes.iter().filter(|x| x.group == gi).count();
        for i in 0..n {
            // The host names the reference shows: `{cluster_id}_node_master1_ASzkl`,
            // `{cluster_id}_node_core_IQhiC`.
            let kind = match g.role {
                Role::Master => format!("master{}", already + i as usize + 1),
                Role::Core => "core".into(),
                Role::Task => "task".into(),
            };
            let suffix: String = ids::hex32()[..5].to_string();
            let name = format!("{}_node_{kind}_{suffix}", c.id);
            let spec = ServerSpec {
                name: name.clone(),
                flavor_id: g.ecs_flavor().to_string(),
                image_id: image.clone(),
                key_name: c.key_name.clone(),
                availability_zone: Some(c.zone.clone()),
                nics: vec![NicSpec { network_id: Some(c.subnet_id.clone()), ..Default::default() }],
                security_groups: Some(vec![c.security_group_id.clone()]),
                metadata: metadata.clone(),
                description: format!("MRS cluster {} node", c.name),
                count: 1,
                disks: disks.clone(),
                ..Default::default()
            };
            let server = self.m.create_servers(spec)?.remove(0);
            let ports = self.m.ports_of(&server)?;
            let ip = ports.first().and_then(|p| p.fixed_ips.first()).map(|f| f.ip_address.clone()).unwrap_or_default();
            c.nodes.push(Node { server_id: server.id, name, group: gi, ip });
        }
        Ok(())
    }

    /// Deletes every node's server (with its disks and ports).
    pub fn remove_nodes(&mut self, c: &mut Cluster) -> MrsResult<()> {
        for n in std::mem::take(&mut c.nodes) {
            if self.m.server(&n.server_id).is_ok() {
                self.m.delete_server(&n.server_id).map_err(|f| {
                    ApiError::new(500, "12000020", format!("Failed to terminate the cluster: {}", compute_refusal(f).message))
                })?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_codes() {
        let q = |m: &str| compute_refusal(Fault::Quota(m.into())).code;
        assert_eq!(q("Quota exceeded for instances: Requested 1"), "12000030");
        assert_eq!(q("Quota exceeded for cores: Requested 8"), "12000031");
        assert_eq!(q("Quota exceeded for ram: Requested 8"), "12000032");
        assert_eq!(compute_refusal(Fault::VolumeQuota("VolumeLimitExceeded: x".into())).code, "12000033");
        assert_eq!(compute_refusal(Fault::VolumeQuota("VolumeSizeExceedsAvailableQuota: x".into())).code, "12000034");
    }
}
