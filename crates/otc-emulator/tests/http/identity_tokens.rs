use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn password_token_scoped_to_a_project() {
    let emu = Emu::start().await;
    let r = emu.issue(password_auth("admin", "emulator", "emulator", Some("eu-de"))).await;
    assert_eq!(r.status(), 201);
    assert!(r.headers().contains_key("x-request-id"));
    assert!(r.headers().contains_key("x-openstack-request-id"));
    let secret = r.headers()["x-subject-token"].to_str().unwrap().to_string();
    assert!(secret.len() >= 64, "tokens are unguessable");
    let b: Value = r.json().await.unwrap();
    let t = &b["token"];
    assert_eq!(t["methods"], json!(["password"]));
    assert_eq!(t["project"]["name"], "eu-de");
    assert_eq!(t["project"]["domain"]["name"], "emulator");
    assert_eq!(t["user"]["name"], "admin");
    assert_eq!(t["user"]["domain"]["name"], "emulator");
    assert!(t["user"]["password_expires_at"].is_null());
    assert!(t.get("domain").is_none());
    assert_eq!(t["roles"][0]["id"], "0");
    let issued = otc_core::time::parse(t["issued_at"].as_str().unwrap()).unwrap();
    let expires = otc_core::time::parse(t["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires - issued, chrono::Duration::hours(24));
    assert!(t["expires_at"].as_str().unwrap().ends_with('Z'));
    let identity = t["catalog"].as_array().unwrap().iter().find(|s| s["type"] == "identity").expect("identity in catalog");
    assert_eq!(identity["endpoints"][0]["region"], "eu-de");
    assert_eq!(identity["endpoints"][0]["url"], emu.url("/v3"));
    assert_eq!(identity["endpoints"][0]["interface"], "public");
}

#[tokio::test]
async fn scopes_by_id_by_domain_and_none() {
    let emu = Emu::start().await;
    let pid = emu.project_id("eu-nl").await;
    let mut body = password_auth("admin", "emulator", "emulator", None);
    body["auth"]["scope"] = json!({"project": {"id": pid}});
    let b: Value = emu.issue(body.clone()).await.json().await.unwrap();
    assert_eq!(b["token"]["project"]["name"], "eu-nl");

    body["auth"]["scope"] = json!({"domain": {"name": "emulator"}});
    let b: Value = emu.issue(body.clone()).await.json().await.unwrap();
    assert_eq!(b["token"]["domain"]["name"], "emulator");
    assert!(b["token"].get("project").is_none());

    // Project and domain together: the project wins.
    body["auth"]["scope"] = json!({"domain": {"name": "emulator"}, "project": {"name": "eu-de"}});
    let b: Value = emu.issue(body.clone()).await.json().await.unwrap();
    assert_eq!(b["token"]["project"]["name"], "eu-de");

    // No scope: a global (domain) token.
    let r = emu.issue(password_auth("admin", "emulator", "emulator", None)).await;
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["token"]["domain"]["name"], "emulator");

    // Another domain's scope is refused.
    body["auth"]["scope"] = json!({"domain": {"name": "someone-else"}});
    let (s, code, _) = outcome(emu.issue(body).await).await;
    assert_eq!((s, code.as_str()), (403, "IAM.0002"));
}

#[tokio::test]
async fn nocatalog_leaves_the_catalog_out() {
    let emu = Emu::start().await;
    let body = password_auth("admin", "emulator", "emulator", Some("eu-de"));
    let r = emu.http.post(emu.url("/v3/auth/tokens?nocatalog=true")).json(&body).send().await.unwrap();
    let b: Value = r.json().await.unwrap();
    assert!(b["token"].get("catalog").is_none());
    let r = emu.http.post(emu.url("/v3/auth/tokens?nocatalog=")).json(&body).send().await.unwrap();
    let b: Value = r.json().await.unwrap();
    assert!(b["token"].get("catalog").is_some(), "only a non-empty value means true");
}

#[tokio::test]
async fn refusals_of_token_issuance() {
    let emu = Emu::start().await;
    let cases: Vec<(Value, u16, &str)> = vec![
        (password_auth("admin", "wrong", "emulator", None), 401, "IAM.0062"),
        (password_auth("nobody", "emulator", "emulator", None), 401, "IAM.0001"),
        (password_auth("admin", "emulator", "nodomain", None), 401, "IAM.0001"),
        (password_auth("admin", "emulator", "emulator", Some("eu-xx")), 400, "IAM.1109"),
        (json!({}), 400, "IAM.0072"),
        (json!({"auth": {}}), 400, "IAM.0072"),
        (json!({"auth": {"identity": {"methods": "password"}}}), 400, "IAM.0073"),
        (json!({"auth": {"identity": {"methods": []}}}), 400, "IAM.0073"),
        (json!({"auth": {"identity": {"methods": ["password"]}}}), 400, "IAM.0072"),
        (
            json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "emulator"}}}}}}),
            400,
            "IAM.0072",
        ),
        (
            json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": 5, "password": "x", "domain": {"name": "emulator"}}}}}}),
            400,
            "IAM.0073",
        ),
        (json!({"auth": {"identity": {"methods": ["totp"]}}}), 401, "IAM.0001"),
        (json!([1, 2]), 400, "IAM.0011"),
    ];
    for (body, status, code) in cases {
        let (s, c, b) = outcome(emu.issue(body.clone()).await).await;
        assert_eq!((s, c.as_str()), (status, code), "{body} -> {b}");
        assert_eq!(b["error"]["code"], status, "Keystone envelope for {body}");
        assert!(b["error"]["title"].is_string());
    }
    for raw in ["{", "", "null", "\"x\"", "{\"auth\": 1}"] {
        let r = emu.http.post(emu.url("/v3/auth/tokens")).header("content-type", "application/json").body(raw).send().await.unwrap();
        assert_eq!(r.status(), 400, "body {raw:?}");
    }
}

