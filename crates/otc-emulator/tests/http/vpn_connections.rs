//! Enterprise VPN (v5) customer gateways, VPN connections and connection
//! monitors over HTTP, on real gateways in real VPCs with real EIPs: the
//! answers each operation documents, the documented refusals, statuses on
//! the clock, paging, filters and project isolation.

use crate::common::{config, Emu};
use crate::netkit::{id, Api, Out};
use crate::vpn_gateways::eip;
use chrono::Duration;
use serde_json::{json, Value};

fn cfg(f: impl FnOnce(&mut otc_vpn::VpnConfig)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c.vpn);
    c
}

fn assert_error(o: &Out, status: u16, code: &str) {
    assert_eq!((o.status, o.code.as_str()), (status, code), "{}", o.body);
    assert!(o.body["error_msg"].is_string() && o.body["request_id"].is_string(), "{}", o.body);
}

/// A public gateway (active-active, BGP ASN 64512) in 192.168.0.0/16 with
/// local subnets 192.168.0.0/24 and 192.168.1.0/24 and a VPC subnet
/// 192.168.10.0/24, and its two EIPs.
struct Site {
    gw: String,
    e1: String,
    e2: String,
}

async fn site(api: &Api<'_>) -> Site {
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.10.0/24", "192.168.10.1").await;
    let (e1, e2) = (eip(api).await, eip(api).await);
    let body = json!({"vpn_gateway": {
        "name": "gw", "vpc_id": vpc, "local_subnets": ["192.168.0.0/24", "192.168.1.0/24"], "connect_subnet": subnet,
        "eip1": {"id": e1}, "eip2": {"id": e2},
    }});
    let gw = id(&api.create("/v5/{pid}/vpn-gateways", body, 201, "vpn_gateway").await);
    Site { gw, e1, e2 }
}

async fn gateway(api: &Api<'_>, gw: &str) -> Value {
    api.get(&format!("/v5/{{pid}}/vpn-gateways/{gw}")).await.body["vpn_gateway"].clone()
}

async fn cgw(api: &Api<'_>, address: &str, asn: Option<u32>) -> String {
    let mut body = json!({"customer_gateway": {"id_value": address}});
    if let Some(a) = asn {
        body["customer_gateway"]["bgp_asn"] = json!(a);
    }
    id(&api.create("/v5/{pid}/customer-gateways", body, 201, "customer_gateway").await)
}

/// The documented minimal static connection.
fn static_body(s: &Site, vgw_ip: &str, cgw: &str) -> Value {
    json!({"vpn_connection": {"vgw_id": s.gw, "vgw_ip": vgw_ip, "cgw_id": cgw, "peer_subnets": ["192.168.44.0/24"], "psk": "abcde1Z!"}})
}

fn conn_path(cid: &str) -> String {
    format!("/v5/{{pid}}/vpn-connection/{cid}")
}

