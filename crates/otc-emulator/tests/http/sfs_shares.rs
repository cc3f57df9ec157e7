//! SFS capacity-oriented file systems (Manila v2 under `/sfs`) over HTTP:
//! version discovery and microversion gates, shares through their
//! statuses on the clock, export locations, extend and shrink, access
//! rules by VPC with their own states, quotas, tags, Manila's faults, and
//! eu-de/eu-nl isolation.

use crate::common::{config, Emu};
use crate::netkit::{id, Api};
use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

/// One project's Manila client at a microversion (`None`: no header).
struct Manila<'a> {
    api: Api<'a>,
    mv: Option<&'static str>,
}

struct Out {
    status: u16,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

impl Out {
    /// The fault name and message of a Manila error.
    fn fault(&self) -> (String, String) {
        let o = self.body.as_object().unwrap_or_else(|| panic!("not a fault: {}", self.body));
        assert_eq!(o.len(), 1, "{}", self.body);
        let (name, f) = o.iter().next().unwrap();
        assert_eq!(f["code"].as_u64(), Some(self.status as u64), "{}", self.body);
        (name.clone(), f["message"].as_str().unwrap().to_string())
    }
}

impl<'a> Manila<'a> {
    async fn new(emu: &'a Emu, project: &str) -> Manila<'a> {
        Manila { api: Api::new(emu, project).await, mv: None }
    }

    fn at(&self, mv: &'static str) -> Manila<'a> {
        Manila { api: Api { emu: self.api.emu, token: self.api.token.clone(), pid: self.api.pid.clone() }, mv: Some(mv) }
    }

    async fn req(&self, method: Method, path: &str, body: Option<Value>) -> Out {
        let path = format!("/sfs/v2/{}{path}", self.api.pid);
        let mut r = self.api.emu.http.request(method, self.api.emu.url(&path)).header("X-Auth-Token", &self.api.token);
        if let Some(v) = self.mv {
            r = r.header("X-OpenStack-Manila-API-Version", v);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.json().await.unwrap_or(Value::Null);
        Out { status, body, headers }
    }

    async fn get(&self, path: &str) -> Out {
        self.req(Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Out {
        self.req(Method::POST, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> Out {
        self.req(Method::PUT, path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> Out {
        self.req(Method::DELETE, path, None).await
    }

    async fn action(&self, share: &str, body: Value) -> Out {
        self.post(&format!("/shares/{share}/action"), body).await
    }

    /// Creates a share of `size` GB and returns its id.
    async fn share(&self, name: &str, size: i64) -> String {
        let o = self.post("/shares", json!({"share": {"share_proto": "NFS", "size": size, "name": name}})).await;
        assert_eq!(o.status, 200, "{}", o.body);
        id(&o.body["share"])
    }

    async fn show(&self, share: &str) -> Value {
        let o = self.get(&format!("/shares/{share}")).await;
        assert_eq!(o.status, 200, "{}", o.body);
        o.body["share"].clone()
    }

    async fn count(&self) -> usize {
        self.get("/shares").await.body["shares"].as_array().unwrap().len()
    }
}

fn cfg(f: impl FnOnce(&mut otc_sfs::SfsConfig)) -> otc_emulator::config::Config {
    let mut c = config();
    f(&mut c.sfs);
    c
}

fn advance(emu: &Emu, seconds: i64) {
    emu.server.clock.advance(Duration::seconds(seconds));
}

#[tokio::test]
async fn versions_and_microversions() {
    let emu = Emu::start().await;
    let r = emu.http.get(emu.url("/sfs/")).send().await.unwrap();
    assert_eq!(r.status(), 300, "GET / lists every version, unauthenticated");
    let v: Value = r.json().await.unwrap();
    let v2 = &v["versions"][0];
    assert_eq!((v2["id"].as_str(), v2["status"].as_str()), (Some("v2.0"), Some("CURRENT")));
    assert_eq!((v2["min_version"].as_str(), v2["version"].as_str()), (Some("2.0"), Some("2.42")));
    assert_eq!(v2["links"][1]["href"], emu.url("/sfs/v2/"));
    let r = emu.http.get(emu.url("/sfs/v2/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-openstack-manila-api-version"], "2.0", "no header is 2.0");
    let r = emu.http.get(emu.url("/sfs/v1/")).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let m = Manila::new(&emu, "eu-de").await;
    let o = m.at("2.99").get("/shares").await;
    assert_eq!(o.status, 406);
    assert_eq!(o.fault(), ("computeFault".into(), "Version 2.99 is not supported by the API. Minimum is 2.0 and maximum is 2.42.".into()));
    assert_eq!(o.headers["x-openstack-request-id"].to_str().unwrap().len(), 36);
    let o = m.at("1.9").get("/shares").await;
    assert_eq!(o.status, 406);
    for bad in ["2", "2.x", "latest", "02.1"] {
        let o = m.at(bad).get("/shares").await;
        assert_eq!(o.status, 400, "{bad}");
        assert!(o.fault().1.contains("is of invalid format"), "{}", o.body);
    }
    let o = m.at("2.42").get("/shares").await;
    assert_eq!(o.headers["x-openstack-manila-api-version"], "2.42");
    assert_eq!(o.headers["vary"], "X-OpenStack-Manila-API-Version");

    // The catalog lists the service under its alias and its official type.
    let r = emu.call(Method::GET, "/v3/auth/catalog", Some(&m.api.token), None).await;
    let c: Value = r.json().await.unwrap();
    for t in ["sharev2", "shared-file-system"] {
        let e = c["catalog"].as_array().unwrap().iter().find(|e| e["type"] == t).unwrap_or_else(|| panic!("{t} in {c}"));
        assert_eq!(e["endpoints"][0]["url"], emu.url(&format!("/sfs/v2/{}", m.api.pid)));
    }
}

#[tokio::test]
async fn a_share_moves_through_its_statuses_on_the_clock() {
    let emu = Emu::with(cfg(|c| c.share_seconds = 10)).await;
    emu.server.clock.freeze();
    let m = Manila::new(&emu, "eu-de").await;
    let o = m
        .post(
            "/shares",
            json!({"share": {"share_proto": "nfs", "size": 1, "name": "docs", "description": "team docs",
                "share_network_id": null, "is_public": false, "metadata": {"project": "my_app"}}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let s = &o.body["share"];
    assert_eq!((s["status"].as_str(), s["share_proto"].as_str(), s["size"].as_i64()), (Some("creating"), Some("NFS"), Some(1)));
    assert_eq!((s["export_location"].clone(), s["export_locations"].clone()), (Value::Null, json!([])));
    assert_eq!(s["metadata"], json!({"project": "my_app", "share_used": "0"}));
    assert_eq!((s["availability_zone"].as_str(), s["share_type"].as_str()), (Some("eu-de-01"), Some("default")));
    assert!(s["created_at"].as_str().unwrap().len() == 26 && !s["created_at"].as_str().unwrap().ends_with('Z'));
    let sid = id(s);
    assert_eq!(s["links"][0]["href"], emu.url(&format!("/sfs/v2/{}/shares/{sid}", m.api.pid)));
    // Nothing but deletion's preconditions... a share being created can
    // be neither deleted nor extended.
    let o = m.delete(&format!("/shares/{sid}")).await;
    assert_eq!(o.status, 403);
    assert_eq!(o.fault().1, "Invalid share: Share status must be one of ('available', 'error', 'inactive').");
    let o = m.action(&sid, json!({"os-extend": {"new_size": 2}})).await;
    assert_eq!(o.status, 400);
    assert_eq!(o.fault().1, format!("Invalid share: Share {sid} status must be 'available' to extend, but current status is: creating."));

    advance(&emu, 10);
    let s = m.show(&sid).await;
    let path = format!("sfs-nas1.eu-de.otc.t-systems.com:/share-{}", &sid.replace('-', "")[..8]);
    assert_eq!((s["status"].as_str(), s["export_location"].as_str()), (Some("available"), Some(path.as_str())));
    assert_eq!(s["export_locations"], json!([path]));

    // Extend: `extending` until the clock moves, with the old size.
    assert_eq!(m.action(&sid, json!({"os-extend": {"new_size": 3}})).await.status, 202);
    let s = m.show(&sid).await;
    assert_eq!((s["status"].as_str(), s["size"].as_i64()), (Some("extending"), Some(1)));
    assert_eq!(m.action(&sid, json!({"os-shrink": {"new_size": 2}})).await.status, 400, "busy extending");
    advance(&emu, 10);
    let s = m.show(&sid).await;
    assert_eq!((s["status"].as_str(), s["size"].as_i64()), (Some("available"), Some(3)));
    // Shrink likewise.
    assert_eq!(m.action(&sid, json!({"os-shrink": {"new_size": 2}})).await.status, 202);
    assert_eq!(m.show(&sid).await["status"], "shrinking");
    advance(&emu, 10);
    assert_eq!(m.show(&sid).await["size"], 2);

    // Deletion: `deleting`, then gone.
    assert_eq!(m.delete(&format!("/shares/{sid}")).await.status, 202);
    assert_eq!(m.show(&sid).await["status"], "deleting");
    assert_eq!(m.delete(&format!("/shares/{sid}")).await.status, 403, "deleting twice");
    advance(&emu, 10);
    let o = m.get(&format!("/shares/{sid}")).await;
    assert_eq!(o.status, 404);
    assert_eq!(o.fault(), ("itemNotFound".into(), format!("Share {sid} could not be found.")));
    assert_eq!(m.count().await, 0);
}

#[tokio::test]
async fn fields_follow_the_microversion() {
    let emu = Emu::start().await;
    let m = Manila::new(&emu, "eu-de").await;
    let sid = m.share("v", 1).await;
    let at = |v| m.at(v);
    let s = at("2.0").show(&sid).await;
    for absent in ["share_type_name", "access_rules_status", "user_id", "snapshot_support", "task_state", "has_replicas"] {
        assert!(s.get(absent).is_none(), "{absent} at 2.0: {s}");
    }
    assert!(s["export_location"].is_string() && s["export_locations"].is_array());
    assert_eq!(s["share_type"], "default");
    let s = at("2.6").show(&sid).await;
    assert_eq!(s["share_type_name"], "default");
    assert_eq!(s["share_type"].as_str().unwrap().len(), 36, "an id from 2.6");
    assert_eq!(s["volume_type"], "default");
    let s = at("2.9").show(&sid).await;
    assert!(s.get("export_location").is_none() && s.get("export_locations").is_none(), "{s}");
    assert!(s.get("access_rules_status").is_none());
    let s = at("2.16").show(&sid).await;
    assert_eq!(s["access_rules_status"], "active");
    assert!(s["user_id"].is_string() && s["has_replicas"] == json!(false));
    assert!(s.get("share_group_id").is_none());
    let s = at("2.42").show(&sid).await;
    for present in ["share_group_id", "source_share_group_snapshot_member_id", "mount_snapshot_support", "revert_to_snapshot_support"] {
        assert!(s.get(present).is_some(), "{present} at 2.42: {s}");
    }

    // Export locations: from 2.9, `preferred` from 2.14.
    let path = format!("/shares/{sid}/export_locations");
    let o = at("2.8").get(&path).await;
    assert_eq!(o.status, 404);
    assert_eq!(o.fault().1, "The resource could not be found.");
    let o = at("2.9").get(&path).await;
    assert_eq!(o.status, 200);
    let el = &o.body["export_locations"][0];
    assert!(el.get("preferred").is_none() && el["path"].as_str().unwrap().starts_with("sfs-nas1.eu-de."));
    let o = at("2.14").get(&path).await;
    assert_eq!(o.body["export_locations"][0]["preferred"], false);
    assert_eq!(at("2.9").get("/shares/nope/export_locations").await.status, 404);
}

#[tokio::test]
async fn creation_is_checked_as_manila_does_and_refusals_store_nothing() {
    let emu = Emu::with(cfg(|c| c.quotas.shares = 2)).await;
    let m = Manila::new(&emu, "eu-de").await;
    let bad = |share: Value| json!({"share": share});
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"size": 1}), 422, "Unable to process the contained instructions"),
        (json!([1]), 422, "Unable to process the contained instructions"),
        (
            bad(json!({"share_proto": "NFS", "size": 0})),
            400,
            "Invalid input received: Share size '0' must be an integer and greater than 0.",
        ),
        (
            bad(json!({"share_proto": "NFS", "size": "big"})),
            400,
            "Invalid input received: Share size 'big' must be an integer and greater than 0.",
        ),
        (bad(json!({"share_proto": "NFS", "size": true})), 400, "Share size 'True'"),
        (bad(json!({"share_proto": "NFS"})), 400, "Share size 'None'"),
        (bad(json!({"share_proto": "CIFS", "size": 1})), 400, "Invalid share protocol provided: CIFS."),
        (bad(json!({"size": 1})), 400, "share_proto is required"),
        (bad(json!({"share_proto": "NFS", "size": 1, "name": "n".repeat(256)})), 400, "name can only be 255 characters long."),
        (bad(json!({"share_proto": "NFS", "size": 1, "description": 5})), 400, "description must be a string"),
        (bad(json!({"share_proto": "NFS", "size": 1, "is_public": "true"})), 400, "is_public must be a boolean"),
        (
            bad(json!({"share_proto": "NFS", "size": 1, "availability_zone": "eu-nl-01"})),
            404,
            "Availability zone eu-nl-01 could not be found.",
        ),
        (bad(json!({"share_proto": "NFS", "size": 1, "share_type": "gold"})), 404, "Share type not found."),
        (bad(json!({"share_proto": "NFS", "size": 1, "share_type": "default", "volume_type": "default"})), 400, "Cannot specify both"),
        (bad(json!({"share_proto": "NFS", "size": 1, "share_network_id": "x"})), 404, "Share network x could not be found."),
        (bad(json!({"share_proto": "NFS", "size": 1, "metadata": {"share_used": "5"}})), 400, "reserved"),
        (bad(json!({"share_proto": "NFS", "size": 1, "metadata": {"k": 1}})), 400, "must be a string"),
        (bad(json!({"share_proto": "NFS", "size": 1, "metadata": {"k": ""}})), 400, "Metadata property value is blank."),
        (bad(json!({"share_proto": "NFS", "size": 600_000})), 413, "gigabytes quota"),
    ];
    let before = emu.server.store.fingerprint().unwrap();
    for (body, status, msg) in cases {
        let o = m.post("/shares", body.clone()).await;
        assert_eq!(o.status, status, "{body}: {}", o.body);
        assert!(o.fault().1.contains(msg), "{body}: {}", o.body);
    }
    let r = emu.call(Method::POST, &format!("/sfs/v2/{}/shares", m.api.pid), Some(&m.api.token), None).await;
    assert_eq!(r.status(), 400);
    assert!(emu.server.store.fingerprint().unwrap().diff(&before).is_empty(), "refusals store nothing");

    // Encryption metadata is the caller's to give; the AZ may be chosen.
    let o = m
        .post(
            "/shares",
            json!({"share": {"share_proto": "NFS", "size": "2", "availability_zone": "eu-de-02",
                "metadata": {"#sfs_crypt_key_id": "k", "#sfs_crypt_domain_id": "d", "#sfs_crypt_alias": "sfs/default"}}}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["share"]["size"].as_i64(), o.body["share"]["availability_zone"].as_str()), (Some(2), Some("eu-de-02")));
    m.share("two", 1).await;
    let o = m.post("/shares", json!({"share": {"share_proto": "NFS", "size": 1}})).await;
    assert_eq!(o.status, 413);
    assert_eq!(o.body["overLimit"]["retryAfter"], "0");
    assert_eq!(o.headers["retry-after"], "0", "the header the body repeats");
    assert_eq!(o.fault().1, "Maximum number of shares allowed (2) either per project/user or share type quota is exceeded.");
}

#[tokio::test]
async fn listings_filter_sort_page_and_count() {
    let emu = Emu::start().await;
    emu.server.clock.freeze();
    let m = Manila::new(&emu, "eu-de").await;
    let mut ids = Vec::new();
    for (name, size) in [("alpha", 3), ("beta", 1), ("alphabet", 2)] {
        ids.push(m.share(name, size).await);
        advance(&emu, 1);
    }
    let o = m.get("/shares").await;
    let names: Vec<&str> = o.body["shares"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alphabet", "beta", "alpha"], "newest first");
    assert_eq!(o.body["shares"][0].as_object().unwrap().len(), 3, "id, name, links");
    let o = m.get("/shares/detail?sort_key=size&sort_dir=asc").await;
    let sizes: Vec<i64> = o.body["shares"].as_array().unwrap().iter().map(|s| s["size"].as_i64().unwrap()).collect();
    assert_eq!(sizes, [1, 2, 3]);
    assert_eq!(m.get("/shares/detail?name=alpha").await.body["shares"].as_array().unwrap().len(), 1, "name is exact");
    // `name~` is a filter from 2.36; before, it is ignored.
    assert_eq!(m.get("/shares?name~=ALPHA").await.body["shares"].as_array().unwrap().len(), 3);
    assert_eq!(m.at("2.36").get("/shares?name~=ALPHA").await.body["shares"].as_array().unwrap().len(), 2);
    assert_eq!(m.get("/shares?status=creating").await.body["shares"].as_array().unwrap().len(), 0);
    assert_eq!(m.get("/shares?status=available").await.body["shares"].as_array().unwrap().len(), 3);
    // Pages, their next link, and the count (2.42).
    let o = m.at("2.42").get("/shares?limit=2&with_count=true").await;
    assert_eq!((o.body["shares"].as_array().unwrap().len(), o.body["count"].as_u64()), (2, Some(3)));
    let next = o.body["shares_links"][0]["href"].as_str().unwrap();
    assert!(next.contains(&format!("marker={}", ids[1])) && next.contains("limit=2"), "{next}");
    let rest = emu.call(Method::GET, next.strip_prefix(&emu.server.base_url).unwrap(), Some(&m.api.token), None).await;
    let rest: Value = rest.json().await.unwrap();
    assert_eq!(rest["shares"].as_array().unwrap().iter().map(id).collect::<Vec<_>>(), [ids[0].clone()]);
    assert!(m.get("/shares?with_count=true").await.body.get("count").is_none(), "no count before 2.42");
    let o = m.get("/shares?limit=1&offset=1").await;
    assert_eq!(id(&o.body["shares"][0]), ids[1]);
    for (q, msg) in [
        ("limit=x", "limit param must be an integer"),
        ("offset=-1", "offset param must be positive"),
        ("sort_key=colour", "Wrong sorting key provided - 'colour'."),
        ("sort_dir=up", "sort direction is 'up'"),
        ("is_public=maybe", "Unrecognized value 'maybe'"),
        ("metadata=notadict", "Wrong metadata filter provided"),
    ] {
        let o = m.get(&format!("/shares?{q}")).await;
        assert_eq!(o.status, 400, "{q}");
        assert!(o.fault().1.contains(msg), "{q}: {}", o.body);
    }
}

#[tokio::test]
async fn updates_take_manilas_keys() {
    let emu = Emu::start().await;
    let m = Manila::new(&emu, "eu-de").await;
    let sid = m.share("old", 1).await;
    let path = format!("/shares/{sid}");
    let o = m.put(&path, json!({"share": {"display_name": "new", "display_description": "desc", "name": "ignored", "size": 9}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!((o.body["share"]["name"].as_str(), o.body["share"]["description"].as_str()), (Some("new"), Some("desc")));
    assert_eq!(o.body["share"]["size"], 1);
    assert_eq!(m.put(&path, json!({"share": {"is_public": true}})).await.body["share"]["is_public"], true);
    assert_eq!(m.put(&path, json!({"display_name": "x"})).await.status, 422);
    let o = m.put(&path, json!({"share": {"display_name": "n".repeat(256)}})).await;
    assert_eq!(o.fault().1, "Invalid input received: display_name can only be 255 characters long.");
    assert_eq!(m.put(&path, json!({"share": {"is_public": "yes"}})).await.status, 400);
    assert_eq!(m.put("/shares/nope", json!({"share": {"display_name": "x"}})).await.status, 404);
    assert_eq!(m.show(&sid).await["name"], "new");
}

#[tokio::test]
async fn extend_and_shrink_refusals() {
    let emu = Emu::with(cfg(|c| c.quotas.gigabytes = 10)).await;
    let m = Manila::new(&emu, "eu-de").await;
    let sid = m.share("s", 2).await;
    let cases = [
        (json!({"os-extend": {"new_size": 2}}), 400, "Invalid input: The post-expansion capacity must be larger than the current capacity. (Current capacity: 2; post-expansion capacity: 2)"),
        (json!({"os-extend": {"new_size": "x"}}), 400, "New share size must be specified as an integer."),
        (json!({"os-extend": {}}), 400, "New share size must be specified as an integer."),
        (json!({"os-extend": null}), 400, "New share size must be specified as an integer."),
        (json!({"os-extend": {"new_size": 11}}), 403, "Requested share exceeds allowed project/user or share type gigabytes quota."),
        (json!({"os-shrink": {"new_size": 2}}), 400, "Invalid input: The post-deduction capacity must be larger than 0 and smaller than the current capacity. (Current capacity: 2; post-deduction capacity: 2)"),
        (json!({"os-shrink": {"new_size": 0}}), 400, "Invalid input: The post-deduction capacity must be larger than 0 and smaller than the current capacity. (Current capacity: 2; post-deduction capacity: 0)"),
        (json!({"os-extend": {"new_size": 3}, "os-shrink": {"new_size": 1}}), 400, "Malformed request body"),
        (json!({"os-migrate": {}}), 400, "There is no such action: os-migrate"),
        (json!({"extend": {"new_size": 3}}), 404, "The resource could not be found."),
    ];
    let before = emu.server.store.fingerprint().unwrap();
    for (body, status, msg) in cases {
        let o = m.action(&sid, body.clone()).await;
        assert_eq!(o.status, status, "{body}: {}", o.body);
        assert_eq!(o.fault().1, msg, "{body}");
    }
    let o = m.action("nope", json!({"os-extend": {"new_size": "x"}})).await;
    assert_eq!(o.status, 404, "the share is looked up before the size is read");
    assert!(emu.server.store.fingerprint().unwrap().diff(&before).is_empty());
    // From 2.7 the names lose `os-`.
    let v27 = m.at("2.7");
    assert_eq!(v27.action(&sid, json!({"os-extend": {"new_size": 3}})).await.status, 404);
    assert_eq!(v27.action(&sid, json!({"extend": {"new_size": "3"}})).await.status, 202);
    assert_eq!(v27.action(&sid, json!({"shrink": {"new_size": 1}})).await.status, 202);
    assert_eq!(m.show(&sid).await["size"], 1);
    // The quota counts every share.
    m.share("t", 8).await;
    assert_eq!(m.action(&sid, json!({"os-extend": {"new_size": 3}})).await.status, 403);
    assert_eq!(m.action(&sid, json!({"os-extend": {"new_size": 2}})).await.status, 202);
}

#[tokio::test]
async fn access_rules_by_vpc_with_their_own_states() {
    let emu = Emu::with(cfg(|c| c.access_seconds = 5)).await;
    emu.server.clock.freeze();
    let m = Manila::new(&emu, "eu-de").await;
    let (vpc, _) = m.api.vpc_with_subnet("10.50.0.0/16", "10.50.1.0/24", "10.50.1.1").await;
    let sid = m.share("acl", 1).await;

    // 2.0: os- names; a rule's state is its share's (`new` while syncing).
    let o = m.action(&sid, json!({"os-allow_access": {"access_type": "cert", "access_to": vpc}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let a = &o.body["access"];
    assert_eq!((a["state"].as_str(), a["access_level"].as_str(), a["share_id"].as_str()), (Some("new"), Some("rw"), Some(sid.as_str())));
    assert!(a.get("access_key").is_none() && a.get("created_at").is_none(), "{a}");
    let rule = id(a);
    let v28 = m.at("2.28");
    let listed = v28.action(&sid, json!({"access_list": null})).await;
    assert_eq!(listed.body["access_list"][0]["state"], "queued_to_apply");
    assert_eq!(m.at("2.27").show(&sid).await["access_rules_status"], "out_of_sync");
    assert_eq!(v28.show(&sid).await["access_rules_status"], "syncing");
    advance(&emu, 5);
    assert_eq!(v28.action(&sid, json!({"access_list": null})).await.body["access_list"][0]["state"], "applying");
    advance(&emu, 5);
    let listed = m.at("2.33").action(&sid, json!({"access_list": null})).await;
    let r = &listed.body["access_list"][0];
    assert_eq!((r["state"].as_str(), r["access_key"].clone()), (Some("active"), Value::Null));
    assert!(r["created_at"].is_string() && r["updated_at"] != r["created_at"], "{r}");
    assert!(r.get("share_id").is_none(), "the list view has no share_id");
    assert_eq!(v28.show(&sid).await["access_rules_status"], "active");

    // Refusals, in Manila's order of checks.
    let ip = format!("{vpc}#192.168.0.0/16#100#all_squash,root_squash");
    let eu_nl = Manila::new(&emu, "eu-nl").await;
    let (nl_vpc, _) = eu_nl.api.vpc_with_subnet("10.60.0.0/16", "10.60.1.0/24", "10.60.1.1").await;
    let cases = [
        (json!({"os-allow_access": {"access_type": "cert", "access_to": vpc}}), 400, format!("Share access cert:{vpc} exists.")),
        (json!({"os-allow_access": {"access_type": "cert", "access_to": nl_vpc}}), 400, format!("Invalid access rule: VPC {nl_vpc} could not be found.")),
        (json!({"os-allow_access": {"access_type": "ip", "access_to": "10.0.0.0/8"}}), 400, "Only 'user' or 'cert' access types are supported.".into()),
        (json!({"os-allow_access": {"access_type": "cert", "access_to": "vpc-1"}}), 400, "Invalid access rule: vpc-1 is not a VPC ID; access_to must be a VPC ID, VPC_ID#IP#PRIORITY#USER_PERMISSION or #NFS#IP#VPC_ID#IP#PRIORITY#USER_PERMISSION".into()),
        (json!({"os-allow_access": {"access_type": "cert", "access_to": format!("{vpc}#10.0.0.1/8#1#all_squash,root_squash")}}), 400, "Invalid access rule: 10.0.0.1/8 has host bits set".into()),
        (json!({"os-allow_access": {"access_type": "cert", "access_to": ip.replace("#100#", "#101#")}}), 400, "Invalid access rule: the priority 101 must be an integer from 0 to 100".into()),
        (json!({"os-allow_access": {"access_type": "cert", "access_to": vpc, "access_level": "rx"}}), 400, "Invalid access rule: Invalid share access level: rx.".into()),
        (json!({"os-allow_access": {"access_type": "user", "access_to": "ab"}}), 400, "Invalid user or group name. Must be 4-255 characters and consist of alphanumeric characters and exclude special characters \"/\\[]:;|=,+*?<>".into()),
        (json!({"os-allow_access": {"access_to": vpc}}), 400, "Invalid input received: access_type is required.".into()),
        (json!({"allow_access": {"access_type": "cert", "access_to": vpc}}), 404, "The resource could not be found.".into()),
        (json!({"os-deny_access": {"access_id": "none"}}), 404, "Resource could not be found.".into()),
        (json!({"os-deny_access": {"access_id": "x".repeat(37)}}), 400, "Invalid input received: access_id must have 1 to 36 characters.".into()),
    ];
    let before = emu.server.store.fingerprint().unwrap();
    for (body, status, msg) in cases {
        let o = m.action(&sid, body.clone()).await;
        assert_eq!(o.status, status, "{body}: {}", o.body);
        assert_eq!(o.fault().1, msg, "{body}");
    }
    assert!(emu.server.store.fingerprint().unwrap().diff(&before).is_empty());

    // IP-based rules (the documented form, at 2.28 with the URL flag),
    // and an address the cloud cannot authorise, which ends in error.
    let v28_path = format!("/shares/{sid}/action?vpc_ip_base_acl=enable");
    let o = v28.post(&v28_path, json!({"allow_access": {"access_type": "cert", "access_to": ip, "access_level": "ro"}})).await;
    assert_eq!((o.status, o.body["access"]["state"].as_str()), (200, Some("queued_to_apply")), "{}", o.body);
    let loopback = format!("{vpc}#127.0.0.1#1#all_squash,root_squash");
    let bad = id(&v28.action(&sid, json!({"allow_access": {"access_type": "cert", "access_to": loopback}})).await.body["access"]);
    let ak = v28.action(&sid, json!({"allow_access": {"access_type": "user", "access_to": "AKIAEXAMPLEKEY"}})).await;
    assert_eq!(ak.status, 200, "{}", ak.body);
    advance(&emu, 10);
    let listed = v28.action(&sid, json!({"access_list": null})).await.body["access_list"].clone();
    let states: Vec<(&str, &str)> =
        listed.as_array().unwrap().iter().map(|r| (r["access_to"].as_str().unwrap(), r["state"].as_str().unwrap())).collect();
    assert_eq!(states, [(vpc.as_str(), "active"), (ip.as_str(), "active"), (loopback.as_str(), "error"), ("AKIAEXAMPLEKEY", "active")]);
    assert_eq!(v28.show(&sid).await["access_rules_status"], "error");
    // Before 2.28 no rule may be added while one is in error; 2.28 may.
    let o = m.action(&sid, json!({"os-allow_access": {"access_type": "user", "access_to": "AKIAOTHERKEY"}})).await;
    assert_eq!(o.status, 400);
    assert!(o.fault().1.starts_with("Access rules cannot be added while the share"), "{}", o.body);
    assert_eq!(v28.action(&sid, json!({"allow_access": {"access_type": "user", "access_to": "AKIAOTHERKEY"}})).await.status, 200);

    // Denying: queued_to_deny, denying, gone; `access_list` ends at 2.44.
    assert_eq!(v28.action(&sid, json!({"deny_access": {"access_id": bad}})).await.status, 202);
    let listed = v28.action(&sid, json!({"access_list": null})).await.body["access_list"].clone();
    assert!(listed.as_array().unwrap().iter().any(|r| r["id"] == bad && r["state"] == "queued_to_deny"));
    assert_eq!(m.action(&sid, json!({"os-deny_access": {"access_id": rule}})).await.status, 202);
    advance(&emu, 10);
    let listed = v28.action(&sid, json!({"access_list": null})).await.body["access_list"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
    assert!(!listed.as_array().unwrap().iter().any(|r| r["id"] == bad || r["id"] == rule));
    assert_eq!(v28.action(&sid, json!({"os-access_list": null})).await.status, 404);
    // The same access again, once the old rule is gone and the error too.
    let o = m.action(&sid, json!({"os-allow_access": {"access_type": "cert", "access_to": vpc}})).await;
    assert_eq!(o.status, 200);
    let old = id(&o.body["access"]);
    advance(&emu, 10);
    // The Terraform provider denies a rule and grants the same access at
    // once (an update of sfs_share_access_rules_v2): a rule on its way out
    // does not block it, one being applied does.
    assert_eq!(v28.action(&sid, json!({"deny_access": {"access_id": old}})).await.status, 202);
    let o = v28.action(&sid, json!({"allow_access": {"access_type": "cert", "access_to": vpc, "access_level": "ro"}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let new = id(&o.body["access"]);
    let o = v28.action(&sid, json!({"allow_access": {"access_type": "cert", "access_to": vpc}})).await;
    assert_eq!((o.status, o.fault().1), (400, format!("Share access cert:{vpc} exists.")));
    let listed = v28.action(&sid, json!({"access_list": null})).await.body["access_list"].clone();
    let mine: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["access_to"] == vpc)
        .map(|r| (r["id"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(mine, [(old.as_str(), "queued_to_deny"), (new.as_str(), "queued_to_apply")]);
    advance(&emu, 10);
    let listed = v28.action(&sid, json!({"access_list": null})).await.body["access_list"].clone();
    let mine: Vec<&Value> = listed.as_array().unwrap().iter().filter(|r| r["access_to"] == vpc).collect();
    assert_eq!((mine.len(), mine[0]["id"].as_str(), mine[0]["access_level"].as_str()), (1, Some(new.as_str()), Some("ro")));
}

#[tokio::test]
async fn rules_need_an_available_share_and_outlive_their_vpc() {
    let emu = Emu::with(cfg(|c| c.share_seconds = 5)).await;
    emu.server.clock.freeze();
    let m = Manila::new(&emu, "eu-de").await;
    let vpc = id(&m.api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "v", "cidr": "10.70.0.0/16"}}), 200, "vpc").await);
    let sid = m.share("s", 1).await;
    let allow = json!({"os-allow_access": {"access_type": "cert", "access_to": vpc}});
    let o = m.action(&sid, allow.clone()).await;
    assert_eq!(o.status, 400);
    assert!(o.fault().1.starts_with("New access rules cannot be applied while the share"), "{}", o.body);
    advance(&emu, 5);
    let rule = id(&m.action(&sid, allow.clone()).await.body["access"]);
    // OTC does not tie a VPC to the rules naming it: the VPC can go, and
    // its rule stays listed as active (user guide, multi-VPC access).
    let gone = m.api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}")).await;
    assert_eq!(gone.status, 204, "{}", gone.body);
    let listed = m.action(&sid, json!({"os-access_list": null})).await.body["access_list"].clone();
    assert_eq!((listed[0]["id"].as_str(), listed[0]["state"].as_str()), (Some(rule.as_str()), Some("active")));
    // Deleting the share takes its rules.
    assert_eq!(m.delete(&format!("/shares/{sid}")).await.status, 202);
    let o = m.action(&sid, json!({"os-deny_access": {"access_id": rule}})).await;
    assert_eq!(o.status, 400, "a deleting share's rules stay as they are");
    advance(&emu, 5);
    assert_eq!(m.action(&sid, json!({"os-access_list": null})).await.status, 404);
    m.share("other", 1).await;
    assert_eq!(emu.server.store.fingerprint().unwrap().0.iter().filter(|(k, _, _)| k == "sfs.access").count(), 0, "purged");
}

#[tokio::test]
async fn quotas_report_limits_and_use() {
    let emu = Emu::start().await;
    let m = Manila::new(&emu, "eu-de").await;
    m.share("q", 5).await;
    let pid = m.api.pid.clone();
    let o = m.get(&format!("/os-quota-sets/{pid}")).await;
    assert_eq!(o.status, 200);
    assert_eq!(
        o.body["quota_set"],
        json!({"id": pid, "shares": 10, "gigabytes": 512000, "snapshots": -1, "snapshot_gigabytes": -1, "share_networks": 10})
    );
    let o = m.get(&format!("/os-quota-sets/{pid}?usage=true")).await;
    assert_eq!(o.body["quota_set"]["gigabytes"], json!({"limit": 512000, "in_use": 5, "reserved": 0}));
    assert_eq!(o.body["quota_set"]["shares"], json!({"limit": 10, "in_use": 1, "reserved": 0}));
    let nl = Manila::new(&emu, "eu-nl").await;
    let o = m.get(&format!("/os-quota-sets/{}", nl.api.pid)).await;
    assert_eq!(o.status, 403);
    assert_eq!(o.fault(), ("forbidden".into(), "Access was denied to this resource.".into()));
    // Manila renamed the URL at 2.7.
    assert_eq!(m.at("2.7").get(&format!("/os-quota-sets/{pid}")).await.status, 404);
    let o = m.at("2.40").get(&format!("/quota-sets/{pid}")).await;
    assert_eq!((o.status, o.body["quota_set"]["share_groups"].as_i64()), (200, Some(50)));
    assert_eq!(m.get(&format!("/quota-sets/{pid}")).await.status, 404);
    // The share type clients look up.
    let o = m.get("/types/default").await;
    assert_eq!(o.body["share_type"]["name"], "default");
    assert_eq!(m.get("/types/gold").await.status, 404);
}

#[tokio::test]
async fn tags_per_share_per_project_and_by_query() {
    let emu = Emu::start().await;
    let m = Manila::new(&emu, "eu-de").await;
    let (a, b) = (m.share("apple", 1).await, m.share("banana", 1).await);
    let tags = |s: &str| format!("/sfs/{s}/tags");
    assert_eq!(m.post(&tags(&a), json!({"tag": {"key": "env", "value": "prod"}})).await.status, 204);
    assert_eq!(m.post(&tags(&a), json!({"tag": {"key": "env", "value": "dev"}})).await.status, 204, "upsert");
    let o = m
        .post(
            &format!("{}/action", tags(&a)),
            json!({"action": "create", "tags": [{"key": "team", "value": "a"}, {"key": "x", "value": ""}]}),
        )
        .await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = m.post(&format!("{}/action", tags(&b)), json!({"action": "create", "tags": [{"key": "env", "value": "prod"}]})).await;
    assert_eq!(o.status, 204);
    assert_eq!(
        m.get(&tags(&a)).await.body,
        json!({"tags": [{"key": "env", "value": "dev"}, {"key": "team", "value": "a"}, {"key": "x", "value": ""}]})
    );
    let o = m.get("/sfs/tags").await;
    assert_eq!(o.body["tags"][0], json!({"key": "env", "values": ["dev", "prod"]}));
    // Refusals.
    let before = emu.server.store.fingerprint().unwrap();
    for (body, status) in [
        (json!({"tag": {"key": "a.b", "value": "v"}}), 400),
        (json!({"tag": {"key": "k", "value": "v v"}}), 400),
        (json!({"tag": {"key": "k".repeat(37), "value": ""}}), 400),
        (json!({"tag": {"key": "k"}}), 400),
        (json!({"tag": "k"}), 400),
    ] {
        assert_eq!(m.post(&tags(&a), body.clone()).await.status, status, "{body}");
    }
    let many: Vec<Value> = (0..18).map(|i| json!({"key": format!("k{i}"), "value": ""})).collect();
    assert_eq!(m.post(&format!("{}/action", tags(&a)), json!({"action": "create", "tags": many})).await.status, 400, "over 20");
    let o = m
        .post(
            &format!("{}/action", tags(&a)),
            json!({"action": "create", "sys_tags": [{"key": "_sys_enterprise_project_id", "value": "0"}]}),
        )
        .await;
    assert_eq!(o.status, 403);
    assert_eq!(m.post(&tags("nope"), json!({"tag": {"key": "k", "value": "v"}})).await.status, 404);
    assert!(emu.server.store.fingerprint().unwrap().diff(&before).is_empty());

    // Queries.
    let find = "/sfs/resource_instances/action";
    let ids = |o: &Out| -> Vec<String> {
        o.body["resources"].as_array().unwrap().iter().map(|r| r["resource_id"].as_str().unwrap().to_string()).collect()
    };
    let o = m.post(find, json!({"action": "filter", "tags": [{"key": "env", "values": ["prod"]}]})).await;
    assert_eq!((ids(&o), o.body["total_count"].as_u64()), (vec![b.clone()], Some(1)));
    let o =
        m.post(find, json!({"action": "filter", "tags_any": [{"key": "team", "values": []}, {"key": "env", "values": ["prod"]}]})).await;
    assert_eq!(ids(&o), [a.clone(), b.clone()]);
    let o = m.post(find, json!({"action": "filter", "not_tags": [{"key": "team", "values": []}]})).await;
    assert_eq!(ids(&o), std::slice::from_ref(&b));
    let o = m.post(find, json!({"action": "filter", "matches": [{"key": "resource_name", "value": "APP"}]})).await;
    assert_eq!(ids(&o), std::slice::from_ref(&a));
    assert_eq!(o.body["resources"][0]["resource_detail"], json!({}));
    let o = m.post(find, json!({"action": "filter", "offset": "1", "limit": "1"})).await;
    assert_eq!((ids(&o), o.body["total_count"].as_u64()), (vec![b.clone()], Some(2)));
    assert_eq!(m.post(find, json!({"action": "count", "tags": [{"key": "env", "values": []}]})).await.body, json!({"total_count": 2}));
    for bad in [
        json!({"action": "find"}),
        json!({"action": "filter", "limit": "0"}),
        json!({"action": "filter", "tags": [{"key": "k"}]}),
        json!({"action": "filter", "matches": [{"key": "id", "value": "x"}]}),
    ] {
        assert_eq!(m.post(find, bad.clone()).await.status, 400, "{bad}");
    }
    // Deleting by key, by key and value, and a missing key.
    let o = m
        .post(
            &format!("{}/action", tags(&a)),
            json!({"action": "delete", "tags": [{"key": "env", "value": "prod"}, {"key": "x", "value": ""}, {"key": "nope"}]}),
        )
        .await;
    assert_eq!(o.status, 204);
    assert_eq!(m.get(&tags(&a)).await.body["tags"].as_array().unwrap().len(), 2, "env=dev stays");
    assert_eq!(m.delete(&format!("{}/env", tags(&a))).await.status, 204);
    let o = m.delete(&format!("{}/env", tags(&a))).await;
    assert_eq!(o.status, 404);
    assert_eq!(o.fault().0, "itemNotFound");
}

#[tokio::test]
async fn shares_stay_in_their_project() {
    let emu = Emu::start().await;
    let de = Manila::new(&emu, "eu-de").await;
    let nl = Manila::new(&emu, "eu-nl").await;
    let sid = de.share("private", 1).await;
    let (de_vpc, _) = de.api.vpc_with_subnet("10.80.0.0/16", "10.80.1.0/24", "10.80.1.1").await;
    assert_eq!(nl.count().await, 0);
    assert!(nl.get("/shares/detail").await.body["shares"].as_array().unwrap().is_empty());
    for o in [
        nl.get(&format!("/shares/{sid}")).await,
        nl.put(&format!("/shares/{sid}"), json!({"share": {"display_name": "x"}})).await,
        nl.delete(&format!("/shares/{sid}")).await,
        nl.action(&sid, json!({"os-extend": {"new_size": 2}})).await,
        nl.action(&sid, json!({"os-access_list": null})).await,
        nl.at("2.9").get(&format!("/shares/{sid}/export_locations")).await,
        nl.get(&format!("/sfs/{sid}/tags")).await,
    ] {
        assert_eq!(o.status, 404, "{}", o.body);
    }
    // eu-de's project in eu-nl's token: the gateway refuses.
    let r = emu.call(Method::GET, &format!("/sfs/v2/{}/shares", de.api.pid), Some(&nl.api.token), None).await;
    let (status, body): (u16, Value) = (r.status().as_u16(), r.json().await.unwrap());
    assert_eq!((status, body["error_code"].as_str()), (403, Some("APIGW.0302")));
    // eu-nl's share cannot be opened to eu-de's VPC.
    let nl_share = nl.share("mine", 1).await;
    let o = nl.action(&nl_share, json!({"os-allow_access": {"access_type": "cert", "access_to": de_vpc}})).await;
    assert_eq!(o.status, 400);
    assert_eq!(o.fault().1, format!("Invalid access rule: VPC {de_vpc} could not be found."));
    assert_eq!(de.show(&sid).await["name"], "private");
}

#[tokio::test]
async fn faults_carry_the_microversion_as_answers_do() {
    let emu = Emu::start().await;
    let m = Manila::new(&emu, "eu-de").await;
    let missing = "00000000-0000-0000-0000-000000000000";
    let version = |o: &Out| o.headers.get("x-openstack-manila-api-version").map(|v| v.to_str().unwrap().to_string());
    let o = m.get(&format!("/shares/{missing}")).await;
    assert_eq!((o.status, o.fault().0.as_str()), (404, "itemNotFound"));
    assert_eq!(version(&o).as_deref(), Some("2.0"), "no header is 2.0, on faults too");
    assert_eq!(o.headers["vary"], "X-OpenStack-Manila-API-Version");
    let o = m.at("2.42").action(missing, json!({"extend": {"new_size": 2}})).await;
    assert_eq!((o.status, version(&o).as_deref()), (404, Some("2.42")));
    let o = m.at("2.7").post("/shares", json!({"share": {"share_proto": "NFS", "size": 0}})).await;
    assert_eq!((o.status, o.fault().0.as_str(), version(&o).as_deref()), (400, "badRequest", Some("2.7")));
    let o = m.at("2.7").put(&format!("/shares/{missing}"), json!({"nothing": {}})).await;
    assert_eq!((o.status, o.fault().0.as_str(), version(&o).as_deref()), (422, "computeFault", Some("2.7")));
    // A version out of range is still the request's version (Manila sets
    // it before checking the range); one that does not parse is none.
    let o = m.at("2.99").get("/shares").await;
    assert_eq!((o.status, version(&o).as_deref()), (406, Some("2.99")));
    let o = m.at("2.x").get("/shares").await;
    assert_eq!((o.status, version(&o)), (400, None));
    let r = emu.http.get(emu.url("/sfs/v2/")).header("X-OpenStack-Manila-API-Version", "2.50").send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["x-openstack-manila-api-version"].to_str().unwrap()), (406, "2.50"));
    // Not a Manila answer: the API gateway's own 404 carries no version.
    let o = m.get("/no-such-thing").await;
    assert_eq!((o.status, o.body["error_code"].as_str(), version(&o)), (404, Some("APIGW.0101"), None));
}

#[tokio::test]
async fn quota_detail_from_2_25() {
    let emu = Emu::start().await;
    let m = Manila::new(&emu, "eu-de").await;
    m.share("q", 3).await;
    let pid = m.api.pid.clone();
    let o = m.at("2.25").get(&format!("/quota-sets/{pid}/detail")).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.headers["x-openstack-manila-api-version"], "2.25");
    let set = &o.body["quota_set"];
    assert_eq!(set["id"], json!(pid));
    assert_eq!(set["gigabytes"], json!({"limit": 512000, "in_use": 3, "reserved": 0}));
    assert_eq!(set["shares"], json!({"limit": 10, "in_use": 1, "reserved": 0}));
    assert_eq!(set["share_networks"], json!({"limit": 10, "in_use": 0, "reserved": 0}));
    assert!(set.get("share_groups").is_none(), "share groups count from 2.40");
    let o = m.at("2.42").get(&format!("/quota-sets/{pid}/detail")).await;
    assert_eq!(o.body["quota_set"]["share_groups"], json!({"limit": 50, "in_use": 0, "reserved": 0}));
    // Before 2.25 the method does not exist: Manila's bare 404.
    let o = m.at("2.24").get(&format!("/quota-sets/{pid}/detail")).await;
    assert_eq!(o.status, 404);
    assert_eq!(o.fault(), ("itemNotFound".into(), "The resource could not be found.".into()));
    assert_eq!(m.get(&format!("/os-quota-sets/{pid}/detail")).await.status, 404);
    let nl = Manila::new(&emu, "eu-nl").await;
    let o = m.at("2.25").get(&format!("/quota-sets/{}/detail", nl.api.pid)).await;
    assert_eq!(o.status, 403);
    assert_eq!(o.fault(), ("forbidden".into(), "Access was denied to this resource.".into()));
}
