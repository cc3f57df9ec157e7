//! Classic VPN (Neutron VPNaaS v2.0 on the VPC endpoint, and the tag APIs
//! of IPsec site connections): every operation, its documented refusals,
//! the relations to VPCs and subnets, statuses on a frozen clock and
//! project isolation.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::{json, Value};

fn cfg(seconds: i64) -> otc_emulator::config::Config {
    let mut c = config();
    c.vpn.connection_seconds = seconds;
    c
}

/// A VPC (10.<octet>.0.0/16) with one subnet (10.<octet>.1.0/24): (vpc
/// id, v1 subnet id = network id, Neutron subnet id).
async fn vpc(api: &Api<'_>, octet: u8) -> (String, String, String) {
    let v = api
        .create("/v1/{pid}/vpcs", json!({"vpc": {"name": format!("vpc-{octet}"), "cidr": format!("10.{octet}.0.0/16")}}), 200, "vpc")
        .await;
    let vid = id(&v);
    let body = json!({"subnet": {"name": format!("sn-{octet}"), "cidr": format!("10.{octet}.1.0/24"), "gateway_ip": format!("10.{octet}.1.1"), "vpc_id": vid}});
    let net = id(&api.create("/v1/{pid}/subnets", body, 200, "subnet").await);
    let o = api.get(&format!("/v2.0/subnets?network_id={net}")).await;
    (vid, net, id(&o.body["subnets"][0]))
}

async fn service(api: &Api<'_>, router: &str, subnet: Option<&str>) -> Value {
    let mut body = json!({"vpnservice": {"name": "svc", "router_id": router, "admin_state_up": true}});
    if let Some(s) = subnet {
        body["vpnservice"]["subnet_id"] = json!(s);
    }
    api.create("/v2.0/vpn/vpnservices", body, 201, "vpnservice").await
}

async fn group(api: &Api<'_>, t: &str, endpoints: Value) -> String {
    id(&api
        .create("/v2.0/vpn/endpoint-groups", json!({"endpoint_group": {"type": t, "endpoints": endpoints}}), 201, "endpoint_group")
        .await)
}

async fn policies(api: &Api<'_>) -> (String, String) {
    let ike = api.create("/v2.0/vpn/ikepolicies", json!({"ikepolicy": {"name": "ike"}}), 201, "ikepolicy").await;
    let ipsec = api.create("/v2.0/vpn/ipsecpolicies", json!({"ipsecpolicy": {"name": "ipsec"}}), 201, "ipsecpolicy").await;
    (id(&ike), id(&ipsec))
}

/// OTC's own VPN codes travel as a Neutron `BadRequest` with the table's text.
fn otc_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "VPC.1004" => "The remote gateway is being used by another VPN connection.",
        "VPC.1016" => "The VPN remote subnet is the same as the local subnet.",
        "VPC.1021" => "The remote subnet of the VPN is in use.",
        "VPC.1026" => "The VPN gateway already exists.",
        _ => return None,
    })
}

/// The status and NeutronError type (or VPC code) of a refusal.
fn assert_refused(o: &crate::netkit::Out, status: u16, kind: &str, what: &str) {
    match otc_text(kind) {
        Some(text) => assert_eq!(
            (o.status, o.code.as_str(), o.body["NeutronError"]["message"].as_str()),
            (status, "BadRequest", Some(text)),
            "{what}: {}",
            o.body
        ),
        None => assert_eq!((o.status, o.code.as_str()), (status, kind), "{what}: {}", o.body),
    }
}

#[tokio::test]
async fn vpnaas_extensions_are_listed() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    for alias in ["vpnaas", "vpn-endpoint-groups"] {
        let o = api.get(&format!("/v2.0/extensions/{alias}")).await;
        assert_eq!(o.status, 200, "{alias}");
    }
}