async fn eip_address(api: &Api<'_>, eip: &str) -> String {
    let o = api.get(&format!("/v1/{{pid}}/publicips/{eip}")).await;
    o.body["publicip"]["public_ip_address"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn customer_gateways_crud_paging_quota_and_isolation() {
    let emu = Emu::with(cfg(|v| v.quotas.customer_gateway = 3)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;

    let body = json!({"customer_gateway": {"name": "cgw-2abf", "id_type": "ip", "id_value": "88.1.2.21", "bgp_asn": 65000}});
    let o = api.post("/v5/{pid}/customer-gateways", body).await;
    assert_eq!(o.status, 201, "{}", o.body);
    assert!(o.body["request_id"].is_string());
    let c = &o.body["customer_gateway"];
    assert_eq!((c["name"].as_str(), c["id_type"].as_str(), c["id_value"].as_str()), (Some("cgw-2abf"), Some("ip"), Some("88.1.2.21")));
    assert_eq!((c["bgp_asn"].as_u64(), c["tags"].clone()), (Some(65000), json!([])));
    assert_eq!(c["created_at"], c["updated_at"]);
    assert!(c.get("route_mode").is_none() && c.get("ip").is_none(), "deprecated members only on GET: {c}");
    let first = id(c);

    // Defaults: a generated name, type ip, no AS number.
    let second =
        api.create("/v5/{pid}/customer-gateways", json!({"customer_gateway": {"id_value": "88.1.2.22"}}), 201, "customer_gateway").await;
    let name = second["name"].as_str().unwrap();
    assert!(name.len() == 8 && name.starts_with("cgw-"), "{name}");
    assert!(second.get("bgp_asn").is_none() && second["id_type"] == "ip");

    let shown = api.get(&format!("/v5/{{pid}}/customer-gateways/{first}")).await;
    let c = &shown.body["customer_gateway"];
    assert_eq!((c["route_mode"].as_str(), c["ip"].as_str()), (Some("bgp"), Some("88.1.2.21")));
    let c2 = api.get(&format!("/v5/{{pid}}/customer-gateways/{}", id(&second))).await.body["customer_gateway"].clone();
    assert_eq!(c2["route_mode"], "static");

    let bad = |v: Value| json!({"customer_gateway": v});
    for (body, status, code) in [
        (json!({"id_value": "1.2.3.4"}), 400, "VPN.0001"),
        (bad(json!({"name": "x"})), 400, "VPN.0001"),
        (bad(json!({"id_value": "1.2.3"})), 400, "VPN.0203"),
        (bad(json!({"id_value": "224.1.1.1"})), 400, "VPN.0204"),
        (bad(json!({"id_value": "127.0.0.1"})), 400, "VPN.0204"),
        (bad(json!({"id_value": "a.example", "id_type": "fqdn"})), 400, "VPN.0013"),
        (bad(json!({"id_value": "1.2.3.4", "id_type": "dns"})), 400, "VPN.0001"),
        (bad(json!({"id_value": "1.2.3.4", "name": "no spaces"})), 400, "VPN.0001"),
        (bad(json!({"id_value": "1.2.3.4", "bgp_asn": "65000"})), 400, "VPN.0001"),
        (bad(json!({"id_value": "1.2.3.4", "bgp_asn": 0})), 400, "VPN.0001"),
        (bad(json!({"id_value": "1.2.3.4", "tags": [{"key": "a/b", "value": "x"}]})), 400, "VPN.0001"),
    ] {
        assert_error(&api.post("/v5/{pid}/customer-gateways", body).await, status, code);
    }

    emu.server.clock.advance(Duration::seconds(1));
    let third =
        api.create("/v5/{pid}/customer-gateways", json!({"customer_gateway": {"id_value": "88.1.2.23"}}), 201, "customer_gateway").await;
    // The quota (3 here) is used up.
    assert_error(&api.post("/v5/{pid}/customer-gateways", json!({"customer_gateway": {"id_value": "88.1.2.24"}})).await, 400, "VPN.0001");

    // Newest first; limit and marker page through, total_count counts all.
    let list = api.get("/v5/{pid}/customer-gateways").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let ids: Vec<String> = list.body["customer_gateways"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, vec![id(&third), id(&second), first.clone()]);
    assert_eq!((list.body["total_count"].as_u64(), list.body["page_info"]["current_count"].as_u64()), (Some(3), Some(3)));
    assert_eq!(list.body["customer_gateways"][2]["route_mode"], "bgp");
    let p1 = api.get("/v5/{pid}/customer-gateways?limit=2").await;
    assert_eq!(p1.body["customer_gateways"].as_array().unwrap().len(), 2);
    let marker = p1.body["page_info"]["next_marker"].as_str().unwrap().to_string();
    let p2 = api.get(&format!("/v5/{{pid}}/customer-gateways?limit=2&marker={marker}")).await;
    assert_eq!(p2.body["customer_gateways"].as_array().unwrap().iter().map(id).collect::<Vec<_>>(), vec![first.clone()]);
    assert_eq!(p2.body["page_info"]["current_count"], 1);
    assert_error(&api.get("/v5/{pid}/customer-gateways?limit=201").await, 400, "VPN.0001");
    assert_error(&api.get("/v5/{pid}/customer-gateways?marker=yesterday").await, 400, "VPN.0001");

    // Only the name changes; updated_at moves.
    emu.server.clock.advance(Duration::seconds(5));
    let path = format!("/v5/{{pid}}/customer-gateways/{first}");
    let up = api.put(&path, json!({"customer_gateway": {"name": "cgw-f846", "id_value": "9.9.9.9"}})).await;
    assert_eq!(up.status, 200, "{}", up.body);
    let c = &up.body["customer_gateway"];
    assert_eq!((c["name"].as_str(), c["id_value"].as_str()), (Some("cgw-f846"), Some("88.1.2.21")));
    assert_ne!(c["updated_at"], c["created_at"]);
    assert!(c.get("route_mode").is_none());
    assert_error(&api.put(&path, json!({"customer_gateway": {"name": "bad name"}})).await, 400, "VPN.0001");
    assert_eq!(api.put(&path, json!({"customer_gateway": {}})).await.status, 200);

    // Another project sees nothing.
    let other = Api::new(&emu, "eu-nl").await;
    assert_error(&other.get(&format!("/v5/{}/customer-gateways/{first}", other.pid)).await, 404, "VPN.0004");
    assert_error(&other.delete(&format!("/v5/{}/customer-gateways/{first}", other.pid)).await, 404, "VPN.0004");
    assert_eq!(other.get("/v5/{pid}/customer-gateways").await.body["total_count"], 0);

    assert_eq!(api.delete(&path).await.status, 204);
    assert_error(&api.get(&path).await, 404, "VPN.0004");
    assert_error(&api.put(&path, json!({"customer_gateway": {"name": "x"}})).await, 404, "VPN.0004");
    assert_error(&api.delete(&path).await, 404, "VPN.0004");
}

#[tokio::test]
async fn a_static_connection_from_creation_to_deletion() {
    let emu = Emu::with(cfg(|v| v.connection_seconds = 5)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let s = site(&api).await;
    let cg = cgw(&api, "88.7.7.164", None).await;
    let e1_address = eip_address(&api, &s.e1).await;

    let o = api.post("/v5/{pid}/vpn-connection", static_body(&s, &s.e1, &cg)).await;
    assert_eq!(o.status, 201, "{}", o.body);
    assert!(o.body["request_id"].is_string());
    let c = o.body["vpn_connection"].clone();
    let cid = id(&c);
    assert!(c["name"].as_str().unwrap().starts_with("vpn-"));
    assert_eq!((c["style"].as_str(), c["vgw_ip"].as_str(), c["cgw_id"].as_str()), (Some("STATIC"), Some(s.e1.as_str()), Some(cg.as_str())));
    assert_eq!((c["peer_subnets"].clone(), c["enable_nqa"].clone()), (json!(["192.168.44.0/24"]), json!(false)));
    for absent in ["status", "psk", "enable_hub", "policy_rules", "connection_monitor_id"] {
        assert!(c.get(absent).is_none(), "{absent} in {c}");
    }
    assert_eq!((c["eip_id"].as_str(), c["type"].as_str(), c["route_mode"].as_str()), (Some(s.e1.as_str()), Some("ROUTE"), Some("STATIC")));
    assert_eq!((c["ha_role"].as_str(), c["enterprise_project_id"].as_str(), c["tags"].clone()), (Some("master"), Some("0"), json!([])));
    // A free /30 of 169.254.0.0/16: .1 here, .2 on the customer side.
    let local = c["tunnel_local_address"].as_str().unwrap();
    let peer = c["tunnel_peer_address"].as_str().unwrap();
    assert!(local.starts_with("169.254.") && local.ends_with("/30") && !local.starts_with("169.254.195."), "{local}");
    let host = |a: &str| a.trim_end_matches("/30").rsplit('.').next().unwrap().parse::<u32>().unwrap();
    assert_eq!((host(local) % 4, host(peer), local.rsplit_once('.').unwrap().0), (1, host(local) + 1, peer.rsplit_once('.').unwrap().0));
    assert_eq!(
        c["ikepolicy"],
        json!({"ike_version": "v2", "authentication_algorithm": "sha2-256", "encryption_algorithm": "aes-128", "dh_group": "group15",
            "authentication_method": "pre-share", "lifetime_seconds": 86400, "local_id_type": "ip", "local_id": e1_address,
            "peer_id_type": "ip", "peer_id": "88.7.7.164", "dpd": {"timeout": 15, "interval": 30, "msg": "seq-hash-notify"}})
    );
    assert_eq!(
        c["ipsecpolicy"],
        json!({"authentication_algorithm": "sha2-256", "encryption_algorithm": "aes-128", "pfs": "group15", "transform_protocol": "esp",
            "lifetime_seconds": 3600, "encapsulation_mode": "tunnel"})
    );

    // PENDING_CREATE for connection_seconds: changes wait.
    let path = conn_path(&cid);
    let shown = api.get(&path).await.body["vpn_connection"].clone();
    assert_eq!(shown["status"], "PENDING_CREATE");
    assert_error(&api.put(&path, json!({"vpn_connection": {"name": "x"}})).await, 400, "VPN.0306");
    assert_error(&api.delete(&path).await, 400, "VPN.0306");
    let monitor = json!({"connection_monitor": {"vpn_connection_id": cid}});
    assert_error(&api.post("/v5/{pid}/connection-monitors", monitor).await, 400, "VPN.0306");
    let g = gateway(&api, &s.gw).await;
    assert_eq!((g["used_connection_number"].as_u64(), g["used_connection_group"].as_u64()), (Some(1), Some(1)));

    // No peer ever answers: the tunnel settles DOWN.
    emu.server.clock.advance(Duration::seconds(5));
    let shown = api.get(&path).await.body["vpn_connection"].clone();
    assert_eq!(shown["status"], "DOWN");
    assert_eq!((shown["eip_id"].as_str(), shown["route_mode"].as_str()), (Some(s.e1.as_str()), Some("STATIC")));
    assert!(shown.get("psk").is_none());

    // Policies merge field by field.
    emu.server.clock.advance(Duration::seconds(1));
    let up = api
        .put(&path, json!({"vpn_connection": {"ikepolicy": {"lifetime_seconds": 3600}, "ipsecpolicy": {"lifetime_seconds": 3500}}}))
        .await;
    assert_eq!(up.status, 200, "{}", up.body);
    let u = &up.body["vpn_connection"];
    assert_eq!((u["ikepolicy"]["lifetime_seconds"].as_u64(), u["ipsecpolicy"]["lifetime_seconds"].as_u64()), (Some(3600), Some(3500)));
    assert_eq!((u["ikepolicy"]["dh_group"].as_str(), u["ipsecpolicy"]["pfs"].as_str()), (Some("group15"), Some("group15")));
    assert_eq!((u["peer_subnets"].clone(), u["tunnel_local_address"].as_str()), (json!(["192.168.44.0/24"]), Some(local)));
    assert_ne!(u["updated_at"], u["created_at"]);
    for absent in ["status", "eip_id", "type", "route_mode", "psk"] {
        assert!(u.get(absent).is_none(), "{absent} in {u}");
    }
    assert_eq!(api.get(&path).await.body["vpn_connection"]["status"], "PENDING_UPDATE");
    emu.server.clock.advance(Duration::seconds(5));
    assert_eq!(api.get(&path).await.body["vpn_connection"]["status"], "DOWN");

    // Lists replace; a Terraform-style full body with zeros keeps values.
    let full = |subnet: &str| {
        json!({"vpn_connection": {"name": "vpn_connection_name", "peer_subnets": [subnet], "psk": "Test@123",
            "tunnel_local_address": local, "tunnel_peer_address": peer,
            "ikepolicy": {"lifetime_seconds": 0, "dpd": {"timeout": 0, "interval": 0, "msg": "seq-notify-hash"}}}})
    };
    let up = api.put(&path, full("192.168.1.0/24")).await;
    assert_error(&up, 400, "VPN.0001");
    assert!(up.body["error_msg"].as_str().unwrap().contains("conflicts with local subnet 192.168.1.0/24"), "{}", up.body);
    let up = api.put(&path, full("192.168.2.0/24")).await;
    assert_eq!(up.status, 200, "{}", up.body);
    let u = &up.body["vpn_connection"];
    assert_eq!((u["name"].as_str(), u["peer_subnets"].clone()), (Some("vpn_connection_name"), json!(["192.168.2.0/24"])));
    assert_eq!(u["ikepolicy"]["lifetime_seconds"], 3600);
    assert_eq!(u["ikepolicy"]["dpd"], json!({"timeout": 15, "interval": 30, "msg": "seq-notify-hash"}));
    emu.server.clock.advance(Duration::seconds(5));

    // The log of a connection that never came up is empty.
    let log = api.get(&format!("{path}/log")).await;
    assert_eq!((log.status, log.body["logs"].clone()), (200, json!([])), "{}", log.body);
    assert!(log.body["request_id"].is_string());

    // The customer gateway and the gateway are in use.
    let held = api.delete(&format!("/v5/{{pid}}/customer-gateways/{cg}")).await;
    assert_error(&held, 400, "VPN.0001");
    assert_eq!(held.body["error_msg"], format!("invalid request: customer gateway {cg} has connection"));
    assert_eq!(api.delete(&format!("/v5/{{pid}}/vpn-gateways/{}", s.gw)).await.status, 400);

    // Deletion is immediate and frees both.
    assert_eq!(api.delete(&path).await.status, 204);
    assert_error(&api.get(&path).await, 404, "VPN.0004");
    assert_error(&api.get(&format!("{path}/log")).await, 404, "VPN.0004");
    assert_error(&api.put(&path, json!({"vpn_connection": {}})).await, 404, "VPN.0004");
    assert_error(&api.delete(&path).await, 404, "VPN.0004");
    assert_eq!(gateway(&api, &s.gw).await["used_connection_number"], 0);
    assert_eq!(api.delete(&format!("/v5/{{pid}}/customer-gateways/{cg}")).await.status, 204);
}

#[tokio::test]
async fn connection_refusals_carry_the_documented_codes() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let s = site(&api).await;
    let cg = cgw(&api, "88.7.7.164", None).await;
    let same_asn = cgw(&api, "88.7.7.165", Some(64512)).await;
    let base = static_body(&s, &s.e1, &cg);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = base.clone();
        f(&mut b["vpn_connection"]);
        b
    };
    let tunnel = |l: &str, p: &str| {
        let (l, p) = (json!(l), json!(p));
        with(&move |c: &mut Value| {
            c["tunnel_local_address"] = l.clone();
            c["tunnel_peer_address"] = p.clone();
        })
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"vpn_connections": base["vpn_connection"]}), 400, "VPN.0001"),
        (with(&|c| c["vgw_id"] = Value::Null), 400, "VPN.0001"),
        (with(&|c| c["vgw_id"] = json!("b32d91a4-0000-4000-8000-e907174eb11d")), 404, "VPN.0509"),
        (with(&|c| c["cgw_id"] = json!("5247ae10-0000-4000-8000-dd36659a7f5d")), 404, "VPN.0004"),
        (with(&|c| c["vgw_ip"] = json!("0c464dad-0000-4000-8000-c22bb0eb0bde")), 400, "VPN.0001"),
        (with(&|c| c["style"] = json!("route")), 400, "VPN.0001"),
        (with(&|c| c["name"] = json!("vpn 1")), 400, "VPN.0001"),
        (with(&|c| c["psk"] = json!("abcdefgh")), 400, "VPN.0001"),
        (with(&|c| c["psk"] = json!("Abc&1234")), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = Value::Null), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = json!("192.168.44.0/24")), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = json!(["192.168.44.1/24"])), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = json!(["100.64.0.0/16"])), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = json!(["214.0.0.0/8"])), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = json!(["192.168.0.0/25"])), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = json!(["192.168.10.64/26"])), 400, "VPN.0001"),
        (with(&|c| c["peer_subnets"] = json!(["10.1.0.0/16", "10.1.0.0/16"])), 400, "VPN.0001"),
        (with(&|c| c["tunnel_local_address"] = json!("169.254.7.1/30")), 400, "VPN.0001"),
        (tunnel("169.254.195.1/30", "169.254.195.2/30"), 400, "VPN.0001"),
        (tunnel("169.254.9.300/30", "169.254.9.2/30"), 400, "VPN.0203"),
        (tunnel("169.254.9.1/29", "169.254.9.2/29"), 400, "VPN.0001"),
        (tunnel("169.254.9.1/30", "169.254.9.5/30"), 400, "VPN.0001"),
        (with(&|c| c["enable_nqa"] = json!("yes")), 400, "VPN.0001"),
        (with(&|c| c["enable_hub"] = json!(true)), 400, "VPN.0013"),
        (
            with(&|c| {
                c["style"] = json!("bgp");
                c["enable_nqa"] = json!(true);
            }),
            400,
            "VPN.0013",
        ),
        (with(&|c| c["style"] = json!("policy")), 400, "VPN.0001"),
        (with(&|c| c["style"] = json!("bgp")), 400, "VPN.0001"),
        (
            with(&|c| {
                c["style"] = json!("bgp");
                c["cgw_id"] = json!(same_asn);
            }),
            400,
            "VPN.0001",
        ),
        (with(&|c| c["ha_role"] = json!("slave")), 400, "VPN.0001"),
        (with(&|c| c["ha_role"] = json!("primary")), 400, "VPN.0001"),
        (with(&|c| c["ikepolicy"] = json!({"ike_version": "v3"})), 400, "VPN.0001"),
        (with(&|c| c["ikepolicy"] = json!({"lifetime_seconds": 59})), 400, "VPN.0001"),
        (with(&|c| c["ikepolicy"] = json!({"dpd": {"timeout": 61}})), 400, "VPN.0001"),
        (with(&|c| c["ikepolicy"] = json!({"local_id_type": "fqdn"})), 400, "VPN.0013"),
        (with(&|c| c["ikepolicy"] = json!({"local_id": "123***"})), 400, "VPN.0203"),
        (with(&|c| c["ikepolicy"] = json!("v2")), 400, "VPN.0001"),
        (with(&|c| c["ipsecpolicy"] = json!({"pfs": "group3"})), 400, "VPN.0001"),
        (with(&|c| c["ipsecpolicy"] = json!({"transform_protocol": "ah"})), 400, "VPN.0001"),
        (with(&|c| c["tags"] = json!([{"key": "k", "value": "1"}, {"key": "k", "value": "2"}])), 400, "VPN.0001"),
    ];
    for (body, status, code) in cases {
        let o = api.post("/v5/{pid}/vpn-connection", body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (status, code), "{body}: {}", o.body);
    }
    assert_eq!(api.get("/v5/{pid}/vpn-connection").await.body["total_count"], 0, "no refusal created anything");
    assert_error(&api.req(reqwest::Method::POST, "/v5/{pid}/vpn-connection", None).await, 400, "VPN.0001");

    // A customer subnet may contain a local subnet; Terraform's zeros are defaults.
    let ok = with(&|c| {
        c["peer_subnets"] = json!(["192.168.0.0/16"]);
        c["tunnel_local_address"] = json!("169.254.9.2/30");
        c["tunnel_peer_address"] = json!("169.254.9.1/30");
        c["ikepolicy"] = json!({"lifetime_seconds": 0, "dpd": {"timeout": 0, "interval": 0}});
        c["ipsecpolicy"] = json!({"lifetime_seconds": 0});
        c["enterprise_project_id"] = json!("0");
    });
    let c = api.create("/v5/{pid}/vpn-connection", ok, 201, "vpn_connection").await;
    assert_eq!((c["tunnel_local_address"].as_str(), c["ikepolicy"]["lifetime_seconds"].as_u64()), (Some("169.254.9.2/30"), Some(86400)));
    assert_eq!(c["ipsecpolicy"]["lifetime_seconds"], 3600);

    // One connection per gateway address and customer gateway; tunnel
    // blocks are unique per gateway.
    assert_error(&api.post("/v5/{pid}/vpn-connection", base.clone()).await, 400, "VPN.0001");
    let other = cgw(&api, "88.7.7.170", None).await;
    let taken = json!({"vpn_connection": {"vgw_id": s.gw, "vgw_ip": s.e1, "cgw_id": other, "peer_subnets": ["10.9.0.0/16"],
        "tunnel_local_address": "169.254.9.1/30", "tunnel_peer_address": "169.254.9.2/30"}});
    let o = api.post("/v5/{pid}/vpn-connection", taken).await;
    assert_error(&o, 400, "VPN.0012");
    assert_eq!(o.body["error_msg"], "IP address 169.254.9.1/30 is occupied");

    // Updates are checked the same way.
    let second = api.create("/v5/{pid}/vpn-connection", static_body(&s, &s.e2, &cg), 201, "vpn_connection").await;
    let second_peer = second["tunnel_peer_address"].clone();
    let path = conn_path(&id(&second));
    let put = |body: Value| api.put(&path, json!({"vpn_connection": body}));
    assert_error(&put(json!({"tunnel_local_address": "169.254.9.1/30", "tunnel_peer_address": "169.254.9.2/30"})).await, 400, "VPN.0012");
    // One end given is checked against the stored other one.
    assert_error(&put(json!({"tunnel_local_address": second_peer})).await, 400, "VPN.0001");
    assert_error(&put(json!({"cgw_id": "5247ae10-0000-4000-8000-dd36659a7f5d"})).await, 404, "VPN.0004");
    assert_error(&put(json!({"enable_hub": true})).await, 400, "VPN.0013");
    assert_error(&put(json!({"ipsecpolicy": {"encapsulation_mode": "transport"}})).await, 400, "VPN.0001");
    assert_error(&put(json!({"psk": "short"})).await, 400, "VPN.0001");
    assert_error(&put(json!({"peer_subnets": []})).await, 400, "VPN.0001");
    assert_error(&api.put(&path, json!({"name": "x"})).await, 400, "VPN.0001");
    assert_error(&api.get("/v5/{pid}/vpn-connection?limit=2001").await, 400, "VPN.0001");
    assert_error(&api.get("/v5/{pid}/vpn-connection?marker=x").await, 400, "VPN.0001");
}

