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
    // Members of the wrong type are refused, not taken for "not given"
    // and stored as sent.
    for (member, v) in
        [("key_name", json!(7)), ("user_data", json!(["x"])), ("security_groups", json!("sg")), ("multi_flavor_priority_policy", json!(1))]
    {
        let mut ic = good.clone();
        ic[member] = v;
        let o =
            api.post(&format!("{AS}/scaling_configuration"), json!({"scaling_configuration_name": "typed", "instance_config": ic})).await;
        assert_eq!(err(&o), (400, "AS.0022".into()), "{member}: {}", o.body);
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
    // A batch with an id that is no string deletes nothing (it was dropped
    // and the rest deleted).
    for ids in [json!([copy, 12345]), json!([12345]), json!([copy, null])] {
        let o = api.post(&format!("{AS}/scaling_configurations"), json!({ "scaling_configuration_id": ids })).await;
        assert_eq!(err(&o), (400, "AS.1003".into()), "{ids}");
    }
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
    assert_eq!(err(&api.get(&format!("{AS}/scaling_group/{gid}")).await), (404, "AS.2007".into()));
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
    // The real cloud's six types, in the order otcextensions' functional test expects.
    let types: Vec<&str> = res.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["scaling_Group", "scaling_Config", "scaling_Policy", "scaling_Instance", "load_balance", "bandwidth_scaling_policy"]
    );
    assert_eq!(res[4], json!({"type": "load_balance", "used": -1, "quota": 6, "max": 6, "min": 0}));
    assert_eq!((res[5]["used"].as_i64(), res[5]["quota"].as_i64()), (Some(0), Some(10)));
    let gid = api.post(&format!("{AS}/scaling_group"), base.clone()).await.body["scaling_group_id"].as_str().unwrap().to_string();
    let o = api.get(&format!("{AS}/quotas/{gid}")).await;
    assert_eq!(o.status, 200);
    assert_eq!(
        o.body["quotas"]["resources"],
        json!([
            {"type": "scaling_Policy", "used": 0, "quota": 50, "max": 50, "min": 0},
            {"type": "scaling_Instance", "used": 0, "quota": 200, "max": 1000, "min": 0},
        ])
    );
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

