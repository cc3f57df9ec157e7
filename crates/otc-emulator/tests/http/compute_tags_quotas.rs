//! A server's tags through every facade (Nova 2.26 strings, ECS v1
//! key/value pairs, project tags, the out-of-date v1 paths, the query by
//! tag), and Nova's quota sets against the compute model's real quotas.

use crate::common::*;
use crate::netkit::{id, Api};
use reqwest::Method;
use serde_json::{json, Value};

fn image() -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == "Standard_Debian_11_latest").unwrap().id()
}

async fn at(api: &Api<'_>, method: Method, path: &str, mv: &str, body: Option<Value>) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut req = api.emu.http.request(method, api.emu.url(&path.replace("{pid}", &api.pid))).header("X-Auth-Token", &api.token);
    req = req.header("X-OpenStack-Nova-API-Version", mv);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let (s, h) = (r.status().as_u16(), r.headers().clone());
    (s, r.json().await.unwrap_or(Value::Null), h)
}

async fn server(api: &Api<'_>, net: &str, name: &str) -> String {
    let body = json!({"server": {"name": name, "flavorRef": "s3.medium.1", "imageRef": image(), "networks": [{"uuid": net}]}});
    let o = api.post("/v2.1/{pid}/servers", body).await;
    assert_eq!(o.status, 202, "{}", o.body);
    id(&o.body["server"])
}

