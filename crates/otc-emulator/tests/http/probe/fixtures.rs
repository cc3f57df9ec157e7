//! One of every resource kind in one project, each id recorded under the
//! path-parameter names (and body field names) that name it, so generated
//! probes can fill any documented path or body of that project.

use crate::netkit::{id, Api};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Ids by parameter name. A name may be qualified by service or family
/// (`vpc:subnet_id` is a v1 subnet, `Neutron:subnet_id` a Neutron subnet)
/// where one name means different things on different APIs.
#[derive(Default, Clone)]
pub struct Fixtures {
    ids: BTreeMap<String, Vec<String>>,
    /// Ids of what the project owns (scanned for in other projects' answers).
    pub owned: Vec<String>,
    /// Ids of what the project's domain and user own (other domains only).
    pub domain_owned: Vec<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Own {
    Project,
    Domain,
    /// Catalog or configuration: the same for everybody.
    Shared,
}

impl Fixtures {
    fn add(&mut self, names: &[&str], value: &str, own: Own) {
        for n in names {
            self.ids.entry(n.to_string()).or_default().push(value.to_string());
        }
        match own {
            Own::Project => self.owned.push(value.to_string()),
            Own::Domain => self.domain_owned.push(value.to_string()),
            Own::Shared => {}
        }
    }

    /// The id for `param` on an operation of `service` in `family`: the
    /// most specific name wins.
    pub fn get(&self, service: &str, family: &str, param: &str) -> Option<&str> {
        [format!("{service}:{param}"), format!("{family}:{param}"), param.to_string()]
            .iter()
            .find_map(|k| self.ids.get(k).and_then(|v| v.first()))
            .map(String::as_str)
    }

    /// Every owned id recorded under `param`, whatever the qualifier.
    pub fn all_owned(&self, param: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .ids
            .iter()
            .filter(|(k, _)| k.as_str() == param || k.ends_with(&format!(":{param}")))
            .flat_map(|(_, v)| v.iter().map(String::as_str))
            .filter(|v| self.owned.iter().chain(&self.domain_owned).any(|o| o == v))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn is_owned(&self, v: &str) -> bool {
        self.owned.iter().chain(&self.domain_owned).any(|o| o == v)
    }
}

fn image() -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == "Standard_Debian_11_latest").unwrap().id()
}

fn str_at(v: &Value, ptr: &str) -> String {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or_else(|| panic!("no {ptr} in {v}")).to_string()
}

