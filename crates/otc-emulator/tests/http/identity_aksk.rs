//! Access keys and signed requests. The signatures here are computed by a
//! signer written in this test from the gophertelekomcloud and
//! huaweicloudsdk algorithms, independently of the emulator's verifier.

use crate::common::*;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Test-side signer for simple requests (unreserved-only paths, sorted
/// single-valued queries). `scoped` picks the gophertelekomcloud form.
struct Signer {
    ak: String,
    sk: String,
    scoped: bool,
}

impl Signer {
    fn authorization(&self, method: &str, path: &str, query: &str, headers: &[(&str, String)], body: &[u8], date: &str) -> String {
        let mut names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
        names.sort();
        let canonical_headers: String =
            names.iter().map(|n| format!("{n}:{}\n", headers.iter().find(|(k, _)| k == n).unwrap().1.trim())).collect();
        let mut q: Vec<&str> = query.split('&').filter(|s| !s.is_empty()).collect();
        q.sort();
        let uri = if path.ends_with('/') { path.to_string() } else { format!("{path}/") };
        let cr =
            format!("{method}\n{uri}\n{}\n{canonical_headers}\n{}\n{}", q.join("&"), names.join(";"), hex::encode(Sha256::digest(body)));
        let hashed = hex::encode(Sha256::digest(cr.as_bytes()));
        if self.scoped {
            let scope = format!("{}/eu-de/vpc/sdk_request", &date[..8]);
            let mut k = format!("SDK{}", self.sk).into_bytes();
            for part in scope.split('/') {
                k = hmac(&k, part.as_bytes());
            }
            let sig = hex::encode(hmac(&k, format!("SDK-HMAC-SHA256\n{date}\n{scope}\n{hashed}").as_bytes()));
            format!("SDK-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={}, Signature={sig}", self.ak, names.join(";"))
        } else {
            let sig = hex::encode(hmac(self.sk.as_bytes(), format!("SDK-HMAC-SHA256\n{date}\n{hashed}").as_bytes()));
            format!("SDK-HMAC-SHA256 Access={}, SignedHeaders={}, Signature={sig}", self.ak, names.join(";"))
        }
    }
}

/// Sends a signed request; `extra` headers are signed too.
async fn signed(
    emu: &Emu,
    s: &Signer,
    method: Method,
    target: &str,
    extra: &[(&str, String)],
    body: Option<Value>,
    skew_minutes: i64,
) -> (u16, Value) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let date = (emu.server.clock.now() + chrono::Duration::minutes(skew_minutes)).format("%Y%m%dT%H%M%SZ").to_string();
    let host = emu.server.addr.to_string();
    let body_bytes = body.as_ref().map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let mut headers: Vec<(&str, String)> = vec![("host", host), ("x-sdk-date", date.clone())];
    if body.is_some() {
        headers.push(("content-type", "application/json".into()));
    }
    headers.extend(extra.iter().cloned());
    let auth = s.authorization(method.as_str(), path, query, &headers, &body_bytes, &date);
    let mut req = emu.http.request(method, emu.url(target)).header("Authorization", auth);
    for (k, v) in &headers {
        if *k != "host" {
            req = req.header(*k, v);
        }
    }
    if body.is_some() {
        req = req.body(body_bytes);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn new_key(emu: &Emu, token: &str, user_id: &str) -> (String, String) {
    let r = emu
        .call(
            Method::POST,
            "/v3.0/OS-CREDENTIAL/credentials",
            Some(token),
            Some(json!({"credential": {"user_id": user_id, "description": "ci"}})),
        )
        .await;
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    (b["credential"]["access"].as_str().unwrap().to_string(), b["credential"]["secret"].as_str().unwrap().to_string())
}

async fn me(emu: &Emu, token: &str) -> (String, String) {
    let r = emu.http.get(emu.url("/v3/auth/tokens")).header("X-Auth-Token", token).header("X-Subject-Token", token).send().await.unwrap();
    let b: Value = r.json().await.unwrap();
    (b["token"]["user"]["id"].as_str().unwrap().to_string(), b["token"]["project"]["id"].as_str().unwrap_or("").to_string())
}

#[tokio::test]
async fn permanent_keys_lifecycle_and_limit() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let (uid, _) = me(&emu, &t).await;
    // The default user starts with the configured key of the README.
    let b: Value = emu.call(Method::GET, "/v3.0/OS-CREDENTIAL/credentials", Some(&t), None).await.json().await.unwrap();
    assert_eq!(b["credentials"][0]["access"], otc_iam::DEFAULT_ACCESS_KEY);
    let r = emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/credentials", Some(&t), Some(json!({"credential": {"user_id": uid}}))).await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let ak = c["credential"]["access"].as_str().unwrap().to_string();
    assert_eq!((ak.len(), c["credential"]["secret"].as_str().unwrap().len()), (20, 40));
    assert_eq!((c["credential"]["status"].as_str(), c["credential"]["description"].as_str()), (Some("active"), Some("")));
    let (s, code, body) =
        outcome(emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/credentials", Some(&t), Some(json!({"credential": {"user_id": uid}}))).await)
            .await;
    assert_eq!((s, body["error"]["message"].as_str()), (400, Some("akSkNumExceed")), "{code}");

    let b: Value = emu.call(Method::GET, "/v3.0/OS-CREDENTIAL/credentials", Some(&t), None).await.json().await.unwrap();
    let list = b["credentials"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|c| c.get("secret").is_none()));
    let b: Value = emu.call(Method::GET, &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"), Some(&t), None).await.json().await.unwrap();
    assert!(b["credential"]["last_use_time"].is_string());
    let r = emu
        .call(
            Method::PUT,
            &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"),
            Some(&t),
            Some(json!({"credential": {"status": "inactive", "description": "off"}})),
        )
        .await;
    let b: Value = r.json().await.unwrap();
    assert_eq!((b["credential"]["status"].as_str(), b["credential"]["description"].as_str()), (Some("inactive"), Some("off")));
    let (s, code, _) = outcome(
        emu.call(
            Method::PUT,
            &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"),
            Some(&t),
            Some(json!({"credential": {"status": "paused"}})),
        )
        .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (400, "IAM.0073"));
    let (s, code, _) =
        outcome(emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/credentials", Some(&t), Some(json!({"credential": {}}))).await).await;
    assert_eq!((s, code.as_str()), (400, "IAM.0072"));
    let (s, code, _) = outcome(
        emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/credentials", Some(&t), Some(json!({"credential": {"user_id": "nobody"}}))).await,
    )
    .await;
    assert_eq!((s, code.as_str()), (404, "IAM.0004"));
    assert_eq!(emu.call(Method::DELETE, &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"), Some(&t), None).await.status(), 204);
    let (s, code, _) = outcome(emu.call(Method::GET, &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"), Some(&t), None).await).await;
    assert_eq!((s, code.as_str()), (404, "IAM.0004"));
    assert_eq!(emu.call(Method::GET, "/v3.0/OS-CREDENTIAL/credentials", None, None).await.status(), 401);
}

#[tokio::test]
async fn signed_requests_in_both_forms() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let (_, pid) = me(&emu, &t).await;
    // The configured default key signs from the first start.
    let (ak, sk) = (otc_iam::DEFAULT_ACCESS_KEY.to_string(), otc_iam::DEFAULT_SECRET_KEY.to_string());
    for scoped in [false, true] {
        let s = Signer { ak: ak.clone(), sk: sk.clone(), scoped };
        let (st, b) = signed(
            &emu,
            &s,
            Method::POST,
            &format!("/v1/{pid}/vpcs"),
            &[],
            Some(json!({"vpc": {"name": format!("signed-{scoped}"), "cidr": "10.0.0.0/8"}})),
            0,
        )
        .await;
        assert_eq!(st, 200, "{b}");
        let (st, b) = signed(&emu, &s, Method::GET, &format!("/v1/{pid}/vpcs?limit=10"), &[], None, 0).await;
        assert_eq!(st, 200);
        assert!(!b["vpcs"].as_array().unwrap().is_empty());
        // Neutron paths carry no project: X-Project-Id names it.
        let (st, b) = signed(&emu, &s, Method::GET, "/v2.0/networks", &[("x-project-id", pid.clone())], None, 0).await;
        assert_eq!(st, 200, "{b}");
        // Through the service prefix, signed with the prefix.
        let (st, _) = signed(&emu, &s, Method::GET, &format!("/vpc/v1/{pid}/vpcs"), &[], None, 0).await;
        assert_eq!(st, 200);
        // IAM calls clients make to find their project and catalog.
        let (st, b) = signed(&emu, &s, Method::GET, "/v3/projects?name=eu-de", &[], None, 0).await;
        assert_eq!((st, b["projects"][0]["id"].as_str()), (200, Some(pid.as_str())));
        let (st, b) = signed(&emu, &s, Method::GET, "/v3/auth/domains", &[], None, 0).await;
        assert_eq!((st, b["domains"].as_array().map(Vec::len)), (200, Some(1)));
        let (st, b) = signed(&emu, &s, Method::GET, "/v3/auth/catalog", &[("x-project-id", pid.clone())], None, 0).await;
        assert_eq!(st, 200, "{b}");
    }
    let nl = emu.project_id("eu-nl").await;
    let s = Signer { ak: ak.clone(), sk: sk.clone(), scoped: false };
    let (st, _) = signed(&emu, &s, Method::GET, &format!("/v1/{nl}/vpcs"), &[], None, 0).await;
    assert_eq!(st, 200, "the key's user may work in any of its projects");
    let (st, b) = signed(&emu, &s, Method::GET, &format!("/v1/{nl}/vpcs"), &[("x-project-id", pid.clone())], None, 0).await;
    assert_eq!((st, b["error_code"].as_str()), (403, Some("APIGW.0302")), "X-Project-Id and the URL disagree");
}

#[tokio::test]
async fn rejections_as_the_gateway_words_them() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let (uid, pid) = me(&emu, &t).await;
    let (ak, sk) = new_key(&emu, &t, &uid).await;
    let path = format!("/v1/{pid}/vpcs");
    let msg = |b: &Value| b["error_msg"].as_str().unwrap_or("").to_string();
    let wrong = Signer { ak: ak.clone(), sk: "x".repeat(40), scoped: false };
    let (st, b) = signed(&emu, &wrong, Method::GET, &path, &[], None, 0).await;
    assert_eq!((st, b["error_code"].as_str()), (401, Some("APIGW.0301")));
    assert_eq!(msg(&b), "Incorrect IAM authentication information: verify aksk signature fail");
    let unknown = Signer { ak: "UNKNOWNAK00000000000".into(), sk: sk.clone(), scoped: true };
    let (st, b) = signed(&emu, &unknown, Method::GET, &path, &[], None, 0).await;
    assert_eq!(st, 401);
    assert!(msg(&b).ends_with("err:ak not exist"), "{b}");
    let good = Signer { ak: ak.clone(), sk: sk.clone(), scoped: false };
    let (st, b) = signed(&emu, &good, Method::GET, &path, &[], None, 20).await;
    assert_eq!(st, 401);
    assert!(msg(&b).contains("signature expired"), "{b}");
    let (st, _) = signed(&emu, &good, Method::GET, &path, &[], None, -14).await;
    assert_eq!(st, 200, "inside the 15 minutes");
    let r = emu
        .http
        .get(emu.url(&path))
        .header("Authorization", "SDK-HMAC-SHA256 garbage")
        .header("X-Sdk-Date", "20240101T000000Z")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A tampered body fails the signature.
    let date = emu.server.clock.now().format("%Y%m%dT%H%M%SZ").to_string();
    let headers =
        vec![("host", emu.server.addr.to_string()), ("x-sdk-date", date.clone()), ("content-type", "application/json".to_string())];
    let auth = good.authorization("POST", &path, "", &headers, b"{\"vpc\":{}}", &date);
    let r = emu
        .http
        .post(emu.url(&path))
        .header("Authorization", auth)
        .header("X-Sdk-Date", date)
        .header("content-type", "application/json")
        .body("{\"vpc\":{\"name\":\"x\"}}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Disabling and deleting the key stop it at once.
    emu.call(Method::PUT, &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"), Some(&t), Some(json!({"credential": {"status": "inactive"}})))
        .await;
    let (st, b) = signed(&emu, &good, Method::GET, &path, &[], None, 0).await;
    assert_eq!(st, 401);
    assert!(msg(&b).contains("inactive"));
    emu.call(Method::PUT, &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"), Some(&t), Some(json!({"credential": {"status": "active"}})))
        .await;
    assert_eq!(signed(&emu, &good, Method::GET, &path, &[], None, 0).await.0, 200);
    emu.call(Method::DELETE, &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"), Some(&t), None).await;
    let (st, b) = signed(&emu, &good, Method::GET, &path, &[], None, 0).await;
    assert!(st == 401 && msg(&b).ends_with("ak not exist"), "{b}");
}

#[tokio::test]
async fn temporary_keys_need_their_security_token_and_expire() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let (_, pid) = me(&emu, &t).await;
    let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 900}}}});
    let r = emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/securitytokens", Some(&t), Some(body)).await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let c = &c["credential"];
    let s = Signer { ak: c["access"].as_str().unwrap().into(), sk: c["secret"].as_str().unwrap().into(), scoped: false };
    let token = c["securitytoken"].as_str().unwrap().to_string();
    assert!(c["expires_at"].as_str().unwrap().ends_with('Z'));
    let path = format!("/v1/{pid}/vpcs");
    let (st, _) = signed(&emu, &s, Method::GET, &path, &[("x-security-token", token.clone())], None, 0).await;
    assert_eq!(st, 200);
    let (st, _) = signed(&emu, &s, Method::GET, &path, &[], None, 0).await;
    assert_eq!(st, 401, "without its security token");
    let (st, _) = signed(&emu, &s, Method::GET, &path, &[("x-security-token", "gAAAAAforged".into())], None, 0).await;
    assert_eq!(st, 401);
    // The token in the body instead of the header.
    let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": t}}}});
    assert_eq!(emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/securitytokens", None, Some(body)).await.status(), 201);
    for bad in [
        json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 60}}}}),
        json!({"auth": {"identity": {"methods": ["password"]}}}),
        json!({"auth": {}}),
    ] {
        let r = emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/securitytokens", Some(&t), Some(bad.clone())).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
    emu.server.clock.advance(chrono::Duration::seconds(901));
    let (st, b) = signed(&emu, &s, Method::GET, &path, &[("x-security-token", token)], None, 0).await;
    assert_eq!(st, 401);
    assert!(b["error_msg"].as_str().unwrap().contains("expired"), "{b}");
}

