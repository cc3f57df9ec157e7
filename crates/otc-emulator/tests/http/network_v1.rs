//! VPC v1 and the v2.0 bandwidth and security-group port APIs: every
//! served operation with its documented status and error codes.

use crate::common::*;
use crate::netkit::{id, Api};
use otc_vpc::VpcConfig;
use serde_json::json;

fn cfg(f: impl FnOnce(&mut VpcConfig)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c.network);
    c
}

#[tokio::test]
async fn vpcs_lifecycle_and_validation() {
    let emu = Emu::with(cfg(|n| {
        n.settle_seconds = 5;
        n.quotas.vpc = 3;
    }))
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let v = api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "vpc-1", "cidr": "192.168.0.0/16", "description": "d"}}), 200, "vpc").await;
    let vid = id(&v);
    assert_eq!(v["status"], "CREATING");
    assert!(v.get("enable_shared_snat").is_none());
    assert_eq!(v["tenant_id"], api.pid.as_str());
    assert_eq!(api.get(&format!("/v1/{{pid}}/vpcs/{vid}")).await.body["vpc"]["status"], "CREATING");
    // A subnet must wait for the VPC.
    let o = api
        .post("/v1/{pid}/subnets", json!({"subnet": {"name": "s", "cidr": "192.168.1.0/24", "gateway_ip": "192.168.1.1", "vpc_id": vid}}))
        .await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.0004"));
    emu.server.clock.advance(chrono::Duration::seconds(5));
    let shown = api.get(&format!("/v1/{{pid}}/vpcs/{vid}")).await.body["vpc"].clone();
    assert_eq!(shown["status"], "OK");
    assert_eq!(shown["enable_shared_snat"], false);

    for (body, code) in [
        (json!({"vpc": {"name": "vpc-1"}}), "VPC.0115"),
        (json!({"vpc": {"name": "bad name"}}), "VPC.0101"),
        (json!({"vpc": {"cidr": "8.8.0.0/16"}}), "VPC.0101"),
        (json!({"vpc": {"cidr": "10.0.0.0/25"}}), "VPC.0101"),
        (json!({"vpc": {"description": "<b>"}}), "VPC.0101"),
        (json!({"nothing": 1}), "VPC.0101"),
    ] {
        let o = api.post("/v1/{pid}/vpcs", body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, code), "{body}");
    }
    let empty = api.create("/v1/{pid}/vpcs", json!({"vpc": {}}), 200, "vpc").await;
    assert_eq!(empty["cidr"], "");
    api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "third", "cidr": "10.0.0.0/8"}}), 200, "vpc").await;
    let o = api.post("/v1/{pid}/vpcs", json!({"vpc": {"name": "fourth"}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0114"));

    let o = api
        .put(
            &format!("/v1/{{pid}}/vpcs/{vid}"),
            json!({"vpc": {"name": "vpc-renamed", "routes": [{"destination": "10.1.0.0/16", "nexthop": "192.168.1.10"}]}}),
        )
        .await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["vpc"]["name"], "vpc-renamed");
    assert_eq!(o.body["vpc"]["routes"][0]["destination"], "10.1.0.0/16");
    let o = api.put(&format!("/v1/{{pid}}/vpcs/{vid}"), json!({"vpc": {"name": "third"}})).await;
    assert_eq!(o.code, "VPC.0115");

    let o = api.get("/v1/{pid}/vpcs?limit=2").await;
    let page = o.body["vpcs"].as_array().unwrap();
    assert_eq!(page.len(), 2);
    let o = api.get(&format!("/v1/{{pid}}/vpcs?marker={}", id(&page[1]))).await;
    assert_eq!(o.body["vpcs"].as_array().unwrap().len(), 1);
    assert_eq!(api.get(&format!("/v1/{{pid}}/vpcs?id={vid}")).await.body["vpcs"].as_array().unwrap().len(), 1);
    assert_eq!(api.get("/v1/{pid}/vpcs?limit=5000").await.code, "VPC.0101");
    assert_eq!(api.get("/v1/{pid}/vpcs?marker=nope").await.code, "VPC.0101");

    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vid}")).await.status, 204);
    let o = api.get(&format!("/v1/{{pid}}/vpcs/{vid}")).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.0003"));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vid}")).await.code, "VPC.0003");
}

