//! SFS Turbo (`/sfs-turbo/v1/{project_id}/sfs-turbo/...`) over HTTP: file
//! systems through their statuses and sub-statuses on the clock, the
//! ports they take from their subnet and give back, the holds on their
//! VPC, subnet and security group, actions, permission rules, tags,
//! quotas, jobs, SFS.TURBO errors, and eu-de/eu-nl isolation.

use crate::common::{config, Emu};
use crate::netkit::{id, Api};
use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

struct Out {
    status: u16,
    body: Value,
    request_id: String,
}

impl Out {
    fn err(&self) -> (u16, &str) {
        assert!(self.body["errMsg"].is_string(), "not an SFS Turbo error: {}", self.body);
        (self.status, self.body["errCode"].as_str().unwrap_or(""))
    }
}

struct Turbo<'a> {
    api: Api<'a>,
}

impl<'a> Turbo<'a> {
    async fn new(emu: &'a Emu, project: &str) -> Turbo<'a> {
        Turbo { api: Api::new(emu, project).await }
    }

    async fn req(&self, method: Method, path: &str, body: Option<Value>) -> Out {
        let path = format!("/sfs-turbo/v1/{}/sfs-turbo{path}", self.api.pid);
        let r = self.api.emu.call(method, &path, Some(&self.api.token), body).await;
        let status = r.status().as_u16();
        let request_id = r.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let text = r.text().await.unwrap();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
        Out { status, body, request_id }
    }
    async fn get(&self, path: &str) -> Out {
        self.req(Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Out {
        self.req(Method::POST, path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> Out {
        self.req(Method::DELETE, path, None).await
    }
    async fn action(&self, share: &str, body: Value) -> Out {
        self.post(&format!("/shares/{share}/action"), body).await
    }
    async fn show(&self, share: &str) -> Value {
        let o = self.get(&format!("/shares/{share}")).await;
        assert_eq!(o.status, 200, "{}", o.body);
        o.body
    }
    async fn count(&self) -> usize {
        let o = self.get("/shares/detail").await;
        assert_eq!(o.status, 200, "{}", o.body);
        assert_eq!(o.body["count"].as_u64().unwrap() as usize, o.body["shares"].as_array().unwrap().len());
        o.body["shares"].as_array().unwrap().len()
    }

    /// A VPC with a subnet and a security group: (vpc, subnet, group).
    async fn network(&self, third_octet: u8) -> (String, String, String) {
        let (vpc, net) = self
            .api
            .vpc_with_subnet(&format!("10.{third_octet}.0.0/16"), &format!("10.{third_octet}.1.0/24"), &format!("10.{third_octet}.1.1"))
            .await;
        (vpc, net, self.group("sg-turbo").await)
    }

    async fn group(&self, name: &str) -> String {
        id(&self.api.create("/v1/{pid}/security-groups", json!({"security_group": {"name": name}}), 200, "security_group").await)
    }

    async fn create(&self, name: &str, n: &(String, String, String)) -> Out {
        self.post("/shares", body(name, n)).await
    }

    /// The TCP ports the inbound rules of `group` open from anywhere.
    async fn open_ports(&self, group: &str) -> Vec<i64> {
        let o = self.api.get(&format!("/v2.0/security-group-rules?security_group_id={group}")).await;
        assert_eq!(o.status, 200, "{}", o.body);
        let mut ports: Vec<i64> = o.body["security_group_rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["direction"] == "ingress" && r["protocol"] == "tcp" && r["remote_ip_prefix"] == "0.0.0.0/0")
            .map(|r| r["port_range_min"].as_i64().unwrap())
            .collect();
        ports.sort();
        ports
    }

    async fn ports_of(&self, share: &str) -> Vec<Value> {
        let o = self.api.get(&format!("/v2.0/ports?device_id={share}")).await;
        assert_eq!(o.status, 200, "{}", o.body);
        o.body["ports"].as_array().unwrap().clone()
    }
}

fn body(name: &str, n: &(String, String, String)) -> Value {
    json!({"share": {"name": name, "share_proto": "NFS", "share_type": "STANDARD", "size": 500, "availability_zone": "eu-de-01",
        "vpc_id": n.0, "subnet_id": n.1, "security_group_id": n.2, "metadata": {}}})
}

fn cfg(seconds: i64) -> otc_emulator::config::Config {
    let mut c = config();
    c.sfs.turbo_seconds = seconds;
    c
}

fn advance(emu: &Emu, seconds: i64) {
    emu.server.clock.advance(Duration::seconds(seconds));
}

#[tokio::test]
async fn a_file_system_moves_through_its_statuses_on_the_clock() {
    let emu = Emu::with(cfg(10)).await;
    emu.server.clock.freeze();
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(50).await;
    let o = t.create("turbo-one", &n).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(o.body.as_object().unwrap().len(), 3, "{}", o.body);
    assert_eq!((o.body["name"].as_str(), o.body["status"].as_str()), (Some("turbo-one"), Some("100")));
    let sid = id(&o.body);
    let create_job = o.request_id.clone();

    let s = t.show(&sid).await;
    assert_eq!((s["status"].as_str(), s["sub_status"].as_str()), (Some("100"), Some("")));
    assert_eq!(s["action_progress"]["CREATING"], "0%");
    for absent in ["export_location", "share_type", "pay_model"] {
        assert!(s.get(absent).is_none(), "{absent} while creating: {s}");
    }
    assert_eq!((s["size"].as_str(), s["avail_capacity"].as_str()), (Some("500.00"), Some("500.00")));
    let job = t.get(&format!("/jobs/{create_job}")).await;
    assert_eq!((job.status, job.body["status"].as_str(), job.body["job_type"].as_str()), (200, Some("running"), Some("create_share")));
    // Nothing but deletion... which is refused while creating, too.
    assert_eq!(t.action(&sid, json!({"extend": {"new_size": 600}})).await.err(), (400, "SFS.TURBO.0011"));
    assert_eq!(t.delete(&format!("/shares/{sid}")).await.err(), (400, "SFS.TURBO.0011"));

    advance(&emu, 5);
    assert_eq!(t.show(&sid).await["action_progress"]["CREATING"], "50%");
    advance(&emu, 5);
    let s = t.show(&sid).await;
    assert_eq!(s["status"], "200");
    assert!(s.get("action_progress").is_none());
    assert_eq!((s["share_type"].as_str(), s["pay_model"].as_str(), s["version"].as_str()), (Some("STANDARD"), Some("0"), Some("1.0.0")));
    assert_eq!(
        (s["availability_zone"].as_str(), s["vpc_id"].as_str(), s["subnet_id"].as_str()),
        (Some("eu-de-01"), Some(&*n.0), Some(&*n.1))
    );
    let job = t.get(&format!("/jobs/{create_job}")).await;
    assert_eq!(job.body["status"], "success");
    assert!(job.body["end_time"].as_str().unwrap().len() == 19, "{}", job.body);

    // Its addresses: two nodes and the virtual IP it is mounted at.
    let ports = t.ports_of(&sid).await;
    assert_eq!(ports.len(), 3);
    let owners: Vec<&str> = ports.iter().map(|p| p["device_owner"].as_str().unwrap()).collect();
    assert_eq!(owners.iter().filter(|o| **o == "compute:eu-de-01").count(), 2, "{owners:?}");
    let vip = ports.iter().find(|p| p["device_owner"] == "neutron:VIP_PORT").unwrap();
    assert_eq!(s["export_location"].as_str().unwrap(), format!("{}:/", vip["fixed_ips"][0]["ip_address"].as_str().unwrap()));
    assert!(ports.iter().all(|p| p["security_groups"] == json!([n.2])));
    // Its group lets NFS in.
    const NFS: [i64; 6] = [111, 445, 2049, 2051, 2052, 20048];
    assert_eq!(t.open_ports(&n.2).await, NFS);

    // Expand: 121 with the old size until the clock moves, then 221.
    let o = t.action(&sid, json!({"extend": {"new_size": 600}})).await;
    assert_eq!((o.status, o.body.clone()), (202, json!({"id": sid, "name": "turbo-one"})));
    let s = t.show(&sid).await;
    assert_eq!((s["sub_status"].as_str(), s["size"].as_str()), (Some("121"), Some("500.00")));
    assert_eq!(t.action(&sid, json!({"extend": {"new_size": 700}})).await.err(), (400, "SFS.TURBO.0011"));
    let expand_job = o.request_id.clone();
    advance(&emu, 10);
    let s = t.show(&sid).await;
    assert_eq!((s["sub_status"].as_str(), s["size"].as_str(), s["avail_capacity"].as_str()), (Some("221"), Some("600.00"), Some("600.00")));
    assert_eq!(t.get(&format!("/jobs/{expand_job}")).await.body["job_type"], "extend_share");

    // Security group change: the ports carry the new group at once.
    let g2 = t.group("sg-turbo-2").await;
    let o = t.action(&sid, json!({"change_security_group": {"security_group_id": g2}})).await;
    assert_eq!((o.status, o.body.clone()), (202, json!({"id": sid})));
    assert_eq!(t.show(&sid).await["sub_status"], "132");
    assert!(t.ports_of(&sid).await.iter().all(|p| p["security_groups"] == json!([g2])));
    assert_eq!((t.open_ports(&n.2).await, t.open_ports(&g2).await), (vec![], NFS.to_vec()), "the rules move with it");
    advance(&emu, 10);
    let s = t.show(&sid).await;
    assert_eq!((s["sub_status"].as_str(), s["security_group_id"].as_str()), (Some("232"), Some(&*g2)));

    // Name and client addresses.
    let o = t.action(&sid, json!({"change_name": {"name": "turbo-renamed"}})).await;
    assert_eq!((o.status, &o.body), (204, &Value::Null));
    assert_eq!(t.show(&sid).await["name"], "turbo-renamed");
    let o = t.action(&sid, json!({"get_client_ips": {}})).await;
    assert_eq!((o.status, o.body.clone()), (200, json!({"id": sid, "ips": []})));

    // Deletion: the ports go at once, the file system keeps its status
    // until the clock moves, then it is gone.
    let o = t.delete(&format!("/shares/{sid}")).await;
    assert_eq!(o.status, 202, "{}", o.body);
    let delete_job = o.request_id.clone();
    assert!(t.ports_of(&sid).await.is_empty());
    assert!(t.open_ports(&g2).await.is_empty(), "its rules go with it");
    assert_eq!(t.show(&sid).await["status"], "200");
    assert_eq!(t.action(&sid, json!({"extend": {"new_size": 700}})).await.err(), (400, "SFS.TURBO.0011"));
    assert_eq!(t.delete(&format!("/shares/{sid}")).await.err(), (400, "SFS.TURBO.0011"));
    advance(&emu, 10);
    assert_eq!(t.get(&format!("/shares/{sid}")).await.err(), (404, "SFS.TURBO.0002"));
    assert_eq!(t.count().await, 0);
    let job = t.get(&format!("/jobs/{delete_job}")).await;
    assert_eq!((job.body["status"].as_str(), job.body["job_type"].as_str()), (Some("success"), Some("delete_share")));
    assert_eq!(t.get("/jobs/0123456789abcdef0123456789abcdef").await.err(), (404, "SFS.TURBO.0019"));
}

#[tokio::test]
async fn with_no_settle_time_everything_is_at_once() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(51).await;
    let sid = id(&t.create("turbo-fast", &n).await.body);
    assert_eq!(t.show(&sid).await["status"], "200");
    assert_eq!(t.action(&sid, json!({"extend": {"new_size": 1000}})).await.status, 202);
    let s = t.show(&sid).await;
    assert_eq!((s["sub_status"].as_str(), s["size"].as_str()), (Some("221"), Some("1000.00")));
    assert_eq!(t.delete(&format!("/shares/{sid}")).await.status, 202);
    assert_eq!(t.get(&format!("/shares/{sid}")).await.status, 404);
}

#[tokio::test]
async fn creation_checks_its_inputs_and_refusals_store_nothing() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(52).await;
    let other_vpc = id(&t.api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "vpc-other", "cidr": "10.53.0.0/16"}}), 200, "vpc").await);
    let sn = json!({"subnet": {"name": "sn-other", "cidr": "10.53.1.0/24", "gateway_ip": "10.53.1.1", "vpc_id": other_vpc}});
    let other_net = id(&t.api.create("/v1/{pid}/subnets", sn, 200, "subnet").await);
    let with = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut b = body("turbo-bad", &n);
        f(b["share"].as_object_mut().unwrap());
        b
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({}), 400, "SFS.TURBO.0001"),
        (json!({"share": "x"}), 400, "SFS.TURBO.0001"),
        (json!([1]), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.remove("vpc_id"))), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.insert("size".into(), json!("500")))), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.insert("size".into(), json!(500.5)))), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.insert("size".into(), json!(499)))), 400, "SFS.TURBO.0008"),
        (with(&|s| drop(s.insert("size".into(), json!(32769)))), 400, "SFS.TURBO.0008"),
        (with(&|s| drop(s.insert("name".into(), json!("abc")))), 400, "SFS.TURBO.0003"),
        (with(&|s| drop(s.insert("name".into(), json!("1turbo")))), 400, "SFS.TURBO.0003"),
        (with(&|s| drop(s.insert("name".into(), json!("turbo.dot")))), 400, "SFS.TURBO.0003"),
        (with(&|s| drop(s.insert("name".into(), json!("t".repeat(65))))), 400, "SFS.TURBO.0003"),
        (with(&|s| drop(s.insert("share_proto".into(), json!("CIFS")))), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.insert("share_type".into(), json!("STANDARDENHANCED")))), 400, "SFS.TURBO.0007"),
        (with(&|s| drop(s.insert("availability_zone".into(), json!("eu-nl-01")))), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.insert("vpc_id".into(), json!("5b0b9e8e-0000-4000-8000-000000000000")))), 400, "SFS.TURBO.0004"),
        (with(&|s| drop(s.insert("subnet_id".into(), json!(other_net)))), 400, "SFS.TURBO.0006"),
        (with(&|s| drop(s.insert("subnet_id".into(), json!("nope")))), 400, "SFS.TURBO.0006"),
        (with(&|s| drop(s.insert("security_group_id".into(), json!("nope")))), 400, "SFS.TURBO.0027"),
        (with(&|s| drop(s.insert("metadata".into(), json!({"expand_type": "turbo"})))), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.insert("metadata".into(), json!({"crypt_key_id": "k"})))), 400, "SFS.TURBO.0028"),
        (with(&|s| drop(s.insert("description".into(), json!("d".repeat(256))))), 400, "SFS.TURBO.0001"),
        (with(&|s| drop(s.insert("tags".into(), json!([{"key": "a=b", "value": "v"}])))), 400, "SFS.TURBO.0025"),
    ];
    for (b, status, code) in cases {
        let o = t.post("/shares", b.clone()).await;
        assert_eq!(o.err(), (status, code), "{b}: {}", o.body);
    }
    let raw = emu
        .http
        .post(emu.url(&format!("/sfs-turbo/v1/{}/sfs-turbo/shares", t.api.pid)))
        .header("X-Auth-Token", &t.api.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let v: Value = raw.json().await.unwrap();
    assert_eq!(v["errCode"], "SFS.TURBO.0001");
    assert_eq!(t.count().await, 0);
    let o = t.api.get("/v2.0/ports").await;
    assert!(o.body["ports"].as_array().unwrap().iter().all(|p| !p["name"].as_str().unwrap().starts_with("sfs-turbo")), "{}", o.body);

    // A name is one file system's (409), also for a rename.
    assert_eq!(t.create("turbo-a", &n).await.status, 202);
    assert_eq!(t.create("turbo-a", &n).await.err(), (409, "SFS.TURBO.0009"));
    let b = id(&t.create("turbo-b", &n).await.body);
    assert_eq!(t.action(&b, json!({"change_name": {"name": "turbo-a"}})).await.err(), (409, "SFS.TURBO.0009"));
    assert_eq!(t.action(&b, json!({"change_name": {"name": "no"}})).await.err(), (400, "SFS.TURBO.0003"));
    assert_eq!(t.count().await, 2);
}

