//! The smaller server APIs: Nova os-networks and a server's ips, instance
//! actions recorded by the server model on the clock, the VNC console
//! (2.6+), and ECS v1 metadata updates, automatic recovery and the
//! monitoring list; refusals and region isolation.

use crate::common::*;
use crate::netkit::{id, Api};
use reqwest::Method;
use serde_json::{json, Value};

fn image() -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == "Standard_Debian_11_latest").unwrap().id()
}

async fn at(api: &Api<'_>, method: Method, path: &str, mv: &str, body: Option<Value>) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut req = api.emu.http.request(method, api.emu.url(&path.replace("{pid}", &api.pid))).header("X-Auth-Token", &api.token);
    req = req.header("OpenStack-API-Version", format!("compute {mv}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let (s, h) = (r.status().as_u16(), r.headers().clone());
    (s, r.json().await.unwrap_or(Value::Null), h)
}

async fn server(api: &Api<'_>, net: &str) -> (String, String) {
    let body = json!({"server": {"name": "x", "flavorRef": "s3.medium.1", "imageRef": image(), "networks": [{"uuid": net}]}});
    let (s, b, h) = at(api, Method::POST, "/v2.1/{pid}/servers", "2.60", Some(body)).await;
    assert_eq!(s, 202, "{b}");
    (id(&b["server"]), h["x-openstack-request-id"].to_str().unwrap().to_string())
}

#[tokio::test]
async fn networks_and_addresses_of_a_server() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.5.0.0/16", "10.5.1.0/24", "10.5.1.1").await;
    let label = api.get(&format!("/v2.0/networks/{net}")).await.body["network"]["name"].as_str().unwrap().to_string();
    let (sid, _) = server(&api, &net).await;
    for v in ["v2", "v2.1"] {
        let o = api.get(&format!("/{v}/{{pid}}/os-networks")).await;
        let n = o.body["networks"].as_array().unwrap().iter().find(|n| n["id"] == net.as_str()).unwrap().clone();
        assert_eq!(n["label"], label.as_str());
        assert!(n["cidr"].is_null());
        let o = api.get(&format!("/{v}/{{pid}}/servers/{sid}/ips")).await;
        let addr = o.body["addresses"][&label][0].clone();
        assert_eq!(addr["version"], 4);
        assert!(addr["addr"].as_str().unwrap().starts_with("10.5.1."));
        let o = api.get(&format!("/{v}/{{pid}}/servers/{sid}/ips/{label}")).await;
        assert_eq!(o.body[&label][0], addr);
    }
    let o = api.get(&format!("/v2.1/{{pid}}/servers/{sid}/ips/elsewhere")).await;
    assert_eq!((o.status, o.body["itemNotFound"]["message"].as_str()), (404, Some("Instance is not a member of specified network")));
    assert_eq!(api.get("/v2.1/{pid}/servers/nope/ips").await.status, 404);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("/v2.1/{{pid}}/servers/{sid}/ips")).await.status, 404);
    assert!(!nl.get("/v2.1/{pid}/os-networks").await.body["networks"].as_array().unwrap().iter().any(|n| n["id"] == net.as_str()));
}