#[tokio::test]
async fn policy_bgp_batches_listing_and_isolation() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let s = site(&api).await;
    let cg = cgw(&api, "88.7.7.164", Some(65000)).await;

    let policy = json!({"vpn_connection": {"vgw_id": s.gw, "vgw_ip": s.e1, "style": "policy", "cgw_id": cg,
        "peer_subnets": ["192.168.44.0/24"], "psk": "abcde1Z!",
        "policy_rules": [{"rule_index": 7, "source": "10.0.0.0/24", "destination": ["192.168.44.0/24"]}]}});
    let p = api.create("/v5/{pid}/vpn-connection", policy, 201, "vpn_connection").await;
    assert_eq!(p["style"], "POLICY");
    assert_eq!(p["policy_rules"], json!([{"rule_index": 1, "source": "10.0.0.0/24", "destination": ["192.168.44.0/24"]}]));
    assert_eq!(p["type"], "POLICY");
    assert!(p.get("route_mode").is_none() && p.get("enable_nqa").is_none() && p.get("enable_hub").is_none(), "{p}");
    let rules = json!({"vpn_connection": {"policy_rules": [{"source": "10.0.0.0/24", "destination": ["192.168.1.0/24"]}]}});
    let up = api.put(&conn_path(&id(&p)), rules).await;
    assert_eq!(up.body["vpn_connection"]["policy_rules"][0]["destination"], json!(["192.168.1.0/24"]), "{}", up.body);
    assert_error(&api.put(&conn_path(&id(&p)), json!({"vpn_connection": {"policy_rules": []}})).await, 400, "VPN.0001");

    emu.server.clock.advance(Duration::seconds(1));
    let bgp = json!({"vpn_connection": {"name": "vpn-1655", "vgw_id": s.gw, "vgw_ip": s.e2, "style": "BGP", "cgw_id": cg,
        "peer_subnets": ["192.168.44.0/24"], "tunnel_local_address": "169.254.56.225/30", "tunnel_peer_address": "169.254.56.226/30",
        "psk": "abcde1Z!",
        "ikepolicy": {"ike_version": "v1", "authentication_algorithm": "sha2-512", "encryption_algorithm": "aes-256",
            "dh_group": "group16", "lifetime_seconds": 172800, "local_id": "10.1.1.134", "peer_id": "10.2.2.164",
            "dpd": {"timeout": 30, "interval": 60, "msg": "seq-notify-hash"}},
        "ipsecpolicy": {"authentication_algorithm": "sha2-512", "encryption_algorithm": "aes-256", "pfs": "group16",
            "transform_protocol": "esp", "lifetime_seconds": 7200, "encapsulation_mode": "tunnel"}}});
    let b = api.create("/v5/{pid}/vpn-connection", bgp, 201, "vpn_connection").await;
    assert_eq!((b["style"].as_str(), b["enable_hub"].as_bool(), b["route_mode"].as_str()), (Some("BGP"), Some(false), Some("BGP")));
    let ike = &b["ikepolicy"];
    assert_eq!((ike["local_id"].as_str(), ike["peer_id"].as_str()), (Some("10.1.1.134"), Some("10.2.2.164")));
    assert_eq!((ike["phase1_negotiation_mode"].as_str(), ike["dh_group"].as_str()), (Some("main"), Some("group16")));
    assert_eq!((b["ipsecpolicy"]["lifetime_seconds"].as_u64(), b["tunnel_peer_address"].as_str()), (Some(7200), Some("169.254.56.226/30")));
    let hub = api.put(&conn_path(&id(&b)), json!({"vpn_connection": {"enable_hub": true}})).await;
    assert_eq!(hub.body["vpn_connection"]["enable_hub"], true, "{}", hub.body);

    // A batch is 1-2 connections of one gateway, created together or not at all.
    emu.server.clock.advance(Duration::seconds(1));
    let cg2 = cgw(&api, "88.7.7.189", None).await;
    let item = |ip: &str| json!({"vgw_id": s.gw, "vgw_ip": ip, "cgw_id": cg2, "peer_subnets": ["192.168.44.0/24"], "psk": "abcde1Z!"});
    let batch = api.post("/v5/{pid}/vpn-connections/batch-create", json!({"vpn_connections": [item(&s.e1), item(&s.e2)]})).await;
    assert_eq!(batch.status, 201, "{}", batch.body);
    let items = batch.body["vpn_connections"].as_array().unwrap().clone();
    assert_eq!((items.len(), items[0]["vgw_ip"].as_str(), items[1]["vgw_ip"].as_str()), (2, Some(s.e1.as_str()), Some(s.e2.as_str())));
    assert_ne!(items[0]["tunnel_local_address"], items[1]["tunnel_local_address"]);
    assert_ne!(items[0]["ikepolicy"]["local_id"], items[1]["ikepolicy"]["local_id"]);
    for i in &items {
        assert_eq!((i["policy_rules"].clone(), i["enable_nqa"].clone(), i["tags"].clone()), (json!([]), json!(false), json!([])));
        for absent in ["status", "eip_id", "type", "route_mode"] {
            assert!(i.get(absent).is_none(), "{absent} in {i}");
        }
    }
    let cg3 = cgw(&api, "88.7.7.190", None).await;
    let fresh = |ip: &str| json!({"vgw_id": s.gw, "vgw_ip": ip, "cgw_id": cg3, "peer_subnets": ["10.3.0.0/16"]});
    let batch_of = |items: Vec<Value>| api.post("/v5/{pid}/vpn-connections/batch-create", json!({"vpn_connections": items}));
    assert_error(&batch_of(vec![fresh(&s.e1), fresh(&s.e1)]).await, 400, "VPN.0001");
    let mut elsewhere = fresh(&s.e2);
    elsewhere["vgw_id"] = json!("8030f6d6-0000-4000-8000-50a7a826e2f8");
    assert_error(&batch_of(vec![fresh(&s.e1), elsewhere]).await, 400, "VPN.0001");
    assert_error(&batch_of(vec![fresh(&s.e1), fresh(&s.e2), fresh(&s.e2)]).await, 400, "VPN.0001");
    assert_error(&batch_of(vec![]).await, 400, "VPN.0001");
    let mut tail_bad = fresh(&s.e2);
    tail_bad["psk"] = json!("weak");
    assert_error(&batch_of(vec![fresh(&s.e1), tail_bad]).await, 400, "VPN.0001");
    let wrapped_wrong = api.post("/v5/{pid}/vpn-connections/batch-create", json!({"vpn_connection": fresh(&s.e1)})).await;
    assert_error(&wrapped_wrong, 400, "VPN.0001");

    // The list: newest first, GET's members, filters, paging.
    let list = api.get("/v5/{pid}/vpn-connection").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let all = list.body["vpn_connections"].as_array().unwrap().clone();
    assert_eq!((all.len(), list.body["total_count"].as_u64()), (4, Some(4)), "the refused batches left nothing");
    assert_eq!((id(&all[3]), id(&all[2])), (id(&p), id(&b)));
    assert!(all.iter().all(|c| c["status"] == "DOWN" && c["eip_id"].is_string() && c.get("psk").is_none()), "{all:?}");
    assert_eq!((all[3]["type"].as_str(), all[2]["route_mode"].as_str()), (Some("POLICY"), Some("BGP")));
    let count = |o: &Out| (o.body["vpn_connections"].as_array().map(Vec::len), o.body["total_count"].as_u64());
    assert_eq!(count(&api.get(&format!("/v5/{{pid}}/vpn-connection?vgw_ip={}", s.e1)).await), (Some(2), Some(2)));
    assert_eq!(count(&api.get(&format!("/v5/{{pid}}/vpn-connection?vgw_id={}", s.gw)).await), (Some(4), Some(4)));
    assert_eq!(count(&api.get("/v5/{pid}/vpn-connection?vgw_id=8030f6d6-0000-4000-8000-50a7a826e2f8").await), (Some(0), Some(0)));
    assert_eq!(count(&api.get("/v5/{pid}/vpn-connection?enterprise_project_id=x&enterprise_project_id=0").await), (Some(4), Some(4)));
    assert_eq!(count(&api.get("/v5/{pid}/vpn-connection?enterprise_project_id=x").await), (Some(0), Some(0)));
    let p1 = api.get("/v5/{pid}/vpn-connection?limit=3").await;
    assert_eq!((count(&p1), p1.body["page_info"]["current_count"].as_u64()), ((Some(3), Some(4)), Some(3)));
    let marker = p1.body["page_info"]["next_marker"].as_str().unwrap().to_string();
    let p2 = api.get(&format!("/v5/{{pid}}/vpn-connection?limit=3&marker={marker}")).await;
    assert_eq!(p2.body["vpn_connections"].as_array().unwrap().iter().map(id).collect::<Vec<_>>(), vec![id(&p)]);
    let g = gateway(&api, &s.gw).await;
    assert_eq!((g["used_connection_number"].as_u64(), g["used_connection_group"].as_u64()), (Some(4), Some(2)));

    // Another project sees none of it.
    let other = Api::new(&emu, "eu-nl").await;
    assert_eq!(count(&other.get("/v5/{pid}/vpn-connection").await), (Some(0), Some(0)));
    assert_error(&other.get(&format!("/v5/{}/vpn-connection/{}", other.pid, id(&p))).await, 404, "VPN.0004");
    assert_error(&other.delete(&format!("/v5/{}/vpn-connection/{}", other.pid, id(&p))).await, 404, "VPN.0004");
    let foreign = json!({"vpn_connection": {"vgw_id": s.gw, "vgw_ip": s.e1, "cgw_id": cg3, "peer_subnets": ["10.3.0.0/16"]}});
    assert_error(&other.post("/v5/{pid}/vpn-connection", foreign).await, 404, "VPN.0509");
}

