//! MapReduce Service clusters v1.1 over HTTP: run-job-flow launching real
//! servers (with EVS disks, on ports of the subnet, in a security group
//! made for the cluster), statuses on a frozen clock, the list with its
//! filters and paging, details, hosts, termination giving everything
//! back, the documented refusals in both error-key pairs, quotas, and
//! eu-de/eu-nl isolation.

use crate::common::{config, Emu};
use crate::netkit::{Api, Out};
use chrono::Duration;
use otc_emulator::config::Config;
use serde_json::{json, Value};

pub(crate) fn mrs_config(create: i64, delete: i64) -> Config {
    let mut cfg = config();
    cfg.mrs.create_seconds = create;
    cfg.mrs.delete_seconds = delete;
    cfg.mrs.terminated_retention_seconds = 600;
    cfg
}

/// A project with a key pair and a VPC + subnet; returns (vpc, subnet).
pub(crate) async fn network(api: &Api<'_>) -> (String, String) {
    let o = api.post("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "mrs-key"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    api.vpc_with_subnet("10.50.0.0/16", "10.50.1.0/24", "10.50.1.1").await
}

/// The flat body GTC and Terraform send: 2 masters, 3 cores.
pub(crate) fn body(name: &str, region: &str, vpc: &str, subnet: &str) -> Value {
    json!({
        "billing_type": 12, "data_center": region, "available_zone_id": format!("{region}-01"),
        "cluster_name": name, "vpc": "vpc-t", "vpc_id": vpc, "subnet_id": subnet, "subnet_name": "sn-t",
        "cluster_version": "MRS 3.2.0-LTS.2", "cluster_type": 0, "safe_mode": 1,
        "cluster_admin_secret": "Mrs@12345", "cluster_master_secret": "", "login_mode": 1, "node_public_cert_name": "mrs-key",
        "master_node_num": 2, "master_node_size": "c4.2xlarge.2.linux.mrs",
        "core_node_num": 3, "core_node_size": "s3.xlarge.4.linux.mrs",
        "master_data_volume_type": "SAS", "master_data_volume_size": 100, "master_data_volume_count": 1,
        "core_data_volume_type": "SATA", "core_data_volume_size": 200, "core_data_volume_count": 2,
        "component_list": [{"component_name": "Hadoop"}, {"component_name": "Spark2x"}, {"component_name": "Hive"}],
        "tags": [{"key": "env", "value": "test"}, {"key": "team", "value": "data"}],
    })
}

pub(crate) async fn create(api: &Api<'_>, b: Value) -> String {
    let o = api.post("/mrs/v1.1/{pid}/run-job-flow", b).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["result"].clone(), o.body["msg"].clone()), (json!(true), json!("")));
    o.body["cluster_id"].as_str().unwrap().to_string()
}

