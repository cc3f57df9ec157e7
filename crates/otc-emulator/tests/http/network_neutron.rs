//! Neutron v2.0 on the VPC endpoint: every served operation, its refusals
//! and pagination.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::json;

#[tokio::test]
async fn versions_and_extensions() {
    let emu = Emu::start().await;
    let r = emu.http.get(emu.url("/vpc/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["versions"][0]["id"], "v2.0");
    let r = emu.http.get(emu.url("/vpc/v2.0")).send().await.unwrap();
    let b: serde_json::Value = r.json().await.unwrap();
    assert!(b["resources"].as_array().unwrap().iter().any(|r| r["collection"] == "networks"));
    let api = Api::new(&emu, "eu-de").await;
    let o = api.get("/v2.0/extensions").await;
    assert_eq!(o.status, 200);
    assert!(o.body["extensions"].as_array().unwrap().iter().any(|e| e["alias"] == "router"));
    assert_eq!(api.get("/v2.0/extensions/router").await.status, 200);
    let o = api.get("/v2.0/extensions/tag-ports-during-bulk-creation").await;
    assert_eq!((o.status, o.code.as_str()), (404, "ExtensionNotFound"));
}

#[tokio::test]
async fn networks_crud_filters_and_refusals() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let ext = api.external_network().await;
    assert_eq!(ext, "0a2228f2-7f8a-45f1-8e09-9039e1d09975");
    let n = api.create("/v2.0/networks", json!({"network": {"name": "net-a", "admin_state_up": true}}), 201, "network").await;
    assert_eq!(n["status"], "ACTIVE");
    assert_eq!(n["subnets"], json!([]));
    assert_eq!(n["project_id"], api.pid.as_str());
    let nid = id(&n);
    api.create("/v2.0/networks", json!({"network": {"name": "net-b"}}), 201, "network").await;
    // neutron-lib's convert_to_boolean: "true", "1" and 1 are booleans here
    // (and only here: VPC v1 and v3 refuse them).
    for up in [json!("true"), json!("1"), json!(1)] {
        let n = api.create("/v2.0/networks", json!({"network": {"name": "net-c", "admin_state_up": up}}), 201, "network").await;
        assert_eq!(n["admin_state_up"], true);
        assert_eq!(api.delete(&format!("/v2.0/networks/{}", id(&n))).await.status, 204);
    }
    assert_eq!(api.post("/v2.0/networks", json!({"network": {"name": "x", "admin_state_up": "yes"}})).await.code, "BadRequest");

    let o = api.get("/v2.0/networks?name=net-a").await;
    assert_eq!(o.body["networks"].as_array().unwrap().len(), 1);
    let o = api.get("/v2.0/networks?router:external=True").await;
    assert_eq!(o.body["networks"].as_array().unwrap().len(), 1);
    assert_eq!(o.body["networks"][0]["name"], "admin_external_net");
    let o = api.get(&format!("/v2.0/networks?id={nid}&fields=id&fields=name")).await;
    assert_eq!(o.body["networks"][0], json!({"id": nid, "name": "net-a"}));

    let o = api.put(&format!("/v2.0/networks/{nid}"), json!({"network": {"name": "net-a2"}})).await;
    assert_eq!((o.status, o.body["network"]["name"].as_str()), (200, Some("net-a2")));
    assert_eq!(api.get(&format!("/v2.0/networks/{nid}")).await.body["network"]["name"], "net-a2");

    for (body, code) in [
        (json!({"network": {"name": "x", "admin_state_up": false}}), 400),
        (json!({"network": {"name": "admin_external_net"}}), 400),
        (json!({"network": {"name": "x", "shared": true}}), 403),
        (json!({"network": {"name": 5}}), 400),
        (json!({"nope": {}}), 400),
    ] {
        assert_eq!(api.post("/v2.0/networks", body.clone()).await.status, code, "{body}");
    }
    let o = api.put(&format!("/v2.0/networks/{nid}"), json!({"network": {"router:external": true}})).await;
    assert_eq!(o.status, 400);
    let o = api.delete(&format!("/v2.0/networks/{ext}")).await;
    assert_eq!(o.status, 403);
    let o = api.get("/v2.0/networks/not-there").await;
    assert_eq!((o.status, o.code.as_str()), (404, "NetworkNotFound"));

    assert_eq!(api.delete(&format!("/v2.0/networks/{nid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/networks/{nid}")).await.status, 404);
}

#[tokio::test]
async fn subnets_validate_and_allocate() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let nid = id(&api.create("/v2.0/networks", json!({"network": {"name": "n"}}), 201, "network").await);
    let s = api
        .create(
            "/v2.0/subnets",
            json!({"subnet": {"name": "s", "network_id": nid, "cidr": "10.0.0.0/24", "ip_version": 4, "dns_nameservers": ["8.8.8.8"]}}),
            201,
            "subnet",
        )
        .await;
    assert_eq!(s["gateway_ip"], "10.0.0.1");
    assert_eq!(s["allocation_pools"], json!([{"start": "10.0.0.2", "end": "10.0.0.251"}]));
    assert_eq!(s["host_routes"], json!([]));
    assert_eq!(s["dns_nameservers"], json!(["8.8.8.8"]));
    let sid = id(&s);
    assert_eq!(api.get(&format!("/v2.0/networks/{nid}")).await.body["network"]["subnets"], json!([sid]));

    let n2 = id(&api.create("/v2.0/networks", json!({"network": {"name": "n2"}}), 201, "network").await);
    for (sub, why) in [
        (json!({"network_id": n2, "cidr": "10.0.0.0/33", "ip_version": 4}), "bad cidr"),
        (json!({"network_id": n2, "cidr": "10.0.0.1/24", "ip_version": 4}), "host bits"),
        (json!({"network_id": n2, "cidr": "10.0.0.0/30", "ip_version": 4}), "too small"),
        (json!({"network_id": n2, "cidr": "10.1.0.0/24", "gateway_ip": "10.2.0.1", "ip_version": 4}), "gateway outside"),
        (json!({"network_id": n2, "cidr": "10.1.0.0/24", "gateway_ip": "10.1.0.255", "ip_version": 4}), "gateway broadcast"),
        (json!({"network_id": n2, "cidr": "10.1.0.0/24", "ip_version": 4, "enable_dhcp": false}), "dhcp off"),
        (json!({"network_id": n2, "cidr": "10.1.0.0/24", "ip_version": 4, "dns_nameservers": ["x"]}), "dns"),
        (json!({"network_id": n2, "ip_version": 4}), "no cidr"),
    ] {
        let o = api.post("/v2.0/subnets", json!({ "subnet": sub })).await;
        assert_eq!(o.status, 400, "{why}: {}", o.body);
        assert!(o.body["NeutronError"]["message"].is_string());
    }
    let o = api.post("/v2.0/subnets", json!({"subnet": {"network_id": nid, "cidr": "10.9.0.0/24", "ip_version": 4}})).await;
    assert_eq!(o.status, 400, "a second subnet on one network");
    let o = api.post("/v2.0/subnets", json!({"subnet": {"network_id": "missing", "cidr": "10.9.0.0/24", "ip_version": 4}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "NetworkNotFound"));

    let o = api.put(&format!("/v2.0/subnets/{sid}"), json!({"subnet": {"name": "s2", "dns_nameservers": ["1.1.1.1"]}})).await;
    assert_eq!(o.body["subnet"]["dns_nameservers"], json!(["1.1.1.1"]));
    assert_eq!(api.put(&format!("/v2.0/subnets/{sid}"), json!({"subnet": {"cidr": "10.0.1.0/24"}})).await.status, 400);
    assert_eq!(api.get("/v2.0/subnets?name=s2").await.body["subnets"].as_array().unwrap().len(), 1);

    // A port keeps the subnet and its network in use.
    let port = api.create("/v2.0/ports", json!({"port": {"network_id": nid}}), 201, "port").await;
    let o = api.delete(&format!("/v2.0/subnets/{sid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "SubnetInUse"));
    let o = api.delete(&format!("/v2.0/networks/{nid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "NetworkInUse"));
    assert_eq!(api.delete(&format!("/v2.0/ports/{}", id(&port))).await.status, 204);
    assert_eq!(api.delete(&format!("/v2.0/subnets/{sid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/subnets/{sid}")).await.code, "SubnetNotFound");
}

#[tokio::test]
async fn ports_get_distinct_checked_addresses() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let nid = id(&api.create("/v2.0/networks", json!({"network": {"name": "n"}}), 201, "network").await);
    let sid = id(&api
        .create("/v2.0/subnets", json!({"subnet": {"network_id": nid, "cidr": "192.168.5.0/24", "ip_version": 4}}), 201, "subnet")
        .await);
    let p1 = api.create("/v2.0/ports", json!({"port": {"name": "p1", "network_id": nid}}), 201, "port").await;
    assert_eq!(p1["fixed_ips"], json!([{"subnet_id": sid, "ip_address": "192.168.5.2"}]));
    assert_eq!(p1["status"], "DOWN");
    assert_eq!(p1["security_groups"].as_array().unwrap().len(), 1, "the default group");
    let p2 = api
        .create(
            "/v2.0/ports",
            json!({"port": {"network_id": nid, "fixed_ips": [{"subnet_id": sid, "ip_address": "192.168.5.50"}]}}),
            201,
            "port",
        )
        .await;
    assert_eq!(p2["fixed_ips"][0]["ip_address"], "192.168.5.50");
    let o = api.post("/v2.0/ports", json!({"port": {"network_id": nid, "fixed_ips": [{"ip_address": "192.168.5.50"}]}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "IpAddressInUse"));
    let o =
        api.post("/v2.0/ports", json!({"port": {"network_id": nid, "fixed_ips": [{"subnet_id": sid, "ip_address": "10.0.0.5"}]}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "InvalidIpForSubnet"));
    let o = api.post("/v2.0/ports", json!({"port": {"network_id": nid, "device_owner": "compute:eu-de-01"}})).await;
    assert_eq!(o.status, 400);
    let o = api.post("/v2.0/ports", json!({"port": {"network_id": nid, "device_id": "x"}})).await;
    assert_eq!(o.status, 403);
    let o = api.post("/v2.0/ports", json!({"port": {"network_id": nid, "security_groups": ["nope"]}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "SecurityGroupNotFound"));

    let o = api.get("/v2.0/ports?fixed_ips=ip_address=192.168.5.50").await;
    assert_eq!(o.body["ports"].as_array().unwrap().len(), 1);
    let o = api
        .put(
            &format!("/v2.0/ports/{}", id(&p1)),
            json!({"port": {"name": "renamed", "allowed_address_pairs": [{"ip_address": "192.168.5.200"}]}}),
        )
        .await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["port"]["allowed_address_pairs"][0]["ip_address"], "192.168.5.200");
    assert_eq!(api.put(&format!("/v2.0/ports/{}", id(&p1)), json!({"port": {"fixed_ips": []}})).await.status, 400);

    // Deleting a port frees its address for the next one.
    assert_eq!(api.delete(&format!("/v2.0/ports/{}", id(&p2))).await.status, 204);
    let p3 = api
        .create(
            "/v2.0/ports",
            json!({"port": {"network_id": nid, "fixed_ips": [{"subnet_id": sid, "ip_address": "192.168.5.50"}]}}),
            201,
            "port",
        )
        .await;
    assert_eq!(p3["fixed_ips"][0]["ip_address"], "192.168.5.50");
    assert_eq!(api.get(&format!("/v2.0/ports/{}", id(&p2))).await.code, "PortNotFound");
}

/// add_router_interface with `port_id` makes that port the interface, as
/// Neutron does: its id and address stay (what a firewall group bound to
/// the port id relies on); a port with a device is refused.
#[tokio::test]
async fn a_port_becomes_the_router_interface() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let rid = id(&api.create("/v2.0/routers", json!({"router": {"name": "r1"}}), 201, "router").await);
    let nid = id(&api.create("/v2.0/networks", json!({"network": {"name": "n"}}), 201, "network").await);
    let sid = id(&api
        .create("/v2.0/subnets", json!({"subnet": {"network_id": nid, "cidr": "172.16.2.0/24", "ip_version": 4}}), 201, "subnet")
        .await);
    let port = api
        .create(
            "/v2.0/ports",
            json!({"port": {"network_id": nid, "fixed_ips": [{"subnet_id": sid, "ip_address": "172.16.2.9"}]}}),
            201,
            "port",
        )
        .await;
    let pid = id(&port);
    let o = api.put(&format!("/v2.0/routers/{rid}/add_router_interface"), json!({"port_id": pid})).await;
    assert_eq!(
        (o.status, o.body["port_id"].as_str(), o.body["subnet_id"].as_str()),
        (200, Some(pid.as_str()), Some(sid.as_str())),
        "{}",
        o.body
    );
    let shown = api.get(&format!("/v2.0/ports/{pid}")).await.body["port"].clone();
    assert_eq!(
        (shown["device_id"].as_str(), shown["device_owner"].as_str()),
        (Some(rid.as_str()), Some("network:router_interface_distributed"))
    );
    assert_eq!(shown["fixed_ips"][0]["ip_address"], "172.16.2.9");
    assert_eq!(shown["security_groups"], json!([]));
    assert_eq!(api.get(&format!("/v2.0/ports?device_id={rid}")).await.body["ports"].as_array().unwrap().len(), 1);
    let o = api.put(&format!("/v2.0/routers/{rid}/add_router_interface"), json!({"port_id": pid})).await;
    assert_eq!(o.status, 400, "the port has a device now");

    let o = api.put(&format!("/v2.0/routers/{rid}/remove_router_interface"), json!({"port_id": pid})).await;
    assert_eq!((o.status, o.body["port_id"].as_str()), (200, Some(pid.as_str())));
    assert_eq!(api.get(&format!("/v2.0/ports/{pid}")).await.status, 404, "Neutron deletes a removed interface's port");
}

#[tokio::test]
async fn routers_and_interfaces() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let r = api.create("/v2.0/routers", json!({"router": {"name": "r1", "admin_state_up": true}}), 201, "router").await;
    let rid = id(&r);
    assert_eq!(r["external_gateway_info"]["network_id"], api.external_network().await);
    let nid = id(&api.create("/v2.0/networks", json!({"network": {"name": "n"}}), 201, "network").await);
    let sid = id(&api
        .create("/v2.0/subnets", json!({"subnet": {"network_id": nid, "cidr": "172.16.1.0/24", "ip_version": 4}}), 201, "subnet")
        .await);

    let o = api.put(&format!("/v2.0/routers/{rid}/add_router_interface"), json!({"subnet_id": sid})).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["subnet_id"], sid.as_str());
    let port_id = o.body["port_id"].as_str().unwrap().to_string();
    let o = api.get(&format!("/v2.0/ports?device_id={rid}")).await;
    let ports = o.body["ports"].as_array().unwrap();
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0]["device_owner"], "network:router_interface_distributed");
    assert_eq!(ports[0]["fixed_ips"][0]["ip_address"], "172.16.1.1");
    assert_eq!(ports[0]["status"], "ACTIVE");
    let o = api.put(&format!("/v2.0/routers/{rid}/add_router_interface"), json!({"subnet_id": sid})).await;
    assert_eq!(o.status, 400, "already attached");

    let o = api.delete(&format!("/v2.0/routers/{rid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "RouterInUse"));
    let o = api.delete(&format!("/v2.0/ports/{port_id}")).await;
    assert_eq!(o.status, 409, "an interface port goes through the router");

    let o = api
        .put(
            &format!("/v2.0/routers/{rid}"),
            json!({"router": {"name": "r2", "routes": [{"destination": "10.10.0.0/16", "nexthop": "172.16.1.10"}]}}),
        )
        .await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["router"]["routes"][0]["nexthop"], "172.16.1.10");
    assert_eq!(api.put(&format!("/v2.0/routers/{rid}"), json!({"router": {"name": "bad name!"}})).await.status, 400);
    assert_eq!(api.post("/v2.0/routers", json!({"router": {"name": "r", "admin_state_up": false}})).await.status, 400);

    let o = api.put(&format!("/v2.0/routers/{rid}/remove_router_interface"), json!({"subnet_id": sid})).await;
    assert_eq!((o.status, o.body["port_id"].as_str()), (200, Some(port_id.as_str())));
    assert_eq!(api.get(&format!("/v2.0/ports/{port_id}")).await.status, 404);
    let o = api.put(&format!("/v2.0/routers/{rid}/remove_router_interface"), json!({"subnet_id": sid})).await;
    assert_eq!(o.status, 404);
    assert_eq!(api.delete(&format!("/v2.0/routers/{rid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/routers/{rid}")).await.code, "RouterNotFound");
}

#[tokio::test]
async fn security_groups_and_rules() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api.get("/v2.0/security-groups?name=default").await;
    let default = &o.body["security_groups"][0];
    assert_eq!(default["security_group_rules"].as_array().unwrap().len(), 4);
    let o = api.delete(&format!("/v2.0/security-groups/{}", id(default))).await;
    assert_eq!((o.status, o.code.as_str()), (409, "SecurityGroupCannotRemoveDefault"));

    let g =
        api.create("/v2.0/security-groups", json!({"security_group": {"name": "web", "description": "web"}}), 201, "security_group").await;
    let gid = id(&g);
    let rules = g["security_group_rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    assert!(rules.iter().all(|r| r["direction"] == "egress"));
    let o = api.post("/v2.0/security-groups", json!({"security_group": {"name": "default"}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "SecurityGroupDefaultAlreadyExists"));

    let rule = json!({"security_group_rule": {"security_group_id": gid, "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0", "ethertype": "IPv4"}});
    let r = api.create("/v2.0/security-group-rules", rule.clone(), 201, "security_group_rule").await;
    assert_eq!(r["port_range_min"], 22);
    let o = api.post("/v2.0/security-group-rules", rule).await;
    assert_eq!((o.status, o.code.as_str()), (409, "SecurityGroupRuleExists"));
    for (bad, why) in [
        (json!({"direction": "sideways"}), "direction"),
        (json!({"direction": "ingress", "protocol": "tcp", "port_range_min": 30, "port_range_max": 20}), "min>max"),
        (json!({"direction": "ingress", "protocol": "tcp", "port_range_min": 0, "port_range_max": 20}), "port 0"),
        (json!({"direction": "ingress", "port_range_min": 20, "port_range_max": 20}), "ports without protocol"),
        (json!({"direction": "ingress", "protocol": "icmp", "port_range_max": 0}), "icmp code without type"),
        (json!({"direction": "ingress", "protocol": "bogus"}), "protocol"),
        (json!({"direction": "ingress", "ethertype": "IPv5"}), "ethertype"),
        (json!({"direction": "ingress", "remote_ip_prefix": "10.0.0.0/8", "remote_group_id": gid}), "two remotes"),
        (json!({"direction": "ingress", "ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/8"}), "ethertype/cidr"),
    ] {
        let mut b = bad.clone();
        b["security_group_id"] = json!(gid);
        let o = api.post("/v2.0/security-group-rules", json!({ "security_group_rule": b })).await;
        assert_eq!(o.status, 400, "{why}: {}", o.body);
    }
    let o = api.get(&format!("/v2.0/security-group-rules?security_group_id={gid}&direction=ingress")).await;
    assert_eq!(o.body["security_group_rules"].as_array().unwrap().len(), 1);
    assert_eq!(api.get(&format!("/v2.0/security-group-rules/{}", id(&r))).await.status, 200);

    // A group referenced by another group's rule, or used by a port, stays.
    let other = api.create("/v2.0/security-groups", json!({"security_group": {"name": "other"}}), 201, "security_group").await;
    let refrule = api
        .create(
            "/v2.0/security-group-rules",
            json!({"security_group_rule": {"security_group_id": id(&other), "direction": "ingress", "remote_group_id": gid}}),
            201,
            "security_group_rule",
        )
        .await;
    let o = api.delete(&format!("/v2.0/security-groups/{gid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "SecurityGroupInUse"));
    assert_eq!(api.delete(&format!("/v2.0/security-group-rules/{}", id(&refrule))).await.status, 204);
    let nid = id(&api.create("/v2.0/networks", json!({"network": {"name": "n"}}), 201, "network").await);
    api.create("/v2.0/subnets", json!({"subnet": {"network_id": nid, "cidr": "10.3.0.0/24", "ip_version": 4}}), 201, "subnet").await;
    let port = api.create("/v2.0/ports", json!({"port": {"network_id": nid, "security_groups": [gid]}}), 201, "port").await;
    assert_eq!(api.delete(&format!("/v2.0/security-groups/{gid}")).await.code, "SecurityGroupInUse");
    assert_eq!(api.delete(&format!("/v2.0/ports/{}", id(&port))).await.status, 204);

    let o = api.put(&format!("/v2.0/security-groups/{gid}"), json!({"security_group": {"name": "web2"}})).await;
    assert_eq!(o.body["security_group"]["name"], "web2");
    assert_eq!(api.delete(&format!("/v2.0/security-group-rules/{}", id(&r))).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/security-group-rules/{}", id(&r))).await.code, "SecurityGroupRuleNotFound");
    assert_eq!(api.delete(&format!("/v2.0/security-groups/{gid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/security-groups/{gid}")).await.code, "SecurityGroupNotFound");
}

#[tokio::test]
async fn floating_ips_bind_to_ports() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let ext = api.external_network().await;
    let f = api.create("/v2.0/floatingips", json!({"floatingip": {"floating_network_id": ext}}), 201, "floatingip").await;
    let fid = id(&f);
    assert_eq!(f["status"], "DOWN");
    assert!(f["floating_ip_address"].as_str().unwrap().starts_with("80.158."));
    let o = api.post("/v2.0/floatingips", json!({"floatingip": {"floating_network_id": "not-external"}})).await;
    assert_eq!(o.status, 400);

    let (_, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.7.0/24", "192.168.7.1").await;
    let port = api.create("/v2.0/ports", json!({"port": {"network_id": subnet}}), 201, "port").await;
    let o = api.put(&format!("/v2.0/floatingips/{fid}"), json!({"floatingip": {"port_id": id(&port)}})).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["floatingip"]["status"], "ACTIVE");
    assert_eq!(o.body["floatingip"]["fixed_ip_address"], port["fixed_ips"][0]["ip_address"]);
    let second = api.create("/v2.0/floatingips", json!({"floatingip": {"floating_network_id": ext}}), 201, "floatingip").await;
    let o = api.put(&format!("/v2.0/floatingips/{}", id(&second)), json!({"floatingip": {"port_id": id(&port)}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "FloatingIPPortAlreadyAssociated"));
    let o = api.get(&format!("/v2.0/floatingips?port_id={}", id(&port))).await;
    assert_eq!(o.body["floatingips"].as_array().unwrap().len(), 1);

    // Deleting the port unbinds the floating IP.
    assert_eq!(api.delete(&format!("/v2.0/ports/{}", id(&port))).await.status, 204);
    let o = api.get(&format!("/v2.0/floatingips/{fid}")).await;
    assert_eq!((o.body["floatingip"]["status"].as_str(), o.body["floatingip"]["port_id"].is_null()), (Some("DOWN"), true));
    assert_eq!(api.delete(&format!("/v2.0/floatingips/{fid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/floatingips/{fid}")).await.code, "FloatingIPNotFound");
}

#[tokio::test]
async fn pagination_with_links() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    for i in 0..5 {
        api.create("/v2.0/networks", json!({"network": {"name": format!("p{i}")}}), 201, "network").await;
    }
    let all = api.get("/v2.0/networks?name=p0&name=p1&name=p2&name=p3&name=p4").await.body["networks"].as_array().unwrap().clone();
    assert_eq!(all.len(), 5);
    let ids: Vec<String> = all.iter().map(id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "sorted by id");
    let o = api.get("/v2.0/networks?limit=2").await;
    let page = o.body["networks"].as_array().unwrap();
    assert_eq!(page.len(), 2);
    let next =
        o.body["networks_links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap()["href"].as_str().unwrap().to_string();
    assert!(next.contains(&format!("marker={}", id(&page[1]))));
    let o = api.get(&format!("/v2.0/networks?limit=2&marker={}", id(&page[1]))).await;
    assert_eq!(o.body["networks"].as_array().unwrap().len(), 2);
    assert!(o.body["networks_links"].as_array().unwrap().iter().any(|l| l["rel"] == "previous"));
    let o = api.get("/v2.0/networks?marker=unknown").await;
    assert_eq!((o.status, o.code.as_str()), (400, "BadRequest"));
    let o = api.get("/v2.0/networks?limit=x").await;
    assert_eq!(o.status, 400);
}

#[tokio::test]
async fn ip_availability_counts_assignable_addresses() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.0.0.0/8", "10.4.0.0/24", "10.4.0.1").await;
    api.create("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": net}, {"subnet_id": net}]}), 200, "privateips").await;
    let o = api.get(&format!("/v2.0/network-ip-availabilities/{net}")).await;
    assert_eq!(o.status, 200);
    let a = &o.body["network_ip_availability"];
    assert_eq!((a["total_ips"].as_u64(), a["used_ips"].as_u64()), (Some(250), Some(2)));
    assert_eq!(a["subnet_ip_availability"][0]["cidr"], "10.4.0.0/24");
    let o = api.get("/v2.0/network-ip-availabilities/missing").await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.2302"));
}

#[tokio::test]
async fn port_pages_agree_with_the_filtered_listing() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let nid = id(&api.create("/v2.0/networks", json!({"network": {"name": "n"}}), 201, "network").await);
    api.create("/v2.0/subnets", json!({"subnet": {"network_id": nid, "cidr": "10.9.0.0/24", "ip_version": 4}}), 201, "subnet").await;
    for i in 0..7 {
        api.create("/v2.0/ports", json!({"port": {"name": format!("p{i}"), "network_id": nid}}), 201, "port").await;
    }
    // A filter takes the path that reads the whole collection.
    let ids = |o: &crate::netkit::Out| o.body["ports"].as_array().unwrap().iter().map(id).collect::<Vec<_>>();
    let filtered_body = api.get(&format!("/v2.0/ports?network_id={nid}")).await;
    let filtered = ids(&filtered_body);
    assert_eq!(filtered.len(), 7);
    // Plain pages are read from the store's id index: the same order.
    let mut walked = Vec::new();
    let mut walked_ports = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let path = match &marker {
            Some(m) => format!("/v2.0/ports?limit=3&marker={m}"),
            None => "/v2.0/ports?limit=3".to_string(),
        };
        let o = api.get(&path).await;
        assert_eq!(o.status, 200);
        let page = ids(&o);
        let next = o.body["ports_links"].as_array().into_iter().flatten().find(|l| l["rel"] == "next").cloned();
        assert_eq!(o.body["ports_links"].as_array().is_some_and(|l| l.iter().any(|l| l["rel"] == "previous")), marker.is_some());
        walked.extend(page.clone());
        walked_ports.extend(o.body["ports"].as_array().unwrap().clone());
        match next {
            Some(_) if page.len() == 3 => marker = page.last().cloned(),
            _ => break,
        }
    }
    assert_eq!(walked, filtered);
    // Rendered from views on one path and from values on the other: the same ports.
    assert_eq!(&walked_ports, filtered_body.body["ports"].as_array().unwrap());
    let o = api.get(&format!("/v2.0/ports?limit=2&marker={}&fields=id", filtered[1])).await;
    assert_eq!(o.body["ports"], json!([{"id": filtered[2]}, {"id": filtered[3]}]));
    let o = api.get(&format!("/v2.0/ports?marker={}&page_reverse=True&limit=2", filtered[4])).await;
    assert_eq!(ids(&o), filtered[2..4]);
    let o = api.get("/v2.0/ports?marker=unknown").await;
    assert_eq!((o.status, o.code.as_str()), (400, "BadRequest"));
    // Another project's port is no marker here.
    let other = Api::new(&emu, "eu-nl").await;
    let onid = id(&other.create("/v2.0/networks", json!({"network": {"name": "o"}}), 201, "network").await);
    let foreign = id(&other.create("/v2.0/ports", json!({"port": {"network_id": onid}}), 201, "port").await);
    let o = api.get(&format!("/v2.0/ports?marker={foreign}")).await;
    assert_eq!((o.status, o.code.as_str()), (400, "BadRequest"));
    assert_eq!(ids(&other.get("/v2.0/ports?limit=100").await), [foreign]);
}