/// An in-service group of desire 1 (min 0, max 5); returns (group id, configuration id).
/// An in-service group with an instance takes an update that repeats its
/// own networks and security groups (the Terraform provider sends them with
/// every update, a rename too); only a different placement is AS.2030.
#[tokio::test]
async fn updates_repeating_the_placement_of_a_running_group() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let (gid, _) = running_group(&api).await;
    assert_eq!(instance_count(&api, &gid).await, 1);
    let g = api.get(&format!("{AS}/scaling_group/{gid}")).await.body["scaling_group"].clone();
    let networks = g["networks"].clone();
    let o = api
        .put(
            &format!("{AS}/scaling_group/{gid}"),
            json!({"scaling_group_name": "pol-renamed", "networks": networks, "security_groups": g["security_groups"],
                "available_zones": g["available_zones"], "max_instance_number": 4, "cool_down_time": 600}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let g = api.get(&format!("{AS}/scaling_group/{gid}")).await.body["scaling_group"].clone();
    assert_eq!((g["scaling_group_name"].as_str(), g["max_instance_number"].as_u64()), (Some("pol-renamed"), Some(4)));
    assert_eq!(g["networks"], networks);

    let subnet = networks[0]["id"].as_str().unwrap();
    let other = id(&api.create("/v2.0/networks", json!({"network": {"name": "other"}}), 201, "network").await);
    for change in [
        json!({"networks": [{"id": subnet}, {"id": other}]}),
        json!({"security_groups": [{"id": "00000000-0000-0000-0000-000000000000"}]}),
        json!({"available_zones": ["eu-de-03"]}),
    ] {
        let o = api.put(&format!("{AS}/scaling_group/{gid}"), change.clone()).await;
        assert_eq!(err(&o), (400, "AS.2030".into()), "{change}: {}", o.body);
    }
    let g = api.get(&format!("{AS}/scaling_group/{gid}")).await.body["scaling_group"].clone();
    assert_eq!(g["networks"], networks, "a refused update changes nothing");
}

async fn running_group(api: &Api<'_>) -> (String, String) {
    let (vpc, subnet, cid) = setup(api).await;
    let o = api
        .post(
            &format!("{AS}/scaling_group"),
            json!({"scaling_group_name": "pol", "scaling_configuration_id": cid, "vpc_id": vpc, "networks": [{"id": subnet}],
                "min_instance_number": 0, "max_instance_number": 5, "desire_instance_number": 1}),
        )
        .await;
    let gid = o.body["scaling_group_id"].as_str().unwrap().to_string();
    api.post(&format!("{AS}/scaling_group/{gid}/action"), json!({"action": "resume"})).await;
    (gid, cid)
}

async fn instance_count(api: &Api<'_>, gid: &str) -> u64 {
    let o = api.get(&format!("{AS}/scaling_group/{gid}")).await;
    o.body["scaling_group"]["current_instance_number"].as_u64().unwrap_or_else(|| panic!("{}", o.body))
}

#[tokio::test]
async fn policies_run_now_on_schedule_and_on_recurrence() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (gid, _) = running_group(&api).await;
    assert_eq!(instance_count(&api, &gid).await, 1);

    // Execute now: ADD 2.
    let o = api
        .post(
            &format!("{AS}/scaling_policy"),
            json!({"scaling_policy_name": "add2", "scaling_group_id": gid, "scaling_policy_type": "ALARM",
            "alarm_id": "al1234", "scaling_policy_action": {"operation": "ADD", "instance_number": 2}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let add = o.body["scaling_policy_id"].as_str().unwrap().to_string();
    assert_eq!(api.post(&format!("{AS}/scaling_policy/{add}/action"), json!({"action": "execute"})).await.status, 204);
    assert_eq!(instance_count(&api, &gid).await, 3);
    let logs = api.get(&format!("{AS}/scaling_policy_execute_log/{add}")).await.body.clone();
    assert_eq!((logs["total_number"].as_u64(), logs["scaling_policy_execute_log"][0]["desire_value"].as_str()), (Some(1), Some("3")));
    assert_eq!(logs["scaling_policy_execute_log"][0]["execute_type"], "MANUAL");
    // Paused policies do not run; bounded by max.
    api.post(&format!("{AS}/scaling_policy/{add}/action"), json!({"action": "pause"})).await;
    assert_eq!(err(&api.post(&format!("{AS}/scaling_policy/{add}/action"), json!({"action": "execute"})).await).1, "AS.3027");
    api.post(&format!("{AS}/scaling_policy/{add}/action"), json!({"action": "resume"})).await;
    api.post(&format!("{AS}/scaling_policy/{add}/action"), json!({"action": "execute"})).await;
    assert_eq!(instance_count(&api, &gid).await, 5, "capped at max");

    // A scheduled SET 1 runs once its time has come on the clock.
    let at = (emu.server.clock.now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%MZ").to_string();
    let o = api
        .post(
            &format!("{AS}/scaling_policy"),
            json!({"scaling_policy_name": "night", "scaling_group_id": gid, "scaling_policy_type": "SCHEDULED",
            "scheduled_policy": {"launch_time": at}, "scaling_policy_action": {"operation": "SET", "instance_number": 1}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let night = o.body["scaling_policy_id"].as_str().unwrap().to_string();
    assert_eq!(instance_count(&api, &gid).await, 5);
    emu.server.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(instance_count(&api, &gid).await, 1);
    let shown = api.get(&format!("{AS}/scaling_policy/{night}")).await.body["scaling_policy"].clone();
    assert_eq!(shown["scheduled_policy"]["launch_time"], at.as_str());
    assert_eq!(
        api.get(&format!("{AS}/scaling_policy_execute_log/{night}")).await.body["scaling_policy_execute_log"][0]["execute_type"],
        "SCHEDULED"
    );

    // A daily recurrence adds one each day at 03:00 within its window.
    let start = emu.server.clock.now().format("%Y-%m-%dT%H:%MZ").to_string();
    let end = (emu.server.clock.now() + chrono::Duration::days(10)).format("%Y-%m-%dT%H:%MZ").to_string();
    let o = api
        .post(
            &format!("{AS}/scaling_policy"),
            json!({"scaling_policy_name": "daily", "scaling_group_id": gid, "scaling_policy_type": "RECURRENCE",
            "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Daily", "start_time": start, "end_time": end},
            "scaling_policy_action": {"operation": "ADD", "instance_number": 1}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    emu.server.clock.advance(chrono::Duration::days(2));
    // Two days outlive the token; a fresh one sees the result.
    let api = Api::new(&emu, "eu-de").await;
    assert_eq!(instance_count(&api, &gid).await, 3, "two mornings passed");
    let list = api.get(&format!("{AS}/scaling_policy/{gid}/list?scaling_policy_type=RECURRENCE")).await;
    assert_eq!(list.body["total_number"], 1);

    // Validation and batch.
    let bad: Vec<(Value, &str)> = vec![
        (json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "NEVER"}), "AS.3002"),
        (json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "ALARM"}), "AS.3026"),
        (json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "SCHEDULED"}), "AS.3003"),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "SCHEDULED", "scheduled_policy": {"launch_time": "2001-01-01T00:00Z"}}),
            "AS.3010",
        ),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "SCHEDULED", "scheduled_policy": {"launch_time": "tomorrow"}}),
            "AS.3009",
        ),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "RECURRENCE", "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Hourly", "end_time": end}}),
            "AS.3004",
        ),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "RECURRENCE", "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Weekly", "recurrence_value": "9", "end_time": end}}),
            "AS.3025",
        ),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "RECURRENCE", "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Daily"}}),
            "AS.3005",
        ),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "ALARM", "alarm_id": "a", "scaling_policy_action": {"operation": "ADD", "instance_number": 0}}),
            "AS.3018",
        ),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "ALARM", "alarm_id": "a", "scaling_policy_action": {"operation": "MULTIPLY"}}),
            "AS.3017",
        ),
        (
            json!({"scaling_policy_name": "x", "scaling_group_id": gid, "scaling_policy_type": "ALARM", "alarm_id": "a", "cool_down_time": -1}),
            "AS.3012",
        ),
        (json!({"scaling_policy_name": "bad name", "scaling_group_id": gid, "scaling_policy_type": "ALARM", "alarm_id": "a"}), "AS.3031"),
    ];
    for (body, code) in bad {
        let o = api.post(&format!("{AS}/scaling_policy"), body.clone()).await;
        assert_eq!(err(&o), (400, code.to_string()), "{body}");
    }
    let o = api
        .put(&format!("{AS}/scaling_policy/{add}"), json!({"scaling_policy_action": {"operation": "REMOVE", "instance_number": 1}}))
        .await;
    assert_eq!(o.status, 200);
    assert_eq!(api.get(&format!("{AS}/scaling_policy/{add}")).await.body["scaling_policy"]["scaling_policy_action"]["operation"], "REMOVE");
    assert_eq!(
        api.post(&format!("{AS}/scaling_policies/action"), json!({"action": "pause", "scaling_policy_id": [add, night]})).await.status,
        204
    );
    assert_eq!(api.get(&format!("{AS}/scaling_policy/{night}")).await.body["scaling_policy"]["policy_status"], "PAUSED");
    assert_eq!(
        err(&api.post(&format!("{AS}/scaling_policies/action"), json!({"action": "delete", "scaling_policy_id": ["ghost"]})).await).1,
        "AS.3045"
    );
    assert_eq!(
        api.post(&format!("{AS}/scaling_policies/action"), json!({"action": "delete", "scaling_policy_id": [add]})).await.status,
        204
    );
    assert_eq!(err(&api.get(&format!("{AS}/scaling_policy/{add}")).await), (400, "AS.3020".into()));
}