async fn cluster(api: &Api<'_>, id: &str) -> Value {
    let o = api.get(&format!("/mrs/v1.1/{{pid}}/cluster_infos/{id}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body["cluster"].clone()
}

/// The servers whose metadata names the cluster.
async fn servers_of(api: &Api<'_>, id: &str) -> Vec<Value> {
    let o = api.get("/v2.1/{pid}/servers/detail").await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body["servers"].as_array().unwrap().iter().filter(|s| s["metadata"]["cluster_id"] == id).cloned().collect()
}

async fn ports_on(api: &Api<'_>, subnet: &str) -> usize {
    let o = api.get(&format!("/v2.0/ports?network_id={subnet}")).await;
    o.body["ports"].as_array().unwrap().iter().filter(|p| p["device_owner"].as_str().unwrap_or("").starts_with("compute:")).count()
}

/// A refusal: its status and code, with both error-key pairs present.
pub(crate) fn refused(o: &Out, status: u16, code: &str) {
    assert_eq!((o.status, o.body["error_code"].as_str()), (status, Some(code)), "{}", o.body);
    assert_eq!(o.body["errorCode"], o.body["error_code"], "{}", o.body);
    assert_eq!(o.body["message"], o.body["error_msg"], "{}", o.body);
}

#[tokio::test]
async fn a_cluster_is_made_of_real_servers_and_gives_them_back() {
    let emu = Emu::with(mrs_config(60, 30)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let groups_before = api.get("/v2.0/security-groups").await.body["security_groups"].as_array().unwrap().len();
    let id = create(&api, body("analytics", "eu-de", &vpc, &subnet)).await;

    // Starting, through the documented stages.
    let c = cluster(&api, &id).await;
    assert_eq!((c["clusterState"].as_str(), c["stageDesc"].as_str()), (Some("starting"), Some("Verifying cluster parameters")));
    assert_eq!(c["mrsManagerFinish"], false);
    emu.server.clock.advance(Duration::seconds(51));
    let c = cluster(&api, &id).await;
    assert_eq!((c["stageDesc"].as_str(), c["mrsManagerFinish"].as_bool()), (Some("Deploying the cluster"), Some(true)));

    // Five servers, visible through Nova, on ports of the subnet, in the
    // cluster's own security group, with system and data disks.
    let servers = servers_of(&api, &id).await;
    assert_eq!(servers.len(), 5);
    assert_eq!(ports_on(&api, &subnet).await, 5);
    let sg = c["securityGroupsId"].as_str().unwrap().to_string();
    let o = api.get(&format!("/v2.0/security-groups/{sg}")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert!(o.body["security_group"]["name"].as_str().unwrap().starts_with("mrs_analytics_"), "{}", o.body);
    for s in &servers {
        assert_eq!(s["key_name"], "mrs-key");
        assert_eq!(s["OS-EXT-AZ:availability_zone"], "eu-de-01");
        assert_eq!(s["security_groups"][0]["name"], o.body["security_group"]["name"], "{s}");
    }
    let masters: Vec<_> = servers.iter().filter(|s| s["name"].as_str().unwrap().contains("_node_master")).collect();
    assert_eq!(masters.len(), 2);
    assert!(masters.iter().all(|s| s["flavor"]["id"] == "c4.2xlarge.2"), "{masters:?}");
    let core = servers.iter().find(|s| s["name"].as_str().unwrap().contains("_node_core_")).unwrap();
    // A core node: its system disk and two 200 GB SATA data disks.
    let vols = api.get("/v2/{pid}/volumes/detail").await;
    let mine: Vec<_> = vols.body["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["attachments"].as_array().unwrap().iter().any(|a| a["server_id"] == core["id"]))
        .cloned()
        .collect();
    assert_eq!(mine.len(), 3, "{mine:?}");
    assert_eq!(mine.iter().filter(|v| v["size"] == 200 && v["volume_type"] == "SATA").count(), 2, "{mine:?}");

    // Running: the shapes the Go client reads strictly.
    emu.server.clock.advance(Duration::seconds(9));
    let c = cluster(&api, &id).await;
    assert_eq!(c["clusterState"], "running");
    assert_eq!((c["masterNodeNum"].as_str(), c["coreNodeNum"].as_str(), c["totalNodeNum"].as_str()), (Some("2"), Some("3"), Some("5")));
    for k in ["createAt", "updateAt", "chargingStartTime"] {
        let v = c[k].as_str().unwrap();
        assert!(v.len() == 10 && v.chars().all(|d| d.is_ascii_digit()), "{k}: {v}");
    }
    assert_eq!(c["tags"], "env=test,team=data");
    assert_eq!(
        (c["azId"].as_str(), c["clusterVersion"].as_str(), c["safeMode"].as_i64()),
        (Some("eu-de-01"), Some("MRS 3.2.0-LTS.2"), Some(1))
    );
    let names: Vec<_> = c["componentList"].as_array().unwrap().iter().map(|x| x["componentName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Hadoop", "Spark2x", "Hive"]);
    assert_eq!(c["componentList"][0]["componentId"], "MRS 3.2.0-LTS.2_001");
    assert_eq!((c["coreDataVolumeSize"].as_i64(), c["coreDataVolumeCount"].as_i64()), (Some(200), Some(2)));
    assert_eq!(
        (c["vpc"].as_str(), c["subnetId"].as_str(), c["nodePublicCertName"].as_str()),
        (Some("vpc-t"), Some(subnet.as_str()), Some("mrs-key"))
    );

    // Hosts are those servers, ten a page by default.
    let o = api.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts")).await;
    assert_eq!((o.status, o.body["total"].as_i64()), (200, Some(5)), "{}", o.body);
    let mut host_ids: Vec<_> = o.body["hosts"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    let mut server_ids: Vec<_> = servers.iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    host_ids.sort();
    server_ids.sort();
    assert_eq!(host_ids, server_ids);
    let h = o.body["hosts"].as_array().unwrap().iter().find(|h| h["type"] == "Core").unwrap().clone();
    assert_eq!((h["flavor"].as_str(), h["mem"].as_str(), h["cpu"].as_str()), (Some("s3.xlarge.4.linux.mrs"), Some("16384"), Some("4")));
    assert_eq!(
        (h["status"].as_str(), h["root_volume_size"].as_str(), h["data_volume_count"].as_i64()),
        (Some("ACTIVE"), Some("40"), Some(2))
    );
    assert!(h["ip"].as_str().unwrap().starts_with("10.50.1."), "{h}");
    let o = api.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts?pageSize=2&currentPage=3")).await;
    assert_eq!((o.body["total"].as_i64(), o.body["hosts"].as_array().unwrap().len()), (Some(5), 1), "{}", o.body);

    // Termination: servers, ports, disks and the group go now.
    let o = api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await;
    assert_eq!(o.status, 204, "{}", o.body);
    assert_eq!(cluster(&api, &id).await["clusterState"], "terminating");
    assert!(servers_of(&api, &id).await.is_empty());
    assert_eq!(ports_on(&api, &subnet).await, 0);
    let vols = api.get("/v2/{pid}/volumes/detail").await;
    assert_eq!(vols.body["volumes"].as_array().unwrap().len(), 0, "{}", vols.body);
    assert_eq!(api.get(&format!("/v2.0/security-groups/{sg}")).await.status, 404);
    assert_eq!(api.get("/v2.0/security-groups").await.body["security_groups"].as_array().unwrap().len(), groups_before);
    refused(&api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await, 400, "12000021");

    // Terminated, still readable (Terraform polls for it), then gone.
    emu.server.clock.advance(Duration::seconds(30));
    assert_eq!(cluster(&api, &id).await["clusterState"], "terminated");
    let o = api.get("/mrs/v1.1/{pid}/cluster_infos?clusterState=terminated").await;
    assert_eq!(o.body["clusterTotal"], 1, "{}", o.body);
    // The name is free again.
    let again = create(&api, body("analytics", "eu-de", &vpc, &subnet)).await;
    assert_ne!(again, id);
    emu.server.clock.advance(Duration::seconds(600));
    refused(&api.get(&format!("/mrs/v1.1/{{pid}}/cluster_infos/{id}")).await, 400, "12000003");
    refused(&api.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts")).await, 400, "12000003");
}

#[tokio::test]
async fn the_list_filters_by_state_and_tags_and_pages() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let o = api.get("/mrs/v1.1/{pid}/cluster_infos").await;
    assert_eq!(o.body, json!({"clusterTotal": 0, "clusters": []}));
    let mut ids = Vec::new();
    for (i, tag) in ["a", "b", "a"].iter().enumerate() {
        let mut b = body(&format!("c{i}"), "eu-de", &vpc, &subnet);
        b["master_node_num"] = json!(1);
        b["core_node_num"] = json!(1);
        b["tags"] = json!([{"key": "k", "value": tag}]);
        ids.push(create(&api, b).await);
    }
    let o = api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{}", ids[1])).await;
    assert_eq!(o.status, 204);
    let list = |q: &str| {
        let path = format!("/mrs/v1.1/{{pid}}/cluster_infos{q}");
        let api = &api;
        async move {
            let o = api.get(&path).await;
            assert_eq!(o.status, 200, "{}", o.body);
            let got: Vec<String> = o.body["clusters"].as_array().unwrap().iter().map(|c| c["clusterId"].as_str().unwrap().into()).collect();
            (o.body["clusterTotal"].as_u64().unwrap(), got)
        }
    };
    // Newest first.
    assert_eq!(list("").await, (3, vec![ids[2].clone(), ids[1].clone(), ids[0].clone()]));
    assert_eq!(list("?clusterState=running").await, (2, vec![ids[2].clone(), ids[0].clone()]));
    assert_eq!(list("?clusterState=terminated").await, (1, vec![ids[1].clone()]));
    assert_eq!(list("?tags=k*a").await, (2, vec![ids[2].clone(), ids[0].clone()]));
    assert_eq!(list("?tags=k").await.0, 3);
    assert_eq!(list("?tags=k*a,other").await.0, 0);
    assert_eq!(list("?pageSize=2&currentPage=1").await, (3, vec![ids[2].clone(), ids[1].clone()]));
    assert_eq!(list("?pageSize=2&currentPage=2").await, (3, vec![ids[0].clone()]));
    assert_eq!(list("?pageSize=2&currentPage=9").await, (3, vec![]));
    for q in ["?pageSize=0", "?pageSize=x", "?currentPage=-1", "?clusterState=sleeping"] {
        refused(&api.get(&format!("/mrs/v1.1/{{pid}}/cluster_infos{q}")).await, 400, "12000002");
    }
    // A duplicate name of a live cluster.
    refused(&api.post("/mrs/v1.1/{pid}/run-job-flow", body("c0", "eu-de", &vpc, &subnet)).await, 400, "12000043");
}

#[tokio::test]
async fn refusals_are_documented_and_change_nothing() {
    let mut cfg = mrs_config(60, 0);
    cfg.compute.quotas.instances = 4;
    let emu = Emu::with(cfg).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let other_vpc = api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "vpc-2", "cidr": "10.60.0.0/16"}}), 200, "vpc").await;
    let other_vpc = other_vpc["id"].as_str().unwrap().to_string();
    let sn = json!({"subnet": {"name": "sn-2", "cidr": "10.60.1.0/24", "gateway_ip": "10.60.1.1", "vpc_id": other_vpc}});
    let other_subnet = api.create("/v1/{pid}/subnets", sn, 200, "subnet").await["id"].as_str().unwrap().to_string();
    let ok = body("c", "eu-de", &vpc, &subnet);
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = ok.clone();
        b.as_object_mut().unwrap().remove(k);
        b
    };
    let mut both_vpc = without("vpc_id");
    both_vpc.as_object_mut().unwrap().remove("vpc");
    let mut both_subnet = without("subnet_id");
    both_subnet.as_object_mut().unwrap().remove("subnet_name");
    let cases: Vec<(Value, &str)> = vec![
        (with("billing_type", json!(11)), "12000053"),
        (with("billing_type", json!("12")), "12000002"),
        (with("cluster_name", json!("bad name")), "12000002"),
        (with("cluster_version", json!("MRS 1.9.2")), "12000002"),
        (with("component_list", json!([{"component_name": "Spark"}])), "12000002"),
        (with("component_list", json!([])), "12000002"),
        (with("safe_mode", json!(2)), "12000002"),
        (with("cluster_admin_secret", json!("simple")), "12000002"),
        (with("login_mode", json!(0)), "12000002"),
        (with("master_node_num", json!(3)), "12000002"),
        (with("core_node_num", json!(0)), "12000002"),
        (with("core_data_volume_size", json!(50)), "12000002"),
        (with("core_data_volume_type", json!("FAST")), "12000002"),
        (with("master_node_size", json!("c4.2xlarge.2")), "12000048"),
        (with("core_node_size", json!("x9.huge.1.linux.mrs")), "12000048"),
        (with("node_public_cert_name", json!("nokey")), "12000059"),
        (with("vpc_id", json!("00000000-0000-0000-0000-000000000000")), "12000105"),
        (with("subnet_id", json!(other_subnet)), "12000027"),
        (with("vpc_id", json!(other_vpc)), "12000027"),
        (with("security_groups_id", json!("nope")), "13000046"),
        (with("data_center", json!("eu-nl")), "12000002"),
        (with("available_zone_id", json!("eu-nl-01")), "120000212"),
        (with("add_jobs", json!([{"job_type": 1}])), "12000054"),
        (with("tags", json!([{"key": "a=b", "value": "x"}])), "12005002"),
        (with("tags", json!((0..11).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect::<Vec<_>>())), "12005001"),
        (with("tags", json!([{"key": "a", "value": "x"}, {"key": "a", "value": "y"}])), "12000002"),
        (both_vpc, "12000209"),
        (both_subnet, "12000210"),
        // 5 nodes against a quota of 4 servers.
        (ok.clone(), "12000030"),
        (json!([1]), "12000002"),
    ];
    for (b, code) in cases {
        let o = api.post("/mrs/v1.1/{pid}/run-job-flow", b.clone()).await;
        refused(&o, 400, code);
        assert!(api.get("/v2.1/{pid}/servers").await.body["servers"].as_array().unwrap().is_empty(), "{b}");
        assert_eq!(api.get("/mrs/v1.1/{pid}/cluster_infos").await.body["clusterTotal"], 0, "{b}");
    }
    let o = api.post("/mrs/v1.1/{pid}/run-job-flow", json!(null)).await;
    refused(&o, 400, "12000002");
    // A root password instead of a key pair; cores over the vCPU quota.
    let mut b = with("login_mode", json!(0));
    b["cluster_master_secret"] = json!("Root-1234");
    b["master_node_num"] = json!(1);
    b["core_node_num"] = json!(3);
    let id = create(&api, b).await;
    assert!(servers_of(&api, &id).await.iter().all(|s| s["key_name"].is_null()));
    refused(&api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await, 400, "12000021");
    refused(&api.get("/mrs/v1.1/{pid}/cluster_infos/nope").await, 400, "12000003");
    refused(&api.delete("/mrs/v1.1/{pid}/clusters/nope").await, 400, "12000003");
    refused(&api.get("/mrs/v1.1/{pid}/clusters/nope/hosts").await, 400, "12000003");
    refused(&api.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts?pageSize=0")).await, 400, "12000002");
}

#[tokio::test]
async fn vcpu_quota_and_a_given_security_group() {
    let mut cfg = mrs_config(0, 0);
    cfg.compute.quotas.cores = 20;
    let emu = Emu::with(cfg).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    // 2 × 8 + 3 × 4 vCPUs > 20.
    refused(&api.post("/mrs/v1.1/{pid}/run-job-flow", body("c", "eu-de", &vpc, &subnet)).await, 400, "12000031");
    let sg = api.post("/v2.0/security-groups", json!({"security_group": {"name": "mine"}})).await;
    let sg = sg.body["security_group"]["id"].as_str().unwrap().to_string();
    let mut b = body("c", "eu-de", &vpc, &subnet);
    b["master_node_num"] = json!(1);
    b["core_node_num"] = json!(1);
    b["security_groups_id"] = json!(sg);
    let id = create(&api, b).await;
    assert_eq!(cluster(&api, &id).await["securityGroupsId"], sg);
    assert_eq!(api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await.status, 204);
    // The caller's own group stays.
    assert_eq!(api.get(&format!("/v2.0/security-groups/{sg}")).await.status, 200);
}

#[tokio::test]
async fn clusters_are_per_region_and_the_catalog_points_at_them() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (vpc, subnet) = network(&de).await;
    let id = create(&de, body("shared-name", "eu-de", &vpc, &subnet)).await;
    assert_eq!(nl.get("/mrs/v1.1/{pid}/cluster_infos").await.body["clusterTotal"], 0);
    refused(&nl.get(&format!("/mrs/v1.1/{{pid}}/cluster_infos/{id}")).await, 400, "12000003");
    refused(&nl.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts")).await, 400, "12000003");
    refused(&nl.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await, 400, "12000003");
    // eu-nl cannot build on eu-de's network, and may reuse the name.
    refused(&nl.post("/mrs/v1.1/{pid}/run-job-flow", body("shared-name", "eu-nl", &vpc, &subnet)).await, 400, "12000105");
    let (nvpc, nsubnet) = network(&nl).await;
    create(&nl, body("shared-name", "eu-nl", &nvpc, &nsubnet)).await;
    // Another project's id in the path is the gateway's 403.
    let o = nl.get(&format!("/mrs/v1.1/{}/cluster_infos", de.pid)).await;
    assert_eq!(o.status, 403, "{}", o.body);

    let o = de.get("/v3/auth/catalog").await;
    let mrs = o.body["catalog"].as_array().unwrap().iter().find(|s| s["type"] == "mrs").expect("an mrs entry").clone();
    assert_eq!(mrs["name"], "mapreduce");
    let urls: Vec<&str> = mrs["endpoints"].as_array().unwrap().iter().map(|e| e["url"].as_str().unwrap()).collect();
    assert!(urls.iter().all(|u| u.ends_with("/mrs/v1.1")), "{urls:?}");
}

#[tokio::test]
async fn tags_of_clusters_and_queries_by_tag() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let small = |name: &str, tags: Value| {
        let mut b = body(name, "eu-de", &vpc, &subnet);
        b["master_node_num"] = json!(1);
        b["core_node_num"] = json!(1);
        b["tags"] = tags;
        b
    };
    let a = create(&api, small("alpha", json!([{"key": "env", "value": "dev"}]))).await;
    let b = create(&api, small("beta", json!([]))).await;
    let tags = |id: &str| format!("/mrs/v1.1/{{pid}}/clusters/{id}/tags");

    // One tag (an existing key is replaced), then a batch.
    let o = api.post(&tags(&b), json!({"tag": {"key": "env", "value": "prod"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = api.post(&tags(&b), json!({"tag": {"key": "env", "value": "test"}})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = api
        .post(
            &format!("{}/action", tags(&b)),
            json!({"action": "create", "tags": [{"key": "team", "value": "x"}, {"key": "cost", "value": "1"}]}),
        )
        .await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = api.get(&tags(&b)).await;
    assert_eq!(o.body, json!({"tags": [{"key": "env", "value": "test"}, {"key": "team", "value": "x"}, {"key": "cost", "value": "1"}]}));
    assert_eq!(cluster(&api, &b).await["tags"], "env=test,team=x,cost=1");
    // Batch delete: by key, by key and value; absent ones are fine.
    let del = json!({"action": "delete", "tags": [{"key": "cost"}, {"key": "team", "value": "other"}, {"key": "nope"}]});
    assert_eq!(api.post(&format!("{}/action", tags(&b)), del).await.status, 204);
    assert_eq!(api.get(&tags(&b)).await.body["tags"].as_array().unwrap().len(), 2);
    assert_eq!(api.delete(&format!("{}/team", tags(&b))).await.status, 204);
    refused(&api.delete(&format!("{}/team", tags(&b))).await, 404, "12005003");

    // The project's keys with their values.
    let o = api.get("/mrs/v1.1/{pid}/clusters/tags").await;
    assert_eq!(o.body, json!({"tags": [{"key": "env", "values": ["dev", "test"]}]}), "{}", o.body);

    // Queries: newest first, filter pages, count counts.
    let q = |body: Value| {
        let api = &api;
        async move {
            let o = api.post("/mrs/v1.1/{pid}/clusters/resource_instances/action", body).await;
            assert_eq!(o.status, 200, "{}", o.body);
            o.body
        }
    };
    let names =
        |v: &Value| v["resources"].as_array().unwrap().iter().map(|r| r["resource_name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(&q(json!({"action": "filter"})).await), ["beta", "alpha"]);
    assert_eq!(names(&q(json!({"action": "filter", "tags": [{"key": "env", "values": ["dev"]}]})).await), ["alpha"]);
    assert_eq!(names(&q(json!({"action": "filter", "not_tags_any": [{"key": "env", "values": ["dev"]}]})).await), ["beta"]);
    assert_eq!(names(&q(json!({"action": "filter", "tags_any": [{"key": "env", "values": []}]})).await), ["beta", "alpha"]);
    assert_eq!(names(&q(json!({"action": "filter", "matches": [{"key": "resource_name", "value": "alp"}]})).await), ["alpha"]);
    let page = q(json!({"action": "filter", "offset": "1", "limit": "1"})).await;
    assert_eq!((names(&page), page["total_count"].as_u64()), (vec!["alpha".to_string()], Some(2)));
    assert_eq!(page["resources"][0]["resource_id"], a.as_str());
    assert_eq!(q(json!({"action": "count", "tags": [{"key": "env"}]})).await, json!({"total_count": 2}));

    // Refusals.
    let post = |path: String, body: Value| {
        let api = &api;
        async move { api.post(&path, body).await }
    };
    refused(&post(tags(&b), json!({"tag": {"key": "a*b", "value": "x"}})).await, 400, "12005002");
    refused(&post(tags(&b), json!({"tag": {"key": "k"}})).await, 400, "12000002");
    let many: Vec<Value> = (0..10).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect();
    refused(&post(format!("{}/action", tags(&b)), json!({"action": "create", "tags": many})).await, 400, "12005001");
    refused(&post(format!("{}/action", tags(&b)), json!({"action": "upsert", "tags": []})).await, 400, "12000002");
    refused(&post(tags("nope"), json!({"tag": {"key": "k", "value": "v"}})).await, 400, "12000003");
    refused(&api.get(&tags("nope")).await, 400, "12000003");
    let rq = "/mrs/v1.1/{pid}/clusters/resource_instances/action".to_string();
    refused(&post(rq.clone(), json!({"action": "list"})).await, 400, "12000002");
    refused(&post(rq.clone(), json!({"action": "filter", "limit": "0"})).await, 400, "12000002");
    refused(&post(rq, json!({"action": "filter", "matches": [{"key": "id", "value": "x"}]})).await, 400, "12000002");
    assert_eq!(api.get(&tags(&b)).await.body["tags"].as_array().unwrap().len(), 1, "refusals change nothing");

    // Another region sees none of it.
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get("/mrs/v1.1/{pid}/clusters/tags").await.body, json!({"tags": []}));
    let o = nl.post("/mrs/v1.1/{pid}/clusters/resource_instances/action", json!({"action": "count"})).await;
    assert_eq!(o.body, json!({"total_count": 0}));
    refused(&nl.post(&tags(&a), json!({"tag": {"key": "k", "value": "v"}})).await, 400, "12000003");
}

#[tokio::test]
async fn resizing_adds_and_removes_real_servers() {
    let mut cfg = mrs_config(0, 0);
    cfg.mrs.resize_seconds = 40;
    let emu = Emu::with(cfg).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let mut b = body("elastic", "eu-de", &vpc, &subnet);
    b["master_node_num"] = json!(1);
    b["core_node_num"] = json!(3);
    let id = create(&api, b).await;
    let path = format!("/mrs/v1.1/{{pid}}/cluster_infos/{id}");
    let resize = |p: Value| {
        let (api, path) = (&api, path.clone());
        async move { api.put(&path, json!({"service_id": "", "plan_id": "", "parameters": p})).await }
    };

    // Core scale-out (instances as a string, as the reference sends it).
    let o = resize(json!({"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd", "instances": "2"})).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"result": "succeeded"})));
    let c = cluster(&api, &id).await;
    assert_eq!(
        (c["clusterState"].as_str(), c["scale"].as_str(), c["stageDesc"].as_str()),
        (Some("scaling-out"), Some("scaling-out"), Some("Preparing for scale-out"))
    );
    assert_eq!(c["coreNodeNum"], "5");
    assert_eq!(servers_of(&api, &id).await.len(), 6);
    assert_eq!(ports_on(&api, &subnet).await, 6);
    // Busy: neither another resize nor a termination.
    refused(&resize(json!({"scale_type": "scale_out", "instances": 1})).await, 400, "12000018");
    refused(&api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await, 400, "12000021");
    emu.server.clock.advance(Duration::seconds(40));
    assert_eq!(cluster(&api, &id).await["clusterState"], "running");

    // The first task nodes need task_node_info; the Go client sends an integer.
    refused(&resize(json!({"scale_type": "scale_out", "node_group": "task_node_default_group", "instances": 2})).await, 400, "12000002");
    let info = json!({"node_size": "s3.xlarge.4.linux.mrs", "data_volume_type": "SATA", "data_volume_count": 1, "data_volume_size": 100});
    let o =
        resize(json!({"scale_type": "scale_out", "node_group": "task_node_default_group", "instances": 2, "task_node_info": info})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    emu.server.clock.advance(Duration::seconds(40));
    let c = cluster(&api, &id).await;
    assert_eq!((c["totalNodeNum"].as_str(), c["taskNodeGroups"][0]["nodeNum"].as_u64()), (Some("8"), Some(2)));
    let o = api.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts?pageSize=100")).await;
    let tasks: Vec<String> =
        o.body["hosts"].as_array().unwrap().iter().filter(|h| h["type"] == "Task").map(|h| h["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(tasks.len(), 2);

    // Scale-in: a named task node; core nodes down to three, not below.
    let core = servers_of(&api, &id).await.iter().find(|s| s["name"].as_str().unwrap().contains("_node_core_")).unwrap()["id"].clone();
    let named =
        |ids: Value| json!({"scale_type": "scale_in", "node_group": "task_node_default_group", "instances": "1", "server_ids": ids});
    refused(&resize(named(json!([core]))).await, 400, "12000013");
    refused(&resize(named(json!([tasks[0], tasks[1]]))).await, 400, "12000002");
    let o = resize(named(json!([tasks[0]]))).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(cluster(&api, &id).await["stageDesc"], "Preparing for scale-in");
    let left: Vec<String> = servers_of(&api, &id).await.iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    assert!(!left.contains(&tasks[0]) && left.contains(&tasks[1]) && left.len() == 7, "{left:?}");
    emu.server.clock.advance(Duration::seconds(40));
    refused(&resize(json!({"scale_type": "scale_in", "instances": 3})).await, 400, "12000013");
    assert_eq!(resize(json!({"scale_type": "scale_in", "instances": 2})).await.status, 200);
    emu.server.clock.advance(Duration::seconds(40));
    let c = cluster(&api, &id).await;
    assert_eq!((c["coreNodeNum"].as_str(), c["clusterState"].as_str()), (Some("3"), Some("running")));
    assert_eq!(servers_of(&api, &id).await.len(), 5);
    assert_eq!(ports_on(&api, &subnet).await, 5);
    refused(&resize(json!({"scale_type": "scale_in", "instances": 1})).await, 400, "12000013");

    // Bad input.
    for p in [
        json!({"scale_type": "grow", "instances": 1}),
        json!({"scale_type": "scale_out", "instances": 0}),
        json!({"scale_type": "scale_out", "instances": "many"}),
        json!({"scale_type": "scale_out", "instances": 1, "node_group": "master_node_default_group"}),
        json!({"scale_type": "scale_out", "instances": 1, "server_ids": ["x"]}),
    ] {
        refused(&resize(p.clone()).await, 400, "12000002");
    }
    refused(&api.put(&path, json!({"parameters": "x"})).await, 400, "12000002");
    refused(&resize(json!({"scale_type": "scale_out", "instances": 500})).await, 400, "12000028");
    refused(
        &api.put("/mrs/v1.1/{pid}/cluster_infos/nope", json!({"parameters": {"scale_type": "scale_out", "instances": 1}})).await,
        400,
        "12000003",
    );
    assert_eq!(servers_of(&api, &id).await.len(), 5, "refusals change nothing");
}

#[tokio::test]
async fn renaming_a_cluster_v2() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let small = |name: &str| {
        let mut b = body(name, "eu-de", &vpc, &subnet);
        b["master_node_num"] = json!(1);
        b["core_node_num"] = json!(1);
        b
    };
    let a = create(&api, small("first")).await;
    create(&api, small("second")).await;
    let rename = |id: &str, v: Value| {
        let (api, path) = (&api, format!("/mrs/v2/{{pid}}/clusters/{id}/cluster-name"));
        async move { api.put(&path, v).await }
    };
    let o = rename(&a, json!({"cluster_name": "mrs_jdRU_dm01"})).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"result": "succeeded"})));
    assert_eq!(cluster(&api, &a).await["clusterName"], "mrs_jdRU_dm01");
    refused(&rename(&a, json!({"cluster_name": "second"})).await, 400, "12000043");
    refused(&rename(&a, json!({"cluster_name": "bad name"})).await, 400, "12000002");
    refused(&rename(&a, json!({"cluster_name": 5})).await, 400, "12000002");
    refused(&rename(&a, json!({})).await, 400, "12000002");
    refused(&rename("nope", json!({"cluster_name": "x"})).await, 400, "12000003");
    assert_eq!(api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{a}")).await.status, 204);
    refused(&rename(&a, json!({"cluster_name": "later"})).await, 400, "12000360");
    assert_eq!(cluster(&api, &a).await["clusterName"], "mrs_jdRU_dm01");
}

#[tokio::test]
async fn creating_a_cluster_v2() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let api = Api::new(&emu, "eu-de").await;
    network(&api).await;
    let ok = json!({
        "cluster_version": "MRS 3.3.0-LTS.1", "cluster_name": "mrs_v2", "cluster_type": "ANALYSIS",
        "charge_info": {"charge_mode": "postPaid"}, "region": "eu-de", "availability_zone": "eu-de-02",
        "vpc_name": "vpc-t", "subnet_name": "sn-t", "components": "Hadoop,Spark,Hive,ZooKeeper",
        "safe_mode": "KERBEROS", "manager_admin_password": "Mrs@12345", "login_mode": "PASSWORD", "node_root_password": "Root-1234",
        "log_collection": 1, "tags": [{"key": "creator", "value": "v2"}],
        "node_groups": [
            {"group_name": "master_node_default_group", "node_num": 2, "node_size": "s3.xlarge.4.linux.mrs",
             "root_volume": {"type": "SAS", "size": 480}, "data_volume": {"type": "SAS", "size": 600}, "data_volume_count": 1},
            {"group_name": "core_node_analysis_group", "node_num": 3, "node_size": "s3.xlarge.4.linux.mrs",
             "root_volume": {"type": "SAS", "size": 480}, "data_volume": {"type": "SSD", "size": 600}, "data_volume_count": 2},
            {"group_name": "task_node_analysis_group", "node_num": 1, "node_size": "s3.xlarge.4.linux.mrs",
             "root_volume": {"type": "SAS", "size": 480}, "data_volume_count": 0},
        ],
    });
    let o = api.post("/mrs/v2/{pid}/clusters", ok.clone()).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let id = o.body["cluster_id"].as_str().unwrap().to_string();
    assert_eq!(o.body.as_object().unwrap().len(), 1, "{}", o.body);
    // Read back through v1.1, as clients of v2 do.
    let c = cluster(&api, &id).await;
    assert_eq!(
        (c["clusterState"].as_str(), c["totalNodeNum"].as_str(), c["azId"].as_str()),
        (Some("running"), Some("6"), Some("eu-de-02"))
    );
    assert_eq!((c["safeMode"].as_i64(), c["clusterType"].as_i64(), c["tags"].as_str()), (Some(1), Some(0), Some("creator=v2")));
    assert_eq!(c["nodeGroups"][1]["rootVolumeSize"], 480);
    assert_eq!(c["taskNodeGroups"][0]["nodeNum"], 1);
    assert_eq!(servers_of(&api, &id).await.len(), 6);

    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b["cluster_name"] = json!("other");
        b[k] = v;
        b
    };
    for (b, code) in [
        (with("cluster_type", json!("BATCH")), "MRS.0002"),
        (with("cluster_type", json!("MIXED")), "12000054"),
        (with("safe_mode", json!(1)), "MRS.0002"),
        (with("login_mode", json!("KEYPAIR")), "MRS.0002"),
        (with("components", json!("Hadoop,Spark2x")), "MRS.0002"),
        (with("cluster_name", json!("x")), "MRS.0002"),
        (with("node_groups", json!([])), "MRS.0002"),
        (with("vpc_name", json!("nope")), "12000105"),
        (with("subnet_name", json!("nope")), "12000027"),
        (with("region", json!("eu-nl")), "12000002"),
        (json!({}), "MRS.0002"),
        (json!("x"), "MRS.0002"),
    ] {
        refused(&api.post("/mrs/v2/{pid}/clusters", b.clone()).await, 400, code);
    }
    refused(&api.post("/mrs/v2/{pid}/clusters", with("cluster_name", json!("mrs_v2"))).await, 400, "12000043");
    assert_eq!(api.get("/mrs/v1.1/{pid}/cluster_infos").await.body["clusterTotal"], 1, "refusals create nothing");
}

