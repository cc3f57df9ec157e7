//! Nova v2/v2.1 and the image listing: every served operation, the
//! server lifecycle on the clock, NICs as ports, refusals and quotas.

use crate::common::*;
use crate::netkit::{id, Api};
use reqwest::Method;
use serde_json::{json, Value};

fn cfg(f: impl FnOnce(&mut otc_compute::ComputeConfig)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c.compute);
    c
}

/// A request with a compute microversion header.
async fn nova(
    api: &Api<'_>,
    method: Method,
    path: &str,
    mv: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut req = api.emu.http.request(method, api.emu.url(&path.replace("{pid}", &api.pid))).header("X-Auth-Token", &api.token);
    if let Some(v) = mv {
        req = req.header("OpenStack-API-Version", format!("compute {v}"));
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, r.json().await.unwrap_or(Value::Null), headers)
}

fn server_body(name: &str, network: &str) -> Value {
    json!({"server": {"name": name, "flavorRef": "s3.medium.1", "imageRef": image_id("Standard_Debian_11_latest"), "networks": [{"uuid": network}]}})
}

fn image_id(name: &str) -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == name).unwrap().id()
}

#[tokio::test]
async fn versions_and_microversions() {
    let emu = Emu::start().await;
    let b: Value = emu.http.get(emu.url("/ecs/")).send().await.unwrap().json().await.unwrap();
    let v21 = b["versions"].as_array().unwrap().iter().find(|v| v["id"] == "v2.1").unwrap().clone();
    assert_eq!((v21["version"].as_str(), v21["min_version"].as_str()), (Some("2.60"), Some("2.1")));
    let b: Value = emu.http.get(emu.url("/ecs/v2.1")).send().await.unwrap().json().await.unwrap();
    assert_eq!(b["version"]["id"], "v2.1");
    let api = Api::new(&emu, "eu-de").await;
    let (s, _, h) = nova(&api, Method::GET, "/v2.1/{pid}/flavors", Some("2.60"), None).await;
    assert_eq!(s, 200);
    assert_eq!(h["openstack-api-version"], "compute 2.60");
    let (s, b, _) = nova(&api, Method::GET, "/v2.1/{pid}/flavors", Some("2.99"), None).await;
    assert_eq!(s, 406, "{b}");
    let (s, _, _) = nova(&api, Method::GET, "/v2.1/{pid}/flavors", Some("two"), None).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn flavors_and_zones() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api.get("/v2.1/{pid}/flavors").await;
    let names: Vec<&str> = o.body["flavors"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"s3.medium.1") && names.contains(&"c4.large.2") && names.contains(&"m3.large.8"));
    let o = api.get("/v2/{pid}/flavors/detail?minRam=16384").await;
    let detail = o.body["flavors"].as_array().unwrap();
    assert!(detail.iter().all(|f| f["ram"].as_u64().unwrap() >= 16384));
    assert!(detail[0]["links"][0]["href"].as_str().unwrap().contains("/ecs/v2/"));
    let f = api.get("/v2.1/{pid}/flavors/m3.large.8").await.body["flavor"].clone();
    assert_eq!((f["vcpus"].as_u64(), f["ram"].as_u64(), f["os-flavor-access:is_public"].as_bool()), (Some(2), Some(16384), Some(true)));
    let o = api.get("/v2.1/{pid}/flavors/nope").await;
    assert_eq!(o.status, 404);
    assert_eq!(o.body["itemNotFound"]["message"], "Flavor nope could not be found.");
    let specs = api.get("/v2.1/{pid}/flavors/c4.large.2/os-extra_specs").await.body["extra_specs"].clone();
    assert_eq!(specs["ecs:performancetype"], "computingv3");
    let o = api.get("/v2.1/{pid}/flavors?limit=2").await;
    assert_eq!(o.body["flavors"].as_array().unwrap().len(), 2);
    let next = o.body["flavors_links"][0]["href"].as_str().unwrap().to_string();
    assert!(next.starts_with("http"));
    let o = api.get("/v2.1/{pid}/resize_flavors?source_flavor_id=s3.medium.1").await;
    assert!(o.body["flavors"].as_array().unwrap().iter().all(|f| f["id"] != "s3.medium.1"));
    assert_eq!(api.get("/v2.1/{pid}/resize_flavors").await.status, 400);

    let o = api.get("/v2.1/{pid}/os-availability-zone").await;
    let zones: Vec<&str> = o.body["availabilityZoneInfo"].as_array().unwrap().iter().map(|z| z["zoneName"].as_str().unwrap()).collect();
    assert_eq!(zones, vec!["eu-de-01", "eu-de-02", "eu-de-03"]);
    assert_eq!(api.get("/v2.1/{pid}/os-availability-zone/detail").await.status, 403);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get("/v2.1/{pid}/os-availability-zone").await.body["availabilityZoneInfo"][0]["zoneName"], "eu-nl-01");
}

