//! Auto Scaling tags, v2 policies (groups and bandwidths, the same objects
//! as v1 policies) and v2 scaling activity logs.

use crate::common::*;
use crate::netkit::{id, Api, Out};
use serde_json::{json, Value};

const AS: &str = "/autoscaling-api/v1/{pid}";
const AS2: &str = "/autoscaling-api/v2/{pid}";

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

/// A group (paused, desire 0 unless given) of the setup's configuration.
async fn group(api: &Api<'_>, name: &str, vpc: &str, subnet: &str, cid: &str, desire: u32) -> String {
    let o = api
        .post(
            &format!("{AS}/scaling_group"),
            json!({"scaling_group_name": name, "scaling_configuration_id": cid, "vpc_id": vpc, "networks": [{"id": subnet}],
                "min_instance_number": 0, "max_instance_number": 5, "desire_instance_number": desire}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    o.body["scaling_group_id"].as_str().unwrap().to_string()
}

async fn instance_count(api: &Api<'_>, gid: &str) -> u64 {
    let o = api.get(&format!("{AS}/scaling_group/{gid}")).await;
    o.body["scaling_group"]["current_instance_number"].as_u64().unwrap_or_else(|| panic!("{}", o.body))
}

fn ids(o: &Out) -> Vec<String> {
    o.body["resources"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", o.body))
        .iter()
        .map(|r| r["resource_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn group_tags_filter_and_count() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet, cid) = setup(&api).await;
    let mut made = Vec::new();
    for name in ["web", "db", "cache"] {
        made.push(group(&api, name, &vpc, &subnet, &cid, 0).await);
        emu.server.clock.advance(chrono::Duration::minutes(1));
    }
    let (web, db, cache) = (made[0].clone(), made[1].clone(), made[2].clone());
    let action = |g: &str| format!("{AS}/scaling_group_tag/{g}/tags/action");

    let o = api
        .post(&action(&web), json!({"action": "create", "tags": [{"key": "ENV", "value": "prod"}, {"key": "team", "value": "a"}]}))
        .await;
    assert_eq!(o.status, 204, "{}", o.body);
    // An existing key is overwritten; a tag without a value has "".
    assert_eq!(
        api.post(&action(&web), json!({"action": "create", "tags": [{"key": "ENV", "value": "dev"}, {"key": "x@1"}]})).await.status,
        204
    );
    let o = api.get(&format!("{AS}/scaling_group_tag/{web}/tags")).await;
    assert_eq!(o.status, 200);
    assert_eq!(o.body["tags"], json!([{"key": "ENV", "value": "dev"}, {"key": "team", "value": "a"}, {"key": "x@1", "value": ""}]));
    assert_eq!(o.body["sys_tags"], Value::Null);
    assert_eq!(api.post(&action(&db), json!({"action": "create", "tags": [{"key": "ENV", "value": "prod"}]})).await.status, 204);
    let o = api.get(&format!("{AS}/scaling_group_tag/tags")).await;
    assert_eq!(o.status, 200);
    assert_eq!(
        o.body["tags"],
        json!([{"key": "ENV", "values": ["dev", "prod"]}, {"key": "team", "values": ["a"]}, {"key": "x@1", "values": [""]}])
    );

    // Refusals.
    let long_key = "k".repeat(37);
    let long_value = "v".repeat(44);
    let eleven: Vec<Value> = (0..11).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"action": "update", "tags": [{"key": "a"}]}), "AS.7049"),
        (json!({"tags": [{"key": "a"}]}), "AS.7049"),
        (json!({"action": "create"}), "AS.7044"),
        (json!({"action": "create", "tags": []}), "AS.7044"),
        (json!({"action": "create", "tags": [{"key": ""}]}), "AS.7062"),
        (json!({"action": "delete", "tags": [{"value": "x"}]}), "AS.7062"),
        (json!({"action": "create", "tags": [{"key": long_key}]}), "AS.7063"),
        (json!({"action": "create", "tags": [{"key": "a b"}]}), "AS.7046"),
        (json!({"action": "create", "tags": [{"key": "a", "value": "a/b"}]}), "AS.7046"),
        (json!({"action": "create", "tags": [{"key": "a", "value": long_value}]}), "AS.7047"),
        (json!({"action": "create", "tags": [{"key": "a"}, {"key": "a"}]}), "AS.7050"),
        (json!({"action": "create", "tags": eleven}), "AS.7045"),
    ];
    for (body, code) in cases {
        let o = api.post(&action(&cache), body.clone()).await;
        assert_eq!(err(&o), (400, code.to_string()), "{body}: {}", o.body);
    }
    // Three tags plus eight more is past ten, counted with the stored ones.
    let eight: Vec<Value> = (0..8).map(|i| json!({"key": format!("k{i}")})).collect();
    assert_eq!(err(&api.post(&action(&web), json!({"action": "create", "tags": eight})).await).1, "AS.7045");
    assert_eq!(err(&api.post(&action("nope"), json!({"action": "create", "tags": [{"key": "a"}]})).await), (404, "AS.2007".into()));
    assert_eq!(err(&api.get(&format!("{AS}/scaling_group_tag/nope/tags")).await), (404, "AS.2007".into()));
    assert_eq!(
        err(&api.post(&format!("{AS}/bogus/{web}/tags/action"), json!({"action": "create", "tags": [{"key": "a"}]})).await).1,
        "AS.7048"
    );
    assert_eq!(err(&api.get(&format!("{AS}/bogus/tags")).await).1, "AS.7048");
    assert_eq!(err(&api.get(&format!("{AS}/bogus/{web}/tags")).await).1, "AS.7048");
    assert_eq!(err(&api.post(&format!("{AS}/bogus/resource_instances/action"), json!({"action": "count"})).await).1, "AS.7048");
    let o = api.req(reqwest::Method::POST, &action(&web), None).await;
    assert_eq!(err(&o).1, "AS.0002");
    assert_eq!(api.get(&format!("{AS}/scaling_group_tag/{cache}/tags")).await.body["tags"], json!([]), "nothing stuck from refusals");

    // Filter and count.
    let find = format!("{AS}/scaling_group_tag/resource_instances/action");
    let o = api.post(&find, json!({"action": "filter", "tags": [{"key": "ENV", "values": ["prod"]}]})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(ids(&o), vec![db.clone()]);
    assert_eq!(
        o.body["resources"][0],
        json!({"resource_id": db, "resource_detail": "SCALING_GROUP_TAG", "tags": [{"key": "ENV", "value": "prod"}], "resource_name": "db"})
    );
    assert_eq!((o.body["total_count"].as_u64(), o.body["marker"].as_str()), (Some(1), Some("1")));
    let o = api.post(&find, json!({"action": "filter", "tags": [{"key": "ENV", "values": []}]})).await;
    assert_eq!(ids(&o), vec![db.clone(), web.clone()], "any value; newest first");
    let o = api.post(&find, json!({"action": "filter", "tags": [{"key": "ENV", "values": ["*ro"]}]})).await;
    assert_eq!(ids(&o), vec![db.clone()], "fuzzy value");
    let o = api.post(&find, json!({"action": "filter", "tags": [{"key": "ENV", "values": []}, {"key": "team", "values": ["a"]}]})).await;
    assert_eq!(ids(&o), vec![web.clone()], "all of them");
    let o = api
        .post(&find, json!({"action": "filter", "tags_any": [{"key": "ENV", "values": ["prod"]}, {"key": "team", "values": ["a"]}]}))
        .await;
    assert_eq!(ids(&o), vec![db.clone(), web.clone()], "any of them");
    let o = api.post(&find, json!({"action": "filter", "not_tags": [{"key": "ENV", "values": []}, {"key": "team", "values": []}]})).await;
    assert_eq!(ids(&o), vec![cache.clone(), db.clone()], "not all of them");
    let o =
        api.post(&find, json!({"action": "filter", "not_tags_any": [{"key": "ENV", "values": []}, {"key": "team", "values": []}]})).await;
    assert_eq!(ids(&o), vec![cache.clone()], "none of them");
    let o = api.post(&find, json!({"action": "filter", "without_any_tag": true, "tags": [{"key": "ENV", "values": []}]})).await;
    assert_eq!(ids(&o), vec![cache.clone()], "untagged; tag filters ignored");
    let o = api.post(&find, json!({"action": "filter", "matches": [{"key": "resource_name", "value": "we"}]})).await;
    assert_eq!(ids(&o), vec![web.clone()]);
    let o = api.post(&find, json!({"action": "filter", "limit": "1", "offset": "1"})).await;
    assert_eq!((ids(&o), o.body["total_count"].as_u64(), o.body["marker"].as_str()), (vec![db.clone()], Some(3), Some("2")));
    let o = api.post(&find, json!({"action": "count", "tags": [{"key": "ENV", "values": []}], "limit": "1"})).await;
    assert_eq!(o.body, json!({"total_count": 2}));
    let bad: Vec<(Value, &str)> = vec![
        (json!({"action": "sum"}), "AS.7049"),
        (json!({}), "AS.7049"),
        (json!({"action": "filter", "limit": "0"}), "AS.1002"),
        (json!({"action": "filter", "limit": "1001"}), "AS.1002"),
        (json!({"action": "filter", "offset": "-1"}), "AS.1001"),
        (json!({"action": "filter", "matches": [{"key": "resource_id", "value": "x"}]}), "AS.7052"),
        (json!({"action": "filter", "tags": [{"key": "ENV", "values": ["a", "a"]}]}), "AS.7054"),
        (json!({"action": "filter", "tags": [{"key": "ENV", "values": ["*"]}]}), "AS.7046"),
        (json!({"action": "filter", "tags": [{"key": "ENV"}]}), "AS.7046"),
        (json!({"action": "filter", "tags": [{"key": "", "values": []}]}), "AS.7062"),
        (json!({"action": "filter", "tags_any": [{"key": "a", "values": []}, {"key": "a", "values": []}]}), "AS.7050"),
    ];
    for (body, code) in bad {
        let o = api.post(&find, body.clone()).await;
        assert_eq!(err(&o), (400, code.to_string()), "{body}: {}", o.body);
    }

    // Delete by key, or by key and value.
    assert_eq!(
        api.post(&action(&web), json!({"action": "delete", "tags": [{"key": "team"}, {"key": "ENV", "value": "prod"}]})).await.status,
        204
    );
    assert_eq!(
        api.get(&format!("{AS}/scaling_group_tag/{web}/tags")).await.body["tags"],
        json!([{"key": "ENV", "value": "dev"}, {"key": "x@1", "value": ""}])
    );

    // Another project sees none of it; a deleted group's tags are gone.
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("{AS}/scaling_group_tag/tags")).await.body["tags"], json!([]));
    assert_eq!(err(&nl.get(&format!("{AS}/scaling_group_tag/{web}/tags")).await).1, "AS.2007");
    assert_eq!(nl.post(&find, json!({"action": "count"})).await.body["total_count"], 0);
    let o = nl.get(&format!("/autoscaling-api/v1/{}/scaling_group_tag/tags", api.pid)).await;
    assert_eq!((o.status, o.code.as_str()), (403, "APIGW.0302"));
    let o = nl
        .post(
            &format!("/autoscaling-api/v1/{}/scaling_group_tag/{web}/tags/action", api.pid),
            json!({"action": "create", "tags": [{"key": "a"}]}),
        )
        .await;
    assert_eq!(o.status, 403);
    assert_eq!(api.delete(&format!("{AS}/scaling_group/{web}")).await.status, 204);
    assert_eq!(err(&api.get(&format!("{AS}/scaling_group_tag/{web}/tags")).await).1, "AS.2007");
    assert_eq!(api.get(&format!("{AS}/scaling_group_tag/tags")).await.body["tags"], json!([{"key": "ENV", "values": ["prod"]}]));
    assert_eq!(api.post(&find, json!({"action": "count"})).await.body["total_count"], 2);
}

