//! Servers are made of volumes: every server's system disk and data disks
//! are EVS volumes, seen from both sides (Nova / ECS attachments and the
//! server's `volumes_attached`, Cinder's status and `attachments`);
//! attach and detach on a frozen clock; boot from volume; the Nova volume
//! proxy; ECS attachvolume / detachvolume jobs and `block_device`; volume
//! quotas at server creation; AS-launched servers' disks; isolation.

use crate::common::*;
use crate::evs_volumes::{fault, image, status, V2, V3};
use crate::netkit::{id, Api, Out};
use reqwest::Method;
use serde_json::{json, Value};

const NOVA: &str = "/v2.1/{pid}";

fn cfg(f: impl FnOnce(&mut otc_emulator::config::Config)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c);
    c
}

/// A Nova request at microversion 2.60.
async fn nova(api: &Api<'_>, method: Method, path: &str, body: Option<Value>) -> Out {
    let mut req = api
        .emu
        .http
        .request(method, api.emu.url(&path.replace("{pid}", &api.pid)))
        .header("X-Auth-Token", &api.token)
        .header("OpenStack-API-Version", "compute 2.60");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    Out { status, code: String::new(), body }
}

fn server_body(name: &str, net: &str) -> Value {
    json!({"server": {"name": name, "flavorRef": "s3.medium.1", "imageRef": image("Standard_Debian_11_latest"), "networks": [{"uuid": net}]}})
}

async fn new_server(api: &Api<'_>, body: Value) -> String {
    let o = nova(api, Method::POST, &format!("{NOVA}/servers"), Some(body)).await;
    assert_eq!(o.status, 202, "{}", o.body);
    id(&o.body["server"])
}

async fn server(api: &Api<'_>, sid: &str) -> Value {
    let o = nova(api, Method::GET, &format!("{NOVA}/servers/{sid}"), None).await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body["server"].clone()
}

