//! The general-purpose file system (SFS 3.0): file systems on virtual
//! hosts (`{name}.sfs3.<region>.localhost`, sent as the Host header to the
//! emulator's address), OBS V1 signatures computed here from the
//! reference's StringToSign, ACLs, OBS XML errors, and the JSON tag calls.

use crate::common::*;
use crate::netkit::{id, Api};
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

/// HMAC-SHA1 (RFC 2104) over `sha1_smol`, written here apart from the
/// emulator's verifier.
fn hmac_sha1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let mut inner = sha1_smol::Sha1::new();
    inner.update(&k.iter().map(|b| b ^ 0x36).collect::<Vec<_>>());
    inner.update(msg);
    let mut outer = sha1_smol::Sha1::new();
    outer.update(&k.iter().map(|b| b ^ 0x5c).collect::<Vec<_>>());
    outer.update(&inner.digest().bytes());
    outer.digest().bytes().to_vec()
}

struct Key {
    ak: String,
    sk: String,
    /// A temporary key's `x-obs-security-token`.
    token: Option<String>,
}

fn admin_key() -> Key {
    Key { ak: otc_iam::DEFAULT_ACCESS_KEY.into(), sk: otc_iam::DEFAULT_SECRET_KEY.into(), token: None }
}

/// What an answer was: status, the OBS error code (or the JSON
/// `error_code`), headers and the body as text.
struct Answer {
    status: u16,
    code: String,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// One OBS request: a method on `/` (with `query`) of the file system
/// `bucket` in `region` (`None`: the service's own host), signed with
/// `key` at the emulator's time plus `skew` minutes unless `sign` is
/// false.
struct Req<'a> {
    method: Method,
    bucket: Option<&'a str>,
    region: &'a str,
    query: &'a str,
    /// The request path (`/` but for path style and objects).
    path: &'a str,
    headers: Vec<(&'a str, String)>,
    body: Vec<u8>,
    skew: i64,
    sign: bool,
    /// Use this secret instead of the key's (a wrong signature).
    wrong_sk: bool,
}

impl<'a> Req<'a> {
    fn new(method: Method, bucket: Option<&'a str>) -> Self {
        Req {
            method,
            bucket,
            region: "eu-de",
            query: "",
            path: "/",
            headers: Vec::new(),
            body: Vec::new(),
            skew: 0,
            sign: true,
            wrong_sk: false,
        }
    }

    fn create(bucket: &'a str) -> Self {
        let mut r = Req::new(Method::PUT, Some(bucket));
        r.headers = vec![("x-obs-bucket-type", "SFS".into()), ("x-obs-az-redundancy", "3az".into())];
        r
    }

    fn list() -> Self {
        let mut r = Req::new(Method::GET, None);
        r.headers = vec![("x-obs-bucket-type", "SFS".into())];
        r
    }

    fn region(mut self, r: &'a str) -> Self {
        self.region = r;
        self
    }

    fn query(mut self, q: &'a str) -> Self {
        self.query = q;
        self
    }

    fn body(mut self, b: &[u8]) -> Self {
        self.body = b.to_vec();
        self
    }

    fn json(mut self, v: Value) -> Self {
        self.body = serde_json::to_vec(&v).unwrap();
        self.headers.push(("content-type", "application/json".into()));
        self
    }