#[tokio::test]
async fn lifecycle_hooks_hold_instances_until_callback_or_timeout() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet, cid) = setup(&api).await;
    let o = api
        .post(
            &format!("{AS}/scaling_group"),
            json!({"scaling_group_name": "hooked", "scaling_configuration_id": cid, "vpc_id": vpc,
            "networks": [{"id": subnet}], "min_instance_number": 0, "max_instance_number": 4, "desire_instance_number": 0}),
        )
        .await;
    let gid = o.body["scaling_group_id"].as_str().unwrap().to_string();
    let hooks = format!("{AS}/scaling_lifecycle_hook/{gid}");
    let urn = "urn:smn:eu-de:0123:topic-a";
    let o = api.post(&hooks, json!({"lifecycle_hook_name": "launch", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "default_result": "CONTINUE", "default_timeout": 300, "notification_topic_urn": urn})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["notification_topic_name"].as_str(), o.body["default_timeout"].as_u64()), (Some("topic-a"), Some(300)));
    api.post(&hooks, json!({"lifecycle_hook_name": "leave", "lifecycle_hook_type": "INSTANCE_TERMINATING", "notification_topic_urn": urn}))
        .await;
    for (body, code) in [
        (json!({"lifecycle_hook_name": "", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": urn}), "AS.7032"),
        (json!({"lifecycle_hook_name": "x y", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": urn}), "AS.7031"),
        (json!({"lifecycle_hook_name": "x", "lifecycle_hook_type": "ON_REBOOT", "notification_topic_urn": urn}), "AS.7033"),
        (
            json!({"lifecycle_hook_name": "x", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": urn, "default_timeout": 10}),
            "AS.7030",
        ),
        (
            json!({"lifecycle_hook_name": "x", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": urn, "default_result": "MAYBE"}),
            "AS.7034",
        ),
        // A wrong type is no "not given" (the default would be stored).
        (
            json!({"lifecycle_hook_name": "x", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": urn, "default_result": 1}),
            "AS.0022",
        ),
        (json!({"lifecycle_hook_name": 7, "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": urn}), "AS.0022"),
        (
            json!({"lifecycle_hook_name": "x", "lifecycle_hook_type": "INSTANCE_LAUNCHING", "notification_topic_urn": urn, "notification_metadata": "<b>"}),
            "AS.7055",
        ),
    ] {
        assert_eq!(err(&api.post(&hooks, body.clone()).await), (400, code.to_string()), "{body}");
    }
    assert_eq!(api.get(&format!("{hooks}/list")).await.body["lifecycle_hooks"].as_array().unwrap().len(), 2);
    let o = api.put(&format!("{hooks}/leave"), json!({"default_result": "CONTINUE", "default_timeout": 120})).await;
    assert_eq!(o.body["default_result"], "CONTINUE");
    assert_eq!(api.get(&format!("{hooks}/leave")).await.body["default_timeout"], 120);

    // Scale out to 2: both wait on the launch hook.
    api.post(&format!("{AS}/scaling_group/{gid}/action"), json!({"action": "resume"})).await;
    api.put(&format!("{AS}/scaling_group/{gid}"), json!({"desire_instance_number": 2})).await;
    let list = format!("{AS}/scaling_group_instance/{gid}/list");
    let states = |b: &Value| {
        b["scaling_group_instances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["life_cycle_state"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(states(&api.get(&list).await.body), vec!["PENDING_WAIT", "PENDING_WAIT"]);
    let hanging = api.get(&format!("{AS}/scaling_instance_hook/{gid}/list")).await.body["instance_hanging_info"].clone();
    assert_eq!(hanging.as_array().unwrap().len(), 2);
    assert_eq!(hanging[0]["lifecycle_hook_status"], "HANGING");
    // One continues by callback with its key; the other by timeout.
    let key = hanging[0]["lifecycle_action_key"].as_str().unwrap();
    let callback = format!("{AS}/scaling_instance_hook/{gid}/callback");
    assert_eq!(api.put(&callback, json!({"lifecycle_action_key": key, "lifecycle_action_result": "CONTINUE"})).await.status, 204);
    let mut now = states(&api.get(&list).await.body);
    now.sort();
    assert_eq!(now, vec!["INSERVICE", "PENDING_WAIT"]);
    assert_eq!(err(&api.put(&callback, json!({"lifecycle_action_key": key, "lifecycle_action_result": "CONTINUE"})).await).1, "AS.7042");
    assert_eq!(err(&api.put(&callback, json!({"lifecycle_action_result": "CONTINUE"})).await).1, "AS.7040");
    let other = hanging[1]["instance_id"].as_str().unwrap();
    assert_eq!(
        api.put(&callback, json!({"instance_id": other, "lifecycle_hook_name": "launch", "lifecycle_action_result": "EXTEND"}))
            .await
            .status,
        204
    );
    emu.server.clock.advance(chrono::Duration::seconds(301));
    let mut now = states(&api.get(&list).await.body);
    now.sort();
    assert_eq!(now, vec!["INSERVICE", "PENDING_WAIT"], "extended by an hour");
    emu.server.clock.advance(chrono::Duration::hours(1));
    assert_eq!(states(&api.get(&list).await.body), vec!["INSERVICE", "INSERVICE"], "the default result after the timeout");

    // Scale in: the instance waits on the terminating hook, then goes.
    api.put(&format!("{AS}/scaling_group/{gid}"), json!({"desire_instance_number": 1})).await;
    let mut now = states(&api.get(&list).await.body);
    now.sort();
    assert_eq!(now, vec!["INSERVICE", "REMOVING_WAIT"]);
    emu.server.clock.advance(chrono::Duration::seconds(121));
    let api = Api::new(&emu, "eu-de").await;
    assert_eq!(states(&api.get(&list).await.body), vec!["INSERVICE"]);
    assert_eq!(api.delete(&format!("{hooks}/leave")).await.status, 204);
    assert_eq!(err(&api.get(&format!("{hooks}/leave")).await).1, "AS.7036");
}

#[tokio::test]
async fn alarms_fire_through_the_emulator_api_with_cooldown() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (gid, _) = running_group(&api).await;
    let o = api
        .post(
            &format!("{AS}/scaling_policy"),
            json!({"scaling_policy_name": "cpu", "scaling_group_id": gid, "scaling_policy_type": "ALARM",
            "alarm_id": "cpu-high", "cool_down_time": 600, "scaling_policy_action": {"operation": "ADD", "instance_number": 1}}),
        )
        .await;
    let pid = o.body["scaling_policy_id"].as_str().unwrap().to_string();
    let fire = || async { emu.http.post(emu.url("/_emulator/alarms/cpu-high/fire")).send().await.unwrap().json::<Value>().await.unwrap() };
    let b = fire().await;
    assert_eq!(b["executed"], json!([pid]));
    assert_eq!(instance_count(&api, &gid).await, 2);
    let b = fire().await;
    assert_eq!(b["skipped"], json!([pid]), "inside the cooldown");
    assert_eq!(instance_count(&api, &gid).await, 2);
    emu.server.clock.advance(chrono::Duration::seconds(601));
    assert_eq!(fire().await["executed"], json!([pid]));
    assert_eq!(instance_count(&api, &gid).await, 3);
    let logs = api.get(&format!("{AS}/scaling_policy_execute_log/{pid}?execute_type=ALARM")).await;
    assert_eq!(logs.body["total_number"], 2);
    // An alarm nothing listens to changes nothing.
    let b = emu.http.post(emu.url("/_emulator/alarms/nobody/fire")).send().await.unwrap().json::<Value>().await.unwrap();
    assert_eq!((b["executed"].clone(), b["skipped"].clone()), (json!([]), json!([])));
}

#[tokio::test]
async fn instances_are_pending_while_their_servers_build() {
    let mut cfg = config();
    cfg.compute.build_seconds = 30;
    let emu = Emu::with(cfg).await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (gid, _) = running_group(&api).await;
    let list = format!("{AS}/scaling_group_instance/{gid}/list");
    let first = api.get(&list).await.body["scaling_group_instances"][0].clone();
    assert_eq!((first["life_cycle_state"].as_str(), first["health_status"].as_str()), (Some("PENDING"), Some("INITIALIZING")));
    emu.server.clock.advance(chrono::Duration::seconds(30));
    let first = api.get(&list).await.body["scaling_group_instances"][0].clone();
    assert_eq!((first["life_cycle_state"].as_str(), first["health_status"].as_str()), (Some("INSERVICE"), Some("NORMAL")));
}