#[tokio::test]
async fn monitors_one_per_connection_and_gone_with_it() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let s = site(&api).await;
    let cg = cgw(&api, "88.7.7.32", None).await;
    let cid = id(&api.create("/v5/{pid}/vpn-connection", static_body(&s, &s.e1, &cg), 201, "vpn_connection").await);
    let e1_address = eip_address(&api, &s.e1).await;

    let body = json!({"connection_monitor": {"vpn_connection_id": cid}});
    let o = api.post("/v5/{pid}/connection-monitors", body.clone()).await;
    assert_eq!(o.status, 201, "{}", o.body);
    let m = o.body["connection_monitor"].clone();
    assert!(m.get("status").is_none(), "{m}");
    assert_eq!(
        (m["vpn_connection_id"].as_str(), m["type"].as_str(), m["proto_type"].as_str()),
        (Some(cid.as_str()), Some("gateway"), Some("icmp"))
    );
    assert_eq!((m["source_ip"].as_str(), m["destination_ip"].as_str()), (Some(e1_address.as_str()), Some("88.7.7.32")));
    let mid = id(&m);
    let again = api.post("/v5/{pid}/connection-monitors", body.clone()).await;
    assert_error(&again, 400, "VPN.0381");
    assert_eq!(again.body["error_msg"], format!("VPN connection {cid} already has connection monitor"));
    assert_error(&api.post("/v5/{pid}/connection-monitors", json!({"connection_monitor": {}})).await, 400, "VPN.0001");
    let unknown = json!({"connection_monitor": {"vpn_connection_id": "cae286f2-0000-4000-8000-e22416ca1220"}});
    assert_error(&api.post("/v5/{pid}/connection-monitors", unknown).await, 404, "VPN.0004");

    assert_eq!(api.get(&conn_path(&cid)).await.body["vpn_connection"]["connection_monitor_id"], mid.as_str());
    let path = format!("/v5/{{pid}}/connection-monitors/{mid}");
    let shown = api.get(&path).await.body["connection_monitor"].clone();
    assert_eq!((shown["status"].as_str(), shown["source_ip"].as_str()), (Some("ACTIVE"), Some(e1_address.as_str())));
    let list = api.get("/v5/{pid}/connection-monitors").await;
    assert_eq!(list.body["connection_monitors"].as_array().unwrap().len(), 1, "{}", list.body);
    assert_eq!(list.body["connection_monitors"][0]["status"], "ACTIVE");
    assert!(list.body["request_id"].is_string() && list.body.get("total_count").is_none());
    let none = api.get("/v5/{pid}/connection-monitors?vpn_connection_id=cae286f2-0000-4000-8000-e22416ca1220").await;
    assert_eq!(none.body["connection_monitors"], json!([]));
    let by_ep = api.get(&format!("/v5/{{pid}}/connection-monitors?vpn_connection_id={cid}&enterprise_project_id=0")).await;
    assert_eq!(by_ep.body["connection_monitors"].as_array().unwrap().len(), 1);
    assert_eq!(api.get("/v5/{pid}/connection-monitors?enterprise_project_id=x").await.body["connection_monitors"], json!([]));

    let other = Api::new(&emu, "eu-nl").await;
    assert_error(&other.get(&format!("/v5/{}/connection-monitors/{mid}", other.pid)).await, 404, "VPN.0004");
    assert_eq!(other.get("/v5/{pid}/connection-monitors").await.body["connection_monitors"], json!([]));

    // The monitor follows the connection to another customer gateway.
    let moved = cgw(&api, "88.7.7.33", None).await;
    let up = api.put(&conn_path(&cid), json!({"vpn_connection": {"cgw_id": moved}})).await;
    assert_eq!((up.status, up.body["vpn_connection"]["ikepolicy"]["peer_id"].as_str()), (200, Some("88.7.7.33")), "{}", up.body);
    assert_eq!(api.get(&path).await.body["connection_monitor"]["destination_ip"], "88.7.7.33");

    // Deleting the monitor clears the connection's reference.
    assert_eq!(api.delete(&path).await.status, 204);
    assert_error(&api.get(&path).await, 404, "VPN.0004");
    assert_error(&api.delete(&path).await, 404, "VPN.0004");
    assert!(api.get(&conn_path(&cid)).await.body["vpn_connection"].get("connection_monitor_id").is_none());

    // Deleting the connection takes its monitor with it.
    let mid = id(&api.create("/v5/{pid}/connection-monitors", body, 201, "connection_monitor").await);
    assert_eq!(api.delete(&conn_path(&cid)).await.status, 204);
    assert_error(&api.get(&format!("/v5/{{pid}}/connection-monitors/{mid}")).await, 404, "VPN.0004");
}

