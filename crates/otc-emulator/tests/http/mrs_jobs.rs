//! MRS jobs v2 over HTTP: a job submitted to a running cluster goes
//! ACCEPTED -> RUNNING -> FINISHED/SUCCEEDED on the clock, a kill ends it
//! KILLED, the list filters and pages, ended jobs are deleted in batches,
//! and the documented refusals (cluster state, unknown job, bad body) and
//! eu-de/eu-nl isolation hold.

use crate::mrs_clusters::{body, create, mrs_config, network, refused};
use crate::netkit::Api;
use chrono::Duration;
use serde_json::{json, Value};

fn jobs_path(cluster: &str) -> String {
    format!("/mrs/v2/{{pid}}/clusters/{cluster}/job-executions")
}

async fn submit(api: &Api<'_>, cluster: &str, b: Value) -> String {
    let o = api.post(&jobs_path(cluster), b).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["job_submit_result"]["state"], "COMPLETE");
    o.body["job_submit_result"]["job_id"].as_str().unwrap().to_string()
}

async fn job(api: &Api<'_>, cluster: &str, id: &str) -> Value {
    let o = api.get(&format!("{}/{id}", jobs_path(cluster))).await;
    assert_eq!(o.status, 202, "{}", o.body);
    o.body["job_detail"].clone()
}

fn spark(name: &str) -> Value {
    json!({"job_type": "SparkSubmit", "job_name": name,
           "arguments": ["--class", "org.Example", "obs://b/app.jar"], "properties": {"fs.obs.endpoint": "obs.example"}})
}

