//! EVS through Cinder v2/v3: discovery and the catalog, every volume
//! operation with its documented refusals, metadata, actions, the status
//! machine on a frozen clock, quotas, and eu-de/eu-nl isolation.

use crate::common::*;
use crate::netkit::{Api, Out};
use reqwest::Method;
use serde_json::{json, Value};

pub const V2: &str = "/evs/v2/{pid}";
pub const V3: &str = "/evs/v3/{pid}";

pub fn evs_cfg(f: impl FnOnce(&mut otc_evs::EvsConfig)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c.evs);
    c
}

/// The fault key and message of a Cinder error (`{"<fault>": {code, message}}`),
/// checking the code is the status.
pub fn fault(o: &Out) -> (String, String) {
    let obj = o.body.as_object().unwrap_or_else(|| panic!("not an object: {}", o.body));
    assert_eq!(obj.len(), 1, "{}", o.body);
    let (k, v) = obj.iter().next().unwrap();
    assert_eq!(v["code"].as_u64(), Some(o.status as u64), "{}", o.body);
    (k.clone(), v["message"].as_str().unwrap_or("").to_string())
}

pub fn image(name: &str) -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == name).unwrap().id()
}

pub async fn create(api: &Api<'_>, base: &str, volume: Value) -> Value {
    let o = api.post(&format!("{base}/volumes"), json!({ "volume": volume })).await;
    assert_eq!(o.status, 202, "{}", o.body);
    o.body["volume"].clone()
}

