//! VPC v2.0 tags of VPCs, subnets and EIPs, over resources created through
//! Neutron (a router is a VPC, a network attached to a router is a v1
//! subnet, a floating IP is an EIP).

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

/// A caller in one project.
struct Caller<'a> {
    emu: &'a Emu,
    token: String,
    pid: String,
}

impl<'a> Caller<'a> {
    async fn new(emu: &'a Emu, project: &str) -> Caller<'a> {
        Caller { emu, token: emu.token(Some(project)).await, pid: emu.project_id(project).await }
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let r = self.emu.call(method, path, Some(&self.token), body).await;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
        (status, body)
    }

    /// A call on `/v2.0/{project_id}/{rest}`.
    async fn v2(&self, method: Method, rest: &str, body: Option<Value>) -> (u16, Value) {
        self.send(method, &format!("/v2.0/{}/{rest}", self.pid), body).await
    }

    /// A call that must fail with `status` and a `{"code","message"}` body
    /// with `code`; returns the message.
    async fn fails(&self, method: Method, rest: &str, body: Option<Value>, status: u16, code: &str) -> String {
        let (s, b) = self.v2(method.clone(), rest, body).await;
        assert_eq!(s, status, "{method} {rest}: {b}");
        assert_eq!(b["code"], code, "{method} {rest}: {b}");
        b["message"].as_str().unwrap().to_string()
    }

    async fn router(&self, name: &str) -> String {
        let (s, b) = self.send(Method::POST, "/v2.0/routers", Some(json!({"router": {"name": name}}))).await;
        assert_eq!(s, 201, "{b}");
        b["router"]["id"].as_str().unwrap().to_string()
    }

    async fn eip(&self) -> String {
        let (s, b) = self.send(Method::GET, "/v2.0/networks?name=admin_external_net", None).await;
        assert_eq!(s, 200);
        let ext = b["networks"][0]["id"].as_str().unwrap().to_string();
        let (s, b) = self.send(Method::POST, "/v2.0/floatingips", Some(json!({"floatingip": {"floating_network_id": ext}}))).await;
        assert_eq!(s, 201, "{b}");
        b["floatingip"]["id"].as_str().unwrap().to_string()
    }

    /// A Neutron network with a subnet, not (yet) on a router.
    async fn network(&self, name: &str, cidr: &str) -> (String, String) {
        let (s, b) = self.send(Method::POST, "/v2.0/networks", Some(json!({"network": {"name": name}}))).await;
        assert_eq!(s, 201, "{b}");
        let net = b["network"]["id"].as_str().unwrap().to_string();
        let (s, b) = self.send(Method::POST, "/v2.0/subnets", Some(json!({"subnet": {"network_id": net, "cidr": cidr}}))).await;
        assert_eq!(s, 201, "{b}");
        (net, b["subnet"]["id"].as_str().unwrap().to_string())
    }

    async fn attach(&self, router: &str, subnet: &str) {
        let path = format!("/v2.0/routers/{router}/add_router_interface");
        let (s, b) = self.send(Method::PUT, &path, Some(json!({"subnet_id": subnet}))).await;
        assert_eq!(s, 200, "{b}");
    }

    /// A VPC v1 subnet in `router`: its id is the network id.
    async fn v1_subnet(&self, router: &str, name: &str, cidr: &str) -> String {
        let (net, subnet) = self.network(name, cidr).await;
        self.attach(router, &subnet).await;
        net
    }

    async fn tags(&self, r: &str, id: &str) -> Value {
        let (s, b) = self.v2(Method::GET, &format!("{r}/{id}/tags"), None).await;
        assert_eq!(s, 200, "{b}");
        b["tags"].clone()
    }

    async fn ok(&self, method: Method, rest: &str, body: Option<Value>) {
        let (s, b) = self.v2(method.clone(), rest, body).await;
        assert_eq!(s, 204, "{method} {rest}: {b}");
        assert_eq!(b, Value::Null, "no body");
    }

    async fn query(&self, r: &str, body: Value) -> Value {
        let (s, b) = self.v2(Method::POST, &format!("{r}/resource_instances/action"), Some(body)).await;
        assert_eq!(s, 200, "{b}");
        b
    }

    async fn found_ids(&self, r: &str, body: Value) -> Vec<String> {
        let b = self.query(r, body).await;
        b["resources"].as_array().unwrap().iter().map(|x| x["resource_id"].as_str().unwrap().to_string()).collect()
    }
}

fn kv(k: &str, v: &str) -> Value {
    json!({"key": k, "value": v})
}

/// Every per-resource operation, with the key/value limits of `r`.
async fn round_trip(c: &Caller<'_>, r: &str, id: &str, key_max: usize, value_max: usize) {
    assert_eq!(c.tags(r, id).await, json!([]));
    c.ok(Method::POST, &format!("{r}/{id}/tags"), Some(json!({"tag": kv("env", "dev")}))).await;
    assert_eq!(c.tags(r, id).await, json!([kv("env", "dev")]));
    // an existing key gets the new value
    c.ok(Method::POST, &format!("{r}/{id}/tags"), Some(json!({"tag": kv("env", "prod")}))).await;
    assert_eq!(c.tags(r, id).await, json!([kv("env", "prod")]));

    let batch = json!({"action": "create", "tags": [kv("a", "1"), kv("b@x", "2-_@"), kv("env", "test"), kv("empty", "")]});
    c.ok(Method::POST, &format!("{r}/{id}/tags/action"), Some(batch)).await;
    let tags = c.tags(r, id).await;
    assert_eq!(tags, json!([kv("env", "test"), kv("a", "1"), kv("b@x", "2-_@"), kv("empty", "")]));

    // batch delete: by key, missing tags and the character set are fine
    let del = json!({"action": "delete", "tags": [kv("a", "other"), {"key": "no such key!"}, kv("empty", "")]});
    c.ok(Method::POST, &format!("{r}/{id}/tags/action"), Some(del)).await;
    assert_eq!(c.tags(r, id).await, json!([kv("env", "test"), kv("b@x", "2-_@")]));

    // single delete (percent-encoded key), and of a key that is not there
    c.ok(Method::DELETE, &format!("{r}/{id}/tags/b%40x"), None).await;
    c.ok(Method::DELETE, &format!("{r}/{id}/tags/nothing"), None).await;
    assert_eq!(c.tags(r, id).await, json!([kv("env", "test")]));

    // the length limits of this resource type, both ways
    let long_key = "k".repeat(key_max);
    let long_value = "v".repeat(value_max);
    c.ok(Method::POST, &format!("{r}/{id}/tags"), Some(json!({"tag": kv(&long_key, &long_value)}))).await;
    let msg = format!("Tag length is invalid. The key length must be in range [1,{key_max}] and value in range [0,{value_max}]");
    let too_long_key = json!({"tag": kv(&format!("{long_key}k"), "")});
    assert_eq!(c.fails(Method::POST, &format!("{r}/{id}/tags"), Some(too_long_key), 400, "VPC.1801").await, msg);
    let too_long_value = json!({"action": "create", "tags": [kv("x", &format!("{long_value}v"))]});
    assert_eq!(c.fails(Method::POST, &format!("{r}/{id}/tags/action"), Some(too_long_value), 400, "VPC.1801").await, msg);
    c.ok(Method::DELETE, &format!("{r}/{id}/tags/{long_key}"), None).await;
    assert_eq!(c.tags(r, id).await, json!([kv("env", "test")]));
}

#[tokio::test]
async fn every_operation_on_vpcs_subnets_and_eips() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    let vpc = c.router("vpc-a").await;
    let subnet = c.v1_subnet(&vpc, "subnet-a", "192.168.1.0/24").await;
    let eip = c.eip().await;
    round_trip(&c, "vpcs", &vpc, 128, 255).await;
    round_trip(&c, "subnets", &subnet, 128, 255).await;
    round_trip(&c, "publicips", &eip, 36, 43).await;