#[tokio::test]
async fn ike_policies_crud_defaults_and_validation() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let p = api.create("/v2.0/vpn/ikepolicies", json!({"ikepolicy": {"name": "ike1"}}), 201, "ikepolicy").await;
    let pid = id(&p);
    assert_eq!(
        p,
        json!({"name": "ike1", "tenant_id": api.pid, "auth_algorithm": "sha1", "encryption_algorithm": "aes-128", "pfs": "group5",
               "phase1_negotiation_mode": "main", "lifetime": {"units": "seconds", "value": 3600}, "ike_version": "v1",
               "id": pid, "description": ""})
    );
    // The doc's example, through the /vpc prefix.
    let doc = json!({"ikepolicy": {"phase1_negotiation_mode": "main", "auth_algorithm": "sha2-256", "encryption_algorithm": "aes-256",
        "pfs": "group14", "lifetime": {"units": "seconds", "value": 7200}, "ike_version": "v2", "name": "ikepolicy2"}});
    let p2 = api.create("/vpc/v2.0/vpn/ikepolicies", doc, 201, "ikepolicy").await;
    assert_eq!((p2["lifetime"]["value"].as_i64(), p2["ike_version"].as_str()), (Some(7200), Some("v2")));

    let o = api.get("/v2.0/vpn/ikepolicies").await;
    assert_eq!(o.body["ikepolicies"].as_array().unwrap().len(), 2);
    let o = api.get("/v2.0/vpn/ikepolicies?name=ike1").await;
    assert_eq!(o.body["ikepolicies"].as_array().unwrap().len(), 1);
    let o = api.get("/v2.0/vpn/ikepolicies?auth_algorithm=sha2-256&fields=id&fields=name").await;
    assert_eq!(o.body["ikepolicies"], json!([{"id": id(&p2), "name": "ikepolicy2"}]));
    let o = api.get("/v2.0/vpn/ikepolicies?limit=1").await;
    assert_eq!(o.body["ikepolicies"].as_array().unwrap().len(), 1);
    assert!(o.body["ikepolicies_links"][0]["href"].as_str().unwrap().contains("/v2.0/vpn/ikepolicies?"), "{}", o.body);
    let o = api.get(&format!("/v2.0/vpn/ikepolicies/{pid}?fields=id&fields=pfs")).await;
    assert_eq!(o.body["ikepolicy"], json!({"id": pid, "pfs": "group5"}));

    // Updates change only what is given; lifetime keys merge.
    let o = api
        .put(
            &format!("/v2.0/vpn/ikepolicies/{pid}"),
            json!({"ikepolicy": {"encryption_algorithm": "aes-256", "lifetime": {"value": 7200}}}),
        )
        .await;
    assert_eq!(o.status, 200);
    assert_eq!(
        (o.body["ikepolicy"]["encryption_algorithm"].as_str(), o.body["ikepolicy"]["name"].as_str()),
        (Some("aes-256"), Some("ike1"))
    );
    assert_eq!(o.body["ikepolicy"]["lifetime"], json!({"units": "seconds", "value": 7200}));
    assert_eq!(api.get(&format!("/v2.0/vpn/ikepolicies/{pid}")).await.body["ikepolicy"]["encryption_algorithm"], "aes-256");

    let sha256 = "Invalid input for auth_algorithm. Reason: sha256 is not in ['md5', 'sha1', 'sha2-256', 'sha2-384', 'sha2-512'].";
    let o = api.post("/v2.0/vpn/ikepolicies", json!({"ikepolicy": {"auth_algorithm": "sha256"}})).await;
    assert_eq!((o.status, o.body["NeutronError"]["message"].as_str()), (400, Some(sha256)));
    let o = api.post("/v2.0/vpn/ikepolicies", json!({"ikepolicy": {"lifetime": {"value": 59}}})).await;
    assert_eq!(o.body["NeutronError"]["message"], "Invalid input for lifetime. Reason: '59' is too small - must be at least '60'.");
    for (body, what) in [
        (json!({"ikepolicy": {"pfs": "group3"}}), "pfs"),
        (json!({"ikepolicy": {"encryption_algorithm": "aes-128-gcm"}}), "cipher"),
        (json!({"ikepolicy": {"ike_version": "v3"}}), "version"),
        (json!({"ikepolicy": {"phase1_negotiation_mode": "quick"}}), "mode"),
        (json!({"ikepolicy": {"lifetime": {"units": "kilobytes", "value": 3600}}}), "units"),
        (json!({"ikepolicy": {"lifetime": {"value": 604_801}}}), "too long"),
        (json!({"ikepolicy": {"lifetime": {"value": "abc"}}}), "not an integer"),
        (json!({"ikepolicy": {"lifetime": {"value": 3600, "x": 1}}}), "unexpected key"),
        (json!({"ikepolicy": {"lifetime": "3600"}}), "not a dict"),
        (json!({"ikepolicy": {"phase_1_negotiation_mode": "main"}}), "unrecognized"),
        (json!({"ikepolicy": {"id": "5522aff7-1b3c-48dd-9c3c-b50f016b73db"}}), "id in POST"),
        (json!({"ikepolicy": {"name": "n".repeat(65)}}), "long name"),
        (json!({"ikepolicy": {"name": 5}}), "name type"),
        (json!({"ikepolicy": {"project_id": "someone-else"}}), "other project"),
        (json!({"ikepolicy": []}), "not a dict"),
        (json!({"policy": {}}), "no wrapper"),
    ] {
        let o = api.post("/v2.0/vpn/ikepolicies", body).await;
        assert_refused(&o, 400, "BadRequest", what);
    }
    let o = api.post("/v2.0/vpn/ikepolicies", json!({"ikepolicy": {"phase_1_negotiation_mode": "main"}})).await;
    assert_eq!(o.body["NeutronError"]["message"], "Unrecognized attribute(s) 'phase_1_negotiation_mode'");
    let o = api.post("/v2.0/vpn/ikepolicies", json!({"ikepolicy": {"project_id": api.pid}})).await;
    assert_eq!(o.status, 201, "own project accepted");
    let o = api.put(&format!("/v2.0/vpn/ikepolicies/{pid}"), json!({"ikepolicy": {"tenant_id": api.pid}})).await;
    assert_eq!((o.status, o.body["NeutronError"]["message"].as_str()), (400, Some("Cannot update read-only attribute tenant_id")));
    let r = emu
        .http
        .post(emu.url("/v2.0/vpn/ikepolicies"))
        .header("X-Auth-Token", &api.token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let missing = "5522aff7-1b3c-48dd-9c3c-b50f016b73db";
    for path in [format!("/v2.0/vpn/ikepolicies/{missing}"), "/v2.0/vpn/ikepolicies/ike1".to_string()] {
        let o = api.get(&path).await;
        assert_refused(&o, 404, "IKEPolicyNotFound", &path);
    }
    assert_eq!(api.put(&format!("/v2.0/vpn/ikepolicies/{missing}"), json!({"ikepolicy": {"name": "x"}})).await.status, 404);
    assert_eq!(api.delete(&format!("/v2.0/vpn/ikepolicies/{pid}")).await.status, 204);
    assert_refused(&api.delete(&format!("/v2.0/vpn/ikepolicies/{pid}")).await, 404, "IKEPolicyNotFound", "deleted");
}