pub async fn status(api: &Api<'_>, id: &str) -> String {
    let o = api.get(&format!("{V3}/volumes/{id}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body["volume"]["status"].as_str().unwrap().to_string()
}

async fn with_mv(api: &Api<'_>, path: &str, mv: &str) -> reqwest::Response {
    api.emu
        .http
        .request(Method::GET, api.emu.url(&path.replace("{pid}", &api.pid)))
        .header("X-Auth-Token", &api.token)
        .header("OpenStack-API-Version", format!("volume {mv}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn discovery_and_catalog() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let r = emu.http.get(emu.url("/evs/")).send().await.unwrap();
    assert_eq!(r.status(), 300);
    let v: Value = r.json().await.unwrap();
    let ids: Vec<&str> = v["versions"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["v1.0", "v2.0", "v3.0"]);
    let v: Value = emu.http.get(emu.url("/evs/v3/")).send().await.unwrap().json().await.unwrap();
    let v3 = &v["versions"][0];
    assert_eq!((v3["status"].as_str(), v3["min_version"].as_str(), v3["version"].as_str()), (Some("CURRENT"), Some("3.0"), Some("3.50")));
    assert_eq!(v3["links"][1]["href"], format!("{}/evs/v3/", emu.server.base_url));
    assert_eq!(emu.http.get(emu.url("/evs/v4")).send().await.unwrap().status(), 404);

    let o = api.get("/v3/auth/catalog").await;
    let url = |t: &str| {
        o.body["catalog"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["type"] == t)
            .map(|e| e["endpoints"][0]["url"].as_str().unwrap().to_string())
    };
    assert_eq!(url("volumev2"), Some(format!("{}/evs/v2/{}", emu.server.base_url, api.pid)));
    assert_eq!(url("volumev3"), Some(format!("{}/evs/v3/{}", emu.server.base_url, api.pid)));
    let n = o.body["catalog"].as_array().unwrap().iter().filter(|e| e["type"] == "volumev2").count();
    assert_eq!(n, 1, "one volumev2 entry");

    // Microversions on v3: echoed; out of range 406; bad format 400.
    let r = with_mv(&api, &format!("{V3}/volumes"), "3.50").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["openstack-api-version"], "volume 3.50");
    let r = with_mv(&api, &format!("{V3}/volumes"), "latest").await;
    assert_eq!(r.headers()["openstack-api-version"], "volume 3.50");
    assert_eq!(with_mv(&api, &format!("{V3}/volumes"), "3.51").await.status(), 406);
    assert_eq!(with_mv(&api, &format!("{V3}/volumes"), "three").await.status(), 400);
    let r = api.emu.http.get(api.emu.url(&format!("/evs/v2/{}/volumes", api.pid))).header("X-Auth-Token", &api.token).send().await.unwrap();
    assert!(r.headers().get("openstack-api-version").is_none(), "v2 has no microversions");
}

#[tokio::test]
async fn volume_crud_and_views() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    for base in [V2, V3] {
        let v = create(
            &api,
            base,
            json!({"name": "data1", "size": 10, "availability_zone": "eu-de-02", "volume_type": "SSD", "description": "d", "metadata": {"k": "v"}}),
        )
        .await;
        assert_eq!(v["status"], "creating");
        assert_eq!((v["size"].as_u64(), v["volume_type"].as_str(), v["bootable"].as_str()), (Some(10), Some("SSD"), Some("false")));
        assert_eq!(v["os-vol-host-attr:host"], "eu-de-02#SSD");
        assert_eq!(v["os-vol-tenant-attr:tenant_id"], api.pid);
        assert_eq!(
            v["links"][0]["href"],
            format!("{}/evs/{}/{}/volumes/{}", emu.server.base_url, &base[5..7], api.pid, v["id"].as_str().unwrap())
        );
        let id = v["id"].as_str().unwrap().to_string();
        let o = api.get(&format!("{base}/volumes/{id}")).await;
        assert_eq!((o.status, o.body["volume"]["status"].as_str()), (200, Some("available")));
        assert!(o.body["volume"].get("volume_image_metadata").is_none());
        let o = api.put(&format!("{base}/volumes/{id}"), json!({"volume": {"name": "data2", "display_description": "d2"}})).await;
        assert_eq!(
            (o.status, o.body["volume"]["name"].as_str(), o.body["volume"]["description"].as_str()),
            (200, Some("data2"), Some("d2"))
        );
        assert!(o.body["volume"]["updated_at"].is_string());
        let o = api.get(&format!("{base}/volumes")).await;
        assert_eq!(o.body["volumes"][0]["name"], "data2");
        assert!(o.body["volumes"][0].get("status").is_none(), "the brief list has id, name, links");
        let o = api.req(Method::DELETE, &format!("{base}/volumes/{id}?cascade=False&force=False"), None).await;
        assert_eq!(o.status, 202);
        let o = api.get(&format!("{base}/volumes/{id}")).await;
        assert_eq!((o.status, fault(&o).0.as_str()), (404, "itemNotFound"));
    }
    // v3 views follow the microversion.
    let v = create(&api, V3, json!({"size": 10})).await;
    assert_eq!((v["availability_zone"].as_str(), v["volume_type"].as_str()), (Some("eu-de-01"), Some("SAS")), "defaults");
    assert!(v["name"].is_null());
    let r = with_mv(&api, &format!("{V3}/volumes/{}", v["id"].as_str().unwrap()), "3.48").await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["volume"]["shared_targets"], false);
    assert!(body["volume"]["group_id"].is_null());
    // The bare port serves the documented paths too.
    let o = api.get("/v2/{pid}/volumes/detail").await;
    assert_eq!(o.body["volumes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn creation_refusals_store_nothing() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let before = emu.server.store.fingerprint().unwrap();
    let img = image("Standard_Windows_2022_DC_latest");
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"size": 9}), 400, "out of range"),
        (json!({"size": 32769}), 400, "out of range"),
        (json!({}), 400, "size is required"),
        (json!({"size": 0}), 400, "greater than 0"),
        (json!({"size": "ten"}), 400, "integer"),
        (json!({"size": 10, "availability_zone": "eu-nl-01"}), 400, "Availability zone"),
        (json!({"size": 10, "volume_type": "NVME"}), 404, "could not be found"),
        (json!({"size": 10, "imageRef": "no-such-image"}), 400, "image"),
        (json!({"size": 20, "imageRef": img}), 400, "out of range"),
        (json!({"size": 10, "imageRef": img, "snapshot_id": "x"}), 400, "only one of"),
        (json!({"size": 10, "snapshot_id": "no-such-snapshot"}), 400, "snapshot"),
        (json!({"size": 10, "source_volid": "x"}), 400, "not supported"),
        (json!({"size": 10, "name": "n".repeat(256)}), 400, "255"),
        (json!({"size": 10, "metadata": {"k": 1}}), 400, "string"),
        (json!({"size": 10, "metadata": {"hw:passthrough": "maybe"}}), 400, "hw:passthrough"),
        (json!({"size": 10, "multiattach": "true"}), 400, "boolean"),
    ];
    for (body, status, says) in cases {
        let o = api.post(&format!("{V2}/volumes"), json!({ "volume": body.clone() })).await;
        assert_eq!(o.status, status, "{body}: {}", o.body);
        let (_, msg) = fault(&o);
        assert!(msg.contains(says), "{body}: {msg}");
    }
    for raw in ["", "[]", "{\"volume\": 5}", "{\"volumes\": {}}", "not json"] {
        let r = emu
            .http
            .post(emu.url(&format!("/evs/v2/{}/volumes", api.pid)))
            .header("X-Auth-Token", &api.token)
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{raw}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["badRequest"]["code"], 400, "{raw}: {b}");
    }
    assert!(before.diff(&emu.server.store.fingerprint().unwrap()).is_empty(), "refusals change nothing");
}