#[tokio::test]
async fn v2_policies_are_v1_policies_and_scale_bandwidths() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet, cid) = setup(&api).await;
    let gid = group(&api, "pol", &vpc, &subnet, &cid, 1).await;
    api.post(&format!("{AS}/scaling_group/{gid}/action"), json!({"action": "resume"})).await;
    assert_eq!(instance_count(&api, &gid).await, 1);

    // Created through v2, seen and run through v1.
    let o = api
        .post(
            &format!("{AS2}/scaling_policy"),
            json!({"scaling_policy_name": "up", "scaling_resource_id": gid, "scaling_resource_type": "SCALING_GROUP",
                "scaling_policy_type": "ALARM", "alarm_id": "al-up", "description": "scale out",
                "scaling_policy_action": {"operation": "ADD", "size": 2}, "cool_down_time": 900}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let up = o.body["scaling_policy_id"].as_str().unwrap().to_string();
    let v2 = api.get(&format!("{AS2}/scaling_policy/{up}")).await;
    assert_eq!(v2.status, 200, "{}", v2.body);
    let p = &v2.body["scaling_policy"];
    assert_eq!(
        (p["scaling_resource_id"].as_str(), p["scaling_resource_type"].as_str(), p["description"].as_str(), p["alarm_id"].as_str()),
        (Some(gid.as_str()), Some("SCALING_GROUP"), Some("scale out"), Some("al-up"))
    );
    assert_eq!((p["scheduled_policy"].clone(), p["scaling_policy_action"].clone()), (json!({}), json!({"operation": "ADD", "size": 2})));
    assert_eq!((p["policy_status"].as_str(), p["cool_down_time"].as_u64()), (Some("INSERVICE"), Some(900)));
    assert!(p.get("scaling_group_id").is_none() && p.get("meta_data").is_none());
    let v1 = api.get(&format!("{AS}/scaling_policy/{up}")).await.body["scaling_policy"].clone();
    assert_eq!((v1["scaling_group_id"].as_str(), v1["scaling_policy_action"]["instance_number"].as_u64()), (Some(gid.as_str()), Some(2)));
    assert_eq!(api.get(&format!("{AS}/scaling_policy/{gid}/list")).await.body["total_number"], 1);
    assert_eq!(api.post(&format!("{AS}/scaling_policy/{up}/action"), json!({"action": "execute"})).await.status, 204);
    assert_eq!(instance_count(&api, &gid).await, 3);

    // Created through v1, seen and changed through v2.
    emu.server.clock.advance(chrono::Duration::minutes(1));
    let at = (emu.server.clock.now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%MZ").to_string();
    let o = api
        .post(
            &format!("{AS}/scaling_policy"),
            json!({"scaling_policy_name": "night", "scaling_group_id": gid, "scaling_policy_type": "SCHEDULED",
                "scheduled_policy": {"launch_time": at}, "scaling_policy_action": {"operation": "REMOVE", "instance_number": 1}}),
        )
        .await;
    let night = o.body["scaling_policy_id"].as_str().unwrap().to_string();
    let p = api.get(&format!("{AS2}/scaling_policy/{night}")).await.body["scaling_policy"].clone();
    assert_eq!(
        (p["scaling_resource_type"].as_str(), p["scheduled_policy"].clone(), p["scaling_policy_action"].clone()),
        (Some("SCALING_GROUP"), json!({"launch_time": at}), json!({"operation": "REDUCE", "size": 1}))
    );
    let o = api
        .put(
            &format!("{AS2}/scaling_policy/{night}"),
            json!({"scaling_policy_name": "night2", "scaling_policy_action": {"operation": "SET", "size": 2}, "description": "nightly"}),
        )
        .await;
    assert_eq!((o.status, o.body["scaling_policy_id"].as_str()), (200, Some(night.as_str())), "{}", o.body);
    let v1 = api.get(&format!("{AS}/scaling_policy/{night}")).await.body["scaling_policy"].clone();
    assert_eq!(
        (v1["scaling_policy_name"].as_str(), v1["scaling_policy_action"].clone()),
        (Some("night2"), json!({"operation": "SET", "instance_number": 2}))
    );
    // It still runs on the clock as v1 made it.
    emu.server.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(instance_count(&api, &gid).await, 2);
    assert_eq!(api.get(&format!("{AS2}/scaling_policy/{night}")).await.body["scaling_policy"]["description"], "nightly");

    // A bandwidth policy: an EIP's dedicated bandwidth of 10 Mbit/s.
    let eip = api
        .create(
            "/v1/{pid}/publicips",
            json!({"publicip": {"type": "5_bgp"}, "bandwidth": {"name": "bw", "size": 10, "share_type": "PER"}}),
            200,
            "publicip",
        )
        .await;
    let shown = api.get(&format!("/v1/{{pid}}/publicips/{}", id(&eip))).await.body["publicip"].clone();
    let bw = shown["bandwidth_id"].as_str().unwrap().to_string();
    let at = (emu.server.clock.now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%MZ").to_string();
    let o = api
        .post(
            &format!("{AS2}/scaling_policy"),
            json!({"scaling_policy_name": "bw-up", "scaling_resource_id": bw, "scaling_resource_type": "BANDWIDTH",
                "scaling_policy_type": "SCHEDULED", "scheduled_policy": {"launch_time": at},
                "scaling_policy_action": {"operation": "ADD", "size": 5, "limits": 12}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let bwp = o.body["scaling_policy_id"].as_str().unwrap().to_string();
    let p = api.get(&format!("{AS2}/scaling_policy/{bwp}")).await.body["scaling_policy"].clone();
    assert_eq!(
        (p["scaling_resource_type"].as_str(), p["scaling_policy_action"].clone()),
        (Some("BANDWIDTH"), json!({"operation": "ADD", "size": 5, "limits": 12}))
    );
    assert_eq!(
        p["meta_data"],
        json!({"metadata_bandwidth_share_type": "PER", "metadata_eip_id": id(&eip), "metadata_eip_address": shown["public_ip_address"]})
    );
    // Its time comes: 10 + 5, capped at 12.
    emu.server.clock.advance(chrono::Duration::minutes(61));
    let o = api.get(&format!("{AS2}/scaling_policy/{bw}/list")).await;
    assert_eq!((o.status, o.body["total_number"].as_u64()), (200, Some(1)), "{}", o.body);
    assert_eq!(api.get(&format!("/v1/{{pid}}/bandwidths/{bw}")).await.body["bandwidth"]["size"], 12);
    let logs = api.get(&format!("{AS}/scaling_policy_execute_log/{bwp}")).await;
    assert_eq!(logs.body["total_number"], 1, "{}", logs.body);
    assert_eq!(
        (
            logs.body["scaling_policy_execute_log"][0]["old_value"].as_str(),
            logs.body["scaling_policy_execute_log"][0]["desire_value"].as_str()
        ),
        (Some("10"), Some("12"))
    );
    // The group's engine leaves it alone: v1 reads work, the group's list does not show it.
    let v1 = api.get(&format!("{AS}/scaling_policy/{bwp}")).await;
    assert_eq!((v1.status, v1.body["scaling_policy"]["scaling_group_id"].as_str()), (200, Some(bw.as_str())));
    assert_eq!(api.get(&format!("{AS}/scaling_policy/{gid}/list")).await.body["total_number"], 2);
    // The quotas count them where they belong: the group's two, the project's bandwidth one.
    let used = |o: &Out, t: &str| -> i64 {
        o.body["quotas"]["resources"].as_array().unwrap().iter().find(|r| r["type"] == t).unwrap()["used"].as_i64().unwrap()
    };
    let project = api.get(&format!("{AS}/quotas")).await;
    assert_eq!((used(&project, "bandwidth_scaling_policy"), used(&project, "scaling_Policy")), (1, -1));
    let group = api.get(&format!("{AS}/quotas/{gid}")).await;
    let instances = instance_count(&api, &gid).await as i64;
    assert_eq!((used(&group, "scaling_Policy"), used(&group, "scaling_Instance")), (2, instances));
    assert_eq!(api.post(&format!("{AS}/scaling_policy/{bwp}/action"), json!({"action": "pause"})).await.status, 204);
    assert_eq!(api.get(&format!("{AS2}/scaling_policy/{bwp}")).await.body["scaling_policy"]["policy_status"], "PAUSED");

    // Lists over the project.
    let o = api.get(&format!("{AS2}/scaling_policy")).await;
    assert_eq!((o.status, o.body["total_number"].as_u64(), o.body["limit"].as_u64()), (200, Some(3), Some(20)), "{}", o.body);
    let names = |o: &Out| -> Vec<String> {
        o.body["scaling_policies"].as_array().unwrap().iter().map(|p| p["scaling_policy_name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&o), vec!["bw-up", "night2", "up"], "newest first");
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy?sort_by=POLICY_NAME")).await), vec!["bw-up", "night2", "up"]);
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy?sort_by=POLICY_NAME&order=DESC")).await), vec!["up", "night2", "bw-up"]);
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy?sort_by=TRIGGER_CONDITION&limit=1")).await), vec!["up"], "alarms first");
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy?scaling_resource_type=BANDWIDTH")).await), vec!["bw-up"]);
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy?scaling_resource_id={gid}&scaling_policy_type=ALARM")).await), vec!["up"]);
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy?alarm_id=al-up&scaling_policy_name=u")).await), vec!["up"]);
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy?enterprise_project_id=all_granted_eps&start_number=2")).await), vec!["up"]);
    assert_eq!(names(&api.get(&format!("{AS2}/scaling_policy/{gid}/list?scaling_policy_name=night")).await), vec!["night2"]);
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_policy?sort_by=SIZE")).await).1, "AS.3057");
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_policy?order=UP")).await).1, "AS.3058");
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_policy?scaling_resource_type=DISK")).await).1, "AS.3037");
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_policy?limit=101")).await).1, "AS.1002");
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_policy/nope/list")).await).1, "AS.3042");
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_policy/nope")).await), (400, "AS.3020".into()));
    assert_eq!(err(&api.put(&format!("{AS2}/scaling_policy/nope"), json!({"cool_down_time": 1})).await).1, "AS.3020");

    // Refusals.
    let end = (emu.server.clock.now() + chrono::Duration::days(3)).format("%Y-%m-%dT%H:%MZ").to_string();
    let base = json!({"scaling_policy_name": "x", "scaling_resource_id": gid, "scaling_resource_type": "SCALING_GROUP",
        "scaling_policy_type": "ALARM", "alarm_id": "al"});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"scaling_policy_name": null}), "AS.3013"),
        (json!({"scaling_policy_name": "a b"}), "AS.3031"),
        (json!({"scaling_resource_id": null}), "AS.3041"),
        (json!({"scaling_resource_id": "a/b"}), "AS.3055"),
        (json!({"scaling_resource_type": null}), "AS.3054"),
        (json!({"scaling_resource_type": "DISK"}), "AS.3037"),
        (json!({"scaling_resource_id": "no-such-group"}), "AS.3042"),
        (json!({"scaling_resource_type": "BANDWIDTH"}), "AS.3042"),
        (json!({"scaling_policy_type": null}), "AS.3011"),
        (json!({"scaling_policy_type": "NEVER"}), "AS.3002"),
        (json!({"alarm_id": null}), "AS.3026"),
        (json!({"cool_down_time": 86401}), "AS.3012"),
        (json!({"description": ""}), "AS.0022"),
        (json!({"scaling_policy_action": {"operation": "ADD", "size": 301}}), "AS.3018"),
        (json!({"scaling_policy_action": {"operation": "ADD", "size": 0}}), "AS.3018"),
        (json!({"scaling_policy_action": {"operation": "ADD", "percentage": 20001}}), "AS.3035"),
        (json!({"scaling_policy_action": {"operation": "ADD", "size": 1, "percentage": 10}}), "AS.3036"),
        (json!({"scaling_policy_action": {"operation": "DOUBLE"}}), "AS.3017"),
        (
            json!({"scaling_resource_id": bw, "scaling_resource_type": "BANDWIDTH", "scaling_policy_action": {"operation": "REMOVE"}}),
            "AS.3017",
        ),
        (json!({"scaling_resource_id": bw, "scaling_resource_type": "BANDWIDTH", "scaling_policy_action": {"percentage": 10}}), "AS.3035"),
        (json!({"scaling_resource_id": bw, "scaling_resource_type": "BANDWIDTH", "scaling_policy_action": {"limits": 0}}), "AS.3043"),
        (json!({"scaling_policy_type": "SCHEDULED"}), "AS.3003"),
        (json!({"scaling_policy_type": "SCHEDULED", "scheduled_policy": {"launch_time": "2001-01-01T00:00Z"}}), "AS.3010"),
        (json!({"scaling_policy_type": "RECURRENCE", "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Daily"}}), "AS.3005"),
        (
            json!({"scaling_policy_type": "RECURRENCE", "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Weekly", "end_time": end}}),
            "AS.3024",
        ),
        (
            json!({"scaling_policy_type": "RECURRENCE", "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Monthly", "recurrence_value": "32", "end_time": end}}),
            "AS.3025",
        ),
    ];
    for (patch, code) in cases {
        let mut b = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        let o = api.post(&format!("{AS2}/scaling_policy"), b).await;
        assert_eq!(err(&o), (400, code.to_string()), "{patch}: {}", o.body);
    }
    assert_eq!(err(&api.req(reqwest::Method::POST, &format!("{AS2}/scaling_policy"), None).await).1, "AS.0002");
    // A group policy cannot move to a bandwidth with an operation bandwidths lack.
    let o = api
        .put(&format!("{AS}/scaling_policy/{up}"), json!({"scaling_policy_action": {"operation": "REMOVE", "instance_number": 1}}))
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let o = api.put(&format!("{AS2}/scaling_policy/{up}"), json!({"scaling_resource_id": bw, "scaling_resource_type": "BANDWIDTH"})).await;
    assert_eq!(err(&o).1, "AS.3017", "{}", o.body);
    let o = api.put(&format!("{AS2}/scaling_policy/{up}"), json!({"scaling_resource_id": "nope"})).await;
    assert_eq!(err(&o).1, "AS.3042", "{}", o.body);
    let recurring = json!({"scaling_policy_type": "RECURRENCE", "scheduled_policy": {"launch_time": "03:00", "recurrence_type": "Weekly", "recurrence_value": "1,7", "end_time": end}});
    let o = api.put(&format!("{AS2}/scaling_policy/{night}"), recurring).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let p = api.get(&format!("{AS}/scaling_policy/{night}")).await.body["scaling_policy"].clone();
    assert_eq!((p["scaling_policy_type"].as_str(), p["scheduled_policy"]["recurrence_value"].as_str()), (Some("RECURRENCE"), Some("1,7")));

    // Another project sees none of it.
    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(nl.get(&format!("{AS2}/scaling_policy")).await.body["total_number"], 0);
    assert_eq!(err(&nl.get(&format!("{AS2}/scaling_policy/{up}")).await).1, "AS.3020");
    assert_eq!(err(&nl.get(&format!("{AS2}/scaling_policy/{gid}/list")).await).1, "AS.3042");
    let o = nl.post(&format!("{AS2}/scaling_policy"), json!({"scaling_policy_name": "x", "scaling_resource_id": bw, "scaling_resource_type": "BANDWIDTH", "scaling_policy_type": "ALARM", "alarm_id": "a"})).await;
    assert_eq!(err(&o).1, "AS.3042", "another project's bandwidth");
    let o = nl.get(&format!("/autoscaling-api/v2/{}/scaling_policy", api.pid)).await;
    assert_eq!((o.status, o.code.as_str()), (403, "APIGW.0302"));

    // v1 deletes any policy, bandwidth ones too.
    assert_eq!(api.delete(&format!("{AS}/scaling_policy/{bwp}")).await.status, 204);
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_policy/{bwp}")).await).1, "AS.3020");
    assert_eq!(api.get(&format!("{AS2}/scaling_policy/{bw}/list")).await.body["total_number"], 0);
    assert_eq!(api.get(&format!("{AS2}/scaling_policy")).await.body["total_number"], 2);
}

#[tokio::test]
async fn v2_activity_logs_filter_by_type_status_and_time() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let api = Api::new(&emu, "eu-de").await;
    let (vpc, subnet, cid) = setup(&api).await;
    let gid = group(&api, "logs", &vpc, &subnet, &cid, 1).await;
    let t0 = emu.server.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    api.post(&format!("{AS}/scaling_group/{gid}/action"), json!({"action": "resume"})).await;
    // A server added by hand, then a change of the desired number.
    let server = api
        .post(
            "/v2.1/{pid}/servers",
            json!({"server": {"name": "manual", "flavorRef": "s3.medium.1", "imageRef": image(), "networks": [{"uuid": subnet}]}}),
        )
        .await;
    let manual = id(&server.body["server"]);
    emu.server.clock.advance(chrono::Duration::minutes(5));
    let o = api.post(&format!("{AS}/scaling_group_instance/{gid}/action"), json!({"action": "ADD", "instances_id": [manual]})).await;
    assert_eq!(o.status, 204, "{}", o.body);
    emu.server.clock.advance(chrono::Duration::minutes(5));
    let t1 = emu.server.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert_eq!(api.put(&format!("{AS}/scaling_group/{gid}"), json!({"desire_instance_number": 3})).await.status, 200);

    let path = format!("{AS2}/scaling_activity_log/{gid}");
    let o = api.get(&path).await;
    assert_eq!((o.status, o.body["total_number"].as_u64(), o.body["limit"].as_u64()), (200, Some(3), Some(20)), "{}", o.body);
    let logs = o.body["scaling_activity_log"].as_array().unwrap().clone();
    let types: Vec<&str> = logs.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(types, vec!["NORMAL", "MANUAL_ADD", "DIFF"], "newest first");
    let added = &logs[1];
    assert_eq!(added["instance_added_list"], json!([{"instance_id": manual, "instance_name": "manual"}]));
    assert_eq!((added["instance_removed_list"].clone(), added["instance_failed_list"].clone()), (json!([]), json!([])));
    assert_eq!(
        (added["scaling_value"].as_i64(), added["instance_value"].as_u64(), added["desire_value"].as_u64()),
        (Some(1), Some(2), Some(2))
    );
    assert_eq!(logs[0]["instance_added_list"].as_array().unwrap().len(), 1);
    assert!(logs[0]["description"].as_str().unwrap().starts_with("{\"reason\""));
    assert_eq!(logs[2]["status"], "SUCCESS");

    let count = |o: &Out| o.body["total_number"].as_u64().unwrap_or_else(|| panic!("{}", o.body));
    assert_eq!(count(&api.get(&format!("{path}?type=MANUAL_ADD,DIFF")).await), 2);
    assert_eq!(count(&api.get(&format!("{path}?type=MODIFY_ELB")).await), 0);
    assert_eq!(count(&api.get(&format!("{path}?status=SUCCESS")).await), 3);
    assert_eq!(count(&api.get(&format!("{path}?status=FAIL")).await), 0);
    assert_eq!(count(&api.get(&format!("{path}?start_time={t1}")).await), 1);
    assert_eq!(count(&api.get(&format!("{path}?start_time={t0}&end_time={t1}")).await), 3);
    assert_eq!(count(&api.get(&format!("{path}?end_time={t0}")).await), 1);
    let log_id = logs[1]["id"].as_str().unwrap();
    assert_eq!(count(&api.get(&format!("{path}?log_id={log_id}")).await), 1);
    let o = api.get(&format!("{path}?start_number=1&limit=1")).await;
    assert_eq!((count(&o), o.body["scaling_activity_log"].as_array().unwrap().len()), (3, 1));
    assert_eq!(o.body["scaling_activity_log"][0]["type"], "MANUAL_ADD");
    for (q, code) in [
        ("type=BIG", "AS.9012"),
        ("type=NORMAL,BIG", "AS.9012"),
        ("status=DONE", "AS.9013"),
        ("start_time=yesterday", "AS.9001"),
        ("end_time=2020-01-01T00:00Z", "AS.9002"),
        ("start_number=-1", "AS.9003"),
        ("limit=101", "AS.9004"),
    ] {
        assert_eq!(err(&api.get(&format!("{path}?{q}")).await), (400, code.to_string()), "{q}");
    }
    assert_eq!(err(&api.get(&format!("{AS2}/scaling_activity_log/nope")).await), (404, "AS.2007".into()));

    // v1 lists the same activities.
    assert_eq!(api.get(&format!("{AS}/scaling_activity_log/{gid}")).await.body["total_number"], 3);

    let nl = Api::new(&emu, "eu-nl").await;
    assert_eq!(err(&nl.get(&path).await).1, "AS.2007");
    let o = nl.get(&format!("/autoscaling-api/v2/{}/scaling_activity_log/{gid}", api.pid)).await;
    assert_eq!((o.status, o.code.as_str()), (403, "APIGW.0302"));
}