#[tokio::test]
async fn validate_check_and_revoke() {
    let emu = Emu::start().await;
    let caller = emu.token(Some("eu-de")).await;
    let subject = emu.token(Some("eu-nl")).await;
    let with_subject = |m: Method, s: &str| {
        emu.http.request(m, emu.url("/v3/auth/tokens")).header("X-Auth-Token", &caller).header("X-Subject-Token", s.to_string())
    };

    let r = with_subject(Method::GET, &subject).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-subject-token"], subject.as_str());
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["token"]["project"]["name"], "eu-nl");
    assert!(b["token"]["catalog"].is_array());

    let r = emu
        .http
        .get(emu.url("/v3/auth/tokens?nocatalog=1"))
        .header("X-Auth-Token", &caller)
        .header("X-Subject-Token", &subject)
        .send()
        .await
        .unwrap();
    let b: Value = r.json().await.unwrap();
    assert!(b["token"].get("catalog").is_none());

    let r = with_subject(Method::HEAD, &subject).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/auth/tokens", Some(&caller), None).await).await;
    assert_eq!((s, c.as_str()), (400, "IAM.0009"));
    let (s, c, _) = outcome(with_subject(Method::GET, "emu-not-a-token").send().await.unwrap()).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));

    let r = with_subject(Method::DELETE, &subject).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(with_subject(Method::HEAD, &subject).send().await.unwrap().status(), 404);
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/auth/projects", Some(&subject), None).await).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"), "a revoked token stops working");
    let (s, c, _) = outcome(with_subject(Method::DELETE, &subject).send().await.unwrap()).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));
}

#[tokio::test]
async fn tokens_expire_on_the_clock() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    emu.server.clock.advance(chrono::Duration::hours(23));
    assert_eq!(emu.call(Method::GET, "/v3/auth/projects", Some(&t), None).await.status(), 200);
    emu.server.clock.advance(chrono::Duration::hours(2));
    let (s, c, b) = outcome(emu.call(Method::GET, "/v3/auth/projects", Some(&t), None).await).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0066"));
    assert_eq!(b["error"]["message"], "The token has expired.");
    // An expired token can still be deleted.
    let fresh = emu.token(Some("eu-de")).await;
    let r = emu.http.delete(emu.url("/v3/auth/tokens")).header("X-Auth-Token", &fresh).header("X-Subject-Token", &t).send().await.unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn token_method_rescopes_and_keeps_expiry() {
    let emu = Emu::start().await;
    let r = emu.issue(password_auth("admin", "emulator", "emulator", None)).await;
    let t = r.headers()["x-subject-token"].to_str().unwrap().to_string();
    let first: Value = r.json().await.unwrap();
    let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": t}}, "scope": {"project": {"name": "eu-nl"}}}});
    let r = emu.issue(body).await;
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["token"]["project"]["name"], "eu-nl");
    assert_eq!(b["token"]["expires_at"], first["token"]["expires_at"]);
    assert_eq!(b["token"]["methods"], json!(["token"]));
    let bad = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "nope"}}}});
    let (s, c, _) = outcome(emu.issue(bad).await).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"));
}