#[tokio::test]
async fn volumes_from_images_and_snapshots() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let img = image("Standard_Debian_11_latest");
    let v = create(&api, V3, json!({"size": 4, "imageRef": img, "name": "boot"})).await;
    assert_eq!(v["bootable"], "true");
    assert_eq!(v["volume_image_metadata"]["image_id"], img);
    assert_eq!(v["volume_image_metadata"]["image_name"], "Standard_Debian_11_latest");
    let src = create(&api, V2, json!({"size": 20, "volume_type": "SSD", "availability_zone": "eu-de-03"})).await;
    let sid = src["id"].as_str().unwrap();
    let o = api
        .post(&format!("{V2}/snapshots"), json!({"snapshot": {"volume_id": sid, "name": "s1", "force": false, "metadata": {"a": "b"}}}))
        .await;
    assert_eq!(o.status, 202, "{}", o.body);
    let snap = o.body["snapshot"]["id"].as_str().unwrap().to_string();
    assert_eq!((o.body["snapshot"]["status"].as_str(), o.body["snapshot"]["size"].as_u64()), (Some("creating"), Some(20)));
    let from = |extra: Value| {
        let mut b = json!({"snapshot_id": snap});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    let nv = create(&api, V3, from(json!({}))).await;
    assert_eq!(
        (nv["size"].as_u64(), nv["volume_type"].as_str(), nv["availability_zone"].as_str()),
        (Some(20), Some("SSD"), Some("eu-de-03"))
    );
    assert_eq!(nv["snapshot_id"], snap);
    for (extra, says) in [
        (json!({"size": 10}), "out of range"),
        (json!({"volume_type": "SAS"}), "not matched"),
        (json!({"availability_zone": "eu-de-01"}), "snapshot"),
    ] {
        let o = api.post(&format!("{V3}/volumes"), json!({"volume": from(extra.clone())})).await;
        assert_eq!(o.status, 400, "{extra}: {}", o.body);
        assert!(fault(&o).1.contains(says), "{extra}: {}", o.body);
    }
    // Deleting the source needs cascade while the snapshot exists.
    let o = api.delete(&format!("{V2}/volumes/{sid}")).await;
    assert_eq!(o.status, 400);
    assert!(fault(&o).1.contains("dependent snapshots"), "{}", o.body);
    let o = api.delete(&format!("{V2}/volumes/{sid}?cascade=true")).await;
    assert_eq!(o.status, 202);
    assert_eq!(api.get(&format!("{V2}/snapshots/{snap}")).await.status, 404);
}

