//! Nova's security-group, floating-IP and image proxies, a server's NICs
//! and security groups after creation, and status management (resize,
//! migrate, change/reinstall OS): the same objects through Nova, ECS and
//! the network APIs, jobs on the clock, refusals, isolation.

use crate::common::*;
use crate::netkit::{id, Api};
use chrono::Duration;
use serde_json::{json, Value};

fn image_id(name: &str) -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == name).unwrap().id()
}

/// An ACTIVE server on a new VPC subnet (network id); returns (server, network, vpc).
async fn server(api: &Api<'_>) -> (String, String, String) {
    let (vpc, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.20.0/24", "192.168.20.1").await;
    let body = json!({"server": {"name": "web", "flavorRef": "s3.medium.1", "imageRef": image_id("Standard_Debian_11_latest"),
        "networks": [{"uuid": net}]}});
    let s = api.create("/v2.1/{pid}/servers", body, 202, "server").await;
    (id(&s), net, vpc)
}

async fn status(api: &Api<'_>, sid: &str) -> String {
    api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"]["status"].as_str().unwrap().to_string()
}

async fn job_status(api: &Api<'_>, job: &str) -> String {
    api.get(&format!("/v1/{{pid}}/jobs/{job}")).await.body["status"].as_str().unwrap().to_string()
}

async fn stop(api: &Api<'_>, sid: &str) {
    let o = api.post(&format!("/v2.1/{{pid}}/servers/{sid}/action"), json!({"os-stop": {}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
}

#[tokio::test]
async fn nova_security_groups_are_the_vpc_groups() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let g = api
        .create("/v2.1/{pid}/os-security-groups", json!({"security_group": {"name": "web", "description": "d"}}), 200, "security_group")
        .await;
    assert_eq!(g["rules"], json!([]), "only ingress rules are Nova's, and a new group has none");
    assert_eq!(g["tenant_id"], api.pid.as_str());
    let gid = id(&g);
    // The same group through VPC v1 and Neutron.
    let v1 = api.get(&format!("/v1/{{pid}}/security-groups/{gid}")).await;
    assert_eq!((v1.status, v1.body["security_group"]["name"].as_str()), (200, Some("web")));
    assert_eq!(api.get(&format!("/v2.0/security-groups/{gid}")).await.body["security_group"]["description"], "d");

    let r = api
        .create(
            "/v2.1/{pid}/os-security-group-rules",
            json!({"security_group_rule": {"parent_group_id": gid, "ip_protocol": "tcp", "from_port": "443", "to_port": "443", "cidr": "10.0.0.0/8"}}),
            200,
            "security_group_rule",
        )
        .await;
    assert_eq!((r["from_port"].as_i64(), r["to_port"].as_i64(), r["ip_protocol"].as_str()), (Some(443), Some(443), Some("tcp")));
    assert_eq!(r["ip_range"], json!({"cidr": "10.0.0.0/8"}));
    let rid = id(&r);
    let n = api.get(&format!("/v2.0/security-group-rules/{rid}")).await.body["security_group_rule"].clone();
    assert_eq!(
        (n["direction"].as_str(), n["port_range_min"].as_i64(), n["remote_ip_prefix"].as_str()),
        (Some("ingress"), Some(443), Some("10.0.0.0/8"))
    );
    // A duplicate, and rules Nova cannot build.
    let o = api
        .post("/v2.1/{pid}/os-security-group-rules", json!({"security_group_rule": {"parent_group_id": gid, "ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8"}}))
        .await;
    assert_eq!((o.status, o.body["badRequest"]["code"].as_i64()), (400, Some(400)), "{}", o.body);
    for bad in [
        json!({"parent_group_id": gid, "ip_protocol": "tcp"}),
        json!({"parent_group_id": gid, "ip_protocol": "tcp", "from_port": 0, "to_port": 70000}),
        json!({"parent_group_id": gid, "ip_protocol": "gre", "from_port": 1, "to_port": 2}),
        json!({"parent_group_id": gid, "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "nonsense"}),
        json!({"ip_protocol": "tcp", "from_port": 22, "to_port": 22}),
        json!({"parent_group_id": gid, "ip_protocol": "tcp", "from_port": "x", "to_port": 22}),
    ] {
        let o = api.post("/v2.1/{pid}/os-security-group-rules", json!({"security_group_rule": bad})).await;
        assert_eq!(o.status, 400, "{bad} -> {}", o.body);
        assert!(o.body["badRequest"]["message"].is_string());
    }
    let o = api
        .post(
            "/v2.1/{pid}/os-security-group-rules",
            json!({"security_group_rule": {"parent_group_id": "nope", "ip_protocol": "icmp", "from_port": -1, "to_port": -1}}),
        )
        .await;
    assert_eq!((o.status, o.body["itemNotFound"]["code"].as_i64()), (404, Some(404)));

    // ICMP: -1/-1 is any type and code (Neutron's open range), a type alone any code.
    let any = api
        .create(
            "/v2.1/{pid}/os-security-group-rules",
            json!({"security_group_rule": {"parent_group_id": gid, "ip_protocol": "icmp", "from_port": -1, "to_port": -1}}),
            200,
            "security_group_rule",
        )
        .await;
    assert_eq!(
        (any["from_port"].as_i64(), any["to_port"].as_i64(), any["ip_range"]["cidr"].as_str()),
        (Some(-1), Some(-1), Some("0.0.0.0/0"))
    );
    let n = api.get(&format!("/v2.0/security-group-rules/{}", id(&any))).await.body["security_group_rule"].clone();
    assert_eq!((n["port_range_min"].clone(), n["protocol"].as_str()), (Value::Null, Some("icmp")));
    let echo = api
        .create("/v2.1/{pid}/os-security-group-rules", json!({"security_group_rule": {"parent_group_id": gid, "ip_protocol": "icmp", "from_port": 8, "to_port": -1, "cidr": "10.1.0.0/16"}}), 200, "security_group_rule")
        .await;
    assert_eq!((echo["from_port"].as_i64(), echo["to_port"].as_i64()), (Some(8), Some(-1)));
    for r in [&any, &echo] {
        assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-security-group-rules/{}", id(r))).await.status, 202);
    }
    // A rule created through VPC v1 shows in Nova's view, with a source group.
    let o = api
        .post(
            "/v1/{pid}/security-group-rules",
            json!({"security_group_rule": {"security_group_id": gid, "direction": "ingress", "remote_group_id": gid}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let g = api.get(&format!("/v2/{{pid}}/os-security-groups/{gid}")).await.body["security_group"].clone();
    let rules = g["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    let by_group = rules.iter().find(|r| r["group"]["name"] == "web").unwrap();
    assert_eq!((by_group["ip_range"].clone(), by_group["from_port"].clone()), (json!({}), Value::Null));

    // Update through Nova, seen through v1; a group made by v1 is listed by Nova.
    let o =
        api.put(&format!("/v2.1/{{pid}}/os-security-groups/{gid}"), json!({"security_group": {"name": "web2", "description": "e"}})).await;
    assert_eq!((o.status, o.body["security_group"]["name"].as_str()), (200, Some("web2")));
    assert_eq!(api.get(&format!("/v1/{{pid}}/security-groups/{gid}")).await.body["security_group"]["name"], "web2");
    let v1g = api.create("/v1/{pid}/security-groups", json!({"security_group": {"name": "from-v1"}}), 200, "security_group").await;
    let list = api.get("/v2.1/{pid}/os-security-groups").await.body["security_groups"].clone();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"default") && names.contains(&"web2") && names.contains(&"from-v1"), "{names:?}");
    let o = api.put(&format!("/v2.1/{{pid}}/os-security-groups/{gid}"), json!({"security_group": {"name": 5}})).await;
    assert_eq!(o.status, 400);

    // Deletes: rule, then group (the default one is refused); gone from v1.
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-security-group-rules/{rid}")).await.status, 202);
    assert_eq!(api.get(&format!("/v2.0/security-group-rules/{rid}")).await.status, 404);
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-security-group-rules/{rid}")).await.status, 404);
    let default = list.as_array().unwrap().iter().find(|g| g["name"] == "default").map(id).unwrap();
    let o = api.delete(&format!("/v2.1/{{pid}}/os-security-groups/{default}")).await;
    assert_eq!(o.status, 400, "{}", o.body);
    // The group is the remote of its own rule only: it can go.
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-security-groups/{gid}")).await.status, 202);
    assert_eq!(api.get(&format!("/v1/{{pid}}/security-groups/{gid}")).await.status, 404);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/os-security-groups/{gid}")).await.status, 404);
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-security-groups/{}", id(&v1g))).await.status, 202);

    // Retired at 2.36; isolated between projects.
    let o = api
        .emu
        .http
        .get(api.emu.url(&format!("/v2.1/{}/os-security-groups", api.pid)))
        .header("X-Auth-Token", &api.token)
        .header("OpenStack-API-Version", "compute 2.36")
        .send()
        .await
        .unwrap();
    assert_eq!(o.status().as_u16(), 404);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("/v2.1/{{pid}}/os-security-groups/{default}")).await.status, 404);
    let nl_list = nl.get("/v2.1/{pid}/os-security-groups").await.body["security_groups"].clone();
    assert!(nl_list.as_array().unwrap().iter().all(|g| g["id"] != default.as_str()));
}

#[tokio::test]
async fn server_security_groups_act_on_its_ports() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (sid, _, _) = server(&api).await;
    let g = api
        .create("/v2.1/{pid}/os-security-groups", json!({"security_group": {"name": "extra", "description": "x"}}), 200, "security_group")
        .await;
    let gid = id(&g);
    let act = |body: Value| {
        let api = &api;
        let sid = sid.clone();
        async move { api.post(&format!("/v2.1/{{pid}}/servers/{sid}/action"), body).await }
    };
    assert_eq!(act(json!({"addSecurityGroup": {"name": "extra"}})).await.status, 202);
    let port = api.get(&format!("/v2.0/ports?device_id={sid}")).await.body["ports"][0].clone();
    assert!(port["security_groups"].as_array().unwrap().contains(&json!(gid)), "{port}");
    let list = api.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-security-groups")).await.body["security_groups"].clone();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["default", "extra"]);
    let srv = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"].clone();
    assert_eq!(srv["security_groups"], json!([{"name": "default"}, {"name": "extra"}]));
    let ecs = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}")).await.body["server"].clone();
    assert_eq!(ecs["security_groups"].as_array().unwrap().len(), 2);
    // Twice is Nova's 400; an unknown group its 404; a missing name its 400.
    assert_eq!(act(json!({"addSecurityGroup": {"name": "extra"}})).await.status, 400);
    assert_eq!(act(json!({"addSecurityGroup": {"name": "nope"}})).await.status, 404);
    assert_eq!(act(json!({"addSecurityGroup": {}})).await.status, 400);
    // The group is in use by the port: neither Nova nor VPC deletes it.
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-security-groups/{gid}")).await.status, 400);
    // Removing by id (OTC takes ids too).
    assert_eq!(act(json!({"removeSecurityGroup": {"name": gid}})).await.status, 202);
    let port = api.get(&format!("/v2.0/ports?device_id={sid}")).await.body["ports"][0].clone();
    assert!(!port["security_groups"].as_array().unwrap().contains(&json!(gid)));
    assert_eq!(act(json!({"removeSecurityGroup": {"name": "extra"}})).await.status, 400);
    assert_eq!(api.get("/v2.1/{pid}/servers/nope/os-security-groups").await.status, 404);
    // A port's groups changed through Neutron are the server's in every view.
    let o = api.put(&format!("/v2.0/ports/{}", port["id"].as_str().unwrap()), json!({"port": {"security_groups": [gid]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let srv = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"].clone();
    assert_eq!(srv["security_groups"], json!([{"name": "extra"}]));
    let ecs = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}")).await.body["server"].clone();
    assert_eq!(ecs["security_groups"], json!([{"id": gid, "name": "extra"}]));
    let list = api.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-security-groups")).await.body["security_groups"].clone();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-security-groups")).await.status, 404);
}

#[tokio::test]
async fn nova_floating_ips_are_eips() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let pools = api.get("/v2.1/{pid}/os-floating-ip-pools").await;
    assert_eq!(pools.body["floating_ip_pools"], json!([{"name": "admin_external_net"}]));
    let f = api.create("/v2.1/{pid}/os-floating-ips", json!({"pool": "admin_external_net"}), 200, "floating_ip").await;
    assert_eq!(
        (f["pool"].as_str(), f["fixed_ip"].clone(), f["instance_id"].clone()),
        (Some("admin_external_net"), Value::Null, Value::Null)
    );
    let fid = id(&f);
    let eip = api.get(&format!("/v1/{{pid}}/publicips/{fid}")).await;
    assert_eq!((eip.status, eip.body["publicip"]["public_ip_address"].as_str()), (200, f["ip"].as_str()));
    // Bound to a server through the action, seen in both views.
    let (sid, _, _) = server(&api).await;
    let o = api.post(&format!("/v2.1/{{pid}}/servers/{sid}/action"), json!({"addFloatingIp": {"address": f["ip"]}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let shown = api.get(&format!("/v2/{{pid}}/os-floating-ips/{fid}")).await.body["floating_ip"].clone();
    assert_eq!(shown["instance_id"], sid.as_str());
    assert!(shown["fixed_ip"].as_str().unwrap().starts_with("192.168.20."));
    // An EIP made through VPC v1 is a Nova floating IP.
    let v1 = api
        .create(
            "/v1/{pid}/publicips",
            json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b", "size": 5, "share_type": "PER"}}),
            200,
            "publicip",
        )
        .await;
    let list = api.get("/v2.1/{pid}/os-floating-ips").await.body["floating_ips"].clone();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(list.as_array().unwrap().iter().any(|x| x["id"] == v1["id"]));
    // Refusals.
    assert_eq!(api.post("/v2.1/{pid}/os-floating-ips", json!({"pool": "other"})).await.status, 404);
    assert_eq!(api.post("/v2.1/{pid}/os-floating-ips", json!({"pool": 3})).await.status, 400);
    assert_eq!(api.get("/v2.1/{pid}/os-floating-ips/nope").await.status, 404);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("/v2.1/{{pid}}/os-floating-ips/{fid}")).await.status, 404);
    assert_eq!(nl.delete(&format!("/v2.1/{{pid}}/os-floating-ips/{fid}")).await.status, 404);
    // Released even while bound (Nova unbinds first); gone from VPC.
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-floating-ips/{fid}")).await.status, 202);
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{fid}")).await.status, 404);
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-floating-ips/{fid}")).await.status, 404);
}

#[tokio::test]
async fn nova_image_delete_refuses_public_images() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let img = image_id("Standard_Debian_11_latest");
    let o = api.delete(&format!("/v2.1/{{pid}}/images/{img}")).await;
    assert_eq!((o.status, o.body["forbidden"]["code"].as_i64()), (403, Some(403)), "{}", o.body);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/images/{img}")).await.status, 200, "still there");
    let o = api.delete("/v2/{pid}/images/00000000-0000-0000-0000-000000000000").await;
    assert_eq!((o.status, o.body["itemNotFound"]["code"].as_i64()), (404, Some(404)));
}

#[tokio::test]
async fn nova_interfaces_attach_and_detach_ports() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (sid, net, _) = server(&api).await;
    let base = format!("/v2.1/{{pid}}/servers/{sid}/os-interface");
    // A new port on a network, with a fixed address.
    let a = api
        .create(
            &base,
            json!({"interfaceAttachment": {"net_id": net, "fixed_ips": [{"ip_address": "192.168.20.77"}]}}),
            200,
            "interfaceAttachment",
        )
        .await;
    assert_eq!(a["fixed_ips"][0]["ip_address"], "192.168.20.77");
    let new_port = a["port_id"].as_str().unwrap().to_string();
    let p = api.get(&format!("/v2.0/ports/{new_port}")).await.body["port"].clone();
    assert_eq!((p["device_id"].as_str(), p["device_owner"].as_str()), (Some(sid.as_str()), Some("compute:eu-de-01")));
    // A port made beforehand.
    let own = api.create("/v2.0/ports", json!({"port": {"network_id": net}}), 201, "port").await;
    let own_id = id(&own);
    let a = api.create(&base, json!({"interfaceAttachment": {"port_id": own_id}}), 200, "interfaceAttachment").await;
    assert_eq!(a["port_id"], own_id.as_str());
    assert_eq!(api.get(&base).await.body["interfaceAttachments"].as_array().unwrap().len(), 3);
    let ecs = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/os-interface")).await.body.clone();
    assert_eq!(ecs["interfaceAttachments"].as_array().unwrap().len(), 3);
    assert_eq!(ecs["attachableQuantity"]["free_nic"], 9);
    // Refusals: both or neither, a port in use, unknown network, bad address.
    assert_eq!(api.post(&base, json!({"interfaceAttachment": {"net_id": net, "port_id": own_id}})).await.status, 400);
    assert_eq!(api.post(&base, json!({"interfaceAttachment": {}})).await.status, 400);
    assert_eq!(api.post(&base, json!({"interfaceAttachment": {"port_id": own_id}})).await.status, 409);
    assert_eq!(api.post(&base, json!({"interfaceAttachment": {"net_id": "nope"}})).await.status, 404);
    let o = api.post(&base, json!({"interfaceAttachment": {"net_id": net, "fixed_ips": [{"ip_address": "10.9.9.9"}]}})).await;
    assert_eq!(o.status, 400, "{}", o.body);
    assert_eq!(api.post(&base, json!({"interfaceAttachment": {"net_id": net, "fixed_ips": [{"ip_address": "x"}]}})).await.status, 400);
    assert_eq!(api.post(&base, json!({"interfaceAttachment": "x"})).await.status, 400);
    // Detach: the server's own port goes; a given port is freed; the primary stays.
    assert_eq!(api.delete(&format!("{base}/{new_port}")).await.status, 202);
    assert_eq!(api.get(&format!("/v2.0/ports/{new_port}")).await.status, 404);
    assert_eq!(api.delete(&format!("{base}/{own_id}")).await.status, 202);
    let p = api.get(&format!("/v2.0/ports/{own_id}")).await.body["port"].clone();
    assert_eq!((p["device_id"].as_str(), p["device_owner"].as_str()), (Some(""), Some("")));
    assert_eq!(api.delete(&format!("{base}/{own_id}")).await.status, 404);
    let primary = api.get(&base).await.body["interfaceAttachments"][0]["port_id"].as_str().unwrap().to_string();
    assert_eq!(api.delete(&format!("{base}/{primary}")).await.status, 400);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.post(&base, json!({"interfaceAttachment": {"net_id": net}})).await.status, 404);
}