#[tokio::test]
async fn temporary_keys_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (s, token, path) = {
        let emu = Emu::sqlite(dir.path()).await;
        let t = emu.token(Some("eu-de")).await;
        let (_, pid) = me(&emu, &t).await;
        let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 3600}}}});
        let before = emu.server.store.fingerprint().unwrap();
        let r = emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/securitytokens", Some(&t), Some(body)).await;
        assert_eq!(r.status(), 201);
        assert_eq!(emu.server.store.fingerprint().unwrap(), before, "a temporary key is not stored");
        let c: Value = r.json().await.unwrap();
        let c = &c["credential"];
        let s = Signer { ak: c["access"].as_str().unwrap().into(), sk: c["secret"].as_str().unwrap().into(), scoped: true };
        emu.server.stop().await;
        (s, c["securitytoken"].as_str().unwrap().to_string(), format!("/v1/{pid}/vpcs"))
    };
    let emu = Emu::sqlite(dir.path()).await;
    let msg = |b: &Value| b["error_msg"].as_str().unwrap_or("").to_string();
    let (st, b) = signed(&emu, &s, Method::GET, &path, &[("x-security-token", token.clone())], None, 0).await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = signed(&emu, &s, Method::GET, &path, &[], None, 0).await;
    assert!(st == 401 && msg(&b).contains("x-security-token not found"), "{b}");
    let last = if token.ends_with('x') { 'y' } else { 'x' };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    let (st, b) = signed(&emu, &s, Method::GET, &path, &[("x-security-token", forged)], None, 0).await;
    assert!(st == 401 && msg(&b).contains("security token is invalid"), "{b}");
}