#[tokio::test]
async fn private_active_standby_gateways_states_and_quota() {
    let emu = Emu::with(cfg(|v| {
        v.gateway_seconds = 10;
        v.quotas.vpn_connection = 2;
    }))
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("172.16.0.0/16", "172.16.0.0/24", "172.16.0.1").await;
    let body = json!({"vpn_gateway": {
        "vpc_id": vpc, "local_subnets": ["172.16.0.0/24"], "connect_subnet": subnet, "network_type": "private",
        "access_private_ip_1": "172.16.0.99", "access_private_ip_2": "172.16.0.100", "ha_mode": "active-standby",
    }});
    let gw = id(&api.create("/v5/{pid}/vpn-gateways", body, 201, "vpn_gateway").await);
    let cg = cgw(&api, "88.7.7.32", None).await;
    let conn = |ip: &str, role: Option<&str>| {
        let mut b = json!({"vpn_connection": {"vgw_id": gw, "vgw_ip": ip, "cgw_id": cg, "peer_subnets": ["10.20.0.0/16"]}});
        if let Some(r) = role {
            b["vpn_connection"]["ha_role"] = json!(r);
        }
        b
    };

    // A connection waits for its gateway.
    assert_error(&api.post("/v5/{pid}/vpn-connection", conn("172.16.0.99", None)).await, 400, "VPN.0506");
    emu.server.clock.advance(Duration::seconds(10));

    // The standby address takes a slave, the active one a master.
    assert_error(&api.post("/v5/{pid}/vpn-connection", conn("172.16.0.100", None)).await, 400, "VPN.0001");
    assert_error(&api.post("/v5/{pid}/vpn-connection", conn("172.16.0.99", Some("slave"))).await, 400, "VPN.0001");
    assert_error(&api.post("/v5/{pid}/vpn-connection", conn("172.16.0.101", None)).await, 400, "VPN.0001");
    let standby = api.create("/v5/{pid}/vpn-connection", conn("172.16.0.100", Some("slave")), 201, "vpn_connection").await;
    assert_eq!((standby["ha_role"].as_str(), standby["ikepolicy"]["local_id"].as_str()), (Some("slave"), Some("172.16.0.100")));
    let mon = json!({"connection_monitor": {"vpn_connection_id": id(&standby)}});
    let m = api.create("/v5/{pid}/connection-monitors", mon, 201, "connection_monitor").await;
    assert_eq!(m["source_ip"], "172.16.0.100");

    // While the gateway is updated no connection is added.
    let up = api.put(&format!("/v5/{{pid}}/vpn-gateways/{gw}"), json!({"vpn_gateway": {"local_subnets": ["172.16.1.0/24"]}})).await;
    assert_eq!(up.status, 200, "{}", up.body);
    assert_error(&api.post("/v5/{pid}/vpn-connection", conn("172.16.0.99", None)).await, 400, "VPN.0507");
    emu.server.clock.advance(Duration::seconds(10));
    let active = api.create("/v5/{pid}/vpn-connection", conn("172.16.0.99", None), 201, "vpn_connection").await;
    assert_eq!((active["ha_role"].as_str(), active["eip_id"].as_str()), (Some("master"), Some("172.16.0.99")));

    // The project's connection quota (2 here) is used up.
    let cg2 = cgw(&api, "88.7.7.33", None).await;
    let more = json!({"vpn_connection": {"vgw_id": gw, "vgw_ip": "172.16.0.99", "cgw_id": cg2, "peer_subnets": ["10.21.0.0/16"]}});
    let o = api.post("/v5/{pid}/vpn-connection", more).await;
    assert_error(&o, 400, "VPN.0001");
    assert!(o.body["error_msg"].as_str().unwrap().contains("quota"), "{}", o.body);
}
