//! ECS v1: batch creation as a job on the clock, servers seen through
//! Nova and Neutron, the ECS detail list with page numbers, renaming,
//! batch start/stop/reboot, deletion releasing ports and EIPs, flavors,
//! every implemented refusal with its `Ecs.xxxx` code, and isolation.

use crate::common::*;
use crate::netkit::{id, Api, Out};
use serde_json::{json, Value};

fn cfg(f: impl FnOnce(&mut otc_emulator::config::Config)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c);
    c
}

fn image_id(name: &str) -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == name).unwrap().id()
}

/// The ECS error code of an answer.
fn code(o: &Out) -> &str {
    o.body["error"]["code"].as_str().unwrap_or("")
}

/// A minimal documented create body.
fn server(name: &str, vpc: &str, subnet: &str) -> Value {
    json!({"server": {
        "name": name, "imageRef": image_id("Standard_Debian_11_latest"), "flavorRef": "s3.medium.1",
        "vpcid": vpc, "nics": [{"subnet_id": subnet}], "root_volume": {"volumetype": "SSD"},
    }})
}

/// Creates servers and returns (job id, server ids).
async fn create(api: &Api<'_>, body: Value) -> (String, Vec<String>) {
    let o = api.post("/v1/{pid}/cloudservers", body).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let ids = o.body["serverIds"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    (o.body["job_id"].as_str().unwrap().to_string(), ids)
}

async fn job(api: &Api<'_>, job_id: &str) -> Value {
    let o = api.get(&format!("/v1/{{pid}}/jobs/{job_id}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body
}

async fn show(api: &Api<'_>, server_id: &str) -> Value {
    let o = api.get(&format!("/v1/{{pid}}/cloudservers/{server_id}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body["server"].clone()
}

#[tokio::test]
async fn create_runs_as_a_job_and_the_servers_are_everywhere() {
    let emu = Emu::with(cfg(|c| {
        c.compute.job_seconds = 10;
        c.compute.build_seconds = 4;
    }))
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let kp = api.post("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "sshkey-123"}})).await;
    assert_eq!(kp.status, 200, "{}", kp.body);
    let sg =
        api.create("/v1/{pid}/security-groups", json!({"security_group": {"name": "sg-web", "vpc_id": vpc}}), 200, "security_group").await;

    let mut body = server("web", &vpc, &subnet);
    let s = body["server"].as_object_mut().unwrap();
    s.insert("count".into(), json!(2));
    s.insert("availability_zone".into(), json!("eu-de-02"));
    s.insert("key_name".into(), json!("sshkey-123"));
    s.insert("security_groups".into(), json!([{"id": id(&sg)}]));
    s.insert(
        "data_volumes".into(),
        json!([{"volumetype": "SSD", "size": 100}, {"volumetype": "SAS", "size": 20, "multiattach": true, "hw:passthrough": true}]),
    );
    s.insert("root_volume".into(), json!({"volumetype": "SSD", "size": 40}));
    s.insert("publicip".into(), json!({"eip": {"iptype": "5_bgp", "bandwidth": {"size": 10, "sharetype": "PER"}}}));
    s.insert("metadata".into(), json!({"owner": "team-a", "admin_pass": "never-kept"}));
    s.insert("tags".into(), json!(["env.dev"]));
    s.insert("server_tags".into(), json!([{"key": "tier", "value": "front"}]));
    s.insert("description".into(), json!("two web servers"));
    s.insert("user_data".into(), json!("IyEvYmluL2Jhc2gKZWNobyB1c2VyX3Rlc3QgPiAvaG9tZS91c2VyLnR4dA=="));
    s.insert("extendparam".into(), json!({"enterpriseProjectId": "ep-1"}));
    let (job_id, ids) = create(&api, body).await;
    assert_eq!(job_id.len(), 32);
    assert!(job_id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(ids.len(), 2);

    // INIT, RUNNING, SUCCESS on the clock; the servers build meanwhile.
    let j = job(&api, &job_id).await;
    assert_eq!((j["status"].as_str(), j["job_type"].as_str()), (Some("INIT"), Some("createServer")));
    assert_eq!(j["end_time"], "");
    assert_eq!(j["entities"]["sub_jobs_total"], 2);
    assert_eq!(show(&api, &ids[0]).await["status"], "BUILD");
    emu.server.clock.advance(chrono::Duration::seconds(5));
    assert_eq!(job(&api, &job_id).await["status"], "RUNNING");
    assert_eq!(show(&api, &ids[0]).await["status"], "ACTIVE");
    emu.server.clock.advance(chrono::Duration::seconds(5));
    let j = job(&api, &job_id).await;
    assert_eq!(j["status"], "SUCCESS");
    assert_eq!((j["error_code"].clone(), j["fail_reason"].clone()), (Value::Null, Value::Null));
    let begin = j["begin_time"].as_str().unwrap();
    assert!(begin.ends_with('Z') && begin.len() == 24, "{begin}");
    assert!(j["end_time"].as_str().unwrap() > begin);
    let subs = j["entities"]["sub_jobs"].as_array().unwrap();
    let mut sub_ids: Vec<String> = subs.iter().map(|s| s["entities"]["server_id"].as_str().unwrap().to_string()).collect();
    sub_ids.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(sub_ids, want);
    assert!(subs.iter().all(|s| s["status"] == "SUCCESS" && s["job_type"] == "createSingleServer"));

    // The ECS view.
    let v = show(&api, &ids[0]).await;
    assert_eq!(v["name"], "web-0001");
    assert_eq!(show(&api, &ids[1]).await["name"], "web-0002");
    assert_eq!((v["OS-EXT-STS:vm_state"].as_str(), v["OS-EXT-STS:power_state"].as_u64()), (Some("active"), Some(1)));
    assert_eq!(v["OS-EXT-STS:task_state"], Value::Null);
    assert_eq!(v["flavor"], json!({"disk": "0", "vcpus": "1", "ram": "1024", "id": "s3.medium.1", "name": "s3.medium.1"}));
    assert_eq!(v["image"]["id"], image_id("Standard_Debian_11_latest"));
    assert_eq!(v["OS-EXT-AZ:availability_zone"], "eu-de-02");
    assert_eq!(v["key_name"], "sshkey-123");
    assert_eq!(v["description"], "two web servers");
    assert_eq!(v["security_groups"], json!([{"id": id(&sg), "name": "sg-web"}]));
    assert_eq!(v["metadata"]["vpc_id"], vpc.as_str());
    assert_eq!(v["metadata"]["owner"], "team-a");
    assert!(v["metadata"].get("admin_pass").is_none());
    assert_eq!(v["metadata"]["os_type"], "Linux");
    assert_eq!(v["tags"], json!(["env=dev", "tier=front"]));
    assert_eq!(v["sys_tags"], json!([{"key": "_sys_enterprise_project_id", "value": "ep-1"}]));
    assert_eq!(v["OS-EXT-SRV-ATTR:user_data"], "IyEvYmluL2Jhc2gKZWNobyB1c2VyX3Rlc3QgPiAvaG9tZS91c2VyLnR4dA==");
    assert_eq!(v["OS-EXT-SRV-ATTR:hostname"], "web-0001");
    assert_eq!(v["OS-EXT-SRV-ATTR:root_device_name"], "/dev/vda");
    assert!(v["OS-EXT-SRV-ATTR:reservation_id"].as_str().unwrap().starts_with("r-"));
    assert_eq!(v["OS-EXT-SRV-ATTR:reservation_id"], show(&api, &ids[1]).await["OS-EXT-SRV-ATTR:reservation_id"]);
    assert_eq!(v["hostId"].as_str().unwrap().len(), 56);
    assert_eq!(v["security_options"], json!({"tpm_enabled": null}));
    let vols = v["os-extended-volumes:volumes_attached"].as_array().unwrap();
    assert_eq!(vols.len(), 3);
    assert_eq!((vols[0]["bootIndex"].as_str(), vols[0]["device"].as_str()), (Some("0"), Some("/dev/vda")));
    // KVM names every disk /dev/vdX, SCSI (hw:passthrough) ones too (the
    // attach page: "If you set a device name starting with /dev/sd, the
    // system uses /dev/vd").
    assert_eq!(vols[2]["device"], "/dev/vdc");
    // The system disk goes with the server; data disks stay unless the
    // delete says delete_volume.
    assert_eq!(vols[0]["delete_on_termination"], "true");
    assert_eq!(vols[1]["delete_on_termination"], "false");
    let addrs = v["addresses"][vpc.as_str()].as_array().unwrap();
    assert_eq!(addrs.len(), 2, "{addrs:?}");
    let fixed = addrs.iter().find(|a| a["OS-EXT-IPS:type"] == "fixed").unwrap();
    let floating = addrs.iter().find(|a| a["OS-EXT-IPS:type"] == "floating").unwrap();
    assert_eq!(fixed["version"], "4");
    assert!(fixed["addr"].as_str().unwrap().starts_with("192.168.1."));
    assert!(fixed["OS-EXT-IPS-MAC:mac_addr"].as_str().unwrap().starts_with("fa:16:3e"));
    assert_eq!(floating["OS-EXT-IPS:port_id"], fixed["OS-EXT-IPS:port_id"]);

    // Nova and Neutron see the same servers and ports; the EIPs are real.
    let o = api.get(&format!("/v2.1/{{pid}}/servers/{}", ids[0])).await;
    assert_eq!((o.status, o.body["server"]["status"].as_str()), (200, Some("ACTIVE")));
    assert_eq!(o.body["server"]["name"], "web-0001");
    let ports = api.get(&format!("/v2.0/ports?device_id={}", ids[0])).await.body["ports"].clone();
    assert_eq!(ports.as_array().unwrap().len(), 1);
    assert_eq!(ports[0]["id"], fixed["OS-EXT-IPS:port_id"]);
    assert_eq!(ports[0]["device_owner"], "compute:eu-de-02");
    assert_eq!(ports[0]["security_groups"], json!([id(&sg)]));
    let eips = api.get("/v1/{pid}/publicips").await.body["publicips"].clone();
    let eips = eips.as_array().unwrap();
    assert_eq!(eips.len(), 2);
    assert!(eips.iter().all(|e| e["status"] == "ACTIVE"));
    assert!(eips.iter().any(|e| e["public_ip_address"] == floating["addr"]));
}

#[tokio::test]
async fn detail_list_filters_and_pages() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("10.0.0.0/8", "10.1.0.0/24", "10.1.0.1").await;
    let mut apps = server("app", &vpc, &subnet);
    apps["server"]["count"] = json!(3);
    let (_, app_ids) = create(&api, apps).await;
    emu.server.clock.advance(chrono::Duration::seconds(1));
    let mut db = server("db_main", &vpc, &subnet);
    db["server"]["flavorRef"] = json!("s3.large.2");
    db["server"]["nics"][0]["ip_address"] = json!("10.1.0.200");
    db["server"]["tags"] = json!(["role.db"]);
    db["server"]["extendparam"] = json!({"enterpriseProjectId": "ep-db"});
    let (_, db_ids) = create(&api, db).await;

    let o = api.get("/v1/{pid}/cloudservers/detail").await;
    assert_eq!((o.status, o.body["count"].as_u64()), (200, Some(4)));
    // Newest first.
    assert_eq!(o.body["servers"][0]["id"], db_ids[0].as_str());
    assert_eq!(o.body["servers"][0]["OS-EXT-SRV-ATTR:hostname"], "db-main");

    // offset is a page number; 0 is the first page; count is every match.
    let page = |q: &str| format!("/v1/{{pid}}/cloudservers/detail?{q}");
    let p1 = api.get(&page("limit=3&offset=1")).await.body;
    let p0 = api.get(&page("limit=3&offset=0")).await.body;
    let p2 = api.get(&page("limit=3&offset=2")).await.body;
    let p3 = api.get(&page("limit=3&offset=3")).await.body;
    assert_eq!((p1["count"].as_u64(), p1["servers"].as_array().unwrap().len()), (Some(4), 3));
    assert_eq!(p0["servers"], p1["servers"]);
    assert_eq!((p2["count"].as_u64(), p2["servers"].as_array().unwrap().len()), (Some(4), 1));
    assert_eq!((p3["count"].as_u64(), p3["servers"].as_array().unwrap().len()), (Some(4), 0));

    let count = |b: Value| b["count"].as_u64().unwrap();
    assert_eq!(count(api.get(&page("name=app")).await.body), 3);
    assert_eq!(count(api.get(&page("name=a.p-000")).await.body), 3);
    assert_eq!(count(api.get(&page("name=app-0002")).await.body), 1);
    assert_eq!(count(api.get(&page("name=nothing")).await.body), 0);
    assert_eq!(count(api.get(&page("flavor=s3.large.2")).await.body), 1);
    assert_eq!(count(api.get(&page("ip=10.1.0.200")).await.body), 1);
    assert_eq!(count(api.get(&page("ip=10.1.0.")).await.body), 4);
    assert_eq!(count(api.get(&page("tags=role=db")).await.body), 1);
    assert_eq!(count(api.get(&page("tags=role")).await.body), 1);
    assert_eq!(count(api.get(&page("not-tags=role")).await.body), 3);
    assert_eq!(count(api.get(&page("not-tags=__type_baremetal")).await.body), 4);
    assert_eq!(count(api.get(&page("enterprise_project_id=ep-db")).await.body), 1);
    assert_eq!(count(api.get(&page("enterprise_project_id=0")).await.body), 3);
    let reservation = show(&api, &app_ids[0]).await["OS-EXT-SRV-ATTR:reservation_id"].as_str().unwrap().to_string();
    assert_eq!(count(api.get(&page(&format!("reservation_id={reservation}"))).await.body), 3);
    assert_eq!(count(api.get(&page("status=ACTIVE")).await.body), 4);
    assert_eq!(count(api.get(&page("status=SHUTOFF")).await.body), 0);

    // Stopped servers show under SHUTOFF.
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"os-stop": {"servers": [{"id": app_ids[0]}]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"reboot": {"type": "SOFT", "servers": [{"id": app_ids[1]}]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let b = api.get(&page("status=SHUTOFF")).await.body;
    assert_eq!((b["count"].as_u64(), b["servers"][0]["id"].as_str()), (Some(1), Some(app_ids[0].as_str())));
    assert!(b["servers"][0].get("progress").is_none());
    assert_eq!(b["servers"][0]["OS-EXT-STS:power_state"], 4);
    assert_eq!(count(api.get(&page("status=ACTIVE")).await.body), 3);

    for q in ["limit=x", "offset=-1", "status=SLEEPING"] {
        let o = api.get(&page(q)).await;
        assert_eq!((o.status, code(&o)), (400, "Ecs.0005"), "{q}");
    }

    // A server made through Nova is an ECS too.
    let o = api
        .post(
            "/v2.1/{pid}/servers",
            json!({"server": {"name": "from-nova", "flavorRef": "s3.medium.1", "imageRef": image_id("Standard_Debian_11_latest"), "networks": [{"uuid": subnet}]}}),
        )
        .await;
    assert_eq!(o.status, 202, "{}", o.body);
    let nova_id = o.body["server"]["id"].as_str().unwrap().to_string();
    let v = show(&api, &nova_id).await;
    assert_eq!(v["name"], "from-nova");
    assert_eq!(v["os-extended-volumes:volumes_attached"].as_array().unwrap().len(), 1);
    assert_eq!(count(api.get("/v1/{pid}/cloudservers/detail").await.body), 5);
}

#[tokio::test]
async fn update_and_batch_actions() {
    let emu = Emu::with(cfg(|c| c.compute.action_seconds = 4)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.5.0/24", "192.168.5.1").await;
    let mut b = server("pair", &vpc, &subnet);
    b["server"]["count"] = json!(2);
    let (_, ids) = create(&api, b).await;
    let path = format!("/v1/{{pid}}/cloudservers/{}", ids[0]);

    // Rename: the Nova-style answer.
    let o = api.put(&path, json!({"server": {"name": "renamed.one", "description": "first"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let s = &o.body["server"];
    assert_eq!(
        (s["name"].as_str(), s["description"].as_str(), s["id"].as_str()),
        (Some("renamed.one"), Some("first"), Some(ids[0].as_str()))
    );
    assert_eq!(s["image"], "");
    assert_eq!(s["flavor"]["id"], "s3.medium.1");
    assert_eq!(s["addresses"][vpc.as_str()][0]["version"], 4);
    assert_eq!(s["links"][0]["rel"], "self");
    assert_eq!(s["OS-EXT-SRV-ATTR:hostname"], "pair-0001");
    // The hostname is documented as discarded: checked, never applied.
    let o = api.put(&path, json!({"server": {"hostname": "new-host"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(show(&api, &ids[0]).await["OS-EXT-SRV-ATTR:hostname"], "pair-0001");
    assert_eq!(show(&api, &ids[0]).await["name"], "renamed.one");
    for (body, status, want) in [
        (json!({"server": {"name": "bad name"}}), 400, "Ecs.0005"),
        (json!({"server": {"name": ""}}), 400, "Ecs.0005"),
        (json!({"server": {"name": "x".repeat(129)}}), 400, "Ecs.0005"),
        (json!({"server": {"description": "d".repeat(86)}}), 400, "Ecs.0041"),
        (json!({"server": {"description": "<b>"}}), 400, "Ecs.0041"),
        (json!({"server": {"hostname": "a..b"}}), 400, "Ecs.0005"),
        (json!({"server": {"name": 5}}), 400, "Ecs.0005"),
        (json!({"name": "x"}), 400, "Ecs.0005"),
    ] {
        let o = api.put(&path, body.clone()).await;
        assert_eq!((o.status, code(&o)), (status, want), "{body}");
    }
    let o = api.put("/v1/{pid}/cloudservers/00000000-0000-0000-0000-000000000000", json!({"server": {"name": "x"}})).await;
    assert_eq!((o.status, code(&o)), (404, "Ecs.0114"));

    // Stop both: a job that ends with the servers SHUTOFF.
    let all = json!([{"id": ids[0]}, {"id": ids[1]}]);
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"os-stop": {"type": "HARD", "servers": all}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let stop_job = o.body["job_id"].as_str().unwrap().to_string();
    let j = job(&api, &stop_job).await;
    assert_eq!((j["status"].as_str(), j["job_type"].as_str()), (Some("INIT"), Some("batchStopServer")));
    assert_eq!(j["entities"]["sub_jobs_total"], 2);
    let v = show(&api, &ids[0]).await;
    assert_eq!((v["status"].as_str(), v["OS-EXT-STS:task_state"].as_str()), (Some("ACTIVE"), Some("powering-off")));
    emu.server.clock.advance(chrono::Duration::seconds(2));
    assert_eq!(job(&api, &stop_job).await["status"], "RUNNING");
    emu.server.clock.advance(chrono::Duration::seconds(2));
    assert_eq!(job(&api, &stop_job).await["status"], "SUCCESS");
    for id in &ids {
        let v = show(&api, id).await;
        assert_eq!((v["status"].as_str(), v["OS-EXT-STS:vm_state"].as_str()), (Some("SHUTOFF"), Some("stopped")));
    }
    // Stopping again: the status does not allow it, and nothing changes.
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"os-stop": {"servers": all}})).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0100"));
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"reboot": {"type": "SOFT", "servers": all}})).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0100"));

    // Start, then reboot HARD.
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"os-start": {"servers": all}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(job(&api, o.body["job_id"].as_str().unwrap()).await["job_type"], "batchStartServer");
    assert_eq!(show(&api, &ids[1]).await["OS-EXT-STS:task_state"], "powering-on");
    emu.server.clock.advance(chrono::Duration::seconds(4));
    assert_eq!(show(&api, &ids[1]).await["status"], "ACTIVE");
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"reboot": {"type": "HARD", "servers": [{"id": ids[1]}]}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let reboot_job = o.body["job_id"].as_str().unwrap().to_string();
    assert_eq!(job(&api, &reboot_job).await["job_type"], "batchRebootServer");
    assert_eq!(show(&api, &ids[1]).await["status"], "HARD_REBOOT");
    emu.server.clock.advance(chrono::Duration::seconds(4));
    assert_eq!(show(&api, &ids[1]).await["status"], "ACTIVE");
    assert_eq!(job(&api, &reboot_job).await["status"], "SUCCESS");

    // Malformed batch requests.
    for (body, status, want) in [
        (json!({"reboot": {"servers": all}}), 400, "Ecs.0005"),
        (json!({"reboot": {"type": "GENTLE", "servers": all}}), 400, "Ecs.0005"),
        (json!({"os-stop": {"type": "hard", "servers": all}}), 400, "Ecs.0005"),
        (json!({"os-start": {"servers": []}}), 400, "Ecs.0005"),
        (json!({"os-start": {}}), 400, "Ecs.0005"),
        (json!({"os-start": {"servers": all}, "os-stop": {"servers": all}}), 400, "Ecs.0005"),
        (json!({"pause": {"servers": all}}), 400, "Ecs.0005"),
        (json!({"os-stop": {"servers": [{"id": "00000000-0000-0000-0000-000000000000"}]}}), 404, "Ecs.0114"),
    ] {
        let o = api.post("/v1/{pid}/cloudservers/action", body.clone()).await;
        assert_eq!((o.status, code(&o)), (status, want), "{body}");
    }
    let many: Vec<Value> = (0..1001).map(|i| json!({"id": format!("s-{i}")})).collect();
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"os-start": {"servers": many}})).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0118"));

    // A server locked through Nova refuses batch actions and deletion.
    let o = api.post(&format!("/v2.1/{{pid}}/servers/{}/action", ids[0]), json!({"lock": null})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let o = api.post("/v1/{pid}/cloudservers/action", json!({"os-stop": {"servers": [{"id": ids[0]}]}})).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0605"));
    let o = api.post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": ids[0]}]})).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0605"));
    assert_eq!(show(&api, &ids[0]).await["locked"], true);
}

#[tokio::test]
async fn delete_releases_ports_and_eips_as_asked() {
    let emu = Emu::with(cfg(|c| c.compute.job_seconds = 2)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.7.0/24", "192.168.7.1").await;
    let eip = json!({"iptype": "5_bgp", "bandwidth": {"size": 5, "sharetype": "PER", "chargemode": "traffic"}});
    let mut keep = server("keeps-eip", &vpc, &subnet);
    keep["server"]["publicip"] = json!({"eip": eip});
    let mut drop = server("drops-eip", &vpc, &subnet);
    drop["server"]["publicip"] = json!({"eip": eip, "delete_on_termination": true});
    let (_, keep_ids) = create(&api, keep).await;
    let (_, drop_ids) = create(&api, drop).await;
    let eips = || async { api.get("/v1/{pid}/publicips").await.body["publicips"].as_array().unwrap().clone() };
    assert_eq!(eips().await.len(), 2);

    // Unsaid: the EIP of a server created with delete_on_termination goes with it.
    let o = api.post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": drop_ids[0]}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let delete_job = o.body["job_id"].as_str().unwrap().to_string();
    let j = job(&api, &delete_job).await;
    assert_eq!((j["status"].as_str(), j["job_type"].as_str()), (Some("INIT"), Some("deleteServer")));
    assert_eq!(j["entities"]["sub_jobs"][0]["entities"]["server_id"], drop_ids[0].as_str());
    emu.server.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(job(&api, &delete_job).await["status"], "RUNNING");
    emu.server.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(job(&api, &delete_job).await["status"], "SUCCESS");
    assert_eq!(eips().await.len(), 1);
    let o = api.get(&format!("/v1/{{pid}}/cloudservers/{}", drop_ids[0])).await;
    assert_eq!((o.status, code(&o)), (404, "Ecs.0114"));
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{}", drop_ids[0])).await.status, 404);
    assert_eq!(api.get(&format!("/v2.0/ports?device_id={}", drop_ids[0])).await.body["ports"], json!([]));

    // delete_publicip false: the EIP stays, unbound.
    let o = api
        .post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": keep_ids[0]}], "delete_publicip": false, "delete_volume": true}))
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let left = eips().await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["status"], "DOWN");
    assert_eq!(api.get(&format!("/v2.0/ports?device_id={}", keep_ids[0])).await.body["ports"], json!([]));
    // Only the subnet's router interface remains.
    let ports = api.get(&format!("/v2.0/ports?network_id={subnet}")).await.body["ports"].as_array().unwrap().len();
    assert_eq!(ports, 1);

    // An existing (DOWN) EIP given at creation, released on request.
    let mut reuse = server("reuses-eip", &vpc, &subnet);
    reuse["server"]["publicip"] = json!({"id": left[0]["id"]});
    let (_, reuse_ids) = create(&api, reuse).await;
    assert_eq!(eips().await[0]["status"], "ACTIVE");
    let o = api.post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": reuse_ids[0]}], "delete_publicip": true})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(eips().await.len(), 0);

    for (body, status, want) in [
        (json!({"servers": [{"id": reuse_ids[0]}]}), 404, "Ecs.0114"),
        (json!({"servers": []}), 400, "Ecs.0005"),
        (json!({"servers": [{}]}), 400, "Ecs.0005"),
        (json!({"servers": "all"}), 400, "Ecs.0005"),
        (json!({}), 400, "Ecs.0005"),
        (json!({"servers": [{"id": keep_ids[0]}], "delete_publicip": "yes"}), 400, "Ecs.0005"),
    ] {
        let o = api.post("/v1/{pid}/cloudservers/delete", body.clone()).await;
        assert_eq!((o.status, code(&o)), (status, want), "{body}");
    }
    let r = emu
        .http
        .post(emu.url(&format!("/v1/{}/cloudservers/delete", api.pid)))
        .header("X-Auth-Token", &api.token)
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "Common.0002");
}

#[tokio::test]
async fn create_refusals_and_dry_runs() {
    let emu = Emu::with(cfg(|c| {
        c.compute.quotas.instances = 3;
        c.network.quotas.public_ip = 1;
    }))
    .await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let other = api
        .create(
            "/v1/{pid}/subnets",
            json!({"subnet": {"name": "sn-2", "cidr": "192.168.2.0/24", "gateway_ip": "192.168.2.1", "vpc_id": vpc}}),
            200,
            "subnet",
        )
        .await;
    let other = id(&other);
    let vpc2 = id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "vpc-other", "cidr": "10.0.0.0/8"}}), 200, "vpc").await);
    let foreign = api
        .create(
            "/v1/{pid}/subnets",
            json!({"subnet": {"name": "sn-f", "cidr": "10.9.0.0/24", "gateway_ip": "10.9.0.1", "vpc_id": vpc2}}),
            200,
            "subnet",
        )
        .await;
    let foreign = id(&foreign);
    let (_, taken) = create(&api, server("taken", &vpc, &subnet)).await;
    let taken_ip = show(&api, &taken[0]).await["addresses"][vpc.as_str()][0]["addr"].as_str().unwrap().to_string();

    type Edit = fn(&mut serde_json::Map<String, Value>);
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("no imageRef", |s| drop(s.remove("imageRef")), "Ecs.0005"),
        ("unknown image", |s| drop(s.insert("imageRef".into(), json!("00000000-0000-0000-0000-000000000000"))), "Ecs.0031"),
        ("no flavorRef", |s| drop(s.remove("flavorRef")), "Ecs.0005"),
        ("unknown flavor", |s| drop(s.insert("flavorRef".into(), json!("x9.huge.1"))), "Ecs.0029"),
        ("no name", |s| drop(s.remove("name")), "Ecs.0005"),
        ("name charset", |s| drop(s.insert("name".into(), json!("web server"))), "Ecs.0915"),
        ("name length", |s| drop(s.insert("name".into(), json!("n".repeat(129)))), "Ecs.0914"),
        (
            "batch name length",
            |s| {
                s.insert("name".into(), json!("n".repeat(60)));
                s.insert("count".into(), json!(2));
            },
            "Ecs.0914",
        ),
        ("count 0", |s| drop(s.insert("count".into(), json!(0))), "Ecs.0005"),
        ("count 101", |s| drop(s.insert("count".into(), json!(101))), "Ecs.0913"),
        ("count text", |s| drop(s.insert("count".into(), json!("2"))), "Ecs.0005"),
        ("quota", |s| drop(s.insert("count".into(), json!(3))), "Ecs.0001"),
        ("no vpcid", |s| drop(s.remove("vpcid")), "Ecs.0005"),
        ("unknown vpc", |s| drop(s.insert("vpcid".into(), json!("00000000-0000-0000-0000-000000000000"))), "Ecs.0014"),
        ("no nics", |s| drop(s.remove("nics")), "Ecs.0005"),
        ("empty nics", |s| drop(s.insert("nics".into(), json!([]))), "Ecs.0005"),
        ("13 nics", |s| drop(s.insert("nics".into(), Value::Array(vec![s["nics"][0].clone(); 13]))), "Ecs.0050"),
        ("nic without subnet", |s| drop(s.insert("nics".into(), json!([{}]))), "Ecs.0005"),
        ("unknown subnet", |s| s["nics"][0]["subnet_id"] = json!("00000000-0000-0000-0000-000000000000"), "Ecs.0038"),
        ("ip not IPv4", |s| s["nics"][0]["ip_address"] = json!("192.168.1"), "Ecs.0005"),
        ("ip outside", |s| s["nics"][0]["ip_address"] = json!("192.168.9.10"), "Ecs.0039"),
        ("ip is the gateway", |s| s["nics"][0]["ip_address"] = json!("192.168.1.1"), "Ecs.0039"),
        (
            "ip with count",
            |s| {
                s["nics"][0]["ip_address"] = json!("192.168.1.50");
                s.insert("count".into(), json!(2));
            },
            "Ecs.0005",
        ),
        ("bad mtu", |s| s["nics"][0]["extra_dhcp_opts"] = json!([{"opt_name": "26", "opt_value": 9000}]), "Ecs.0005"),
        (
            "unknown group",
            |s| drop(s.insert("security_groups".into(), json!([{"id": "00000000-0000-0000-0000-000000000000"}]))),
            "Ecs.0014",
        ),
        ("no root volume", |s| drop(s.remove("root_volume")), "Ecs.0005"),
        ("root volume type", |s| drop(s.insert("root_volume".into(), json!({"volumetype": "NVME"}))), "Ecs.0043"),
        ("root volume size", |s| drop(s.insert("root_volume".into(), json!({"volumetype": "SSD", "size": 2000}))), "Ecs.0005"),
        ("root below image", |s| drop(s.insert("root_volume".into(), json!({"volumetype": "SSD", "size": 2}))), "Ecs.0005"),
        ("data volume type", |s| drop(s.insert("data_volumes".into(), json!([{"volumetype": "TAPE", "size": 10}]))), "Ecs.0043"),
        ("data volume size", |s| drop(s.insert("data_volumes".into(), json!([{"volumetype": "SSD", "size": 5}]))), "Ecs.0005"),
        ("data volume no size", |s| drop(s.insert("data_volumes".into(), json!([{"volumetype": "SSD"}]))), "Ecs.0005"),
        (
            "shareable vs multiattach",
            |s| drop(s.insert("data_volumes".into(), json!([{"volumetype": "SSD", "size": 10, "shareable": true, "multiattach": false}]))),
            "Ecs.0005",
        ),
        (
            "60 data volumes",
            |s| drop(s.insert("data_volumes".into(), Value::Array(vec![json!({"volumetype": "SSD", "size": 10}); 60]))),
            "Ecs.0042",
        ),
        ("unknown key pair", |s| drop(s.insert("key_name".into(), json!("nokey"))), "Ecs.0314"),
        ("user_data not base64", |s| drop(s.insert("user_data".into(), json!("not base64 !"))), "Ecs.0005"),
        ("weak password", |s| drop(s.insert("adminPass".into(), json!("password"))), "Ecs.0011"),
        ("password with user name", |s| drop(s.insert("adminPass".into(), json!("Root-1234x"))), "Ecs.0011"),
        ("unknown zone", |s| drop(s.insert("availability_zone".into(), json!("az1-dc1"))), "Ecs.0005"),
        (
            "11 metadata",
            |s| drop(s.insert("metadata".into(), Value::Object((0..11).map(|i| (format!("k{i}"), json!("v"))).collect()))),
            "Ecs.0005",
        ),
        ("metadata value", |s| drop(s.insert("metadata".into(), json!({"k": 1}))), "Ecs.0005"),
        ("11 tags", |s| drop(s.insert("tags".into(), Value::Array((0..11).map(|i| json!(format!("k{i}.v"))).collect()))), "Ecs.0905"),
        ("long tag key", |s| drop(s.insert("tags".into(), json!([format!("{}.v", "k".repeat(37))]))), "Ecs.0906"),
        ("tag charset", |s| drop(s.insert("tags".into(), json!(["bad key.v"]))), "Ecs.0907"),
        (
            "duplicate tag",
            |s| drop(s.insert("server_tags".into(), json!([{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]))),
            "Ecs.0908",
        ),
        ("description", |s| drop(s.insert("description".into(), json!("<script>"))), "Ecs.0041"),
        ("long description", |s| drop(s.insert("description".into(), json!("d".repeat(86)))), "Ecs.0041"),
        (
            "publicip id and eip",
            |s| {
                drop(s.insert(
                    "publicip".into(),
                    json!({"id": "x", "eip": {"iptype": "5_bgp", "bandwidth": {"size": 1, "sharetype": "PER"}}}),
                ))
            },
            "Ecs.0005",
        ),
        ("unknown eip", |s| drop(s.insert("publicip".into(), json!({"id": "00000000-0000-0000-0000-000000000000"}))), "Ecs.0005"),
        (
            "eip type",
            |s| drop(s.insert("publicip".into(), json!({"eip": {"iptype": "9_fast", "bandwidth": {"size": 1, "sharetype": "PER"}}}))),
            "Ecs.0005",
        ),
        (
            "bandwidth size",
            |s| drop(s.insert("publicip".into(), json!({"eip": {"iptype": "5_bgp", "bandwidth": {"size": 2000, "sharetype": "PER"}}}))),
            "Ecs.0045",
        ),
        (
            "charge mode",
            |s| {
                drop(s.insert(
                    "publicip".into(),
                    json!({"eip": {"iptype": "5_bgp", "bandwidth": {"size": 1, "sharetype": "PER", "chargemode": "bandwidth"}}}),
                ))
            },
            "Ecs.0005",
        ),
        (
            "share type",
            |s| drop(s.insert("publicip".into(), json!({"eip": {"iptype": "5_bgp", "bandwidth": {"size": 1, "sharetype": "ALL"}}}))),
            "Ecs.0005",
        ),
        (
            "eip quota",
            |s| {
                s.insert("count".into(), json!(2));
                s.insert("publicip".into(), json!({"eip": {"iptype": "5_bgp", "bandwidth": {"size": 1, "sharetype": "PER"}}}));
            },
            "Ecs.0013",
        ),
    ];
    for (what, edit, want) in cases {
        let mut body = server("refused", &vpc, &subnet);
        edit(body["server"].as_object_mut().unwrap());
        let o = api.post("/v1/{pid}/cloudservers", body).await;
        assert_eq!((o.status, code(&o)), (400, want), "{what}: {}", o.body);
        assert!(o.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}");
    }

    // NICs and the VPC: the primary NIC decides the VPC, others must agree.
    let mut body = server("refused", &vpc, &foreign);
    let o = api.post("/v1/{pid}/cloudservers", body.clone()).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0064"));
    body["server"]["nics"] = json!([{"subnet_id": subnet}, {"subnet_id": foreign}]);
    let o = api.post("/v1/{pid}/cloudservers", body.clone()).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0014"));
    let mut body = server("refused", &vpc, &subnet);
    body["server"]["nics"][0]["ip_address"] = json!(taken_ip);
    let o = api.post("/v1/{pid}/cloudservers", body).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0010"));

    // Bodies that are not ECS requests.
    for (body, want) in [
        (json!({}), "Ecs.0005"),
        (json!({"server": "x"}), "Ecs.0005"),
        (json!([1]), "Ecs.0005"),
        (json!({"server": {}, "dry_run": "yes"}), "Ecs.0005"),
    ] {
        let o = api.post("/v1/{pid}/cloudservers", body.clone()).await;
        assert_eq!((o.status, code(&o)), (400, want), "{body}");
    }
    let r = emu
        .http
        .post(emu.url(&format!("/v1/{}/cloudservers", api.pid)))
        .header("X-Auth-Token", &api.token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "Ecs.0005");

    // Nothing of the refusals was kept: one server, its port, no EIP.
    assert_eq!(api.get("/v1/{pid}/cloudservers/detail").await.body["count"], 1);
    assert_eq!(api.get(&format!("/v2.0/ports?network_id={subnet}")).await.body["ports"].as_array().unwrap().len(), 2);
    assert_eq!(api.get("/v1/{pid}/publicips").await.body["publicips"], json!([]));

    // A dry run checks everything and creates nothing.
    let mut body = server("dry", &vpc, &other);
    body["dry_run"] = json!(true);
    body["server"]["publicip"] = json!({"eip": {"iptype": "5_bgp", "bandwidth": {"size": 1, "sharetype": "PER"}}});
    let o = api.post("/v1/{pid}/cloudservers", body.clone()).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(api.get("/v1/{pid}/cloudservers/detail").await.body["count"], 1);
    assert_eq!(api.get(&format!("/v2.0/ports?network_id={other}")).await.body["ports"].as_array().unwrap().len(), 1);
    assert_eq!(api.get("/v1/{pid}/publicips").await.body["publicips"], json!([]));
    body["server"]["flavorRef"] = json!("nope");
    let o = api.post("/v1/{pid}/cloudservers", body).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0029"));
}

#[tokio::test]
async fn a_full_subnet_refuses_with_ecs_0012() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("10.0.0.0/8", "10.2.0.0/28", "10.2.0.1").await;
    let fill: Vec<Value> = (0..10).map(|_| json!({"subnet_id": subnet})).collect();
    api.create("/v1/{pid}/privateips", json!({ "privateips": fill }), 200, "privateips").await;
    let o = api.post("/v1/{pid}/cloudservers", server("nowhere", &vpc, &subnet)).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0012"), "{}", o.body);
}

