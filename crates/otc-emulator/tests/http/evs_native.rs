//! The EVS native API: `cloudvolumes` with their jobs on the clock,
//! `os-vendor-volumes`, tags, search by tag, `cloudsnapshots`, retype,
//! the jobs path shared with ECS, Cinder snapshots, and the documented
//! `EVS.xxxx` refusals.

use crate::common::*;
use crate::evs_volumes::{create, evs_cfg, fault, image, status, V2, V3};
use crate::netkit::{Api, Out};
use serde_json::{json, Value};

/// The `EVS.xxxx` code of a native error.
fn code(o: &Out) -> &str {
    o.body["error"]["code"].as_str().unwrap_or_else(|| panic!("not a native error: {}", o.body))
}

async fn job(api: &Api<'_>, id: &str) -> Value {
    let o = api.get(&format!("/evs/v1/{{pid}}/jobs/{id}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body
}

#[tokio::test]
async fn cloudvolumes_hand_back_jobs_that_follow_the_clock() {
    let emu = Emu::with(evs_cfg(|c| c.settle_seconds = 20)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let body = json!({"volume": {"name": "nat", "size": 40, "availability_zone": "eu-de-01", "volume_type": "SSD", "backup_id": null,
        "metadata": {"__system__encrypted": "0"}, "tags": {"env": "test"}}, "bssParam": {"chargingMode": "postPaid"}});
    let o = api.post(&format!("{V3}/cloudvolumes"), body).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let job_id = o.body["job_id"].as_str().unwrap().to_string();
    let j = job(&api, &job_id).await;
    assert_eq!((j["status"].as_str(), j["job_type"].as_str()), (Some("INIT"), Some("createVolume")));
    assert_eq!(j["end_time"], "");
    let vid = j["entities"]["volume_id"].as_str().unwrap().to_string();
    assert_eq!((j["entities"]["size"].as_u64(), j["entities"]["volume_type"].as_str()), (Some(40), Some("SSD")));
    emu.server.clock.advance(chrono::Duration::seconds(10));
    assert_eq!(job(&api, &job_id).await["status"], "RUNNING");
    assert_eq!(status(&api, &vid).await, "creating");
    emu.server.clock.advance(chrono::Duration::seconds(10));
    let j = job(&api, &job_id).await;
    assert_eq!(j["status"], "SUCCESS");
    assert!(j["end_time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(status(&api, &vid).await, "available", "a finished job means a settled volume");
    // The bare port answers the same job (the path ECS documents too).
    assert_eq!(api.get(&format!("/v1/{{pid}}/jobs/{job_id}")).await.body["job_id"], job_id);

    // The native detail.
    let o = api.get(&format!("/evs/v2/{{pid}}/os-vendor-volumes/{vid}")).await;
    let v = &o.body["volume"];
    assert_eq!((v["service_type"].as_str(), v["tags"]["env"].as_str()), (Some("EVS"), Some("test")));
    assert_eq!(v["wwn"].as_str().unwrap().len(), 32);
    assert_eq!(api.get(&format!("{V3}/os-vendor-volumes/{vid}")).await.status, 200);
    assert_eq!(api.get(&format!("{V3}/os-vendor-volumes/{vid}/internal-info")).await.body, json!({"info": {"loading_progress": 100}}));

    // Extend through the native API: a job, `extending`, then available.
    let o = api.post(&format!("{V2}/cloudvolumes/{vid}/action"), json!({"os-extend": {"new_size": 60}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let ej = o.body["job_id"].as_str().unwrap().to_string();
    assert_eq!(job(&api, &ej).await["job_type"], "extendVolume");
    assert_eq!(status(&api, &vid).await, "extending");
    let o = api.post(&format!("{V2}/cloudvolumes/{vid}/action"), json!({"os-extend": {"new_size": 80}})).await;
    assert_eq!((o.status, code(&o)), (400, "EVS.1064"));
    emu.server.clock.advance(chrono::Duration::seconds(20));
    assert_eq!(job(&api, &ej).await["status"], "SUCCESS");
    let o = api.post(&format!("{V2}/cloudvolumes/{vid}/action"), json!({"os-extend": {"new_size": 50}})).await;
    assert_eq!((o.status, code(&o)), (400, "EVS.1015"), "shrinking is refused");

    // Delete: a job; the volume is deleting, then gone.
    let o = api.delete(&format!("{V2}/cloudvolumes/{vid}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let dj = o.body["job_id"].as_str().unwrap().to_string();
    assert_eq!(job(&api, &dj).await["job_type"], "deleteVolume");
    assert_eq!(status(&api, &vid).await, "deleting");
    emu.server.clock.advance(chrono::Duration::seconds(20));
    assert_eq!(job(&api, &dj).await["status"], "SUCCESS");
    let o = api.get(&format!("/evs/v2/{{pid}}/os-vendor-volumes/{vid}")).await;
    assert_eq!((o.status, code(&o)), (404, "EVS.5404"));
}

#[tokio::test]
async fn batches_lists_and_updates() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api
        .post(
            &format!("{V2}/cloudvolumes"),
            json!({"volume": {"name": "b", "size": 10, "count": 3, "availability_zone": "eu-de-02", "volume_type": "SAS"}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let j = job(&api, o.body["job_id"].as_str().unwrap()).await;
    assert_eq!(j["job_type"], "batchCreateVolume");
    let subs = j["entities"]["sub_jobs"].as_array().unwrap();
    assert_eq!(subs.len(), 3);
    assert_eq!((subs[0]["job_type"].as_str(), subs[0]["entities"]["name"].as_str()), (Some("createVolume"), Some("b-0001")));
    let o = api.get(&format!("{V2}/cloudvolumes/detail?limit=2")).await;
    assert_eq!((o.body["count"].as_u64(), o.body["volumes"].as_array().unwrap().len()), (Some(3), 2));
    assert!(o.body["volumes_links"][0]["href"].as_str().unwrap().contains("/cloudvolumes/detail?"));
    let o = api.get(&format!("{V2}/cloudvolumes?name=b-0002")).await;
    assert_eq!(o.body["volumes"].as_array().unwrap().len(), 1);
    let id = o.body["volumes"][0]["id"].as_str().unwrap().to_string();
    let o = api.get(&format!("{V2}/cloudvolumes/detail?ids=['{id}','other']")).await;
    assert_eq!(o.body["count"], 1);
    let o = api.get(&format!("{V2}/cloudvolumes/detail?service_type=DSS")).await;
    assert_eq!(o.status, 400);
    let o = api.put(&format!("{V2}/cloudvolumes/{id}"), json!({"volume": {"name": "renamed", "description": "x"}})).await;
    assert_eq!((o.status, o.body["name"].as_str()), (200, Some("renamed")));
    let o = api.put(&format!("{V2}/cloudvolumes/{id}"), json!({"volume": {}})).await;
    assert_eq!((o.status, code(&o)), (400, "EVS.1007"));
    // Retype: only to a faster type; a job.
    let o = api.post(&format!("{V2}/volumes/{id}/retype"), json!({"os-retype": {"new_type": "SATA"}})).await;
    assert_eq!((o.status, code(&o)), (400, "EVS.2087"));
    let o = api.post(&format!("{V2}/volumes/{id}/retype"), json!({"os-retype": {"new_type": "SSD"}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(job(&api, o.body["job_id"].as_str().unwrap()).await["job_type"], "retypeVolume");
    assert_eq!(api.get(&format!("{V2}/volumes/{id}")).await.body["volume"]["volume_type"], "SSD");
}

#[tokio::test]
async fn native_refusals_use_the_appendix_codes() {
    let emu = Emu::with(evs_cfg(|c| c.quotas.volumes = 1)).await;
    let api = Api::new(&emu, "eu-de").await;
    let before = emu.server.store.fingerprint().unwrap();
    let cv = format!("{V2}/cloudvolumes");
    let base = json!({"size": 10, "availability_zone": "eu-de-01", "volume_type": "SSD"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        json!({ "volume": b })
    };
    let cases = [
        (json!({"volume": {"size": 10, "volume_type": "SSD"}}), "EVS.2083"),
        (json!({"volume": {"size": 10, "availability_zone": "eu-de-01"}}), "EVS.2083"),
        (with("size", json!(5)), "EVS.1010"),
        (with("volume_type", json!("FAST")), "EVS.1020"),
        (with("availability_zone", json!("az-dc-1")), "EVS.1036"),
        (with("imageRef", json!("nope")), "EVS.2046"),
        (with("snapshot_id", json!("nope")), "EVS.2045"),
        (with("backup_id", json!("b1")), "EVS.1006"),
        (with("count", json!(101)), "EVS.1021"),
        (with("name", json!(7)), "EVS.5400"),
        (with("tags", json!({"bad key": "v"})), "EVS.1062"),
        (with("metadata", json!({"__system__encrypted": "1"})), "EVS.1057"),
        (with("count", json!(2)), "EVS.1034"),
        (with("size", json!(40960)), "EVS.1010"),
    ];
    for (body, want) in cases {
        let o = api.post(&cv, body.clone()).await;
        assert_eq!(o.status, 400, "{body}: {}", o.body);
        assert_eq!(code(&o), want, "{body}: {}", o.body);
    }
    let o = api.post(&cv, json!({"volume": {"size": 10, "availability_zone": "eu-de-01", "volume_type": "SSD", "imageRef": image("Standard_Debian_11_latest"), "snapshot_id": "s"}})).await;
    assert_eq!(code(&o), "EVS.1016");
    for raw in ["", "[1]", "{\"volume\": []}"] {
        let r = emu
            .http
            .post(emu.url(&format!("/evs/v2/{}/cloudvolumes", api.pid)))
            .header("X-Auth-Token", &api.token)
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{raw}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["error"]["code"], "EVS.5400", "{raw}: {b}");
    }
    assert!(before.diff(&emu.server.store.fingerprint().unwrap()).is_empty(), "nothing stored");
    let o = api.get(&format!("{V2}/cloudvolumes/detail?limit=1001")).await;
    assert_eq!(code(&o), "EVS.1023");
    let o = api.get(&format!("{V2}/cloudvolumes/detail?sort_key=colour")).await;
    assert_eq!(code(&o), "EVS.1039");
    let o = api.get("/evs/v1/{pid}/jobs/nope").await;
    assert_eq!((o.status, code(&o)), (400, "Common.0011"));
}

#[tokio::test]
async fn tags_and_search_by_tag() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let a = create(&api, V2, json!({"size": 10, "name": "alpha"})).await["id"].as_str().unwrap().to_string();
    let b = create(&api, V2, json!({"size": 10, "name": "beta"})).await["id"].as_str().unwrap().to_string();
    let act = |id: &str| format!("{V2}/os-vendor-volumes/{id}/tags/action");
    let tag = |k: &str, v: &str| json!({"key": k, "value": v});
    let o = api.post(&act(&a), json!({"action": "create", "tags": [tag("env", "prod"), tag("team", "a")]})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    assert_eq!(api.post(&act(&b), json!({"action": "create", "tags": [tag("env", "dev")]})).await.status, 204);
    let o = api.get(&format!("{V3}/os-vendor-volumes/{a}/tags")).await;
    assert_eq!(o.body["tags"], json!([tag("env", "prod"), tag("team", "a")]));
    let o = api.get(&format!("{V2}/os-vendor-tags/volumes")).await;
    assert_eq!(o.body["tags"], json!({"env": ["prod", "dev"], "team": ["a"]}));
    for (body, want) in [
        (json!({"action": "create", "tags": [tag("bad key", "v")]}), "EVS.1062"),
        (json!({"action": "create", "tags": [tag("k", &"v".repeat(44))]}), "EVS.1062"),
        (json!({"action": "create", "tags": (0..9).map(|i| tag(&format!("t{i}"), "x")).collect::<Vec<_>>()}), "EVS.1061"),
        (json!({"action": "rename", "tags": []}), "EVS.5400"),
        (json!({"action": "create", "tags": "env"}), "EVS.1062"),
    ] {
        let o = api.post(&act(&a), body.clone()).await;
        assert_eq!((o.status, code(&o)), (400, want), "{body}");
    }
    // Search.
    let find = |body: Value| async { api.post(&format!("{V2}/os-vendor-volumes/resource_instances/action"), body).await };
    let o = find(json!({"action": "filter", "tags": [{"key": "env", "values": ["prod", "dev"]}]})).await;
    assert_eq!((o.status, o.body["total_count"].as_u64()), (200, Some(2)));
    let o = find(json!({"action": "filter", "offset": "1", "limit": "1", "tags": [{"key": "env", "values": []}]})).await;
    assert_eq!(o.body["resources"].as_array().unwrap().len(), 1);
    let o = find(json!({"action": "count", "tags": [{"key": "env", "values": ["prod"]}], "matches": [{"key": "resource_name", "value": "alp"}, {"key": "service_type", "value": "EVS"}]})).await;
    assert_eq!(o.body, json!({"total_count": 1}));
    let o = find(json!({"action": "filter", "tags": [{"key": "team", "values": []}]})).await;
    assert_eq!(o.body["resources"][0]["resource_id"], a);
    assert_eq!(o.body["resources"][0]["resource_detail"]["name"], "alpha");
    assert_eq!(find(json!({"action": "sum", "tags": []})).await.status, 400);
    // Terraform's per-resource tag API; deleting by key.
    let o = api.put(&format!("{V2}/os-vendor-tags/volumes/{b}"), json!({"tags": {"x": "1"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(api.get(&format!("{V2}/os-vendor-tags/volumes/{b}")).await.body["tags"], json!({"x": "1"}));
    assert_eq!(api.delete(&format!("{V2}/os-vendor-tags/volumes/{a}/env")).await.status, 200);
    assert_eq!(api.delete(&format!("{V2}/os-vendor-tags/volumes/{a}/env")).await.status, 404);
    assert_eq!(api.get(&format!("{V3}/os-vendor-volumes/{a}/tags")).await.body["tags"], json!([tag("team", "a")]));
    assert_eq!(api.get(&format!("{V2}/os-vendor-tags/servers")).await.status, 400);
    // Another project sees none of it.
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("{V3}/os-vendor-volumes/{a}/tags")).await.status, 404);
    assert_eq!(nl.get(&format!("{V2}/os-vendor-tags/volumes")).await.body["tags"], json!({}));
    assert_eq!(nl.post(&act(&a), json!({"action": "create", "tags": [tag("k", "v")]})).await.status, 404);
}

#[tokio::test]
async fn snapshots_through_both_apis() {
    let emu = Emu::with(evs_cfg(|c| c.settle_seconds = 5)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let vid = create(&api, V3, json!({"size": 10})).await["id"].as_str().unwrap().to_string();
    let o = api.post(&format!("{V3}/snapshots"), json!({"snapshot": {"volume_id": vid}})).await;
    assert_eq!(o.status, 400, "the volume is still creating");
    assert_eq!(fault(&o).0, "badRequest");
    emu.server.clock.advance(chrono::Duration::seconds(5));
    let o = api.post(&format!("{V3}/snapshots"), json!({"snapshot": {"volume_id": vid, "name": "s1", "description": "d"}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let s1 = o.body["snapshot"]["id"].as_str().unwrap().to_string();
    let o = api.delete(&format!("{V3}/snapshots/{s1}")).await;
    assert_eq!(o.status, 400, "a creating snapshot is not deleted");
    emu.server.clock.advance(chrono::Duration::seconds(5));
    let o = api
        .post(&format!("{V2}/cloudsnapshots"), json!({"snapshot": {"volume_id": vid, "name": "s2", "force": false, "metadata": {}}}))
        .await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(o.body["snapshot"]["service_type"], "EVS");
    let s2 = o.body["snapshot"]["id"].as_str().unwrap().to_string();
    let o = api.get(&format!("{V2}/snapshots?volume_id={vid}")).await;
    assert_eq!(o.body["snapshots"].as_array().unwrap().len(), 2);
    assert!(o.body["snapshots"][0].get("os-extended-snapshot-attributes:progress").is_none());
    let o = api.get(&format!("{V2}/snapshots/detail?status=available")).await;
    assert_eq!(o.body["snapshots"][0]["id"], s1);
    assert_eq!(o.body["snapshots"][0]["os-extended-snapshot-attributes:progress"], "100%");
    let o = api.get(&format!("{V2}/cloudsnapshots/detail?name=s2")).await;
    assert_eq!((o.body["count"].as_u64(), o.body["snapshots"][0]["status"].as_str()), (Some(1), Some("creating")));
    let o = api.put(&format!("{V2}/snapshots/{s1}"), json!({"snapshot": {"name": "s1b", "description": "d2"}})).await;
    assert_eq!(o.body["snapshot"]["name"], "s1b");
    let o = api.put(&format!("{V2}/cloudsnapshots/{s1}"), json!({"snapshot": {"name": "s1c"}})).await;
    assert_eq!(o.body["snapshot"]["name"], "s1c");
    assert_eq!(api.get(&format!("{V2}/cloudsnapshots/{s1}")).await.body["snapshot"]["name"], "s1c");
    // Snapshot metadata.
    let m = format!("{V3}/snapshots/{s1}/metadata");
    assert_eq!(api.post(&m, json!({"metadata": {"a": "1"}})).await.body["metadata"], json!({"a": "1"}));
    assert_eq!(api.put(&m, json!({"metadata": {"b": "2"}})).await.body["metadata"], json!({"b": "2"}));
    assert_eq!(api.put(&format!("{m}/c"), json!({"meta": {"c": "3"}})).await.status, 200);
    assert_eq!(api.get(&format!("{m}/c")).await.body, json!({"meta": {"c": "3"}}));
    assert_eq!(api.delete(&format!("{m}/c")).await.status, 200);
    assert_eq!(api.get(&format!("{m}/c")).await.status, 404);
    // Deletion: deleting, then gone.
    assert_eq!(api.delete(&format!("{V3}/snapshots/{s1}")).await.status, 202);
    assert_eq!(api.get(&format!("{V3}/snapshots/{s1}")).await.body["snapshot"]["status"], "deleting");
    let o = api.delete(&format!("{V2}/cloudsnapshots/{s2}")).await;
    assert_eq!((o.status, code(&o)), (400, "EVS.1047"), "still creating");
    emu.server.clock.advance(chrono::Duration::seconds(5));
    assert_eq!(api.get(&format!("{V3}/snapshots/{s1}")).await.status, 404);
    assert_eq!(api.delete(&format!("{V2}/cloudsnapshots/{s2}")).await.status, 202);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("{V2}/cloudsnapshots/{s2}")).await.status, 404);
}

#[tokio::test]
async fn the_jobs_path_serves_ecs_and_evs_jobs() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, net) = api.vpc_with_subnet("10.50.0.0/16", "10.50.1.0/24", "10.50.1.1").await;
    let body = json!({"server": {"name": "j", "imageRef": image("Standard_Debian_11_latest"), "flavorRef": "s3.medium.1", "vpcid": vpc,
        "nics": [{"subnet_id": net}], "root_volume": {"volumetype": "SSD"}}});
    let o = api.post("/v1/{pid}/cloudservers", body).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let ecs_job = o.body["job_id"].as_str().unwrap().to_string();
    let o = api
        .post(&format!("{V2}/cloudvolumes"), json!({"volume": {"size": 10, "availability_zone": "eu-de-01", "volume_type": "SAS"}}))
        .await;
    let evs_job = o.body["job_id"].as_str().unwrap().to_string();
    for prefix in ["", "/evs"] {
        assert_eq!(api.get(&format!("{prefix}/v1/{{pid}}/jobs/{ecs_job}")).await.body["job_type"], "createServer", "{prefix}");
        assert_eq!(api.get(&format!("{prefix}/v1/{{pid}}/jobs/{evs_job}")).await.body["job_type"], "createVolume", "{prefix}");
    }
    assert_eq!(api.get(&format!("/ecs/v1/{{pid}}/jobs/{ecs_job}")).await.status, 200);
    let nl = Api::new(&emu, "eu-nl").await;
    for j in [&ecs_job, &evs_job] {
        let o = nl.get(&format!("/v1/{{pid}}/jobs/{j}")).await;
        assert_eq!((o.status, code(&o)), (400, "Common.0011"), "another project's job");
    }
}