    // the resource types keep their tags apart
    c.ok(Method::POST, &format!("vpcs/{vpc}/tags"), Some(json!({"tag": kv("only", "vpc")}))).await;
    assert_eq!(c.tags("subnets", &subnet).await, json!([kv("env", "test")]));
    assert_eq!(c.tags("publicips", &eip).await, json!([kv("env", "test")]));

    // the service prefix serves the same operations
    let r = emu.call(Method::GET, &format!("/vpc/v2.0/{}/vpcs/{vpc}/tags", c.pid), Some(&c.token), None).await;
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["tags"], json!([kv("env", "test"), kv("only", "vpc")]));
}

#[tokio::test]
async fn bad_requests_are_vpc_1801() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    let vpc = c.router("vpc-a").await;
    let eip = c.eip().await;
    let tags = format!("vpcs/{vpc}/tags");
    let action = format!("vpcs/{vpc}/tags/action");
    let post = |path: &str, body: Value| (Method::POST, path.to_string(), Some(body));
    let cases: Vec<((Method, String, Option<Value>), &str)> = vec![
        (post(&tags, json!({})), "Tag can not be null."),
        (post(&tags, json!({"tag": null})), "Tag can not be null."),
        (post(&tags, json!({"tag": {"key": "k", "value": null}})), "Tag value can not be null."),
        (
            post(&tags, json!({"tag": {"value": "v"}})),
            "Tag length is invalid. The key length must be in range [1,128] and value in range [0,255]",
        ),
        (
            post(&tags, json!({"tag": kv("", "v")})),
            "Tag length is invalid. The key length must be in range [1,128] and value in range [0,255]",
        ),
        (post(&tags, json!({"tag": {"key": 5, "value": "v"}})), "Invalid input."),
        (post(&tags, json!(["not", "an", "object"])), "Invalid input."),
        (post(&action, json!({"tags": [kv("a", "b")]})), "action is invalid."),
        (post(&action, json!({"action": "update", "tags": [kv("a", "b")]})), "action is invalid."),
        (post(&action, json!({"action": "create"})), "Tag can not be null."),
        (post(&action, json!({"action": "create", "tags": [null]})), "Tag can not be null."),
        (post(&action, json!({"action": "create", "tags": [kv("a", "1"), kv("a", "2")]})), "Tag key is repeated."),
        (
            post(&action, json!({"action": "delete", "tags": [{"key": " "}]})),
            "Tag length is invalid. The key length must be in range [1,128] and value in range [0,255]",
        ),
        (
            post(&format!("publicips/{eip}/tags"), json!({"tag": kv("", "")})),
            "Tag length is invalid. The key length must be in range [1,36] and value in range [0,43]",
        ),
        (post("vpcs/not-a-uuid/tags", json!({"tag": kv("a", "b")})), "resource id is invalid."),
        ((Method::GET, "subnets/not-a-uuid/tags".into(), None), "resource id is invalid."),
    ];
    for ((m, path, body), want) in cases {
        assert_eq!(c.fails(m, &path, body, 400, "VPC.1801").await, want, "{path}");
    }
    // the character set: letters, digits, -, _, @
    for bad in [kv("a b", "x"), kv("a.b", "x"), kv("a", "x y"), kv("a", "x/y"), kv("a=b", "")] {
        let msg = c.fails(Method::POST, &tags, Some(json!({"tag": bad})), 400, "VPC.1801").await;
        assert!(msg.contains("is invalid"), "{msg}");
    }
    // a malformed body
    let r = emu
        .http
        .post(emu.url(&format!("/v2.0/{}/{tags}", c.pid)))
        .header("X-Auth-Token", &c.token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"code": "VPC.1801", "message": "Invalid input."}));
    // nothing was stored by the refused requests
    assert_eq!(c.tags("vpcs", &vpc).await, json!([]));
    // a value may be left out: it is empty
    c.ok(Method::POST, &tags, Some(json!({"tag": {"key": "flag"}}))).await;
    assert_eq!(c.tags("vpcs", &vpc).await, json!([kv("flag", "")]));
}

