//! Auto Scaling configurations and groups: the engine keeps an in-service
//! group at its desired size with real servers on real ports.

use crate::common::*;
use crate::netkit::{id, Api, Out};
use serde_json::{json, Value};

const AS: &str = "/autoscaling-api/v1/{pid}";

fn err(o: &Out) -> (u16, String) {
    (o.status, o.body["error"]["code"].as_str().unwrap_or("").to_string())
}

fn image() -> String {
    otc_compute::catalog::default_images().into_iter().find(|i| i.name == "Standard_Debian_11_latest").unwrap().id()
}

/// A key pair, a VPC with a subnet, and a configuration; returns
/// (vpc, subnet, configuration id).
async fn setup(api: &Api<'_>) -> (String, String, String) {
    api.create("/v2.1/{pid}/os-keypairs", json!({"keypair": {"name": "as-key"}}), 200, "keypair").await;
    let (vpc, subnet) = api.vpc_with_subnet("192.168.0.0/16", "192.168.50.0/24", "192.168.50.1").await;
    let o = api
        .post(
            &format!("{AS}/scaling_configuration"),
            json!({"scaling_configuration_name": "as-config", "instance_config": {
                "flavorRef": "s3.medium.1", "imageRef": image(), "key_name": "as-key",
                "disk": [{"size": 40, "volume_type": "SATA", "disk_type": "SYS"}]}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    (vpc, subnet, o.body["scaling_configuration_id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn versions_and_configurations() {
    let emu = Emu::start().await;
    let b: Value = emu.http.get(emu.url("/as/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(b["versions"][0]["id"], "v1");
    let r = emu.http.get(emu.url("/as/v3")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let api = Api::new(&emu, "eu-de").await;
    let (_, _, cid) = setup(&api).await;
    let c = api.get(&format!("{AS}/scaling_configuration/{cid}")).await.body["scaling_configuration"].clone();
    assert_eq!(c["instance_config"]["flavorRef"], "s3.medium.1");
    assert_eq!(c["instance_config"]["key_fingerprint"].as_str().unwrap().len(), 47);
    let good = json!({"flavorRef": "s3.medium.1", "imageRef": image(), "key_name": "as-key", "disk": [{"size": 40, "volume_type": "SATA", "disk_type": "SYS"}]});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"scaling_configuration_name": "", "instance_config": good}), "AS.1007"),
        (json!({"scaling_configuration_name": "a b", "instance_config": good}), "AS.1023"),
        (json!({"scaling_configuration_name": "x"}), "AS.1011"),
        (json!({"scaling_configuration_name": "x", "instance_config": {"imageRef": image(), "key_name": "as-key", "disk": []}}), "AS.1016"),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "no.such", "imageRef": image(), "key_name": "as-key", "disk": []}}),
            "AS.1017",
        ),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": "nope", "key_name": "as-key", "disk": []}}),
            "AS.1015",
        ),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": image(), "key_name": "as-key", "disk": []}}),
            "AS.1028",
        ),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": image(), "key_name": "as-key", "disk": [{"size": 2, "volume_type": "SATA", "disk_type": "SYS"}]}}),
            "AS.1030",
        ),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": image(), "key_name": "as-key", "disk": [{"size": 40, "volume_type": "GOLD", "disk_type": "SYS"}]}}),
            "AS.1033",
        ),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": image(), "key_name": "as-key", "disk": [{"size": 40, "volume_type": "SATA", "disk_type": "DATA"}]}}),
            "AS.1029",
        ),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": image(), "key_name": "missing", "disk": [{"size": 40, "volume_type": "SATA", "disk_type": "SYS"}]}}),
            "AS.7022",
        ),
        (
            json!({"scaling_configuration_name": "x", "instance_config": {"flavorRef": "s3.medium.1", "imageRef": image(), "disk": [{"size": 40, "volume_type": "SATA", "disk_type": "SYS"}]}}),
            "AS.1026",
        ),
    ];
    for (body, code) in cases {
        let o = api.post(&format!("{AS}/scaling_configuration"), body.clone()).await;
        assert_eq!(err(&o), (400, code.to_string()), "{body}");
    }
    // A copy from a source with an override.
    let o = api.post(&format!("{AS}/scaling_configuration"), json!({"scaling_configuration_name": "copy", "source_scaling_configuration_id": cid, "instance_config": {"flavorRef": "s3.large.2"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let copy = o.body["scaling_configuration_id"].as_str().unwrap().to_string();
    assert_eq!(
        api.get(&format!("{AS}/scaling_configuration/{copy}")).await.body["scaling_configuration"]["instance_config"]["flavorRef"],
        "s3.large.2"
    );
    let o = api.get(&format!("{AS}/scaling_configuration?scaling_configuration_name=as-&limit=1")).await;
    assert_eq!((o.body["total_number"].as_u64(), o.body["scaling_configurations"].as_array().unwrap().len()), (Some(1), 1));
    assert_eq!(err(&api.get(&format!("{AS}/scaling_configuration?limit=101")).await).1, "AS.1002");
    assert_eq!(api.post(&format!("{AS}/scaling_configurations"), json!({"scaling_configuration_id": [copy]})).await.status, 204);
    assert_eq!(err(&api.get(&format!("{AS}/scaling_configuration/{copy}")).await), (400, "AS.1004".into()));
}

#[tokio::test]
async fn groups_scale_with_real_servers() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet, cid) = setup(&api).await;
    let group = json!({"scaling_group_name": "web", "scaling_configuration_id": cid, "vpc_id": vpc,
        "networks": [{"id": subnet}], "min_instance_number": 1, "max_instance_number": 4, "desire_instance_number": 2});
    let o = api.post(&format!("{AS}/scaling_group"), group.clone()).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let gid = o.body["scaling_group_id"].as_str().unwrap().to_string();
    let g = api.get(&format!("{AS}/scaling_group/{gid}")).await.body["scaling_group"].clone();
    assert_eq!((g["scaling_group_status"].as_str(), g["current_instance_number"].as_u64()), (Some("PAUSED"), Some(0)));

    // Resume: two servers from the configuration, in the group's subnet.
    assert_eq!(api.post(&format!("{AS}/scaling_group/{gid}/action"), json!({"action": "resume"})).await.status, 204);
    let o = api.get(&format!("{AS}/scaling_group_instance/{gid}/list")).await;
    let instances = o.body["scaling_group_instances"].as_array().unwrap().clone();
    assert_eq!(instances.len(), 2);
    assert!(instances.iter().all(|i| i["life_cycle_state"] == "INSERVICE" && i["scaling_configuration_id"] == cid.as_str()));
    for i in &instances {
        let sid = i["instance_id"].as_str().unwrap();
        let s = api.get(&format!("/v2.1/{{pid}}/servers/{sid}")).await.body["server"].clone();
        assert_eq!((s["key_name"].as_str(), s["flavor"]["id"].as_str()), (Some("as-key"), Some("s3.medium.1")));
        assert_eq!(api.get(&format!("/v2.0/ports?device_id={sid}")).await.body["ports"][0]["network_id"], subnet.as_str());
    }
    let g = api.get(&format!("{AS}/scaling_group/{gid}")).await.body["scaling_group"].clone();
    assert_eq!((g["scaling_group_status"].as_str(), g["current_instance_number"].as_u64()), (Some("INSERVICE"), Some(2)));

    // Protect one, then scale in to 1: the other goes, its server deleted.
    let keep = instances[0]["instance_id"].as_str().unwrap().to_string();
    let gone = instances[1]["instance_id"].as_str().unwrap().to_string();
    let action = format!("{AS}/scaling_group_instance/{gid}/action");
    assert_eq!(api.post(&action, json!({"action": "PROTECT", "instances_id": [keep]})).await.status, 204);
    let o = api.put(&format!("{AS}/scaling_group/{gid}"), json!({"desire_instance_number": 1})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let listed = api.get(&format!("{AS}/scaling_group_instance/{gid}/list")).await.body["scaling_group_instances"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["instance_id"], keep.as_str());
    assert_eq!(listed[0]["protect_from_scaling_down"], true);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{gone}")).await.status, 404);
    let o = api.put(&format!("{AS}/scaling_group/{gid}"), json!({"desire_instance_number": 0})).await;
    assert_eq!(err(&o).1, "AS.2005", "below min");
    let logs = api.get(&format!("{AS}/scaling_activity_log/{gid}")).await.body["scaling_activity_log"].clone();
    assert_eq!(logs.as_array().unwrap().len(), 2);
    assert_eq!(logs[0]["instance_removed_list"], gone.as_str());

    // Add an existing server by hand, then remove it without deleting it.
    let server = api
        .post(
            "/v2.1/{pid}/servers",
            json!({"server": {"name": "manual", "flavorRef": "s3.medium.1", "imageRef": image(), "networks": [{"uuid": subnet}]}}),
        )
        .await;
    let manual = id(&server.body["server"]);
    assert_eq!(api.post(&action, json!({"action": "ADD", "instances_id": [manual]})).await.status, 204);
    assert_eq!(err(&api.post(&action, json!({"action": "ADD", "instances_id": [manual]})).await).1, "AS.4023");
    assert_eq!(err(&api.post(&action, json!({"action": "JUMP", "instances_id": [manual]})).await).1, "AS.4018");
    assert_eq!(api.post(&action, json!({"action": "REMOVE", "instances_id": [manual], "instance_delete": "yes"})).await.status, 204);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{manual}")).await.status, 200, "a hand-added server is never deleted");

    // A group with instances needs force; its configuration is in use.
    assert_eq!(err(&api.delete(&format!("{AS}/scaling_configuration/{cid}")).await).1, "AS.1006");
    assert_eq!(err(&api.delete(&format!("{AS}/scaling_group/{gid}")).await).1, "AS.2021");
    assert_eq!(api.delete(&format!("{AS}/scaling_group/{gid}?force_delete=yes")).await.status, 204);
    assert_eq!(api.get(&format!("/v2.1/{{pid}}/servers/{keep}")).await.status, 404);
    assert_eq!(err(&api.get(&format!("{AS}/scaling_group/{gid}")).await), (400, "AS.2007".into()));
    assert_eq!(api.delete(&format!("{AS}/scaling_configuration/{cid}")).await.status, 204);
}

#[tokio::test]
async fn group_validation_quotas_and_isolation() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet, cid) = setup(&api).await;
    let base = json!({"scaling_group_name": "g", "scaling_configuration_id": cid, "vpc_id": vpc, "networks": [{"id": subnet}]});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"scaling_group_name": ""}), "AS.2002"),
        (json!({"scaling_group_name": "bad name"}), "AS.2022"),
        (json!({"max_instance_number": 301}), "AS.2045"),
        (json!({"min_instance_number": 3, "max_instance_number": 2}), "AS.2004"),
        (json!({"desire_instance_number": 5, "max_instance_number": 2}), "AS.2005"),
        (json!({"cool_down_time": 90000}), "AS.2006"),
        (json!({"vpc_id": "nope"}), "AS.2012"),
        (json!({"networks": [{"id": "nope"}]}), "AS.2013"),
        (json!({"security_groups": [{"id": "nope"}]}), "AS.2014"),
        (json!({"available_zones": ["mars-1"]}), "AS.2011"),
        (json!({"instance_terminate_policy": "RANDOM"}), "AS.2032"),
        (json!({"health_periodic_audit_method": "PING"}), "AS.2029"),
        (json!({"scaling_configuration_id": "nope"}), "AS.1004"),
    ];
    for (patch, code) in cases {
        let mut b = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let o = api.post(&format!("{AS}/scaling_group"), b).await;
        assert_eq!(err(&o), (400, code.to_string()), "{patch}: {}", o.body);
    }
    let o = api.get(&format!("{AS}/quotas")).await;
    let res = o.body["quotas"]["resources"].as_array().unwrap().clone();
    assert_eq!(res.iter().find(|r| r["type"] == "scaling_Group").unwrap()["quota"], 25);
    assert_eq!(res.iter().find(|r| r["type"] == "scaling_Config").unwrap()["used"], 1);
    let gid = api.post(&format!("{AS}/scaling_group"), base.clone()).await.body["scaling_group_id"].as_str().unwrap().to_string();
    assert_eq!(api.get(&format!("{AS}/quotas/{gid}")).await.status, 200);
    assert_eq!(err(&api.post(&format!("{AS}/scaling_group/{gid}/action"), json!({"action": "dance"})).await).1, "AS.2008");
    assert_eq!(err(&api.get(&format!("{AS}/scaling_group_instance/{gid}/list?life_cycle_state=ASLEEP")).await).1, "AS.4003");
    let list = api.get(&format!("{AS}/scaling_group?scaling_group_name=g")).await;
    assert_eq!(list.body["total_number"], 1);

    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("{AS}/scaling_group")).await.body["total_number"], 0);
    assert_eq!(err(&nl.get(&format!("{AS}/scaling_group/{gid}")).await).1, "AS.2007");
    let o = nl.get(&format!("/autoscaling-api/v1/{}/scaling_group", api.pid)).await;
    assert_eq!((o.status, o.code.as_str()), (403, "APIGW.0302"));
}