#[tokio::test]
async fn subnets_in_vpcs() {
    let emu = Emu::with(cfg(|n| n.settle_seconds = 3)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let vid = id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "v", "cidr": "192.168.0.0/16"}}), 200, "vpc").await);
    emu.server.clock.advance(chrono::Duration::seconds(3));
    // OTC's own API takes JSON booleans only (Neutron's "true" is refused).
    for dhcp in [json!("true"), json!(1), json!("false")] {
        let body = json!({"subnet": {"name": "sub-x", "cidr": "192.168.20.0/24", "gateway_ip": "192.168.20.1", "vpc_id": vid, "dhcp_enable": dhcp}});
        let o = api.post("/v1/{pid}/subnets", body).await;
        assert_eq!((o.status, o.code.as_str()), (400, "VPC.0201"), "{dhcp}: {}", o.body);
    }
    let s = api
        .create(
            "/v1/{pid}/subnets",
            json!({"subnet": {"name": "sub-1", "cidr": "192.168.10.0/24", "gateway_ip": "192.168.10.1", "vpc_id": vid,
                "primary_dns": "100.125.4.25", "secondary_dns": "8.8.8.8", "availability_zone": "eu-de-01",
                "extra_dhcp_opts": [{"opt_name": "ntp", "opt_value": "10.100.0.33,10.100.0.34"}]}}),
            200,
            "subnet",
        )
        .await;
    let sid = id(&s);
    assert_eq!(s["status"], "UNKNOWN");
    assert_eq!(s["neutron_network_id"], sid.as_str());
    assert_ne!(s["neutron_subnet_id"], sid.as_str());
    assert_eq!(s["dnsList"], json!(["100.125.4.25", "8.8.8.8"]));
    assert_eq!(s["extra_dhcp_opts"][0]["opt_name"], "ntp");
    assert_eq!(api.get(&format!("/v1/{{pid}}/subnets/{sid}")).await.body["subnet"]["status"], "UNKNOWN");
    emu.server.clock.advance(chrono::Duration::seconds(3));
    assert_eq!(api.get(&format!("/v1/{{pid}}/subnets/{sid}")).await.body["subnet"]["status"], "ACTIVE");

    let base = json!({"name": "x", "cidr": "192.168.20.0/24", "gateway_ip": "192.168.20.1", "vpc_id": vid});
    for (patch, code) in [
        (json!({"cidr": "10.0.0.0/24", "gateway_ip": "10.0.0.1"}), "VPC.0203"),
        (json!({"cidr": "192.168.10.128/25", "gateway_ip": "192.168.10.129"}), "VPC.0204"),
        (json!({"cidr": "192.168.20.5/24"}), "VPC.0212"),
        (json!({"name": ""}), "VPC.0201"),
        (json!({"name": "a b"}), "VPC.0201"),
        (json!({"gateway_ip": "192.168.21.1"}), "VPC.0201"),
        (json!({"gateway_ip": "192.168.20.0"}), "VPC.0201"),
        (json!({"primary_dns": "nonsense"}), "VPC.0201"),
    ] {
        let mut b = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let o = api.post("/v1/{pid}/subnets", json!({ "subnet": b })).await;
        assert_eq!((o.status, o.code.as_str()), (400, code), "{patch}: {}", o.body);
    }
    let o = api
        .post(
            "/v1/{pid}/subnets",
            json!({"subnet": {"name": "x", "cidr": "192.168.30.0/24", "gateway_ip": "192.168.30.1", "vpc_id": "missing"}}),
        )
        .await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.0003"));

    let other = id(&api.create("/v1/{pid}/subnets", json!({"subnet": base}), 200, "subnet").await);
    let o = api.get(&format!("/v1/{{pid}}/subnets?vpc_id={vid}")).await;
    assert_eq!(o.body["subnets"].as_array().unwrap().len(), 2);
    let o = api.get(&format!("/v1/{{pid}}/subnets?vpc_id={vid}&limit=1")).await;
    assert_eq!(o.body["subnets"].as_array().unwrap().len(), 1);

    let o =
        api.put(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{sid}"), json!({"subnet": {"name": "sub-renamed", "dnsList": ["1.1.1.1"]}})).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body, json!({"subnet": {"id": sid, "status": "ACTIVE"}}));
    let shown = api.get(&format!("/v1/{{pid}}/subnets/{sid}")).await.body["subnet"].clone();
    assert_eq!((shown["name"].as_str(), shown["primary_dns"].as_str()), (Some("sub-renamed"), Some("1.1.1.1")));
    let v2 = id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "v2", "cidr": "10.0.0.0/8"}}), 200, "vpc").await);
    let o = api.put(&format!("/v1/{{pid}}/vpcs/{v2}/subnets/{sid}"), json!({"subnet": {"name": "n"}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.0207"));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{v2}/subnets/{sid}")).await.code, "VPC.0207");

    // The VPC's CIDR cannot shrink below its subnets.
    let o = api.put(&format!("/v1/{{pid}}/vpcs/{vid}"), json!({"vpc": {"cidr": "192.168.10.0/24"}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.0117"));

    // In use: a private IP keeps the subnet, a subnet keeps the VPC.
    let ip = api.create("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": sid}]}), 200, "privateips").await;
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{sid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0208"));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/privateips/{}", id(&ip[0]))).await.status, 204);
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0104"));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{sid}")).await.status, 204);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vid}/subnets/{other}")).await.status, 204);
    assert_eq!(api.get(&format!("/v1/{{pid}}/subnets/{sid}")).await.status, 404);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vid}")).await.status, 204);
}