#[tokio::test]
async fn actions_are_checked() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(54).await;
    let sid = id(&t.create("turbo-act", &n).await.body);
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({}), 400, "SFS.TURBO.0001"),
        (json!({"shrink": {"new_size": 100}}), 400, "SFS.TURBO.0001"),
        (json!({"extend": {"new_size": 600}, "change_name": {"name": "turbo-x"}}), 400, "SFS.TURBO.0001"),
        (json!({"extend": null}), 400, "SFS.TURBO.0001"),
        (json!({"extend": {"new_size": "600"}}), 400, "SFS.TURBO.0001"),
        (json!({"extend": {"new_size": 500}}), 400, "SFS.TURBO.0008"),
        (json!({"extend": {"new_size": 40000}}), 400, "SFS.TURBO.0008"),
        (json!({"change_security_group": {"security_group_id": "nope"}}), 400, "SFS.TURBO.0027"),
        (json!({"change_security_group": {}}), 400, "SFS.TURBO.0001"),
        (json!({"change_name": {"name": 5}}), 400, "SFS.TURBO.0001"),
        (json!({"get_client_ips": {"ips": 5}}), 400, "SFS.TURBO.0001"),
    ];
    for (b, status, code) in cases {
        let o = t.action(&sid, b.clone()).await;
        assert_eq!(o.err(), (status, code), "{b}: {}", o.body);
    }
    let s = t.show(&sid).await;
    assert_eq!((s["sub_status"].as_str(), s["size"].as_str(), s["name"].as_str()), (Some(""), Some("500.00"), Some("turbo-act")));
    let missing = "11111111-2222-4333-8444-555555555555";
    assert_eq!(t.action(missing, json!({"extend": {"new_size": 600}})).await.err(), (404, "SFS.TURBO.0002"));
    assert_eq!(t.delete(&format!("/shares/{missing}")).await.err(), (404, "SFS.TURBO.0002"));
    for bad in ["/shares/detail?limit=x", "/shares/detail?offset=-1"] {
        assert_eq!(t.get(bad).await.err(), (400, "SFS.TURBO.0001"), "{bad}");
    }
}