#[tokio::test]
async fn ecs_nics_batches_are_jobs() {
    let emu = Emu::with({
        let mut c = config();
        c.compute.job_seconds = 4;
        c
    })
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (sid, net, vpc) = server(&api).await;
    let other = api
        .create(
            "/v1/{pid}/subnets",
            json!({"subnet": {"name": "sn2", "cidr": "192.168.30.0/24", "gateway_ip": "192.168.30.1", "vpc_id": vpc}}),
            200,
            "subnet",
        )
        .await;
    let g = api.create("/v1/{pid}/security-groups", json!({"security_group": {"name": "nicgrp"}}), 200, "security_group").await;
    let o = api
        .post(
            &format!("/v1/{{pid}}/cloudservers/{sid}/nics"),
            json!({"nics": [
            {"subnet_id": id(&other), "security_groups": [{"id": id(&g)}]},
            {"subnet_id": net, "ip_address": "192.168.20.50"}]}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let job = o.body["job_id"].as_str().unwrap().to_string();
    assert_eq!(job_status(&api, &job).await, "INIT");
    emu.server.clock.advance(Duration::seconds(4));
    assert_eq!(job_status(&api, &job).await, "SUCCESS");
    let nics = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/os-interface")).await.body["interfaceAttachments"].clone();
    let nics = nics.as_array().unwrap();
    assert_eq!(nics.len(), 3);
    let on_other = nics.iter().find(|n| n["net_id"] == id(&other).as_str()).unwrap();
    let port = api.get(&format!("/v2.0/ports/{}", on_other["port_id"].as_str().unwrap())).await.body["port"].clone();
    assert_eq!(port["security_groups"], json!([id(&g)]));
    assert!(nics.iter().any(|n| n["fixed_ips"][0]["ip_address"] == "192.168.20.50"));
    // Refusals, all-or-nothing: an unknown subnet after a good one adds nothing.
    let o = api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics"), json!({"nics": [{"subnet_id": net}, {"subnet_id": "nope"}]})).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str().unwrap_or("")), (400, "Ecs.0038"), "{}", o.body);
    assert_eq!(
        api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/os-interface")).await.body["interfaceAttachments"].as_array().unwrap().len(),
        3
    );
    let o = api
        .post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics"), json!({"nics": [{"subnet_id": net, "ip_address": "192.168.20.50"}]}))
        .await;
    assert_eq!(o.body["error"]["code"], "Ecs.0010", "{}", o.body);
    let o = api
        .post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics"), json!({"nics": [{"subnet_id": net, "security_groups": [{"id": "nope"}]}]}))
        .await;
    assert_eq!(o.body["error"]["code"], "Ecs.0014", "{}", o.body);
    assert_eq!(api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics"), json!({"nics": []})).await.body["error"]["code"], "Ecs.0005");
    assert_eq!(api.post("/v1/{pid}/cloudservers/nope/nics", json!({"nics": [{"subnet_id": net}]})).await.body["error"]["code"], "Ecs.0114");
    // Delete: the primary NIC stays, a NIC not attached is Ecs.0085.
    let primary = nics[0]["port_id"].as_str().unwrap().to_string();
    let second = nics[1]["port_id"].as_str().unwrap().to_string();
    let o = api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics/delete"), json!({"nics": [{"id": primary}]})).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str().unwrap_or("")), (400, "Ecs.0005"), "{}", o.body);
    let o = api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics/delete"), json!({"nics": [{"id": "nope"}]})).await;
    assert_eq!(o.body["error"]["code"], "Ecs.0085");
    let o = api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics/delete"), json!({"nics": [{"id": second}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(api.get(&format!("/v2.0/ports/{second}")).await.status, 404);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("/v1/{{pid}}/cloudservers/{sid}/os-interface")).await.body["error"]["code"], "Ecs.0114");
}

#[tokio::test]
async fn nova_resize_confirm_and_revert() {
    let emu = Emu::with({
        let mut c = config();
        c.compute.action_seconds = 5;
        c
    })
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (sid, _, _) = server(&api).await;
    let act = format!("/v2.1/{{pid}}/servers/{sid}/action");
    // Confirming what was never resized.
    assert_eq!(api.post(&act, json!({"confirmResize": null})).await.status, 409);
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "s3.medium.1"}})).await.status, 400, "same flavor");
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "nope"}})).await.status, 400);
    assert_eq!(api.post(&act, json!({"resize": {}})).await.status, 400);
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "s3.large.2"}})).await.status, 202);
    assert_eq!(status(&api, &sid).await, "RESIZE");
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "s3.large.4"}})).await.status, 409, "busy");
    emu.server.clock.advance(Duration::seconds(5));
    assert_eq!(status(&api, &sid).await, "VERIFY_RESIZE");
    let srv = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"].clone();
    assert_eq!(srv["flavor"]["id"], "s3.large.2");
    assert_eq!(api.post(&act, json!({"confirmResize": null})).await.status, 204);
    assert_eq!(status(&api, &sid).await, "ACTIVE");
    assert_eq!(api.get(&format!("/v1/{{pid}}/cloudservers/{sid}")).await.body["server"]["flavor"]["id"], "s3.large.2");
    // Revert goes back to the old flavor.
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "s3.xlarge.2"}})).await.status, 202);
    emu.server.clock.advance(Duration::seconds(5));
    assert_eq!(api.post(&act, json!({"revertResize": null})).await.status, 202);
    assert_eq!(status(&api, &sid).await, "REVERT_RESIZE");
    emu.server.clock.advance(Duration::seconds(5));
    assert_eq!(status(&api, &sid).await, "ACTIVE");
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"]["flavor"]["id"], "s3.large.2");
    assert_eq!(api.post(&act, json!({"revertResize": null})).await.status, 409);
    // A stopped server comes back stopped.
    stop(&api, &sid).await;
    emu.server.clock.advance(Duration::seconds(5));
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "s3.medium.1"}})).await.status, 202);
    emu.server.clock.advance(Duration::seconds(5));
    assert_eq!(api.post(&act, json!({"confirmResize": null})).await.status, 204);
    assert_eq!(status(&api, &sid).await, "SHUTOFF");
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.post(&act, json!({"resize": {"flavorRef": "s3.large.2"}})).await.status, 404);
}