#[tokio::test]
async fn flavors_jobs_and_isolation() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api.get("/v1/{pid}/cloudservers/flavors").await;
    assert_eq!(o.status, 200);
    let flavors = o.body["flavors"].as_array().unwrap();
    let c4 = flavors.iter().find(|f| f["id"] == "c4.large.2").unwrap();
    assert_eq!((c4["vcpus"].as_str(), c4["ram"].as_u64(), c4["disk"].as_str()), (Some("2"), Some(4096), Some("0")));
    assert_eq!(c4["os_extra_specs"]["ecs:performancetype"], "computingv3");
    assert_eq!(c4["os_extra_specs"]["ecs:generation"], "c4");
    assert_eq!(c4["os_extra_specs"]["cond:operation:status"], "normal");
    assert_eq!(c4["os-flavor-access:is_public"], true);
    assert_eq!(c4["links"][1]["rel"], "bookmark");
    let zoned = api.get("/v1/{pid}/cloudservers/flavors?availability_zone=eu-de-02").await.body["flavors"].as_array().unwrap().len();
    assert_eq!(zoned, flavors.len());
    assert_eq!(api.get("/v1/{pid}/cloudservers/flavors?availability_zone=nowhere").await.body["flavors"], json!([]));
    // Also under the service prefix the catalog names.
    let o = api.get("/ecs/v1/{pid}/cloudservers/flavors").await;
    assert_eq!(o.status, 200);

    let o = api.get("/v1/{pid}/jobs/ff808082739334d80173941567f21d4f").await;
    assert_eq!((o.status, code(&o)), (400, "Common.0011"));

    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.1.0/24", "192.168.1.1").await;
    let (job_id, ids) = create(&api, server("mine", &vpc, &subnet)).await;
    let nl = Api::new(&emu, "eu-nl").await;
    let b = nl.get("/v1/{pid}/cloudservers/detail").await.body;
    assert_eq!((b["count"].as_u64(), b["servers"].clone()), (Some(0), json!([])));
    let o = nl.get(&format!("/v1/{{pid}}/cloudservers/{}", ids[0])).await;
    assert_eq!((o.status, code(&o)), (404, "Ecs.0114"));
    let o = nl.get(&format!("/v1/{{pid}}/jobs/{job_id}")).await;
    assert_eq!((o.status, code(&o)), (400, "Common.0011"));
    let o = nl.post("/v1/{pid}/cloudservers/delete", json!({"servers": [{"id": ids[0]}]})).await;
    assert_eq!((o.status, code(&o)), (404, "Ecs.0114"));
    let o = nl.post("/v1/{pid}/cloudservers", server("theirs", &vpc, &subnet)).await;
    assert_eq!((o.status, code(&o)), (400, "Ecs.0014"));
    // Another project's path with this token: the gateway refuses.
    for o in [
        nl.get(&format!("/v1/{}/cloudservers/detail", api.pid)).await,
        nl.get(&format!("/v1/{}/jobs/{job_id}", api.pid)).await,
        nl.post(&format!("/v1/{}/cloudservers/delete", api.pid), json!({"servers": [{"id": ids[0]}]})).await,
    ] {
        assert_eq!((o.status, o.code.as_str()), (403, "APIGW.0302"));
    }
    assert_eq!(show(&api, &ids[0]).await["status"], "ACTIVE");
    // Without a token.
    let r = emu.http.get(emu.url(&format!("/v1/{}/cloudservers/detail", api.pid))).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn limits_report_quotas_and_usage() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.30.0/24", "192.168.30.1").await;
    let image = otc_compute::catalog::default_images().into_iter().find(|i| i.name == "Standard_Debian_11_latest").unwrap().id();
    let body = json!({"server": {"name": "q", "flavorRef": "s3.large.2", "imageRef": image, "networks": [{"uuid": net}]}});
    assert_eq!(api.post("/v2.1/{pid}/servers", body).await.status, 202);
    let o = api.get("/v1/{pid}/cloudservers/limits").await;
    assert_eq!(o.status, 200);
    let a = &o.body["absolute"];
    assert_eq!(
        (a["totalInstancesUsed"].as_u64(), a["totalCoresUsed"].as_u64(), a["totalRAMUsed"].as_u64()),
        (Some(1), Some(2), Some(4096))
    );
    assert_eq!((a["maxTotalInstances"].as_u64(), a["maxSecurityGroups"].as_u64()), (Some(100), Some(100)));
    assert_eq!(a["totalSecurityGroupsUsed"], 1, "the default group");
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get("/v1/{pid}/cloudservers/limits").await.body["absolute"]["totalInstancesUsed"], 0);
}