#[tokio::test]
async fn a_resource_carries_at_most_ten_tags() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    let vpc = c.router("vpc-a").await;
    let action = format!("vpcs/{vpc}/tags/action");
    let eleven: Vec<Value> = (0..11).map(|i| kv(&format!("k{i}"), "v")).collect();
    let msg = c.fails(Method::POST, &action, Some(json!({"action": "create", "tags": eleven})), 400, "VPC.1801").await;
    assert_eq!(msg, "number of tags exceeds max num of 10.");
    assert_eq!(c.tags("vpcs", &vpc).await, json!([]));

    let ten: Vec<Value> = (0..10).map(|i| kv(&format!("k{i}"), "v")).collect();
    c.ok(Method::POST, &action, Some(json!({"action": "create", "tags": ten}))).await;
    // overwriting an existing key is not a new tag
    c.ok(Method::POST, &format!("vpcs/{vpc}/tags"), Some(json!({"tag": kv("k3", "new")}))).await;
    let msg = c.fails(Method::POST, &format!("vpcs/{vpc}/tags"), Some(json!({"tag": kv("k10", "v")})), 400, "VPC.1801").await;
    assert_eq!(msg, "number of tags exceeds max num of 10.");
    let tags = c.tags("vpcs", &vpc).await;
    assert_eq!(tags.as_array().unwrap().len(), 10);
    assert_eq!(tags[3], kv("k3", "new"));
    // after a delete there is room again
    c.ok(Method::DELETE, &format!("vpcs/{vpc}/tags/k0"), None).await;
    c.ok(Method::POST, &format!("vpcs/{vpc}/tags"), Some(json!({"tag": kv("k10", "v")}))).await;
}