#[tokio::test]
async fn private_ips_until_the_subnet_is_full() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, sid) = api.vpc_with_subnet("10.0.0.0/8", "10.9.9.0/28", "10.9.9.1").await;
    let ips = api
        .create(
            "/v1/{pid}/privateips",
            json!({"privateips": [{"subnet_id": sid}, {"subnet_id": sid, "ip_address": "10.9.9.7"}]}),
            200,
            "privateips",
        )
        .await;
    assert_eq!(ips[0]["ip_address"], "10.9.9.2");
    assert_eq!(ips[1]["ip_address"], "10.9.9.7");
    assert_eq!((ips[0]["status"].as_str(), ips[0]["device_owner"].as_str()), (Some("DOWN"), Some("")));
    let o = api.post("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": sid, "ip_address": "10.9.9.7"}]})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0701"));
    let o = api.post("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": sid, "ip_address": "10.9.8.7"}]})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.0705"));
    let o = api.post("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": "nope"}]})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.2204"));
    let too_many: Vec<_> = (0..21).map(|_| json!({"subnet_id": sid})).collect();
    assert_eq!(api.post("/v1/{pid}/privateips", json!({ "privateips": too_many })).await.status, 400);
    // A /28 has ten assignable addresses (.2-.11); two are taken.
    let eight: Vec<_> = (0..8).map(|_| json!({"subnet_id": sid})).collect();
    api.create("/v1/{pid}/privateips", json!({ "privateips": eight }), 200, "privateips").await;
    let o = api.post("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": sid}]})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0703"));

    let o = api.get(&format!("/v1/{{pid}}/subnets/{sid}/privateips")).await;
    let listed = o.body["privateips"].as_array().unwrap();
    assert_eq!(listed.len(), 11, "ten private IPs and the gateway interface");
    let o = api.get(&format!("/v1/{{pid}}/subnets/{sid}/privateips?limit=3&marker={}", id(&listed[0]))).await;
    assert_eq!(o.body["privateips"].as_array().unwrap().len(), 3);
    let gw = listed.iter().find(|p| p["device_owner"] == "network:router_interface_distributed").unwrap();
    let o = api.delete(&format!("/v1/{{pid}}/privateips/{}", id(gw))).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0707"));
    let one = api.get(&format!("/v1/{{pid}}/privateips/{}", id(&ips[1]))).await;
    assert_eq!(one.body["privateip"]["ip_address"], "10.9.9.7");
    assert_eq!(api.delete(&format!("/v1/{{pid}}/privateips/{}", id(&ips[1]))).await.status, 204);
    assert_eq!(api.get(&format!("/v1/{{pid}}/privateips/{}", id(&ips[1]))).await.code, "VPC.0704");
    let again = api.create("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": sid}]}), 200, "privateips").await;
    assert_eq!(again[0]["ip_address"], "10.9.9.7", "the freed address is reused");
    assert_eq!(api.get("/v1/{pid}/subnets/nope/privateips").await.code, "VPC.0702");
}