#[tokio::test]
async fn ecs_resize_migrate_and_os_changes_are_jobs() {
    let emu = Emu::with({
        let mut c = config();
        c.compute.action_seconds = 4;
        c.compute.build_seconds = 6;
        c
    })
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (sid, _, _) = server(&api).await;
    emu.server.clock.advance(Duration::seconds(6));
    let resize = format!("/v1/{{pid}}/cloudservers/{sid}/resize");
    // Only a stopped server.
    let o = api.post(&resize, json!({"resize": {"flavorRef": "s3.large.2"}})).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str().unwrap_or("")), (400, "Ecs.0100"), "{}", o.body);
    stop(&api, &sid).await;
    emu.server.clock.advance(Duration::seconds(4));
    assert_eq!(api.post(&resize, json!({"resize": {"flavorRef": "s3.medium.1"}})).await.body["error"]["code"], "Ecs.0009");
    assert_eq!(api.post(&resize, json!({"resize": {"flavorRef": "nope"}})).await.body["error"]["code"], "Ecs.0029");
    assert_eq!(api.post(&resize, json!({"resize": {}})).await.body["error"]["code"], "Ecs.0005");
    assert_eq!(api.post(&resize, json!({"resize": {"flavorRef": "s3.large.2"}, "dry_run": true})).await.status, 202);
    assert_eq!(api.get(&format!("/v1/{{pid}}/cloudservers/{sid}")).await.body["server"]["flavor"]["id"], "s3.medium.1", "dry run");
    let o = api.post(&resize, json!({"resize": {"flavorRef": "s3.large.2"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let job = o.body["job_id"].as_str().unwrap().to_string();
    assert_eq!(status(&api, &sid).await, "RESIZE");
    assert_ne!(job_status(&api, &job).await, "SUCCESS");
    emu.server.clock.advance(Duration::seconds(4));
    assert_eq!(job_status(&api, &job).await, "SUCCESS");
    assert_eq!(status(&api, &sid).await, "SHUTOFF");
    assert_eq!(api.get(&format!("/v1/{{pid}}/cloudservers/{sid}")).await.body["server"]["flavor"]["id"], "s3.large.2");

    // Cold migration of the stopped server.
    let o = api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/migrate"), json!({"migrate": {}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(status(&api, &sid).await, "MIGRATING");
    emu.server.clock.advance(Duration::seconds(4));
    assert_eq!(job_status(&api, o.body["job_id"].as_str().unwrap()).await, "SUCCESS");
    assert_eq!(status(&api, &sid).await, "SHUTOFF");
    assert_eq!(api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/migrate"), json!({})).await.body["error"]["code"], "Ecs.0005");

    // Change OS with a key pair: new image, key; the server boots.
    api.create("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "k2"}}), 200, "keypair").await;
    let ubuntu = image_id("Standard_Ubuntu_22.04_latest");
    let changeos = format!("/v2/{{pid}}/cloudservers/{sid}/changeos");
    assert_eq!(api.post(&changeos, json!({"os-change": {"imageid": "nope"}})).await.body["error"]["code"], "Ecs.0031");
    assert_eq!(api.post(&changeos, json!({"os-change": {"imageid": ubuntu, "keyname": "nope"}})).await.body["error"]["code"], "Ecs.0314");
    assert_eq!(api.post(&changeos, json!({"os-change": {}})).await.body["error"]["code"], "Ecs.0005");
    assert_eq!(api.post(&changeos, json!({"os-change": {"imageid": ubuntu, "adminpass": "weak"}})).await.body["error"]["code"], "Ecs.0011");
    let o = api.post(&changeos, json!({"os-change": {"imageid": ubuntu, "metadata": {"user_data": "not base64!"}}})).await;
    assert_eq!(o.body["error"]["code"], "Ecs.0005");
    let o = api.post(&changeos, json!({"os-change": {"imageid": ubuntu, "keyname": "k2", "adminpass": "Str0ng-Pass!"}})).await;
    assert_eq!(o.body["error"]["code"], "Ecs.0005", "a key pair or a password, not both");
    let o =
        api.post(&changeos, json!({"os-change": {"imageid": ubuntu, "keyname": "k2", "metadata": {"user_data": "IyEvYmluL3No"}}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(status(&api, &sid).await, "REBUILD");
    emu.server.clock.advance(Duration::seconds(6));
    assert_eq!(job_status(&api, o.body["job_id"].as_str().unwrap()).await, "SUCCESS");
    let srv = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"].clone();
    assert_eq!(
        (srv["status"].as_str(), srv["image"]["id"].as_str(), srv["key_name"].as_str()),
        (Some("ACTIVE"), Some(ubuntu.as_str()), Some("k2"))
    );
    // Running: changeos is refused; reinstall with withStopServer is not.
    assert_eq!(api.post(&changeos, json!({"os-change": {"imageid": ubuntu}})).await.body["error"]["code"], "Ecs.0100");
    let reinstall = format!("/v2/{{pid}}/cloudservers/{sid}/reinstallos");
    assert_eq!(api.post(&reinstall, json!({"os-reinstall": {"adminpass": "Str0ng-Pass!"}})).await.body["error"]["code"], "Ecs.0100");
    assert_eq!(api.post(&reinstall, json!({"os-reinstall": {"mode": "later"}})).await.body["error"]["code"], "Ecs.0005");
    let o = api.post(&reinstall, json!({"os-reinstall": {"mode": "withStopServer", "userid": "u"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    emu.server.clock.advance(Duration::seconds(6));
    let srv = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"].clone();
    assert_eq!(
        (srv["status"].as_str(), srv["image"]["id"].as_str(), srv["key_name"].clone()),
        (Some("ACTIVE"), Some(ubuntu.as_str()), Value::Null)
    );
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.post(&reinstall, json!({"os-reinstall": {}})).await.body["error"]["code"], "Ecs.0114");
    assert_eq!(nl.post(&resize, json!({"resize": {"flavorRef": "s3.large.4"}})).await.body["error"]["code"], "Ecs.0114");
}

#[tokio::test]
async fn floating_ip_allocation_takes_the_default_pool() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let f = api.create("/v2/{pid}/os-floating-ips", json!({}), 200, "floating_ip").await;
    assert_eq!(f["pool"], "admin_external_net");
    let o = api.req(reqwest::Method::POST, "/v2/{pid}/os-floating-ips", None).await;
    assert_eq!(o.status, 400, "an empty body is not the documented request");
    assert_eq!(api.get("/v2.0/floatingips").await.body["floatingips"].as_array().unwrap().len(), 1, "one EIP, seen by Neutron");
}

#[tokio::test]
async fn nic_limit_lock_and_deleted_resizes() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (sid, net, _) = server(&api).await;
    let base = format!("/v2.1/{{pid}}/servers/{sid}/os-interface");
    for _ in 0..11 {
        assert_eq!(api.post(&base, json!({"interfaceAttachment": {"net_id": net}})).await.status, 200);
    }
    let o = api.post(&base, json!({"interfaceAttachment": {"net_id": net}})).await;
    assert_eq!((o.status, o.body["forbidden"]["code"].as_i64()), (403, Some(403)), "twelve NICs at most: {}", o.body);
    let o = api.post(&format!("/v1/{{pid}}/cloudservers/{sid}/nics"), json!({"nics": [{"subnet_id": net}]})).await;
    assert_eq!(o.body["error"]["code"], "Ecs.0050");
    assert_eq!(api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/os-interface")).await.body["attachableQuantity"]["free_nic"], 0);
    // A locked server refuses security group and NIC changes.
    let act = format!("/v2.1/{{pid}}/servers/{sid}/action");
    assert_eq!(api.post(&act, json!({"lock": null})).await.status, 202);
    assert_eq!(api.post(&act, json!({"addSecurityGroup": {"name": "default"}})).await.status, 409);
    let port = api.get(&base).await.body["interfaceAttachments"][1]["port_id"].as_str().unwrap().to_string();
    assert_eq!(api.delete(&format!("{base}/{port}")).await.status, 409);
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "s3.large.2"}})).await.status, 409);
    assert_eq!(api.post(&act, json!({"unlock": null})).await.status, 202);
    // A server deleted while its resize waits takes the pending resize along;
    // its ports (all made by it) go too.
    assert_eq!(api.post(&act, json!({"resize": {"flavorRef": "s3.large.2"}})).await.status, 202);
    assert_eq!(status(&api, &sid).await, "VERIFY_RESIZE");
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/servers/{sid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/ports?device_id={sid}")).await.body["ports"], json!([]));
    // The floating-IP proxy is retired at 2.36, like the others.
    let r = emu
        .http
        .get(emu.url(&format!("/v2.1/{}/os-floating-ips", api.pid)))
        .header("X-Auth-Token", &api.token)
        .header("OpenStack-API-Version", "compute 2.36")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}
