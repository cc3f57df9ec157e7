//! FWaaS v2 (`/v2.0/fwaas/...`): rules, ordered policies with
//! insert_rule/remove_rule, firewall groups on router interfaces with
//! their statuses and holds, the refusals and isolation.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::{json, Value};

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|x| x.as_str().map(String::from).unwrap_or_else(|| id(x))).collect()
}

async fn rule(api: &Api<'_>, body: Value) -> String {
    id(&api.create("/v2.0/fwaas/firewall_rules", json!({ "firewall_rule": body }), 201, "firewall_rule").await)
}

/// The router-interface port of a v1 subnet.
async fn interface_port(api: &Api<'_>, net: &str) -> String {
    let o = api.get(&format!("/v2.0/ports?network_id={net}&device_owner=network:router_interface_distributed")).await;
    id(&o.body["ports"][0])
}

#[tokio::test]
async fn firewall_rules_validation_and_rendering() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api
        .post(
            "/v2.0/fwaas/firewall_rules",
            json!({"firewall_rule": {"name": "ALLOW_HTTP", "action": "ALLOW", "protocol": "TCP", "destination_port": "80", "enabled": true}}),
        )
        .await;
    assert_eq!(o.status, 201, "{}", o.body);
    let r = o.body["firewall_rule"].clone();
    for (k, v) in [("protocol", json!("tcp")), ("action", json!("allow")), ("destination_port", json!("80")), ("ip_version", json!(4))] {
        assert_eq!(r[k], v, "{k}: {r}");
    }
    assert_eq!((r["public"].as_bool(), r["source_port"].is_null(), r["tenant_id"].as_str()), (Some(false), true, Some(api.pid.as_str())));
    assert_eq!(r["project_id"], api.pid.as_str());
    let rid = id(&r);

    // Any protocol: "any" (Terraform) or null (OSC); ip_version as a string; shared is public.
    let any =
        api.post("/v2.0/fwaas/firewall_rules", json!({"firewall_rule": {"protocol": "any", "ip_version": "6", "shared": true}})).await;
    assert_eq!(any.status, 201, "{}", any.body);
    let a = &any.body["firewall_rule"];
    assert_eq!(
        (a["protocol"].is_null(), a["ip_version"].as_u64(), a["public"].as_bool(), a["action"].as_str()),
        (true, Some(6), Some(true), Some("deny"))
    );
    let o = api
        .post(
            "/v2.0/fwaas/firewall_rules",
            json!({"firewall_rule": {"protocol": null, "source_port": "1000:2000", "destination_port": 22}}),
        )
        .await;
    assert_eq!((o.status, o.code.as_str()), (400, "FirewallRuleWithPortWithoutProtocolInvalid"));

    for (body, code) in [
        (json!({"protocol": "gre"}), "FirewallRuleInvalidProtocol"),
        (json!({"action": "reject"}), "FirewallRuleInvalidAction"),
        (json!({"protocol": "tcp", "source_port": "70000"}), "FirewallInvalidPortValue"),
        (json!({"protocol": "tcp", "source_port": "90:80"}), "FirewallInvalidPortValue"),
        (json!({"protocol": "tcp", "source_port": "x"}), "FirewallInvalidPortValue"),
        (json!({"protocol": "icmp", "destination_port": "80"}), "FirewallRuleInvalidICMPParameter"),
        (json!({"destination_port": "80"}), "FirewallRuleWithPortWithoutProtocolInvalid"),
        (json!({"source_ip_address": "2001:db8::/64"}), "FirewallIpAddressConflict"),
        (json!({"ip_version": 6, "destination_ip_address": "10.0.0.1"}), "FirewallIpAddressConflict"),
        (json!({"source_ip_address": "10.0.0.300"}), "BadRequest"),
        (json!({"ip_version": 5}), "BadRequest"),
        (json!({"enabled": "maybe"}), "BadRequest"),
        (json!({"name": "n".repeat(256)}), "BadRequest"),
        (json!({"colour": "red"}), "BadRequest"),
        (json!({"tenant_id": "someone-else"}), "BadRequest"),
        (json!({"source_firewall_group_id": "0415f554-26ed-44e7-a881-bdf4e6216e38"}), "BadRequest"),
    ] {
        let o = api.post("/v2.0/fwaas/firewall_rules", json!({ "firewall_rule": body.clone() })).await;
        assert_eq!((o.status, o.code.as_str()), (400, code), "{body}: {}", o.body);
    }
    let o = api.post("/v2.0/fwaas/firewall_rules", json!({"rule": {}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "BadRequest"));

    // Update merges and re-checks the whole rule; ranges are normalised.
    let o = api
        .put(
            &format!("/v2.0/fwaas/firewall_rules/{rid}"),
            json!({"firewall_rule": {"source_port": "1024:65535", "source_ip_address": "10.0.0.0/8"}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(
        (o.body["firewall_rule"]["source_port"].as_str(), o.body["firewall_rule"]["destination_port"].as_str()),
        (Some("1024:65535"), Some("80"))
    );
    let o = api.put(&format!("/v2.0/fwaas/firewall_rules/{rid}"), json!({"firewall_rule": {"protocol": "icmp"}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "FirewallRuleInvalidICMPParameter"), "ports stay: {}", o.body);
    let o = api
        .put(&format!("/v2.0/fwaas/firewall_rules/{rid}"), json!({"firewall_rule": {"protocol": "udp", "destination_port": "53:53"}}))
        .await;
    assert_eq!(
        (o.body["firewall_rule"]["protocol"].as_str(), o.body["firewall_rule"]["destination_port"].as_str()),
        (Some("udp"), Some("53"))
    );

    // Show, list with filters and pages.
    assert_eq!(api.get(&format!("/v2.0/fwaas/firewall_rules/{rid}")).await.body["firewall_rule"]["name"], "ALLOW_HTTP");
    let o = api.get("/v2.0/fwaas/firewall_rules?action=allow").await;
    assert_eq!(ids(&o.body, "firewall_rules"), vec![rid.clone()]);
    let o = api.get("/v2.0/fwaas/firewall_rules?limit=1").await;
    assert_eq!(o.body["firewall_rules"].as_array().unwrap().len(), 1);
    assert!(o.body["firewall_rules_links"][0]["href"].as_str().unwrap().contains("/v2.0/fwaas/firewall_rules?"), "{}", o.body);
    let missing = "0415f554-26ed-44e7-a881-bdf4e6216e38";
    for m in ["GET", "PUT", "DELETE"] {
        let o = api.req(m.parse().unwrap(), &format!("/v2.0/fwaas/firewall_rules/{missing}"), Some(json!({"firewall_rule": {}}))).await;
        assert_eq!((o.status, o.code.as_str()), (404, "FirewallRuleNotFound"), "{m}");
    }
    assert_eq!(api.delete(&format!("/v2.0/fwaas/firewall_rules/{rid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/fwaas/firewall_rules/{rid}")).await.status, 404);
}

#[tokio::test]
async fn firewall_policies_order_rules() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let [a, b, c, d] = [
        rule(&api, json!({"name": "a", "protocol": "tcp", "action": "allow"})).await,
        rule(&api, json!({"name": "b"})).await,
        rule(&api, json!({"name": "c"})).await,
        rule(&api, json!({"name": "d"})).await,
    ];
    let o =
        api.post("/v2.0/fwaas/firewall_policies", json!({"firewall_policy": {"name": "p", "firewall_rules": [a], "audited": true}})).await;
    assert_eq!(o.status, 201, "{}", o.body);
    let p = o.body["firewall_policy"].clone();
    assert_eq!((p["audited"].as_bool(), p["public"].as_bool()), (Some(true), Some(false)));
    let pid = id(&p);
    let path = |op: &str| format!("/v2.0/fwaas/firewall_policies/{pid}/{op}");

    // insert_rule answers the policy flat; before wins; "" is no position; none is the head.
    let o = api.put(&path("insert_rule"), json!({"firewall_rule_id": b, "insert_after": a, "insert_before": ""})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(ids(&o.body, "firewall_rules"), [a.clone(), b.clone()]);
    assert_eq!(o.body["audited"], false, "a change clears audited");
    let o = api.put(&path("insert_rule"), json!({"firewall_rule_id": c, "insert_before": b, "insert_after": a})).await;
    assert_eq!(ids(&o.body, "firewall_rules"), [a.clone(), c.clone(), b.clone()]);
    let o = api.put(&path("insert_rule"), json!({"firewall_rule_id": d})).await;
    assert_eq!(ids(&o.body, "firewall_rules"), [d.clone(), a.clone(), c.clone(), b.clone()]);
    let o = api.put(&path("insert_rule"), json!({"firewall_rule_id": d})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "FirewallRuleAlreadyAssociated"));
    let o = api.put(&path("insert_rule"), json!({})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "FirewallRuleInfoMissing"));
    let e = rule(&api, json!({"name": "e"})).await;
    let o = api.put(&path("insert_rule"), json!({"firewall_rule_id": e, "insert_after": "0415f554-26ed-44e7-a881-bdf4e6216e38"})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "FirewallRuleNotAssociatedWithPolicy"));
    let o = api.put(&path("insert_rule"), json!({"firewall_rule_id": "0415f554-26ed-44e7-a881-bdf4e6216e38"})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "FirewallRuleNotFound"));

    // remove_rule.
    let o = api.put(&path("remove_rule"), json!({"firewall_rule_id": c})).await;
    assert_eq!((o.status, ids(&o.body, "firewall_rules")), (200, vec![d.clone(), a.clone(), b.clone()]));
    let o = api.put(&path("remove_rule"), json!({"firewall_rule_id": c})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "FirewallRuleNotAssociatedWithPolicy"));
    let o = api.put(&path("remove_rule"), json!({"firewall_rule_id": ""})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "FirewallRuleInfoMissing"));

    // A rule in a policy cannot be deleted; a rule may sit in several policies.
    let o = api.delete(&format!("/v2.0/fwaas/firewall_rules/{a}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "FirewallRuleInUse"));
    let o = api.post("/v2.0/fwaas/firewall_policies", json!({"firewall_policy": {"name": "q", "firewall_rules": [a, e]}})).await;
    assert_eq!(o.status, 201, "{}", o.body);
    let qid = id(&o.body["firewall_policy"]);
    for body in [
        json!({"firewall_policy": {"firewall_rules": [a, a]}}),
        json!({"firewall_policy": {"firewall_rules": "a"}}),
        json!({"firewall_policy": {"audited": "sure"}}),
        json!({"firewall_policy": {"rules": []}}),
    ] {
        let o = api.put(&format!("/v2.0/fwaas/firewall_policies/{qid}"), body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "BadRequest"), "{body}: {}", o.body);
    }
    let o = api
        .put(&format!("/v2.0/fwaas/firewall_policies/{qid}"), json!({"firewall_policy": {"firewall_rules": [e, a], "name": "q2"}}))
        .await;
    assert_eq!((o.status, ids(&o.body["firewall_policy"], "firewall_rules")), (200, vec![e.clone(), a.clone()]));
    let o = api
        .put(
            &format!("/v2.0/fwaas/firewall_policies/{qid}"),
            json!({"firewall_policy": {"firewall_rules": ["0415f554-26ed-44e7-a881-bdf4e6216e38"]}}),
        )
        .await;
    assert_eq!((o.status, o.code.as_str()), (404, "FirewallRuleNotFound"));
    let o = api.get("/v2.0/fwaas/firewall_policies?name=q2").await;
    assert_eq!(ids(&o.body, "firewall_policies"), vec![qid.clone()]);
    assert_eq!(api.get(&format!("/v2.0/fwaas/firewall_policies/{qid}")).await.body["firewall_policy"]["name"], "q2");

    // Changing a rule clears its policies' audit.
    api.put(&format!("/v2.0/fwaas/firewall_policies/{qid}"), json!({"firewall_policy": {"audited": true}})).await;
    api.put(&format!("/v2.0/fwaas/firewall_rules/{e}"), json!({"firewall_rule": {"name": "e2"}})).await;
    assert_eq!(api.get(&format!("/v2.0/fwaas/firewall_policies/{qid}")).await.body["firewall_policy"]["audited"], false);

    assert_eq!(api.delete(&format!("/v2.0/fwaas/firewall_policies/{qid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/fwaas/firewall_policies/{qid}")).await.code, "FirewallPolicyNotFound");
}

