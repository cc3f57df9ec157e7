//! Enterprise VPN (v5) gateways over HTTP: placed in real VPCs and subnets,
//! binding real EIPs, moving through their statuses on the clock, refused
//! with the documented codes; plus quotas, availability zones and tags.

use crate::common::{config, Emu};
use crate::netkit::{id, Api};
use serde_json::{json, Value};

fn cfg(f: impl FnOnce(&mut otc_vpn::VpnConfig)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c.vpn);
    c
}

/// A dedicated-bandwidth EIP through VPC v1; returns its id.
pub async fn eip(api: &Api<'_>) -> String {
    let body =
        json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "bw", "size": 8, "share_type": "PER", "charge_mode": "traffic"}});
    id(&api.create("/v1/{pid}/publicips", body, 200, "publicip").await)
}

/// A public gateway body on `vpc`/`subnet` with two EIPs.
fn public_gateway(name: &str, vpc: &str, subnet: &str, e1: &str, e2: &str) -> Value {
    json!({"vpn_gateway": {
        "name": name, "vpc_id": vpc, "local_subnets": ["192.168.0.0/24", "192.168.1.0/24"], "connect_subnet": subnet,
        "eip1": {"id": e1}, "eip2": {"id": e2},
    }})
}

#[tokio::test]
async fn a_gateway_binds_its_eips_and_moves_on_the_clock() {
    let emu = Emu::with(cfg(|v| v.gateway_seconds = 10)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.10.0/24", "192.168.10.1").await;
    let (e1, e2) = (eip(&api).await, eip(&api).await);

    let created = api.post("/v5/{pid}/vpn-gateways", public_gateway("gw-1", &vpc, &subnet, &e1, &e2)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let g = &created.body["vpn_gateway"];
    assert!(created.body["request_id"].is_string());
    assert_eq!((g["name"].as_str(), g["flavor"].as_str(), g["bgp_asn"].as_u64()), (Some("gw-1"), Some("Professional1"), Some(64512)));
    assert_eq!((g["access_vpc_id"].as_str(), g["access_subnet_id"].as_str()), (Some(vpc.as_str()), Some(subnet.as_str())));
    assert_eq!((g["connection_number"].as_u64(), g["used_connection_number"].as_u64()), (Some(200), Some(0)));
    assert!(g.get("status").is_none(), "the create answer has no status");
    let gid = id(g);
    let path = format!("/v5/{{pid}}/vpn-gateways/{gid}");

    let shown = api.get(&path).await.body["vpn_gateway"].clone();
    assert_eq!(shown["status"], "PENDING_CREATE");
    assert!(shown.get("eip1").is_none() && shown.get("created_at").is_none(), "{shown}");
    // The EIPs are bound at once: the VPC API shows them in use.
    let bound = api.get(&format!("/v1/{{pid}}/publicips/{e1}")).await.body["publicip"].clone();
    assert_eq!(bound["status"], "ACTIVE");
    let port = api.get(&format!("/v2.0/ports/{}", bound["port_id"].as_str().unwrap())).await.body["port"].clone();
    assert_eq!((port["device_owner"].as_str(), port["device_id"].as_str()), (Some("network:vpn_gateway"), Some(gid.as_str())));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/publicips/{e1}")).await.status, 409, "a bound EIP is not released");
    // Changes wait for creation to finish.
    let early = api.put(&path, json!({"vpn_gateway": {"name": "x"}})).await;
    assert_eq!((early.status, early.code.as_str()), (409, "VPN.0003"), "{}", early.body);
    assert!(early.body["error_msg"].as_str().unwrap().contains("currently CREATING"));

    emu.server.clock.advance(chrono::Duration::seconds(10));
    let shown = api.get(&path).await.body["vpn_gateway"].clone();
    assert_eq!(shown["status"], "ACTIVE");
    assert_eq!(shown["eip1"]["id"], e1.as_str());
    assert_eq!(shown["eip1"]["ip_address"], bound["public_ip_address"]);
    assert_eq!((shown["eip2"]["bandwidth_size"].as_u64(), shown["eip2"]["charge_mode"].as_str()), (Some(8), Some("traffic")));
    assert_eq!(shown["availability_zone_ids"], json!(["eu-de-01", "eu-de-02"]));
    assert!(shown["created_at"].as_str().unwrap().ends_with('Z'));

    // A rename is immediate; new local subnets take an update.
    let renamed = api.put(&path, json!({"vpn_gateway": {"name": "gw-renamed"}})).await;
    assert_eq!((renamed.status, renamed.body["vpn_gateway"]["name"].as_str()), (200, Some("gw-renamed")));
    assert_eq!(api.get(&path).await.body["vpn_gateway"]["status"], "ACTIVE");
    let o = api.put(&path, json!({"vpn_gateway": {"local_subnets": ["192.168.2.0/24"]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(api.get(&path).await.body["vpn_gateway"]["status"], "PENDING_UPDATE");
    assert_eq!(api.put(&path, json!({"vpn_gateway": {"name": "y"}})).await.code, "VPN.0507");
    emu.server.clock.advance(chrono::Duration::seconds(10));

    // Specifications change within Professional only.
    let spec = |f: &str| json!({"vpn_gateway": {"flavor": f}});
    let same = api.post(&format!("{path}/update-specification"), spec("Professional1")).await;
    assert_eq!((same.status, same.code.as_str()), (400, "VPN.0518"));
    assert_eq!(api.post(&format!("{path}/update-specification"), spec("Basic")).await.code, "VPN.0517");
    assert_eq!(api.post(&format!("{path}/update-specification"), spec("Professional2-NonFixedIP")).await.code, "VPN.0516");
    let up = api.post(&format!("{path}/update-specification"), spec("Professional2")).await;
    assert_eq!((up.status, up.body["vpn_gateway"]["flavor"].as_str()), (200, Some("Professional2")));
    emu.server.clock.advance(chrono::Duration::seconds(10));

    // An EIP a connection uses stays, as does the gateway.
    let cgw =
        api.create("/v5/{pid}/customer-gateways", json!({"customer_gateway": {"id_value": "203.0.113.7"}}), 201, "customer_gateway").await;
    let conn =
        json!({"vpn_connection": {"vgw_id": gid, "vgw_ip": e2, "cgw_id": id(&cgw), "peer_subnets": ["10.99.0.0/16"], "psk": "Abcd1234!"}});
    let conn = api.create("/v5/{pid}/vpn-connection", conn, 201, "vpn_connection").await;
    let e3 = eip(&api).await;
    let o = api.put(&path, json!({"vpn_gateway": {"eip_id_2": e3}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPN.0001"), "{}", o.body);
    let o = api.delete(&path).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPN.0001"), "{}", o.body);
    assert_eq!(api.get(&path).await.body["vpn_gateway"]["used_connection_number"], 1);
    assert_eq!(api.delete(&format!("/v5/{{pid}}/vpn-connection/{}", id(&conn))).await.status, 204);

    // Swapping an EIP unbinds the old one.
    let o = api.put(&path, json!({"vpn_gateway": {"eip_id_2": e3}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["vpn_gateway"]["eip2"]["id"], e3.as_str());
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{e2}")).await.body["publicip"]["status"], "DOWN");
    emu.server.clock.advance(chrono::Duration::seconds(10));

    // Deletion gives the EIPs back at once; the gateway lingers.
    assert_eq!(api.delete(&path).await.status, 204);
    assert_eq!(api.get(&path).await.body["vpn_gateway"]["status"], "PENDING_DELETE");
    assert_eq!(api.delete(&path).await.code, "VPN.0508");
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{e1}")).await.body["publicip"]["status"], "DOWN");
    emu.server.clock.advance(chrono::Duration::seconds(10));
    let gone = api.get(&path).await;
    assert_eq!((gone.status, gone.code.as_str()), (404, "VPN.0509"));
    assert_eq!(api.get("/v5/{pid}/vpn-gateways").await.body["vpn_gateways"], json!([]));
    for e in [e1, e2, e3] {
        assert_eq!(api.delete(&format!("/v1/{{pid}}/publicips/{e}")).await.status, 204);
    }
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{subnet}")).await.status, 204, "the subnet is free again");
}

#[tokio::test]
async fn private_gateways_and_gateway_created_eips() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("172.16.0.0/16", "172.16.0.0/24", "172.16.0.1").await;
    let body = json!({"vpn_gateway": {
        "vpc_id": vpc, "local_subnets": ["172.16.0.0/24"], "connect_subnet": subnet, "network_type": "private",
        "access_private_ip_1": "172.16.0.99", "access_private_ip_2": "172.16.0.100", "ha_mode": "active-standby",
        "flavor": "Professional2", "bgp_asn": 65001, "availability_zone_ids": ["eu-de-02", "eu-de-01"],
    }});
    let g = api.create("/v5/{pid}/vpn-gateways", body.clone(), 201, "vpn_gateway").await;
    let shown = api.get(&format!("/v5/{{pid}}/vpn-gateways/{}", id(&g))).await.body["vpn_gateway"].clone();
    assert_eq!((shown["status"].as_str(), shown["network_type"].as_str()), (Some("ACTIVE"), Some("private")));
    assert_eq!((shown["access_private_ip_1"].as_str(), shown["access_private_ip_2"].as_str()), (Some("172.16.0.99"), Some("172.16.0.100")));
    assert_eq!(shown["availability_zone_ids"], json!(["eu-de-02", "eu-de-01"]));
    assert!(shown.get("eip1").is_none());
    // The addresses are held in the subnet.
    let ports = api.get("/v2.0/ports?device_owner=network:vpn_gateway").await.body["ports"].clone();
    let ips: Vec<&str> = ports.as_array().unwrap().iter().map(|p| p["fixed_ips"][0]["ip_address"].as_str().unwrap()).collect();
    assert!(ips.contains(&"172.16.0.99") && ips.contains(&"172.16.0.100") && ips.len() == 4, "{ips:?}");
    let taken = api.post("/v5/{pid}/vpn-gateways", body).await;
    assert_eq!((taken.status, taken.code.as_str()), (400, "VPN.0111"));

    // Attached to an enterprise router: no VPC side, only the access subnet.
    let er = json!({"vpn_gateway": {
        "network_type": "private", "attachment_type": "er", "er_id": "c62fad0d-0000-4000-8000-e06c4c351b9f",
        "availability_zone_ids": ["eu-de-01", "eu-de-02"], "access_vpc_id": vpc, "access_subnet_id": subnet,
        "access_private_ip_1": "172.16.0.50", "access_private_ip_2": "172.16.0.51",
    }});
    let g = api.create("/v5/{pid}/vpn-gateways", er, 201, "vpn_gateway").await;
    assert!(g.get("vpc_id").is_none() && g.get("local_subnets").is_none(), "{g}");
    let shown = api.get(&format!("/v5/{{pid}}/vpn-gateways/{}", id(&g))).await.body["vpn_gateway"].clone();
    assert_eq!((shown["attachment_type"].as_str(), shown["er_id"].as_str()), (Some("er"), Some("c62fad0d-0000-4000-8000-e06c4c351b9f")));
    assert_eq!((shown["access_private_ip_1"].as_str(), shown["access_vpc_id"].as_str()), (Some("172.16.0.50"), Some(vpc.as_str())));
    let basic_er = json!({"vpn_gateway": {"attachment_type": "er", "er_id": "c62fad0d-0000-4000-8000-e06c4c351b9f", "flavor": "Basic",
        "access_vpc_id": vpc, "access_subnet_id": subnet, "network_type": "private"}});
    assert_eq!(api.post("/v5/{pid}/vpn-gateways", basic_er).await.code, "VPN.0001");
    assert_eq!(api.delete(&format!("/v5/{{pid}}/vpn-gateways/{}", id(&g))).await.status, 204);

    // New EIPs are created with the gateway and released with it.
    let public = json!({"vpn_gateway": {
        "vpc_id": vpc, "local_subnets": ["172.16.0.0/24"], "connect_subnet": subnet,
        "eip1": {"type": "5_bgp", "bandwidth_size": 5, "bandwidth_name": "evpn-gw-bw-1", "charge_mode": "traffic"},
        "eip2": {"type": "5_bgp", "bandwidth_size": 5},
    }});
    let g2 = api.create("/v5/{pid}/vpn-gateways", public, 201, "vpn_gateway").await;
    let shown = api.get(&format!("/v5/{{pid}}/vpn-gateways/{}", id(&g2))).await.body["vpn_gateway"].clone();
    assert_eq!(shown["eip1"]["bandwidth_name"], "evpn-gw-bw-1");
    assert!(shown["eip2"]["bandwidth_name"].as_str().unwrap().starts_with("vpngw-bandwidth-"));
    assert_eq!(api.get("/v1/{pid}/publicips").await.body["publicips"].as_array().unwrap().len(), 2);
    assert_eq!(api.delete(&format!("/v5/{{pid}}/vpn-gateways/{}", id(&g2))).await.status, 204);
    assert_eq!(api.get("/v1/{pid}/publicips").await.body["publicips"], json!([]));
}

#[tokio::test]
async fn refusals_carry_the_documented_codes() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("10.0.0.0/16", "10.0.1.0/24", "10.0.1.1").await;
    let (e1, e2) = (eip(&api).await, eip(&api).await);
    let ok = public_gateway("gw", &vpc, &subnet, &e1, &e2);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = ok.clone();
        f(&mut b["vpn_gateway"]);
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "VPN.0001"),
        (with(&|g| g["name"] = json!("bad name!")), "VPN.0001"),
        (with(&|g| g["network_type"] = json!("hybrid")), "VPN.0001"),
        (with(&|g| g["flavor"] = json!("Huge")), "VPN.0001"),
        (with(&|g| g["flavor"] = json!("Professional1-NonFixedIP")), "VPN.0516"),
        (with(&|g| g["bgp_asn"] = json!(0)), "VPN.0001"),
        (with(&|g| g["bgp_asn"] = json!("64512")), "VPN.0001"),
        (with(&|g| g.as_object_mut().unwrap().remove("vpc_id").map(|_| ()).unwrap()), "VPN.0001"),
        (with(&|g| g["local_subnets"] = json!(["10.0.0.0/33"])), "VPN.0203"),
        (with(&|g| g["local_subnets"] = json!(["224.0.0.0/8"])), "VPN.0204"),
        (with(&|g| g["eip2"] = json!({"id": e1})), "VPN.0001"),
        (with(&|g| g["eip1"] = json!({"type": "5_bgp", "bandwidth_size": 500})), "VPN.0101"),
        (with(&|g| g["eip1"] = json!({"id": e1, "type": "5_bgp"})), "VPN.0001"),
        (with(&|g| g["access_private_ip_1"] = json!("10.0.1.20")), "VPN.0001"),
        (with(&|g| g["availability_zone_ids"] = json!(["eu-de-01"])), "VPN.0001"),
        (with(&|g| g["availability_zone_ids"] = json!(["eu-de-01", "eu-nl-01"])), "VPN.0001"),
        (with(&|g| g["connect_subnet"] = json!("8e1d0686-0000-4000-8000-91f32fa1dfc8")), "VPN.0001"),
        (with(&|g| g["attachment_type"] = json!("er")), "VPN.0001"),
        (with(&|g| g["flavor"] = json!("Basic")).pipe_private(), "VPN.0001"),
    ];
    for (body, code) in cases {
        let o = api.post("/v5/{pid}/vpn-gateways", body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, code), "{body} -> {}", o.body);
        assert!(o.body["error_msg"].is_string() && o.body["request_id"].is_string());
    }
    // Private addresses: both or neither, distinct, in the subnet, free.
    let private = |a: Value, b: Value| {
        json!({"vpn_gateway": {"vpc_id": vpc, "local_subnets": ["10.0.0.0/24"], "connect_subnet": subnet,
            "network_type": "private", "access_private_ip_1": a, "access_private_ip_2": b}})
    };
    for (a, b, code) in [
        (json!("10.0.1.20"), Value::Null, "VPN.0109"),
        (json!("10.0.1.20"), json!("10.0.1.20"), "VPN.0107"),
        (json!("10.0.1.20"), json!("10.0.1.x"), "VPN.0108"),
        (json!("10.0.1.20"), json!("10.0.2.20"), "VPN.0104"),
        (json!("10.0.1.20"), json!("10.0.1.1"), "VPN.0110"),
        (json!("10.0.1.20"), json!("10.0.1.254"), "VPN.0110"),
    ] {
        let o = api.post("/v5/{pid}/vpn-gateways", private(a, b)).await;
        assert_eq!((o.status, o.code.as_str()), (400, code), "{}", o.body);
    }
    // An EIP another gateway holds.
    api.create("/v5/{pid}/vpn-gateways", ok.clone(), 201, "vpn_gateway").await;
    let e3 = eip(&api).await;
    let o = api.post("/v5/{pid}/vpn-gateways", public_gateway("gw2", &vpc, &subnet, &e3, &e1)).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPN.0112"));
    // A subnet without four idle addresses.
    let tiny = api
        .create(
            "/v1/{pid}/subnets",
            json!({"subnet": {"name": "tiny", "cidr": "10.0.9.0/28", "gateway_ip": "10.0.9.1", "vpc_id": vpc}}),
            200,
            "subnet",
        )
        .await;
    for _ in 0..7 {
        api.create("/v2.0/ports", json!({"port": {"network_id": id(&tiny)}}), 201, "port").await;
    }
    let o = api.post("/v5/{pid}/vpn-gateways", public_gateway("gw3", &vpc, &id(&tiny), &e3, &eip(&api).await)).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPN.0285"), "{}", o.body);
    assert!(o.body["error_msg"].as_str().unwrap().ends_with("only has 3 IP available, but 4 is required"), "{}", o.body);
    assert_eq!(api.get("/v5/{pid}/vpn-gateways/8e1d0686-0000-4000-8000-91f32fa1dfc8").await.code, "VPN.0509");
    // Nothing refused left anything behind.
    assert_eq!(api.get("/v5/{pid}/vpn-gateways").await.body["vpn_gateways"].as_array().unwrap().len(), 1);
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{e3}")).await.body["publicip"]["status"], "DOWN");
}

trait PipePrivate {
    fn pipe_private(self) -> Value;
}

/// A Basic private gateway: the flavor offers neither.
impl PipePrivate for Value {
    fn pipe_private(mut self) -> Value {
        let g = self["vpn_gateway"].as_object_mut().unwrap();
        g.remove("eip1");
        g.remove("eip2");
        g.insert("network_type".into(), json!("private"));
        self
    }
}

#[tokio::test]
async fn quotas_zones_filters_and_isolation() {
    let emu = Emu::with(cfg(|v| v.quotas.vpn_gateway = 1)).await;
    let api = Api::new(&emu, "eu-de").await;
    let zones = api.get("/v5/{pid}/vpn-gateways/availability-zones").await;
    assert_eq!(zones.status, 200);
    assert_eq!(zones.body["availability_zones"]["professional1"]["vpc"], json!(["eu-de-01", "eu-de-02"]));
    assert_eq!(zones.body["availability_zones"]["basic"]["er"], json!([]));
    let (vpc, subnet) = api.vpc_with_subnet("10.1.0.0/16", "10.1.1.0/24", "10.1.1.1").await;
    let mut body = public_gateway("gw", &vpc, &subnet, &eip(&api).await, &eip(&api).await);
    body["vpn_gateway"]["enterprise_project_id"] = json!("7354dda9-0000-4000-8000-a6b08fb92043");
    let g = api.create("/v5/{pid}/vpn-gateways", body, 201, "vpn_gateway").await;
    let quotas = api.get("/v5/{pid}/vpn/quotas").await.body["quotas"]["resources"].clone();
    assert_eq!(quotas[2], json!({"type": "vpn_gateway", "quota": 1, "used": 1}));
    assert_eq!(quotas[0]["type"], "customer_gateway");
    let over = api.post("/v5/{pid}/vpn-gateways", public_gateway("gw2", &vpc, &subnet, &eip(&api).await, &eip(&api).await)).await;
    assert_eq!((over.status, over.code.as_str()), (400, "VPN.0001"));
    let listed = |q: &str| {
        let q = q.to_string();
        let api = &api;
        async move { api.get(&format!("/v5/{{pid}}/vpn-gateways{q}")).await.body["vpn_gateways"].as_array().unwrap().len() }
    };
    assert_eq!(listed("?enterprise_project_id=7354dda9-0000-4000-8000-a6b08fb92043").await, 1);
    assert_eq!(listed("?enterprise_project_id=0").await, 0);

    // Another project neither sees nor reaches it.
    let other = Api::new(&emu, "eu-nl").await;
    assert_eq!(other.get(&format!("/v5/{{pid}}/vpn-gateways/{}", id(&g))).await.status, 404);
    assert_eq!(other.get("/v5/{pid}/vpn-gateways").await.body["vpn_gateways"], json!([]));
    let foreign = other.get(&format!("/v5/{}/vpn-gateways", api.pid)).await;
    assert_eq!(foreign.status, 403);
    assert_eq!(
        other.get("/v5/{pid}/vpn-gateways/availability-zones").await.body["availability_zones"]["professional2"]["er"],
        json!(["eu-nl-01", "eu-nl-02"])
    );
}

#[tokio::test]
async fn tags_of_gateways() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("10.2.0.0/16", "10.2.1.0/24", "10.2.1.1").await;
    let mut body = public_gateway("tagged-gw", &vpc, &subnet, &eip(&api).await, &eip(&api).await);
    body["vpn_gateway"]["tags"] = json!([{"key": "env", "value": "dev"}]);
    let g = api.create("/v5/{pid}/vpn-gateways", body, 201, "vpn_gateway").await;
    assert_eq!(g["tags"], json!([{"key": "env", "value": "dev"}]));
    let gid = id(&g);
    let tags = format!("/v5/{{pid}}/vpn-gateway/{gid}/tags");
    let o = api
        .post(&format!("{tags}/create"), json!({"tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "núcleo @1"}]}))
        .await;
    assert_eq!(o.status, 204, "{}", o.body);
    assert_eq!(api.get(&tags).await.body["tags"], json!([{"key": "env", "value": "prod"}, {"key": "team", "value": "núcleo @1"}]));
    assert_eq!(api.post(&format!("{tags}/create"), json!({"tags": [{"key": "bad/key", "value": "x"}]})).await.code, "VPN.0001");
    assert_eq!(api.post(&format!("{tags}/create"), json!({"tags": []})).await.code, "VPN.0001");
    // A tag that is no object is refused, never read positionally.
    for bad in [json!([["env", "x"]]), json!(["env"]), json!([{"key": 1}]), json!([{"key": "env", "value": 2}])] {
        assert_eq!(api.post(&format!("{tags}/create"), json!({"tags": bad.clone()})).await.code, "VPN.0001", "{bad}");
        assert_eq!(api.post(&format!("{tags}/delete"), json!({"tags": bad.clone()})).await.code, "VPN.0001", "{bad}");
    }
    let many: Vec<Value> = (0..20).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect();
    assert_eq!(api.post(&format!("{tags}/create"), json!({ "tags": many })).await.code, "VPN.0001", "over 20 tags");
    // A delete naming another value leaves the tag.
    assert_eq!(api.post(&format!("{tags}/delete"), json!({"tags": [{"key": "env", "value": "dev"}, {"key": "team"}]})).await.status, 204);
    assert_eq!(api.get(&tags).await.body["tags"], json!([{"key": "env", "value": "prod"}]));
    assert_eq!(api.get("/v5/{pid}/vpn-gateway/tags").await.body["tags"], json!([{"key": "env", "values": ["prod"]}]));
    assert_eq!(api.get("/v5/{pid}/vpn-connection/tags").await.body["tags"], json!([]));
    let filter = |b: Value| {
        let api = &api;
        async move { api.post("/v5/{pid}/vpn-gateway/resource-instances/filter", b).await }
    };
    let hit =
        filter(json!({"tags": [{"key": "env", "values": ["prod", "qa"]}], "matches": [{"key": "resource_name", "value": "tagged"}]})).await;
    assert_eq!((hit.body["total_count"].as_u64(), hit.body["resources"][0]["resource_id"].as_str()), (Some(1), Some(gid.as_str())));
    assert_eq!(filter(json!({"without_any_tag": "true"})).await.body["total_count"], 0);
    assert_eq!(filter(json!({"matches": [{"key": "name", "value": "x"}]})).await.code, "VPN.0001");
    let count = api.post("/v5/{pid}/vpn-gateway/resource-instances/count", json!({"tags": [{"key": "env", "values": []}]})).await;
    assert_eq!(count.body, json!({"total_count": 1}));
    let empty = api.req(reqwest::Method::POST, "/v5/{pid}/vpn-gateway/resource-instances/count", None).await;
    assert_eq!((empty.status, empty.code.as_str()), (400, "VPN.0001"), "a body is needed, if only {{}}");
    assert_eq!(api.get("/v5/{pid}/vpn-router/tags").await.code, "VPN.0001");
    let missing = api.get("/v5/{pid}/customer-gateway/8e1d0686-0000-4000-8000-91f32fa1dfc8/tags").await;
    assert_eq!((missing.status, missing.code.as_str()), (404, "VPN.0004"));
}
