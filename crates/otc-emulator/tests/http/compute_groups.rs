//! Server groups through Nova and ECS v1: the anti-affinity placement rule
//! at server creation (hosts per zone, members per group), members listed
//! and dropped when their server goes, the v1 member actions, quotas in
//! /limits, refusals, and isolation between regions.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::{json, Value};

fn image() -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == "Standard_Debian_11_latest").unwrap().id()
}

fn nova_server(name: &str, net: &str, zone: &str, group: &str) -> Value {
    json!({"server": {"name": name, "flavorRef": "s3.medium.1", "imageRef": image(), "networks": [{"uuid": net}],
        "availability_zone": zone}, "os:scheduler_hints": {"group": group}})
}

async fn group(api: &Api<'_>, path: &str, name: &str) -> String {
    let o = api.post(path, json!({"server_group": {"name": name, "policies": ["anti-affinity"]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["server_group"]["members"], json!([]));
    assert_eq!(o.body["server_group"]["metadata"], json!({}));
    id(&o.body["server_group"])
}

#[tokio::test]
async fn anti_affinity_places_members_on_distinct_hosts_of_a_zone() {
    let mut c = config();
    c.compute.hosts_per_zone = 2;
    c.compute.quotas.server_group_members = 3;
    let emu = Emu::with(c).await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.8.0.0/16", "10.8.1.0/24", "10.8.1.1").await;
    let gid = group(&api, "/v2.1/{pid}/os-server-groups", "spread").await;

    let mut members = Vec::new();
    for (i, zone) in ["eu-de-01", "eu-de-01"].iter().enumerate() {
        let o = api.post("/v2.1/{pid}/servers", nova_server(&format!("m{i}"), &net, zone, &gid)).await;
        assert_eq!(o.status, 202, "{}", o.body);
        members.push(id(&o.body["server"]));
    }
    // Distinct hosts show as distinct hostIds, in Nova and in ECS.
    let host = |b: &Value| {
        (b["server"]["hostId"].as_str().unwrap().to_string(), b["server"]["OS-EXT-SRV-ATTR:host"].as_str().unwrap().to_string())
    };
    let a = host(&api.get(&format!("/v2.1/{{pid}}/servers/{}", members[0])).await.body);
    let b = host(&api.get(&format!("/v2.1/{{pid}}/servers/{}", members[1])).await.body);
    assert!(a.0 != b.0 && a.1 != b.1, "{a:?} {b:?}");
    let a = host(&api.get(&format!("/v1/{{pid}}/cloudservers/{}", members[0])).await.body);
    let b = host(&api.get(&format!("/v1/{{pid}}/cloudservers/{}", members[1])).await.body);
    assert!(a.0 != b.0 && a.1 != b.1, "{a:?} {b:?}");
    // Both hosts of eu-de-01 hold a member: a third there cannot be placed.
    let ports_before = api.get("/v2.0/ports").await.body["ports"].as_array().unwrap().len();
    let o = api.post("/v2.1/{pid}/servers", nova_server("m2", &net, "eu-de-01", &gid)).await;
    assert_eq!(o.status, 400, "{}", o.body);
    assert!(o.body["badRequest"]["message"].as_str().unwrap().starts_with("No valid host was found"), "{}", o.body);
    assert_eq!(api.get("/v2.0/ports").await.body["ports"].as_array().unwrap().len(), ports_before, "the refusal changed nothing");
    assert_eq!(api.get("/v2.1/{pid}/servers").await.body["servers"].as_array().unwrap().len(), 2);
    // Another zone has hosts of its own.
    let o = api.post("/v2.1/{pid}/servers", nova_server("m2", &net, "eu-de-02", &gid)).await;
    assert_eq!(o.status, 202, "{}", o.body);
    members.push(id(&o.body["server"]));
    // The group is full (3 members): Nova's quota refusal, in any zone.
    let o = api.post("/v2.1/{pid}/servers", nova_server("m3", &net, "eu-de-03", &gid)).await;
    assert_eq!((o.status, o.body["forbidden"]["message"].as_str()), (403, Some("Quota exceeded, too many servers in group")));

    let g = api.get(&format!("/v2.1/{{pid}}/os-server-groups/{gid}")).await.body["server_group"].clone();
    assert_eq!(g["members"], json!(members));
    assert_eq!(g["policies"], json!(["anti-affinity"]));
    // A deleted server leaves its group, and frees its host.
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/servers/{}", members[0])).await.status, 204);
    let g = api.get(&format!("/v2/{{pid}}/os-server-groups/{gid}")).await.body["server_group"].clone();
    assert_eq!(g["members"], json!([members[1], members[2]]));
    let o = api.post("/v2.1/{pid}/servers", nova_server("m4", &net, "eu-de-01", &gid)).await;
    assert_eq!(o.status, 202, "{}", o.body);

    // Deleting the group leaves its servers.
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/os-server-groups/{gid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/os-server-groups/{gid}")).await.status, 404);
    assert_eq!(api.get("/v2.1/{pid}/servers").await.body["servers"].as_array().unwrap().len(), 3);
    // A hint naming no group is bad input.
    let o = api.post("/v2.1/{pid}/servers", nova_server("m5", &net, "eu-de-01", &gid)).await;
    assert_eq!(o.status, 400, "{}", o.body);
}

/// The second group listed (offset 1, limit 1) at a microversion.
async fn list_at(api: &Api<'_>, mv: &str) -> Value {
    let r = api
        .emu
        .http
        .get(api.emu.url(&format!("/v2.1/{}/os-server-groups?limit=1&offset=1", api.pid)))
        .header("X-Auth-Token", &api.token)
        .header("X-OpenStack-Nova-API-Version", mv)
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()
}

#[tokio::test]
async fn nova_groups_by_microversion_and_refusals() {
    let mut c = config();
    c.compute.quotas.server_groups = 2;
    let emu = Emu::with(c).await;
    let api = Api::new(&emu, "eu-de").await;
    let gid = group(&api, "/v2/{pid}/os-server-groups", "a").await;
    group(&api, "/v2.1/{pid}/os-server-groups", "b").await;
    let o = api.post("/v2.1/{pid}/os-server-groups", json!({"server_group": {"name": "c", "policies": ["anti-affinity"]}})).await;
    assert_eq!(o.status, 403, "quota: {}", o.body);
    let limits = api.get("/v2.1/{pid}/limits").await.body["limits"]["absolute"].clone();
    assert_eq!((limits["maxServerGroups"].as_u64(), limits["totalServerGroupsUsed"].as_u64()), (Some(2), Some(2)));
    assert_eq!(limits["maxServerMeta"], 128, "the reference's metadata limit, the one Nova metadata enforces");

    let old = list_at(&api, "2.1").await;
    assert_eq!(old["server_groups"].as_array().unwrap().len(), 1);
    assert_eq!(old["server_groups"][0]["name"], "b");
    assert!(old["server_groups"][0].get("project_id").is_none());
    let new = list_at(&api, "2.13").await;
    assert_eq!(new["server_groups"][0]["project_id"], api.pid.as_str());
    assert!(new["server_groups"][0]["policies"].is_array(), "this Nova stops at 2.60: policies, not policy");

    for body in [
        json!({"server_group": {"name": "x", "policies": ["affinity"]}}),
        json!({"server_group": {"name": "x", "policies": ["soft-anti-affinity"]}}),
        json!({"server_group": {"name": "x"}}),
        json!({"server_group": {"policies": ["anti-affinity"]}}),
        json!({"server_group": {"name": "", "policies": ["anti-affinity"]}}),
        json!({"server_group": {"name": 5, "policies": ["anti-affinity"]}}),
        json!({"server_group": {"name": "x", "policies": "anti-affinity"}}),
        json!({"server_group": []}),
        json!({}),
    ] {
        let o = api.post("/v2.1/{pid}/os-server-groups", body.clone()).await;
        assert_eq!(o.status, 400, "{body}: {}", o.body);
        assert!(o.body["badRequest"]["message"].is_string());
    }
    assert_eq!(api.get("/v2.1/{pid}/os-server-groups?limit=x").await.status, 400);
    assert_eq!(api.delete("/v2.1/{pid}/os-server-groups/nope").await.status, 404);
    assert_eq!(
        api.get("/v2.1/{pid}/os-server-groups/nope").await.body["itemNotFound"]["message"],
        "Instance group nope could not be found."
    );

    // eu-nl sees none of eu-de's groups.
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get("/v2.1/{pid}/os-server-groups").await.body["server_groups"], json!([]));
    let o = nl.get(&format!("/v2.1/{}/os-server-groups/{gid}", nl.pid)).await;
    assert_eq!(o.status, 404);
    assert_eq!(nl.get(&format!("/v1/{{pid}}/cloudservers/os-server-groups/{gid}")).await.status, 404);
}

#[tokio::test]
async fn ecs_groups_with_member_actions_and_scheduler_hints() {
    let mut c = config();
    c.compute.hosts_per_zone = 1;
    let emu = Emu::with(c).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, net) = api.vpc_with_subnet("10.9.0.0/16", "10.9.1.0/24", "10.9.1.1").await;
    let gid = group(&api, "/v1/{pid}/cloudservers/os-server-groups", "v1").await;
    let other = group(&api, "/v1/{pid}/cloudservers/os-server-groups", "v1-other").await;
    let ecs_server = |name: &str, hints: Value| {
        json!({"server": {"name": name, "imageRef": image(), "flavorRef": "s3.medium.1", "vpcid": vpc, "nics": [{"subnet_id": net}],
            "root_volume": {"volumetype": "SSD"}, "availability_zone": "eu-de-01", "os:scheduler_hints": hints}})
    };
    let o = api.post("/v1/{pid}/cloudservers", ecs_server("in", json!({"group": gid}))).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let first = o.body["serverIds"][0].as_str().unwrap().to_string();
    // One host per zone: a second member in eu-de-01 is refused.
    let o = api.post("/v1/{pid}/cloudservers", ecs_server("in2", json!({"group": gid}))).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str()), (400, Some("Ecs.0005")), "{}", o.body);
    let o = api.post("/v1/{pid}/cloudservers", ecs_server("bad", json!({"group": 7}))).await;
    assert_eq!(o.status, 400, "{}", o.body);
    let o = api.post("/v1/{pid}/cloudservers", ecs_server("free", json!({}))).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let free = o.body["serverIds"][0].as_str().unwrap().to_string();

    let shown = api.get(&format!("/v1/{{pid}}/cloudservers/{first}")).await;
    assert_eq!(shown.body["server"]["os:scheduler_hints"], json!({"group": [gid]}));
    let shown = api.get(&format!("/v1/{{pid}}/cloudservers/{free}")).await;
    assert_eq!(shown.body["server"]["os:scheduler_hints"], json!({}));
    let list = api.get("/v1/{pid}/cloudservers/os-server-groups").await;
    assert_eq!(list.body["server_groups"].as_array().unwrap().len(), 2);
    let page = api.get("/v1/{pid}/cloudservers/os-server-groups?limit=1").await;
    assert_eq!(page.body["server_groups"][0]["members"], json!([first]));
    assert_eq!(page.body["page_info"]["next_marker"], gid.as_str());
    let next = api.get(&format!("/v1/{{pid}}/cloudservers/os-server-groups?limit=1&marker={gid}")).await;
    assert_eq!(next.body["server_groups"][0]["id"], other.as_str());
    assert_eq!(api.get("/v1/{pid}/cloudservers/os-server-groups?limit=0").await.status, 400);

    // add_member wants a stopped server.
    let action = format!("/v1/{{pid}}/cloudservers/os-server-groups/{other}/action");
    let o = api.post(&action, json!({"add_member": {"instance_uuid": free}})).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str()), (400, Some("Ecs.0100")), "{}", o.body);
    let o = api.post(&format!("/v2.1/{{pid}}/servers/{free}/action"), json!({"os-stop": {}})).await;
    assert_eq!(o.status, 202);
    assert_eq!(api.post(&action, json!({"add_member": {"instance_uuid": free}})).await.status, 200);
    let shown = api.get(&format!("/v1/{{pid}}/cloudservers/os-server-groups/{other}")).await;
    assert_eq!(shown.body["server_group"]["members"], json!([free]));
    let o = api.post(&action, json!({"add_member": {"instance_uuid": free}})).await;
    assert_eq!(o.status, 400, "already a member: {}", o.body);
    for bad in [json!({}), json!({"add_member": {}}), json!({"join": {"instance_uuid": free}}), json!({"add_member": {"instance_uuid": 3}})]
    {
        let o = api.post(&action, bad.clone()).await;
        assert_eq!((o.status, o.body["error"]["code"].as_str()), (400, Some("Ecs.0005")), "{bad}: {}", o.body);
    }
    let o = api.post(&action, json!({"add_member": {"instance_uuid": "nope"}})).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str()), (404, Some("Ecs.0114")));
    let o = api.post("/v1/{pid}/cloudservers/os-server-groups/nope/action", json!({"add_member": {"instance_uuid": free}})).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str()), (404, Some("Ecs.0313")));
    assert_eq!(api.post(&action, json!({"remove_member": {"instance_uuid": free}})).await.status, 200);
    assert_eq!(api.post(&action, json!({"remove_member": {"instance_uuid": free}})).await.status, 400);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/os-server-groups/{other}")).await.body["server_group"]["members"], json!([]));

    let o = api.post("/v1/{pid}/cloudservers/os-server-groups", json!({"server_group": {"name": "x", "policies": ["affinity"]}})).await;
    assert_eq!((o.status, o.body["error"]["code"].as_str()), (400, Some("Ecs.0005")));
    assert_eq!(api.delete(&format!("/v1/{{pid}}/cloudservers/os-server-groups/{other}")).await.status, 204);
    assert_eq!(api.delete(&format!("/v1/{{pid}}/cloudservers/os-server-groups/{other}")).await.status, 404);
}