#[tokio::test]
async fn listing_filters_sorting_and_paging() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let zone = if i % 2 == 0 { "eu-de-01" } else { "eu-de-02" };
        let v =
            create(&api, V2, json!({"name": format!("v{i}"), "size": 10 + i, "availability_zone": zone, "metadata": {"n": i.to_string()}}))
                .await;
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let names = |o: &Out| o.body["volumes"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let o = api.get(&format!("{V2}/volumes/detail")).await;
    assert_eq!(names(&o), ["v4", "v3", "v2", "v1", "v0"], "newest first by default");
    let o = api.get(&format!("{V2}/volumes/detail?sort_key=size&sort_dir=asc")).await;
    assert_eq!(names(&o), ["v0", "v1", "v2", "v3", "v4"]);
    let o = api.get(&format!("{V3}/volumes/detail?sort=name:asc")).await;
    assert_eq!(names(&o)[0], "v0");
    let o = api.get(&format!("{V2}/volumes/detail?availability_zone=eu-de-02")).await;
    assert_eq!(names(&o), ["v3", "v1"]);
    let o = api.get(&format!("{V2}/volumes/detail?name=v2&status=available")).await;
    assert_eq!(names(&o), ["v2"]);
    let o = api.get(&format!("{V2}/volumes/detail?metadata=%7B%27n%27%3A%20%273%27%7D")).await;
    assert_eq!(names(&o), ["v3"], "python-style dict filter");
    let o = api.get(&format!("{V2}/volumes/detail?limit=2")).await;
    assert_eq!(names(&o), ["v4", "v3"]);
    let next = o.body["volumes_links"][0]["href"].as_str().unwrap().to_string();
    assert!(next.contains(&format!("marker={}", ids[3])), "{next}");
    let o = api.get(next.strip_prefix(&emu.server.base_url).unwrap()).await;
    assert_eq!(names(&o), ["v2", "v1"]);
    let o = api.get(&format!("{V2}/volumes/detail?limit=2&offset=4")).await;
    assert_eq!(names(&o), ["v0"]);
    assert!(o.body.get("volumes_links").is_none(), "no next link on the last page");
    for bad in
        ["limit=0", "limit=-1", "limit=abc", "limit=1001", "offset=-1", "marker=nope", "sort_key=color", "sort_dir=up", "metadata=xx"]
    {
        let o = api.get(&format!("{V2}/volumes/detail?{bad}")).await;
        assert_eq!(o.status, 400, "{bad}: {}", o.body);
        assert_eq!(fault(&o).0, "badRequest");
    }
    let o = api.get(&format!("{V3}/volumes/summary")).await;
    assert_eq!(o.body["volume-summary"], json!({"total_size": 60, "total_count": 5}));
}

#[tokio::test]
async fn metadata_operations() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let v = create(&api, V3, json!({"size": 10, "metadata": {"a": "1"}})).await;
    let m = format!("{V3}/volumes/{}/metadata", v["id"].as_str().unwrap());
    let o = api.post(&m, json!({"metadata": {"b": "2"}})).await;
    assert_eq!((o.status, &o.body["metadata"]), (200, &json!({"a": "1", "b": "2"})));
    let o = api.put(&m, json!({"metadata": {"c": "3"}})).await;
    assert_eq!(o.body["metadata"], json!({"c": "3"}), "PUT replaces");
    assert_eq!(api.get(&m).await.body["metadata"], json!({"c": "3"}));
    let o = api.get(&format!("{m}/c")).await;
    assert_eq!(o.body, json!({"meta": {"c": "3"}}));
    let o = api.put(&format!("{m}/d"), json!({"meta": {"d": "4"}})).await;
    assert_eq!((o.status, &o.body), (200, &json!({"meta": {"d": "4"}})));
    let o = api.put(&format!("{m}/d"), json!({"meta": {"e": "4"}})).await;
    assert_eq!((o.status, fault(&o).1.as_str()), (400, "Request body and URI mismatch"));
    let o = api.put(&format!("{m}/d"), json!({"meta": {"d": "4", "e": "5"}})).await;
    assert_eq!(o.status, 400);
    assert_eq!(api.delete(&format!("{m}/d")).await.status, 200);
    let o = api.delete(&format!("{m}/d")).await;
    assert_eq!((o.status, fault(&o).0.as_str()), (404, "itemNotFound"));
    assert_eq!(api.get(&format!("{m}/zz")).await.status, 404);
    let o = api.post(&m, json!({"metadata": {"k": "v".repeat(256)}})).await;
    assert_eq!(o.status, 400);
    assert_eq!(api.post(&m, json!({"metadata": ["a"]})).await.status, 400);
}