/// The ids Nova lists in the server's `volumes_attached`.
async fn attached(api: &Api<'_>, sid: &str) -> Vec<String> {
    server(api, sid).await["os-extended-volumes:volumes_attached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

async fn volume(api: &Api<'_>, vid: &str) -> Value {
    let o = api.get(&format!("{V3}/volumes/{vid}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body["volume"].clone()
}

async fn data_volume(api: &Api<'_>, zone: &str) -> String {
    let o = api.post(&format!("{V2}/volumes"), json!({"volume": {"size": 10, "availability_zone": zone}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    id(&o.body["volume"])
}

fn ecs_code(o: &Out) -> &str {
    o.body["error"]["code"].as_str().unwrap_or("")
}

fn advance(emu: &Emu, secs: i64) {
    emu.server.clock.advance(chrono::Duration::seconds(secs));
}

#[tokio::test]
async fn attach_and_detach_move_the_volume_on_the_clock_seen_from_both_sides() {
    let emu = Emu::with(cfg(|c| c.evs.settle_seconds = 30)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let sid = new_server(&api, server_body("web", &net)).await;

    // The system disk: a real volume from the image, attached as /dev/vda.
    let s = server(&api, &sid).await;
    let vols = s["os-extended-volumes:volumes_attached"].as_array().unwrap().clone();
    assert_eq!(vols.len(), 1, "{s}");
    assert_eq!(vols[0]["delete_on_termination"], true);
    let root = vols[0]["id"].as_str().unwrap().to_string();
    let v = volume(&api, &root).await;
    assert_eq!((v["bootable"].as_str(), v["size"].as_u64(), v["status"].as_str()), (Some("true"), Some(4), Some("attaching")));
    assert_eq!(v["volume_image_metadata"]["image_id"], image("Standard_Debian_11_latest"));
    assert_eq!(v["attachments"][0]["server_id"], sid.as_str());
    assert_eq!(v["attachments"][0]["device"], "/dev/vda");
    assert_eq!(v["availability_zone"], s["OS-EXT-AZ:availability_zone"]);
    advance(&emu, 30);
    assert_eq!(status(&api, &root).await, "in-use");

    // A data volume: creating → available, then attached through Nova.
    let data = data_volume(&api, "eu-de-01").await;
    let attach = format!("{NOVA}/servers/{sid}/os-volume_attachments");
    let o = nova(&api, Method::POST, &attach, Some(json!({"volumeAttachment": {"volumeId": data}}))).await;
    assert_eq!(o.status, 400, "still creating: {}", o.body);
    assert!(o.body["badRequest"]["message"].as_str().unwrap().contains("status must be available"), "{}", o.body);
    advance(&emu, 30);
    assert_eq!(status(&api, &data).await, "available");
    let o = nova(&api, Method::POST, &attach, Some(json!({"volumeAttachment": {"volumeId": data, "device": "/dev/sdq"}}))).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["volumeAttachment"], json!({"id": data, "volumeId": data, "serverId": sid, "device": "/dev/vdb"}));
    assert_eq!(status(&api, &data).await, "attaching");
    assert_eq!(attached(&api, &sid).await, vec![root.clone(), data.clone()]);
    advance(&emu, 30);
    let v = volume(&api, &data).await;
    assert_eq!((v["status"].as_str(), v["attachments"][0]["server_id"].as_str()), (Some("in-use"), Some(sid.as_str())));
    let o = nova(&api, Method::GET, &attach, None).await;
    assert_eq!(o.body["volumeAttachments"].as_array().unwrap().len(), 2, "{}", o.body);
    let one = nova(&api, Method::GET, &format!("{attach}/{data}"), None).await;
    assert_eq!((one.status, one.body["volumeAttachment"]["device"].as_str()), (200, Some("/dev/vdb")));
    // Cinder refuses to delete what is in use; a second attach is refused.
    let o = api.delete(&format!("{V3}/volumes/{data}")).await;
    assert_eq!(o.status, 400, "{}", o.body);
    assert!(fault(&o).1.contains("in-use") || fault(&o).1.contains("attached"), "{}", o.body);
    let o = nova(&api, Method::POST, &attach, Some(json!({"volumeAttachment": {"volumeId": data}}))).await;
    assert_eq!(o.status, 400, "{}", o.body);
    // The system disk stays on a running server.
    let o = nova(&api, Method::DELETE, &format!("{attach}/{root}"), None).await;
    assert_eq!(o.status, 409, "{}", o.body);

    // Detach: detaching at once (the attachment is gone), available later.
    let o = nova(&api, Method::DELETE, &format!("{attach}/{data}"), None).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(status(&api, &data).await, "detaching");
    assert_eq!(nova(&api, Method::GET, &format!("{attach}/{data}"), None).await.status, 404);
    assert_eq!(attached(&api, &sid).await, vec![root.clone()]);
    let o = nova(&api, Method::DELETE, &format!("{attach}/{data}"), None).await;
    assert_eq!(o.status, 404, "not attached any more: {}", o.body);
    advance(&emu, 30);
    let v = volume(&api, &data).await;
    assert_eq!((v["status"].as_str(), v["attachments"].as_array().unwrap().len()), (Some("available"), 0));

    // Deleting the server: the system disk goes, a data disk stays.
    nova(&api, Method::POST, &attach, Some(json!({"volumeAttachment": {"volumeId": data}}))).await;
    advance(&emu, 30);
    assert_eq!(nova(&api, Method::DELETE, &format!("{NOVA}/servers/{sid}"), None).await.status, 204);
    assert_eq!(status(&api, &root).await, "deleting");
    assert_eq!(status(&api, &data).await, "detaching");
    advance(&emu, 30);
    assert_eq!(api.get(&format!("{V3}/volumes/{root}")).await.status, 404);
    assert_eq!(status(&api, &data).await, "available");
    assert_eq!(api.delete(&format!("{V3}/volumes/{data}")).await.status, 202);
}

#[tokio::test]
async fn attachment_refusals() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let sid = new_server(&api, server_body("web", &net)).await;
    let attach = format!("{NOVA}/servers/{sid}/os-volume_attachments");
    let far = data_volume(&api, "eu-de-02").await;
    let o = nova(&api, Method::POST, &attach, Some(json!({"volumeAttachment": {"volumeId": far}}))).await;
    assert_eq!(o.status, 400, "another zone: {}", o.body);
    for body in [json!({"volumeAttachment": {}}), json!({"volumeAttachment": {"volumeId": 3}}), json!({"nope": 1}), json!([])] {
        let o = nova(&api, Method::POST, &attach, Some(body.clone())).await;
        assert_eq!(o.status, 400, "{body}: {}", o.body);
    }
    let o = nova(&api, Method::POST, &attach, Some(json!({"volumeAttachment": {"volumeId": "nope"}}))).await;
    assert_eq!((o.status, o.body["itemNotFound"]["code"].as_u64()), (404, Some(404)), "{}", o.body);
    let o =
        nova(&api, Method::POST, "/v2.1/{pid}/servers/nope/os-volume_attachments", Some(json!({"volumeAttachment": {"volumeId": far}})))
            .await;
    assert_eq!(o.status, 404);
    assert_eq!(nova(&api, Method::GET, "/v2.1/{pid}/servers/nope/os-volume_attachments", None).await.status, 404);
    assert_eq!(nova(&api, Method::GET, &format!("{attach}/{far}"), None).await.status, 404);
    // A locked server takes no volume; v2 answers like v2.1.
    let near = data_volume(&api, "eu-de-01").await;
    assert_eq!(nova(&api, Method::POST, &format!("{NOVA}/servers/{sid}/action"), Some(json!({"lock": null}))).await.status, 202);
    let o = nova(&api, Method::POST, &attach, Some(json!({"volumeAttachment": {"volumeId": near}}))).await;
    assert_eq!(o.status, 409, "{}", o.body);
    assert_eq!(nova(&api, Method::POST, &format!("{NOVA}/servers/{sid}/action"), Some(json!({"unlock": null}))).await.status, 202);
    let v2 = format!("/v2/{{pid}}/servers/{sid}/os-volume_attachments");
    let o = api.post(&v2, json!({"volumeAttachment": {"volumeId": near}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(api.get(&v2).await.body["volumeAttachments"].as_array().unwrap().len(), 2);
    assert_eq!(api.delete(&format!("{v2}/{near}")).await.status, 202);
    assert_eq!(status(&api, &near).await, "available", "settles at once with settle_seconds 0");
}

#[tokio::test]
async fn boot_from_volume_and_block_device_mapping() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let img = image("Standard_Debian_11_latest");
    // os-volumes_boot (Terraform's block_device path): a system disk from
    // the image, kept after the server, and a blank data disk.
    let body = json!({"server": {"name": "bfv", "flavorRef": "s3.medium.1", "networks": [{"uuid": net}], "block_device_mapping_v2": [
        {"source_type": "image", "destination_type": "volume", "uuid": img, "boot_index": 0, "volume_size": 12, "volume_type": "SSD", "delete_on_termination": false},
        {"source_type": "blank", "destination_type": "volume", "volume_size": 20, "boot_index": -1, "delete_on_termination": true},
    ]}});
    let o = nova(&api, Method::POST, "/v2.1/{pid}/os-volumes_boot", Some(body)).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let sid = id(&o.body["server"]);
    let s = server(&api, &sid).await;
    assert_eq!(s["image"]["id"], img.as_str());
    let vols = s["os-extended-volumes:volumes_attached"].as_array().unwrap().clone();
    assert_eq!(vols.len(), 2);
    let (root, data) = (vols[0]["id"].as_str().unwrap().to_string(), vols[1]["id"].as_str().unwrap().to_string());
    assert_eq!((vols[0]["delete_on_termination"].as_bool(), vols[1]["delete_on_termination"].as_bool()), (Some(false), Some(true)));
    let v = volume(&api, &root).await;
    assert_eq!((v["size"].as_u64(), v["volume_type"].as_str(), v["bootable"].as_str()), (Some(12), Some("SSD"), Some("true")));
    assert_eq!(v["status"], "in-use");
    let v = volume(&api, &data).await;
    assert_eq!(
        (v["size"].as_u64(), v["bootable"].as_str(), v["attachments"][0]["device"].as_str()),
        (Some(20), Some("false"), Some("/dev/vdb"))
    );
    assert_eq!(nova(&api, Method::DELETE, &format!("{NOVA}/servers/{sid}"), None).await.status, 204);
    assert_eq!(status(&api, &root).await, "available", "delete_on_termination false");
    assert_eq!(api.get(&format!("{V3}/volumes/{data}")).await.status, 404, "delete_on_termination true");

    // Booting the kept volume itself: no imageRef, the volume's image.
    let boot = |vid: &str| {
        json!({"server": {"name": "again", "flavorRef": "s3.medium.1", "networks": [{"uuid": net}], "block_device_mapping_v2": [
            {"source_type": "volume", "destination_type": "volume", "uuid": vid, "boot_index": "0"}]}})
    };
    let sid = new_server(&api, boot(&root)).await;
    assert_eq!(server(&api, &sid).await["image"]["id"], img.as_str());
    assert_eq!(attached(&api, &sid).await, vec![root.clone()]);
    let o = nova(&api, Method::POST, &format!("{NOVA}/servers"), Some(boot(&root))).await;
    assert_eq!(o.status, 400, "in use: {}", o.body);
    let o = nova(&api, Method::POST, &format!("{NOVA}/servers"), Some(boot("nope"))).await;
    assert_eq!(o.status, 400, "{}", o.body);
    let blank = data_volume(&api, "eu-de-01").await;
    let o = nova(&api, Method::POST, &format!("{NOVA}/servers"), Some(boot(&blank))).await;
    assert_eq!(o.status, 400, "not bootable: {}", o.body);
    assert_eq!(status(&api, &blank).await, "available", "a refused create changes nothing");
    let bad = [
        json!([{"source_type": "blank", "destination_type": "volume", "volume_size": 10, "boot_index": 0}]),
        json!([{"source_type": "image", "destination_type": "volume", "uuid": img, "boot_index": 0}]),
        json!([{"source_type": "tape", "uuid": img, "boot_index": 0}]),
        json!("all"),
    ];
    for b in bad {
        let body = json!({"server": {"name": "x", "flavorRef": "s3.medium.1", "networks": [{"uuid": net}], "block_device_mapping_v2": b}});
        let o = nova(&api, Method::POST, &format!("{NOVA}/servers"), Some(body)).await;
        assert_eq!(o.status, 400, "{b}: {}", o.body);
    }
    // The volume still serves only the one server.
    assert_eq!(nova(&api, Method::GET, &format!("{NOVA}/servers"), None).await.body["servers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn nova_volume_proxy_is_evs() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = nova(
        &api,
        Method::POST,
        &format!("{NOVA}/os-volumes"),
        Some(json!({"volume": {"size": 10, "display_name": "nv",
        "display_description": "d", "availability_zone": "eu-de-02", "volume_type": "SAS", "metadata": {"k": "v"}}})),
    )
    .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let v = o.body["volume"].clone();
    assert_eq!(
        (v["displayName"].as_str(), v["volumeType"].as_str(), v["availabilityZone"].as_str()),
        (Some("nv"), Some("SAS"), Some("eu-de-02"))
    );
    assert_eq!(v["attachments"], json!([{}]));
    let vid = id(&v);
    // The same volume through Cinder.
    let c = volume(&api, &vid).await;
    assert_eq!((c["name"].as_str(), c["metadata"]["k"].as_str()), (Some("nv"), Some("v")));
    for path in [format!("{NOVA}/os-volumes"), format!("{NOVA}/os-volumes/detail"), "/v2/{pid}/os-volumes".to_string()] {
        let o = nova(&api, Method::GET, &path, None).await;
        assert_eq!(o.body["volumes"].as_array().unwrap().len(), 1, "{path}: {}", o.body);
    }
    assert_eq!(nova(&api, Method::GET, &format!("{NOVA}/os-volumes?limit=0"), None).await.body["volumes"], json!([]));
    assert_eq!(nova(&api, Method::GET, &format!("{NOVA}/os-volumes?limit=x"), None).await.status, 400);
    let o = nova(&api, Method::GET, &format!("{NOVA}/os-volumes/{vid}"), None).await;
    assert_eq!((o.status, o.body["volume"]["size"].as_u64()), (200, Some(10)));
    for body in [
        json!({"volume": {}}),
        json!({"volume": {"size": "ten"}}),
        json!({"volume": {"size": 10, "volume_type": "FLOPPY"}}),
        json!({"volume": {"size": 10, "availability_zone": "mars-1"}}),
        json!({"volume": {"size": 10, "metadata": {"k": 1}}}),
        json!({"volume": {"size": 5}}),
        json!({"vol": {}}),
    ] {
        let o = nova(&api, Method::POST, &format!("{NOVA}/os-volumes"), Some(body.clone())).await;
        assert_eq!(o.status, 400, "{body}: {}", o.body);
        assert!(o.body["badRequest"]["message"].is_string(), "{}", o.body);
    }
    assert_eq!(nova(&api, Method::GET, &format!("{NOVA}/os-volumes/nope"), None).await.status, 404);
    assert_eq!(nova(&api, Method::DELETE, &format!("{NOVA}/os-volumes/nope"), None).await.status, 404);
    assert_eq!(nova(&api, Method::DELETE, &format!("{NOVA}/os-volumes/{vid}"), None).await.status, 202);
    assert_eq!(api.get(&format!("{V3}/volumes/{vid}")).await.status, 404);
}

#[tokio::test]
async fn ecs_attach_detach_jobs_and_block_devices() {
    let emu = Emu::with(cfg(|c| {
        c.evs.settle_seconds = 20;
        c.compute.job_seconds = 4;
    }))
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    // ECS create with a data disk: both are EVS volumes.
    let o = api
        .post(
            "/v1/{pid}/cloudservers",
            json!({"server": {"name": "ecs", "imageRef": image("Standard_Debian_11_latest"), "flavorRef": "s3.medium.1",
            "vpcid": vpc, "nics": [{"subnet_id": subnet}], "availability_zone": "eu-de-01",
            "root_volume": {"volumetype": "SSD", "size": 40}, "data_volumes": [{"volumetype": "SAS", "size": 100}]}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let sid = o.body["serverIds"][0].as_str().unwrap().to_string();
    let ids = attached(&api, &sid).await;
    assert_eq!(ids.len(), 2);
    let (root, disk) = (volume(&api, &ids[0]).await, volume(&api, &ids[1]).await);
    assert_eq!((root["size"].as_u64(), root["volume_type"].as_str(), root["bootable"].as_str()), (Some(40), Some("SSD"), Some("true")));
    assert_eq!((disk["size"].as_u64(), disk["volume_type"].as_str(), disk["status"].as_str()), (Some(100), Some("SAS"), Some("attaching")));
    advance(&emu, 40);

    let bd = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/block_device")).await;
    assert_eq!(bd.status, 200, "{}", bd.body);
    let list = bd.body["volumeAttachments"].as_array().unwrap().clone();
    assert_eq!((list.len(), list[0]["bootIndex"].as_u64(), list[0]["size"].as_u64()), (2, Some(0), Some(40)));
    assert_eq!(list[1]["device"], "/dev/vdb");
    assert_eq!(bd.body["attachableQuantity"]["free_disk"], 24);
    let one = api.get(&format!("/v2.1/servers/{sid}/block_device/{}", ids[1])).await;
    assert_eq!((one.status, one.body["volumeAttachment"]["size"].as_str()), (200, Some("100")), "{}", one.body);
    assert_eq!(api.get(&format!("/v2.1/servers/{sid}/block_device")).await.body["volumeAttachments"].as_array().unwrap().len(), 2);
    let o = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}/block_device/nope")).await;
    assert_eq!((o.status, ecs_code(&o)), (400, "Ecs.0111"));
    assert_eq!(ecs_code(&api.get("/v1/{pid}/cloudservers/nope/block_device").await), "Ecs.0114");

    // attachvolume: a job, the volume attaching then in-use.
    let extra = data_volume(&api, "eu-de-01").await;
    advance(&emu, 20);
    let path = format!("/v1/{{pid}}/cloudservers/{sid}/attachvolume");
    let o = api.post(&path, json!({"volumeAttachment": {"volumeId": extra}, "dry_run": true})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(status(&api, &extra).await, "available", "a dry run changes nothing");
    let o = api.post(&path, json!({"volumeAttachment": {"volumeId": extra, "device": "/dev/sdc"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let job = o.body["job_id"].as_str().unwrap().to_string();
    assert_eq!(status(&api, &extra).await, "attaching");
    let j = api.get(&format!("/v1/{{pid}}/jobs/{job}")).await;
    assert_eq!((j.body["job_type"].as_str(), j.body["status"].as_str()), (Some("attachVolume"), Some("INIT")), "{}", j.body);
    advance(&emu, 20);
    assert_eq!(api.get(&format!("/v1/{{pid}}/jobs/{job}")).await.body["status"], "SUCCESS");
    assert_eq!(status(&api, &extra).await, "in-use");
    let ecs_view = api.get(&format!("/v1/{{pid}}/cloudservers/{sid}")).await.body["server"]["os-extended-volumes:volumes_attached"].clone();
    assert_eq!(ecs_view.as_array().unwrap().len(), 3);
    assert_eq!(ecs_view[2], json!({"id": extra, "delete_on_termination": "false", "bootIndex": "-1", "device": "/dev/vdc"}));
    for (body, code) in [
        (json!({"volumeAttachment": {"volumeId": extra}}), "Ecs.0057"),
        (json!({"volumeAttachment": {"volumeId": "nope"}}), "Ecs.0103"),
        (json!({"volumeAttachment": {}}), "Ecs.0005"),
        (json!({"volumeAttachment": {"volumeId": extra, "count": "x"}}), "Ecs.0005"),
        (json!({"volumeAttachment": {"volumeId": extra}, "dry_run": "yes"}), "Ecs.0005"),
        (json!({}), "Ecs.0005"),
    ] {
        let o = api.post(&path, body.clone()).await;
        assert_eq!((o.status, ecs_code(&o)), (400, code), "{body}: {}", o.body);
    }
    let far = data_volume(&api, "eu-de-03").await;
    advance(&emu, 20);
    let o = api.post(&path, json!({"volumeAttachment": {"volumeId": far}})).await;
    assert_eq!(ecs_code(&o), "Ecs.0121", "{}", o.body);
    let o = api.post("/v1/{pid}/cloudservers/nope/attachvolume", json!({"volumeAttachment": {"volumeId": far}})).await;
    assert_eq!((o.status, ecs_code(&o)), (404, "Ecs.0114"));

    // detachvolume: a job; the system disk only off a stopped server.
    let detach = |vid: &str| format!("/v1/{{pid}}/cloudservers/{sid}/detachvolume/{vid}");
    assert_eq!(ecs_code(&api.delete(&format!("{}?delete_flag=2", detach(&extra))).await), "Ecs.0005");
    assert_eq!(ecs_code(&api.delete(&detach(&far)).await), "Ecs.0111");
    assert_eq!(ecs_code(&api.delete(&detach(&ids[0])).await), "Ecs.0100");
    let o = api.delete(&format!("{}?delete_flag=0", detach(&extra))).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let job = o.body["job_id"].as_str().unwrap().to_string();
    assert_eq!(status(&api, &extra).await, "detaching");
    assert_eq!(api.get(&format!("/v1/{{pid}}/jobs/{job}")).await.body["job_type"], "detachVolume");
    advance(&emu, 20);
    assert_eq!(status(&api, &extra).await, "available");

    // ECS delete with delete_volume: the data disk goes too.
    let o = api.post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": sid}], "delete_volume": true})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    advance(&emu, 20);
    for vid in &ids {
        assert_eq!(api.get(&format!("{V3}/volumes/{vid}")).await.status, 404);
    }
    assert_eq!(status(&api, &extra).await, "available");
}

#[tokio::test]
async fn ecs_delete_keeps_data_disks_unless_asked() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let o = api
        .post(
            "/v1/{pid}/cloudservers",
            json!({"server": {"name": "ecs", "imageRef": image("Standard_Debian_11_latest"), "flavorRef": "s3.medium.1", "count": 2,
            "vpcid": vpc, "nics": [{"subnet_id": subnet}], "root_volume": {"volumetype": "SATA"}, "data_volumes": [{"volumetype": "SSD", "size": 10}]}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(api.get(&format!("{V3}/volumes")).await.body["volumes"].as_array().unwrap().len(), 4, "two disks per server");
    let sid = o.body["serverIds"][0].as_str().unwrap().to_string();
    let ids = attached(&api, &sid).await;
    let o = api.post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": sid}]})).await;
    assert_eq!(o.status, 200);
    assert_eq!(api.get(&format!("{V3}/volumes/{}", ids[0])).await.status, 404);
    assert_eq!(status(&api, &ids[1]).await, "available");
}

#[tokio::test]
async fn volume_quotas_refuse_servers() {
    let emu = Emu::with(cfg(|c| {
        c.evs.quotas.volumes = 3;
        c.evs.quotas.gigabytes = 100;
    }))
    .await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let with_data = |size: u32| {
        let mut b = server_body("q", &subnet);
        b["server"]["block_device_mapping_v2"] = json!([{"source_type": "blank", "destination_type": "volume", "volume_size": size}]);
        b
    };
    new_server(&api, with_data(10)).await;
    // Two volumes used of three: a server with a data disk needs two.
    let o = nova(&api, Method::POST, &format!("{NOVA}/servers"), Some(with_data(10))).await;
    assert_eq!(o.status, 403, "{}", o.body);
    assert!(o.body["forbidden"]["message"].as_str().unwrap().contains("volumes"), "{}", o.body);
    let servers = nova(&api, Method::GET, &format!("{NOVA}/servers"), None).await;
    assert_eq!(servers.body["servers"].as_array().unwrap().len(), 1, "nothing made");
    assert_eq!(api.get("/v2.0/ports?device_owner=compute:eu-de-01").await.body["ports"].as_array().unwrap().len(), 1);
    assert_eq!(api.get(&format!("{V3}/volumes")).await.body["volumes"].as_array().unwrap().len(), 2);
    // Gigabytes: 14 used of 100.
    let o = api
        .post(
            "/v1/{pid}/cloudservers",
            json!({"server": {"name": "big", "imageRef": image("Standard_Debian_11_latest"), "flavorRef": "s3.medium.1",
            "vpcid": vpc, "nics": [{"subnet_id": subnet}], "root_volume": {"volumetype": "SATA", "size": 90}}}),
        )
        .await;
    assert_eq!((o.status, ecs_code(&o)), (400, "Ecs.0021"), "{}", o.body);
    new_server(&api, server_body("small", &subnet)).await;
    let o = nova(&api, Method::POST, &format!("{NOVA}/servers"), Some(server_body("more", &subnet))).await;
    assert_eq!(o.status, 403, "the fourth volume: {}", o.body);
}

#[tokio::test]
async fn auto_scaling_servers_get_their_configurations_disks() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    api.create("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "as-key"}}), 200, "keypair").await;
    let conf = api
        .post(
            "/autoscaling-api/v1/{pid}/scaling_configuration",
            json!({"scaling_configuration_name": "c", "instance_config": {"flavorRef": "s3.medium.1", "key_name": "as-key",
            "imageRef": image("Standard_Debian_11_latest"), "disk": [{"size": 40, "volume_type": "SSD", "disk_type": "SYS"},
            {"size": 20, "volume_type": "SAS", "disk_type": "DATA"}]}}),
        )
        .await;
    assert_eq!(conf.status, 200, "{}", conf.body);
    let group = api
        .post(
            "/autoscaling-api/v1/{pid}/scaling_group",
            json!({"scaling_group_name": "g", "scaling_configuration_id": conf.body["scaling_configuration_id"], "desire_instance_number": 1,
            "min_instance_number": 0, "max_instance_number": 2, "vpc_id": vpc, "networks": [{"id": subnet}]}),
        )
        .await;
    assert_eq!(group.status, 200, "{}", group.body);
    let gid = group.body["scaling_group_id"].as_str().unwrap().to_string();
    assert_eq!(api.post(&format!("/autoscaling-api/v1/{{pid}}/scaling_group/{gid}/action"), json!({"action": "resume"})).await.status, 204);
    let servers = nova(&api, Method::GET, &format!("{NOVA}/servers"), None).await;
    let list = servers.body["servers"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "{}", servers.body);
    let ids = attached(&api, &id(&list[0])).await;
    assert_eq!(ids.len(), 2);
    let (sys, data) = (volume(&api, &ids[0]).await, volume(&api, &ids[1]).await);
    assert_eq!((sys["size"].as_u64(), sys["volume_type"].as_str(), sys["bootable"].as_str()), (Some(40), Some("SSD"), Some("true")));
    assert_eq!((data["size"].as_u64(), data["volume_type"].as_str()), (Some(20), Some("SAS")));
}

#[tokio::test]
async fn volumes_stay_in_their_region() {
    let emu = Emu::start().await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (_, net) = nl.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let sid = new_server(&nl, server_body("nl", &net)).await;
    let de_vol = data_volume(&de, "eu-de-01").await;
    let o = nova(
        &nl,
        Method::POST,
        &format!("{NOVA}/servers/{sid}/os-volume_attachments"),
        Some(json!({"volumeAttachment": {"volumeId": de_vol}})),
    )
    .await;
    assert_eq!(o.status, 404, "{}", o.body);
    assert_eq!(nova(&nl, Method::GET, &format!("{NOVA}/os-volumes/{de_vol}"), None).await.status, 404);
    let nl_vols = nova(&nl, Method::GET, &format!("{NOVA}/os-volumes"), None).await.body["volumes"].clone();
    assert_eq!(nl_vols.as_array().unwrap().len(), 1, "the server's system disk only");
    assert_eq!(nl_vols[0]["availabilityZone"], "eu-nl-01");
    assert_eq!(nova(&de, Method::GET, &format!("{NOVA}/os-volumes"), None).await.body["volumes"].as_array().unwrap().len(), 1);
    assert_eq!(de.get(&format!("/v1/{{pid}}/cloudservers/{sid}/block_device")).await.status, 404);
    assert_eq!(status(&de, &de_vol).await, "available");
}