#[tokio::test]
async fn ipsec_policies_crud_defaults_and_validation() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let p = api.create("/v2.0/vpn/ipsecpolicies", json!({"ipsecpolicy": {"name": "ipsec1"}}), 201, "ipsecpolicy").await;
    let pid = id(&p);
    assert_eq!(
        p,
        json!({"name": "ipsec1", "transform_protocol": "esp", "auth_algorithm": "sha1", "encapsulation_mode": "tunnel",
               "encryption_algorithm": "aes-128", "pfs": "group5", "tenant_id": api.pid,
               "lifetime": {"units": "seconds", "value": 3600}, "id": pid, "description": ""})
    );
    // What the real OTC accepted in the Ansible collection's test.
    let body = json!({"ipsecpolicy": {"auth_algorithm": "md5", "transform_protocol": "ah", "encryption_algorithm": "aes-192",
        "pfs": "group5", "lifetime": {"units": "seconds", "value": 7200}}});
    let q = api.create("/v2.0/vpn/ipsecpolicies", body, 201, "ipsecpolicy").await;
    let o = api
        .put(
            &format!("/v2.0/vpn/ipsecpolicies/{}", id(&q)),
            json!({"ipsecpolicy": {"auth_algorithm": "sha2-256", "encryption_algorithm": "3des"}}),
        )
        .await;
    assert_eq!((o.status, o.body["ipsecpolicy"]["auth_algorithm"].as_str()), (200, Some("sha2-256")));
    let o = api.put(&format!("/v2.0/vpn/ipsecpolicies/{pid}"), json!({"ipsecpolicy": {"pfs": "group14"}})).await;
    assert_eq!((o.body["ipsecpolicy"]["pfs"].as_str(), o.body["ipsecpolicy"]["lifetime"]["value"].as_i64()), (Some("group14"), Some(3600)));
    assert_eq!(api.get("/v2.0/vpn/ipsecpolicies?pfs=group14").await.body["ipsecpolicies"].as_array().unwrap().len(), 1);
    for (body, what) in [
        (json!({"ipsecpolicy": {"transform_protocol": "gre"}}), "transform"),
        (json!({"ipsecpolicy": {"encapsulation_mode": "bridge"}}), "encapsulation"),
        (json!({"ipsecpolicy": {"phase1_negotiation_mode": "main"}}), "not an IPsec attribute"),
        (json!({"ipsecpolicy": {"pfs": "group31"}}), "pfs"),
        (json!({"ipsecpolicy": {"lifetime": {"value": 30}}}), "short lifetime"),
    ] {
        assert_refused(&api.post("/v2.0/vpn/ipsecpolicies", body).await, 400, "BadRequest", what);
    }
    assert_refused(&api.get("/v2.0/vpn/ipsecpolicies/5291b189-fd84-46e5-84bd-78f40c05d69c").await, 404, "IPsecPolicyNotFound", "show");
    assert_eq!(api.delete(&format!("/v2.0/vpn/ipsecpolicies/{pid}")).await.status, 204);
    assert_refused(&api.delete(&format!("/v2.0/vpn/ipsecpolicies/{pid}")).await, 404, "IPsecPolicyNotFound", "deleted");
}

#[tokio::test]
async fn services_sit_on_vpcs_and_hold_them() {
    let emu = Emu::with(cfg(10)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vid, net, sid) = vpc(&api, 1).await;
    let s = service(&api, &vid, Some(&sid)).await;
    let svc = id(&s);
    assert_eq!(
        (s["status"].as_str(), s["router_id"].as_str(), s["subnet_id"].as_str()),
        (Some("PENDING_CREATE"), Some(vid.as_str()), Some(sid.as_str()))
    );
    assert_eq!(
        (s["external_v6_ip"].clone(), s["tenant_id"].as_str(), s["prepay_connection_num"].as_i64()),
        (Value::Null, Some(api.pid.as_str()), Some(0))
    );
    assert!(s.get("tags").is_none() && s.get("project_id").is_none());
    let ip = s["external_v4_ip"].as_str().unwrap().to_string();
    assert!(ip.starts_with("80.158."), "{ip}");
    let created = s["created_at"].as_str().unwrap();
    assert!(created.len() == 26 && created.as_bytes()[10] == b' ' && created.as_bytes()[19] == b'.', "{created}");

    // PENDING_CREATE until connection_seconds have passed; no update meanwhile.
    assert_eq!(api.get(&format!("/v2.0/vpn/vpnservices/{svc}")).await.body["vpnservice"]["status"], "PENDING_CREATE");
    let o = api.put(&format!("/v2.0/vpn/vpnservices/{svc}"), json!({"vpnservice": {"description": "d"}})).await;
    assert_refused(&o, 400, "VPNStateInvalidToUpdate", "pending");
    emu.server.clock.advance(chrono::Duration::seconds(10));
    let shown = api.get(&format!("/v2.0/vpn/vpnservices/{svc}")).await.body["vpnservice"].clone();
    assert_eq!((shown["status"].as_str(), shown["tags"].clone()), (Some("ACTIVE"), json!([])));
    let o = api
        .put(&format!("/v2.0/vpn/vpnservices/{svc}"), json!({"vpnservice": {"description": "Updated description", "name": "myvpn"}}))
        .await;
    assert_eq!(
        (o.status, o.body["vpnservice"]["status"].as_str(), o.body["vpnservice"]["name"].as_str()),
        (200, Some("PENDING_UPDATE"), Some("myvpn"))
    );
    emu.server.clock.advance(chrono::Duration::seconds(10));
    let o = api.get("/v2.0/vpn/vpnservices?name=myvpn").await;
    assert_eq!(
        (o.body["vpnservices"][0]["status"].as_str(), o.body["vpnservices"][0]["description"].as_str()),
        (Some("ACTIVE"), Some("Updated description"))
    );
    let o = api.put(&format!("/v2.0/vpn/vpnservices/{svc}"), json!({"vpnservice": {"subnet_id": sid}})).await;
    assert_eq!(o.body["NeutronError"]["message"], "Cannot update read-only attribute subnet_id");

    // One service per VPC; relations checked.
    let o = api.post("/v2.0/vpn/vpnservices", json!({"vpnservice": {"router_id": vid}})).await;
    assert_refused(&o, 400, "VPC.1026", "second service");
    let (vid2, _, _) = vpc(&api, 2).await;
    let unknown = "66e3b16c-8ce5-40fb-bb49-ab6d8dc3f2aa";
    for (body, status, kind) in [
        (json!({"vpnservice": {"router_id": unknown}}), 404, "RouterNotFound"),
        (json!({"vpnservice": {"router_id": vid2, "subnet_id": unknown}}), 404, "SubnetNotFound"),
        (json!({"vpnservice": {"router_id": vid2, "subnet_id": sid}}), 400, "SubnetIsNotConnectedToRouter"),
        (json!({"vpnservice": {"router_id": "vpc-1"}}), 400, "BadRequest"),
        (json!({"vpnservice": {"name": "x"}}), 400, "BadRequest"),
        (json!({"vpnservice": {"router_id": vid2, "admin_state_up": false}}), 400, "BadRequest"),
        (json!({"vpnservice": {"router_id": vid2, "flavor_id": unknown}}), 400, "BadRequest"),
        (json!({"vpnservice": {"router_id": vid2, "status": "ACTIVE"}}), 400, "BadRequest"),
        (json!({"vpnservice": {"router_id": vid2, "external_v4_ip": "80.158.1.1"}}), 403, "PolicyNotAuthorized"),
    ] {
        let o = api.post("/v2.0/vpn/vpnservices", body.clone()).await;
        assert_refused(&o, status, kind, &body.to_string());
    }

    // The gateway address is taken from the EIP pool: no EIP gets it.
    let eip = json!({"publicip": {"type": "5_bgp", "ip_address": ip}, "bandwidth": {"name": "b", "size": 1, "share_type": "PER"}});
    assert_eq!(api.post("/v1/{pid}/publicips", eip.clone()).await.status, 409);

    // The router and subnet cannot go while the service needs them.
    let o = api.delete(&format!("/v2.0/routers/{vid}")).await;
    assert_refused(&o, 409, "RouterInUse", "router");
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{net}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0208"));
    assert_refused(&api.delete(&format!("/v2.0/subnets/{sid}")).await, 409, "SubnetInUse", "subnet");
    assert_refused(&api.delete(&format!("/v2.0/networks/{net}")).await, 409, "SubnetInUse", "network");
    let o = api.put(&format!("/v2.0/routers/{vid}/remove_router_interface"), json!({"subnet_id": sid})).await;
    assert_refused(&o, 409, "SubnetInUse", "interface");
    // A service without a subnet holds its VPC, which has nothing else in it.
    let empty = id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "bare", "cidr": "10.9.0.0/16"}}), 200, "vpc").await);
    let bare = service(&api, &empty, None).await;
    assert_eq!(bare["subnet_id"], Value::Null);
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{empty}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0104"));
    assert_eq!(api.delete(&format!("/v2.0/vpn/vpnservices/{}", id(&bare))).await.status, 204);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{empty}")).await.status, 204);

    // Deleting the service gives everything back.
    assert_eq!(api.delete(&format!("/v2.0/vpn/vpnservices/{svc}")).await.status, 204);
    assert_refused(&api.get(&format!("/v2.0/vpn/vpnservices/{svc}")).await, 404, "VPNServiceNotFound", "deleted");
    assert_refused(&api.delete(&format!("/v2.0/vpn/vpnservices/{svc}")).await, 404, "VPNServiceNotFound", "deleted twice");
    let o = api.post("/v1/{pid}/publicips", eip).await;
    assert_eq!((o.status, o.body["publicip"]["public_ip_address"].as_str()), (200, Some(ip.as_str())));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{net}")).await.status, 204);
}