/// A user without a role signs as it logs in: into its domain, not into a
/// project, and managing users is refused; in the admin group it may.
#[tokio::test]
async fn a_keys_roles_are_its_users() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let (_, pid) = me(&emu, &t).await;
    let r = emu.call(Method::POST, "/v3/users", Some(&t), Some(json!({"user": {"name": "signer", "password": "Secret123"}}))).await;
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    let uid = user["user"]["id"].as_str().unwrap().to_string();
    let r = emu.call(Method::POST, "/v3.0/OS-CREDENTIAL/credentials", Some(&t), Some(json!({"credential": {"user_id": uid}}))).await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let s = Signer {
        ak: c["credential"]["access"].as_str().unwrap().into(),
        sk: c["credential"]["secret"].as_str().unwrap().into(),
        scoped: false,
    };
    let (st, b) = signed(&emu, &s, Method::GET, &format!("/v1/{pid}/vpcs"), &[], None, 0).await;
    assert_eq!(st, 401, "no role in the project: {b}");
    let (st, b) = signed(&emu, &s, Method::GET, "/v3/users", &[], None, 0).await;
    assert_eq!((st, b["error_code"].as_str()), (403, Some("IAM.0002")), "{b}");
    let (st, b) = signed(&emu, &s, Method::GET, "/v3/auth/domains", &[], None, 0).await;
    assert_eq!(st, 200, "{b}");

    let r = emu.call(Method::GET, "/v3/groups?name=admin", Some(&t), None).await;
    let g: Value = r.json().await.unwrap();
    let gid = g["groups"][0]["id"].as_str().unwrap();
    assert_eq!(emu.call(Method::PUT, &format!("/v3/groups/{gid}/users/{uid}"), Some(&t), None).await.status(), 204);
    let (st, b) = signed(&emu, &s, Method::GET, &format!("/v1/{pid}/vpcs"), &[], None, 0).await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = signed(&emu, &s, Method::GET, "/v3/users", &[], None, 0).await;
    assert_eq!(st, 200, "{b}");
}