#[tokio::test]
async fn missing_resources_are_vpc_2204() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    let unknown = "7b3e4f6a-0d7c-4c1e-9a55-2f1d2b3c4d5e";
    for (r, what) in [("vpcs", "vpc"), ("subnets", "subnet"), ("publicips", "publicip")] {
        let want = format!("Query {what} by id fail.");
        assert_eq!(c.fails(Method::GET, &format!("{r}/{unknown}/tags"), None, 404, "VPC.2204").await, want);
        let body = Some(json!({"tag": kv("a", "b")}));
        assert_eq!(c.fails(Method::POST, &format!("{r}/{unknown}/tags"), body, 404, "VPC.2204").await, want);
        assert_eq!(c.fails(Method::DELETE, &format!("{r}/{unknown}/tags/a"), None, 404, "VPC.2204").await, want);
        let body = Some(json!({"action": "delete", "tags": [kv("a", "b")]}));
        assert_eq!(c.fails(Method::POST, &format!("{r}/{unknown}/tags/action"), body, 404, "VPC.2204").await, want);
    }
    // a Neutron network that is not on a router is no VPC v1 subnet, and a
    // router is no subnet
    let vpc = c.router("vpc-a").await;
    let (net, subnet) = c.network("loose", "10.0.0.0/24").await;
    c.fails(Method::GET, &format!("subnets/{net}/tags"), None, 404, "VPC.2204").await;
    c.fails(Method::GET, &format!("subnets/{vpc}/tags"), None, 404, "VPC.2204").await;
    c.fails(Method::GET, &format!("publicips/{vpc}/tags"), None, 404, "VPC.2204").await;
    c.attach(&vpc, &subnet).await;
    assert_eq!(c.tags("subnets", &net).await, json!([]));
    // a deleted EIP has no tags to show
    let eip = c.eip().await;
    c.ok(Method::POST, &format!("publicips/{eip}/tags"), Some(json!({"tag": kv("a", "b")}))).await;
    let (s, _) = c.send(Method::DELETE, &format!("/v2.0/floatingips/{eip}"), None).await;
    assert_eq!(s, 204);
    c.fails(Method::GET, &format!("publicips/{eip}/tags"), None, 404, "VPC.2204").await;
}