#[tokio::test]
async fn eips_and_bandwidths() {
    let emu = Emu::with(cfg(|n| n.quotas.public_ip = 3)).await;
    let api = Api::new(&emu, "eu-de").await;
    let e = api
        .create(
            "/v1/{pid}/publicips",
            json!({"publicip": {"type": "5_bgp", "ip_version": 4}, "bandwidth": {"name": "bw-1", "size": 10, "share_type": "PER"}}),
            200,
            "publicip",
        )
        .await;
    let eid = id(&e);
    assert_eq!(e["status"], "PENDING_CREATE");
    let shown = api.get(&format!("/v1/{{pid}}/publicips/{eid}")).await.body["publicip"].clone();
    assert_eq!(
        (shown["status"].as_str(), shown["bandwidth_size"].as_u64(), shown["bandwidth_share_type"].as_str()),
        (Some("DOWN"), Some(10), Some("PER"))
    );
    for (body, code) in [
        (json!({"publicip": {"type": "5_nope"}, "bandwidth": {"name": "b", "size": 1, "share_type": "PER"}}), "VPC.0501"),
        (json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b", "size": 1, "share_type": "HALF"}}), "VPC.0301"),
        (json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b", "size": 5000, "share_type": "PER"}}), "VPC.0301"),
        (json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b", "size": 310, "share_type": "PER"}}), "VPC.0301"),
        (json!({"publicip": {"type": "5_bgp"}}), "VPC.0301"),
    ] {
        let o = api.post("/v1/{pid}/publicips", body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, code), "{body}");
    }

    // Bind to a port; a bound EIP is not released.
    let (_, sid) = api.vpc_with_subnet("192.168.0.0/16", "192.168.3.0/24", "192.168.3.1").await;
    let ip = api.create("/v1/{pid}/privateips", json!({"privateips": [{"subnet_id": sid}, {"subnet_id": sid}]}), 200, "privateips").await;
    let o = api.put(&format!("/v1/{{pid}}/publicips/{eid}"), json!({"publicip": {"port_id": id(&ip[0])}})).await;
    assert_eq!(o.status, 200);
    assert_eq!(
        (o.body["publicip"]["status"].as_str(), o.body["publicip"]["private_ip_address"].as_str()),
        (Some("ACTIVE"), ip[0]["ip_address"].as_str())
    );
    let o = api.put(&format!("/v1/{{pid}}/publicips/{eid}"), json!({"publicip": {"port_id": id(&ip[1])}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0510"), "already bound");
    let o = api.put(&format!("/v1/{{pid}}/publicips/{eid}"), json!({"publicip": {"port_id": "missing"}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.0501"));
    let o = api.delete(&format!("/v1/{{pid}}/publicips/{eid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0517"));
    let o = api.put(&format!("/v1/{{pid}}/publicips/{eid}"), json!({"publicip": {"alias": "web"}})).await;
    assert_eq!((o.body["publicip"]["alias"].as_str(), o.body["publicip"]["status"].as_str()), (Some("web"), Some("ACTIVE")));
    let o = api.put(&format!("/v1/{{pid}}/publicips/{eid}"), json!({"publicip": {"port_id": null}})).await;
    assert_eq!(o.body["publicip"]["status"], "DOWN");
    assert!(o.body["publicip"].get("port_id").is_none());

    // Shared bandwidth: create, insert, remove, delete.
    let bw = api.create("/v2.0/{pid}/bandwidths", json!({"bandwidth": {"name": "shared", "size": 20}}), 200, "bandwidth").await;
    let bid = id(&bw);
    assert_eq!((bw["share_type"].as_str(), bw["bandwidth_type"].as_str()), (Some("WHOLE"), Some("share")));
    assert_eq!(api.post("/v2.0/{pid}/bandwidths", json!({"bandwidth": {"name": "tiny", "size": 2}})).await.code, "VPC.0301");
    // Reads, updates and lists under v2.0: shared_bandwidths_are_read_updated_and_listed_through_v2.
    let old_bw = shown["bandwidth_id"].as_str().unwrap().to_string();
    let o =
        api.post(&format!("/v2.0/{{pid}}/bandwidths/{bid}/insert"), json!({"bandwidth": {"publicip_info": [{"publicip_id": eid}]}})).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["bandwidth"]["publicip_info"][0]["publicip_id"], eid.as_str());
    assert_eq!(api.get(&format!("/v1/{{pid}}/bandwidths/{old_bw}")).await.code, "VPC.0306", "the dedicated one is gone");
    let o = api.delete(&format!("/v2.0/{{pid}}/bandwidths/{bid}")).await;
    assert_eq!(o.status, 409, "still carries an EIP");
    let second = api
        .create(
            "/v1/{pid}/publicips",
            json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"id": bid, "share_type": "WHOLE"}}),
            200,
            "publicip",
        )
        .await;
    assert_eq!(api.get(&format!("/v1/{{pid}}/bandwidths/{bid}")).await.body["bandwidth"]["publicip_info"].as_array().unwrap().len(), 2);
    let o = api.post(&format!("/v2.0/{{pid}}/bandwidths/{bid}/remove"), json!({"bandwidth": {"publicip_info": [{"publicip_id": eid}, {"publicip_id": id(&second)}], "charge_mode": "traffic", "size": 5}})).await;
    assert_eq!(o.status, 204);
    let shown = api.get(&format!("/v1/{{pid}}/publicips/{eid}")).await.body["publicip"].clone();
    assert_eq!((shown["bandwidth_share_type"].as_str(), shown["bandwidth_size"].as_u64()), (Some("PER"), Some(5)));
    assert_eq!(api.delete(&format!("/v2.0/{{pid}}/bandwidths/{bid}")).await.status, 204);

    let o = api.get("/v1/{pid}/bandwidths?share_type=PER").await;
    let per = o.body["bandwidths"].as_array().unwrap();
    assert_eq!(per.len(), 2);
    let o = api.put(&format!("/v1/{{pid}}/bandwidths/{}", id(&per[0])), json!({"bandwidth": {"name": "renamed", "size": 50}})).await;
    assert_eq!((o.body["bandwidth"]["name"].as_str(), o.body["bandwidth"]["size"].as_u64()), (Some("renamed"), Some(50)));
    assert_eq!(api.put(&format!("/v1/{{pid}}/bandwidths/{}", id(&per[0])), json!({"bandwidth": {}})).await.code, "VPC.0301");

    // Quota: three EIPs in all.
    api.create(
        "/v1/{pid}/publicips",
        json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b3", "size": 1, "share_type": "PER"}}),
        200,
        "publicip",
    )
    .await;
    let o = api
        .post("/v1/{pid}/publicips", json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b4", "size": 1, "share_type": "PER"}}))
        .await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0521"));
    assert_eq!(api.get("/v1/{pid}/publicips?limit=2").await.body["publicips"].as_array().unwrap().len(), 2);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/publicips/{eid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{eid}")).await.code, "VPC.0504");
}

/// The provider's vpc_bandwidth_v2 reads, renames and lists a shared
/// bandwidth through v2.0 (gophertelekomcloud networking/v2/bandwidths); the
/// real cloud answers there as under v1.
#[tokio::test]
async fn shared_bandwidths_are_read_updated_and_listed_through_v2() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let bw = api.create("/v2.0/{pid}/bandwidths", json!({"bandwidth": {"name": "shared", "size": 10}}), 200, "bandwidth").await;
    let bid = id(&bw);
    let o = api.get(&format!("/v2.0/{{pid}}/bandwidths/{bid}")).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body, api.get(&format!("/v1/{{pid}}/bandwidths/{bid}")).await.body, "one document under both versions");
    assert_eq!((o.body["bandwidth"]["name"].as_str(), o.body["bandwidth"]["share_type"].as_str()), (Some("shared"), Some("WHOLE")));

    let o = api.put(&format!("/v2.0/{{pid}}/bandwidths/{bid}"), json!({"bandwidth": {"name": "renamed"}})).await;
    assert_eq!(o.status, 200);
    assert_eq!((o.body["bandwidth"]["name"].as_str(), o.body["bandwidth"]["size"].as_u64()), (Some("renamed"), Some(10)));
    let o = api.put(&format!("/v2.0/{{pid}}/bandwidths/{bid}"), json!({"bandwidth": {"size": 25}})).await;
    assert_eq!((o.body["bandwidth"]["name"].as_str(), o.body["bandwidth"]["size"].as_u64()), (Some("renamed"), Some(25)));
    assert_eq!(api.get(&format!("/v1/{{pid}}/bandwidths/{bid}")).await.body["bandwidth"]["name"], "renamed");
    assert_eq!(api.put(&format!("/v2.0/{{pid}}/bandwidths/{bid}"), json!({"bandwidth": {}})).await.code, "VPC.0301");

    let listed = api.get("/v2.0/{pid}/bandwidths").await.body["bandwidths"].as_array().unwrap().clone();
    assert!(listed.iter().any(|b| b["id"] == bid.as_str()));

    assert_eq!(api.delete(&format!("/v2.0/{{pid}}/bandwidths/{bid}")).await.status, 204);
    let o = api.get(&format!("/v2.0/{{pid}}/bandwidths/{bid}")).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.0306"));
    let other = Api::new(&emu, "eu-nl").await;
    let theirs = other.create("/v2.0/{pid}/bandwidths", json!({"bandwidth": {"name": "nl", "size": 10}}), 200, "bandwidth").await;
    assert_eq!(api.get(&format!("/v2.0/{{pid}}/bandwidths/{}", id(&theirs))).await.status, 404, "another project's bandwidth");
}

#[tokio::test]
async fn security_groups_rules_and_port_association() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let g = api.create("/v1/{pid}/security-groups", json!({"security_group": {"name": "sg-01"}}), 200, "security_group").await;
    let gid = id(&g);
    let rules = g["security_group_rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4);
    assert_eq!(rules.iter().filter(|r| r["remote_group_id"] == gid.as_str()).count(), 2);
    assert_eq!(api.post("/v1/{pid}/security-groups", json!({"security_group": {"name": "a b"}})).await.code, "VPC.0601");
    let r = api
        .create(
            "/v1/{pid}/security-group-rules",
            json!({"security_group_rule": {"security_group_id": gid, "direction": "ingress", "protocol": "tcp", "port_range_min": "80", "port_range_max": "80", "remote_ip_prefix": "10.0.0.0/8"}}),
            200,
            "security_group_rule",
        )
        .await;
    assert_eq!((r["port_range_min"].as_u64(), r["ethertype"].as_str()), (Some(80), Some("IPv4")));
    let o = api.get(&format!("/v1/{{pid}}/security-group-rules?security_group_id={gid}")).await;
    assert_eq!(o.body["security_group_rules"].as_array().unwrap().len(), 5);
    let o = api.get("/v1/{pid}/security-group-rules?remote_ip_prefix=10.0.0.0/8").await;
    assert_eq!(o.body["security_group_rules"].as_array().unwrap().len(), 1);
    assert_eq!(api.get("/v1/{pid}/security-group-rules?remote_ip_prefix=x").await.code, "VPC.0601");
    assert_eq!(api.get(&format!("/v1/{{pid}}/security-group-rules/{}", id(&r))).await.status, 200);
    let o = api.get("/v1/{pid}/security-groups").await;
    assert_eq!(o.body["security_groups"].as_array().unwrap().len(), 2, "default and sg-01");
    assert_eq!(api.get("/v1/{pid}/security-groups/nope").await.code, "VPC.0603");

    // Batch port association (v2.0).
    let (_, sid) = api.vpc_with_subnet("192.168.0.0/16", "192.168.4.0/24", "192.168.4.1").await;
    let port = id(&api.create("/v2.0/ports", json!({"port": {"network_id": sid}}), 201, "port").await);
    let path = format!("/v2.0/{{pid}}/security-groups/{gid}/instance/action");
    let o = api.post(&path, json!({"ports": [{"id": port}, {"id": "ghost"}], "action": "add"})).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["fail"].as_array().unwrap().len(), 1);
    assert_eq!(o.body["fail"][0]["error_code"], "VPC.0608");
    assert_eq!(api.get(&format!("/v2.0/ports/{port}")).await.body["port"]["security_groups"].as_array().unwrap().len(), 2);
    let o = api.delete(&format!("/v1/{{pid}}/security-groups/{gid}")).await;
    assert_eq!(o.status, 409, "used by a port");
    assert_eq!(api.post(&path, json!({"ports": [{"id": port}], "action": "jump"})).await.code, "VPC.0606");
    assert_eq!(api.post(&path, json!({"ports": [], "action": "add"})).await.code, "VPC.0606");
    let many: Vec<_> = (0..21).map(|i| json!({"id": format!("p{i}")})).collect();
    assert_eq!(api.post(&path, json!({"ports": many, "action": "add"})).await.code, "VPC.0609");
    let o = api.post(&path, json!({"ports": [{"id": port}], "action": "remove"})).await;
    assert_eq!(o.body["fail"], json!([]));
    let default = api.get("/v2.0/security-groups?name=default").await.body["security_groups"][0]["id"].as_str().unwrap().to_string();
    let o = api
        .post(&format!("/v2.0/{{pid}}/security-groups/{default}/instance/action"), json!({"ports": [{"id": port}], "action": "remove"}))
        .await;
    assert_eq!(o.body["fail"][0]["error_code"], "VPC.0607", "a port keeps at least one group");

    assert_eq!(api.delete(&format!("/v1/{{pid}}/security-group-rules/{}", id(&r))).await.status, 204);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/security-groups/{gid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v1/{{pid}}/security-groups/{gid}")).await.status, 404);
}

#[tokio::test]
async fn quotas_report_usage() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let o = api.get("/v1/{pid}/quotas").await;
    let res = o.body["quotas"]["resources"].as_array().unwrap();
    assert_eq!(res.len(), 18);
    let line = |t: &str| res.iter().find(|r| r["type"] == t).unwrap().clone();
    assert_eq!((line("vpc")["used"].as_u64(), line("vpc")["quota"].as_u64()), (Some(1), Some(150)));
    assert_eq!(line("subnet")["used"], 1);
    assert_eq!(line("securityGroup")["used"], 1, "the default group");
    assert_eq!(line("securityGroupRule")["used"], 4);
    let o = api.get("/v1/{pid}/quotas?type=publicIp").await;
    assert_eq!(o.body["quotas"]["resources"].as_array().unwrap().len(), 1);
    let o = api.get("/v1/{pid}/quotas?type=bogus").await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.1207"));
}

#[tokio::test]
async fn vpc_names_free_up_on_rename_and_delete_and_pages_stay_in_the_project() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let vpc = |name: &str| json!({"vpc": {"name": name, "cidr": "10.0.0.0/16"}});
    let a = api.create("/v1/{pid}/vpcs", vpc("a"), 200, "vpc").await;
    assert_eq!(api.post("/v1/{pid}/vpcs", vpc("a")).await.code, "VPC.0115");
    assert_eq!(api.put(&format!("/v1/{{pid}}/vpcs/{}", id(&a)), json!({"vpc": {"name": "b"}})).await.status, 200);
    let a2 = api.create("/v1/{pid}/vpcs", vpc("a"), 200, "vpc").await;
    assert_eq!(api.post("/v1/{pid}/vpcs", vpc("b")).await.code, "VPC.0115");
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{}", id(&a))).await.status, 204);
    api.create("/v1/{pid}/vpcs", vpc("b"), 200, "vpc").await;
    // The same name in another project is no clash.
    let other = Api::new(&emu, "eu-nl").await;
    let foreign = other.create("/v1/{pid}/vpcs", vpc("a"), 200, "vpc").await;
    // Pages in creation order; another project's VPC is no marker.
    let names = |o: &crate::netkit::Out| o.body["vpcs"].as_array().unwrap().iter().map(|v| v["name"].clone()).collect::<Vec<_>>();
    assert_eq!(names(&api.get("/v1/{pid}/vpcs").await), [json!("a"), json!("b")]);
    assert_eq!(names(&api.get(&format!("/v1/{{pid}}/vpcs?marker={}", id(&a2))).await), [json!("b")]);
    assert_eq!(api.get(&format!("/v1/{{pid}}/vpcs?marker={}", id(&foreign))).await.code, "VPC.0101");
}