/// A server's tags through ECS v1, as the Terraform provider's
/// `compute_instance_v2` sets, reads and replaces them.
#[tokio::test]
async fn tags_are_read_added_and_removed() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.20.0/24", "192.168.20.1").await;
    let mut body = server("tagged", &vpc, &subnet);
    body["server"]["server_tags"] = json!([{"key": "suite", "value": "ecs"}]);
    let (_, ids) = create(&api, body).await;
    let sid = &ids[0];
    let path = format!("/v1/{{pid}}/cloudservers/{sid}/tags");
    let o = api.get(&path).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"tags": [{"key": "suite", "value": "ecs"}]})));

    let action = |a: &'static str, tags: Value| {
        let (api, path) = (&api, &path);
        async move { api.post(&format!("{path}/action"), json!({"action": a, "tags": tags})).await }
    };
    // A key already there takes the new value.
    let o = action("create", json!([{"key": "stage", "value": "one"}, {"key": "suite", "value": "terraform"}, {"key": "bare"}])).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let tags = api.get(&path).await.body["tags"].clone();
    assert_eq!(tags, json!([{"key": "suite", "value": "terraform"}, {"key": "stage", "value": "one"}, {"key": "bare", "value": ""}]));
    // Delete by key; a value given must match.
    assert_eq!(action("delete", json!([{"key": "stage", "value": "other"}, {"key": "bare"}])).await.status, 204);
    assert_eq!(api.get(&path).await.body["tags"], json!([{"key": "suite", "value": "terraform"}, {"key": "stage", "value": "one"}]));
    assert_eq!(action("delete", json!([{"key": "stage", "value": "one"}, {"key": "absent"}])).await.status, 204);
    assert_eq!(api.get(&path).await.body["tags"], json!([{"key": "suite", "value": "terraform"}]));

    // Refusals with their codes; nothing changes.
    let eleven: Vec<Value> = (0..10).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect();
    let cases = [
        (action("create", Value::Array(eleven)).await, "Ecs.0905"),
        (action("create", json!([{"key": "a b", "value": "v"}])).await, "Ecs.0907"),
        (action("create", json!([{"key": "k".repeat(37), "value": "v"}])).await, "Ecs.0906"),
        (action("create", json!([{"key": "d", "value": "1"}, {"key": "d", "value": "2"}])).await, "Ecs.0908"),
        (action("update", json!([{"key": "k", "value": "v"}])).await, "Ecs.0005"),
        (api.post(&format!("{path}/action"), json!({"action": "create"})).await, "Ecs.0005"),
    ];
    for (o, want) in cases {
        assert_eq!((o.status, code(&o)), (400, want), "{}", o.body);
    }
    assert_eq!(api.get(&path).await.body["tags"], json!([{"key": "suite", "value": "terraform"}]));
    let o = api.get("/v1/{pid}/cloudservers/00000000-0000-0000-0000-000000000000/tags").await;
    assert_eq!((o.status, code(&o)), (404, "Ecs.0114"));
    let other = Api::new(&emu, "eu-nl").await;
    assert_eq!(other.get(&format!("/v1/{{pid}}/cloudservers/{sid}/tags")).await.status, 404);
}
