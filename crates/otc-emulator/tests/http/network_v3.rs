//! VPC v3 on the VPC endpoint: VPCs and secondary CIDRs, security groups
//! and rules, EIPs and the common pool; every operation, its documented
//! refusals, dry runs, pagination, what other APIs see, and isolation.

use crate::common::*;
use crate::netkit::{id, Api, Out};
use serde_json::{json, Value};

fn items<'v>(o: &'v Out, key: &str) -> &'v Vec<Value> {
    o.body[key].as_array().unwrap_or_else(|| panic!("{key} in {}", o.body))
}

fn ids(list: &[Value]) -> Vec<String> {
    list.iter().map(id).collect()
}

/// `yyyy-MM-ddTHH:mm:ssZ`.
fn is_v3_time(v: &Value) -> bool {
    let s = v.as_str().unwrap_or("");
    s.len() == 20 && s.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// A v3 error: status, code, and the native envelope with request_id.
fn assert_error(o: &Out, status: u16, code: &str) {
    assert_eq!((o.status, o.code.as_str()), (status, code), "{}", o.body);
    assert!(o.body["error_msg"].is_string(), "{}", o.body);
    assert!(o.body["request_id"].as_str().is_some_and(|r| !r.is_empty()), "{}", o.body);
}

fn assert_dry_run(o: &Out) {
    assert_eq!((o.status, o.code.as_str()), (202, "SYS.0202"), "{}", o.body);
    assert_eq!(o.body["error_msg"], "Request validation has been passed with dry run...");
    assert!(o.body["request_id"].is_string());
}

async fn v1_vpc(api: &Api<'_>, name: &str, cidr: &str) -> String {
    id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": name, "cidr": cidr}}), 200, "vpc").await)
}

/// A Neutron port with one address on a v1 subnet (whose id is the network id).
async fn port_on(api: &Api<'_>, subnet_id: &str) -> Value {
    api.create("/v2.0/ports", json!({"port": {"network_id": subnet_id}}), 201, "port").await
}

async fn v1_eip(api: &Api<'_>, bw_name: &str) -> String {
    let body = json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": bw_name, "size": 5, "share_type": "PER"}});
    id(&api.create("/v1/{pid}/publicips", body, 200, "publicip").await)
}

#[tokio::test]
async fn vpcs_list_show_filters_and_pages() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (a, _) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let b = v1_vpc(&api, "vpc-b", "10.0.0.0/16").await;
    let c = v1_vpc(&api, "vpc-c", "172.16.0.0/16").await;
    let router = api.create("/v2.0/routers", json!({"router": {"name": "neutron-router"}}), 201, "router").await;

    let o = api.get("/v3/{pid}/vpc/vpcs").await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["request_id"].as_str().map(str::len), Some(32));
    let vpcs = items(&o, "vpcs");
    assert_eq!(vpcs.len(), 4);
    assert_eq!(o.body["page_info"], json!({"previous_marker": a, "current_count": 4}));
    let first = &vpcs[0];
    assert_eq!(
        (first["id"].as_str(), first["name"].as_str(), first["cidr"].as_str()),
        (Some(a.as_str()), Some("vpc-t"), Some("192.168.0.0/16"))
    );
    assert_eq!((first["status"].as_str(), first["enterprise_project_id"].as_str()), (Some("ACTIVE"), Some("0")));
    assert_eq!((first["extend_cidrs"].clone(), first["tags"].clone()), (json!([]), json!([])));
    assert_eq!(first["project_id"], api.pid.as_str());
    assert!(is_v3_time(&first["created_at"]) && is_v3_time(&first["updated_at"]), "{first}");
    assert_eq!(
        first["cloud_resources"],
        json!([{"resource_type": "routetable", "resource_count": 1}, {"resource_type": "virsubnet", "resource_count": 1}])
    );
    assert_eq!(vpcs[1]["cloud_resources"][1]["resource_count"], 0);
    // A Neutron router is a VPC without a CIDR.
    assert_eq!((vpcs[3]["id"].as_str(), vpcs[3]["cidr"].as_str()), (router["id"].as_str(), Some("")));

    // Repeated filters are alternatives, different keys must all match.
    let o = api.get("/v3/{pid}/vpc/vpcs?name=vpc-b").await;
    assert_eq!(ids(items(&o, "vpcs")), vec![b.clone()]);
    let o = api.get("/v3/{pid}/vpc/vpcs?name=vpc-b&name=vpc-c").await;
    assert_eq!(ids(items(&o, "vpcs")), vec![b.clone(), c.clone()]);
    let o = api.get(&format!("/v3/{{pid}}/vpc/vpcs?id={a}&id={c}&cidr=172.16.0.0/16")).await;
    assert_eq!(ids(items(&o, "vpcs")), vec![c.clone()]);
    let o = api.get("/v3/{pid}/vpc/vpcs?enterprise_project_id=0&description=").await;
    assert_eq!(items(&o, "vpcs").len(), 4);
    let o = api.get("/v3/{pid}/vpc/vpcs?name=nothing").await;
    assert_eq!((items(&o, "vpcs").len(), o.body["page_info"].clone()), (0, json!({"current_count": 0})));

    // Pages: previous_marker is the first item, next_marker the last while more follow.
    let o = api.get("/v3/{pid}/vpc/vpcs?limit=2").await;
    assert_eq!(ids(items(&o, "vpcs")), vec![a.clone(), b.clone()]);
    assert_eq!(o.body["page_info"], json!({"previous_marker": a, "next_marker": b, "current_count": 2}));
    let o = api.get(&format!("/v3/{{pid}}/vpc/vpcs?limit=2&marker={b}")).await;
    assert_eq!(ids(items(&o, "vpcs")), vec![c.clone(), id(&router)]);
    assert_eq!(o.body["page_info"], json!({"previous_marker": c, "current_count": 2}));
    for bad in ["limit=-1", "limit=2001", "limit=x", "marker=0a0a0a0a-0000-0000-0000-000000000000"] {
        assert_error(&api.get(&format!("/v3/{{pid}}/vpc/vpcs?{bad}")).await, 400, "VPC.9901");
    }

    let o = api.get(&format!("/v3/{{pid}}/vpc/vpcs/{a}")).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["vpc"], vpcs[0]);
    assert!(o.body["request_id"].is_string());
    // A rename through v1 shows through v3.
    let r = api.put(&format!("/v1/{{pid}}/vpcs/{b}"), json!({"vpc": {"name": "vpc-b2", "description": "renamed"}})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let o = api.get(&format!("/v3/{{pid}}/vpc/vpcs/{b}")).await;
    assert_eq!((o.body["vpc"]["name"].as_str(), o.body["vpc"]["description"].as_str()), (Some("vpc-b2"), Some("renamed")));
    // Tags set through the v2.0 tag API read as key/value pairs.
    let t = api.post(&format!("/v2.0/{{pid}}/vpcs/{b}/tags"), json!({"tag": {"key": "env", "value": "test"}})).await;
    assert_eq!(t.status, 204, "{}", t.body);
    assert_eq!(api.get(&format!("/v3/{{pid}}/vpc/vpcs/{b}")).await.body["vpc"]["tags"], json!([{"key": "env", "value": "test"}]));
    let o = api.get("/v3/{pid}/vpc/vpcs/0a0a0a0a-0000-0000-0000-000000000000").await;
    assert_error(&o, 404, "VPC.9904");
    assert_eq!(o.body["error_msg"], "Vpc 0a0a0a0a-0000-0000-0000-000000000000 could not be found.");
}