#[tokio::test]
async fn addresses_are_the_lowest_free_after_deletes_and_pool_changes() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let nid = id(&api.create("/v2.0/networks", json!({"network": {"name": "n"}}), 201, "network").await);
    let body = json!({"subnet": {"network_id": nid, "cidr": "10.7.0.0/24", "ip_version": 4,
        "allocation_pools": [{"start": "10.7.0.100", "end": "10.7.0.110"}]}});
    let sid = id(&api.create("/v2.0/subnets", body, 201, "subnet").await);
    let port = || api.create("/v2.0/ports", json!({"port": {"network_id": nid}}), 201, "port");
    let addr = |p: &serde_json::Value| p["fixed_ips"][0]["ip_address"].as_str().unwrap().to_string();
    let p1 = port().await;
    let p2 = port().await;
    let p3 = port().await;
    assert_eq!([addr(&p1), addr(&p2), addr(&p3)], ["10.7.0.100", "10.7.0.101", "10.7.0.102"]);
    assert_eq!(api.delete(&format!("/v2.0/ports/{}", id(&p2))).await.status, 204);
    assert_eq!(addr(&port().await), "10.7.0.101", "the freed address is the lowest free one");
    assert_eq!(addr(&port().await), "10.7.0.103");
    // Pools moved below every address handed out so far.
    let o = api
        .put(&format!("/v2.0/subnets/{sid}"), json!({"subnet": {"allocation_pools": [{"start": "10.7.0.10", "end": "10.7.0.20"}]}}))
        .await;
    assert_eq!(o.status, 200);
    assert_eq!(addr(&port().await), "10.7.0.10");
    let o =
        api.put(&format!("/v2.0/subnets/{sid}"), json!({"subnet": {"allocation_pools": [{"start": "10.7.0.1", "end": "10.7.0.9"}]}})).await;
    assert_eq!(o.status, 400, "the gateway cannot be in a pool");
    let o = api
        .put(&format!("/v2.0/subnets/{sid}"), json!({"subnet": {"allocation_pools": [{"start": "10.7.0.200", "end": "10.7.0.255"}]}}))
        .await;
    assert_eq!(o.status, 400, "nor the broadcast address");
    let o = api.get(&format!("/v2.0/subnets/{sid}")).await;
    assert_eq!(o.body["subnet"]["allocation_pools"], json!([{"start": "10.7.0.10", "end": "10.7.0.20"}]));
}