    async fn send(self, emu: &Emu, key: &Key) -> Answer {
        let port = emu.server.addr.port();
        let host = match self.bucket {
            Some(b) => format!("{b}.sfs3.{}.localhost:{port}", self.region),
            None => format!("sfs3.{}.localhost:{port}", self.region),
        };
        let date = (emu.server.clock.now() + chrono::Duration::minutes(self.skew)).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let mut headers = self.headers.clone();
        if self.sign {
            headers.push(("date", date));
        }
        if let Some(t) = &key.token {
            headers.push(("x-obs-security-token", t.clone()));
        }
        let target = if self.query.is_empty() { self.path.to_string() } else { format!("{}?{}", self.path, self.query) };
        let mut req = emu.http.request(self.method.clone(), emu.url(&target)).header("host", host);
        if self.sign {
            let find = |n: &str| headers.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone()).unwrap_or_default();
            let mut obs: Vec<(&str, String)> = headers.iter().filter(|(k, _)| k.starts_with("x-obs-")).cloned().collect();
            obs.sort();
            let canonical_headers: String = obs.iter().map(|(k, v)| format!("{k}:{}\n", v.trim())).collect();
            let resource = match self.bucket {
                Some(b) => format!("/{b}/"),
                None => "/".to_string(),
            };
            let resource = if self.query.is_empty() { resource } else { format!("{resource}?{}", self.query) };
            let text = format!(
                "{}\n{}\n{}\n{}\n{canonical_headers}{resource}",
                self.method.as_str(),
                find("content-md5"),
                find("content-type"),
                find("date")
            );
            let sk = if self.wrong_sk { "not-the-secret" } else { key.sk.as_str() };
            let sig = base64::engine::general_purpose::STANDARD.encode(hmac_sha1(sk.as_bytes(), text.as_bytes()));
            req = req.header("authorization", format!("OBS {}:{sig}", key.ak));
        }
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        let r = req.body(self.body).send().await.expect("answered");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let code = xml_code(&text).unwrap_or_else(|| {
            serde_json::from_str::<Value>(&text).ok().and_then(|v| v["error_code"].as_str().map(str::to_string)).unwrap_or_default()
        });
        Answer { status, code, headers, text }
    }
}

fn xml_code(text: &str) -> Option<String> {
    let start = text.find("<Code>")? + 6;
    let end = text[start..].find("</Code>")? + start;
    Some(text[start..end].to_string())
}

/// The names in a list answer.
fn names(a: &Answer) -> Vec<String> {
    a.text.split("<Name>").skip(1).map(|s| s.split("</Name>").next().unwrap().to_string()).collect()
}

async fn temporary_key(emu: &Emu, project: &str) -> Key {
    let t = emu.token(Some(project)).await;
    let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 900}}}});
    let r = emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/securitytokens", Some(&t), Some(body)).await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let c = &c["credential"];
    Key {
        ak: c["access"].as_str().unwrap().into(),
        sk: c["secret"].as_str().unwrap().into(),
        token: Some(c["securitytoken"].as_str().unwrap().into()),
    }
}

#[tokio::test]
async fn the_catalog_gives_sfs3_a_host_of_its_own() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-nl")).await;
    let r = emu.call(Method::GET, "/v3/auth/catalog", Some(&t), None).await;
    let b: Value = r.json().await.unwrap();
    let entry = b["catalog"].as_array().unwrap().iter().find(|e| e["type"] == "sfs3").expect("an sfs3 entry").clone();
    assert_eq!(entry["endpoints"][0]["url"], format!("http://sfs3.eu-nl.localhost:{}", emu.server.addr.port()));
}