#[tokio::test]
async fn the_node_groups_form_of_run_job_flow() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let mut b = body("grouped", "eu-de", &vpc, &subnet);
    for k in ["master_node_num", "master_node_size", "core_node_num", "core_node_size"] {
        b.as_object_mut().unwrap().remove(k);
    }
    // root_volume_size as the digit string gophertelekomcloud's NodeGroup sends.
    b["node_groups"] = json!([
        {"group_name": "master_node_default_group", "node_num": 1, "node_size": "s3.xlarge.4.linux.mrs",
         "root_volume_size": "480", "root_volume_type": "SAS", "data_volume_type": "SAS", "data_volume_count": 1, "data_volume_size": 600},
        {"group_name": "core_node_analysis_group", "node_num": 2, "node_size": "s3.xlarge.4.linux.mrs",
         "root_volume_size": 100, "data_volume_type": "SSD", "data_volume_count": 1, "data_volume_size": 600},
        {"group_name": "task_node_analysis_group", "node_num": 1, "node_size": "s3.xlarge.4.linux.mrs", "data_volume_count": 0},
    ]);
    let id = create(&api, b.clone()).await;
    let c = cluster(&api, &id).await;
    assert_eq!((c["masterNodeNum"].as_str(), c["coreNodeNum"].as_str(), c["totalNodeNum"].as_str()), (Some("1"), Some("2"), Some("4")));
    assert_eq!((c["nodeGroups"][0]["rootVolumeSize"].as_u64(), c["coreDataVolumeType"].as_str()), (Some(480), Some("SSD")));
    let hosts = api.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts")).await;
    let mut types: Vec<&str> = hosts.body["hosts"].as_array().unwrap().iter().map(|h| h["type"].as_str().unwrap()).collect();
    types.sort();
    assert_eq!(types, ["Core", "Core", "Master", "Task"]);
    b["cluster_name"] = json!("grouped-2");
    for (i, k, v) in [
        (0, "group_name", json!("core_node_streaming_group")),
        (0, "node_num", json!(3)),
        (0, "root_volume_size", json!("big")),
        (1, "data_volume_size", json!(5)),
        (1, "data_volume_type", Value::Null),
    ] {
        let mut bad = b.clone();
        bad["node_groups"][i][k] = v;
        refused(&api.post("/mrs/v1.1/{pid}/run-job-flow", bad.clone()).await, 400, "12000002");
    }
}

