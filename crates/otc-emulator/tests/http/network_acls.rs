//! VPC v3 network ACLs (`/v3/{project_id}/vpc/firewalls`): every
//! operation, rule ordering and validation, subnet association with its
//! hold, dry runs, statuses and isolation.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::{json, Value};

const ACLS: &str = "/v3/{pid}/vpc/firewalls";

fn rule_ids(acl: &Value, dir: &str) -> Vec<String> {
    acl[dir].as_array().unwrap().iter().map(id).collect()
}

fn tcp(name: &str) -> Value {
    json!({"name": name, "action": "allow", "protocol": "tcp", "ip_version": "4", "source_ip_address": "192.168.12.0/24",
        "destination_port": "30-40,60-90"})
}

#[tokio::test]
async fn network_acls_lifecycle_rules_and_subnets() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, net) = api.vpc_with_subnet("10.70.0.0/16", "10.70.1.0/24", "10.70.1.1").await;

    let o = api.post(ACLS, json!({"firewall": {"name": "acl-1", "description": "d", "tags": [{"key": "k", "value": "v"}]}})).await;
    assert_eq!(o.status, 201, "{}", o.body);
    assert!(o.body["request_id"].is_string());
    let a = o.body["firewall"].clone();
    assert_eq!(
        (a["status"].as_str(), a["admin_state_up"].as_bool(), a["enterprise_project_id"].as_str()),
        (Some("INACTIVE"), Some(true), Some("0"))
    );
    assert_eq!((a["ingress_rules"].clone(), a["associations"].clone()), (json!([]), json!([])));
    assert!(a["created_at"].as_str().unwrap().ends_with(".000+00:00"), "{a}");
    assert_eq!(a["tags"], json!([{"key": "k", "value": "v"}]));
    let aid = id(&a);
    let at = |op: &str| format!("{ACLS}/{aid}/{op}");

    // Dry run: checked, nothing made.
    let o = api.post(ACLS, json!({"firewall": {"name": "dry"}, "dry_run": true})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(api.get(ACLS).await.body["firewalls"].as_array().unwrap().len(), 1);

    // Insert at the head, then after a given rule; one direction at a time.
    let o = api.put(&at("insert-rules"), json!({"firewall": {"ingress_rules": [tcp("a"), tcp("b")]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let r = o.body["firewall"]["ingress_rules"].clone();
    assert_eq!((r[0]["name"].as_str(), r[0]["ip_version"].as_u64(), r[0]["enabled"].as_bool()), (Some("a"), Some(4), Some(true)));
    assert_eq!((r[0]["destination_port"].as_str(), r[0]["project_id"].as_str()), (Some("30-40,60-90"), Some(api.pid.as_str())));
    let (ra, rb) = (id(&r[0]), id(&r[1]));
    let o = api.put(&at("insert-rules"), json!({"firewall": {"ingress_rules": [tcp("c")], "insert_after_rule": ra}})).await;
    let ing = rule_ids(&o.body["firewall"], "ingress_rules");
    assert_eq!((ing[0].as_str(), ing[2].as_str()), (ra.as_str(), rb.as_str()));
    let rc = ing[1].clone();
    let o = api
        .put(&at("insert-rules"), json!({"firewall": {"egress_rules": [{"action": "deny", "protocol": "icmpv6", "ip_version": 6}]}}))
        .await;
    assert_eq!(o.body["firewall"]["egress_rules"].as_array().unwrap().len(), 1);
    let egress = id(&o.body["firewall"]["egress_rules"][0]);

    for (body, status, code) in [
        (json!({"ingress_rules": [tcp("x")], "egress_rules": [tcp("y")]}), 400, "VPC.9901"),
        (json!({}), 400, "VPC.9901"),
        (json!({"ingress_rules": [tcp("x")], "insert_after_rule": egress}), 404, "VPC.9904"),
        (json!({"ingress_rules": [{"protocol": "tcp", "ip_version": 4}]}), 400, "VPC.9901"),
        (json!({"ingress_rules": [{"action": "allow", "ip_version": 4}]}), 400, "VPC.9901"),
        (json!({"ingress_rules": [{"action": "allow", "protocol": "tcp"}]}), 400, "VPC.9901"),
        (json!({"ingress_rules": [{"action": "permit", "protocol": "tcp", "ip_version": 4}]}), 400, "VPC.9901"),
        (json!({"ingress_rules": [{"action": "allow", "protocol": "gre", "ip_version": 4}]}), 400, "VPC.9901"),
        (json!({"ingress_rules": [{"action": "allow", "protocol": "icmp", "ip_version": 6}]}), 400, "VPC.9901"),
        (json!({"ingress_rules": [{"action": "allow", "protocol": "icmp", "ip_version": 4, "destination_port": "80"}]}), 400, "VPC.9901"),
        (
            json!({"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 4, "destination_port": "20-30,25"}]}),
            400,
            "VPC.9901",
        ),
        (json!({"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 4, "destination_port": "0"}]}), 400, "VPC.9901"),
        (
            json!({"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 6, "source_ip_address": "10.0.0.0/8"}]}),
            400,
            "VPC.9901",
        ),
        (
            json!({"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 4, "source_ip_address": "nowhere"}]}),
            400,
            "VPC.9901",
        ),
        (
            json!({"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 4, "source_address_group_id": "3b4c6a5e-0f5d-4d1c-9e36-1f2b3c4d5e6f"}]}),
            404,
            "VPC.9904",
        ),
        (json!({"ingress_rules": [{"action": "allow", "protocol": "tcp", "ip_version": 4, "colour": "red"}]}), 400, "VPC.9901"),
    ] {
        let o = api.put(&at("insert-rules"), json!({ "firewall": body.clone() })).await;
        assert_eq!((o.status, o.code.as_str()), (status, code), "{body}: {}", o.body);
    }
    let shown = api.get(&format!("{ACLS}/{aid}")).await.body["firewall"].clone();
    assert_eq!(rule_ids(&shown, "ingress_rules").len(), 3, "refusals change nothing");

    // Update one rule at a time, merged and re-checked.
    let o =
        api.put(&at("update-rules"), json!({"firewall": {"ingress_rules": [{"id": rc, "action": "deny", "destination_port": ""}]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let c = &o.body["firewall"]["ingress_rules"][1];
    assert_eq!((c["action"].as_str(), c["destination_port"].is_null(), c["name"].as_str()), (Some("deny"), true, Some("c")));
    let o = api.put(&at("update-rules"), json!({"firewall": {"ingress_rules": [{"id": rc, "protocol": "icmp", "ip_version": 6}]}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"), "{}", o.body);
    let o = api.put(&at("update-rules"), json!({"firewall": {"ingress_rules": [{"id": ra}, {"id": rb}]}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"));
    let o = api.put(&at("update-rules"), json!({"firewall": {"egress_rules": [{"id": ra, "action": "deny"}]}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"), "the rule is inbound: {}", o.body);

    // Remove.
    let o = api.put(&at("remove-rules"), json!({"firewall": {"ingress_rules": [{"id": ra}]}})).await;
    assert_eq!(rule_ids(&o.body["firewall"], "ingress_rules"), [rc.clone(), rb.clone()]);
    let o = api.put(&at("remove-rules"), json!({"firewall": {"ingress_rules": [{"id": ra}]}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"));

    // Subnets: associated ACLs are ACTIVE; a subnet is in one ACL and held by it.
    let o = api.put(&at("associate-subnets"), json!({"subnets": [{"virsubnet_id": net}], "dry_run": true})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let o = api.put(&at("associate-subnets"), json!({"subnets": [{"virsubnet_id": net}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(
        (o.body["firewall"]["status"].as_str(), o.body["firewall"]["associations"].clone()),
        (Some("ACTIVE"), json!([{"virsubnet_id": net}]))
    );
    let other = id(&api.create(ACLS, json!({"firewall": {"name": "acl-2"}}), 201, "firewall").await);
    let o = api.put(&format!("{ACLS}/{other}/associate-subnets"), json!({"subnets": [{"virsubnet_id": net}]})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.9902"), "{}", o.body);
    for body in
        [json!({"subnets": [{"virsubnet_id": "3b4c6a5e-0f5d-4d1c-9e36-1f2b3c4d5e6f"}]}), json!({"subnets": []}), json!({"subnet": 1})]
    {
        let o = api.put(&format!("{ACLS}/{other}/associate-subnets"), body.clone()).await;
        assert!(o.status == 400 || o.status == 404, "{body}: {}", o.body);
        assert!(o.code.starts_with("VPC.99"), "{body}: {}", o.body);
    }
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    let o = api.delete(&format!("{ACLS}/{aid}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.9902"));

    // List (no rule lists), filters, pages; update.
    let o = api.get(&format!("{ACLS}?status=ACTIVE")).await;
    let list = o.body["firewalls"].as_array().unwrap().clone();
    assert_eq!((list.len(), list[0]["id"].as_str()), (1, Some(aid.as_str())));
    assert!(list[0].get("ingress_rules").is_none() && o.body["page_info"].is_object(), "{}", o.body);
    let o = api.get(&format!("{ACLS}?limit=1")).await;
    assert_eq!(o.body["firewalls"].as_array().unwrap().len(), 1);
    let o = api.put(&format!("{ACLS}/{aid}"), json!({"firewall": {"name": "acl-renamed", "admin_state_up": false}})).await;
    assert_eq!((o.status, o.body["firewall"]["name"].as_str()), (200, Some("acl-renamed")));
    for body in [
        json!({"firewall": {"name": "bad name!"}}),
        json!({"firewall": {"description": "<b>"}}),
        json!({"firewall": {"admin_state_up": "no"}}),
        json!({"x": {}}),
    ] {
        let o = api.put(&format!("{ACLS}/{aid}"), body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"), "{body}: {}", o.body);
    }

    // Disassociate, then the subnet and the ACL can go.
    let o = api.put(&at("disassociate-subnets"), json!({"subnets": [{"virsubnet_id": net}]})).await;
    assert_eq!(o.body["firewall"]["status"], "INACTIVE");
    let o = api.put(&at("disassociate-subnets"), json!({"subnets": [{"virsubnet_id": net}]})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await.status, 204);
    assert_eq!(api.delete(&format!("{ACLS}/{aid}")).await.status, 204);
    let o = api.get(&format!("{ACLS}/{aid}")).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"));
}

#[tokio::test]
async fn network_acl_create_validation_and_quota() {
    let emu = Emu::with({
        let mut c = config();
        c.network.quotas.firewall = 2;
        c
    })
    .await;
    let api = Api::new(&emu, "eu-de").await;
    for body in [
        json!({"firewall": {}}),
        json!({"firewall": {"name": ""}}),
        json!({"firewall": {"name": "a b"}}),
        json!({"firewall": {"name": "n".repeat(65)}}),
        json!({"firewall": {"name": "ok", "description": "<x>"}}),
        json!({"firewall": {"name": "ok", "enterprise_project_id": "ep"}}),
        json!({"firewall": {"name": "ok", "tags": [{"key": "a b", "value": "v"}]}}),
        json!({"firewall": {"name": "ok", "admin_state_up": "yes"}}),
        json!({"firewall": "ok"}),
        json!([]),
    ] {
        let o = api.post(ACLS, body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"), "{body}: {}", o.body);
    }
    // ACLs and FWaaS groups share the `firewall` quota.
    api.create(ACLS, json!({"firewall": {"name": "one"}}), 201, "firewall").await;
    api.create("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {}}), 201, "firewall_group").await;
    let o = api.post(ACLS, json!({"firewall": {"name": "three"}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.9905"), "{}", o.body);
    let o = api.post("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {}})).await;
    assert_eq!(o.status, 409);
}

#[tokio::test]
async fn network_acls_are_per_project_and_region() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (_, net) = de.vpc_with_subnet("10.71.0.0/16", "10.71.1.0/24", "10.71.1.1").await;
    let aid = id(&de.create(ACLS, json!({"firewall": {"name": "acl"}}), 201, "firewall").await);
    assert_eq!(nl.get(ACLS).await.body["firewalls"], json!([]));
    for (m, path) in [("GET", format!("{ACLS}/{aid}")), ("PUT", format!("{ACLS}/{aid}")), ("DELETE", format!("{ACLS}/{aid}"))] {
        let o = nl.req(m.parse().unwrap(), &path, Some(json!({"firewall": {"name": "x"}}))).await;
        assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"), "{m}");
    }
    let o = nl.put(&format!("{ACLS}/{aid}/insert-rules"), json!({"firewall": {"ingress_rules": [tcp("x")]}})).await;
    assert_eq!(o.status, 404);
    // Nor can another project's ACL take this project's subnet.
    let theirs = id(&nl.create(ACLS, json!({"firewall": {"name": "acl"}}), 201, "firewall").await);
    let o = nl.put(&format!("{ACLS}/{theirs}/associate-subnets"), json!({"subnets": [{"virsubnet_id": net}]})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"), "{}", o.body);
    assert_eq!(de.get(&format!("{ACLS}/{aid}")).await.body["firewall"]["name"], "acl");
}

#[tokio::test]
async fn network_acl_tags() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let a =
        id(&api.create(ACLS, json!({"firewall": {"name": "web-acl", "tags": [{"key": "env", "value": "prod"}]}}), 201, "firewall").await);
    let b = id(&api.create(ACLS, json!({"firewall": {"name": "db-acl"}}), 201, "firewall").await);
    let tags = |id: &str| format!("/v3/{{pid}}/firewalls/{id}/tags");

    // One tag: overwrites a key's value.
    let o = api.post(&tags(&a), json!({"tag": {"key": "env", "value": "test"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = api.post(&tags(&b), json!({"tag": {"key": "env", "value": "prod"}})).await;
    assert_eq!(o.status, 204);
    let o = api.get(&tags(&a)).await;
    assert_eq!((o.status, o.body["tags"].clone()), (200, json!([{"key": "env", "value": "test"}])));
    assert!(o.body["request_id"].is_string());
    // The ACL API shows the same tags.
    assert_eq!(api.get(&format!("{ACLS}/{a}")).await.body["firewall"]["tags"], json!([{"key": "env", "value": "test"}]));

    // Batch create refuses a key twice; batch delete ignores missing tags.
    let o =
        api.post(&format!("{}/create", tags(&a)), json!({"tags": [{"key": "team", "value": "x"}, {"key": "team", "value": "y"}]})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"));
    let o =
        api.post(&format!("{}/create", tags(&a)), json!({"tags": [{"key": "team", "value": "net"}, {"key": "tier", "value": "1"}]})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    assert_eq!(api.get(&tags(&a)).await.body["tags"].as_array().unwrap().len(), 3);
    let o = api.post(&format!("{}/delete", tags(&a)), json!({"tags": [{"key": "tier"}, {"key": "no such key!", "value": ""}]})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    assert_eq!(api.get(&tags(&a)).await.body["tags"].as_array().unwrap().len(), 2);

    // Deleting one key: 204, then 404.
    assert_eq!(api.delete(&format!("{}/team", tags(&a))).await.status, 204);
    let o = api.delete(&format!("{}/team", tags(&a))).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"));

    for body in [
        json!({"tag": {"key": "", "value": "v"}}),
        json!({"tag": {"key": "a b", "value": "v"}}),
        json!({"tag": {"key": "k", "value": "v.1"}}),
        json!({"tag": {"key": "k".repeat(129), "value": "v"}}),
        json!({"tag": {"key": "k"}}),
        json!({"tag": "k"}),
        json!({}),
    ] {
        let o = api.post(&tags(&a), body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"), "{body}: {}", o.body);
    }
    let many: Vec<Value> = (0..20).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect();
    let o = api.post(&format!("{}/create", tags(&b)), json!({ "tags": many })).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"), "21 tags: {}", o.body);
    assert_eq!(api.get(&tags(&b)).await.body["tags"].as_array().unwrap().len(), 1, "refusals change nothing");

    // Project-wide keys and values.
    let o = api.get("/v3/{pid}/firewalls/tags").await;
    assert_eq!(o.body["tags"], json!([{"key": "env", "values": ["test", "prod"]}]), "{}", o.body);
    assert_eq!(o.body["total_count"], 1);
    assert_eq!(api.get("/v3/{pid}/firewalls/tags?limit=0").await.status, 400);

    // Filter and count.
    let filter = "/v3/{pid}/firewalls/resource-instances/filter";
    let o = api.post(filter, json!({"tags": [{"key": "env", "values": ["prod"]}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["total_count"].as_u64(), o.body["resources"][0]["resource_id"].as_str()), (Some(1), Some(b.as_str())));
    assert_eq!(o.body["resources"][0]["resource_name"], "db-acl");
    let o = api.post(filter, json!({"tags": [{"key": "env", "values": []}], "matches": [{"key": "resource_name", "value": "web"}]})).await;
    assert_eq!(o.body["resources"][0]["resource_id"], a.as_str());
    let o = api.post(&format!("{filter}?limit=1&offset=1"), json!({})).await;
    assert_eq!((o.body["total_count"].as_u64(), o.body["resources"].as_array().unwrap().len()), (Some(2), 1));
    let o = api.post("/v3/{pid}/firewalls/resource-instances/count", json!({"tags": [{"key": "env", "values": ["prod", "test"]}]})).await;
    assert_eq!((o.status, o.body["total_count"].as_u64()), (200, Some(2)));
    for (q, body) in [
        ("?limit=1001", json!({})),
        ("", json!({"matches": [{"key": "resource_id", "value": "x"}]})),
        ("", json!({"tags": [{"key": "env"}]})),
        ("", json!({"tags": "env"})),
    ] {
        let o = api.post(&format!("{filter}{q}"), body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "VPC.9901"), "{q} {body}: {}", o.body);
    }

    // Another project sees none of it.
    assert_eq!(nl.get(&tags(&a)).await.status, 404);
    assert_eq!(nl.post(&tags(&a), json!({"tag": {"key": "x", "value": "y"}})).await.status, 404);
    assert_eq!(nl.get("/v3/{pid}/firewalls/tags").await.body["tags"], json!([]));
    assert_eq!(nl.post(filter, json!({})).await.body["total_count"], 0);
    let missing = "3b4c6a5e-0f5d-4d1c-9e36-1f2b3c4d5e6f";
    let o = api.get(&tags(missing)).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.9904"));
}