#[tokio::test]
async fn a_file_system_holds_its_network_until_deleted() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let (vpc, net, sg) = t.network(55).await;
    let sid = id(&t.create("turbo-hold", &(vpc.clone(), net.clone(), sg.clone())).await.body);
    let vip = t.ports_of(&sid).await.into_iter().find(|p| p["device_owner"] == "neutron:VIP_PORT").unwrap();
    let node = t.ports_of(&sid).await.into_iter().find(|p| p["device_owner"] != "neutron:VIP_PORT").unwrap();
    let neutron_subnet = id(&t.api.get(&format!("/v2.0/subnets?network_id={net}")).await.body["subnets"][0]);

    let o = t.api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    let o = t.api.delete(&format!("/v2.0/subnets/{neutron_subnet}")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    let o = t.api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    let o = t.api.delete(&format!("/v1/{{pid}}/security-groups/{sg}")).await;
    assert_eq!(o.status, 409, "{}", o.body);
    for p in [&vip, &node] {
        let o = t.api.delete(&format!("/v2.0/ports/{}", id(p))).await;
        assert_eq!(o.status, 409, "{}", o.body);
    }
    // Nor through the VPC API's private IPs.
    let o = t.api.delete(&format!("/v1/{{pid}}/privateips/{}", id(&vip))).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0707"), "{}", o.body);
    assert_eq!(t.ports_of(&sid).await.len(), 3);

    assert_eq!(t.delete(&format!("/shares/{sid}")).await.status, 202);
    let o = t.api.delete(&format!("/v1/{{pid}}/security-groups/{sg}")).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = t.api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}/subnets/{net}")).await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = t.api.delete(&format!("/v1/{{pid}}/vpcs/{vpc}")).await;
    assert_eq!(o.status, 204, "{}", o.body);
}