#[tokio::test]
async fn secondary_cidr_blocks() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let v = v1_vpc(&api, "vpc-x", "192.168.0.0/16").await;
    let add = format!("/v3/{{pid}}/vpc/vpcs/{v}/add-extend-cidr");
    let remove = format!("/v3/{{pid}}/vpc/vpcs/{v}/remove-extend-cidr");
    let show = format!("/v3/{{pid}}/vpc/vpcs/{v}");

    // A dry run checks and changes nothing.
    assert_dry_run(&api.put(&add, json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}, "dry_run": true})).await);
    assert_eq!(api.get(&show).await.body["vpc"]["extend_cidrs"], json!([]));
    let o = api.put(&add, json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}, "dry_run": true})).await;
    assert_dry_run(&o);
    assert_error(&api.put(&add, json!({"vpc": {"extend_cidrs": ["10.0.0.0/16"]}, "dry_run": true})).await, 400, "VPC.9916");

    let o = api.put(&add, json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["vpc"]["extend_cidrs"], json!(["23.8.0.0/16"]));
    assert!(o.body["request_id"].is_string());
    assert_eq!(api.get(&show).await.body["vpc"]["extend_cidrs"], json!(["23.8.0.0/16"]));

    for (cidr, status, code) in [
        ("23.8.0.1/16", 400, "VPC.9911"),
        ("not-a-cidr", 400, "VPC.9911"),
        ("fd00::/64", 400, "VPC.9911"),
        ("23.8.4.0/24", 409, "VPC.9914"),
        ("192.168.3.0/24", 409, "VPC.9914"),
        ("10.0.0.0/16", 400, "VPC.9916"),
        ("172.31.0.0/16", 400, "VPC.9916"),
        ("100.64.0.0/16", 400, "VPC.9916"),
        ("127.0.0.0/16", 400, "VPC.9916"),
        ("240.0.0.0/8", 400, "VPC.9916"),
    ] {
        assert_error(&api.put(&add, json!({"vpc": {"extend_cidrs": [cidr]}})).await, status, code);
    }
    // A request is all or nothing: a conflict between its own blocks adds neither.
    assert_error(&api.put(&add, json!({"vpc": {"extend_cidrs": ["30.0.0.0/16", "30.0.1.0/24"]}})).await, 409, "VPC.9914");
    assert_eq!(api.get(&show).await.body["vpc"]["extend_cidrs"], json!(["23.8.0.0/16"]));

    // At most five secondary blocks.
    let o = api.put(&add, json!({"vpc": {"extend_cidrs": ["24.0.0.0/16", "25.0.0.0/16", "26.0.0.0/16", "27.0.0.0/16"]}})).await;
    assert_eq!(o.body["vpc"]["extend_cidrs"].as_array().unwrap().len(), 5);
    assert_error(&api.put(&add, json!({"vpc": {"extend_cidrs": ["28.0.0.0/16"]}})).await, 400, "VPC.9912");

    // Malformed bodies.
    for body in [
        json!({"vpc": {}}),
        json!({"extend_cidrs": ["28.0.0.0/16"]}),
        json!({"vpc": {"extend_cidrs": "28.0.0.0/16"}}),
        json!({"vpc": {"extend_cidrs": []}}),
        json!([1]),
    ] {
        assert_error(&api.put(&add, body.clone()).await, 400, "VPC.9901");
    }
    let raw = emu.http.put(emu.url(&add.replace("{pid}", &api.pid))).header("X-Auth-Token", &api.token).body("{nope").send().await.unwrap();
    assert_eq!(raw.status(), 400);
    let b: Value = raw.json().await.unwrap();
    assert_eq!(b["error_code"], "VPC.9901");

    // Removal.
    assert_error(&api.put(&remove, json!({"vpc": {"extend_cidrs": ["29.0.0.0/16"]}})).await, 404, "VPC.9915");
    assert_error(&api.put(&remove, json!({"vpc": {"extend_cidrs": ["192.168.0.0/16"]}})).await, 404, "VPC.9915");
    assert_dry_run(&api.put(&remove, json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}, "dry_run": true})).await);
    assert_eq!(api.get(&show).await.body["vpc"]["extend_cidrs"].as_array().unwrap().len(), 5);
    let o = api.put(&remove, json!({"vpc": {"extend_cidrs": ["23.8.0.0/16", "24.0.0.0/16"]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["vpc"]["extend_cidrs"], json!(["25.0.0.0/16", "26.0.0.0/16", "27.0.0.0/16"]));
    // A secondary block holding a subnet stays.
    let s = api
        .post("/v1/{pid}/subnets", json!({"subnet": {"name": "in-25", "cidr": "25.0.1.0/24", "gateway_ip": "25.0.1.1", "vpc_id": v}}))
        .await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_error(&api.put(&remove, json!({"vpc": {"extend_cidrs": ["25.0.0.0/16"]}})).await, 409, "VPC.9914");
    let o = api.get(&show).await;
    assert_eq!(o.body["vpc"]["cloud_resources"][1], json!({"resource_type": "virsubnet", "resource_count": 1}));

    let missing = "/v3/{pid}/vpc/vpcs/0a0a0a0a-0000-0000-0000-000000000000";
    assert_error(&api.put(&format!("{missing}/add-extend-cidr"), json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}})).await, 404, "VPC.9904");
    assert_error(
        &api.put(&format!("{missing}/remove-extend-cidr"), json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}})).await,
        404,
        "VPC.9904",
    );
}