#[tokio::test]
async fn endpoint_groups_validate_and_hold_subnets() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vid, net, sid) = vpc(&api, 3).await;
    let body = json!({"endpoint_group": {"endpoints": ["10.2.0.0/24", "10.3.0.0/24"], "type": "cidr", "name": "peers"}});
    let g = api.create("/v2.0/vpn/endpoint-groups", body, 201, "endpoint_group").await;
    let gid = id(&g);
    assert_eq!(
        g,
        json!({"description": "", "tenant_id": api.pid, "endpoints": ["10.2.0.0/24", "10.3.0.0/24"], "type": "cidr", "id": gid, "name": "peers"})
    );
    // A single endpoint may be a bare string (Neutron's convert_to_list).
    let locals = api
        .create(
            "/v2.0/vpn/endpoint-groups",
            json!({"endpoint_group": {"type": "subnet", "endpoints": sid, "name": "locals"}}),
            201,
            "endpoint_group",
        )
        .await;
    assert_eq!(locals["endpoints"], json!([sid]));
    let o = api.get("/v2.0/vpn/endpoint-groups?type=subnet").await;
    assert_eq!(o.body["endpoint_groups"].as_array().unwrap().len(), 1);
    let o = api.put(&format!("/v2.0/vpn/endpoint-groups/{gid}"), json!({"endpoint_group": {"description": "New description"}})).await;
    assert_eq!((o.status, o.body["endpoint_group"]["description"].as_str()), (200, Some("New description")));
    let o = api.put(&format!("/v2.0/vpn/endpoint-groups/{gid}"), json!({"endpoint_group": {"endpoints": ["10.4.0.0/24"]}})).await;
    assert_refused(&o, 400, "BadRequest", "endpoints read-only");

    let unknown = "a3da778c-adfb-46db-88b3-d2ce53290a89";
    for (body, kind) in [
        (json!({"endpoint_group": {"type": "vlan", "endpoints": ["5"]}}), "BadRequest"),
        (json!({"endpoint_group": {"type": "network", "endpoints": [unknown]}}), "BadRequest"),
        (json!({"endpoint_group": {"endpoints": ["10.2.0.0/24"]}}), "BadRequest"),
        (json!({"endpoint_group": {"type": "cidr"}}), "BadRequest"),
        (json!({"endpoint_group": {"type": "cidr", "endpoints": []}}), "MissingEndpointForEndpointGroup"),
        (json!({"endpoint_group": {"type": "cidr", "endpoints": ["10.2.0.0/24", "10.2.0.0/24"]}}), "InvalidEndpointInEndpointGroup"),
        (json!({"endpoint_group": {"type": "cidr", "endpoints": ["10.2.0.1/24"]}}), "InvalidEndpointInEndpointGroup"),
        (json!({"endpoint_group": {"type": "cidr", "endpoints": ["nonsense"]}}), "InvalidEndpointInEndpointGroup"),
        (json!({"endpoint_group": {"type": "subnet", "endpoints": ["subnet-1"]}}), "InvalidEndpointInEndpointGroup"),
        (json!({"endpoint_group": {"type": "subnet", "endpoints": [unknown]}}), "NonExistingSubnetInEndpointGroup"),
        (json!({"endpoint_group": {"type": "cidr", "endpoints": 5}}), "BadRequest"),
    ] {
        let o = api.post("/v2.0/vpn/endpoint-groups", body.clone()).await;
        assert_refused(&o, 400, kind, &body.to_string());
    }
    let o = api.post("/v2.0/vpn/endpoint-groups", json!({"endpoint_group": {"type": "vlan", "endpoints": ["5"]}})).await;
    assert_eq!(o.body["NeutronError"]["message"], "Invalid input for type. Reason: vlan is not in ['subnet', 'cidr'].");

    // A subnet listed in a group stays.
    assert_refused(&api.delete(&format!("/v2.0/subnets/{sid}")).await, 409, "SubnetInUse", "held subnet");
    let v1_subnet = format!("/v1/{{pid}}/vpcs/{vid}/subnets/{net}");
    let o = api.delete(&v1_subnet).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0208"));
    assert_eq!(api.delete(&format!("/v2.0/vpn/endpoint-groups/{}", id(&locals))).await.status, 204);
    assert_refused(&api.get(&format!("/v2.0/vpn/endpoint-groups/{}", id(&locals))).await, 404, "VPNEndpointGroupNotFound", "deleted");
    assert_eq!(api.delete(&v1_subnet).await.status, 204, "released");
}