#[tokio::test]
async fn firewall_groups_bind_router_interfaces() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, net) = api.vpc_with_subnet("10.60.0.0/16", "10.60.1.0/24", "10.60.1.1").await;
    let iface = interface_port(&api, &net).await;
    let r = rule(&api, json!({"protocol": "tcp", "destination_port": "22", "action": "allow"})).await;
    let pol = id(&api
        .create("/v2.0/fwaas/firewall_policies", json!({"firewall_policy": {"name": "p", "firewall_rules": [r]}}), 201, "firewall_policy")
        .await);

    // Without ports a group is INACTIVE.
    let g = api.create("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {"name": "idle"}}), 201, "firewall_group").await;
    assert_eq!((g["status"].as_str(), g["admin_state_up"].as_bool(), g["ports"].clone()), (Some("INACTIVE"), Some(true), json!([])));
    assert!(g["ingress_firewall_policy_id"].is_null() && g["created_at"].is_string(), "{g}");
    let idle = id(&g);

    // With ports: PENDING_CREATE in the answer, ACTIVE once read.
    let body =
        json!({"firewall_group": {"name": "fw", "ingress_firewall_policy_id": pol, "egress_firewall_policy_id": pol, "ports": [iface]}});
    let g = api.create("/v2.0/fwaas/firewall_groups", body, 201, "firewall_group").await;
    assert_eq!(g["status"], "PENDING_CREATE");
    let gid = id(&g);
    let shown = api.get(&format!("/v2.0/fwaas/firewall_groups/{gid}")).await.body["firewall_group"].clone();
    assert_eq!((shown["status"].as_str(), shown["ingress_firewall_policy_id"].as_str()), (Some("ACTIVE"), Some(pol.as_str())));

    // A port is in one group only, and must be a router interface.
    let o = api.put(&format!("/v2.0/fwaas/firewall_groups/{idle}"), json!({"firewall_group": {"ports": [iface]}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "FirewallGroupPortInUse"), "{}", o.body);
    let plain = id(&api.create("/v2.0/ports", json!({"port": {"network_id": net}}), 201, "port").await);
    let o = api.put(&format!("/v2.0/fwaas/firewall_groups/{idle}"), json!({"firewall_group": {"ports": [plain]}})).await;
    assert_eq!((o.status, o.code.as_str()), (400, "FirewallGroupPortInvalid"), "{}", o.body);
    for (body, status, code) in [
        (json!({"ports": ["0415f554-26ed-44e7-a881-bdf4e6216e38"]}), 404, "PortNotFound"),
        (json!({"ingress_firewall_policy_id": "0415f554-26ed-44e7-a881-bdf4e6216e38"}), 404, "FirewallPolicyNotFound"),
        (json!({"ports": "x"}), 400, "BadRequest"),
        (json!({"admin_state_up": "nope"}), 400, "BadRequest"),
        (json!({"status": "ACTIVE"}), 400, "BadRequest"),
    ] {
        let o = api.put(&format!("/v2.0/fwaas/firewall_groups/{idle}"), json!({ "firewall_group": body.clone() })).await;
        assert_eq!((o.status, o.code.as_str()), (status, code), "{body}: {}", o.body);
    }
    assert_eq!(
        api.get(&format!("/v2.0/fwaas/firewall_groups/{idle}")).await.body["firewall_group"]["ports"],
        json!([]),
        "refusals change nothing"
    );

    // The policy in use and the bound interface and subnet are held.
    let o = api.delete(&format!("/v2.0/fwaas/firewall_policies/{pol}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "FirewallPolicyInUse"));
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    let o = api.put(&format!("/v2.0/routers/{vpc}/remove_router_interface"), json!({"port_id": iface})).await;
    assert_eq!(o.status, 409, "{}", o.body);

    // Update: PENDING_UPDATE, then ACTIVE; unbinding makes it INACTIVE and frees the port.
    let o = api
        .put(&format!("/v2.0/fwaas/firewall_groups/{gid}"), json!({"firewall_group": {"name": "fw2", "egress_firewall_policy_id": null}}))
        .await;
    assert_eq!((o.status, o.body["firewall_group"]["status"].as_str()), (200, Some("PENDING_UPDATE")), "{}", o.body);
    assert!(o.body["firewall_group"]["egress_firewall_policy_id"].is_null());
    let o = api.get("/v2.0/fwaas/firewall_groups?status=ACTIVE").await;
    assert_eq!(ids(&o.body, "firewall_groups"), vec![gid.clone()]);
    let o = api.put(&format!("/v2.0/fwaas/firewall_groups/{gid}"), json!({"firewall_group": {"ports": []}})).await;
    assert_eq!(o.body["firewall_group"]["status"], "INACTIVE");
    let o = api.put(&format!("/v2.0/fwaas/firewall_groups/{idle}"), json!({"firewall_group": {"ports": [iface]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);

    // Deleting a bound group releases its port.
    assert_eq!(api.delete(&format!("/v2.0/fwaas/firewall_groups/{idle}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/fwaas/firewall_groups/{idle}")).await.code, "FirewallGroupNotFound");
    assert_eq!(api.delete(&format!("/v2.0/fwaas/firewall_groups/{gid}")).await.status, 204);
    assert_eq!(api.delete(&format!("/v2.0/fwaas/firewall_policies/{pol}")).await.status, 204);
    assert_eq!(api.delete(&format!("/v2.0/ports/{plain}")).await.status, 204);
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await;
    assert_eq!(o.status, 204, "{}", o.body);
    assert_eq!(api.get("/v2.0/fwaas/firewall_groups").await.body["firewall_groups"], json!([]));
}

#[tokio::test]
async fn firewall_groups_quota_and_extension() {
    let emu = Emu::with({
        let mut c = config();
        c.network.quotas.firewall = 1;
        c
    })
    .await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api.get("/v2.0/extensions/fwaas_v2").await;
    assert_eq!(o.status, 200, "{}", o.body);
    api.create("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {}}), 201, "firewall_group").await;
    let o = api.post("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {}})).await;
    assert_eq!((o.status, o.code.as_str()), (409, "OverQuota"), "{}", o.body);
    let q = api.get("/v1/{pid}/quotas?type=firewall").await;
    let line = q.body["quotas"]["resources"].as_array().unwrap().iter().find(|r| r["type"] == "firewall").cloned().unwrap();
    assert_eq!((line["used"].as_i64(), line["quota"].as_i64()), (Some(1), Some(1)), "{line}");
}

#[tokio::test]
async fn firewalls_are_per_project_and_region() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (_, net) = de.vpc_with_subnet("10.61.0.0/16", "10.61.1.0/24", "10.61.1.1").await;
    let iface = interface_port(&de, &net).await;
    let r = rule(&de, json!({"name": "r"})).await;
    let p =
        id(&de.create("/v2.0/fwaas/firewall_policies", json!({"firewall_policy": {"firewall_rules": [r]}}), 201, "firewall_policy").await);
    let g = id(&de.create("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {"ports": [iface]}}), 201, "firewall_group").await);

    for (coll, one) in [("firewall_rules", &r), ("firewall_policies", &p), ("firewall_groups", &g)] {
        assert_eq!(nl.get(&format!("/v2.0/fwaas/{coll}")).await.body[coll], json!([]), "{coll}");
        assert_eq!(nl.get(&format!("/v2.0/fwaas/{coll}/{one}")).await.status, 404, "{coll}");
        assert_eq!(nl.delete(&format!("/v2.0/fwaas/{coll}/{one}")).await.status, 404, "{coll}");
    }
    // Another project can use neither the rule, the policy nor the port.
    let o = nl.post("/v2.0/fwaas/firewall_policies", json!({"firewall_policy": {"firewall_rules": [r]}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "FirewallRuleNotFound"));
    let o = nl.post("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {"ingress_firewall_policy_id": p}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "FirewallPolicyNotFound"));
    let o = nl.post("/v2.0/fwaas/firewall_groups", json!({"firewall_group": {"ports": [iface]}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "PortNotFound"));
    let o = nl.put(&format!("/v2.0/fwaas/firewall_policies/{p}/remove_rule"), json!({"firewall_rule_id": r})).await;
    assert_eq!(o.status, 404);
    assert_eq!(de.get(&format!("/v2.0/fwaas/firewall_policies/{p}")).await.body["firewall_policy"]["firewall_rules"], json!([r]));
}