#[tokio::test]
async fn failed_and_abnormal_clusters_through_the_emulators_api() {
    let emu = Emu::with(mrs_config(60, 0)).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let force = |id: &str, state: &str| {
        let url = emu.url(&format!("/_emulator/mrs/clusters/{id}/state/{state}"));
        let http = emu.http.clone();
        async move {
            let r = http.post(url).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let mut b = body("doomed", "eu-de", &vpc, &subnet);
    b["master_node_num"] = json!(1);
    b["core_node_num"] = json!(1);
    let id = create(&api, b).await;
    // Only what the cloud could do: a starting cluster is not abnormal.
    assert_eq!(force(&id, "abnormal").await.0, 400);
    assert_eq!(force("nope", "failed").await.0, 400);
    let (status, answer) = force(&id, "failed").await;
    assert_eq!((status, answer["clusterState"].as_str()), (200, Some("failed")), "{answer}");
    let c = cluster(&api, &id).await;
    assert_eq!((c["clusterState"].as_str(), c["stageDesc"].as_str()), (Some("failed"), Some("Cluster installation failed")));
    assert_eq!(c["errorInfo"], "Cluster installation failed");
    emu.server.clock.advance(Duration::seconds(120));
    assert_eq!(cluster(&api, &id).await["clusterState"], "failed", "failed stays failed");
    // The API cannot delete a failed cluster; the cloud recycles it.
    refused(&api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await, 400, "12000021");
    assert_eq!(servers_of(&api, &id).await.len(), 2);
    assert_eq!(force(&id, "terminated").await.0, 200);
    assert!(servers_of(&api, &id).await.is_empty());
    assert_eq!(ports_on(&api, &subnet).await, 0);

    let mut b = body("flaky", "eu-de", &vpc, &subnet);
    b["master_node_num"] = json!(1);
    b["core_node_num"] = json!(1);
    let id = create(&api, b).await;
    emu.server.clock.advance(Duration::seconds(60));
    assert_eq!(force(&id, "abnormal").await.0, 200);
    let c = cluster(&api, &id).await;
    assert_eq!(
        (c["clusterState"].as_str(), c["errorInfo"].as_str()),
        (Some("abnormal"), Some("Some nodes or components of the cluster are abnormal."))
    );
    let o = api.get("/mrs/v1.1/{pid}/cluster_infos?clusterState=abnormal").await;
    assert_eq!(o.body["clusterTotal"], 1, "{}", o.body);
    assert_eq!(force(&id, "running").await.0, 200);
    assert_eq!(cluster(&api, &id).await["errorInfo"], "");
    assert_eq!(force(&id, "abnormal").await.0, 200);
    // An abnormal cluster can be deleted.
    assert_eq!(api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await.status, 204);
}

#[tokio::test]
async fn a_node_deleted_through_ecs_stays_listed_as_deleted() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let mut b = body("fragile", "eu-de", &vpc, &subnet);
    b["master_node_num"] = json!(1);
    b["core_node_num"] = json!(1);
    let id = create(&api, b).await;
    let core = servers_of(&api, &id).await.into_iter().find(|s| s["name"].as_str().unwrap().contains("_node_core_")).unwrap();
    let core_id = core["id"].as_str().unwrap();
    assert_eq!(api.delete(&format!("/v2.1/{{pid}}/servers/{core_id}")).await.status, 204);
    let o = api.get(&format!("/mrs/v1.1/{{pid}}/clusters/{id}/hosts")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let h = o.body["hosts"].as_array().unwrap().iter().find(|h| h["id"] == core_id).unwrap().clone();
    assert_eq!((h["status"].as_str(), h["cpu"].as_str()), (Some("DELETED"), Some("4")));
    assert_eq!(api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await.status, 204);
    assert!(servers_of(&api, &id).await.is_empty());
    assert_eq!(ports_on(&api, &subnet).await, 0);
}

#[tokio::test]
async fn disk_quotas_refuse_with_mrs_codes() {
    // 2 nodes × (system disk + 1 data disk) = 4 volumes, 2 × (40 + 100) GB.
    let small = |vpc: &str, subnet: &str| {
        let mut b = body("disks", "eu-de", vpc, subnet);
        b["master_node_num"] = json!(1);
        b["core_node_num"] = json!(1);
        b["core_data_volume_count"] = json!(1);
        b["core_data_volume_size"] = json!(100);
        b
    };
    for (volumes, gigabytes, code) in [(3, -1, "12000033"), (-1, 250, "12000034")] {
        let mut cfg = mrs_config(0, 0);
        cfg.evs.quotas.volumes = volumes;
        cfg.evs.quotas.gigabytes = gigabytes;
        let emu = Emu::with(cfg).await;
        let api = Api::new(&emu, "eu-de").await;
        let (vpc, subnet) = network(&api).await;
        refused(&api.post("/mrs/v1.1/{pid}/run-job-flow", small(&vpc, &subnet)).await, 400, code);
        assert!(api.get("/v2.1/{pid}/servers").await.body["servers"].as_array().unwrap().is_empty());
        assert_eq!(api.get("/v2/{pid}/volumes").await.body["volumes"].as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn a_clusters_network_is_held_while_it_lives() {
    let emu = Emu::with(mrs_config(0, 0)).await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let mut b = body("holder", "eu-de", &vpc, &subnet);
    b["master_node_num"] = json!(1);
    b["core_node_num"] = json!(1);
    let id = create(&api, b).await;
    let sg = cluster(&api, &id).await["securityGroupsId"].as_str().unwrap().to_string();
    // The nodes' ports hold the subnet and the group; the subnet holds the VPC.
    assert!(api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{subnet}")).await.status >= 400);
    assert!(api.delete(&format!("/v2.0/security-groups/{sg}")).await.status >= 400);
    assert!(api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}")).await.status >= 400);
    assert_eq!(cluster(&api, &id).await["clusterState"], "running");
    assert_eq!(api.delete(&format!("/mrs/v1.1/{{pid}}/clusters/{id}")).await.status, 204);
    // Then they go.
    assert_eq!(api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{subnet}")).await.status, 204);
}