#[tokio::test]
async fn a_job_runs_on_the_clock_and_can_be_killed_and_deleted() {
    let mut cfg = mrs_config(60, 0);
    cfg.mrs.job_accept_seconds = 10;
    cfg.mrs.job_run_seconds = 30;
    let emu = crate::common::Emu::with(cfg).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let c = create(&api, body("jobs", "eu-de", &vpc, &subnet)).await;

    // A starting cluster takes no job.
    refused(&api.post(&jobs_path(&c), spark("early")).await, 400, "0056");
    emu.server.clock.advance(Duration::seconds(61));

    let a = submit(&api, &c, spark("first")).await;
    let j = job(&api, &c, &a).await;
    assert_eq!((j["job_state"].as_str(), j["job_result"].as_str()), (Some("ACCEPTED"), Some("UNDEFINED")));
    assert_eq!(j["arguments"], "[--class, org.Example, obs://b/app.jar]");
    assert_eq!(j["properties"], "{fs.obs.endpoint=obs.example}");
    assert_eq!((j["job_type"].as_str(), j["queue"].as_str(), j["finished_time"].as_i64()), (Some("SparkSubmit"), Some("default"), Some(0)));
    emu.server.clock.advance(Duration::seconds(10));
    assert_eq!(job(&api, &c, &a).await["job_state"], "RUNNING");
    emu.server.clock.advance(Duration::seconds(30));
    let j = job(&api, &c, &a).await;
    assert_eq!((j["job_state"].as_str(), j["job_result"].as_str()), (Some("FINISHED"), Some("SUCCEEDED")));
    assert_eq!(j["elapsed_time"], 30_000);
    // An ended job cannot be killed.
    refused(&api.post(&format!("{}/{a}/kill", jobs_path(&c)), json!({})).await, 400, "0160");

    let b = submit(&api, &c, json!({"job_type": "HiveSql", "job_name": "second", "arguments": ["select 1"]})).await;
    // A job not ended refuses the batch delete, leaving every job.
    refused(&api.post(&format!("{}/batch-delete", jobs_path(&c)), json!({"job_id_list": [a, b]})).await, 400, "0183");
    let o = api.post(&format!("{}/{b}/kill", jobs_path(&c)), json!({})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let j = job(&api, &c, &b).await;
    assert_eq!((j["job_state"].as_str(), j["job_result"].as_str()), (Some("KILLED"), Some("KILLED")));

    // The list: newest first by default, filtered, paged (offset counts pages).
    let list = |q: &str| {
        let (api, path) = (&api, format!("{}{q}", jobs_path(&c)));
        async move {
            let o = api.get(&path).await;
            assert_eq!(o.status, 202, "{}", o.body);
            o.body
        }
    };
    let all = list("").await;
    assert_eq!(all["total_record"], 2);
    assert_eq!(all["job_list"][0]["job_id"], b.as_str());
    assert_eq!(list("?sort_by=asc").await["job_list"][0]["job_id"], a.as_str());
    assert_eq!(list("?job_state=KILLED").await["job_list"].as_array().unwrap().len(), 1);
    assert_eq!(list("?job_result=SUCCEEDED").await["job_list"][0]["job_id"], a.as_str());
    assert_eq!(list("?job_type=HiveSql").await["job_list"][0]["job_id"], b.as_str());
    assert_eq!(list("?job_name=fir").await["total_record"], 1);
    let page = list("?limit=1&offset=2").await;
    assert_eq!((page["total_record"].as_i64(), page["job_list"][0]["job_id"].as_str()), (Some(2), Some(a.as_str())));
    refused(&api.get(&format!("{}?limit=0", jobs_path(&c))).await, 400, "MRS.0002");
    refused(&api.get(&format!("{}?sort_by=up", jobs_path(&c))).await, 400, "MRS.0002");

    let o = api.post(&format!("{}/batch-delete", jobs_path(&c)), json!({"job_id_list": [a, b]})).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(list("").await["total_record"], 0);
    refused(&api.get(&format!("{}/{a}", jobs_path(&c))).await, 400, "0176");
}

#[tokio::test]
async fn job_refusals_and_regions() {
    let emu = crate::common::Emu::with(mrs_config(0, 0)).await;
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let (vpc, subnet) = network(&de).await;
    let c = create(&de, body("jobs", "eu-de", &vpc, &subnet)).await;
    let p = jobs_path(&c);
    for bad in [
        json!({"job_name": "x"}),
        json!({"job_type": "Pig", "job_name": "x"}),
        json!({"job_type": "MapReduce"}),
        json!({"job_type": "MapReduce", "job_name": "bad name"}),
        json!({"job_type": "MapReduce", "job_name": "x", "arguments": "a b"}),
        json!({"job_type": "MapReduce", "job_name": "x", "arguments": ["a; rm"]}),
        json!({"job_type": "MapReduce", "job_name": "x", "properties": {"k": 1}}),
        json!([1]),
    ] {
        refused(&de.post(&p, bad).await, 400, "MRS.0002");
    }
    refused(&de.post(&format!("{p}/batch-delete"), json!({"job_id_list": []})).await, 400, "0178");
    refused(&de.post("/mrs/v2/{pid}/clusters/nope/job-executions", spark("x")).await, 400, "12000003");
    refused(&de.get(&format!("{p}/nope")).await, 400, "0176");
    refused(&de.post(&format!("{p}/nope/kill"), json!({})).await, 400, "0176");

    let a = submit(&de, &c, spark("mine")).await;
    assert_eq!(job(&de, &c, &a).await["job_state"], "FINISHED");
    // Another region sees neither the cluster nor its jobs.
    refused(&nl.get(&p).await, 400, "12000003");
    refused(&nl.get(&format!("{p}/{a}")).await, 400, "12000003");
    refused(&nl.post(&format!("{p}/batch-delete"), json!({"job_id_list": [a]})).await, 400, "12000003");
    assert_eq!(job(&de, &c, &a).await["job_id"], a.as_str());

    // Eleven jobs running at once: the eleventh is refused (0177).
    drop(emu);
    let mut cfg = mrs_config(0, 0);
    cfg.mrs.job_run_seconds = 600;
    let emu = crate::common::Emu::with(cfg).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet) = network(&api).await;
    let c = create(&api, body("busy", "eu-de", &vpc, &subnet)).await;
    for i in 0..10 {
        submit(&api, &c, spark(&format!("j{i}"))).await;
    }
    refused(&api.post(&jobs_path(&c), spark("j10")).await, 400, "0177");
}