#[tokio::test]
async fn keypairs_generated_and_imported() {
    let emu = Emu::with(cfg(|c| c.quotas.key_pairs = 2)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (s, b, _) = nova(&api, Method::POST, "/v2.1/{pid}/os-keypairs", Some("2.10"), Some(json!({"keypair": {"name": "gen"}}))).await;
    assert_eq!(s, 201);
    let kp = &b["keypair"];
    assert!(kp["private_key"].as_str().unwrap().starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    assert!(kp["public_key"].as_str().unwrap().starts_with("ssh-ed25519 "));
    assert_eq!(kp["fingerprint"].as_str().unwrap().len(), 47);
    assert_eq!(kp["type"], "ssh");
    // The generated public key imports cleanly elsewhere: it is a real key.
    assert_eq!(otc_compute::model::keypairs::fingerprint(kp["public_key"].as_str().unwrap()).unwrap(), kp["fingerprint"].as_str().unwrap());

    let public = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host";
    let (s, b, _) =
        nova(&api, Method::POST, "/v2.1/{pid}/os-keypairs", None, Some(json!({"keypair": {"name": "imp", "public_key": public}}))).await;
    assert_eq!(s, 200, "2.1 answers 200");
    assert!(b["keypair"].get("private_key").is_none());
    let (s, b, _) =
        nova(&api, Method::POST, "/v2.1/{pid}/os-keypairs", None, Some(json!({"keypair": {"name": "imp", "public_key": public}}))).await;
    assert_eq!((s, b["conflictingRequest"]["message"].as_str()), (409, Some("Key pair 'imp' already exists.")));
    let (s, b, _) = nova(&api, Method::POST, "/v2.1/{pid}/os-keypairs", None, Some(json!({"keypair": {"name": "third"}}))).await;
    assert_eq!(s, 403, "quota: {b}");
    for body in
        [json!({"keypair": {"name": "x", "public_key": "garbage"}}), json!({"keypair": {"name": "a/b"}}), json!({"keypair": {}}), json!({})]
    {
        let (s, _, _) = nova(&api, Method::POST, "/v2.1/{pid}/os-keypairs", None, Some(body.clone())).await;
        assert_eq!(s, 400, "{body}");
    }
    let o = api.get("/v2.1/{pid}/os-keypairs").await;
    let names: Vec<&str> = o.body["keypairs"].as_array().unwrap().iter().map(|k| k["keypair"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["gen", "imp"]);
    let shown = api.get("/v2.1/{pid}/os-keypairs/imp").await.body["keypair"].clone();
    assert_eq!(shown["public_key"], public);
    assert_eq!(api.get("/v2.1/{pid}/os-keypairs/none").await.status, 404);
    let (s, _, _) = nova(&api, Method::DELETE, "/v2.1/{pid}/os-keypairs/imp", Some("2.10"), None).await;
    assert_eq!(s, 204);
    let (s, _, _) = nova(&api, Method::DELETE, "/v2.1/{pid}/os-keypairs/gen", None, None).await;
    assert_eq!(s, 202, "2.1 answers 202");
    assert_eq!(api.delete("/v2.1/{pid}/os-keypairs/gen").await.status, 404);
}

#[tokio::test]
async fn keypairs_belong_to_the_user_in_one_region() {
    let mut c = config();
    c.identity.domains[0].projects.push("eu-de_team".into());
    let emu = Emu::with(c).await;
    let de = Api::new(&emu, "eu-de").await;
    let team = Api::new(&emu, "eu-de_team").await;
    let nl = Api::new(&emu, "eu-nl").await;
    de.create("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "k"}}), 200, "keypair").await;
    let names = |o: crate::netkit::Out| -> Vec<String> {
        o.body["keypairs"].as_array().unwrap().iter().map(|k| k["keypair"]["name"].as_str().unwrap().to_string()).collect()
    };

    // The projects of a region share the user's key pairs (Nova) ...
    assert_eq!(names(team.get("/v2.1/{pid}/os-keypairs").await), ["k"]);
    assert_eq!(team.get("/v2.1/{pid}/os-keypairs/k").await.status, 200);
    // ... another region has its own: not listed, not shown, not usable, not deletable.
    assert!(names(nl.get("/v2.1/{pid}/os-keypairs").await).is_empty());
    assert_eq!(nl.get("/v2.1/{pid}/os-keypairs/k").await.status, 404);
    assert_eq!(nl.delete("/v2.1/{pid}/os-keypairs/k").await.status, 404);
    let (_, net) = nl.vpc_with_subnet("192.168.0.0/16", "192.168.20.0/24", "192.168.20.1").await;
    let mut body = server_body("web", &net);
    body["server"]["key_name"] = json!("k");
    let (s, b, _) = nova(&nl, Method::POST, "/v2.1/{pid}/servers", None, Some(body)).await;
    assert_eq!((s, b["badRequest"]["message"].as_str()), (400, Some("Invalid key_name provided.")));
    assert_eq!(de.get("/v2.1/{pid}/os-keypairs/k").await.status, 200, "eu-de's key survived eu-nl's attempts");

    // The same name in another region is another key pair.
    let other = nl.create("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "k"}}), 200, "keypair").await;
    let mine = de.get("/v2.1/{pid}/os-keypairs/k").await.body["keypair"].clone();
    assert_ne!(other["fingerprint"], mine["fingerprint"]);
    assert_eq!(nl.delete("/v2.1/{pid}/os-keypairs/k").await.status, 202);
    assert_eq!(de.get("/v2.1/{pid}/os-keypairs/k").await.status, 200);
}

#[tokio::test]
async fn servers_live_on_ports_and_the_clock() {
    let emu = Emu::with(cfg(|c| {
        c.build_seconds = 10;
        c.action_seconds = 5;
    }))
    .await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.20.0/24", "192.168.20.1").await;
    api.create("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "k"}}), 200, "keypair").await;
    let mut body = server_body("web", &net);
    body["server"]["key_name"] = json!("k");
    body["server"]["metadata"] = json!({"role": "web"});
    let (s, b, h) = nova(&api, Method::POST, "/v2.1/{pid}/servers", Some("2.60"), Some(body)).await;
    assert_eq!(s, 202, "{b}");
    let sid = id(&b["server"]);
    assert!(h["location"].to_str().unwrap().ends_with(&sid));
    assert_eq!(b["server"]["security_groups"], json!([{"name": "default"}]));
    assert!(b["server"]["adminPass"].is_string());

    let (_, b, _) = nova(&api, Method::GET, &format!("/v2.1/{{pid}}/servers/{sid}"), Some("2.60"), None).await;
    let srv = &b["server"];
    assert_eq!((srv["status"].as_str(), srv["OS-EXT-STS:vm_state"].as_str()), (Some("BUILD"), Some("building")));
    assert_eq!(srv["flavor"]["original_name"], "s3.medium.1", "2.47+ embeds the flavor");
    assert_eq!(srv["metadata"]["role"], "web");
    // Under the network's label, its name (the v1 subnet's).
    let label = api.get(&format!("/v2.0/networks/{net}")).await.body["network"]["name"].as_str().unwrap().to_string();
    assert_eq!(srv["addresses"].as_object().unwrap().keys().collect::<Vec<_>>(), [&label]);
    let addr = srv["addresses"][&label][0]["addr"].as_str().unwrap().to_string();
    assert!(addr.starts_with("192.168.20."));
    let o = api.get(&format!("/v2.0/ports?device_id={sid}")).await;
    let port = o.body["ports"][0].clone();
    assert_eq!((port["device_owner"].as_str(), port["status"].as_str()), (Some("compute:eu-de-01"), Some("ACTIVE")));
    assert_eq!(port["fixed_ips"][0]["ip_address"], addr.as_str());
    let (_, b, _) = nova(&api, Method::GET, &format!("/v2.1/{{pid}}/servers/{sid}"), Some("2.1"), None).await;
    assert_eq!(b["server"]["flavor"]["id"], "s3.medium.1", "before 2.47 the flavor is a reference");

    emu.server.clock.advance(chrono::Duration::seconds(10));
    let st = |b: &Value| b["server"]["status"].as_str().unwrap().to_string();
    assert_eq!(st(&api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body), "ACTIVE");

    let action_path = format!("/v2.1/{{pid}}/servers/{sid}/action");
    let action = |a: Value| api.post(&action_path, a);
    assert_eq!(action(json!({"os-stop": null})).await.status, 202);
    let b = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body;
    assert_eq!((st(&b).as_str(), b["server"]["OS-EXT-STS:task_state"].as_str()), ("ACTIVE", Some("powering-off")));
    emu.server.clock.advance(chrono::Duration::seconds(5));
    let b = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body;
    assert_eq!((st(&b).as_str(), b["server"]["OS-EXT-STS:power_state"].as_u64()), ("SHUTOFF", Some(4)));
    let o = action(json!({"os-stop": null})).await;
    assert_eq!(o.status, 409);
    assert!(o.body["conflictingRequest"]["message"].as_str().unwrap().contains("vm_state stopped"));
    assert_eq!(action(json!({"os-start": null})).await.status, 202);
    emu.server.clock.advance(chrono::Duration::seconds(5));
    assert_eq!(st(&api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body), "ACTIVE");
    assert_eq!(action(json!({"reboot": {"type": "HARD"}})).await.status, 202);
    assert_eq!(st(&api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body), "HARD_REBOOT");
    emu.server.clock.advance(chrono::Duration::seconds(5));
    assert_eq!(st(&api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body), "ACTIVE");
    assert_eq!(action(json!({"reboot": {"type": "SIDEWAYS"}})).await.status, 400);
    assert_eq!(action(json!({"pause": null})).await.status, 400);
    let o = action(json!({"rebuild": {"imageRef": image_id("Standard_Debian_12_latest")}})).await;
    assert_eq!((o.status, o.code.as_str()), (404, "APIGW.0101"), "documented but not performed: honest 404");

    let o = api.put(&format!("/v2.1/{{pid}}/servers/{sid}"), json!({"server": {"name": "web-renamed"}})).await;
    assert_eq!(o.body["server"]["name"], "web-renamed");
    assert_eq!(api.put(&format!("/v2.1/{{pid}}/servers/{sid}"), json!({"server": {"flavorRef": "x"}})).await.status, 400);
    let o = api.get("/v2.1/{pid}/servers?name=renamed").await;
    assert_eq!(o.body["servers"].as_array().unwrap().len(), 1);
    assert_eq!(api.get("/v2.1/{pid}/servers/detail?status=SHUTOFF").await.body["servers"], json!([]));
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-server-password")).await.body["password"], "");

    // A locked server cannot be deleted; unlocked, its port goes with it.
    assert_eq!(action(json!({"lock": null})).await.status, 202);
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/servers/{sid}")).await.status, 409);
    assert_eq!(action(json!({"unlock": null})).await.status, 202);
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/servers/{sid}")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.status, 404);
    assert_eq!(api.get(&format!("/v2.0/ports?device_id={sid}")).await.body["ports"], json!([]));
    // The freed address is handed out again.
    let p = api.create("/v2.0/ports", json!({"port": {"network_id": net}}), 201, "port").await;
    assert_eq!(p["fixed_ips"][0]["ip_address"], addr.as_str());
}

#[tokio::test]
async fn server_refusals_and_quotas() {
    let emu = Emu::with(cfg(|c| c.quotas.instances = 2)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.0.0.0/8", "10.1.0.0/28", "10.1.0.1").await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"flavorRef": "no.such"}), "Invalid flavorRef provided."),
        (json!({"imageRef": "2b9a6e5e-0000-0000-0000-000000000000"}), "Can not find requested image"),
        (json!({"key_name": "missing"}), "Invalid key_name provided."),
        (json!({"networks": [{"uuid": "no-such-net"}]}), "Network no-such-net could not be found."),
        (json!({"security_groups": [{"name": "no-such-sg"}]}), "Security group no-such-sg not found."),
        (json!({"networks": "auto"}), ""),
        (json!({"availability_zone": "mars-01"}), ""),
        (json!({"networks": [{"uuid": net, "fixed_ip": "10.9.9.9"}]}), ""),
        (json!({"user_data": "***"}), ""),
        (json!({"name": ""}), ""),
    ];
    for (patch, msg) in cases {
        let mut b = server_body("bad", &net);
        for (k, v) in patch.as_object().unwrap() {
            b["server"][k] = v.clone();
        }
        let o = api.post("/v2.1/{pid}/servers", b).await;
        assert_eq!(o.status, 400, "{patch}: {}", o.body);
        if !msg.is_empty() {
            assert_eq!(o.body["badRequest"]["message"], msg);
        }
    }
    // Two instances fit the quota; the third is refused with 403.
    let mut b = server_body("pair", &net);
    b["server"]["min_count"] = json!(2);
    b["server"]["max_count"] = json!(2);
    assert_eq!(api.post("/v2.1/{pid}/servers", b).await.status, 202);
    let names: Vec<String> = api.get("/v2.1/{pid}/servers").await.body["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|n| n.starts_with("pair-000")));
    let o = api.post("/v2.1/{pid}/servers", server_body("third", &net)).await;
    assert_eq!(o.status, 403);
    assert!(o.body["forbidden"]["message"].as_str().unwrap().starts_with("Quota exceeded for instances"));
    // No server came out of the refusals: their ports were never kept.
    let ports = api.get(&format!("/v2.0/ports?network_id={net}")).await.body["ports"].as_array().unwrap().len();
    assert_eq!(ports, 3, "the gateway interface and two servers");

    // Another project sees none of it.
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get("/v2.1/{pid}/servers/detail").await.body["servers"], json!([]));
    let any = api.get("/v2.1/{pid}/servers").await.body["servers"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(nl.get(&format!("/v2.1/{{pid}}/servers/{any}")).await.status, 404);
    assert_eq!(nl.delete(&format!("/v2.1/{{pid}}/servers/{any}")).await.status, 404);
    let o = nl.get(&format!("/v2.1/{}/servers", api.pid)).await;
    assert_eq!((o.status, o.code.as_str()), (403, "APIGW.0302"));
}

#[tokio::test]
async fn a_full_subnet_refuses_servers() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("10.0.0.0/8", "10.2.0.0/28", "10.2.0.1").await;
    let fill: Vec<Value> = (0..10).map(|_| json!({"subnet_id": net})).collect();
    api.create("/v1/{pid}/privateips", json!({ "privateips": fill }), 200, "privateips").await;
    let o = api.post("/v2.1/{pid}/servers", server_body("nowhere", &net)).await;
    assert_eq!(o.status, 400);
    assert!(o.body["badRequest"]["message"].as_str().unwrap().contains("No more IP addresses"));
    assert_eq!(api.get("/v2.1/{pid}/servers").await.body["servers"], json!([]));
}

#[tokio::test]
async fn images_as_glance_lists_them() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let o = api.get("/ims/v2/images").await;
    let all = o.body["images"].as_array().unwrap().clone();
    assert!(all.len() >= 4);
    assert!(all.iter().all(|i| i["status"] == "active" && i["visibility"] == "public"));
    let o = api.get("/ims/v2/images?name=Standard_Ubuntu_22.04_latest").await;
    assert_eq!(o.body["images"].as_array().unwrap().len(), 1);
    let uid = id(&o.body["images"][0]);
    let o = api.get(&format!("/v2/images?id=in:{uid},{}", image_id("Standard_Debian_11_latest"))).await;
    assert_eq!(o.body["images"].as_array().unwrap().len(), 2);
    let o = api.get("/v2/images?limit=2").await;
    assert_eq!(o.body["images"].as_array().unwrap().len(), 2);
    assert!(o.body["next"].as_str().unwrap().starts_with("/v2/images?marker="));
    assert_eq!(api.get(&format!("/v2/images/{uid}")).await.body["min_disk"], 4);
    assert_eq!(api.get("/v2/images/Standard_Ubuntu_22.04_latest").await.status, 404);
    assert_eq!(api.get("/v2/images?os_hidden=True").await.body["images"], json!([]));
}

/// IMS's own query, as the Terraform provider's `images_image_v2` data
/// source sends it: by name, active, sorted; IMS's attributes are shown and
/// filter.
#[tokio::test]
async fn images_as_ims_cloudimages() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let all_images = otc_compute::catalog::default_images();
    let o = api.get("/ims/v2/cloudimages?name=Standard_Debian_11_latest&sort_dir=asc&status=active").await;
    assert_eq!(o.status, 200, "{}", o.body);
    let listed = o.body["images"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    let debian = &listed[0];
    assert_eq!(debian["id"], json!(image_id("Standard_Debian_11_latest")));
    assert_eq!(debian["__imagetype"], "gold");
    assert_eq!(debian["__os_type"], "Linux");
    assert_eq!(debian["__platform"], "Debian");
    assert_eq!(debian["__image_size"], json!(debian["size"].as_u64().unwrap().to_string()));
    assert_eq!(debian["visibility"], "public");
    assert_eq!(debian["created_at"], "2024-01-01T00:00:00Z");

    let names = |o: &Value| o["images"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let count = |q: &'static str| {
        let api = &api;
        async move {
            let o = api.get(&format!("/ims/v2/cloudimages?{q}")).await;
            assert_eq!(o.status, 200, "{q}: {}", o.body);
            o.body["images"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("").await, all_images.len());
    assert_eq!(count("size_min=0&size_max=0").await, all_images.len());
    assert_eq!(count("__imagetype=gold&visibility=public").await, all_images.len());
    assert_eq!(count("__imagetype=private").await, 0);
    assert_eq!(count("status=queued").await, 0);
    let windows = all_images.iter().filter(|i| i.os_type == "Windows").count();
    assert_eq!(count("__os_type=Windows").await, windows);
    let by_id = api.get(&format!("/ims/v2/cloudimages?id={}", image_id("Standard_Debian_11_latest"))).await;
    assert_eq!(names(&by_id.body), ["Standard_Debian_11_latest"]);
    assert_eq!(count("limit=2").await, 2);

    let asc = names(&api.get("/ims/v2/cloudimages?sort_key=name&sort_dir=asc").await.body);
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    let mut desc = names(&api.get("/ims/v2/cloudimages?sort_key=name&sort_dir=desc").await.body);
    desc.reverse();
    assert_eq!(desc, asc);

    for bad in ["sort_dir=up", "sort_key=colour", "limit=0", "limit=x", "size_min=-1", "marker=nope"] {
        let o = api.get(&format!("/ims/v2/cloudimages?{bad}")).await;
        assert_eq!((o.status, o.body["error_code"].as_str()), (400, Some("IMG.0001")), "{bad}: {}", o.body);
    }
}

/// Nova's image proxy, as openstacksdk's `conn.compute.find_image` walks
/// it: the name tried as an id (404), then the list filtered by name.
#[tokio::test]
async fn images_through_nova() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let debian = image_id("Standard_Debian_11_latest");
    let all_images = otc_compute::catalog::default_images();

    let o = api.get("/ecs/v2.1/{pid}/images/Standard_Debian_11_latest").await;
    assert_eq!(o.status, 404);
    assert_eq!(o.body, json!({"itemNotFound": {"code": 404, "message": "Image not found."}}));
    let o = api.get("/ecs/v2.1/{pid}/images?name=Standard_Debian_11_latest").await;
    assert_eq!(o.status, 200, "{}", o.body);
    let listed = o.body["images"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    let brief = &listed[0];
    assert_eq!((brief["id"].as_str(), brief["name"].as_str()), (Some(debian.as_str()), Some("Standard_Debian_11_latest")));
    assert!(brief.get("status").is_none(), "the plain list has id, name and links only: {brief}");
    let rels: Vec<&str> = brief["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert_eq!(rels, ["self", "bookmark", "alternate"]);
    assert_eq!(brief["links"][0]["href"], emu.url(&format!("/ecs/v2.1/{}/images/{debian}", api.pid)));
    assert_eq!(brief["links"][2]["type"], "application/vnd.openstack.image");
    assert!(o.body.get("images_links").is_none());

    // The detail list and the show agree, with Glance's facts in Nova's names.
    let o = api.get("/ecs/v2.1/{pid}/images/detail").await;
    let detail = o.body["images"].as_array().unwrap().clone();
    assert_eq!(detail.len(), all_images.len());
    let d = detail.iter().find(|i| i["id"] == debian.as_str()).unwrap().clone();
    assert_eq!((d["status"].as_str(), d["progress"].as_u64()), (Some("ACTIVE"), Some(100)));
    assert_eq!((d["minDisk"].as_u64(), d["minRam"].as_u64(), d["OS-EXT-IMG-SIZE:size"].as_u64()), (Some(4), Some(0), Some(2_147_483_648)));
    assert_eq!((d["created"].as_str(), d["updated"].as_str()), (Some("2024-01-01T00:00:00Z"), Some("2024-01-01T00:00:00Z")));
    assert_eq!(d["metadata"]["__os_type"], "Linux");
    assert_eq!(d["metadata"]["__os_version"], "Debian GNU/Linux 11 (bullseye) 64bit");
    let shown = api.get(&format!("/ecs/v2.1/{{pid}}/images/{debian}")).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body["image"], d);
    let glance = api.get(&format!("/ims/v2/images/{debian}")).await.body;
    assert_eq!(
        (glance["name"].clone(), glance["size"].clone(), glance["__os_type"].clone()),
        (d["name"].clone(), d["OS-EXT-IMG-SIZE:size"].clone(), d["metadata"]["__os_type"].clone())
    );
    let v2 = api.get(&format!("/ecs/v2/{{pid}}/images/{debian}")).await;
    assert!(v2.body["image"]["links"][0]["href"].as_str().unwrap().contains("/ecs/v2/"));
    let meta = api.get(&format!("/ecs/v2.1/{{pid}}/images/{debian}/metadata")).await;
    assert_eq!(meta.body["metadata"], d["metadata"]);
    let o = api.get("/ecs/v2.1/{pid}/images/00000000-0000-0000-0000-000000000000/metadata").await;
    assert_eq!((o.status, o.body["itemNotFound"]["message"].as_str()), (404, Some("Image not found.")));

    // Filters, as Nova hands them to Glance.
    let count = |q: &'static str| {
        let api = &api;
        async move {
            let o = api.get(&format!("/ecs/v2.1/{{pid}}/images/detail?{q}")).await;
            assert_eq!(o.status, 200, "{q}: {}", o.body);
            o.body["images"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("status=ACTIVE").await, all_images.len());
    assert_eq!(count("status=active").await, all_images.len());
    assert_eq!(count("status=SAVING").await, 0);
    assert_eq!(count("changes-since=2023-12-31T23:00:00Z").await, all_images.len());
    assert_eq!(count("changes-since=2024-01-01").await, all_images.len());
    assert_eq!(count("changes-since=2030-06-09T06:42:18").await, 0);
    assert_eq!(count(concat!("server=http://x/v2.1/p/servers/", "b600b5b1-ed8c-4814-aefa-8b903c894c20")).await, 0);
    assert_eq!(count("type=snapshot").await, 0);
    let windows = all_images.iter().filter(|i| i.os_type == "Windows").count();
    assert!(windows > 0);
    assert_eq!(count("minDisk=40").await, windows);
    assert_eq!(count("property-__os_type=Windows").await, windows);
    assert_eq!(count("name=nope").await, 0);
    for (q, msg) in [
        ("status=bogus", "Invalid status value: bogus"),
        ("changes-since=yesterday", "Invalid changes-since value: yesterday"),
        ("limit=two", "Invalid input received: limit must be an integer"),
        ("limit=-1", "Invalid input received: limit must be >= 0"),
        ("minRam=lots", "Invalid minRam filter [lots]"),
        ("marker=nope", "marker [nope] not found"),
    ] {
        let o = api.get(&format!("/ecs/v2.1/{{pid}}/images?{q}")).await;
        assert_eq!((o.status, o.body["badRequest"]["message"].as_str()), (400, Some(msg)), "{q}");
    }

    // Pages of two, followed by their next links, cover every image once;
    // the links keep the request's other parameters.
    let mut seen = Vec::new();
    let mut next = Some(emu.url(&format!("/ecs/v2.1/{}/images/detail?limit=2&status=ACTIVE", api.pid)));
    while let Some(href) = next.take() {
        assert!(href.contains("status=ACTIVE") && href.contains("/images/detail?"), "{href}");
        let r = emu.http.get(&href).header("X-Auth-Token", &api.token).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let b: Value = r.json().await.unwrap();
        let page = b["images"].as_array().unwrap();
        assert!(page.len() <= 2 && page.iter().all(|i| i["status"] == "ACTIVE"));
        seen.extend(page.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        next = b["images_links"][0]["href"].as_str().map(String::from);
        if next.is_some() {
            assert_eq!((b["images_links"][0]["rel"].as_str(), page.len()), (Some("next"), 2));
        }
    }
    let mut expected: Vec<String> = all_images.iter().map(|i| i.id()).collect();
    expected.sort();
    assert_eq!(seen, expected);
    // A marker filtered out by the other filters still places the page.
    let windows_id = image_id("Standard_Windows_2022_DC_latest");
    let after: Vec<String> = expected.iter().filter(|i| **i > debian).cloned().collect();
    let o = api.get(&format!("/ecs/v2.1/{{pid}}/images?marker={debian}&property-__os_type=Windows")).await;
    let ids: Vec<&str> = o.body["images"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, if after.contains(&windows_id) { vec![windows_id.as_str()] } else { vec![] });
    assert_eq!(api.get("/ecs/v2.1/{pid}/images?limit=0").await.body["images"].as_array().unwrap().len(), all_images.len());

    // Nova retired the proxy at 2.36 and image metadata at 2.39.
    let (s, _, h) = nova(&api, Method::GET, "/ecs/v2.1/{pid}/images", Some("2.35"), None).await;
    assert_eq!((s, h["openstack-api-version"].to_str().unwrap()), (200, "compute 2.35"));
    for path in ["/ecs/v2.1/{pid}/images", "/ecs/v2.1/{pid}/images/detail", &format!("/ecs/v2.1/{{pid}}/images/{debian}")] {
        let (s, b, _) = nova(&api, Method::GET, path, Some("2.36"), None).await;
        assert_eq!((s, b["itemNotFound"]["message"].as_str()), (404, Some("The resource could not be found.")), "{path}");
    }
    let meta_path = format!("/ecs/v2.1/{{pid}}/images/{debian}/metadata");
    assert_eq!(nova(&api, Method::GET, &meta_path, Some("2.38"), None).await.0, 200);
    assert_eq!(nova(&api, Method::GET, &meta_path, Some("2.39"), None).await.0, 404);
}

/// Server metadata, as the Terraform provider's `compute_instance_v2`
/// reads it on every refresh and merges or deletes keys on update.
#[tokio::test]
async fn server_metadata_read_merged_replaced_and_by_key() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.20.0/24", "192.168.20.1").await;
    let mut body = server_body("meta", &net);
    body["server"]["metadata"] = json!({"stage": "created", "role": "web"});
    let sid = id(&api.create("/v2.1/{pid}/servers", body, 202, "server").await);
    let path = format!("/v2.1/{{pid}}/servers/{sid}/metadata");

    let o = api.get(&path).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"metadata": {"stage": "created", "role": "web"}})));
    // POST merges: given keys added or overwritten, the others kept.
    let o = api.post(&path, json!({"metadata": {"stage": "updated", "owner": "ops"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["metadata"], json!({"stage": "updated", "role": "web", "owner": "ops"}));
    let shown = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await;
    assert_eq!(shown.body["server"]["metadata"], o.body["metadata"]);
    // By key.
    let o = api.get(&format!("{path}/stage")).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"meta": {"stage": "updated"}})));
    let o = api.put(&format!("{path}/zone"), json!({"meta": {"zone": "a"}})).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"meta": {"zone": "a"}})));
    assert_eq!(api.delete(&format!("{path}/owner")).await.status, 204);
    let o = api.delete(&format!("{path}/owner")).await;
    assert_eq!((o.status, o.body["itemNotFound"]["message"].as_str()), (404, Some("Metadata item was not found")));
    assert_eq!(api.get(&format!("{path}/owner")).await.status, 404);
    assert_eq!(api.get(&path).await.body["metadata"], json!({"stage": "updated", "role": "web", "zone": "a"}));
    // PUT replaces all.
    let o = api.put(&path, json!({"metadata": {"only": "this"}})).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"metadata": {"only": "this"}})));
    assert_eq!(api.get(&path).await.body["metadata"], json!({"only": "this"}));

    // Refusals: Nova's schema, the URL's key, the quota, a locked server,
    // an unknown server.
    for bad in [json!({"metadata": {"k": 1}}), json!({"metadata": {"": "v"}}), json!({"metadata": {"k": "x".repeat(256)}}), json!({})] {
        let o = api.post(&path, bad.clone()).await;
        assert_eq!((o.status, o.body["badRequest"]["code"].as_i64()), (400, Some(400)), "{bad}: {}", o.body);
    }
    let o = api.put(&format!("{path}/a"), json!({"meta": {"b": "1"}})).await;
    assert_eq!((o.status, o.body["badRequest"]["message"].as_str()), (400, Some("Request body and URI mismatch")));
    let o = api.put(&format!("{path}/a"), json!({"meta": {"a": "1", "b": "2"}})).await;
    assert_eq!((o.status, o.body["badRequest"]["message"].as_str()), (400, Some("Request body contains too many items")));
    let many: serde_json::Map<String, Value> = (0..129).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(api.put(&path, json!({ "metadata": many })).await.status, 403);
    let o = api.post(&format!("/v2.1/{{pid}}/servers/{sid}/action"), json!({"lock": null})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(api.post(&path, json!({"metadata": {"k": "v"}})).await.status, 409);
    assert_eq!(api.delete(&format!("{path}/only")).await.status, 409);
    assert_eq!(api.get(&path).await.body["metadata"], json!({"only": "this"}), "a locked server's metadata is read");
    let o = api.get("/v2.1/{pid}/servers/00000000-0000-0000-0000-000000000000/metadata").await;
    assert_eq!(o.status, 404);
    // Under v2 too.
    assert_eq!(api.get(&format!("/v2/{{pid}}/servers/{sid}/metadata")).await.body["metadata"], json!({"only": "this"}));
}