/// A project with a VPC, a service (endpoint-group mode), policies and
/// groups: (service, ike, ipsec, local group, peer group, vpc id).
async fn stage(api: &Api<'_>, octet: u8) -> (String, String, String, String, String, String) {
    let (vid, _, sid) = vpc(api, octet).await;
    let svc = id(&service(api, &vid, None).await);
    let (ike, ipsec) = policies(api).await;
    let local = group(api, "subnet", json!([sid])).await;
    let peer = group(api, "cidr", json!(["172.16.0.0/24", "172.16.1.0/24"])).await;
    (svc, ike, ipsec, local, peer, vid)
}

fn conn_body(svc: &str, ike: &str, ipsec: &str, local: Option<&str>, peer: Option<&str>, address: &str) -> Value {
    json!({"ipsec_site_connection": {"psk": "secret", "initiator": "bi-directional", "ipsecpolicy_id": ipsec, "admin_state_up": true,
        "mtu": 1500, "peer_ep_group_id": peer, "ikepolicy_id": ike, "vpnservice_id": svc, "local_ep_group_id": local,
        "peer_address": address, "peer_id": address, "name": "vpnconnection1"}})
}

#[tokio::test]
async fn site_connections_lifecycle_relations_and_refusals() {
    let emu = Emu::with(cfg(5)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (svc, ike, ipsec, local, peer, _) = stage(&api, 4).await;
    let path = "/v2.0/vpn/ipsec-site-connections";

    // Clients send mtu as a string (python-openstackclient).
    let mut body = conn_body(&svc, &ike, &ipsec, Some(&local), Some(&peer), "172.24.4.233");
    body["ipsec_site_connection"]["mtu"] = json!("1500");
    let c = api.create(path, body, 201, "ipsec_site_connection").await;
    let cid = id(&c);
    assert_eq!(
        (c["status"].as_str(), c["auth_mode"].as_str(), c["route_mode"].as_str(), c["mtu"].as_i64(), c["psk"].as_str()),
        (Some("PENDING_CREATE"), Some("psk"), Some("static"), Some(1500), Some("secret"))
    );
    assert_eq!((c["dpd"].clone(), c["peer_cidrs"].clone()), (json!({"action": "hold", "interval": 30, "timeout": 120}), json!([])));
    assert!(c.get("tags").is_none());
    let o = api.put(&format!("{path}/{cid}"), json!({"ipsec_site_connection": {"name": "x"}})).await;
    assert_refused(&o, 400, "VPNStateInvalidToUpdate", "pending");
    assert_eq!(o.body["NeutronError"]["message"], format!("Invalid state PENDING_CREATE of vpnaas resource {cid} for updating"));
    emu.server.clock.advance(chrono::Duration::seconds(5));
    let shown = api.get(&format!("{path}/{cid}")).await.body["ipsec_site_connection"].clone();
    assert_eq!((shown["status"].as_str(), shown["tags"].clone()), (Some("DOWN"), json!([])));

    let o = api
        .put(&format!("{path}/{cid}"), json!({"ipsec_site_connection": {"description": "New description", "dpd": {"timeout": 200}}}))
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let u = &o.body["ipsec_site_connection"];
    assert_eq!((u["status"].as_str(), u["description"].as_str()), (Some("PENDING_UPDATE"), Some("New description")));
    assert_eq!(u["dpd"], json!({"action": "hold", "interval": 30, "timeout": 200}));
    emu.server.clock.advance(chrono::Duration::seconds(5));
    for (body, kind) in [
        (json!({"vpnservice_id": svc}), "BadRequest"),
        (json!({"mtu": 1200}), "BadRequest"),
        (json!({"dpd": {"interval": 300}}), "IPsecSiteConnectionDpdIntervalValueError"),
        (json!({"peer_address": "vpn.example.com"}), "VPNPeerAddressNotResolved"),
        (json!({"peer_cidrs": ["10.0.0.0/24"]}), "PeerCidrsInvalid"),
        (json!({"local_ep_group_id": null}), "MissingRequiredEndpointGroup"),
    ] {
        let o = api.put(&format!("{path}/{cid}"), json!({"ipsec_site_connection": body.clone()})).await;
        assert_refused(&o, 400, kind, &body.to_string());
    }
    assert_eq!(api.get(&format!("{path}/{cid}")).await.body["ipsec_site_connection"]["status"], "DOWN", "refused updates change nothing");

    // Refusals on creation, in upstream's order, then OTC's codes.
    let unknown = "9b00d6b0-6c93-4ca5-9747-b8ade7bb514f";
    let (_, _, sid_other) = vpc(&api, 5).await;
    let v6_peer = group(&api, "cidr", json!(["2001:db8::/64"])).await;
    let overlapping_local = group(&api, "cidr", json!(["10.4.1.0/25"])).await;
    let overlapping_peer = group(&api, "cidr", json!(["172.16.1.0/24"])).await;
    let foreign_local = group(&api, "subnet", json!([sid_other])).await;
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = conn_body(&svc, &ike, &ipsec, Some(&local), Some(&peer), "172.24.4.240");
        f(&mut b["ipsec_site_connection"]);
        b
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (with(&|b| b["psk"] = json!("short")), 400, "BadRequest"),
        (with(&|b| b["psk"] = json!("se&cret")), 400, "BadRequest"),
        (with(&|b| b["psk"] = json!("with space")), 400, "BadRequest"),
        (with(&|b| b["mtu"] = json!(1400)), 400, "BadRequest"),
        (with(&|b| b["admin_state_up"] = json!(false)), 400, "BadRequest"),
        (with(&|b| b["route_mode"] = json!("static")), 400, "BadRequest"),
        (with(&|b| b["initiator"] = json!("initiator-only")), 400, "BadRequest"),
        (with(&|b| b["dpd"] = json!({"action": "reset"})), 400, "BadRequest"),
        (with(&|b| b["dpd"] = json!({"interval": -1})), 400, "BadRequest"),
        (with(&|b| b["dpd"] = json!({"interval": 30, "timeout": 30})), 400, "IPsecSiteConnectionDpdIntervalValueError"),
        (with(&|b| b.as_object_mut().unwrap().remove("psk").map(|_| ()).unwrap()), 400, "BadRequest"),
        (with(&|b| b.as_object_mut().unwrap().remove("peer_id").map(|_| ()).unwrap()), 400, "BadRequest"),
        (with(&|b| b["vpnservice_id"] = json!(unknown)), 404, "VPNServiceNotFound"),
        (with(&|b| b["ikepolicy_id"] = json!(unknown)), 404, "IKEPolicyNotFound"),
        (with(&|b| b["ipsecpolicy_id"] = json!(unknown)), 404, "IPsecPolicyNotFound"),
        (with(&|b| b["peer_ep_group_id"] = json!(unknown)), 404, "VPNEndpointGroupNotFound"),
        (with(&|b| b["peer_cidrs"] = json!(["10.0.0.0/24"])), 400, "PeerCidrsInvalid"),
        (with(&|b| b["peer_ep_group_id"] = Value::Null), 400, "MissingRequiredEndpointGroup"),
        (with(&|b| b["peer_ep_group_id"] = json!(local.clone())), 400, "WrongEndpointGroupType"),
        (with(&|b| b["local_ep_group_id"] = json!(foreign_local.clone())), 400, "SubnetIsNotConnectedToRouter"),
        (with(&|b| b["peer_ep_group_id"] = json!(v6_peer.clone())), 400, "MixedIPVersionsForIPSecConnection"),
        (with(&|b| b["peer_address"] = json!("vpn.example.com")), 400, "VPNPeerAddressNotResolved"),
        (with(&|b| b["peer_address"] = json!("2001:db8::1")), 400, "ExternalNetworkHasNoSubnet"),
        (with(&|b| b["peer_address"] = json!("172.24.4.233")), 400, "VPC.1004"),
        (with(&|b| b["peer_ep_group_id"] = json!(overlapping_local.clone())), 400, "VPC.1016"),
        (with(&|b| b["peer_ep_group_id"] = json!(overlapping_peer.clone())), 400, "VPC.1021"),
    ];
    for (body, status, kind) in cases {
        let o = api.post(path, body.clone()).await;
        assert_refused(&o, status, kind, &body.to_string());
    }
    let o = api.post(path, with(&|b| b["peer_ep_group_id"] = Value::Null)).await;
    assert_eq!(o.body["NeutronError"]["message"], "Missing endpoint group peer for IPSec site-to-site connection");
    // The standby of an active/standby pair shares both groups.
    let standby = api.create(path, with(&|b| b["name"] = json!("standby")), 201, "ipsec_site_connection").await;

    // Lists: filters, fields, paging.
    let o = api.get(&format!("{path}?vpnservice_id={svc}&fields=id&fields=name")).await;
    assert_eq!(o.body["ipsec_site_connections"].as_array().unwrap().len(), 2);
    assert_eq!(o.body["ipsec_site_connections"][0].as_object().unwrap().len(), 2);
    let o = api.get(&format!("{path}?name=standby")).await;
    assert_eq!(o.body["ipsec_site_connections"][0]["id"], id(&standby));
    let o = api.get(&format!("{path}?limit=1")).await;
    assert!(o.body["ipsec_site_connections_links"][0]["href"].as_str().unwrap().contains("/v2.0/vpn/ipsec-site-connections?"));

    // What a connection uses cannot go; policies stay updatable.
    assert_refused(&api.delete(&format!("/v2.0/vpn/ikepolicies/{ike}")).await, 409, "IKEPolicyInUse", "ike");
    assert_refused(&api.delete(&format!("/v2.0/vpn/ipsecpolicies/{ipsec}")).await, 409, "IPsecPolicyInUse", "ipsec");
    assert_refused(&api.delete(&format!("/v2.0/vpn/vpnservices/{svc}")).await, 409, "VPNServiceInUse", "service");
    assert_refused(&api.delete(&format!("/v2.0/vpn/endpoint-groups/{local}")).await, 400, "EndpointGroupInUse", "local group");
    assert_refused(&api.delete(&format!("/v2.0/vpn/endpoint-groups/{peer}")).await, 400, "EndpointGroupInUse", "peer group");
    assert_eq!(api.put(&format!("/v2.0/vpn/ikepolicies/{ike}"), json!({"ikepolicy": {"pfs": "group14"}})).await.status, 200);

    for c in [cid.clone(), id(&standby)] {
        assert_eq!(api.delete(&format!("{path}/{c}")).await.status, 204);
    }
    assert_refused(&api.get(&format!("{path}/{cid}")).await, 404, "IPsecSiteConnectionNotFound", "deleted");
    assert_refused(&api.delete(&format!("{path}/{cid}")).await, 404, "IPsecSiteConnectionNotFound", "deleted twice");
    for p in [
        format!("/v2.0/vpn/endpoint-groups/{local}"),
        format!("/v2.0/vpn/endpoint-groups/{peer}"),
        format!("/v2.0/vpn/ikepolicies/{ike}"),
        format!("/v2.0/vpn/ipsecpolicies/{ipsec}"),
        format!("/v2.0/vpn/vpnservices/{svc}"),
    ] {
        assert_eq!(api.delete(&p).await.status, 204, "{p}");
    }
}