/// Creates everything in `api`'s project. `region` prefixes sub-project names.
pub async fn create_all(api: &Api<'_>, region: &str) -> Fixtures {
    let mut f = Fixtures::default();
    let p = Own::Project;
    let static_ids: [(&[&str], &str); 13] = [
        (&["flavor_id", "flavorRef"], "s3.medium.1"),
        (&["region_id"], region),
        (&["alias"], "security-group"),
        (&["vpc:api_version"], "v2.0"),
        (&["ecs:api_version"], "v2.1"),
        (&["as:api_version"], "v1"),
        (&["option"], "password_regex"),
        (&["vpn:resource_type"], "vpn-gateway"),
        (&["as:resource_type"], "scaling_group_tag"),
        (&["key"], "probe"),
        (&["lifecycle_hook_name"], "probe-hook"),
        (&["sfs:api_version"], "v2"),
        (&["share_type_id"], "default"),
    ];
    for (names, v) in static_ids {
        f.add(names, v, Own::Shared);
    }
    f.add(&["image_id", "imageRef"], &image(), Own::Shared);
    f.add(&["project_id", "tenant_id"], &api.pid, Own::Shared);

    // Compute: a key pair (its name is its id, per user and region).
    api.create("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "probe-key"}}), 200, "keypair").await;
    f.add(&["keypair_name", "key_name"], "probe-key", p);

    // Network: a VPC with a subnet, a port, a private IP, a group and a rule.
    let (vpc, net) = api.vpc_with_subnet("10.40.0.0/16", "10.40.1.0/24", "10.40.1.1").await;
    f.add(&["vpc_id", "router_id", "vpcid"], &vpc, p);
    f.add(&["network_id", "subnet_id", "connect_subnet"], &net, p);
    let o = api.get(&format!("/v2.0/subnets?network_id={net}")).await;
    let subnet = id(&o.body["subnets"][0]);
    f.add(&["Neutron:subnet_id", "vpn-classic:subnet_id"], &subnet, p);
    let port = id(&api.create("/v2.0/ports", json!({"port": {"network_id": net}}), 201, "port").await);
    f.add(&["port_id"], &port, p);
    let o = api.post("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": net}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["privateip_id"], &str_at(&o.body, "/privateips/0/id"), p);
    let sg = id(&api.create("/v1/{pid}/security-groups", json!({"security_group": {"name": "probe-sg"}}), 200, "security_group").await);
    f.add(&["security_group_id", "remote_group_id"], &sg, p);
    let rule = json!({"security_group_rule": {"security_group_id": sg, "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}});
    let rule = id(&api.create("/v2.0/security-group-rules", rule, 201, "security_group_rule").await);
    f.add(&["security_group_rule_id"], &rule, p);

    // EIPs with their bandwidths, and a shared bandwidth.
    let mut eips = Vec::new();
    for _ in 0..3 {
        let body = json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "probe-bw", "size": 5, "share_type": "PER", "charge_mode": "traffic"}});
        let e = api.create("/v1/{pid}/publicips", body, 200, "publicip").await;
        eips.push((id(&e), str_at(&e, "/bandwidth_id")));
    }
    f.add(&["publicip_id", "floatingip_id", "vpc:resource_id"], &eips[0].0, p);
    f.add(&["bandwidth_id"], &eips[0].1, p);
    let shared =
        id(&api.create("/v2.0/{pid}/bandwidths", json!({"bandwidth": {"name": "probe-shared", "size": 10}}), 200, "bandwidth").await);
    f.add(&["bandwidth_id"], &shared, p);
    // A peering of the VPC with a second one of the project.
    let peer_vpc = id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "probe-peer", "cidr": "10.41.0.0/16"}}), 200, "vpc").await);
    let body = json!({"peering": {"name": "probe-peering", "request_vpc_info": {"vpc_id": vpc}, "accept_vpc_info": {"vpc_id": peer_vpc}}});
    f.add(&["peering_id"], &id(&api.create("/v2.0/vpc/peerings", body, 201, "peering").await), p);
    for r in [format!("vpcs/{vpc}"), format!("subnets/{net}"), format!("publicips/{}", eips[0].0)] {
        let o = api.post(&format!("/v2.0/{{pid}}/{r}/tags"), json!({"tag": {"key": "probe", "value": "a"}})).await;
        assert_eq!(o.status, 204, "{r}: {}", o.body);
    }

    // Servers: one through ECS (with its job), which Nova shows too.
    let body = json!({"server": {"name": "probe-ecs", "imageRef": image(), "flavorRef": "s3.medium.1", "vpcid": vpc,
        "nics": [{"subnet_id": net}], "root_volume": {"volumetype": "SSD"}, "key_name": "probe-key"}});
    let o = api.post("/v1/{pid}/cloudservers", body).await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["job_id"], &str_at(&o.body, "/job_id"), p);
    f.add(&["server_id", "instance_id", "device_id"], &str_at(&o.body, "/serverIds/0"), p);
    let o = api.post("/v2.1/{pid}/os-server-groups", json!({"server_group": {"name": "probe-group", "policies": ["anti-affinity"]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["server_group_id"], &str_at(&o.body, "/server_group/id"), p);

    // EVS: a volume with metadata and a tag, a snapshot of it with
    // metadata, a native creation's job, a transfer (of a volume of its
    // own: an offered volume accepts nothing else); the catalog's types.
    let zone = format!("{region}-01");
    let body = json!({"volume": {"name": "probe-vol", "size": 10, "availability_zone": zone, "metadata": {"probe": "a"}}});
    let o = api.post("/v2/{pid}/volumes", body).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let vol = str_at(&o.body, "/volume/id");
    f.add(&["volume_id", "evs:resource_id"], &vol, p);
    let tag = json!({"action": "create", "tags": [{"key": "probe", "value": "a"}]});
    let o = api.post(&format!("/v2/{{pid}}/os-vendor-volumes/{vol}/tags/action"), tag).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let snap = json!({"snapshot": {"volume_id": vol, "name": "probe-snap", "metadata": {"probe": "a"}}});
    let o = api.post("/v2/{pid}/snapshots", snap).await;
    assert_eq!(o.status, 202, "{}", o.body);
    f.add(&["snapshot_id"], &str_at(&o.body, "/snapshot/id"), p);
    let native = json!({"volume": {"name": "probe-native", "size": 10, "availability_zone": zone, "volume_type": "SSD"}});
    let o = api.post("/v2/{pid}/cloudvolumes", native).await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["evs-jobs:job_id"], &str_at(&o.body, "/job_id"), p);
    let o = api.post("/v2/{pid}/volumes", json!({"volume": {"name": "probe-xfer", "size": 10, "availability_zone": zone}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let xfer = json!({"transfer": {"volume_id": str_at(&o.body, "/volume/id"), "name": "probe-transfer"}});
    let o = api.post("/v2/{pid}/os-volume-transfer", xfer).await;
    assert_eq!(o.status, 202, "{}", o.body);
    f.add(&["transfer_id"], &str_at(&o.body, "/transfer/id"), p);
    let o = api.get("/v2/{pid}/types").await;
    f.add(&["evs:type_id"], &id(&o.body["volume_types"][0]), Own::Shared);
    f.add(&["evs:target_project_id"], &api.pid, Own::Shared);
    f.add(&["evs:resource_type"], "volumes", Own::Shared);
    f.add(&["evs:api_version"], "v3", Own::Shared);

    // Auto Scaling: a configuration, a paused group, a policy, a hook, a tag.
    const AS: &str = "/autoscaling-api/v1/{pid}";
    let o = api
        .post(
            &format!("{AS}/scaling_configuration"),
            json!({"scaling_configuration_name": "probe-config", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": image(),
                "key_name": "probe-key", "disk": [{"size": 40, "volume_type": "SATA", "disk_type": "SYS"}]}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let config = str_at(&o.body, "/scaling_configuration_id");
    f.add(&["scaling_configuration_id"], &config, p);
    let o = api
        .post(
            &format!("{AS}/scaling_group"),
            json!({"scaling_group_name": "probe-group", "scaling_configuration_id": config, "vpc_id": vpc, "networks": [{"id": net}],
                "min_instance_number": 0, "max_instance_number": 2, "desire_instance_number": 0}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let group = str_at(&o.body, "/scaling_group_id");
    f.add(&["scaling_group_id", "scaling_resource_id", "as:resource_id"], &group, p);
    let o = api
        .post(
            &format!("{AS}/scaling_policy"),
            json!({"scaling_policy_name": "probe-policy", "scaling_group_id": group, "scaling_policy_type": "ALARM",
                "alarm_id": "al-probe", "scaling_policy_action": {"operation": "ADD", "instance_number": 1}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["scaling_policy_id"], &str_at(&o.body, "/scaling_policy_id"), p);
    let o = api
        .post(
            &format!("{AS}/scaling_lifecycle_hook/{group}"),
            json!({"lifecycle_hook_name": "probe-hook", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": "urn:smn:eu-de:0123:probe"}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let o = api
        .post(&format!("{AS}/scaling_group_tag/{group}/tags/action"), json!({"action": "create", "tags": [{"key": "probe", "value": "a"}]}))
        .await;
    assert_eq!(o.status, 204, "{}", o.body);

    // Enterprise VPN: a gateway on two EIPs, a customer gateway, a
    // connection, its monitor, a tag.
    let gw = json!({"vpn_gateway": {"name": "probe-gw", "vpc_id": vpc, "local_subnets": ["10.40.0.0/24"], "connect_subnet": net,
        "eip1": {"id": eips[1].0}, "eip2": {"id": eips[2].0}}});
    let gw = id(&api.create("/v5/{pid}/vpn-gateways", gw, 201, "vpn_gateway").await);
    f.add(&["vgw_id", "vpn:resource_id"], &gw, p);
    let cgw = id(&api
        .create("/v5/{pid}/customer-gateways", json!({"customer_gateway": {"id_value": "88.1.40.1"}}), 201, "customer_gateway")
        .await);
    f.add(&["customer_gateway_id", "cgw_id"], &cgw, p);
    let conn = json!({"vpn_connection": {"vgw_id": gw, "vgw_ip": eips[1].0, "cgw_id": cgw, "peer_subnets": ["192.168.44.0/24"], "psk": "abcde1Z!"}});
    let conn = id(&api.create("/v5/{pid}/vpn-connection", conn, 201, "vpn_connection").await);
    f.add(&["vpn_connection_id"], &conn, p);
    let mon = json!({"connection_monitor": {"vpn_connection_id": conn}});
    let mon = id(&api.create("/v5/{pid}/connection-monitors", mon, 201, "connection_monitor").await);
    f.add(&["connection_monitor_id"], &mon, p);
    let o = api.post(&format!("/v5/{{pid}}/vpn-gateway/{gw}/tags/create"), json!({"tags": [{"key": "probe", "value": "a"}]})).await;
    assert_eq!(o.status, 204, "{}", o.body);

    // Classic VPN on a VPC of its own (one service per VPC).
    let vpc2 = id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "probe-vpc2", "cidr": "10.41.0.0/16"}}), 200, "vpc").await);
    let sn = json!({"subnet": {"name": "probe-sn2", "cidr": "10.41.1.0/24", "gateway_ip": "10.41.1.1", "vpc_id": vpc2}});
    let net2 = id(&api.create("/v1/{pid}/subnets", sn, 200, "subnet").await);
    f.add(&["vpc_id", "router_id"], &vpc2, p);
    f.add(&["network_id"], &net2, p);
    // A flow log on the VPN's VPC (held anyway), so the fixtures' first
    // VPC stays free for the probes that delete it.
    let fl = json!({"flow_log": {"resource_type": "vpc", "resource_id": vpc2, "traffic_type": "all",
        "log_group_id": "05c4052d-8d14-488f-aa00-19fea5a25fdd", "log_topic_id": "a9d7dee7-37d2-4cba-a208-a016252aaa63"}});
    f.add(&["flowlog_id"], &id(&api.create("/v1/{pid}/fl/flow_logs", fl, 200, "flow_log").await), p);
    // FWaaS: a rule in a policy used by a group bound to the VPN VPC's
    // router interface.
    let fw_rule = json!({"firewall_rule": {"name": "probe-rule", "protocol": "tcp", "destination_port": "22", "action": "allow"}});
    let fw_rule = id(&api.create("/v2.0/fwaas/firewall_rules", fw_rule, 201, "firewall_rule").await);
    f.add(&["firewall_rule_id"], &fw_rule, p);
    let fw_policy = json!({"firewall_policy": {"name": "probe-policy", "firewall_rules": [fw_rule]}});
    let fw_policy = id(&api.create("/v2.0/fwaas/firewall_policies", fw_policy, 201, "firewall_policy").await);
    f.add(&["firewall_policy_id", "ingress_firewall_policy_id"], &fw_policy, p);
    let o = api.get(&format!("/v2.0/ports?network_id={net2}&device_owner=network:router_interface_distributed")).await;
    let iface2 = id(&o.body["ports"][0]);
    let fw_group = json!({"firewall_group": {"name": "probe-fw", "ingress_firewall_policy_id": fw_policy, "ports": [iface2]}});
    f.add(&["firewall_group_id"], &id(&api.create("/v2.0/fwaas/firewall_groups", fw_group, 201, "firewall_group").await), p);
    let pool = json!({"subnetpool": {"name": "probe-pool", "prefixes": ["10.90.0.0/16"]}});
    f.add(&["subnetpool_id"], &id(&api.create("/v2.0/subnetpools", pool, 201, "subnetpool").await), p);
    let ag = json!({"address_group": {"name": "probe-ag", "ip_version": 4, "ip_set": ["10.40.0.0/16"]}});
    f.add(&["address_group_id"], &id(&api.create("/v3/{pid}/vpc/address-groups", ag, 201, "address_group").await), p);
    // A v3 network ACL with a rule, associated with the VPN VPC's subnet.
    let acl = id(&api.create("/v3/{pid}/vpc/firewalls", json!({"firewall": {"name": "probe-acl"}}), 201, "firewall").await);
    f.add(&["firewall_id"], &acl, p);
    let rules = json!({"firewall": {"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 4, "destination_port": "22"}]}});
    let o = api.put(&format!("/v3/{{pid}}/vpc/firewalls/{acl}/insert-rules"), rules).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let o = api.put(&format!("/v3/{{pid}}/vpc/firewalls/{acl}/associate-subnets"), json!({"subnets": [{"virsubnet_id": net2}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let o = api.post(&format!("/v3/{{pid}}/firewalls/{acl}/tags"), json!({"tag": {"key": "probe", "value": "a"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let ike = id(&api.create("/v2.0/vpn/ikepolicies", json!({"ikepolicy": {"name": "probe-ike"}}), 201, "ikepolicy").await);
    f.add(&["ikepolicy_id"], &ike, p);
    let ipsec = id(&api.create("/v2.0/vpn/ipsecpolicies", json!({"ipsecpolicy": {"name": "probe-ipsec"}}), 201, "ipsecpolicy").await);
    f.add(&["ipsecpolicy_id"], &ipsec, p);
    let svc = json!({"vpnservice": {"name": "probe-svc", "router_id": vpc2, "admin_state_up": true}});
    let svc = id(&api.create("/v2.0/vpn/vpnservices", svc, 201, "vpnservice").await);
    f.add(&["vpn-classic:service_id", "vpnservice_id"], &svc, p);
    let o = api.get(&format!("/v2.0/subnets?network_id={net2}")).await;
    let subnet2 = id(&o.body["subnets"][0]);
    let eg = |t: &str, e: Value| json!({"endpoint_group": {"type": t, "endpoints": e}});
    let local = id(&api.create("/v2.0/vpn/endpoint-groups", eg("subnet", json!([subnet2])), 201, "endpoint_group").await);
    let peer = id(&api.create("/v2.0/vpn/endpoint-groups", eg("cidr", json!(["172.16.40.0/24"])), 201, "endpoint_group").await);
    f.add(&["endpoint_group_id", "local_ep_group_id"], &local, p);
    f.add(&["endpoint_group_id", "peer_ep_group_id"], &peer, p);
    let conn = json!({"ipsec_site_connection": {"psk": "secret", "ipsecpolicy_id": ipsec, "ikepolicy_id": ike, "vpnservice_id": svc,
        "local_ep_group_id": local, "peer_ep_group_id": peer, "peer_address": "88.1.41.1", "peer_id": "88.1.41.1", "name": "probe-conn"}});
    let conn = id(&api.create("/v2.0/vpn/ipsec-site-connections", conn, 201, "ipsec_site_connection").await);
    f.add(&["connection_id", "vpn-classic:resource_id"], &conn, p);
    let o = api.post(&format!("/v2.0/{{pid}}/ipsec-site-connections/{conn}/tags"), json!({"tag": {"key": "probe", "value": "a"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);

    // SFS: a share with an access rule on the first VPC and a tag.
    let share = json!({"share": {"share_proto": "NFS", "size": 1, "name": "probe-share"}});
    let share = id(&api.create("/sfs/v2/{pid}/shares", share, 200, "share").await);
    f.add(&["share_id"], &share, p);
    let rule = json!({"os-allow_access": {"access_type": "cert", "access_to": vpc, "access_level": "rw"}});
    let o = api.post(&format!("/sfs/v2/{{pid}}/shares/{share}/action"), rule).await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["access_id"], &str_at(&o.body, "/access/id"), p);
    let o = api.post(&format!("/sfs/v2/{{pid}}/sfs/{share}/tags"), json!({"tag": {"key": "probe", "value": "a"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);

    // SFS Turbo: a file system in the first VPC with a permission rule
    // and a tag; its creation's job is named by the answer's request id.
    let turbo = json!({"share": {"name": "probe-turbo", "share_proto": "NFS", "share_type": "STANDARD", "size": 500,
        "availability_zone": zone, "vpc_id": vpc, "subnet_id": net, "security_group_id": sg}});
    let r =
        api.emu.call(reqwest::Method::POST, &format!("/sfs-turbo/v1/{}/sfs-turbo/shares", api.pid), Some(&api.token), Some(turbo)).await;
    assert_eq!(r.status(), 202);
    let job = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let turbo = id(&r.json::<Value>().await.unwrap());
    f.add(&["sfs-turbo:share_id"], &turbo, p);
    f.add(&["sfs-turbo:job_id"], &job, p);
    let rule = json!({"rules": [{"ip_cidr": "10.40.0.0/16", "rw_type": "rw", "user_type": "root_squash"}]});
    let o = api.post(&format!("/sfs-turbo/v1/{{pid}}/sfs-turbo/shares/{turbo}/fs/perm-rules"), rule).await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["sfs-turbo:rule_id"], &str_at(&o.body, "/rules/0/id"), p);
    let o = api.post(&format!("/sfs-turbo/v1/{{pid}}/sfs-turbo/{turbo}/tags"), json!({"tag": {"key": "probe", "value": "a"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    // MRS: a small running cluster (its nodes are servers) on the first VPC.
    let cluster = json!({"billing_type": 12, "data_center": region, "available_zone_id": format!("{region}-01"),
        "cluster_name": "probe-mrs", "vpc_id": vpc, "subnet_id": net, "cluster_version": "MRS 3.2.0-LTS.2", "safe_mode": 0,
        "cluster_admin_secret": "Mrs@12345", "login_mode": 1, "node_public_cert_name": "probe-key",
        "master_node_num": 1, "master_node_size": "s3.xlarge.4.linux.mrs", "core_node_num": 1, "core_node_size": "s3.xlarge.4.linux.mrs",
        "volume_type": "SAS", "volume_size": 100, "component_list": [{"component_name": "Hadoop"}]});
    let o = api.post("/mrs/v1.1/{pid}/run-job-flow", cluster).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let cluster = str_at(&o.body, "/cluster_id");
    f.add(&["cluster_id"], &cluster, p);
    let o = api.post(&format!("/mrs/v1.1/{{pid}}/clusters/{cluster}/tags"), json!({"tag": {"key": "probe", "value": "a"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let job = json!({"job_type": "MapReduce", "job_name": "probe", "arguments": ["obs://probe/app.jar"]});
    let o = api.post(&format!("/mrs/v2/{{pid}}/clusters/{cluster}/job-executions"), job).await;
    assert_eq!(o.status, 200, "{}", o.body);
    f.add(&["mrs:job_execution_id"], &str_at(&o.body, "/job_submit_result/job_id"), p);

    // Identity: a sub-project and an access key of the caller; the
    // caller's user and domain; a catalog service and endpoint.
    let o = api.post("/v3/projects", json!({"project": {"name": format!("{region}_probe")}})).await;
    assert_eq!(o.status, 201, "{}", o.body);
    f.add(&["iam:project_id"], &str_at(&o.body, "/project/id"), Own::Domain);
    let me = api.emu.http.get(api.emu.url("/v3/auth/tokens")).header("X-Auth-Token", &api.token).header("X-Subject-Token", &api.token);
    let me: Value = me.send().await.unwrap().json().await.unwrap();
    let user = str_at(&me, "/token/user/id");
    // A user of its own for the user operations: probes that change or
    // delete it (its password, its tokens) leave the caller's alone.
    let o = api.post("/v3/users", json!({"user": {"name": format!("probe-{region}"), "password": "Probe12345"}})).await;
    assert_eq!(o.status, 201, "{}", o.body);
    f.add(&["user_id"], &str_at(&o.body, "/user/id"), Own::Domain);
    f.add(&["user_id"], &user, Own::Domain);
    let o = api.get("/v3/groups?name=admin").await;
    f.add(&["group_id"], &id(&o.body["groups"][0]), Own::Domain);
    f.add(&["domain_id"], &str_at(&me, "/token/user/domain/id"), Own::Domain);
    let o = api.post("/v3.0/OS-CREDENTIAL/credentials", json!({"credential": {"user_id": user, "description": "probe"}})).await;
    assert_eq!(o.status, 201, "{}", o.body);
    f.add(&["access_key"], &str_at(&o.body, "/credential/access"), Own::Domain);
    let o = api.get("/v3/services").await;
    f.add(&["iam:service_id"], &id(&o.body["services"][0]), Own::Shared);
    let o = api.get("/v3/endpoints").await;
    f.add(&["endpoint_id"], &id(&o.body["endpoints"][0]), Own::Shared);
    f
}