#[tokio::test]
async fn one_tag_store_behind_nova_and_ecs() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.7.0.0/16", "10.7.1.0/24", "10.7.1.1").await;
    let sid = server(&api, &net, "tagged").await;
    let other = server(&api, &net, "other").await;
    let tags = format!("/v2.1/{{pid}}/servers/{sid}/tags");

    // Before 2.26 the routes are not there.
    let (s, b, _) = at(&api, Method::GET, &tags, "2.25", None).await;
    assert_eq!((s, b["itemNotFound"]["message"].as_str()), (404, Some("The resource could not be found.")));
    let (s, b, _) = at(&api, Method::PUT, &tags, "2.26", Some(json!({"tags": ["web", "prod", "web"]}))).await;
    assert_eq!((s, b["tags"].clone()), (200, json!(["web", "prod"])), "duplicates fold");
    let (s, _, h) = at(&api, Method::PUT, &format!("{tags}/db"), "2.26", None).await;
    assert_eq!(s, 201);
    assert!(h["location"].to_str().unwrap().ends_with(&format!("/servers/{sid}/tags/db")));
    assert_eq!(at(&api, Method::PUT, &format!("{tags}/db"), "2.26", None).await.0, 204, "already there");
    assert_eq!(at(&api, Method::GET, &format!("{tags}/db"), "2.26", None).await.0, 204);
    assert_eq!(at(&api, Method::GET, &format!("{tags}/nope"), "2.26", None).await.0, 404);

    // ECS sees the same tags as keys without values, and adds pairs Nova sees.
    let o = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/tags")).await;
    assert_eq!(o.body["tags"], json!([{"key": "web", "value": ""}, {"key": "prod", "value": ""}, {"key": "db", "value": ""}]));
    let add = json!({"action": "create", "tags": [{"key": "env", "value": "dev"}]});
    assert_eq!(api.post(&format!("/v1/{{pid}}/servers/{sid}/tags/action"), add).await.status, 204, "the out-of-date path");
    let (_, b, _) = at(&api, Method::GET, &tags, "2.26", None).await;
    assert_eq!(b["tags"], json!(["web", "prod", "db", "env=dev"]));
    let (_, b, _) = at(&api, Method::GET, &format!("/v2.1/{{pid}}/servers/{sid}"), "2.26", None).await;
    assert_eq!(b["server"]["tags"], json!(["web", "prod", "db", "env=dev"]));
    assert_eq!(at(&api, Method::GET, &format!("{tags}/env"), "2.26", None).await.0, 204, "a pair is found by its key");
    let o = api.get(&format!("/v1/{{pid}}/servers/{sid}/tags")).await;
    assert_eq!(o.body["tags"][3], json!({"key": "env", "value": "dev"}));
    let add = json!({"action": "create", "tags": [{"key": "env", "value": "prod"}]});
    assert_eq!(api.post(&format!("/v1/{{pid}}/cloudservers/{other}/tags/action"), add).await.status, 204);

    // Project tags: each key with its values.
    for path in ["/v1/{pid}/cloudservers/tags", "/v1/{pid}/servers/tags"] {
        let o = api.get(path).await;
        assert_eq!(o.status, 200, "{}", o.body);
        let env = o.body["tags"].as_array().unwrap().iter().find(|t| t["key"] == "env").unwrap().clone();
        assert_eq!(env["values"], json!(["dev", "prod"]));
    }

    // Servers by tag.
    let q = |body: Value| async { api.post("/v1/{pid}/servers/resource_instances/action", body).await };
    let o = q(json!({"action": "filter", "tags": [{"key": "env", "values": ["dev", "x"]}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["total_count"].as_u64(), o.body["resources"][0]["resource_id"].as_str()), (Some(1), Some(sid.as_str())));
    assert_eq!(o.body["resources"][0]["resource_name"], "tagged");
    let o = q(json!({"action": "count", "tags": [{"key": "env"}]})).await;
    assert_eq!(o.body, json!({"total_count": 2}));
    let o = q(json!({"action": "filter", "not_tags": [{"key": "web"}], "matches": [{"key": "resource_name", "value": "oth"}]})).await;
    assert_eq!(o.body["resources"].as_array().unwrap().len(), 1);
    assert_eq!(o.body["resources"][0]["tags"], json!([{"key": "env", "value": "prod"}]));
    let o = q(json!({"action": "filter", "limit": "1", "offset": "1"})).await;
    assert_eq!((o.body["resources"].as_array().unwrap().len(), o.body["total_count"].as_u64()), (1, Some(2)));
    for bad in [
        json!({}),
        json!({"action": "drop"}),
        json!({"action": "filter", "limit": "1001"}),
        json!({"action": "filter", "limit": -1}),
        json!({"action": "filter", "tags": [{"values": ["a"]}]}),
        json!({"action": "filter", "tags": [{"key": "a"}, {"key": "a"}]}),
        json!({"action": "filter", "tags": {"key": "a"}}),
        json!({"action": "filter", "matches": [{"key": "id", "value": "x"}]}),
    ] {
        let o = q(bad.clone()).await;
        assert_eq!((o.status, o.body["error"]["code"].as_str()), (400, Some("Ecs.0005")), "{bad}: {}", o.body);
    }

    // Nova refusals, and deleting.
    for body in [json!({"tags": ["a b"]}), json!({"tags": [""]}), json!({"tags": [1]}), json!({"tags": "a"}), json!({})] {
        assert_eq!(at(&api, Method::PUT, &tags, "2.26", Some(body.clone())).await.0, 400, "{body}");
    }
    let many: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    assert_eq!(at(&api, Method::PUT, &tags, "2.26", Some(json!({ "tags": many }))).await.0, 400);
    assert_eq!(at(&api, Method::PUT, &format!("{tags}/{}", "x".repeat(81)), "2.26", None).await.0, 400);
    assert_eq!(at(&api, Method::DELETE, &format!("{tags}/env"), "2.26", None).await.0, 204);
    assert_eq!(at(&api, Method::DELETE, &format!("{tags}/env"), "2.26", None).await.0, 404);
    assert_eq!(at(&api, Method::DELETE, &tags, "2.26", None).await.0, 204);
    assert_eq!(api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/tags")).await.body["tags"], json!([]));
    assert_eq!(at(&api, Method::GET, "/v2.1/{pid}/servers/nope/tags", "2.26", None).await.0, 404);

    // eu-nl reaches none of it.
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(at(&nl, Method::GET, &tags.replace("{pid}", &nl.pid), "2.26", None).await.0, 404);
    assert_eq!(nl.get("/v1/{pid}/cloudservers/tags").await.body["tags"], json!([]));
    let o = nl.post("/v1/{pid}/servers/resource_instances/action", json!({"action": "count"})).await;
    assert_eq!(o.body["total_count"], 0);
}

#[tokio::test]
async fn tags_wait_for_a_built_server() {
    let mut c = config();
    c.compute.build_seconds = 30;
    let emu = Emu::with(c).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.6.0.0/16", "10.6.1.0/24", "10.6.1.1").await;
    let sid = server(&api, &net, "building").await;
    let (s, b, _) = at(&api, Method::PUT, &format!("/v2.1/{{pid}}/servers/{sid}/tags/a"), "2.26", None).await;
    assert_eq!(s, 409, "{b}");
    emu.server.clock.advance(chrono::Duration::seconds(31));
    assert_eq!(at(&api, Method::PUT, &format!("/v2.1/{{pid}}/servers/{sid}/tags/a"), "2.26", None).await.0, 201);
}

#[tokio::test]
async fn quota_sets_are_the_models_quotas() {
    let mut c = config();
    c.compute.quotas.instances = 7;
    c.compute.quotas.cores = 11;
    let emu = Emu::with(c).await;
    let api = Api::new(&emu, "eu-de").await;
    for v in ["v2", "v2.1"] {
        for suffix in ["", "/defaults"] {
            let o = api.get(&format!("/{v}/{{pid}}/os-quota-sets/{{pid}}{suffix}")).await;
            assert_eq!(o.status, 200, "{}", o.body);
            let q = &o.body["quota_set"];
            assert_eq!(q["id"], api.pid.as_str());
            assert_eq!((q["instances"].as_u64(), q["cores"].as_u64()), (Some(7), Some(11)));
            assert_eq!(
                (q["metadata_items"].as_u64(), q["server_groups"].as_u64(), q["server_group_members"].as_u64()),
                (Some(128), Some(10), Some(10))
            );
            assert!(q["security_groups"].as_u64().is_some() && q["floating_ips"].as_u64().is_some());
        }
    }
    let limits = api.get("/v2.1/{pid}/limits").await.body["limits"]["absolute"].clone();
    assert_eq!((limits["maxTotalInstances"].as_u64(), limits["maxTotalCores"].as_u64()), (Some(7), Some(11)));
    let nl = Api::new(&emu, "eu-nl").await;
    let o = api.get(&format!("/v2.1/{{pid}}/os-quota-sets/{}", nl.pid)).await;
    assert_eq!((o.status, o.body["forbidden"]["message"].is_string()), (403, true), "another project's quotas: {}", o.body);
    assert_eq!(api.get("/v2.1/{pid}/os-quota-sets/nope/defaults").await.status, 403);
}

/// `openstack quota show` also reads Neutron's quotas: the network model's.
#[tokio::test]
async fn neutron_quotas_are_the_network_models() {
    let mut c = config();
    c.network.quotas.subnet = 9;
    c.network.quotas.public_ip = 4;
    let emu = Emu::with(c).await;
    let api = Api::new(&emu, "eu-de").await;
    api.vpc_with_subnet("10.1.0.0/16", "10.1.1.0/24", "10.1.1.1").await;
    for suffix in ["", "/default"] {
        let o = api.get(&format!("/v2.0/quotas/{{pid}}{suffix}")).await;
        assert_eq!(o.status, 200, "{}", o.body);
        let q = &o.body["quota"];
        assert_eq!(
            (q["network"].as_i64(), q["subnet"].as_i64(), q["floatingip"].as_i64(), q["port"].as_i64()),
            (Some(9), Some(9), Some(4), Some(-1))
        );
        assert_eq!(q["router"], 150);
    }
    let o = api.get("/v2.0/quotas/{pid}/details.json").await;
    assert_eq!((o.body["quota"]["subnet"]["limit"].as_i64(), o.body["quota"]["subnet"]["used"].as_i64()), (Some(9), Some(1)));
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(api.get(&format!("/v2.0/quotas/{}", nl.pid)).await.status, 403);
    let ext = api.get("/v2.0/extensions/quotas").await;
    assert_eq!(ext.status, 200);
}