#[tokio::test]
async fn file_system_lifecycle() {
    let emu = Emu::start().await;
    let key = admin_key();
    let a = Req::create("fs-one").send(&emu, &key).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.headers["location"], "/fs-one");
    assert!(a.headers.contains_key("x-obs-request-id"));
    assert_eq!(a.headers["server"], "OBS");
    // The owner creating it again in the same region: success.
    assert_eq!(Req::create("fs-one").send(&emu, &key).await.status, 200);
    let with_location = Req::create("fs-two").body(b"<CreateBucketConfiguration><Location>eu-de</Location></CreateBucketConfiguration>");
    assert_eq!(with_location.send(&emu, &key).await.status, 200);

    let l = Req::list().send(&emu, &key).await;
    assert_eq!(l.status, 200, "{}", l.text);
    assert!(l.headers["content-type"].to_str().unwrap().starts_with("application/xml"));
    assert!(l.text.contains(r#"<ListAllMyBucketsResult xmlns="http://obs.otc.t-systems.com/doc/2016-01-01/">"#), "{}", l.text);
    assert!(l.text.contains("<Location>eu-de</Location><BucketType>SFS</BucketType>"));
    assert_eq!(names(&l), ["fs-one", "fs-two"]);
    let created = l.text.split("<CreationDate>").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(chrono::DateTime::parse_from_rfc3339(&created).is_ok() && created.ends_with('Z'), "{created}");

    assert_eq!(Req::new(Method::HEAD, Some("fs-one")).send(&emu, &key).await.status, 200);
    let d = Req::new(Method::DELETE, Some("fs-one")).send(&emu, &key).await;
    assert_eq!(d.status, 204);
    assert_eq!(Req::new(Method::HEAD, Some("fs-one")).send(&emu, &key).await.status, 404);
    let again = Req::new(Method::DELETE, Some("fs-one")).send(&emu, &key).await;
    assert_eq!((again.status, again.code.as_str()), (404, "NoSuchBucket"));
    assert!(again.headers["content-type"].to_str().unwrap().starts_with("application/xml"));
    assert!(again.text.contains("<Resource>/fs-one/</Resource>") && again.text.contains("<RequestId>"), "{}", again.text);
    assert!(again.text.contains("<HostId>"));
    assert_eq!(names(&Req::list().send(&emu, &key).await), ["fs-two"]);
    // The name is free again at once (the 30 minutes are not kept).
    assert_eq!(Req::create("fs-one").send(&emu, &key).await.status, 200);
}

#[tokio::test]
async fn create_refusals_change_nothing() {
    let emu = Emu::start().await;
    let key = admin_key();
    let before = emu.server.store.fingerprint().unwrap();
    let long = "x".repeat(64);
    let mut cases: Vec<(Req<'_>, u16, &str)> = Vec::new();
    for bad in ["ab", "Upper-case", "-dash", "dot.", "a..b", "under_score", "192.168.0.1"] {
        cases.push((Req::create(bad), 400, "InvalidBucketName"));
    }
    cases.push((Req::create(&long), 400, "InvalidBucketName"));
    let mut no_type = Req::create("fs-x");
    no_type.headers.retain(|(k, _)| *k != "x-obs-bucket-type");
    cases.push((no_type, 400, "MissingRequiredHeader"));
    let mut no_az = Req::create("fs-x");
    no_az.headers.retain(|(k, _)| *k != "x-obs-az-redundancy");
    cases.push((no_az, 400, "MissingRequiredHeader"));
    let mut one_az = Req::create("fs-x");
    one_az.headers[1].1 = "1az".into();
    cases.push((one_az, 400, "InvalidArgument"));
    let mut obs_type = Req::create("fs-x");
    obs_type.headers[0].1 = "OBJECT".into();
    cases.push((obs_type, 400, "InvalidArgument"));
    cases.push((
        Req::create("fs-x").body(b"<CreateBucketConfiguration><Location>eu-nl</Location></CreateBucketConfiguration>"),
        400,
        "InvalidLocationConstraint",
    ));
    cases.push((Req::create("fs-x").body(b"<CreateBucketConfiguration><Location>eu-de"), 400, "MalformedXML"));
    cases.push((Req::create("fs-x").body(b"{\"Location\": \"eu-de\"}"), 400, "MalformedXML"));
    cases.push((Req::create("fs-x").body(b"\xff\xfe"), 400, "MalformedXML"));
    // Path-style on the service's own host: the name must be in the Host.
    let mut base = Req::create("fs-x");
    base.bucket = None;
    cases.push((base, 403, "VirtualHostDomainRequired"));
    cases.push((Req::new(Method::DELETE, None), 403, "VirtualHostDomainRequired"));
    cases.push((Req::new(Method::GET, None).query("sfsacl"), 403, "VirtualHostDomainRequired"));
    let mut path_style = Req::create("fs-x");
    path_style.bucket = None;
    path_style.path = "/fs-x";
    cases.push((path_style, 403, "VirtualHostDomainRequired"));
    // Objects (and listing them) are OBS, not SFS 3.0.
    cases.push((Req::new(Method::GET, Some("fs-x")), 405, "MethodNotAllowed"));
    let mut object = Req::new(Method::PUT, Some("fs-x"));
    object.path = "/object";
    cases.push((object, 405, "MethodNotAllowed"));
    let mut untyped_list = Req::list();
    untyped_list.headers.clear();
    cases.push((untyped_list, 400, "MissingRequiredHeader"));
    for (req, status, code) in cases {
        let label = format!("{} {:?} {:?}", req.method, req.bucket, req.headers);
        let a = req.send(&emu, &key).await;
        assert_eq!((a.status, a.code.as_str()), (status, code), "{label}: {}", a.text);
        assert!(a.text.starts_with("<?xml") && a.text.contains("<Message>"), "{label}: {}", a.text);
    }
    // On the bare port a one-segment path is no API, as before SFS 3.0.
    let bare = emu.http.put(emu.url("/fs-x")).send().await.unwrap();
    assert_eq!(bare.status(), 404);
    let b: Value = bare.json().await.unwrap();
    assert_eq!(b["error_code"], "APIGW.0101");
    assert_eq!(emu.server.store.fingerprint().unwrap(), before, "refusals leave the store as it was");
}

#[tokio::test]
async fn signature_failures_are_obs_403s() {
    let emu = Emu::start().await;
    let key = admin_key();
    let before = emu.server.store.fingerprint().unwrap();
    let mut wrong = Req::create("fs-sig");
    wrong.wrong_sk = true;
    let mut skewed = Req::create("fs-sig");
    skewed.skew = 16;
    let mut unsigned = Req::create("fs-sig");
    unsigned.sign = false;
    let unknown = Key { ak: "NOSUCHACCESSKEY00000".into(), sk: "x".into(), token: None };
    for (req, k, code) in [
        (wrong, &key, "SignatureDoesNotMatch"),
        (skewed, &key, "RequestTimeTooSkewed"),
        (unsigned, &key, "AccessDenied"),
        (Req::create("fs-sig"), &unknown, "InvalidAccessKeyId"),
    ] {
        let a = req.send(&emu, k).await;
        assert_eq!((a.status, a.code.as_str()), (403, code), "{}", a.text);
        assert!(a.headers["content-type"].to_str().unwrap().starts_with("application/xml"));
    }
    // A token is not an OBS credential, whatever it is worth elsewhere.
    let t = emu.token(Some("eu-de")).await;
    let port = emu.server.addr.port();
    let r = emu
        .http
        .put(emu.url("/"))
        .header("host", format!("fs-sig.sfs3.eu-de.localhost:{port}"))
        .header("x-auth-token", t)
        .header("x-obs-bucket-type", "SFS")
        .header("x-obs-az-redundancy", "3az")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(xml_code(&r.text().await.unwrap()).as_deref(), Some("AccessDenied"));
    // An Authorization without any date.
    let mut no_date = Req::create("fs-sig");
    no_date.sign = false;
    no_date.headers.push(("authorization", "OBS OTCEMULATORADMINKEY1:AAAA".into()));
    let a = no_date.send(&emu, &key).await;
    assert_eq!((a.status, a.code.as_str()), (403, "AccessDenied"), "no Date: {}", a.text);
    assert_eq!(emu.server.store.fingerprint().unwrap(), before);

    // A date within the 15 minutes is fine.
    let mut late = Req::create("fs-sig");
    late.skew = -14;
    assert_eq!(late.send(&emu, &key).await.status, 200);
}

#[tokio::test]
async fn temporary_keys_sign_with_their_security_token() {
    let emu = Emu::start().await;
    let tmp = temporary_key(&emu, "eu-de").await;
    let a = Req::create("fs-tmp").send(&emu, &tmp).await;
    assert_eq!(a.status, 200, "{}", a.text);
    // It is the same project's file system as the permanent key sees.
    assert_eq!(names(&Req::list().send(&emu, &admin_key()).await), ["fs-tmp"]);
    let bare = Key { ak: tmp.ak.clone(), sk: tmp.sk.clone(), token: None };
    let a = Req::list().send(&emu, &bare).await;
    assert_eq!((a.status, a.code.as_str()), (403, "InvalidAccessKeyId"), "{}", a.text);
    emu.server.clock.advance(chrono::Duration::seconds(901));
    let a = Req::list().send(&emu, &tmp).await;
    assert_eq!((a.status, a.code.as_str()), (403, "AccessDenied"), "{}", a.text);
}

#[tokio::test]
async fn names_are_global_and_regions_see_their_own() {
    let emu = Emu::start().await;
    let key = admin_key();
    assert_eq!(Req::create("fs-shared").send(&emu, &key).await.status, 200);
    assert_eq!(Req::create("fs-nl").region("eu-nl").send(&emu, &key).await.status, 200);
    // The name is taken for everyone else, eu-nl's project included.
    let a = Req::create("fs-shared").region("eu-nl").send(&emu, &key).await;
    assert_eq!((a.status, a.code.as_str()), (409, "BucketAlreadyExists"), "{}", a.text);
    assert_eq!(names(&Req::list().send(&emu, &key).await), ["fs-shared"]);
    assert_eq!(names(&Req::list().region("eu-nl").send(&emu, &key).await), ["fs-nl"]);
    let nl = Req::list().region("eu-nl").send(&emu, &key).await;
    assert!(nl.text.contains("<Location>eu-nl</Location>"));
    // Another region's file system is as absent as a missing one.
    for req in [
        Req::new(Method::HEAD, Some("fs-shared")).region("eu-nl"),
        Req::new(Method::DELETE, Some("fs-shared")).region("eu-nl"),
        Req::new(Method::GET, Some("fs-shared")).region("eu-nl").query("sfsacl"),
        Req::new(Method::DELETE, Some("fs-shared")).region("eu-nl").query("sfsacl"),
    ] {
        let a = req.send(&emu, &key).await;
        assert_eq!(a.status, 404, "{}", a.text);
    }
    // A Location naming another region is refused in this one.
    let a =
        Req::create("fs-loc").body(b"<CreateBucketConfiguration><Location>eu-de</Location></CreateBucketConfiguration>").region("eu-nl");
    assert_eq!(a.send(&emu, &key).await.code, "InvalidLocationConstraint");
    assert_eq!(Req::new(Method::HEAD, Some("fs-shared")).send(&emu, &key).await.status, 200);
}

#[tokio::test]
async fn acls_name_the_callers_vpcs() {
    let emu = Emu::start().await;
    let key = admin_key();
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let vpc = id(&de.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "a", "cidr": "192.168.0.0/16"}}), 200, "vpc").await);
    let nl_vpc = id(&nl.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "b", "cidr": "10.0.0.0/8"}}), 200, "vpc").await);
    assert_eq!(Req::create("fs-acl").send(&emu, &key).await.status, 200);

    let a = Req::new(Method::GET, Some("fs-acl")).query("sfsacl").send(&emu, &key).await;
    assert_eq!(a.status, 204, "no ACL yet");
    let statement = |vpc: &str| json!({"Statement": [{"Sid": "s1", "Action": "FullControl", "Effect": "Allow", "Condition": {"SourceVpc": vpc, "VpcSourceIp": ["127.0.0.1/24"]}}]});
    let a = Req::new(Method::PUT, Some("fs-acl")).query("sfsacl").json(statement(&vpc)).send(&emu, &key).await;
    assert_eq!(a.status, 204, "{}", a.text);
    let a = Req::new(Method::GET, Some("fs-acl")).query("sfsacl").send(&emu, &key).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json(),
        json!({"Statement": [{"Sid": "s1", "Action": "FullControl", "Effect": "Allow", "Condition": {"SourceVpc": vpc}}]})
    );

    let before = emu.server.store.fingerprint().unwrap();
    let bad: Vec<(Vec<u8>, &str)> = vec![
        (serde_json::to_vec(&statement(&nl_vpc)).unwrap(), "InvalidArgument"),
        (serde_json::to_vec(&statement("not-a-vpc")).unwrap(), "InvalidArgument"),
        (br#"{"Statement": [{"Action": "Write", "Effect": "Allow", "Condition": {"SourceVpc": "x"}}]}"#.to_vec(), "InvalidArgument"),
        (br#"{"Statement": [{"Action": "Read", "Effect": "Deny", "Condition": {"SourceVpc": "x"}}]}"#.to_vec(), "InvalidArgument"),
        (br#"{"Statement": [{"Action": "Read", "Effect": "Allow"}]}"#.to_vec(), "InvalidArgument"),
        (br#"{"Statement": [{"Action": "Read", "Effect": "Allow", "Condition": {"SourceVpc": 7}}]}"#.to_vec(), "InvalidArgument"),
        (br#"{"Statement": {"Action": "Read"}}"#.to_vec(), "InvalidArgument"),
        (br#"{"Statement": ["x"]}"#.to_vec(), "InvalidArgument"),
        (br#"[]"#.to_vec(), "InvalidArgument"),
        (b"<xml/>".to_vec(), "InvalidRequestBody"),
        (b"".to_vec(), "InvalidRequestBody"),
    ];
    for (body, code) in bad {
        let a = Req::new(Method::PUT, Some("fs-acl")).query("sfsacl").body(&body).send(&emu, &key).await;
        assert_eq!((a.status, a.code.as_str()), (400, code), "{}: {}", String::from_utf8_lossy(&body), a.text);
    }
    let too_many: Vec<Value> = (0..21).map(|_| json!({"Action": "Read", "Effect": "Allow", "Condition": {"SourceVpc": vpc}})).collect();
    let a = Req::new(Method::PUT, Some("fs-acl")).query("sfsacl").json(json!({ "Statement": too_many })).send(&emu, &key).await;
    assert_eq!(a.code, "InvalidArgument");
    assert_eq!(emu.server.store.fingerprint().unwrap(), before, "refused ACLs change nothing");
    let a = Req::new(Method::PUT, Some("fs-missing")).query("sfsacl").json(statement(&vpc)).send(&emu, &key).await;
    assert_eq!((a.status, a.code.as_str()), (404, "NoSuchBucket"));

    assert_eq!(Req::new(Method::DELETE, Some("fs-acl")).query("sfsacl").send(&emu, &key).await.status, 204);
    assert_eq!(Req::new(Method::GET, Some("fs-acl")).query("sfsacl").send(&emu, &key).await.status, 204);
    // Deleting an ACL that is not there is fine too.
    assert_eq!(Req::new(Method::DELETE, Some("fs-acl")).query("sfsacl").send(&emu, &key).await.status, 204);
}

#[tokio::test]
async fn tags_by_resource_project_and_query() {
    let emu = Emu::start().await;
    let key = admin_key();
    let de = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    for fs in ["fs-a", "fs-b", "other-c"] {
        assert_eq!(Req::create(fs).send(&emu, &key).await.status, 200);
    }
    let base = "/v3/sfs/tms/{pid}/file-systems";
    let ok = de
        .post(&format!("{base}/fs-a/tags/create"), json!({"tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "a b"}]}))
        .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(de.post(&format!("{base}/fs-b/tags/create"), json!({"tags": [{"key": "env", "value": "dev"}]})).await.status, 204);
    // An existing key takes the new value.
    assert_eq!(de.post(&format!("{base}/fs-b/tags/create"), json!({"tags": [{"key": "env", "value": "test"}]})).await.status, 204);
    let t = de.get(&format!("{base}/fs-b/tags")).await;
    assert_eq!(t.body, json!({"tags": [{"key": "env", "value": "test"}]}));
    let p = de.get(&format!("{base}/tags")).await;
    assert_eq!(p.body, json!({"tags": [{"key": "env", "values": ["prod", "test"]}, {"key": "team", "values": ["a b"]}]}));

    let f = de.post(&format!("{base}/resource-instances/filter"), json!({})).await;
    assert_eq!(f.status, 200);
    assert_eq!(f.body["total_count"], 3);
    assert_eq!(f.body["resources"][0]["resource_id"], "other-c", "newest first");
    let f = de.post(&format!("{base}/resource-instances/filter?limit=1&offset=1"), json!({"tags": [{"key": "env", "values": []}]})).await;
    assert_eq!(f.body["total_count"], 2);
    assert_eq!(f.body["resources"].as_array().unwrap().len(), 1);
    assert_eq!(f.body["resources"][0]["resource_name"], "fs-a");
    assert_eq!(f.body["resources"][0]["tags"], json!([{"key": "env", "value": "prod"}, {"key": "team", "value": "a b"}]));
    assert_eq!(f.body["resources"][0]["sys_tags"], json!([]));
    let count = |body: Value| {
        let de = &de;
        async move { de.post(&format!("{base}/resource-instances/count"), body).await.body["total_count"].clone() }
    };
    assert_eq!(count(json!({"tags": [{"key": "env", "values": ["prod", "dev"]}]})).await, 1);
    assert_eq!(count(json!({"tags": [{"key": "env", "values": []}, {"key": "team", "values": []}]})).await, 1);
    assert_eq!(count(json!({"without_any_tag": true})).await, 1);
    assert_eq!(count(json!({"matches": [{"key": "resource_name", "value": "fs-"}]})).await, 2);

    // Deleting a missing tag is fine; a value, when given, must match.
    let d = de.post(&format!("{base}/fs-a/tags/delete"), json!({"tags": [{"key": "env", "value": "other"}, {"key": "nope"}]})).await;
    assert_eq!(d.status, 204);
    assert_eq!(de.get(&format!("{base}/fs-a/tags")).await.body["tags"].as_array().unwrap().len(), 2);
    assert_eq!(de.post(&format!("{base}/fs-a/tags/delete"), json!({"tags": [{"key": "env"}]})).await.status, 204);
    assert_eq!(de.get(&format!("{base}/fs-a/tags")).await.body, json!({"tags": [{"key": "team", "value": "a b"}]}));

    // eu-nl's first call sets up its network (its default security group).
    assert_eq!(nl.get(&format!("{base}/tags")).await.status, 200);
    let before = emu.server.store.fingerprint().unwrap();
    let twenty_one: Vec<Value> = (0..21).map(|i| json!({"key": format!("k{i}"), "value": ""})).collect();
    for (path, body, status, code) in [
        ("fs-a/tags/create", json!({"tags": [{"key": "bad/key", "value": "v"}]}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"tags": [{"key": "_sys_x", "value": "v"}]}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"tags": [{"key": "k", "value": "v".repeat(256)}]}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"tags": [{"key": "k".repeat(129), "value": "v"}]}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"tags": [{"key": " k", "value": "v"}]}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"tags": [{"key": "k", "value": 1}]}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"tags": [{"key": "k"}, {"key": "k"}]}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({ "tags": twenty_one }), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"tags": []}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({}), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!([]), 400, "SFS3.0400"),
        ("fs-a/tags/create", json!({"sys_tags": [{"key": "_sys_enterprise_project_id", "value": "0"}]}), 403, "SFS3.0403"),
        ("fs-a/tags/delete", json!({"tags": "env"}), 400, "SFS3.0400"),
        ("missing/tags/create", json!({"tags": [{"key": "k", "value": "v"}]}), 404, "SFS3.0404"),
        ("missing/tags/delete", json!({"tags": [{"key": "k"}]}), 404, "SFS3.0404"),
        ("resource-instances/filter?limit=0", json!({}), 400, "SFS3.0400"),
        ("resource-instances/filter?limit=1001", json!({}), 400, "SFS3.0400"),
        ("resource-instances/filter?offset=-1", json!({}), 400, "SFS3.0400"),
        ("resource-instances/filter", json!({"without_any_tag": "yes"}), 400, "SFS3.0400"),
        ("resource-instances/filter", json!({"matches": [{"key": "name", "value": "x"}]}), 400, "SFS3.0400"),
        ("resource-instances/count", json!({"tags": [{"key": "k", "values": "v"}]}), 400, "SFS3.0400"),
        ("resource-instances/count", json!({"sys_tags": []}), 403, "SFS3.0403"),
    ] {
        let a = de.post(&format!("{base}/{path}"), body.clone()).await;
        assert_eq!((a.status, a.code.as_str()), (status, code), "{path} {body}: {}", a.body);
        assert!(a.body["error_msg"].is_string());
    }
    assert_eq!(de.get(&format!("{base}/missing/tags")).await.status, 404);
    // eu-nl's project sees none of eu-de's file systems.
    assert_eq!(nl.get(&format!("{base}/fs-a/tags")).await.status, 404);
    assert_eq!(nl.post(&format!("{base}/fs-a/tags/create"), json!({"tags": [{"key": "k", "value": "v"}]})).await.status, 404);
    assert_eq!(nl.get(&format!("{base}/tags")).await.body, json!({"tags": []}));
    assert_eq!(nl.post(&format!("{base}/resource-instances/count"), json!({})).await.body["total_count"], 0);
    // Another project's id in the path is the gateway's refusal.
    let foreign = emu.call(Method::GET, &format!("/v3/sfs/tms/{}/file-systems/tags", de.pid), Some(&nl.token), None).await;
    assert_eq!(foreign.status(), 403);
    assert_eq!(emu.server.store.fingerprint().unwrap(), before, "refused tag calls change nothing");

    // Tags go with their file system.
    assert_eq!(Req::new(Method::DELETE, Some("fs-a")).send(&emu, &key).await.status, 204);
    assert_eq!(de.get(&format!("{base}/fs-a/tags")).await.status, 404);
    assert_eq!(Req::create("fs-a").send(&emu, &key).await.status, 200);
    assert_eq!(de.get(&format!("{base}/fs-a/tags")).await.body, json!({"tags": []}));
}

#[tokio::test]
async fn another_domain_sees_nothing_but_the_taken_name() {
    use otc_iam::{AccessKeySeed, DomainSeed, IamConfig, UserSeed};
    let mut cfg = config();
    let mut domains = IamConfig::default().domains;
    domains.push(DomainSeed {
        name: "other".into(),
        users: vec![UserSeed {
            name: "bob".into(),
            password: "secret".into(),
            access_keys: vec![AccessKeySeed { access: "BOBACCESSKEY00000001".into(), secret: "bob-secret".into() }],
        }],
        projects: vec!["eu-de".into()],
    });
    cfg.identity = IamConfig { domains, ..IamConfig::default() };
    let emu = Emu::with(cfg).await;
    let admin = admin_key();
    let bob = Key { ak: "BOBACCESSKEY00000001".into(), sk: "bob-secret".into(), token: None };
    assert_eq!(Req::create("fs-admin").send(&emu, &admin).await.status, 200);
    let de = Api::new(&emu, "eu-de").await;
    assert_eq!(
        de.post("/v3/sfs/tms/{pid}/file-systems/fs-admin/tags/create", json!({"tags": [{"key": "k", "value": "v"}]})).await.status,
        204
    );
    let before = emu.server.store.fingerprint().unwrap();

    let l = Req::list().send(&emu, &bob).await;
    assert_eq!(l.status, 200, "{}", l.text);
    assert!(names(&l).is_empty());
    assert!(!l.text.contains(&de.pid));
    let a = Req::create("fs-admin").send(&emu, &bob).await;
    assert_eq!((a.status, a.code.as_str()), (409, "BucketAlreadyExists"));
    for req in [
        Req::new(Method::HEAD, Some("fs-admin")),
        Req::new(Method::DELETE, Some("fs-admin")),
        Req::new(Method::GET, Some("fs-admin")).query("sfsacl"),
        Req::new(Method::DELETE, Some("fs-admin")).query("sfsacl"),
        Req::new(Method::PUT, Some("fs-admin")).query("sfsacl").json(json!({"Statement": []})),
    ] {
        let label = format!("{} {}", req.method, req.query);
        let a = req.send(&emu, &bob).await;
        assert_eq!(a.status, 404, "{label}: {}", a.text);
    }
    let r = emu.issue(password_auth("bob", "secret", "other", Some("eu-de"))).await;
    let token = r.headers()["x-subject-token"].to_str().unwrap().to_string();
    let b: Value = r.json().await.unwrap();
    let pid = b["token"]["project"]["id"].as_str().unwrap().to_string();
    let base = format!("/v3/sfs/tms/{pid}/file-systems");
    let get = emu.call(Method::GET, &format!("{base}/fs-admin/tags"), Some(&token), None).await;
    assert_eq!(get.status(), 404);
    let count = emu.call(Method::POST, &format!("{base}/resource-instances/count"), Some(&token), Some(json!({}))).await;
    assert_eq!(count.json::<Value>().await.unwrap()["total_count"], 0);
    let after = emu.server.store.fingerprint().unwrap();
    // Bob's first network call sets up his project's network; nothing of the admin's changed.
    let changed: Vec<String> = before.diff(&after).into_iter().filter(|d| !d.contains("vpc.")).collect();
    assert!(changed.is_empty(), "{changed:?}");
}