#[tokio::test]
async fn security_groups_across_apis() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let body = json!({"security_group": {"name": "sg-web", "description": "web tier", "tags": [{"key": "env", "value": "prod"}]}});
    let o = api.post("/v3/{pid}/vpc/security-groups", body).await;
    assert_eq!(o.status, 201, "{}", o.body);
    assert!(o.body["request_id"].is_string());
    let sg = o.body["security_group"].clone();
    let sid = id(&sg);
    assert_eq!(
        (sg["name"].as_str(), sg["description"].as_str(), sg["enterprise_project_id"].as_str()),
        (Some("sg-web"), Some("web tier"), Some("0"))
    );
    assert_eq!(sg["tags"], json!([{"key": "env", "value": "prod"}]));
    assert!(is_v3_time(&sg["created_at"]) && is_v3_time(&sg["updated_at"]));
    let rules = sg["security_group_rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4, "{sg}");
    for eth in ["IPv4", "IPv6"] {
        let ingress = rules.iter().find(|r| r["direction"] == "ingress" && r["ethertype"] == eth).unwrap();
        assert_eq!(ingress["remote_group_id"], sid.as_str());
        let egress = rules.iter().find(|r| r["direction"] == "egress" && r["ethertype"] == eth).unwrap();
        assert!(egress["remote_group_id"].is_null());
    }
    for r in rules {
        assert_eq!((r["action"].as_str(), r["protocol"].clone(), r["multiport"].clone()), (Some("allow"), Value::Null, Value::Null), "{r}");
        assert!(r["priority"].is_u64() && r["remote_address_group_id"].is_null() && is_v3_time(&r["created_at"]), "{r}");
    }

    // Neutron sees the same group, and v3 sees Neutron's.
    let n = api.get(&format!("/v2.0/security-groups/{sid}")).await;
    assert_eq!((n.status, n.body["security_group"]["name"].as_str()), (200, Some("sg-web")));
    assert_eq!(n.body["security_group"]["security_group_rules"].as_array().unwrap().len(), 4);
    let neutron_sg = api.create("/v2.0/security-groups", json!({"security_group": {"name": "from-neutron"}}), 201, "security_group").await;
    let nid = id(&neutron_sg);
    let o = api.get(&format!("/v3/{{pid}}/vpc/security-groups/{nid}")).await;
    assert_eq!((o.status, o.body["security_group"]["name"].as_str()), (200, Some("from-neutron")));
    assert_eq!(o.body["security_group"]["security_group_rules"].as_array().unwrap().len(), 2);

    // List: no rules, filters, pages.
    let o = api.get("/v3/{pid}/vpc/security-groups").await;
    assert_eq!(o.status, 200);
    let groups = items(&o, "security_groups");
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["default", "sg-web", "from-neutron"]);
    assert!(groups.iter().all(|g| g.get("security_group_rules").is_none()));
    assert_eq!(groups[1]["tags"], json!([{"key": "env", "value": "prod"}]));
    let o = api.get("/v3/{pid}/vpc/security-groups?name=sg-web&name=from-neutron").await;
    assert_eq!(ids(items(&o, "security_groups")), vec![sid.clone(), nid.clone()]);
    let o = api.get(&format!("/v3/{{pid}}/vpc/security-groups?id={sid}&description=web%20tier&project_id={}", api.pid)).await;
    assert_eq!(ids(items(&o, "security_groups")), vec![sid.clone()]);
    let o = api.get("/v3/{pid}/vpc/security-groups?enterprise_project_id=all_granted_eps").await;
    assert_eq!(items(&o, "security_groups").len(), 3);
    let o = api.get("/v3/{pid}/vpc/security-groups?limit=1").await;
    let default_id = id(&items(&o, "security_groups")[0]);
    assert_eq!(o.body["page_info"], json!({"previous_marker": default_id, "next_marker": default_id, "current_count": 1}));
    let o = api.get(&format!("/v3/{{pid}}/vpc/security-groups?limit=1&marker={default_id}")).await;
    assert_eq!(ids(items(&o, "security_groups")), vec![sid.clone()]);
    assert_error(&api.get("/v3/{pid}/vpc/security-groups?limit=abc").await, 400, "VPC.9901");

    // Show and update.
    let o = api.get(&format!("/v3/{{pid}}/vpc/security-groups/{sid}")).await;
    assert_eq!(o.body["security_group"]["security_group_rules"].as_array().unwrap().len(), 4);
    let upd = format!("/v3/{{pid}}/vpc/security-groups/{sid}");
    assert_dry_run(&api.put(&upd, json!({"security_group": {"name": "dry"}, "dry_run": true})).await);
    assert_eq!(api.get(&upd).await.body["security_group"]["name"], "sg-web");
    let o = api.put(&upd, json!({"security_group": {"name": "sg-web-2", "description": "modified"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(
        (o.body["security_group"]["name"].as_str(), o.body["security_group"]["description"].as_str()),
        (Some("sg-web-2"), Some("modified"))
    );
    assert_eq!(o.body["security_group"]["security_group_rules"].as_array().unwrap().len(), 4);
    assert_eq!(api.get(&format!("/v2.0/security-groups/{sid}")).await.body["security_group"]["name"], "sg-web-2");

    // Refusals.
    let create = "/v3/{pid}/vpc/security-groups";
    for body in [
        json!({"security_group": {}}),
        json!({"security_group": {"name": ""}}),
        json!({"security_group": {"name": "has space"}}),
        json!({"security_group": {"name": "x".repeat(65)}}),
        json!({"security_group": {"name": "ok", "description": "<b>"}}),
        json!({"security_group": {"name": "ok", "enterprise_project_id": "abc"}}),
        json!({"security_group": {"name": "ok", "tags": [{"key": "", "value": "v"}]}}),
        json!({"security_group": {"name": "ok", "tags": [{"key": "a", "value": "v"}, {"key": "a", "value": "w"}]}}),
        json!({"security_group": {"name": "ok", "tags": (0..21).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect::<Vec<_>>()}}),
        json!({"name": "ok"}),
    ] {
        assert_error(&api.post(create, body.clone()).await, 400, "VPC.9901");
    }
    assert_error(&api.put(&upd, json!({"security_group": {"name": "bad name"}})).await, 400, "VPC.9901");
    assert_error(&api.post(create, json!({"security_group": {"name": "default"}})).await, 400, "VPC.9902");
    assert_dry_run(&api.post(create, json!({"security_group": {"name": "dry-sg"}, "dry_run": true})).await);
    assert_eq!(items(&api.get("/v3/{pid}/vpc/security-groups").await, "security_groups").len(), 3, "a dry run creates nothing");
    let o = api
        .post(create, json!({"security_group": {"name": "ep-sg", "enterprise_project_id": "0a0a0a0a-0000-4000-8000-000000000000"}}))
        .await;
    assert_eq!(o.body["security_group"]["enterprise_project_id"], "0a0a0a0a-0000-4000-8000-000000000000");
    let ep_sg = id(&o.body["security_group"]);
    let o = api.get("/v3/{pid}/vpc/security-groups?enterprise_project_id=0a0a0a0a-0000-4000-8000-000000000000").await;
    assert_eq!(ids(items(&o, "security_groups")), vec![ep_sg]);

    let missing = "/v3/{pid}/vpc/security-groups/0a0a0a0a-0000-0000-0000-000000000000";
    let o = api.get(missing).await;
    assert_error(&o, 404, "VPC.9904");
    assert_eq!(o.body["error_msg"], "Security group 0a0a0a0a-0000-0000-0000-000000000000 does not exist.");
    assert_error(&api.put(missing, json!({"security_group": {"name": "x"}})).await, 404, "VPC.9904");
    assert_error(&api.delete(missing).await, 404, "VPC.9904");

    // A group on a port, and the default group, are in use.
    let (_, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let port = api.create("/v2.0/ports", json!({"port": {"network_id": subnet, "security_groups": [nid]}}), 201, "port").await;
    let o = api.delete(&format!("/v3/{{pid}}/vpc/security-groups/{nid}")).await;
    assert_error(&o, 409, "VPC.9902");
    assert_eq!(o.body["error_msg"], format!("Security group {nid} is in use."));
    assert_error(&api.delete(&format!("/v3/{{pid}}/vpc/security-groups/{default_id}")).await, 409, "VPC.9902");
    assert_eq!(api.delete(&format!("/v2.0/ports/{}", id(&port))).await.status, 204);
    assert_eq!(api.delete(&format!("/v3/{{pid}}/vpc/security-groups/{nid}")).await.status, 204);

    let o = api.delete(&upd).await;
    assert_eq!(o.status, 204);
    assert_eq!(o.body, Value::Null);
    assert_eq!(api.get(&format!("/v2.0/security-groups/{sid}")).await.status, 404);
    assert_error(&api.get(&upd).await, 404, "VPC.9904");
    let o = api.get(&format!("/v2.0/security-group-rules?security_group_id={sid}")).await;
    assert_eq!(o.body["security_group_rules"], json!([]), "its rules went with it");
}

#[tokio::test]
async fn security_group_rules() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let sg = id(&api.create("/v3/{pid}/vpc/security-groups", json!({"security_group": {"name": "sg-r"}}), 201, "security_group").await);
    let other = id(&api.create("/v3/{pid}/vpc/security-groups", json!({"security_group": {"name": "sg-o"}}), 201, "security_group").await);
    let create = "/v3/{pid}/vpc/security-group-rules";

    // The documented example.
    let example = json!({"security_group_rule": {
        "security_group_id": sg, "direction": "ingress", "protocol": "tcp", "description": "security group rule description",
        "action": "allow", "priority": 1, "multiport": "33", "remote_ip_prefix": "10.10.0.0/16"
    }});
    let o = api.post(create, example.clone()).await;
    assert_eq!(o.status, 201, "{}", o.body);
    assert!(o.body["request_id"].is_string());
    let r = o.body["security_group_rule"].clone();
    let rid = id(&r);
    assert_eq!(
        r,
        json!({
            "id": rid, "project_id": api.pid, "security_group_id": sg, "direction": "ingress", "protocol": "tcp",
            "description": "security group rule description", "created_at": r["created_at"], "updated_at": r["updated_at"],
            "ethertype": "IPv4", "remote_ip_prefix": "10.10.0.0/16", "multiport": "33", "action": "allow", "priority": 1,
            "remote_group_id": null, "remote_address_group_id": null,
        })
    );
    assert!(is_v3_time(&r["created_at"]));
    let n = api.get(&format!("/v2.0/security-group-rules/{rid}")).await.body["security_group_rule"].clone();
    assert_eq!((n["port_range_min"].as_u64(), n["port_range_max"].as_u64(), n["protocol"].as_str()), (Some(33), Some(33), Some("tcp")));
    assert_error(&api.post(create, example).await, 409, "VPC.9902");

    // multiport forms, priority as a string, case-insensitive ethertype, deny, a bare remote address.
    let rule = |extra: Value| {
        let mut b = json!({"security_group_id": sg, "direction": "ingress", "protocol": "udp"});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({ "security_group_rule": b })
    };
    let range = api.create(create, rule(json!({"multiport": "1-30", "priority": "5", "action": "deny"})), 201, "security_group_rule").await;
    assert_eq!((range["multiport"].as_str(), range["priority"].as_u64(), range["action"].as_str()), (Some("1-30"), Some(5), Some("deny")));
    let n = api.get(&format!("/v2.0/security-group-rules/{}", id(&range))).await.body["security_group_rule"].clone();
    assert_eq!((n["port_range_min"].as_u64(), n["port_range_max"].as_u64()), (Some(1), Some(30)));
    let list = api.create(create, rule(json!({"multiport": "22,3389,80", "ethertype": "ipv6"})), 201, "security_group_rule").await;
    assert_eq!((list["multiport"].as_str(), list["ethertype"].as_str()), (Some("22,3389,80"), Some("IPv6")));
    let shown = api.get(&format!("/v3/{{pid}}/vpc/security-group-rules/{}", id(&list))).await;
    assert_eq!(shown.body["security_group_rule"], list);
    let host = api.create(create, rule(json!({"remote_ip_prefix": "192.168.21.45", "priority": 100})), 201, "security_group_rule").await;
    assert_eq!((host["remote_ip_prefix"].as_str(), host["multiport"].clone()), (Some("192.168.21.45/32"), Value::Null));
    let remote = api.create(create, rule(json!({"remote_group_id": other, "protocol": "icmp"})), 201, "security_group_rule").await;
    assert_eq!(remote["remote_group_id"], other.as_str());
    // Neutron's rules read with a multiport.
    let neutron = api
        .create(
            "/v2.0/security-group-rules",
            json!({"security_group_rule": {"security_group_id": sg, "direction": "egress", "protocol": "tcp", "port_range_min": 8080, "port_range_max": 8090}}),
            201,
            "security_group_rule",
        )
        .await;
    let o = api.get(&format!("/v3/{{pid}}/vpc/security-group-rules/{}", id(&neutron))).await;
    assert_eq!(
        (o.body["security_group_rule"]["multiport"].as_str(), o.body["security_group_rule"]["priority"].as_u64()),
        (Some("8080-8090"), Some(1))
    );

    // Refusals.
    let missing_sg = "0a0a0a0a-0000-0000-0000-000000000000";
    for (body, status, code) in [
        (json!({"security_group_rule": {"security_group_id": sg}}), 400, "VPC.9901"),
        (json!({"security_group_rule": {"direction": "ingress"}}), 400, "VPC.9901"),
        (json!({"nope": {}}), 400, "VPC.9901"),
        (rule(json!({"multiport": "0"})), 400, "VPC.9901"),
        (rule(json!({"multiport": "70000"})), 400, "VPC.9901"),
        (rule(json!({"multiport": "30-1"})), 400, "VPC.9901"),
        (rule(json!({"multiport": "1,,2"})), 400, "VPC.9901"),
        (rule(json!({"priority": "high"})), 400, "VPC.9901"),
        (rule(json!({"direction": "sideways"})), 400, "VPC.9902"),
        (rule(json!({"ethertype": "IPv5"})), 400, "VPC.9902"),
        (rule(json!({"protocol": "icmpv6"})), 400, "VPC.9902"),
        (rule(json!({"protocol": "icmp", "ethertype": "IPv6"})), 400, "VPC.9902"),
        (rule(json!({"protocol": "icmp", "multiport": "80"})), 400, "VPC.9902"),
        (rule(json!({"protocol": "gre"})), 400, "VPC.9902"),
        (rule(json!({"priority": 0})), 400, "VPC.9902"),
        (rule(json!({"priority": 101})), 400, "VPC.9902"),
        (rule(json!({"action": "drop"})), 400, "VPC.9902"),
        (rule(json!({"remote_ip_prefix": "10.0.0.0/8", "remote_group_id": other})), 400, "VPC.9902"),
        (rule(json!({"remote_ip_prefix": "not-an-ip"})), 400, "VPC.9902"),
        (rule(json!({"security_group_id": missing_sg})), 404, "VPC.9904"),
        (rule(json!({"remote_group_id": missing_sg})), 404, "VPC.9904"),
        (rule(json!({"remote_address_group_id": missing_sg})), 404, "VPC.9904"),
    ] {
        let o = api.post(create, body.clone()).await;
        assert_error(&o, status, code);
        if status == 404 {
            let msg = o.body["error_msg"].as_str().unwrap();
            let expected = if body["security_group_rule"]["remote_group_id"].is_string() {
                format!("remote security group {missing_sg} could not be found.")
            } else if body["security_group_rule"]["remote_address_group_id"].is_string() {
                format!("Address group {missing_sg} does not exist.")
            } else {
                format!("security_group_id {missing_sg} could not be found.")
            };
            assert_eq!(msg, expected);
        }
    }
    assert_dry_run(&api.post(create, json!({"security_group_rule": {"security_group_id": sg, "direction": "egress", "protocol": "udp", "multiport": "53"}, "dry_run": true})).await);
    assert_error(&api.post(create, json!({"security_group_rule": {"security_group_id": sg, "direction": "ingress", "protocol": "udp", "multiport": "1-30", "action": "deny", "priority": 5}, "dry_run": true})).await, 409, "VPC.9902");

    // List with filters and pages.
    let list_path = format!("/v3/{{pid}}/vpc/security-group-rules?security_group_id={sg}");
    let o = api.get(&list_path).await;
    assert_eq!(o.status, 200);
    let all = items(&o, "security_group_rules");
    assert_eq!(all.len(), 4 + 6, "four defaults, five v3 rules and one Neutron rule");
    assert_eq!(o.body["page_info"]["current_count"], 10);
    assert!(all.iter().all(|r| r["security_group_id"] == sg.as_str()));
    let o = api.get(&format!("{list_path}&direction=ingress&protocol=udp")).await;
    assert_eq!(items(&o, "security_group_rules").len(), 3);
    let o = api.get(&format!("{list_path}&ethertype=ipv6&protocol=udp")).await;
    assert_eq!(ids(items(&o, "security_group_rules")), vec![id(&list)]);
    let o = api.get(&format!("{list_path}&action=deny")).await;
    assert_eq!(ids(items(&o, "security_group_rules")), vec![id(&range)]);
    let o = api.get(&format!("{list_path}&priority=5&priority=100")).await;
    let got = ids(items(&o, "security_group_rules"));
    assert_eq!(got.len(), 6, "the four defaults have priority 100 too");
    assert!(got.contains(&id(&range)) && got.contains(&id(&host)));
    let o = api.get(&format!("{list_path}&remote_ip_prefix=192.168.21.45/32")).await;
    assert_eq!(ids(items(&o, "security_group_rules")), vec![id(&host)]);
    let o = api.get(&format!("/v3/{{pid}}/vpc/security-group-rules?remote_group_id={other}&id={}", id(&remote))).await;
    assert_eq!(ids(items(&o, "security_group_rules")), vec![id(&remote)]);
    let o = api.get(&format!("{list_path}&limit=4")).await;
    let page = items(&o, "security_group_rules");
    assert_eq!(page.len(), 4);
    let next = o.body["page_info"]["next_marker"].as_str().unwrap().to_string();
    assert_eq!(next, id(&page[3]));
    let o = api.get(&format!("{list_path}&limit=4&marker={next}")).await;
    assert_eq!(ids(items(&o, "security_group_rules")), ids(&all[4..8]));
    let o = api.get(&format!("{list_path}&limit=4&marker={}", id(&all[7]))).await;
    assert_eq!(o.body["page_info"].get("next_marker"), None);
    assert_eq!(o.body["page_info"]["current_count"], 2);

    // Show and delete.
    let one = format!("/v3/{{pid}}/vpc/security-group-rules/{rid}");
    assert_eq!(api.get(&one).await.body["security_group_rule"], r);
    assert_eq!(api.delete(&one).await.status, 204);
    assert_eq!(api.get(&format!("/v2.0/security-group-rules/{rid}")).await.status, 404);
    let o = api.get(&one).await;
    assert_error(&o, 404, "VPC.9904");
    assert_eq!(o.body["error_msg"], format!("Security_group_rule {rid} could not be found."));
    assert_error(&api.delete(&one).await, 404, "VPC.9904");
    // Deleted through Neutron, gone from v3.
    assert_eq!(api.delete(&format!("/v2.0/security-group-rules/{}", id(&list))).await.status, 204);
    assert_error(&api.get(&format!("/v3/{{pid}}/vpc/security-group-rules/{}", id(&list))).await, 404, "VPC.9904");
}

#[tokio::test]
async fn eips_list_show_and_update() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let e1 = v1_eip(&api, "bw-one").await;
    let e2 = v1_eip(&api, "bw-two").await;
    let ext = api.external_network().await;
    let fip = api.create("/v2.0/floatingips", json!({"floatingip": {"floating_network_id": ext}}), 201, "floatingip").await;
    let e3 = id(&fip);

    let o = api.get("/v3/{pid}/eip/publicips").await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["total_count"].as_u64(), o.body["request_id"].is_string()), (Some(3), true));
    let all = items(&o, "publicips").clone();
    assert_eq!(ids(&all), vec![e1.clone(), e2.clone(), e3.clone()]);
    let p = &all[0];
    let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "alias",
            "allow_share_bandwidth_types",
            "associate_instance_id",
            "associate_instance_type",
            "bandwidth",
            "billing_info",
            "created_at",
            "description",
            "enterprise_project_id",
            "id",
            "ip_version",
            "lock_status",
            "project_id",
            "public_border_group",
            "public_ip_address",
            "public_ipv6_address",
            "publicip_pool_id",
            "publicip_pool_name",
            "status",
            "tags",
            "type",
            "updated_at",
            "vnic",
        ]
    );
    assert_eq!((p["type"].as_str(), p["ip_version"].as_u64(), p["status"].as_str()), (Some("EIP"), Some(4), Some("DOWN")));
    assert_eq!(
        (p["publicip_pool_name"].as_str(), p["publicip_pool_id"].as_str(), p["public_border_group"].as_str()),
        (Some("5_bgp"), Some(ext.as_str()), Some("center"))
    );
    assert_eq!((p["vnic"].clone(), p["associate_instance_type"].clone(), p["alias"].clone()), (Value::Null, Value::Null, Value::Null));
    assert_eq!(
        (p["bandwidth"]["name"].as_str(), p["bandwidth"]["share_type"].as_str(), p["bandwidth"]["size"].as_u64()),
        (Some("bw-one"), Some("PER"), Some(5))
    );
    assert!(is_v3_time(&p["created_at"]));
    assert_eq!(all[2]["public_ip_address"], fip["floating_ip_address"]);

    // fields, filters, sorting, pages.
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?id={e2}&fields=id&fields=network_type&fields=public_ip_address")).await;
    assert_eq!(items(&o, "publicips")[0], json!({"id": e2, "network_type": "5_bgp", "public_ip_address": all[1]["public_ip_address"]}));
    let addr = all[1]["public_ip_address"].as_str().unwrap();
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?public_ip_address={addr}")).await;
    assert_eq!(ids(items(&o, "publicips")), vec![e2.clone()]);
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?public_ip_address_like={}", &addr[..addr.len() - 1])).await;
    assert!(ids(items(&o, "publicips")).contains(&e2));
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?id={e1}&id={e3}&status=DOWN&ip_version=4&type=EIP")).await;
    assert_eq!(ids(items(&o, "publicips")), vec![e1.clone(), e3.clone()]);
    assert_eq!(o.body["total_count"], 2);
    let o = api.get("/v3/{pid}/eip/publicips?bandwidth.name=bw-two&bandwidth.share_type=PER&network_type=5_bgp").await;
    assert_eq!(ids(items(&o, "publicips")), vec![e2.clone()]);
    let o = api.get("/v3/{pid}/eip/publicips?bandwidth.name_like=bw-&publicip_pool_name=5_bgp&billing_mode=PAY_PER_USE").await;
    assert_eq!(items(&o, "publicips").len(), 2);
    let o = api.get("/v3/{pid}/eip/publicips?allow_share_bandwidth_type_any=share,bgp&enterprise_project_id=0").await;
    assert_eq!(items(&o, "publicips").len(), 3);
    let o = api.get("/v3/{pid}/eip/publicips?status=ACTIVE").await;
    assert_eq!((items(&o, "publicips").len(), o.body["total_count"].as_u64()), (0, Some(0)));
    let o = api.get("/v3/{pid}/eip/publicips?sort_key=public_ip_address&sort_dir=desc").await;
    let mut by_addr = all.clone();
    by_addr.sort_by_key(|e| e["public_ip_address"].as_str().unwrap().parse::<std::net::Ipv4Addr>().unwrap());
    by_addr.reverse();
    assert_eq!(ids(items(&o, "publicips")), ids(&by_addr));
    let o = api.get("/v3/{pid}/eip/publicips?limit=2").await;
    assert_eq!(ids(items(&o, "publicips")), vec![e1.clone(), e2.clone()]);
    assert_eq!(o.body["page_info"], json!({"previous_marker": e1, "next_marker": e2, "current_count": 2}));
    assert_eq!(o.body["total_count"], 3);
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?limit=2&marker={e2}")).await;
    assert_eq!(ids(items(&o, "publicips")), vec![e3.clone()]);
    let o = api.get("/v3/{pid}/eip/publicips?offset=1&limit=1").await;
    assert_eq!(ids(items(&o, "publicips")), vec![e2.clone()]);
    for bad in ["limit=2001", "offset=-1", "offset=100000", "sort_key=alias", "sort_dir=up", "marker=nope"] {
        assert_error(&api.get(&format!("/v3/{{pid}}/eip/publicips?{bad}")).await, 400, "VPC.9901");
    }

    // Show.
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips/{e1}")).await;
    assert_eq!((o.status, o.body["publicip"].clone()), (200, all[0].clone()));
    assert!(o.body["request_id"].is_string());
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips/{e1}?fields=id&fields=fake_network_type")).await;
    assert_eq!(o.body["publicip"], json!({"id": e1, "fake_network_type": false}));
    let missing = "/v3/{pid}/eip/publicips/0a0a0a0a-0000-0000-0000-000000000000";
    assert_error(&api.get(missing).await, 404, "VPC.9904");

    // Update alias and description; v1 and Neutron read them.
    let o = api.put(&format!("/v3/{{pid}}/eip/publicips/{e1}"), json!({"publicip": {"alias": "abcd", "description": "test!!!!"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let u = &o.body["publicip"];
    assert_eq!((u["alias"].as_str(), u["description"].as_str(), u["type"].as_str()), (Some("abcd"), Some("test!!!!"), Some("EIP")));
    assert!(u.get("tags").is_none() && u.get("allow_share_bandwidth_types").is_none() && u.get("public_ipv6_address").is_some());
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{e1}")).await.body["publicip"]["alias"], "abcd");
    assert_eq!(api.get(&format!("/v2.0/floatingips/{e1}")).await.body["floatingip"]["description"], "test!!!!");
    for body in [
        json!({"publicip": {"alias": "a".repeat(65)}}),
        json!({"publicip": {"description": "<script>"}}),
        json!({"publicip": {"associate_instance_type": "PORT"}}),
        json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": null}}),
        json!({"publicip": {"associate_instance_type": "FOO", "associate_instance_id": "x"}}),
        json!({"alias": "x"}),
    ] {
        assert_error(&api.put(&format!("/v3/{{pid}}/eip/publicips/{e1}"), body.clone()).await, 400, "VPC.9901");
    }
    assert_error(&api.put(missing, json!({"publicip": {"alias": "x"}})).await, 404, "VPC.9904");

    // Tags set through the v2.0 tag API read as "key=value".
    let t = api.post(&format!("/v2.0/{{pid}}/publicips/{e2}/tags"), json!({"tag": {"key": "env", "value": "test"}})).await;
    assert_eq!(t.status, 204, "{}", t.body);
    assert_eq!(api.get(&format!("/v3/{{pid}}/eip/publicips/{e2}")).await.body["publicip"]["tags"], json!(["env=test"]));
}

#[tokio::test]
async fn eips_bind_and_unbind() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let port = api.create("/v2.0/ports", json!({"port": {"network_id": subnet, "device_owner": "neutron:VIP_PORT"}}), 201, "port").await;
    let pid = id(&port);
    let private = port["fixed_ips"][0]["ip_address"].as_str().unwrap().to_string();
    let e1 = v1_eip(&api, "bw-one").await;
    let e2 = v1_eip(&api, "bw-two").await;
    let assoc = |e: &str| format!("/v3/{{pid}}/eip/publicips/{e}/associate-instance");
    let disassoc = |e: &str| format!("/v3/{{pid}}/eip/publicips/{e}/disassociate-instance");

    let o = api.post(&assoc(&e1), json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": pid}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let b = &o.body["publicip"];
    assert_eq!(
        (b["status"].as_str(), b["associate_instance_type"].as_str(), b["associate_instance_id"].as_str()),
        (Some("ACTIVE"), Some("PORT"), Some(pid.as_str()))
    );
    assert_eq!(
        (b["vnic"]["port_id"].as_str(), b["vnic"]["private_ip_address"].as_str(), b["vnic"]["vpc_id"].as_str()),
        (Some(pid.as_str()), Some(private.as_str()), Some(vpc.as_str()))
    );
    assert_eq!(b["vnic"]["mac"], port["mac_address"]);
    assert!(b.get("public_ipv6_address").is_none() && b.get("tags").is_none(), "PublicipInstanceResp: {b}");
    assert!(o.body["request_id"].is_string());
    let f = api.get(&format!("/v2.0/floatingips/{e1}")).await.body["floatingip"].clone();
    assert_eq!((f["port_id"].as_str(), f["fixed_ip_address"].as_str()), (Some(pid.as_str()), Some(private.as_str())));
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?vnic.port_id={pid}&associate_instance_type=PORT&vnic.vpc_id={vpc}")).await;
    assert_eq!(ids(items(&o, "publicips")), vec![e1.clone()]);
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?vnic.private_ip_address={private}&associate_instance_id={pid}")).await;
    assert_eq!(ids(items(&o, "publicips")), vec![e1.clone()]);
    let o = api
        .get("/v3/{pid}/eip/publicips?vnic.private_ip_address_like=192.168.1.&vnic.device_owner_prefixlike=neutron:&vnic.device_id=")
        .await;
    assert_eq!(ids(items(&o, "publicips")), vec![e1.clone()]);
    assert_eq!(b["vnic"]["device_owner"], "neutron:VIP_PORT");
    let o = api.get("/v3/{pid}/eip/publicips?vnic.device_owner_prefixlike=network:").await;
    assert_eq!(items(&o, "publicips").len(), 0);
    let o = api.get("/v3/{pid}/eip/publicips?status=ACTIVE").await;
    assert_eq!(ids(items(&o, "publicips")), vec![e1.clone()]);

    // Refusals.
    let o = api.post(&assoc(&e2), json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": pid}})).await;
    assert_error(&o, 409, "VPC.0511");
    let other = port_on(&api, &subnet).await;
    let o = api.post(&assoc(&e1), json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": id(&other)}})).await;
    assert_error(&o, 409, "VPC.0517");
    for (body, status, code) in [
        (json!({"publicip": {"associate_instance_type": "PORT"}}), 400, "VPC.9901"),
        (json!({"publicip": {"associate_instance_id": pid}}), 400, "VPC.9901"),
        (json!({"publicip": {"associate_instance_type": "", "associate_instance_id": pid}}), 400, "VPC.9901"),
        (json!({"publicip": {"associate_instance_type": "ELBV1", "associate_instance_id": pid}}), 400, "VPC.9901"),
        (json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": "x".repeat(37)}}), 400, "VPC.9901"),
        (json!({}), 400, "VPC.9901"),
        (json!({"publicip": {"associate_instance_type": "NATGW", "associate_instance_id": pid}}), 404, "VPC.9904"),
        (
            json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": "0a0a0a0a-0000-0000-0000-000000000000"}}),
            404,
            "VPC.9904",
        ),
    ] {
        assert_error(&api.post(&assoc(&e2), body.clone()).await, status, code);
    }
    let missing = "0a0a0a0a-0000-0000-0000-000000000000";
    assert_error(
        &api.post(&assoc(missing), json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": pid}})).await,
        404,
        "VPC.9904",
    );
    assert_error(&api.post(&disassoc(missing), json!({})).await, 404, "VPC.9904");

    // Unbind: no body needed.
    let r = emu.http.post(emu.url(&disassoc(&e1).replace("{pid}", &api.pid))).header("X-Auth-Token", &api.token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    let p = &b["publicip"];
    assert_eq!(
        (p["status"].as_str(), p["vnic"].clone(), p["associate_instance_type"].clone(), p["associate_instance_id"].clone()),
        (Some("DOWN"), Value::Null, Value::Null, Value::Null)
    );
    assert!(b["request_id"].is_string());
    assert!(api.get(&format!("/v2.0/floatingips/{e1}")).await.body["floatingip"]["port_id"].is_null());

    // Binding and unbinding through update.
    let upd = format!("/v3/{{pid}}/eip/publicips/{e2}");
    let o = api.put(&upd, json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": pid}})).await;
    assert_eq!((o.status, o.body["publicip"]["status"].as_str()), (200, Some("ACTIVE")), "{}", o.body);
    assert_eq!(o.body["publicip"]["vnic"]["port_id"], pid.as_str());
    let o = api.put(&upd, json!({"publicip": {"associate_instance_type": null, "associate_instance_id": null}})).await;
    assert_eq!((o.status, o.body["publicip"]["status"].as_str(), o.body["publicip"]["vnic"].clone()), (200, Some("DOWN"), Value::Null));
    assert_error(
        &api.put(&upd, json!({"publicip": {"associate_instance_type": "ELB", "associate_instance_id": pid}})).await,
        404,
        "VPC.9904",
    );

    // A port deleted through Neutron takes its binding with it.
    api.post(&assoc(&e2), json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": pid}})).await;
    assert_eq!(api.delete(&format!("/v2.0/ports/{pid}")).await.status, 204);
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips/{e2}")).await;
    assert_eq!((o.body["publicip"]["status"].as_str(), o.body["publicip"]["vnic"].clone()), (Some("DOWN"), Value::Null));
}

#[tokio::test]
async fn eips_join_a_shared_bandwidth() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let bw = id(&api.create("/v2.0/{pid}/bandwidths", json!({"bandwidth": {"name": "bw-share", "size": 20}}), 200, "bandwidth").await);
    let e1 = v1_eip(&api, "bw-one").await;
    let e2 = v1_eip(&api, "bw-two").await;
    let e3 = v1_eip(&api, "bw-three").await;
    let path = "/v3/{pid}/eip/publicips/attach-share-bandwidth";

    let o = api.post(path, json!({"publicips": [{"bandwidth_id": bw, "publicip_id": e1}, {"bandwidth_id": bw, "publicip_id": e2}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert!(o.body["request_id"].is_string());
    let out = items(&o, "publicips");
    assert_eq!(out.len(), 2);
    for (item, eid) in out.iter().zip([&e1, &e2]) {
        assert_eq!(item["statusCode"], 200);
        let p = &item["publicip"];
        assert_eq!(
            (p["id"].as_str(), p["bandwidth"]["id"].as_str(), p["bandwidth"]["share_type"].as_str()),
            (Some(eid.as_str()), Some(bw.as_str()), Some("WHOLE"))
        );
        assert_eq!((p["bandwidth"]["name"].as_str(), p["bandwidth"]["size"].as_u64()), (Some("bw-share"), Some(20)));
        assert!(p.get("tags").is_none() && p.get("public_ipv6_address").is_some());
    }
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips?bandwidth.id={bw}")).await;
    assert_eq!(ids(items(&o, "publicips")), vec![e1.clone(), e2.clone()]);
    let o = api.get("/v3/{pid}/eip/publicips?bandwidth.share_type=WHOLE&bandwidth.size=20&bandwidth.charge_mode=bandwidth").await;
    assert_eq!(items(&o, "publicips").len(), 2);
    let shown = api.get(&format!("/v1/{{pid}}/bandwidths/{bw}")).await;
    assert_eq!(shown.body["bandwidth"]["publicip_info"].as_array().unwrap().len(), 2);

    let other_bw = "0a0a0a0a-0000-0000-0000-000000000000";
    for (body, status, code) in [
        (json!({"publicips": []}), 400, "VPC.9901"),
        (json!({}), 400, "VPC.9901"),
        (json!({"publicips": [{"bandwidth_id": bw}]}), 400, "VPC.9901"),
        (json!({"publicips": [{"bandwidth_id": "short", "publicip_id": e3}]}), 400, "VPC.9901"),
        (json!({"publicips": [{"bandwidth_id": bw, "publicip_id": e3}, {"bandwidth_id": other_bw, "publicip_id": e1}]}), 400, "VPC.9901"),
        (json!({"publicips": (0..51).map(|_| json!({"bandwidth_id": bw, "publicip_id": e3})).collect::<Vec<_>>()}), 400, "VPC.9901"),
        (json!({"publicips": [{"bandwidth_id": other_bw, "publicip_id": e3}]}), 404, "VPC.9904"),
        (json!({"publicips": [{"bandwidth_id": bw, "publicip_id": other_bw}]}), 404, "VPC.9904"),
    ] {
        assert_error(&api.post(path, body.clone()).await, status, code);
    }
    // A dedicated bandwidth cannot take EIPs.
    let dedicated =
        api.get(&format!("/v3/{{pid}}/eip/publicips/{e3}")).await.body["publicip"]["bandwidth"]["id"].as_str().unwrap().to_string();
    assert_error(&api.post(path, json!({"publicips": [{"bandwidth_id": dedicated, "publicip_id": e1}]})).await, 400, "VPC.9902");
    let o = api.get(&format!("/v3/{{pid}}/eip/publicips/{e3}")).await;
    assert_eq!(o.body["publicip"]["bandwidth"]["share_type"], "PER", "a refused request changes nothing");
}

#[tokio::test]
async fn common_pools() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    v1_eip(&api, "bw-one").await;
    v1_eip(&api, "bw-two").await;
    let o = api.get("/v3/{pid}/eip/publicip-pools/common-pools").await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(
        o.body["common_pools"],
        json!([{"name": "5_bgp", "status": "active", "type": "bgp", "used": 2, "public_border_group": "center", "allow_share_bandwidth_types": ["share"]}])
    );
    assert!(o.body["request_id"].is_string());
    let ext = api.external_network().await;
    let o = api.get("/v3/{pid}/eip/publicip-pools/common-pools?fields=id&fields=name").await;
    assert_eq!(o.body["common_pools"], json!([{"id": ext, "name": "5_bgp"}]));
    let o = api.get("/v3/{pid}/eip/publicip-pools/common-pools?name=5_bgp&public_border_group=center").await;
    assert_eq!(items(&o, "common_pools").len(), 1);
    let o = api.get("/v3/{pid}/eip/publicip-pools/common-pools?name=5_sbgp").await;
    assert_eq!(o.body["common_pools"], json!([]));
    let o = api.get(&format!("/v3/{{pid}}/eip/publicip-pools/common-pools?name={}", "n".repeat(37))).await;
    assert_error(&o, 400, "VPC.9901");
}

#[tokio::test]
async fn another_project_sees_none_of_it() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (vpc, subnet) = de.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let sg = id(&de.create("/v3/{pid}/vpc/security-groups", json!({"security_group": {"name": "sg-de"}}), 201, "security_group").await);
    let rule = id(&de
        .create(
            "/v3/{pid}/vpc/security-group-rules",
            json!({"security_group_rule": {"security_group_id": sg, "direction": "ingress", "protocol": "tcp", "multiport": "22"}}),
            201,
            "security_group_rule",
        )
        .await);
    let eip = v1_eip(&de, "bw-de").await;
    let port = id(&port_on(&de, &subnet).await);
    let bw = id(&de.create("/v2.0/{pid}/bandwidths", json!({"bandwidth": {"name": "bw-share", "size": 20}}), 200, "bandwidth").await);

    let o = nl.get("/v3/{pid}/vpc/vpcs").await;
    assert_eq!((o.status, items(&o, "vpcs").len()), (200, 0));
    assert_error(&nl.get(&format!("/v3/{{pid}}/vpc/vpcs/{vpc}")).await, 404, "VPC.9904");
    assert_error(
        &nl.put(&format!("/v3/{{pid}}/vpc/vpcs/{vpc}/add-extend-cidr"), json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}})).await,
        404,
        "VPC.9904",
    );
    assert_error(
        &nl.put(&format!("/v3/{{pid}}/vpc/vpcs/{vpc}/remove-extend-cidr"), json!({"vpc": {"extend_cidrs": ["23.8.0.0/16"]}})).await,
        404,
        "VPC.9904",
    );

    let o = nl.get("/v3/{pid}/vpc/security-groups").await;
    let groups = items(&o, "security_groups");
    assert_eq!(groups.len(), 1, "only eu-nl's own default group");
    assert_eq!(groups[0]["project_id"], nl.pid.as_str());
    assert_error(&nl.get(&format!("/v3/{{pid}}/vpc/security-groups/{sg}")).await, 404, "VPC.9904");
    assert_error(
        &nl.put(&format!("/v3/{{pid}}/vpc/security-groups/{sg}"), json!({"security_group": {"name": "x"}})).await,
        404,
        "VPC.9904",
    );
    assert_error(&nl.delete(&format!("/v3/{{pid}}/vpc/security-groups/{sg}")).await, 404, "VPC.9904");
    let o = nl.get(&format!("/v3/{{pid}}/vpc/security-group-rules?security_group_id={sg}")).await;
    assert_eq!(items(&o, "security_group_rules").len(), 0);
    assert_error(&nl.get(&format!("/v3/{{pid}}/vpc/security-group-rules/{rule}")).await, 404, "VPC.9904");
    assert_error(&nl.delete(&format!("/v3/{{pid}}/vpc/security-group-rules/{rule}")).await, 404, "VPC.9904");
    let o = nl
        .post("/v3/{pid}/vpc/security-group-rules", json!({"security_group_rule": {"security_group_id": sg, "direction": "egress"}}))
        .await;
    assert_error(&o, 404, "VPC.9904");

    let o = nl.get("/v3/{pid}/eip/publicips").await;
    assert_eq!((items(&o, "publicips").len(), o.body["total_count"].as_u64()), (0, Some(0)));
    assert_error(&nl.get(&format!("/v3/{{pid}}/eip/publicips/{eip}")).await, 404, "VPC.9904");
    assert_error(&nl.put(&format!("/v3/{{pid}}/eip/publicips/{eip}"), json!({"publicip": {"alias": "x"}})).await, 404, "VPC.9904");
    let bind = json!({"publicip": {"associate_instance_type": "PORT", "associate_instance_id": port}});
    assert_error(&nl.post(&format!("/v3/{{pid}}/eip/publicips/{eip}/associate-instance"), bind.clone()).await, 404, "VPC.9904");
    assert_error(&nl.post(&format!("/v3/{{pid}}/eip/publicips/{eip}/disassociate-instance"), json!({})).await, 404, "VPC.9904");
    let o =
        nl.post("/v3/{pid}/eip/publicips/attach-share-bandwidth", json!({"publicips": [{"bandwidth_id": bw, "publicip_id": eip}]})).await;
    assert_error(&o, 404, "VPC.9904");
    let o = nl.get("/v3/{pid}/eip/publicip-pools/common-pools").await;
    assert_eq!(o.body["common_pools"][0]["used"], 0);
    // An eu-nl EIP cannot be bound to an eu-de port either.
    let nl_eip = v1_eip(&nl, "bw-nl").await;
    assert_error(&nl.post(&format!("/v3/{{pid}}/eip/publicips/{nl_eip}/associate-instance"), bind).await, 404, "VPC.9904");

    // eu-nl's token on eu-de's project path is refused by the gateway.
    let r = emu.call(reqwest::Method::GET, &format!("/v3/{}/vpc/vpcs", de.pid), Some(&nl.token), None).await;
    assert_eq!(r.status(), 403);
    // And eu-de still has everything.
    assert_eq!(de.get(&format!("/v3/{{pid}}/vpc/security-group-rules/{rule}")).await.status, 200);
    assert_eq!(de.get(&format!("/v3/{{pid}}/eip/publicips/{eip}")).await.body["publicip"]["alias"], Value::Null);
}

#[tokio::test]
async fn v3_paths_answer_under_the_vpc_prefix_and_need_a_token() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api.get("/vpc/v3/{pid}/vpc/security-groups").await;
    assert_eq!((o.status, items(&o, "security_groups").len()), (200, 1));
    let r = emu.call(reqwest::Method::GET, &format!("/v3/{}/vpc/vpcs", api.pid), None, None).await;
    assert_eq!(r.status(), 401);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error_code"], "APIGW.0301");
}

#[tokio::test]
async fn quotas_and_pending_vpcs() {
    let mut cfg = config();
    cfg.network.settle_seconds = 60;
    cfg.network.quotas.security_group = 2;
    cfg.network.quotas.security_group_rule = 9;
    let emu = Emu::with(cfg).await;
    let api = Api::new(&emu, "eu-de").await;
    let v = v1_vpc(&api, "slow", "10.0.0.0/16").await;
    assert_eq!(api.get(&format!("/v3/{{pid}}/vpc/vpcs/{v}")).await.body["vpc"]["status"], "PENDING");

    let create = "/v3/{pid}/vpc/security-groups";
    let sg = id(&api.create(create, json!({"security_group": {"name": "one"}}), 201, "security_group").await);
    let o = api.post(create, json!({"security_group": {"name": "two"}})).await;
    assert_error(&o, 409, "VPC.9905");
    assert_eq!(o.body["error_msg"], "Quota exceeded for resources: security_group.");
    assert_error(&api.post(create, json!({"security_group": {"name": "two"}, "dry_run": true})).await, 409, "VPC.9905");

    let rule = |port: &str| json!({"security_group_rule": {"security_group_id": sg, "direction": "ingress", "protocol": "tcp", "multiport": port}});
    api.create("/v3/{pid}/vpc/security-group-rules", rule("22"), 201, "security_group_rule").await;
    let o = api.post("/v3/{pid}/vpc/security-group-rules", rule("23")).await;
    assert_error(&o, 409, "VPC.9905");
    assert_eq!(o.body["error_msg"], "Quota exceeded for resources: ['security_group_rule'].");
}