#[tokio::test]
async fn permission_rules() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(56).await;
    let sid = id(&t.create("turbo-rules", &n).await.body);
    let base = format!("/shares/{sid}/fs/perm-rules");
    let o = t
        .post(
            &base,
            json!({"rules": [{"ip_cidr": "192.32.1.1/16", "rw_type": "rw", "user_type": "no_root_squash"},
            {"ip_cidr": "10.0.0.1", "rw_type": "ro", "user_type": "all_squash"}]}),
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.body);
    let rules = o.body["rules"].as_array().unwrap().clone();
    assert_eq!(rules[0]["ip_cidr"], "192.32.0.0/16");
    let rid = rules[0]["id"].as_str().unwrap().to_string();
    assert_eq!(rid.len(), 32);
    assert_eq!(t.get(&base).await.body["rules"].as_array().unwrap().len(), 2);
    assert_eq!(t.get(&format!("{base}/{rid}")).await.body, rules[0]);
    let o = t.req(Method::PUT, &format!("{base}/{rid}"), Some(json!({"rw_type": "ro"}))).await;
    assert_eq!((o.status, o.body["rw_type"].as_str(), o.body["user_type"].as_str()), (200, Some("ro"), Some("no_root_squash")));

    let bad: Vec<Value> = vec![
        json!({"rules": []}),
        json!({}),
        json!({"rules": [{"ip_cidr": "x", "rw_type": "rw", "user_type": "root_squash"}]}),
        json!({"rules": [{"ip_cidr": "10.1.0.0/16", "rw_type": "rx", "user_type": "root_squash"}]}),
        json!({"rules": [{"ip_cidr": "10.1.0.0/16", "rw_type": "rw"}]}),
        json!({"rules": [{"ip_cidr": "10.0.0.1", "rw_type": "rw", "user_type": "root_squash"}]}),
        json!({"rules": (0..6).map(|i| json!({"ip_cidr": format!("10.9.{i}.0/24"), "rw_type": "rw", "user_type": "root_squash"})).collect::<Vec<_>>()}),
    ];
    for b in bad {
        assert_eq!(t.post(&base, b.clone()).await.err(), (400, "SFS.TURBO.0001"), "{b}");
    }
    assert_eq!(t.post(&base, json!({"rules": []})).await.body["errMsg"], "Rules not allowed empty");
    let o = t.req(Method::PUT, &format!("{base}/{rid}"), Some(json!({"ip_cidr": "10.2.0.0/16"}))).await;
    assert_eq!(o.err(), (400, "SFS.TURBO.0001"));
    let o = t.get(&format!("{base}/ffffffffffffffffffffffffffffffff")).await;
    assert_eq!((o.err(), o.body["errMsg"].as_str()), ((400, "SFS.TURBO.0001"), Some("Invalid rule id")));
    assert_eq!(t.delete(&format!("{base}/{rid}")).await.status, 204);
    assert_eq!(t.delete(&format!("{base}/{rid}")).await.err(), (400, "SFS.TURBO.0001"));
    assert_eq!(t.get(&base).await.body["rules"].as_array().unwrap().len(), 1);
    assert_eq!(t.get("/shares/11111111-2222-4333-8444-555555555555/fs/perm-rules").await.err(), (404, "SFS.TURBO.0002"));
}