#[tokio::test]
async fn project_wide_tag_lists() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    for r in ["vpcs", "subnets", "publicips"] {
        let (s, b) = c.v2(Method::GET, &format!("{r}/tags"), None).await;
        assert_eq!((s, b), (200, json!({"tags": []})));
    }
    let a = c.router("vpc-a").await;
    let b = c.router("vpc-b").await;
    let _untagged = c.router("vpc-c").await;
    let action = |id: &str| format!("vpcs/{id}/tags/action");
    c.ok(Method::POST, &action(&a), Some(json!({"action": "create", "tags": [kv("env", "dev"), kv("team", "x")]}))).await;
    c.ok(Method::POST, &action(&b), Some(json!({"action": "create", "tags": [kv("env", "prod"), kv("team", "x")]}))).await;
    let (s, body) = c.v2(Method::GET, "vpcs/tags", None).await;
    assert_eq!(s, 200);
    assert_eq!(body, json!({"tags": [{"key": "env", "values": ["dev", "prod"]}, {"key": "team", "values": ["x"]}]}));

    let subnet = c.v1_subnet(&a, "subnet-a", "192.168.0.0/24").await;
    c.ok(Method::POST, &format!("subnets/{subnet}/tags"), Some(json!({"tag": kv("tier", "web")}))).await;
    let eip = c.eip().await;
    c.ok(Method::POST, &format!("publicips/{eip}/tags"), Some(json!({"tag": kv("owner", "ops")}))).await;
    let (_, body) = c.v2(Method::GET, "subnets/tags", None).await;
    assert_eq!(body, json!({"tags": [{"key": "tier", "values": ["web"]}]}));
    let (_, body) = c.v2(Method::GET, "publicips/tags", None).await;
    assert_eq!(body, json!({"tags": [{"key": "owner", "values": ["ops"]}]}));
    // the VPC list is unchanged by subnet and EIP tags
    let (_, body) = c.v2(Method::GET, "vpcs/tags", None).await;
    assert_eq!(body["tags"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn resources_by_tag_filter_and_count() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    let web1 = c.router("web-1").await;
    let web2 = c.router("web-2").await;
    let db = c.router("db").await;
    let bare = c.router("bare").await;
    let create = |tags: Value| Some(json!({"action": "create", "tags": tags}));
    c.ok(Method::POST, &format!("vpcs/{web1}/tags/action"), create(json!([kv("env", "dev"), kv("role", "web")]))).await;
    c.ok(Method::POST, &format!("vpcs/{web2}/tags/action"), create(json!([kv("env", "prod"), kv("role", "web")]))).await;
    c.ok(Method::POST, &format!("vpcs/{db}/tags/action"), create(json!([kv("env", "prod"), kv("role", "db")]))).await;

    // no criteria: every VPC, untagged ones with "tags": []
    let all = c.query("vpcs", json!({"action": "filter"})).await;
    assert_eq!(all["total_count"], 4);
    let resources = all["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 4);
    let first = &resources[0];
    assert_eq!(first["resource_id"], web1.as_str());
    assert_eq!(first["resource_name"], "web-1");
    assert_eq!(first["resource_detail"], Value::Null);
    assert!(first.as_object().unwrap().contains_key("resource_detail"));
    assert_eq!(first["tags"], json!([kv("env", "dev"), kv("role", "web")]));
    let last = resources.iter().find(|r| r["resource_id"] == bare.as_str()).unwrap();
    assert_eq!(last["tags"], json!([]));

    // OR within a key's values, AND across keys, [] = any value
    let ids = |v: &[&String]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let f = |tags: Value| json!({"action": "filter", "tags": tags});
    assert_eq!(c.found_ids("vpcs", f(json!([{"key": "env", "values": ["prod"]}]))).await, ids(&[&web2, &db]));
    assert_eq!(c.found_ids("vpcs", f(json!([{"key": "env", "values": ["dev", "prod"]}]))).await, ids(&[&web1, &web2, &db]));
    assert_eq!(c.found_ids("vpcs", f(json!([{"key": "role", "values": []}]))).await, ids(&[&web1, &web2, &db]));
    let both = json!([{"key": "env", "values": ["prod"]}, {"key": "role", "values": ["web"]}]);
    assert_eq!(c.found_ids("vpcs", f(both.clone())).await, ids(&[&web2]));
    assert_eq!(c.found_ids("vpcs", f(json!([{"key": "nope", "values": []}]))).await, Vec::<String>::new());

    // matches on resource_name
    let m = json!({"action": "filter", "matches": [{"key": "resource_name", "value": "web-2"}]});
    assert_eq!(c.found_ids("vpcs", m).await, ids(&[&web2]));
    let m = json!({"action": "filter", "matches": [{"key": "resource_name", "value": "web"}], "tags": [{"key": "env", "values": ["dev"]}]});
    assert_eq!(c.found_ids("vpcs", m).await, ids(&[&web1]));

    // limit/offset page; total_count is the number of matches; the doc
    // examples send them as strings
    let page = c.query("vpcs", json!({"action": "filter", "limit": 2, "offset": 1})).await;
    assert_eq!(page["total_count"], 4);
    let got: Vec<&str> = page["resources"].as_array().unwrap().iter().map(|r| r["resource_id"].as_str().unwrap()).collect();
    assert_eq!(got, vec![web2.as_str(), db.as_str()]);
    let page = c.query("vpcs", json!({"action": "filter", "limit": "100", "offset": "3"})).await;
    assert_eq!(page["resources"].as_array().unwrap().len(), 1);
    assert_eq!(page["total_count"], 4);
    let page = c.query("vpcs", json!({"action": "filter", "offset": 10})).await;
    assert_eq!(page, json!({"resources": [], "total_count": 4}));

    // count: only total_count
    let n = c.query("vpcs", json!({"action": "count", "tags": both})).await;
    assert_eq!(n, json!({"total_count": 1}));
    let n = c.query("vpcs", json!({"action": "count", "matches": [{"key": "resource_name", "value": "web"}]})).await;
    assert_eq!(n, json!({"total_count": 2}));
    assert_eq!(c.query("vpcs", json!({"action": "count"})).await, json!({"total_count": 4}));

    // a name change through Neutron shows in resource_name; tags survive it
    let (s, _) = c.send(Method::PUT, &format!("/v2.0/routers/{db}"), Some(json!({"router": {"name": "database"}}))).await;
    assert_eq!(s, 200);
    let m = json!({"action": "filter", "matches": [{"key": "resource_name", "value": "database"}]});
    let found = c.query("vpcs", m).await;
    assert_eq!(found["resources"][0]["resource_id"], db.as_str());
    assert_eq!(found["resources"][0]["tags"], json!([kv("env", "prod"), kv("role", "db")]));
    // a deleted router is gone from the results
    let (s, _) = c.send(Method::DELETE, &format!("/v2.0/routers/{web1}"), None).await;
    assert_eq!(s, 204);
    assert_eq!(c.query("vpcs", json!({"action": "count"})).await, json!({"total_count": 3}));
}

#[tokio::test]
async fn subnets_and_eips_by_tag() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    let vpc = c.router("vpc").await;
    let s1 = c.v1_subnet(&vpc, "front", "192.168.1.0/24").await;
    let s2 = c.v1_subnet(&vpc, "back", "192.168.2.0/24").await;
    let _loose = c.network("not-a-v1-subnet", "10.1.0.0/24").await;
    c.ok(Method::POST, &format!("subnets/{s2}/tags"), Some(json!({"tag": kv("tier", "db")}))).await;
    let all = c.query("subnets", json!({"action": "filter"})).await;
    assert_eq!(all["total_count"], 2);
    let names: Vec<&str> = all["resources"].as_array().unwrap().iter().map(|r| r["resource_name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["front", "back"]);
    assert_eq!(all["resources"][0]["resource_id"], s1.as_str());
    let tagged = json!({"action": "filter", "tags": [{"key": "tier", "values": ["db"]}]});
    assert_eq!(c.found_ids("subnets", tagged).await, vec![s2.clone()]);

    let e1 = c.eip().await;
    let e2 = c.eip().await;
    c.ok(Method::POST, &format!("publicips/{e1}/tags/action"), Some(json!({"action": "create", "tags": [kv("owner", "ops")]}))).await;
    let all = c.query("publicips", json!({"action": "filter"})).await;
    assert_eq!(all["total_count"], 2);
    // an EIP's resource_name is its alias (none for a Neutron floating IP)
    assert_eq!(all["resources"][1]["resource_id"], e2.as_str());
    assert_eq!(all["resources"][1]["resource_name"], "");
    let owned = json!({"action": "count", "tags": [{"key": "owner", "values": []}]});
    assert_eq!(c.query("publicips", owned).await, json!({"total_count": 1}));
    let named = json!({"action": "count", "matches": [{"key": "resource_name", "value": "x"}]});
    assert_eq!(c.query("publicips", named).await, json!({"total_count": 0}));
}

#[tokio::test]
async fn bad_queries_are_vpc_1801() {
    let emu = Emu::start().await;
    let c = Caller::new(&emu, "eu-de").await;
    let eleven: Vec<String> = (0..11).map(|i| format!("v{i}")).collect();
    let cases = [
        (json!({}), "action is invalid."),
        (json!({"action": "list"}), "action is invalid."),
        (json!({"action": "filter", "limit": 0}), "Limit in resourceInstancesReq is invalid."),
        (json!({"action": "filter", "limit": 1001}), "Limit in resourceInstancesReq is invalid."),
        (json!({"action": "filter", "limit": "ten"}), "Limit in resourceInstancesReq is invalid."),
        (json!({"action": "filter", "offset": -1}), "Offset in resourceInstancesReq is invalid."),
        (json!({"action": "filter", "matches": []}), "The number of Matches in resourceInstancesReq is 0."),
        (json!({"action": "filter", "matches": [null]}), "The list of matches contains null."),
        (json!({"action": "filter", "matches": [{"key": "name", "value": "x"}]}), "The key of matches is invalid."),
        (json!({"action": "filter", "matches": [{"key": "resource_name"}]}), "The value of Matches in resourceInstancesReq is null."),
        (
            json!({"action": "filter", "matches": [{"key": "resource_name", "value": "x".repeat(256)}]}),
            "The value's length of Matches in resourceInstancesReq is more than 255.",
        ),
        (json!({"action": "filter", "tags": [null]}), "Tag can not be null."),
        (json!({"action": "filter", "tags": [{"key": "a"}]}), "Tag value can not be null."),
        (json!({"action": "count", "tags": [{"key": "a", "values": ["x", "x"]}]}), "Value of tags in resourceInstancesReq is duplicate."),
        (json!({"action": "count", "tags": [{"key": "a", "values": []}, {"key": "a", "values": ["y"]}]}), "Tag key is repeated."),
        (json!({"action": "count", "tags": [{"key": "a", "values": eleven}]}), "number of tags exceeds max num of 10."),
        (json!({"action": "count", "tags": {"key": "a"}}), "ResourceInstancesReq is null or invalid."),
        (json!({"action": "count", "matches": "resource_name"}), "ResourceInstancesReq is null or invalid."),
        (json!(null), "ResourceInstancesReq is null or invalid."),
    ];
    for (body, want) in cases {
        for r in ["vpcs", "subnets", "publicips"] {
            let path = format!("{r}/resource_instances/action");
            assert_eq!(c.fails(Method::POST, &path, Some(body.clone()), 400, "VPC.1801").await, want, "{r} {body}");
        }
    }
    // query keys: 1-128 characters, 127 for EIPs; values up to 255
    for (r, key_max) in [("vpcs", 128), ("subnets", 128), ("publicips", 127)] {
        let path = format!("{r}/resource_instances/action");
        let want = format!("Tag length is invalid. The key length must be in range [1,{key_max}] and value in range [0,255]");
        for tag in [
            json!({"key": "", "values": []}),
            json!({"key": "k".repeat(key_max + 1), "values": []}),
            json!({"key": "k", "values": ["v".repeat(256)]}),
        ] {
            let body = json!({"action": "filter", "tags": [tag]});
            assert_eq!(c.fails(Method::POST, &path, Some(body), 400, "VPC.1801").await, want);
        }
        let fine = json!({"action": "count", "tags": [{"key": "k".repeat(key_max), "values": ["v".repeat(255)]}]});
        assert_eq!(c.query(r, fine).await, json!({"total_count": 0}));
    }
}

#[tokio::test]
async fn another_project_neither_sees_nor_tags() {
    let emu = Emu::start().await;
    let de = Caller::new(&emu, "eu-de").await;
    let nl = Caller::new(&emu, "eu-nl").await;
    let vpc = de.router("vpc-de").await;
    let subnet = de.v1_subnet(&vpc, "subnet-de", "192.168.0.0/24").await;
    let eip = de.eip().await;
    for (r, id) in [("vpcs", &vpc), ("subnets", &subnet), ("publicips", &eip)] {
        de.ok(Method::POST, &format!("{r}/{id}/tags"), Some(json!({"tag": kv("owner", "de")}))).await;
        // in its own project path, the other project's resources do not exist
        nl.fails(Method::GET, &format!("{r}/{id}/tags"), None, 404, "VPC.2204").await;
        nl.fails(Method::POST, &format!("{r}/{id}/tags"), Some(json!({"tag": kv("owner", "nl")})), 404, "VPC.2204").await;
        let body = Some(json!({"action": "delete", "tags": [kv("owner", "")]}));
        nl.fails(Method::POST, &format!("{r}/{id}/tags/action"), body, 404, "VPC.2204").await;
        nl.fails(Method::DELETE, &format!("{r}/{id}/tags/owner"), None, 404, "VPC.2204").await;
        let (s, b) = nl.v2(Method::GET, &format!("{r}/tags"), None).await;
        assert_eq!((s, b), (200, json!({"tags": []})));
        assert_eq!(nl.query(r, json!({"action": "filter"})).await, json!({"resources": [], "total_count": 0}));
        assert_eq!(nl.query(r, json!({"action": "count"})).await, json!({"total_count": 0}));
        // and the other project's path is not its to use
        let path = format!("/v2.0/{}/{r}/{id}/tags", de.pid);
        let (s, _) = nl.send(Method::GET, &path, None).await;
        assert_eq!(s, 403);
        let (s, _) = nl.send(Method::POST, &path, Some(json!({"tag": kv("owner", "nl")}))).await;
        assert_eq!(s, 403);
        // the owner's tags are untouched
        assert_eq!(de.tags(r, id).await, json!([kv("owner", "de")]));
    }
}
