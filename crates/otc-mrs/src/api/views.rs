//! What clusters and hosts look like on the wire: the Go client's types
//! (digit strings for counts, 10-digit epoch strings for times, the
//! `tags` string `k1=v1,k2=v2`), which the Python clients coerce anyway.

use crate::model::nodes::compute_refusal;
use crate::model::{Cluster, Clusters, MrsResult, Node, Role};
use serde_json::{json, Value};

fn epoch(t: otc_core::time::Timestamp) -> String {
    t.timestamp().to_string()
}

fn group_view(c: &Cluster, g: &crate::model::NodeGroup) -> Value {
    json!({
        "groupName": g.group_name, "nodeNum": g.node_num, "nodeSize": g.node_size,
        "nodeSpecId": "", "nodeProductId": "", "vmProductId": "", "vmSpecCode": g.ecs_flavor(),
        "rootVolumeSize": g.root_volume_size, "rootVolumeProductId": "", "rootVolumeType": g.root_volume_type,
        "rootVolumeResourceSpecCode": "", "rootVolumeResourceType": "",
        "dataVolumeType": g.data_volume_type, "dataVolumeCount": g.data_volume_count, "dataVolumeSize": g.data_volume_size,
        "dataVolumeProductId": "", "dataVolumeResourceSpecCode": "", "dataVolumeResourceType": "",
        "clusterId": c.id,
    })
}

/// A cluster as `cluster_infos` shows it.
pub fn cluster_view(m: &mut Clusters<'_, '_, '_>, c: &Cluster) -> MrsResult<Value> {
    let (stage, manager) = m.stage(c);
    let master = c.group_of(Role::Master).cloned();
    let core = c.group_of(Role::Core).cloned();
    let first_master_ip = c.nodes.iter().find(|n| c.groups[n.group].role == Role::Master).map(|n| n.ip.clone()).unwrap_or_default();
    let tags = c.tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>().join(",");
    let components: Vec<Value> = c
        .components
        .iter()
        .map(|n| {
            json!({"componentId": format!("{}_{}", c.version, crate::model::components::id_suffix(n)),
                "componentName": n, "componentVersion": "", "componentDesc": n})
        })
        .collect();
    let total = c.groups.iter().map(|g| g.node_num).sum::<u32>();
    let (mn, cn) = (c.count(Role::Master), c.count(Role::Core));
    let zone_name = m.m.cfg.zones(m.m.net.region).into_iter().find(|z| *z == c.zone).unwrap_or_default();
    Ok(json!({
        "clusterId": c.id, "clusterName": c.name,
        "masterNodeNum": mn.to_string(), "coreNodeNum": cn.to_string(), "totalNodeNum": total.to_string(),
        "clusterState": c.state,
        "createAt": epoch(c.created_at), "updateAt": epoch(c.updated_at), "chargingStartTime": epoch(c.created_at),
        "billingType": "Metered", "dataCenter": c.data_center, "vpc": c.vpc_name, "vpcId": c.vpc_id, "fee": "0",
        "hadoopVersion": "", "duration": "0",
        "masterNodeSize": master.as_ref().map(|g| g.node_size.clone()).unwrap_or_default(),
        "coreNodeSize": core.as_ref().map(|g| g.node_size.clone()).unwrap_or_default(),
        "componentList": components,
        "externalIp": first_master_ip, "externalAlternateIp": "", "internalIp": first_master_ip,
        "deploymentId": "", "remark": c.remark, "orderId": "",
        "azId": c.az, "azName": zone_name, "azCode": c.zone,
        "masterNodeProductId": "", "masterNodeSpecId": "", "coreNodeProductId": "", "coreNodeSpecId": "",
        "instanceId": c.id, "vnc": "", "tenantId": c.project_id, "volumeSize": c.volume_size, "volumeType": c.volume_type,
        "subnetId": c.subnet_id, "subnetName": c.subnet_name,
        "securityGroupsId": c.security_group_id, "slaveSecurityGroupsId": c.security_group_id,
        "bootstrapScripts": [],
        "stageDesc": stage, "mrsManagerFinish": manager, "isMrsManagerFinish": manager,
        "safeMode": c.safe_mode, "clusterVersion": c.version, "nodePublicCertName": c.key_name.clone().unwrap_or_default(),
        "masterNodeIp": first_master_ip, "privateIpFirst": first_master_ip, "errorInfo": c.error_info,
        "tags": tags, "clusterType": c.cluster_type, "logCollection": c.log_collection,
        "enterpriseProjectId": c.enterprise_project_id, "availabilityZoneId": c.az,
        "masterDataVolumeType": master.as_ref().map(|g| g.data_volume_type.clone()).unwrap_or_default(),
        "masterDataVolumeSize": master.as_ref().map_or(0, |g| g.data_volume_size),
        "masterDataVolumeCount": master.as_ref().map_or(0, |g| g.data_volume_count),
        "coreDataVolumeType": core.as_ref().map(|g| g.data_volume_type.clone()).unwrap_or_default(),
        "coreDataVolumeSize": core.as_ref().map_or(0, |g| g.data_volume_size),
        "coreDataVolumeCount": core.as_ref().map_or(0, |g| g.data_volume_count),
        "nodeGroups": c.groups.iter().filter(|g| g.role != Role::Task).map(|g| group_view(c, g)).collect::<Vec<_>>(),
        "taskNodeGroups": c.groups.iter().filter(|g| g.role == Role::Task).map(|g| group_view(c, g)).collect::<Vec<_>>(),
        "scale": if c.state.starts_with("scaling") { c.state.as_str() } else { "" },
    }))
}

/// A node as `hosts` shows it: its server's status and flavor.
pub fn host_view(m: &mut Clusters<'_, '_, '_>, c: &Cluster, n: &Node) -> MrsResult<Value> {
    let g = &c.groups[n.group];
    // A node whose server someone deleted through ECS stays a node of the
    // cluster (MRS does not notice); it shows as Nova shows a deleted server.
    let (status, zone) = match m.m.server(&n.server_id) {
        Ok(s) => (s.view().status.to_string(), s.availability_zone),
        Err(otc_compute::model::Fault::NotFound(_)) => ("DELETED".to_string(), c.zone.clone()),
        Err(f) => return Err(compute_refusal(f).into()),
    };
    let flavor = m.m.cfg.flavor(g.ecs_flavor()).cloned();
    Ok(json!({
        "id": n.server_id, "name": n.name, "ip": n.ip, "status": status,
        "flavor": g.node_size, "type": g.role.label(),
        "mem": flavor.as_ref().map_or(0, |f| f.ram).to_string(), "cpu": flavor.as_ref().map_or(0, |f| f.vcpus).to_string(),
        "root_volume_size": g.root_volume_size.to_string(),
        "data_volume_type": g.data_volume_type, "data_volume_size": g.data_volume_size, "data_volume_count": g.data_volume_count,
        "availability_zone_id": zone, "node_group_name": g.group_name,
    }))
}