#[tokio::test]
async fn instance_actions_follow_the_server() {
    let mut c = config();
    c.compute.build_seconds = 10;
    c.compute.action_seconds = 5;
    let emu = Emu::with(c).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.4.0.0/16", "10.4.1.0/24", "10.4.1.1").await;
    let (sid, create_req) = server(&api, &net).await;
    let actions = format!("/v2.1/{{pid}}/servers/{sid}/os-instance-actions");

    let (_, b, _) = at(&api, Method::GET, &format!("{actions}/{create_req}"), "2.1", None).await;
    let a = &b["instanceAction"];
    assert_eq!(
        (a["action"].as_str(), a["request_id"].as_str(), a["instance_uuid"].as_str()),
        (Some("create"), Some(create_req.as_str()), Some(sid.as_str()))
    );
    assert_eq!(a["project_id"], api.pid.as_str());
    assert!(a["user_id"].as_str().is_some_and(|u| !u.is_empty()));
    assert_eq!(a["events"][0]["event"], "compute__do_build_and_run_instance");
    assert!(a["events"][0]["finish_time"].is_null(), "still building: {a}");
    emu.server.clock.advance(chrono::Duration::seconds(10));
    let (_, b, _) = at(&api, Method::GET, &format!("{actions}/{create_req}"), "2.1", None).await;
    assert_eq!(b["instanceAction"]["events"][0]["result"], "Success");

    let (s, _, h) = at(&api, Method::POST, &format!("/v2.1/{{pid}}/servers/{sid}/action"), "2.1", Some(json!({"os-stop": {}}))).await;
    assert_eq!(s, 202);
    let stop_req = h["x-openstack-request-id"].to_str().unwrap().to_string();
    emu.server.clock.advance(chrono::Duration::seconds(5));
    let (s, _, _) = at(&api, Method::POST, &format!("/v2.1/{{pid}}/servers/{sid}/action"), "2.1", Some(json!({"os-start": {}}))).await;
    assert_eq!(s, 202);
    // A refused action is not recorded.
    let (s, _, _) = at(&api, Method::POST, &format!("/v2.1/{{pid}}/servers/{sid}/action"), "2.1", Some(json!({"os-start": {}}))).await;
    assert_eq!(s, 409);

    let (_, b, _) = at(&api, Method::GET, &actions, "2.1", None).await;
    let names: Vec<&str> = b["instanceActions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["start", "stop", "create"], "newest first");
    assert!(b["instanceActions"][0].get("events").is_none() && b["instanceActions"][0].get("updated_at").is_none());
    let (_, b, _) = at(&api, Method::GET, &format!("{actions}?limit=1&marker={stop_req}"), "2.58", None).await;
    assert_eq!(b["instanceActions"][0]["action"], "create");
    assert!(b["instanceActions"][0]["updated_at"].is_string());
    assert_eq!(at(&api, Method::GET, &format!("{actions}?marker=req-nope"), "2.58", None).await.0, 400);
    assert_eq!(at(&api, Method::GET, &format!("{actions}?limit=x"), "2.58", None).await.0, 400);
    assert_eq!(at(&api, Method::GET, &format!("{actions}/req-nope"), "2.1", None).await.0, 404);

    // A deleted server's actions: from 2.21 only.
    emu.server.clock.advance(chrono::Duration::seconds(5));
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/servers/{sid}")).await.status, 204);
    assert_eq!(at(&api, Method::GET, &actions, "2.20", None).await.0, 404);
    let (s, b, _) = at(&api, Method::GET, &actions, "2.21", None).await;
    assert_eq!((s, b["instanceActions"][0]["action"].as_str()), (200, Some("delete")));
    assert_eq!(api.get("/v2/{pid}/servers/nope/os-instance-actions").await.status, 404);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(at(&nl, Method::GET, &actions.replace("{pid}", &nl.pid), "2.21", None).await.0, 404);
}

#[tokio::test]
async fn vnc_console_from_2_6_on_a_running_server() {
    let mut c = config();
    c.compute.action_seconds = 5;
    let emu = Emu::with(c).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.3.0.0/16", "10.3.1.0/24", "10.3.1.1").await;
    let (sid, _) = server(&api, &net).await;
    let path = format!("/v2.1/{{pid}}/servers/{sid}/remote-consoles");
    let body = json!({"remote_console": {"protocol": "vnc", "type": "novnc"}});
    assert_eq!(at(&api, Method::POST, &path, "2.5", Some(body.clone())).await.0, 404, "before 2.6");
    let (s, b, _) = at(&api, Method::POST, &path, "2.6", Some(body.clone())).await;
    assert_eq!(s, 200, "{b}");
    let c = &b["remote_console"];
    assert_eq!((c["protocol"].as_str(), c["type"].as_str()), (Some("vnc"), Some("novnc")));
    assert!(c["url"].as_str().unwrap().contains("vnc.auto.html?token="), "{c}");
    for bad in [
        json!({"remote_console": {"protocol": "spice", "type": "novnc"}}),
        json!({"remote_console": {"protocol": "vnc", "type": "xvpvnc"}}),
        json!({"remote_console": {"protocol": "vnc"}}),
        json!({"remote_console": {"protocol": 1, "type": "novnc"}}),
        json!({}),
    ] {
        assert_eq!(at(&api, Method::POST, &path, "2.6", Some(bad.clone())).await.0, 400, "{bad}");
    }
    at(&api, Method::POST, &format!("/v2.1/{{pid}}/servers/{sid}/action"), "2.1", Some(json!({"os-stop": {}}))).await;
    let (s, b, _) = at(&api, Method::POST, &path, "2.6", Some(body.clone())).await;
    assert_eq!((s, b["conflictingRequest"]["message"].is_string()), (409, true), "a stopping server has no console: {b}");
    assert_eq!(at(&api, Method::POST, "/v2.1/{pid}/servers/nope/remote-consoles", "2.6", Some(body)).await.0, 404);
}

#[tokio::test]
async fn ecs_metadata_autorecovery_and_monitoring() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.2.0.0/16", "10.2.1.0/24", "10.2.1.1").await;
    let (sid, _) = server(&api, &net).await;

    let md = format!("/v1/{{pid}}/cloudservers/{sid}/metadata");
    let o = api.post(&md, json!({"metadata": {"a": "1", "b:c.d": "2"}})).await;
    assert_eq!((o.status, o.body["metadata"].clone()), (200, json!({"a": "1", "b:c.d": "2"})), "{}", o.body);
    let o = api.post(&md, json!({"metadata": {"a": "3"}})).await;
    assert_eq!(o.body["metadata"], json!({"a": "3", "b:c.d": "2"}), "a merge");
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{sid}/metadata")).await.body["metadata"], json!({"a": "3", "b:c.d": "2"}));
    for bad in [
        json!({"metadata": {"a b": "1"}}),
        json!({"metadata": {"": "1"}}),
        json!({"metadata": {"a": 1}}),
        json!({"metadata": []}),
        json!({}),
    ] {
        let o = api.post(&md, bad.clone()).await;
        assert_eq!((o.status, o.body["error"]["code"].as_str()), (400, Some("Ecs.0005")), "{bad}: {}", o.body);
    }
    let many: serde_json::Map<String, Value> = (0..127).map(|i| (format!("k{i}"), json!("v"))).collect();
    let o = api.post(&md, json!({ "metadata": many })).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str()), (400, Some("Ecs.0001")), "128 items at most: {}", o.body);
    assert_eq!(api.post("/v1/{pid}/cloudservers/nope/metadata", json!({"metadata": {}})).await.status, 404);

    let ar = format!("/v1/{{pid}}/cloudservers/{sid}/autorecovery");
    assert_eq!(api.get(&ar).await.body, json!({"support_auto_recovery": "true"}));
    assert_eq!(api.put(&ar, json!({"support_auto_recovery": "false"})).await.status, 204);
    assert_eq!(api.get(&ar).await.body, json!({"support_auto_recovery": "false"}));
    for bad in [json!({"support_auto_recovery": false}), json!({"support_auto_recovery": "yes"}), json!({})] {
        assert_eq!(api.put(&ar, bad.clone()).await.status, 400, "{bad}");
    }
    assert_eq!(api.get("/v1/{pid}/cloudservers/nope/autorecovery").await.status, 404);

    let mon = format!("/v1.0/servers/{sid}/action");
    assert_eq!(api.post(&mon, json!({"monitorMetrics": ""})).await.status, 204);
    assert_eq!(api.post(&mon, json!({"monitor": ""})).await.status, 400);
    assert_eq!(api.post(&mon, json!({"monitorMetrics": 1})).await.status, 400);
    assert_eq!(api.post("/v1.0/servers/nope/action", json!({"monitorMetrics": ""})).await.status, 404);

    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("/v1/{{pid}}/cloudservers/{sid}/autorecovery")).await.status, 404);
    assert_eq!(nl.post(&mon, json!({"monitorMetrics": ""})).await.status, 404);
    assert_eq!(nl.post(&format!("/v1/{{pid}}/cloudservers/{sid}/metadata"), json!({"metadata": {"x": "y"}})).await.status, 404);

    // The settings go with the server.
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/servers/{sid}")).await.status, 204);
    assert_eq!(api.get(&ar).await.status, 404);
}