#[tokio::test]
async fn actions_and_the_status_machine_on_the_clock() {
    let emu = Emu::with(evs_cfg(|c| c.settle_seconds = 30)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let img = image("Standard_Debian_11_latest");
    let v = create(&api, V3, json!({"size": 10, "imageRef": img})).await;
    let id = v["id"].as_str().unwrap().to_string();
    let act = format!("{V3}/volumes/{id}/action");
    assert_eq!(status(&api, &id).await, "creating");
    // Not yet available: extend and delete are refused.
    let o = api.post(&act, json!({"os-extend": {"new_size": 20}})).await;
    assert_eq!(o.status, 400);
    assert!(fault(&o).1.contains("'available' or 'in-use'"), "{}", o.body);
    let o = api.delete(&format!("{V3}/volumes/{id}")).await;
    assert_eq!(o.status, 400);
    assert!(fault(&o).1.contains("current status is: creating"), "{}", o.body);
    emu.server.clock.advance(chrono::Duration::seconds(30));
    assert_eq!(status(&api, &id).await, "downloading", "an image volume downloads");
    emu.server.clock.advance(chrono::Duration::seconds(30));
    assert_eq!(status(&api, &id).await, "available");
    // Extending: never shrinking, up to the system-disk maximum.
    for (size, says) in [(10, "greater than current size"), (5, "greater than current size"), (1025, "largest disk")] {
        let o = api.post(&act, json!({"os-extend": {"new_size": size}})).await;
        assert_eq!(o.status, 400, "{size}");
        assert!(fault(&o).1.contains(says), "{size}: {}", o.body);
    }
    let o = api.post(&act, json!({"os-extend": {"new_size": "20"}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let o = api.get(&format!("{V3}/volumes/{id}")).await;
    assert_eq!((o.body["volume"]["status"].as_str(), o.body["volume"]["size"].as_u64()), (Some("extending"), Some(20)));
    emu.server.clock.advance(chrono::Duration::seconds(30));
    assert_eq!(status(&api, &id).await, "available");
    // Flags.
    assert_eq!(api.post(&act, json!({"os-set_bootable": {"bootable": false}})).await.status, 200);
    assert_eq!(api.get(&format!("{V3}/volumes/{id}")).await.body["volume"]["bootable"], "false");
    assert_eq!(api.post(&act, json!({"os-update_readonly_flag": {"readonly": true}})).await.status, 202);
    assert_eq!(api.post(&act, json!({"os-set_bootable": {"bootable": "yes"}})).await.status, 400);
    // Attaching goes through compute; admin actions are not the caller's.
    let o = api.post(&act, json!({"os-attach": {"instance_uuid": "x", "mountpoint": "/dev/vdb"}})).await;
    assert_eq!((o.status, fault(&o).0.as_str()), (400, "badRequest"));
    let o = api.post(&act, json!({"os-reset_status": {"status": "error"}})).await;
    assert_eq!((o.status, fault(&o).0.as_str()), (403, "forbidden"));
    // Not performed (no private images): the gateway's 404.
    let o = api.post(&act, json!({"os-volume_upload_image": {"image_name": "x"}})).await;
    assert_eq!((o.status, o.body["error_code"].as_str()), (404, Some("APIGW.0101")), "{}", o.body);
    let o = api.post(&act, json!({"os-fly": {}})).await;
    assert!(fault(&o).1.contains("no such action"), "{}", o.body);
    assert_eq!(api.post(&act, json!({"os-extend": {"new_size": 30}, "os-set_bootable": {"bootable": true}})).await.status, 400);
    assert_eq!(api.post(&format!("{V3}/volumes/nope/action"), json!({"os-extend": {"new_size": 30}})).await.status, 404);
    // Deleting: `deleting`, then gone.
    assert_eq!(api.delete(&format!("{V3}/volumes/{id}")).await.status, 202);
    assert_eq!(status(&api, &id).await, "deleting");
    let o = api.post(&act, json!({"os-extend": {"new_size": 40}})).await;
    assert_eq!(o.status, 400, "a deleting volume is not extended");
    emu.server.clock.advance(chrono::Duration::seconds(30));
    assert_eq!(api.get(&format!("{V3}/volumes/{id}")).await.status, 404);
    assert!(api.get(&format!("{V3}/volumes")).await.body["volumes"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn quotas_are_enforced_and_shown() {
    let emu = Emu::with(evs_cfg(|c| {
        c.quotas.volumes = 3;
        c.quotas.gigabytes = 50;
        c.quotas.snapshots = 1;
    }))
    .await;
    let api = Api::new(&emu, "eu-de").await;
    let a = create(&api, V2, json!({"size": 20})).await;
    create(&api, V2, json!({"size": 20})).await;
    let o = api.post(&format!("{V2}/volumes"), json!({"volume": {"size": 20}})).await;
    assert_eq!((o.status, fault(&o).0.as_str()), (413, "overLimit"));
    assert!(fault(&o).1.contains("gigabytes quota"), "{}", o.body);
    create(&api, V2, json!({"size": 10})).await;
    let o = api.post(&format!("{V2}/volumes"), json!({"volume": {"size": 10}})).await;
    assert_eq!(o.status, 413);
    assert!(fault(&o).1.contains("'volumes'"), "{}", o.body);
    let aid = a["id"].as_str().unwrap();
    let o = api.post(&format!("{V2}/volumes/{aid}/action"), json!({"os-extend": {"new_size": 21}})).await;
    assert_eq!(o.status, 413, "extending counts too");
    let o = api.post(&format!("{V2}/snapshots"), json!({"snapshot": {"volume_id": aid}})).await;
    assert_eq!(o.status, 413, "a snapshot's gigabytes count: {}", o.body);

    let o = api.get(&format!("{V3}/os-quota-sets/{}?usage=True", api.pid)).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let q = &o.body["quota_set"];
    assert_eq!(q["id"], api.pid);
    assert_eq!(q["volumes"], json!({"limit": 3, "in_use": 3, "reserved": 0}));
    assert_eq!(q["gigabytes"], json!({"limit": 50, "in_use": 50, "reserved": 0}));
    assert_eq!(q["volumes_SAS"]["in_use"], 3);
    assert_eq!(q["volumes_SSD"]["limit"], -1);
    let o = api.get(&format!("{V3}/os-quota-sets/{}?usage=False", api.pid)).await;
    assert_eq!((o.body["quota_set"]["volumes"].as_i64(), o.body["quota_set"]["snapshots"].as_i64()), (Some(3), Some(1)));
    assert_eq!(api.get(&format!("{V3}/os-quota-sets/{}?usage=maybe", api.pid)).await.status, 400);
    let o = api.get(&format!("{V3}/os-quota-sets/{}/defaults", api.pid)).await;
    assert_eq!(o.body["quota_set"]["gigabytes"], 50);
    let nl = Api::new(&emu, "eu-nl").await;
    let o = api.get(&format!("{V3}/os-quota-sets/{}", nl.pid)).await;
    assert_eq!((o.status, fault(&o).0.as_str()), (403, "forbidden"), "another project's quotas");
    let o = api.get(&format!("{V3}/limits")).await;
    assert_eq!(o.body["limits"]["absolute"]["maxTotalVolumes"], 3);
    assert_eq!(o.body["limits"]["absolute"]["totalGigabytesUsed"], 50);
    // Quotas are per project.
    assert_eq!(nl.post(&format!("{V2}/volumes"), json!({"volume": {"size": 40, "availability_zone": "eu-nl-01"}})).await.status, 202);
}

#[tokio::test]
async fn types_zones_and_extensions() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-nl").await;
    let o = api.get(&format!("{V2}/types")).await;
    let names: Vec<&str> = o.body["volume_types"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["SATA", "SAS", "GPSSD", "SSD", "ESSD", "GPSSD2", "co-p1", "uh-l1"]);
    let ssd = o.body["volume_types"][3].clone();
    assert_eq!(ssd["extra_specs"]["RESKEY:availability_zones"], "eu-nl-01,eu-nl-02,eu-nl-03");
    let o = api.get(&format!("{V3}/types/{}", ssd["id"].as_str().unwrap())).await;
    assert_eq!(o.body["volume_type"]["name"], "SSD");
    assert_eq!(api.get(&format!("{V3}/types/nope")).await.status, 404);
    let o = api.get(&format!("{V3}/os-availability-zone")).await;
    assert_eq!(o.body["availabilityZoneInfo"][0], json!({"zoneName": "eu-nl-01", "zoneState": {"available": true}}));
    let o = api.get(&format!("{V2}/extensions")).await;
    assert!(o.body["extensions"].as_array().unwrap().iter().any(|e| e["alias"] == "os-vol-image-meta"));
    // On the bare port Nova answers the shared AZ path; both shapes agree.
    let o = api.get("/v2/{pid}/os-availability-zone").await;
    assert_eq!(o.body["availabilityZoneInfo"][0]["zoneName"], "eu-nl-01");
}

#[tokio::test]
async fn projects_are_isolated() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let v = create(&de, V3, json!({"size": 10, "name": "mine"})).await;
    let id = v["id"].as_str().unwrap();
    let o = de.post(&format!("{V3}/snapshots"), json!({"snapshot": {"volume_id": id}})).await;
    let snap = o.body["snapshot"]["id"].as_str().unwrap().to_string();
    for path in [
        format!("{V3}/volumes/{id}"),
        format!("{V3}/volumes/{id}/metadata"),
        format!("{V3}/snapshots/{snap}"),
        format!("/v2/{{pid}}/os-vendor-volumes/{id}"),
    ] {
        assert_eq!(nl.get(&path).await.status, 404, "{path}");
    }
    assert!(nl.get(&format!("{V3}/volumes/detail")).await.body["volumes"].as_array().unwrap().is_empty());
    assert!(nl.get(&format!("{V3}/snapshots/detail")).await.body["snapshots"].as_array().unwrap().is_empty());
    assert_eq!(nl.delete(&format!("{V3}/volumes/{id}")).await.status, 404);
    assert_eq!(nl.post(&format!("{V3}/snapshots"), json!({"snapshot": {"volume_id": id}})).await.status, 404);
    assert_eq!(nl.post(&format!("{V3}/volumes"), json!({"volume": {"snapshot_id": snap}})).await.status, 400);
    // A zone of the other region is not one of this project's.
    let o = nl.post(&format!("{V3}/volumes"), json!({"volume": {"size": 10, "availability_zone": "eu-de-01"}})).await;
    assert_eq!(o.status, 400);
    // eu-de's URL with eu-nl's token: the gateway refuses.
    let o = nl.get(&format!("/evs/v3/{}/volumes", de.pid)).await;
    assert_eq!(o.status, 403);
    assert_eq!(status(&de, id).await, "available");
}

#[tokio::test]
async fn transfers_move_a_volume_between_projects() {
    let mut cfg = config();
    cfg.identity.domains[0].projects.push("eu-de_team".into());
    let emu = Emu::with(cfg).await;
    let de = Api::new(&emu, "eu-de").await;
    let team = Api::new(&emu, "eu-de_team").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let v = create(&de, V3, json!({"size": 10, "name": "moving"})).await;
    let vid = v["id"].as_str().unwrap().to_string();
    let o = de.post(&format!("{V3}/os-volume-transfer"), json!({"transfer": {"volume_id": vid, "name": "t1"}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let t = o.body["transfer"].clone();
    let (tid, key) = (t["id"].as_str().unwrap().to_string(), t["auth_key"].as_str().unwrap().to_string());
    assert_eq!((t["volume_id"].as_str(), key.len()), (Some(vid.as_str()), 16));
    assert_eq!(status(&de, &vid).await, "awaiting-transfer");
    let o = de.get(&format!("{V2}/os-volume-transfer")).await;
    assert_eq!(o.body["transfers"][0]["id"], tid);
    assert!(o.body["transfers"][0].get("created_at").is_none());
    assert!(de.get(&format!("{V2}/os-volume-transfer/detail")).await.body["transfers"][0]["created_at"].is_string());
    let o = de.get(&format!("{V2}/os-volume-transfer/{tid}")).await;
    assert!(o.body["transfer"].get("auth_key").is_none(), "the key is shown once");
    // Refusals: a second offer, deleting or extending the offered volume.
    assert_eq!(de.post(&format!("{V3}/os-volume-transfer"), json!({"transfer": {"volume_id": vid}})).await.status, 400);
    assert_eq!(de.delete(&format!("{V3}/volumes/{vid}")).await.status, 400);
    // Only the owner sees the offer; another region cannot accept it.
    assert_eq!(team.get(&format!("{V3}/os-volume-transfer/{tid}")).await.status, 404);
    assert_eq!(team.delete(&format!("{V3}/os-volume-transfer/{tid}")).await.status, 404);
    let accept = |key: &str| json!({"accept": {"auth_key": key}});
    assert_eq!(nl.post(&format!("{V3}/os-volume-transfer/{tid}/accept"), accept(&key)).await.status, 404);
    let o = team.post(&format!("{V3}/os-volume-transfer/{tid}/accept"), accept("0000000000000000")).await;
    assert_eq!(o.status, 400);
    assert!(fault(&o).1.contains("invalid auth key"), "{}", o.body);
    let o = team.post(&format!("{V3}/os-volume-transfer/{tid}/accept"), accept(&key)).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(o.body["transfer"]["volume_id"], vid);
    assert_eq!(de.get(&format!("{V3}/volumes/{vid}")).await.status, 404);
    let o = team.get(&format!("{V3}/volumes/{vid}")).await;
    assert_eq!(
        (o.body["volume"]["status"].as_str(), o.body["volume"]["os-vol-tenant-attr:tenant_id"].as_str()),
        (Some("available"), Some(team.pid.as_str()))
    );
    assert!(de.get(&format!("{V3}/os-volume-transfer")).await.body["transfers"].as_array().unwrap().is_empty());
    // A withdrawn offer frees the volume.
    let o = team.post(&format!("{V2}/os-volume-transfer"), json!({"transfer": {"volume_id": vid}})).await;
    let tid = o.body["transfer"]["id"].as_str().unwrap().to_string();
    assert_eq!(team.delete(&format!("{V2}/os-volume-transfer/{tid}")).await.status, 202);
    assert_eq!(status(&team, &vid).await, "available");
    assert_eq!(team.get(&format!("{V2}/os-volume-transfer/{tid}")).await.status, 404);
}