#[tokio::test]
async fn tokens_and_projects_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (token, revoked, project_id, eu_de) = {
        let emu = Emu::sqlite(dir.path()).await;
        let token = emu.token(Some("eu-de")).await;
        let r = emu.call(Method::POST, "/v3/projects", Some(&token), Some(json!({"project": {"name": "eu-de_persist"}}))).await;
        assert_eq!(r.status(), 201);
        let b: Value = r.json().await.unwrap();
        let eu_de = emu.project_id("eu-de").await;
        // The token's key is retired before the restart; another token is revoked.
        assert_eq!(emu.http.post(emu.url("/_emulator/signing-keys/rotate")).send().await.unwrap().status(), 200);
        let revoked = emu.token(Some("eu-de")).await;
        let r = emu.http.delete(emu.url("/v3/auth/tokens")).header("X-Auth-Token", &token).header("X-Subject-Token", &revoked).send().await;
        assert_eq!(r.unwrap().status(), 204);
        emu.server.stop().await;
        (token, revoked, b["project"]["id"].as_str().unwrap().to_string(), eu_de)
    };
    let emu = Emu::sqlite(dir.path()).await;
    let r = emu.call(Method::GET, &format!("/v3/projects/{project_id}"), Some(&token), None).await;
    assert_eq!(r.status(), 200, "the token and the project are still there");
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/auth/projects", Some(&revoked), None).await).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"), "a revoked token stays revoked");
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["project"]["name"], "eu-de_persist");
    assert_eq!(emu.project_id("eu-de").await, eu_de, "seeded ids are stable across restarts");
}

#[tokio::test]
async fn issuing_a_thousand_tokens_stores_nothing() {
    let emu = Emu::start().await;
    let first = emu.token(Some("eu-de")).await;
    let before = emu.server.store.fingerprint().unwrap();
    let mut last = String::new();
    for i in 0..1000 {
        last = emu.token(if i % 2 == 0 { Some("eu-de") } else { None }).await;
    }
    for t in [&first, &last] {
        assert_eq!(emu.call(Method::GET, "/v3/auth/projects", Some(t), None).await.status(), 200);
    }
    let after = emu.server.store.fingerprint().unwrap();
    assert_eq!(before, after, "documents changed: {:?}", before.diff(&after));
}

#[tokio::test]
async fn a_tampered_token_is_refused() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let pid = emu.project_id("eu-de").await;
    let mut b = t.clone().into_bytes();
    let i = b.len() / 2;
    b[i] = if b[i] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(b).unwrap();
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/auth/projects", Some(&tampered), None).await).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"));
    let (s, c, _) = outcome(emu.call(Method::GET, &format!("/v1/{pid}/vpcs"), Some(&tampered), None).await).await;
    assert_eq!((s, c.as_str()), (401, "APIGW.0301"));
    assert_eq!(emu.call(Method::GET, &format!("/v1/{pid}/vpcs"), Some(&t), None).await.status(), 200);
}

#[tokio::test]
async fn signing_keys_rotate_through_the_emulator_api() {
    let emu = Emu::start().await;
    let old = emu.token(Some("eu-de")).await;
    let keys: Value = emu.http.get(emu.url("/_emulator/signing-keys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(keys["signing_keys"].as_array().unwrap().len(), 1);
    assert!(keys["signing_keys"][0].get("secret").is_none(), "secrets are never shown");
    let r = emu.http.post(emu.url("/_emulator/signing-keys/rotate")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let keys: Value = r.json().await.unwrap();
    let keys = keys["signing_keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 2);
    assert!(keys[0]["retired_at"].is_string() && keys[0]["signs"] == false);
    assert!(keys[1]["retired_at"].is_null() && keys[1]["signs"] == true);
    let new = emu.token(Some("eu-de")).await;
    for t in [&old, &new] {
        assert_eq!(emu.call(Method::GET, "/v3/auth/projects", Some(t), None).await.status(), 200);
    }
}