/// A server's NICs as Nova lists them: its ports, as the Terraform
/// provider's `compute_instance_v2` matches them to its network blocks.
#[tokio::test]
async fn server_interfaces_are_its_ports() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.20.0/24", "192.168.20.1").await;
    let sid = id(&api.create("/v2.1/{pid}/servers", server_body("nics", &net), 202, "server").await);
    let o = api.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-interface")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let list = o.body["interfaceAttachments"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1);
    let nic = &list[0];
    let port = api.get(&format!("/v2.0/ports/{}", nic["port_id"].as_str().unwrap())).await.body["port"].clone();
    assert_eq!(port["device_id"], json!(sid));
    assert_eq!(nic["net_id"], json!(net));
    assert_eq!(nic["mac_addr"], port["mac_address"]);
    assert_eq!(nic["port_state"], port["status"]);
    assert_eq!(
        nic["fixed_ips"],
        json!([{"subnet_id": port["fixed_ips"][0]["subnet_id"], "ip_address": port["fixed_ips"][0]["ip_address"]}])
    );
    let o = api.get(&format!("/v2/{{pid}}/servers/{sid}/os-interface/{}", nic["port_id"].as_str().unwrap())).await;
    assert_eq!((o.status, &o.body["interfaceAttachment"]), (200, nic));

    // Another port, not the server's, is not one of its interfaces.
    let other = api.create("/v2.0/ports", json!({"port": {"network_id": net}}), 201, "port").await;
    let o = api.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-interface/{}", id(&other))).await;
    assert_eq!((o.status, o.body["itemNotFound"]["code"].as_i64()), (404, Some(404)), "{}", o.body);
    assert_eq!(api.get("/v2.1/{pid}/servers/00000000-0000-0000-0000-000000000000/os-interface").await.status, 404);
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-interface")).await.status, 404);
}