#[tokio::test]
async fn tags_quotas_and_queries_by_tag() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(57).await;
    let mut b = body("turbo-tag-a", &n);
    b["share"]["tags"] = json!([{"key": "env", "value": "prod"}]);
    let a = id(&t.post("/shares", b).await.body);
    let c = id(&t.create("other-tag-b", &n).await.body);
    assert_eq!(t.post(&format!("/{c}/tags"), json!({"tag": {"key": "env", "value": "dev"}})).await.status, 204);
    assert_eq!(t.post(&format!("/{c}/tags"), json!({"tag": {"key": "env", "value": "test"}})).await.status, 204, "an upsert");
    let o = t
        .post(
            &format!("/{a}/tags/action"),
            json!({"action": "create", "tags": [{"key": "team", "value": "x"}, {"key": "env", "value": "prod"}]}),
        )
        .await;
    assert_eq!(o.status, 204, "{}", o.body);
    let o = t.get(&format!("/{a}/tags")).await;
    assert_eq!(o.body, json!({"tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "x"}]}));
    assert_eq!(t.show(&a).await["tags"].as_array().unwrap().len(), 2);
    let o = t.get("/tags").await;
    assert_eq!(o.body, json!({"tags": [{"key": "env", "values": ["prod", "test"]}, {"key": "team", "values": ["x"]}]}));

    let q = |b: Value| t.post("/resource_instances/action", b);
    let o = q(json!({"action": "filter", "tags": [{"key": "env", "values": ["prod", "dev"]}]})).await;
    assert_eq!((o.status, o.body["total_count"].as_u64()), (200, Some(1)), "{}", o.body);
    assert_eq!(o.body["resources"][0]["resource_id"], a.as_str());
    assert_eq!(o.body["resources"][0]["resource_detail"]["id"], a.as_str());
    let o = q(json!({"action": "count", "tags": [{"key": "env", "values": []}]})).await;
    assert_eq!(o.body, json!({"total_count": 2}));
    let o = q(json!({"action": "filter", "matches": [{"key": "resource_name", "value": "other*"}], "limit": "10", "offset": 0})).await;
    assert_eq!(o.body["resources"][0]["resource_id"], c.as_str());
    let o = q(json!({"action": "count", "without_any_tag": true})).await;
    assert_eq!(o.body["total_count"], 0);

    for (path, b, code) in [
        (format!("/{a}/tags"), json!({"tag": {"key": "", "value": "v"}}), "SFS.TURBO.0017"),
        (format!("/{a}/tags"), json!({"tag": {"key": "k", "value": "v".repeat(256)}}), "SFS.TURBO.0018"),
        (format!("/{a}/tags"), json!({"tag": {"key": "k*", "value": "v"}}), "SFS.TURBO.0025"),
        (format!("/{a}/tags"), json!({"tag": {"key": "k", "value": "<v>"}}), "SFS.TURBO.0026"),
        (format!("/{a}/tags"), json!({"tag": {"key": "k"}}), "SFS.TURBO.0001"),
        (format!("/{a}/tags/action"), json!({"action": "delete", "tags": [{"key": "env", "value": "prod"}]}), "SFS.TURBO.0001"),
        (
            format!("/{a}/tags/action"),
            json!({"action": "create", "tags": (0..19).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect::<Vec<_>>()}),
            "SFS.TURBO.0016",
        ),
        ("/resource_instances/action".to_string(), json!({"action": "list"}), "SFS.TURBO.0001"),
        ("/resource_instances/action".to_string(), json!({"action": "filter", "limit": "x"}), "SFS.TURBO.0001"),
        ("/resource_instances/action".to_string(), json!({"action": "filter", "matches": [{"key": "id", "value": "x"}]}), "SFS.TURBO.0001"),
    ] {
        assert_eq!(t.post(&path, b.clone()).await.err(), (400, code), "{path} {b}");
    }
    assert_eq!(t.get(&format!("/{a}/tags")).await.body["tags"].as_array().unwrap().len(), 2, "refusals change nothing");
    assert_eq!(t.delete(&format!("/{a}/tags/team")).await.status, 204);
    assert_eq!(t.delete(&format!("/{a}/tags/team")).await.err(), (404, "SFS.TURBO.0001"));

    let o = t.get("/quotas").await;
    assert_eq!(o.status, 200);
    assert_eq!(
        o.body,
        json!({"quotas": {"resources": [{"type": "shares", "used": 2, "quota": 400}, {"type": "capacity", "used": 1000, "quota": 1048576, "unit": "GB"}]}})
    );
}

#[tokio::test]
async fn quotas_refuse_creation_and_expansion() {
    let mut c = config();
    c.sfs.turbo_quotas.shares = 1;
    c.sfs.turbo_quotas.capacity = 800;
    let emu = Emu::with(c).await;
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(58).await;
    let a = id(&t.create("turbo-q1", &n).await.body);
    assert_eq!(t.create("turbo-q2", &n).await.err(), (400, "SFS.TURBO.0010"));
    assert_eq!(t.action(&a, json!({"extend": {"new_size": 900}})).await.err(), (400, "SFS.TURBO.0010"));
    assert_eq!(t.action(&a, json!({"extend": {"new_size": 800}})).await.status, 202);
}

#[tokio::test]
async fn regions_and_projects_are_isolated() {
    let emu = Emu::start().await;
    let de = Turbo::new(&emu, "eu-de").await;
    let nl = Turbo::new(&emu, "eu-nl").await;
    let n = de.network(59).await;
    let sid = id(&de.create("turbo-iso", &n).await.body);
    assert_eq!(nl.count().await, 0);
    assert_eq!(nl.get(&format!("/shares/{sid}")).await.err(), (404, "SFS.TURBO.0002"));
    assert_eq!(nl.action(&sid, json!({"extend": {"new_size": 600}})).await.err(), (404, "SFS.TURBO.0002"));
    assert_eq!(nl.get(&format!("/{sid}/tags")).await.err(), (404, "SFS.TURBO.0002"));
    assert_eq!(nl.get("/tags").await.body, json!({"tags": []}));
    assert_eq!(nl.post("/resource_instances/action", json!({"action": "count"})).await.body, json!({"total_count": 0}));
    // eu-de's project in eu-nl's token: the gateway refuses.
    let path = format!("/sfs-turbo/v1/{}/sfs-turbo/shares/detail", de.api.pid);
    let r = emu.call(Method::GET, &path, Some(&nl.api.token), None).await;
    assert_eq!(r.status(), 403);
    // eu-de's network cannot carry an eu-nl file system.
    let mut b = body("turbo-nl", &n);
    b["share"]["availability_zone"] = json!("eu-nl-01");
    assert_eq!(nl.post("/shares", b).await.err(), (400, "SFS.TURBO.0004"));
    let nln = nl.network(60).await;
    let mut b = body("turbo-nl", &nln);
    b["share"]["availability_zone"] = json!("eu-nl-01");
    let o = nl.post("/shares", b).await;
    assert_eq!(o.status, 202, "{}", o.body);
    assert_eq!(nl.show(&id(&o.body)).await["region"], "eu-nl");
    assert_eq!(de.count().await, 1);
    assert_eq!(nl.get(&format!("/jobs/{}", o.request_id)).await.status, 200);
    assert_eq!(de.get(&format!("/jobs/{}", o.request_id)).await.err(), (404, "SFS.TURBO.0019"));
}

#[tokio::test]
async fn the_catalog_names_the_turbo_endpoint_with_the_project() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let o = t.api.get("/v3/auth/catalog").await;
    let svc = o.body["catalog"].as_array().unwrap().iter().find(|s| s["type"] == "sfsturbo").expect("sfsturbo in the catalog").clone();
    let url = svc["endpoints"][0]["url"].as_str().unwrap();
    assert!(url.ends_with(&format!("/sfs-turbo/v1/{}", t.api.pid)), "{url}");
}

/// What the cloud does on its own, through `/_emulator/sfs-turbo/...`.
async fn inject(emu: &Emu, share: &str, event: &str) -> (u16, Value) {
    let r = emu.call(Method::POST, &format!("/_emulator/sfs-turbo/{share}/{event}"), None, None).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn failures_and_freezing_come_from_the_emulators_api() {
    let emu = Emu::with(cfg(10)).await;
    emu.server.clock.freeze();
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(61).await;

    // A creation that fails: 303, for good; it can be deleted.
    let bad = id(&t.create("turbo-fails", &n).await.body);
    let (s, v) = inject(&emu, &bad, "fail").await;
    assert_eq!((s, v["status"].as_str()), (200, Some("303")), "{v}");
    advance(&emu, 60);
    let shown = t.show(&bad).await;
    assert_eq!(shown["status"], "303");
    assert_eq!(t.action(&bad, json!({"extend": {"new_size": 600}})).await.err(), (400, "SFS.TURBO.0011"));
    assert_eq!(t.delete(&format!("/shares/{bad}")).await.status, 202);
    advance(&emu, 10);
    assert_eq!(t.get(&format!("/shares/{bad}")).await.status, 404);
    assert!(t.ports_of(&bad).await.is_empty());

    // A failed expansion keeps the old size (321); a failed group change
    // puts the ports back in the old group (332).
    let sid = id(&t.create("turbo-ok", &n).await.body);
    assert_eq!(inject(&emu, &sid, "fail").await.0, 200, "fails while creating");
    let sid = id(&t.create("turbo-ok2", &n).await.body);
    advance(&emu, 10);
    assert_eq!(inject(&emu, &sid, "fail").await.0, 400, "nothing under way");
    assert_eq!(t.action(&sid, json!({"extend": {"new_size": 700}})).await.status, 202);
    assert_eq!(inject(&emu, &sid, "fail").await.1["sub_status"], "321");
    advance(&emu, 10);
    let s = t.show(&sid).await;
    assert_eq!((s["sub_status"].as_str(), s["size"].as_str()), (Some("321"), Some("500.00")));
    let g2 = t.group("sg-turbo-f").await;
    assert_eq!(t.action(&sid, json!({"change_security_group": {"security_group_id": g2}})).await.status, 202);
    assert_eq!(inject(&emu, &sid, "fail").await.1["sub_status"], "332");
    let s = t.show(&sid).await;
    assert_eq!((s["sub_status"].as_str(), s["security_group_id"].as_str()), (Some("332"), Some(&*n.2)));
    assert!(t.ports_of(&sid).await.iter().all(|p| p["security_groups"] == json!([n.2])));

    // Frozen (800): no operation until thawed.
    assert_eq!(inject(&emu, &sid, "freeze").await.1["status"], "800");
    assert_eq!(t.show(&sid).await["status"], "800");
    assert_eq!(t.action(&sid, json!({"extend": {"new_size": 700}})).await.err(), (400, "SFS.TURBO.0011"));
    assert_eq!(inject(&emu, &sid, "freeze").await.0, 400);
    assert_eq!(inject(&emu, &sid, "unfreeze").await.1["status"], "200");
    assert_eq!(t.action(&sid, json!({"extend": {"new_size": 700}})).await.status, 202);
    assert_eq!(inject(&emu, &sid, "melt").await.0, 400);
    assert_eq!(inject(&emu, "11111111-2222-4333-8444-555555555555", "fail").await.0, 404);
}

#[tokio::test]
async fn a_users_own_rule_is_left_alone_and_the_rule_quota_is_the_turbo_code() {
    let mut c = config();
    let emu = Emu::with({
        c.network.quotas.security_group_rule = 30;
        c
    })
    .await;
    let t = Turbo::new(&emu, "eu-de").await;
    let n = t.network(62).await;
    let mine = json!({"security_group_rule": {"security_group_id": n.2, "direction": "ingress", "protocol": "tcp",
        "port_range_min": 2049, "port_range_max": 2049, "remote_ip_prefix": "0.0.0.0/0"}});
    let mine = id(&t.api.create("/v2.0/security-group-rules", mine, 201, "security_group_rule").await);
    let sid = id(&t.create("turbo-own-rule", &n).await.body);
    assert_eq!(t.delete(&format!("/shares/{sid}")).await.status, 202);
    let o = t.api.get(&format!("/v2.0/security-group-rules/{mine}")).await;
    assert_eq!(o.status, 200, "the user's rule stays: {}", o.body);
    assert_eq!(t.open_ports(&n.2).await, vec![2049]);

    // Too few rules left in the quota for the six: nothing is created.
    let used = t.api.get("/v2.0/security-group-rules").await.body["security_group_rules"].as_array().unwrap().len();
    for port in 0..(30 - used as i64 - 3) {
        let r = json!({"security_group_rule": {"security_group_id": n.2, "direction": "ingress", "protocol": "udp",
            "port_range_min": 1000 + port, "port_range_max": 1000 + port}});
        t.api.create("/v2.0/security-group-rules", r, 201, "security_group_rule").await;
    }
    assert_eq!(t.create("turbo-no-quota", &n).await.err(), (400, "SFS.TURBO.0040"));
    assert_eq!(t.count().await, 0);
    assert!(t.api.get("/v2.0/ports").await.body["ports"].as_array().unwrap().iter().all(|p| p["device_owner"] != "neutron:VIP_PORT"));
}

#[tokio::test]
async fn a_full_subnet_is_refused_and_nothing_is_taken() {
    let emu = Emu::start().await;
    let t = Turbo::new(&emu, "eu-de").await;
    let (vpc, net) = t.api.vpc_with_subnet("10.63.0.0/16", "10.63.1.0/28", "10.63.1.1").await;
    let sg = t.group("sg-small").await;
    let n = (vpc, net.clone(), sg);
    let mut made = 0;
    let refused = loop {
        let o = t.create(&format!("turbo-small-{made}"), &n).await;
        if o.status != 202 {
            break o;
        }
        made += 1;
        assert!(made < 8, "a /28 cannot hold {made} file systems");
    };
    assert_eq!(refused.err(), (400, "SFS.TURBO.0029"));
    assert!(made >= 1);
    assert_eq!(t.count().await, made);
    let o = t.api.get(&format!("/v2.0/ports?network_id={net}")).await;
    let vips = o.body["ports"].as_array().unwrap().iter().filter(|p| p["device_owner"] == "neutron:VIP_PORT").count();
    assert_eq!(vips, made, "the refused creation took no address");
}
