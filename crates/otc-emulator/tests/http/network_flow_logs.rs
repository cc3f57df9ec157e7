//! VPC flow logs (`/v1/{project_id}/fl/flow_logs`): every operation, the
//! `VPC.30xx` codes, statuses, the hold on the logged resource and
//! isolation between projects and regions.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::{json, Value};

const GROUP: &str = "05c4052d-8d14-488f-aa00-19fea5a25fdd";
const TOPIC: &str = "a9d7dee7-37d2-4cba-a208-a016252aaa63";

fn log(kind: &str, rid: &str, traffic: &str) -> Value {
    json!({"flow_log": {"name": "fl-1", "description": "d", "resource_type": kind, "resource_id": rid,
        "traffic_type": traffic, "log_group_id": GROUP, "log_topic_id": TOPIC}})
}

fn image() -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == "Standard_Debian_11_latest").unwrap().id()
}

#[tokio::test]
async fn flow_logs_lifecycle_statuses_and_holds() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, net) = api.vpc_with_subnet("10.50.0.0/16", "10.50.1.0/24", "10.50.1.1").await;

    let o = api.post("/v1/{pid}/fl/flow_logs", log("vpc", &vpc, "all")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let fl = o.body["flow_log"].clone();
    let fid = id(&fl);
    for (k, v) in [("resource_type", "vpc"), ("traffic_type", "all"), ("status", "ACTIVE"), ("name", "fl-1"), ("log_group_id", GROUP)] {
        assert_eq!(fl[k], v, "{k}: {fl}");
    }
    assert_eq!(fl["tenant_id"], api.pid.as_str());
    assert_eq!(fl["admin_state"], true);
    assert_eq!(fl["index_enabled"], false);
    assert_eq!(fl["created_at"].as_str().unwrap().len(), 19, "yyyy-MM-ddTHH:mm:ss: {fl}");

    // The same content twice is a duplicate; another traffic type is not.
    let o = api.post("/v1/{pid}/fl/flow_logs", log("vpc", &vpc, "all")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.3004"), "{}", o.body);
    let o = api.post("/v1/{pid}/fl/flow_logs", log("network", &net, "reject")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let net_log = id(&o.body["flow_log"]);

    // Show, list with filters.
    let o = api.get(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await;
    assert_eq!((o.status, o.body["flow_log"]["id"].as_str()), (200, Some(fid.as_str())));
    let o = api.get("/v1/{pid}/fl/flow_logs").await;
    assert_eq!(o.body["flow_logs"].as_array().unwrap().len(), 2);
    let o = api.get("/v1/{pid}/fl/flow_logs?resource_type=network").await;
    let ids: Vec<&str> = o.body["flow_logs"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [net_log.as_str()]);
    let o = api.get(&format!("/v1/{{pid}}/fl/flow_logs?resource_id={vpc}&status=ACTIVE")).await;
    assert_eq!(o.body["flow_logs"].as_array().unwrap().len(), 1);
    let o = api.get("/v1/{pid}/fl/flow_logs?limit=1").await;
    assert_eq!(o.body["flow_logs"].as_array().unwrap().len(), 1);
    let o = api.get(&format!("/v1/{{pid}}/fl/flow_logs?marker={fid}")).await;
    assert_eq!(o.body["flow_logs"][0]["id"], net_log.as_str());
    for q in ["resource_type=disk", "traffic_type=some", "status=BROKEN", "limit=abc", "marker=nope"] {
        let o = api.get(&format!("/v1/{{pid}}/fl/flow_logs?{q}")).await;
        assert_eq!((o.status, o.code.as_str()), (404, "VPC.3001"), "{q}: {}", o.body);
    }

    // Disabling reads DOWN; the name and description change in place.
    let o = api.put(&format!("/v1/{{pid}}/fl/flow_logs/{fid}"), json!({"flow_log": {"name": "fl-2", "admin_state": false}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["flow_log"]["status"].as_str(), o.body["flow_log"]["name"].as_str()), (Some("DOWN"), Some("fl-2")));
    assert_eq!(o.body["flow_log"]["description"], "d");
    let o = api.get("/v1/{pid}/fl/flow_logs?status=DOWN").await;
    assert_eq!(o.body["flow_logs"][0]["id"], fid.as_str());
    let o = api.put(&format!("/v1/{{pid}}/fl/flow_logs/{fid}"), json!({"flow_log": {"admin_state": true}})).await;
    assert_eq!(o.body["flow_log"]["status"], "ACTIVE");

    // The logged VPC and subnet are held while their logs exist.
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    let o = api.delete(&format!("/v2.0/networks/{net}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "NetworkInUse"), "{}", o.body);
    let o = api.delete(&format!("/v1/{{pid}}/fl/flow_logs/{net_log}")).await;
    assert_eq!(o.status, 204);
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0104"), "{}", o.body);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await.status, 204);
    let o = api.get(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.3002"));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}")).await.status, 204);
    assert_eq!(api.get("/v1/{pid}/fl/flow_logs").await.body["flow_logs"], json!([]));
}

#[tokio::test]
async fn flow_logs_on_ports_only_for_server_nics() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, net) = api.vpc_with_subnet("10.51.0.0/16", "10.51.1.0/24", "10.51.1.1").await;
    let bare = id(&api.create("/v2.0/ports", json!({"port": {"network_id": net}}), 201, "port").await);
    let o = api.post("/v1/{pid}/fl/flow_logs", log("port", &bare, "accept")).await;
    assert_eq!((o.status, o.code.as_str()), (400, "VPC.3002"), "{}", o.body);
    assert!(o.body["message"].as_str().unwrap().contains(&bare), "{}", o.body);

    let body = json!({"server": {"name": "fl-ecs", "imageRef": image(), "flavorRef": "s3.medium.1", "vpcid": vpc,
        "nics": [{"subnet_id": net}], "root_volume": {"volumetype": "SSD"}}});
    let o = api.post("/v1/{pid}/cloudservers", body).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let server = o.body["serverIds"][0].as_str().unwrap().to_string();
    let o = api.get(&format!("/v2.0/ports?device_id={server}")).await;
    let nic = id(&o.body["ports"][0]);
    let o = api.post("/v1/{pid}/fl/flow_logs", log("port", &nic, "accept")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let fid = id(&o.body["flow_log"]);
    assert_eq!(o.body["flow_log"]["status"], "ACTIVE");

    // The server takes its NIC with it: the log stays and reads ERROR.
    let o = api.post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": server}], "delete_volume": true})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let o = api.get(&format!("/v2.0/ports/{nic}")).await;
    assert_eq!(o.status, 404, "{}", o.body);
    let o = api.get(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await;
    assert_eq!(o.body["flow_log"]["status"], "ERROR", "{}", o.body);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await.status, 204);
}

#[tokio::test]
async fn flow_logs_validation_and_codes() {
    let emu = Emu::with({
        let mut c = config();
        c.network.quotas.flow_log = 2;
        c
    })
    .await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, net) = api.vpc_with_subnet("10.52.0.0/16", "10.52.1.0/24", "10.52.1.1").await;
    let missing = "3b4c6a5e-0f5d-4d1c-9e36-1f2b3c4d5e6f";
    let with = |k: &str, v: Value| {
        let mut b = log("vpc", &vpc, "all");
        b["flow_log"][k] = v;
        b
    };
    for (body, status, code) in [
        (with("resource_type", json!("disk")), 400, "VPC.3001"),
        (with("traffic_type", json!("most")), 400, "VPC.3001"),
        (with("log_group_id", json!("not-a-uuid")), 400, "VPC.3001"),
        (with("log_topic_id", json!(7)), 400, "VPC.3001"),
        (with("name", json!("bad name!")), 400, "VPC.3001"),
        (with("description", json!("<b>")), 400, "VPC.3001"),
        (with("index_enabled", json!("yes")), 400, "VPC.3001"),
        (
            json!({"flow_log": {"resource_type": "vpc", "traffic_type": "all", "log_group_id": GROUP, "log_topic_id": TOPIC}}),
            400,
            "VPC.3001",
        ),
        (json!({"flowlog": {}}), 400, "VPC.3001"),
        (json!([1]), 400, "VPC.0101"),
        (log("vpc", missing, "all"), 404, "VPC.3002"),
        (log("network", missing, "all"), 404, "VPC.3002"),
        (log("port", missing, "all"), 404, "VPC.3002"),
    ] {
        let o = api.post("/v1/{pid}/fl/flow_logs", body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (status, code), "{body}: {}", o.body);
    }
    let o = api.post("/v1/{pid}/fl/flow_logs", log("vpc", missing, "all")).await;
    assert_eq!(o.body["message"], format!("Vpc {missing} could not be found."));
    assert_eq!(api.get("/v1/{pid}/fl/flow_logs").await.body["flow_logs"], json!([]), "refusals change nothing");

    // Quota (configured 2 here, 10 by default) and its report.
    let a = id(&api.create("/v1/{pid}/fl/flow_logs", log("vpc", &vpc, "all"), 200, "flow_log").await);
    api.create("/v1/{pid}/fl/flow_logs", log("network", &net, "all"), 200, "flow_log").await;
    let o = api.post("/v1/{pid}/fl/flow_logs", log("vpc", &vpc, "reject")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    let q = api.get("/v1/{pid}/quotas?type=flow_log").await;
    let line = q.body["quotas"]["resources"].as_array().unwrap().iter().find(|r| r["type"] == "flow_log").cloned().unwrap();
    assert_eq!((line["used"].as_i64(), line["quota"].as_i64()), (Some(2), Some(2)), "{line}");

    // Ids: not an id at all is VPC.3001; a missing log VPC.3002 (show) or VPC.3005.
    for m in ["GET", "PUT", "DELETE"] {
        let body = Some(json!({"flow_log": {"name": "x"}}));
        let o = api.req(m.parse().unwrap(), "/v1/{pid}/fl/flow_logs/not-an-id", body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (404, "VPC.3001"), "{m}");
        let o = api.req(m.parse().unwrap(), &format!("/v1/{{pid}}/fl/flow_logs/{missing}"), body).await;
        let want = if m == "GET" { "VPC.3002" } else { "VPC.3005" };
        assert_eq!((o.status, o.code.as_str()), (404, want), "{m}: {}", o.body);
    }
    for body in [json!({"flow_log": {"admin_state": "off"}}), json!({"flow_log": {"name": "a b"}}), json!({"x": 1})] {
        let o = api.put(&format!("/v1/{{pid}}/fl/flow_logs/{a}"), body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "VPC.3001"), "{body}: {}", o.body);
    }
    assert_eq!(api.get(&format!("/v1/{{pid}}/fl/flow_logs/{a}")).await.body["flow_log"]["name"], "fl-1");
}

#[tokio::test]
async fn flow_logs_are_per_project_and_region() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (vpc, _) = de.vpc_with_subnet("10.53.0.0/16", "10.53.1.0/24", "10.53.1.1").await;
    let fid = id(&de.create("/v1/{pid}/fl/flow_logs", log("vpc", &vpc, "all"), 200, "flow_log").await);

    // Another project can neither log the VPC nor see, change or delete the log.
    let o = nl.post("/v1/{pid}/fl/flow_logs", log("vpc", &vpc, "all")).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.3002"), "{}", o.body);
    assert_eq!(nl.get("/v1/{pid}/fl/flow_logs").await.body["flow_logs"], json!([]));
    assert_eq!(nl.get(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await.status, 404);
    let o = nl.put(&format!("/v1/{{pid}}/fl/flow_logs/{fid}"), json!({"flow_log": {"admin_state": false}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "VPC.3005"));
    assert_eq!(nl.delete(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await.status, 404);
    let o = de.get(&format!("/v1/{{pid}}/fl/flow_logs/{fid}")).await;
    assert_eq!(o.body["flow_log"]["status"], "ACTIVE");
}