/// EIPs bound and unbound through Nova's floating IP actions, as the
/// Terraform provider's `compute_floatingip_associate_v2` does.
#[tokio::test]
async fn floating_ips_bound_through_server_actions() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (_, net) = api.vpc_with_subnet("192.168.0.0/16", "192.168.20.0/24", "192.168.20.1").await;
    let sid = id(&api.create("/v2.1/{pid}/servers", server_body("fip", &net), 202, "server").await);
    let eip = api
        .create(
            "/v1/{pid}/publicips",
            json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "b", "size": 5, "share_type": "PER", "charge_mode": "traffic"}}),
            200,
            "publicip",
        )
        .await;
    let (eid, address) = (id(&eip), eip["public_ip_address"].as_str().unwrap().to_string());
    let nic = api.get(&format!("/v2.1/{{pid}}/servers/{sid}/os-interface")).await.body["interfaceAttachments"][0].clone();
    let fixed = nic["fixed_ips"][0]["ip_address"].as_str().unwrap().to_string();
    let act = |body: Value| {
        let (api, sid) = (&api, &sid);
        async move { api.post(&format!("/v2.1/{{pid}}/servers/{sid}/action"), body).await }
    };

    let o = act(json!({"addFloatingIp": {"address": address, "fixed_address": fixed}})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let shown = api.get(&format!("/v1/{{pid}}/publicips/{eid}")).await.body["publicip"].clone();
    assert_eq!((shown["port_id"].clone(), shown["private_ip_address"].as_str()), (nic["port_id"].clone(), Some(fixed.as_str())));
    let fip = api.get(&format!("/v2.0/floatingips?floating_ip_address={address}")).await.body["floatingips"][0].clone();
    assert_eq!(fip["port_id"], nic["port_id"]);

    // Refusals: no address, an unknown address, a fixed address the server
    // does not hold, unbinding from another server.
    assert_eq!(act(json!({"addFloatingIp": {}})).await.status, 400);
    assert_eq!(act(json!({"addFloatingIp": {"address": 5}})).await.status, 400);
    assert_eq!(act(json!({"addFloatingIp": {"address": "203.0.113.250"}})).await.status, 404);
    assert_eq!(act(json!({"addFloatingIp": {"address": address, "fixed_address": "10.9.9.9"}})).await.status, 400);
    let other = id(&api.create("/v2.1/{pid}/servers", server_body("other", &net), 202, "server").await);
    let o = api.post(&format!("/v2.1/{{pid}}/servers/{other}/action"), json!({"removeFloatingIp": {"address": address}})).await;
    assert_eq!(o.status, 409, "{}", o.body);

    assert_eq!(act(json!({"removeFloatingIp": {"address": address}})).await.status, 202);
    let shown = api.get(&format!("/v1/{{pid}}/publicips/{eid}")).await.body["publicip"].clone();
    assert!(shown["port_id"].is_null(), "{shown}");
    assert_eq!(act(json!({"removeFloatingIp": {"address": address}})).await.status, 409);
    // Without a fixed address: the server's first port.
    assert_eq!(act(json!({"addFloatingIp": {"address": address}})).await.status, 202);
    assert_eq!(api.get(&format!("/v1/{{pid}}/publicips/{eid}")).await.body["publicip"]["port_id"], nic["port_id"]);
}