#[tokio::test]
async fn legacy_connections_name_peer_cidrs() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vid, _, sid) = vpc(&api, 6).await;
    let svc = id(&service(&api, &vid, Some(&sid)).await);
    let (ike, ipsec) = policies(&api).await;
    let peer = group(&api, "cidr", json!(["172.16.0.0/24"])).await;
    let path = "/v2.0/vpn/ipsec-site-connections";
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = conn_body(&svc, &ike, &ipsec, None, None, "172.24.4.9");
        b["ipsec_site_connection"].as_object_mut().unwrap().retain(|k, _| k != "local_ep_group_id" && k != "peer_ep_group_id");
        f(&mut b["ipsec_site_connection"]);
        b
    };
    for (body, kind) in [
        (with(&|_| ()), "MissingPeerCidrs"),
        (with(&|b| b["peer_cidrs"] = json!(["10.0.0.1/24"])), "IPsecSiteConnectionPeerCidrError"),
        (with(&|b| b["peer_cidrs"] = json!(["10.0.0.0/24", "2001:db8::/64"])), "MixedIPVersionsForPeerCidrs"),
        (with(&|b| b["peer_cidrs"] = json!(["10.6.1.0/24"])), "VPC.1016"),
        (with(&|b| b["peer_ep_group_id"] = json!(peer.clone())), "MissingPeerCidrs"),
        (
            with(&|b| {
                b["peer_cidrs"] = json!(["10.0.0.0/24"]);
                b["peer_ep_group_id"] = json!(peer.clone());
            }),
            "InvalidEndpointGroup",
        ),
    ] {
        let o = api.post(path, body.clone()).await;
        assert_refused(&o, 400, kind, &body.to_string());
    }
    // `--peer-cidr` sends one string.
    let c = api.create(path, with(&|b| b["peer_cidrs"] = json!("10.0.0.0/24")), 201, "ipsec_site_connection").await;
    assert_eq!((c["peer_cidrs"].clone(), c["local_ep_group_id"].clone()), (json!(["10.0.0.0/24"]), Value::Null));
    let o = api.put(&format!("{path}/{}", id(&c)), json!({"ipsec_site_connection": {"peer_cidrs": ["10.0.1.0/24", "10.0.2.0/24"]}})).await;
    assert_eq!(o.body["ipsec_site_connection"]["peer_cidrs"], json!(["10.0.1.0/24", "10.0.2.0/24"]));
}

