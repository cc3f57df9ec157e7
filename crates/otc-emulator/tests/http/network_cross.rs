//! One network model behind every API: what one API creates the others
//! see, change and delete; addresses stay unique under concurrency;
//! projects never see each other's networks; state survives restarts.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn v1_resources_are_neutron_resources() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vid, sid) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;

    // The VPC is a router; the v1 subnet is a network with a subnet and
    // the gateway interface.
    let r = api.get(&format!("/v2.0/routers/{vid}")).await;
    assert_eq!((r.status, r.body["router"]["name"].as_str()), (200, Some("vpc-t")));
    let n = api.get(&format!("/v2.0/networks/{sid}")).await.body["network"].clone();
    assert_eq!(n["name"], "sn-t");
    let v1 = api.get(&format!("/v1/{{pid}}/subnets/{sid}")).await.body["subnet"].clone();
    assert_eq!(n["subnets"], json!([v1["neutron_subnet_id"]]));
    let ports = api.get(&format!("/v2.0/ports?device_id={vid}")).await.body["ports"].clone();
    assert_eq!(ports[0]["fixed_ips"][0]["ip_address"], "192.168.1.1");

    // Renaming through Neutron shows in v1, and the reverse.
    api.put(&format!("/v2.0/routers/{vid}"), json!({"router": {"name": "via-neutron"}})).await;
    assert_eq!(api.get(&format!("/v1/{{pid}}/vpcs/{vid}")).await.body["vpc"]["name"], "via-neutron");
    api.put(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{sid}"), json!({"subnet": {"name": "via-v1"}})).await;
    assert_eq!(api.get(&format!("/v2.0/networks/{sid}")).await.body["network"]["name"], "via-v1");

    // A Neutron network attached to the VPC's router becomes a v1 subnet.
    let net = id(&api.create("/v2.0/networks", json!({"network": {"name": "neutron-net"}}), 201, "network").await);
    let sub = id(&api
        .create("/v2.0/subnets", json!({"subnet": {"network_id": net, "cidr": "192.168.2.0/24", "ip_version": 4}}), 201, "subnet")
        .await);
    assert_eq!(api.get(&format!("/v1/{{pid}}/subnets/{net}")).await.status, 404, "not in a VPC yet");
    api.put(&format!("/v2.0/routers/{vid}/add_router_interface"), json!({"subnet_id": sub})).await;
    let o = api.get(&format!("/v1/{{pid}}/subnets?vpc_id={vid}")).await;
    assert_eq!(o.body["subnets"].as_array().unwrap().len(), 2);
    // An overlapping Neutron subnet cannot join the VPC.
    let net3 = id(&api.create("/v2.0/networks", json!({"network": {"name": "n3"}}), 201, "network").await);
    let sub3 = id(&api
        .create("/v2.0/subnets", json!({"subnet": {"network_id": net3, "cidr": "192.168.2.0/25", "ip_version": 4}}), 201, "subnet")
        .await);
    assert_eq!(api.put(&format!("/v2.0/routers/{vid}/add_router_interface"), json!({"subnet_id": sub3})).await.status, 400);
    let net4 = id(&api.create("/v2.0/networks", json!({"network": {"name": "n4"}}), 201, "network").await);
    let sub4 = id(&api
        .create("/v2.0/subnets", json!({"subnet": {"network_id": net4, "cidr": "10.5.0.0/24", "ip_version": 4}}), 201, "subnet")
        .await);
    assert_eq!(
        api.put(&format!("/v2.0/routers/{vid}/add_router_interface"), json!({"subnet_id": sub4})).await.status,
        400,
        "outside the VPC CIDR"
    );

    // Security groups are one set of objects.
    let g = api.create("/v1/{pid}/security-groups", json!({"security_group": {"name": "shared"}}), 200, "security_group").await;
    assert_eq!(
        api.get(&format!("/v2.0/security-groups/{}", id(&g))).await.body["security_group"]["security_group_rules"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let rule = api
        .create("/v2.0/security-group-rules", json!({"security_group_rule": {"security_group_id": id(&g), "direction": "ingress", "protocol": "udp", "port_range_min": 53, "port_range_max": 53}}), 201, "security_group_rule")
        .await;
    assert_eq!(api.get(&format!("/v1/{{pid}}/security-group-rules/{}", id(&rule))).await.body["security_group_rule"]["protocol"], "udp");

    // An EIP is a floating IP: bound through v1, seen bound through Neutron.
    let e = api
        .create(
            "/v1/{pid}/publicips",
            json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b", "size": 5, "share_type": "PER"}}),
            200,
            "publicip",
        )
        .await;
    let port = api.create("/v2.0/ports", json!({"port": {"network_id": sid}}), 201, "port").await;
    api.put(&format!("/v1/{{pid}}/publicips/{}", id(&e)), json!({"publicip": {"port_id": id(&port)}})).await;
    let f = api.get(&format!("/v2.0/floatingips/{}", id(&e))).await.body["floatingip"].clone();
    assert_eq!(
        (f["port_id"].as_str(), f["router_id"].as_str(), f["status"].as_str()),
        (port["id"].as_str(), Some(vid.as_str()), Some("ACTIVE"))
    );
    assert_eq!(f["floating_ip_address"], e["public_ip_address"]);
    // A private IP is a port.
    let pip = api.get(&format!("/v1/{{pid}}/privateips/{}", id(&port))).await.body["privateip"].clone();
    assert_eq!(pip["ip_address"], port["fixed_ips"][0]["ip_address"]);

    // Deleting through one API removes it from the others.
    assert_eq!(api.delete(&format!("/v2.0/floatingips/{}", id(&e))).await.status, 204);
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{}", id(&e))).await.status, 404);
    assert_eq!(api.delete(&format!("/v2.0/ports/{}", id(&port))).await.status, 204);
    assert_eq!(api.put(&format!("/v2.0/routers/{vid}/remove_router_interface"), json!({"subnet_id": sub})).await.status, 200);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{sid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/networks/{sid}")).await.status, 404);
    assert_eq!(api.delete(&format!("/v2.0/routers/{vid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v1/{{pid}}/vpcs/{vid}")).await.status, 404);
}

#[tokio::test]
async fn concurrent_ports_get_distinct_addresses_until_full() {
    let emu = Arc::new(Emu::start().await);
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.0.0.0/8", "10.20.30.0/28", "10.20.30.1").await;
    let token = api.token.clone();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let emu = emu.clone();
        let token = token.clone();
        let net = net.clone();
        tasks.push(tokio::spawn(async move {
            let r = emu.call(reqwest::Method::POST, "/v2.0/ports", Some(&token), Some(json!({"port": {"network_id": net}}))).await;
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap();
            (status, body)
        }));
    }
    let mut addresses = Vec::new();
    let mut refused = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => addresses.push(body["port"]["fixed_ips"][0]["ip_address"].as_str().unwrap().to_string()),
            409 => {
                assert_eq!(body["NeutronError"]["type"], "IpAddressGenerationFailure");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    // A /28 has ten assignable addresses.
    assert_eq!(addresses.len(), 10);
    assert_eq!(refused, 6);
    let mut unique = addresses.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10, "no address handed out twice: {addresses:?}");
    let o = api.get(&format!("/v2.0/ports?network_id={net}")).await;
    assert_eq!(o.body["ports"].as_array().unwrap().len(), 11, "ten ports and the gateway interface");
}

#[tokio::test]
async fn projects_never_see_each_other() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (vid, sid) = de.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let port = id(&de.create("/v2.0/ports", json!({"port": {"network_id": sid}}), 201, "port").await);
    let ext = de.external_network().await;
    let fip = id(&de.create("/v2.0/floatingips", json!({"floatingip": {"floating_network_id": ext}}), 201, "floatingip").await);

    for path in ["/v2.0/routers", "/v2.0/ports", "/v2.0/floatingips", "/v2.0/subnets"] {
        let o = nl.get(path).await;
        let key = path.trim_start_matches("/v2.0/");
        assert_eq!(o.body[key], json!([]), "{path}");
    }
    let names: Vec<String> = nl.get("/v2.0/networks").await.body["networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["admin_external_net"]);
    assert_eq!(nl.get("/v1/{pid}/vpcs").await.body["vpcs"], json!([]));
    // The eu-nl default group is its own.
    let de_default = de.get("/v2.0/security-groups?name=default").await.body["security_groups"][0]["id"].clone();
    let nl_default = nl.get("/v2.0/security-groups?name=default").await.body["security_groups"][0]["id"].clone();
    assert_ne!(de_default, nl_default);
    assert_ne!(nl.external_network().await, ext, "each region has its external network");

    assert_eq!(nl.get(&format!("/v2.0/routers/{vid}")).await.status, 404);
    assert_eq!(nl.get(&format!("/v2.0/ports/{port}")).await.status, 404);
    assert_eq!(nl.delete(&format!("/v2.0/floatingips/{fip}")).await.status, 404);
    assert_eq!(nl.put(&format!("/v2.0/networks/{sid}"), json!({"network": {"name": "stolen"}})).await.status, 404);
    assert_eq!(nl.get(&format!("/v1/{{pid}}/vpcs/{vid}")).await.status, 404);
    let o = nl.post("/v2.0/ports", json!({"port": {"network_id": sid}})).await;
    assert_eq!(o.status, 404);
    let o = nl.get(&format!("/v1/{}/vpcs", de.pid)).await;
    assert_eq!((o.status, o.code.as_str()), (403, "APIGW.0302"));
    assert_eq!(de.get(&format!("/v2.0/networks/{sid}")).await.body["network"]["name"], "sn-t");
}

#[tokio::test]
async fn the_network_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (vid, sid, port_ip);
    {
        let emu = Emu::sqlite(dir.path()).await;
        let api = Api::new(&emu, "eu-de").await;
        (vid, sid) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
        let p = api.create("/v2.0/ports", json!({"port": {"network_id": sid}}), 201, "port").await;
        port_ip = p["fixed_ips"][0]["ip_address"].as_str().unwrap().to_string();
        emu.server.stop().await;
    }
    let emu = Emu::sqlite(dir.path()).await;
    let api = Api::new(&emu, "eu-de").await;
    assert_eq!(api.get(&format!("/v1/{{pid}}/vpcs/{vid}")).await.status, 200);
    assert_eq!(api.get(&format!("/v1/{{pid}}/subnets/{sid}")).await.body["subnet"]["status"], "ACTIVE");
    let p = api.create("/v2.0/ports", json!({"port": {"network_id": sid}}), 201, "port").await;
    assert_ne!(p["fixed_ips"][0]["ip_address"].as_str().unwrap(), port_ip, "claims survive the restart");
}
