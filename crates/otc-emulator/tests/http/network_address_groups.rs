//! VPC v3 IP address groups: every operation, the `VPC.99xx` codes, the
//! capacity and quota, use by network ACL rules (refused delete, force
//! delete), dry runs and isolation.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::json;

const AGS: &str = "/v3/{pid}/vpc/address-groups";

#[tokio::test]
async fn address_groups_lifecycle_and_validation() {
    let emu = Emu::with({
        let mut c = config();
        c.network.quotas.address_group = 2;
        c
    })
    .await;
    let api = Api::new(&emu, "eu-de").await;
    let body = json!({"address_group": {"name": "ag-1", "description": "test", "ip_version": 4,
        "ip_set": ["192.168.5.0/24", "192.168.3.20-192.168.3.100", "192.168.3.40"]}});
    let o = api.post(AGS, body).await;
    assert_eq!(o.status, 201, "{}", o.body);
    let g = o.body["address_group"].clone();
    assert_eq!((g["status"].as_str(), g["max_capacity"].as_u64(), g["ip_version"].as_u64()), (Some("NORMAL"), Some(20), Some(4)));
    assert_eq!(g["ip_set"], json!(["192.168.5.0/24", "192.168.3.20-192.168.3.100", "192.168.3.40"]));
    assert_eq!(g["ip_extra_set"][1], json!({"ip": "192.168.3.20-192.168.3.100", "remarks": null}));
    assert_eq!(g["tenant_id"], api.pid.as_str());
    let gid = id(&g);

    for (body, status, code) in [
        (json!({"address_group": {"ip_version": 4}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "x"}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "x", "ip_version": 5}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "bad name", "ip_version": 4}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "x", "ip_version": 4, "ip_set": ["10.0.0.1", "10.0.0.1"]}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "x", "ip_version": 4, "ip_set": ["10.0.0.300"]}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "x", "ip_version": 4, "ip_set": ["10.0.0.9-10.0.0.1"]}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "x", "ip_version": 4, "ip_set": ["2001:db8::1"]}}), 400, "VPC.9901"),
        (
            json!({"address_group": {"name": "x", "ip_version": 4, "ip_set": ["10.0.0.1"], "ip_extra_set": [{"ip": "10.0.0.2"}]}}),
            400,
            "VPC.9901",
        ),
        (json!({"address_group": {"name": "x", "ip_version": 4, "max_capacity": 21}}), 400, "VPC.9901"),
        (json!({"address_group": {"name": "x", "ip_version": 4, "max_capacity": 1, "ip_set": ["10.0.0.1", "10.0.0.2"]}}), 409, "VPC.9905"),
        (json!({"address_group": "x"}), 400, "VPC.9901"),
    ] {
        let o = api.post(AGS, body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (status, code), "{body}: {}", o.body);
    }
    let o = api.post(AGS, json!({"address_group": {"name": "dry", "ip_version": 6}, "dry_run": true})).await;
    assert_eq!(o.status, 202);
    assert_eq!(api.get(AGS).await.body["address_groups"].as_array().unwrap().len(), 1, "refusals and dry runs change nothing");

    // v6 with remarks; then the quota (2 here, 50 by default).
    let o = api
        .post(AGS, json!({"address_group": {"name": "ag-6", "ip_version": 6, "ip_extra_set": [{"ip": "2001:db8::/64", "remarks": "lab"}]}}))
        .await;
    assert_eq!(o.status, 201, "{}", o.body);
    assert_eq!(o.body["address_group"]["ip_extra_set"], json!([{"ip": "2001:db8::/64", "remarks": "lab"}]));
    let o = api.post(AGS, json!({"address_group": {"name": "ag-3", "ip_version": 4}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.9905"), "{}", o.body);

    // Update keeps the version: entries of the other version are refused.
    let o = api.put(&format!("{AGS}/{gid}"), json!({"address_group": {"name": "ag-renamed", "ip_set": ["10.1.0.0/16"]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(
        (o.body["address_group"]["name"].as_str(), o.body["address_group"]["ip_set"].clone()),
        (Some("ag-renamed"), json!(["10.1.0.0/16"]))
    );
    let o = api.put(&format!("{AGS}/{gid}"), json!({"address_group": {"ip_set": ["2001:db8::1"]}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"), "{}", o.body);
    let o = api.put(&format!("{AGS}/{gid}"), json!({"address_group": {"max_capacity": 0}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.9905"), "{}", o.body);
    assert_eq!(api.get(&format!("{AGS}/{gid}")).await.body["address_group"]["max_capacity"], 20);

    // List filters and pages.
    let o = api.get(&format!("{AGS}?ip_version=6")).await;
    assert_eq!(o.body["address_groups"].as_array().unwrap().len(), 1);
    assert!(o.body["page_info"].is_object());
    let o = api.get(&format!("{AGS}?name=ag-renamed&limit=1")).await;
    assert_eq!(o.body["address_groups"][0]["id"], gid.as_str());

    let missing = "3b4c6a5e-0f5d-4d1c-9e36-1f2b3c4d5e6f";
    for (m, path) in [
        ("GET", format!("{AGS}/{missing}")),
        ("PUT", format!("{AGS}/{missing}")),
        ("DELETE", format!("{AGS}/{missing}")),
        ("DELETE", format!("{AGS}/{missing}/force")),
    ] {
        let o = api.req(m.parse().unwrap(), &path, Some(json!({"address_group": {"name": "x"}}))).await;
        assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"), "{m} {path}");
    }
    assert_eq!(api.delete(&format!("{AGS}/{gid}")).await.status, 204);
    assert_eq!(api.get(&format!("{AGS}/{gid}")).await.status, 404);
}

#[tokio::test]
async fn address_groups_in_network_acl_rules() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let v4 = id(&api
        .create(AGS, json!({"address_group": {"name": "v4", "ip_version": 4, "ip_set": ["10.0.0.0/8"]}}), 201, "address_group")
        .await);
    let v6 = id(&api.create(AGS, json!({"address_group": {"name": "v6", "ip_version": 6}}), 201, "address_group").await);
    let acl = id(&api.create("/v3/{pid}/vpc/firewalls", json!({"firewall": {"name": "acl"}}), 201, "firewall").await);
    let insert = format!("/v3/{{pid}}/vpc/firewalls/{acl}/insert-rules");
    let rule = |g: &str| json!({"firewall": {"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 4, "source_address_group_id": g}]}});
    let o = api.put(&insert, rule(&v6)).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.9902"), "versions differ: {}", o.body);
    let o = api.put(&insert, rule(&v4)).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["firewall"]["ingress_rules"][0]["source_address_group_id"], v4.as_str());
    let o = api.put(&insert, json!({"firewall": {"egress_rules": [{"action": "deny", "protocol": "any", "ip_version": 4}]}})).await;
    assert_eq!(o.status, 200);

    // Another project can neither see nor use the group.
    let theirs = id(&nl.create("/v3/{pid}/vpc/firewalls", json!({"firewall": {"name": "acl"}}), 201, "firewall").await);
    let o = nl.put(&format!("/v3/{{pid}}/vpc/firewalls/{theirs}/insert-rules"), rule(&v4)).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"), "{}", o.body);
    assert_eq!(nl.get(AGS).await.body["address_groups"], json!([]));
    assert_eq!(nl.delete(&format!("{AGS}/{v4}/force")).await.status, 404);

    // In use: delete refused; force deletes the group and its rules only.
    let o = api.delete(&format!("{AGS}/{v4}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.9907"), "{}", o.body);
    assert_eq!(api.delete(&format!("{AGS}/{v4}/force")).await.status, 204);
    let shown = api.get(&format!("/v3/{{pid}}/vpc/firewalls/{acl}")).await.body["firewall"].clone();
    assert_eq!((shown["ingress_rules"].clone(), shown["egress_rules"].as_array().unwrap().len()), (json!([]), 1));
    assert_eq!(api.get(&format!("{AGS}/{v4}")).await.status, 404);
    assert_eq!(api.delete(&format!("{AGS}/{v6}")).await.status, 204);
}