#[tokio::test]
async fn connection_tags() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (svc, ike, ipsec, local, peer, _) = stage(&api, 7).await;
    let c = api
        .create(
            "/v2.0/vpn/ipsec-site-connections",
            conn_body(&svc, &ike, &ipsec, Some(&local), Some(&peer), "172.24.4.1"),
            201,
            "ipsec_site_connection",
        )
        .await;
    let cid = id(&c);
    let tags = format!("/v2.0/{{pid}}/ipsec-site-connections/{cid}/tags");

    assert_eq!(api.get(&tags).await.body, json!({"tags": []}));
    assert_eq!(api.post(&tags, json!({"tag": {"key": "key1", "value": "value1"}})).await.status, 204);
    assert_eq!(api.post(&tags, json!({"tag": {"key": "key1", "value": "value2"}})).await.status, 204);
    assert_eq!(api.get(&tags).await.body, json!({"tags": [{"key": "key1", "value": "value2"}]}));
    let action = format!("{tags}/action");
    let o =
        api.post(&action, json!({"action": "create", "tags": [{"key": "key2", "value": "value1"}, {"key": "key3", "value": ""}]})).await;
    assert_eq!(o.status, 204);
    let shown = api.get(&format!("/v2.0/vpn/ipsec-site-connections/{cid}")).await.body["ipsec_site_connection"]["tags"].clone();
    assert_eq!(shown.as_array().unwrap().len(), 3);
    assert_eq!(api.delete(&format!("{tags}/key3")).await.status, 204);
    assert_eq!(api.delete(&format!("{tags}/absent")).await.status, 204);
    let o = api.post(&action, json!({"action": "delete", "tags": [{"key": "key2", "value": "a b&c"}, {"key": "nope"}]})).await;
    assert_eq!(o.status, 204, "delete does not check the character set");
    assert_eq!(api.get(&tags).await.body, json!({"tags": [{"key": "key1", "value": "value2"}]}));

    for (body, what) in [
        (json!({"action": "create", "tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}), "duplicate keys"),
        (json!({"action": "create", "tags": [{"key": "env@x", "value": "1"}]}), "at sign"),
        (json!({"action": "create", "tags": [{"key": "k".repeat(37), "value": "1"}]}), "long key"),
        (json!({"action": "create", "tags": [{"key": "k", "value": "v".repeat(44)}]}), "long value"),
        (json!({"action": "update", "tags": []}), "action"),
        (json!({"action": "create"}), "no tags"),
        (
            json!({"action": "create", "tags": (0..10).map(|i| json!({"key": format!("k{i}"), "value": ""})).collect::<Vec<_>>()}),
            "more than 10",
        ),
    ] {
        let o = api.post(&action, body).await;
        assert_eq!((o.status, o.code.as_str()), (400, "VPC.1801"), "{what}: {}", o.body);
    }
    let missing = "851f280f-5639-4ea3-81aa-e298525ab74b";
    let o = api.get(&format!("/v2.0/{{pid}}/ipsec-site-connections/{missing}/tags")).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.2204"));
    let o = api.post(&format!("/v2.0/{{pid}}/ipsec-site-connections/{missing}/tags"), json!({"tag": {"key": "a", "value": "b"}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.2204"));
    let o = api.get("/v2.0/{pid}/ipsec-site-connections/not-a-uuid/tags").await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.1801"));

    // Project-wide keys and the query by tag (literal routes beat {resource_id}).
    let second = api
        .create(
            "/v2.0/vpn/ipsec-site-connections",
            {
                let mut b = conn_body(&svc, &ike, &ipsec, Some(&local), Some(&peer), "172.24.4.2");
                b["ipsec_site_connection"]["name"] = json!("resource1");
                b
            },
            201,
            "ipsec_site_connection",
        )
        .await;
    let t2 = format!("/v2.0/{{pid}}/ipsec-site-connections/{}/tags", id(&second));
    api.post(&t2, json!({"tag": {"key": "key1", "value": "value1"}})).await;
    let o = api.get("/v2.0/{pid}/ipsec-site-connections/tags").await;
    assert_eq!(o.body, json!({"tags": [{"key": "key1", "values": ["value2", "value1"]}]}));
    let q = "/v2.0/{pid}/ipsec-site-connections/resource_instances/action";
    let o = api.post(q, json!({"offset": "0", "limit": "100", "action": "filter", "matches": [{"key": "resource_name", "value": "resource1"}], "tags": [{"key": "key1", "values": ["*value1", "value1"]}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["total_count"], 1);
    assert_eq!(
        o.body["resources"][0],
        json!({"resource_detail": null, "resource_id": id(&second), "resource_name": "resource1", "tags": [{"key": "key1", "value": "value1"}]})
    );
    let o = api.post(q, json!({"action": "count", "tags": [{"key": "key1", "values": []}]})).await;
    assert_eq!(o.body, json!({"total_count": 2}));
    let o = api.post(q, json!({"action": "filter", "limit": 1})).await;
    assert_eq!((o.body["total_count"].as_i64(), o.body["resources"].as_array().unwrap().len()), (Some(2), 1));
    let o = api.post(q, json!({"action": "find"})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.1801"));

    // A deleted connection takes its tags along.
    assert_eq!(api.delete(&format!("/v2.0/vpn/ipsec-site-connections/{}", id(&second))).await.status, 204);
    let o = api.get("/v2.0/{pid}/ipsec-site-connections/tags").await;
    assert_eq!(o.body, json!({"tags": [{"key": "key1", "values": ["value2"]}]}));
}

#[tokio::test]
async fn other_projects_see_nothing() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (svc, ike, ipsec, local, peer, vid) = stage(&de, 8).await;
    let c = de
        .create(
            "/v2.0/vpn/ipsec-site-connections",
            conn_body(&svc, &ike, &ipsec, Some(&local), Some(&peer), "172.24.4.3"),
            201,
            "ipsec_site_connection",
        )
        .await;
    let cid = id(&c);
    for (coll, oid, kind, mine) in [
        ("vpnservices", &svc, "VPNServiceNotFound", 1),
        ("ikepolicies", &ike, "IKEPolicyNotFound", 1),
        ("ipsecpolicies", &ipsec, "IPsecPolicyNotFound", 1),
        ("endpoint-groups", &local, "VPNEndpointGroupNotFound", 2),
        ("ipsec-site-connections", &cid, "IPsecSiteConnectionNotFound", 1),
    ] {
        assert_refused(&nl.get(&format!("/v2.0/vpn/{coll}/{oid}")).await, 404, kind, coll);
        assert_refused(&nl.delete(&format!("/v2.0/vpn/{coll}/{oid}")).await, 404, kind, coll);
        let o = nl.put(&format!("/v2.0/vpn/{coll}/{oid}"), json!({})).await;
        assert_eq!(o.status, 400, "{coll}: the wrapper is checked first");
        let key = coll.replace('-', "_");
        assert_eq!(nl.get(&format!("/v2.0/vpn/{coll}")).await.body[&key], json!([]), "{coll}");
        assert_eq!(de.get(&format!("/v2.0/vpn/{coll}")).await.body[&key].as_array().unwrap().len(), mine, "{coll}");
    }
    let o = nl.put(&format!("/v2.0/vpn/vpnservices/{svc}"), json!({"vpnservice": {"name": "mine"}})).await;
    assert_refused(&o, 404, "VPNServiceNotFound", "foreign update");
    // Filtering by another project finds nothing.
    assert_eq!(de.get(&format!("/v2.0/vpn/vpnservices?tenant_id={}", nl.pid)).await.body["vpnservices"], json!([]));
    // Another project's objects cannot be used either.
    let o = nl.post("/v2.0/vpn/vpnservices", json!({"vpnservice": {"router_id": vid}})).await;
    assert_refused(&o, 404, "RouterNotFound", "foreign router");
    let (nike, nipsec) = policies(&nl).await;
    let o = nl.post("/v2.0/vpn/ipsec-site-connections", conn_body(&svc, &nike, &nipsec, Some(&local), Some(&peer), "172.24.4.4")).await;
    assert_refused(&o, 404, "VPNServiceNotFound", "foreign service");
    let o = nl.get(&format!("/v2.0/{{pid}}/ipsec-site-connections/{cid}/tags")).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.2204"));
    // And a project id in the path must be the caller's.
    let o = nl.get(&format!("/v2.0/{}/ipsec-site-connections/{cid}/tags", de.pid)).await;
    assert_eq!(o.status, 403);
}
