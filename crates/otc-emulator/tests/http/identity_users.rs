//! IAM user management: Keystone's /v3/users, OTC's /v3.0/OS-USER, group
//! membership, and what a created user may do with its token.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn call(emu: &Emu, m: Method, path: &str, token: &str, body: Option<Value>) -> (u16, String, Value) {
    outcome(emu.call(m, path, Some(token), body).await).await
}

async fn admin_group(emu: &Emu, t: &str) -> String {
    let (s, _, b) = call(emu, Method::GET, "/v3/groups?name=admin", t, None).await;
    assert_eq!(s, 200, "{b}");
    b["groups"][0]["id"].as_str().unwrap().to_string()
}

/// A token of `user` (password `pw`), scoped to `project` or the domain.
async fn login(emu: &Emu, user: &str, pw: &str, project: Option<&str>) -> Result<String, (u16, String)> {
    let r = emu.issue(password_auth(user, pw, "emulator", project)).await;
    if r.status() == 201 {
        return Ok(r.headers()["x-subject-token"].to_str().unwrap().to_string());
    }
    let (s, c, _) = outcome(r).await;
    Err((s, c))
}

#[tokio::test]
async fn keystone_user_lifecycle() {
    let emu = Emu::start().await;
    let t = emu.token(None).await;
    let (s, _, b) = call(
        &emu,
        Method::POST,
        "/v3/users",
        &t,
        Some(json!({"user": {"name": "james.doe", "password": "Secret123", "description": "dev"}})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let u = &b["user"];
    let id = u["id"].as_str().unwrap().to_string();
    assert_eq!(u["enabled"], true);
    assert_eq!(u["password_expires_at"], Value::Null);
    assert_eq!(u["links"]["self"], emu.url(&format!("/v3/users/{id}")));
    let domain = u["domain_id"].as_str().unwrap().to_string();

    // The name is taken: 409, what `--or-show` relies on.
    let (s, c, b) = call(&emu, Method::POST, "/v3/users", &t, Some(json!({"user": {"name": "james.doe"}}))).await;
    assert_eq!((s, c.as_str()), (409, "IAM.0005"));
    assert_eq!(b["error"]["code"], 409);
    assert_eq!(b["error"]["title"], "Conflict");

    let (s, _, b) = call(&emu, Method::GET, &format!("/v3/users/{id}"), &t, None).await;
    assert_eq!(s, 200);
    assert_eq!(b["user"]["name"], "james.doe");
    assert_eq!(b["user"]["description"], "dev");

    for (q, n) in [
        ("name=james.doe".to_string(), 1),
        ("name=nobody".into(), 0),
        (format!("domain_id={domain}"), 2),
        ("enabled=false".into(), 0),
        ("password_expires_at=lt:2016-12-08T22:02:00Z".into(), 0),
    ] {
        let (s, _, b) = call(&emu, Method::GET, &format!("/v3/users?{q}"), &t, None).await;
        assert_eq!(s, 200, "{q}: {b}");
        assert_eq!(b["users"].as_array().unwrap().len(), n, "{q}: {b}");
        assert_eq!(b["links"]["self"], emu.url(&format!("/v3/users?{q}")));
    }
    for q in ["enabled=maybe", "password_expires_at=soon", "password_expires_at=lt:yesterday"] {
        let (s, c, _) = call(&emu, Method::GET, &format!("/v3/users?{q}"), &t, None).await;
        assert_eq!((s, c.as_str()), (400, "IAM.0007"), "{q}");
    }

    let (s, _, b) = call(
        &emu,
        Method::PATCH,
        &format!("/v3/users/{id}"),
        &t,
        Some(json!({"user": {"name": "james.d", "description": "lead", "enabled": true}})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["user"]["name"], "james.d");
    assert_eq!(b["user"]["description"], "lead");

    // The user logs in with its password; owning no role, only unscoped.
    let own = login(&emu, "james.d", "Secret123", None).await.unwrap();
    assert_eq!(login(&emu, "james.d", "Secret123", Some("eu-de")).await, Err((401, "IAM.0001".into())));
    assert_eq!(login(&emu, "james.d", "wrong1234", None).await, Err((401, "IAM.0062".into())));

    // It changes its own password; its tokens end with the old one.
    let path = format!("/v3/users/{id}/password");
    let (s, c, _) =
        call(&emu, Method::POST, &path, &own, Some(json!({"user": {"original_password": "nope", "password": "Better456"}}))).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0062"));
    let (s, c, _) =
        call(&emu, Method::POST, &path, &own, Some(json!({"user": {"original_password": "Secret123", "password": "short"}}))).await;
    assert_eq!((s, c.as_str()), (400, "1118"));
    let (s, c, _) =
        call(&emu, Method::POST, &path, &own, Some(json!({"user": {"original_password": "Secret123", "password": "Secret123"}}))).await;
    assert_eq!((s, c.as_str()), (400, "1108"));
    let (s, c, _) =
        call(&emu, Method::POST, &path, &t, Some(json!({"user": {"original_password": "Secret123", "password": "Better456"}}))).await;
    assert_eq!((s, c.as_str()), (403, "IAM.0002"), "not even an administrator sets another's password here");
    let (s, _, _) =
        call(&emu, Method::POST, &path, &own, Some(json!({"user": {"original_password": "Secret123", "password": "Better456"}}))).await;
    assert_eq!(s, 204);
    let (s, c, _) = call(&emu, Method::GET, &format!("/v3/users/{id}"), &own, None).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"), "the old token ended with the password");
    assert_eq!(login(&emu, "james.d", "Secret123", None).await, Err((401, "IAM.0062".into())));
    let own = login(&emu, "james.d", "Better456", None).await.unwrap();

    // An access key of the user, then the user goes with its keys and tokens.
    let (s, _, b) = call(&emu, Method::POST, "/v3.0/OS-CREDENTIAL/credentials", &t, Some(json!({"credential": {"user_id": id}}))).await;
    assert_eq!(s, 201, "{b}");
    let ak = b["credential"]["access"].as_str().unwrap().to_string();
    assert_eq!(call(&emu, Method::DELETE, &format!("/v3/users/{id}"), &t, None).await.0, 204);
    let (s, c, _) = call(&emu, Method::GET, &format!("/v3/users/{id}"), &t, None).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));
    let (s, c, _) = call(&emu, Method::GET, &format!("/v3.0/OS-CREDENTIAL/credentials/{ak}"), &t, None).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"), "its access key went with it");
    let (s, c, _) = call(&emu, Method::GET, "/v3/auth/projects", &own, None).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"), "its token went with it");
    assert_eq!(login(&emu, "james.d", "Better456", None).await, Err((401, "IAM.0001".into())));
    let (s, c, _) = call(&emu, Method::DELETE, &format!("/v3/users/{id}"), &t, None).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));
}

#[tokio::test]
async fn a_member_of_admin_administers_and_others_are_refused() {
    let emu = Emu::start().await;
    let t = emu.token(None).await;
    let (s, _, b) = call(&emu, Method::POST, "/v3/users", &t, Some(json!({"user": {"name": "alice.w", "password": "Secret123"}}))).await;
    assert_eq!(s, 201, "{b}");
    let id = b["user"]["id"].as_str().unwrap().to_string();
    let me: Value = emu
        .http
        .get(emu.url("/v3/auth/tokens"))
        .header("X-Auth-Token", &t)
        .header("X-Subject-Token", &t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin_id = me["token"]["user"]["id"].as_str().unwrap().to_string();

    // Without a group alice sees herself, no project, and may manage nothing.
    let own = login(&emu, "alice.w", "Secret123", None).await.unwrap();
    let (s, _, b) = call(&emu, Method::GET, "/v3/auth/projects", &own, None).await;
    assert_eq!(s, 200);
    assert_eq!(b["projects"], json!([]));
    let (s, _, b) = call(&emu, Method::GET, &format!("/v3/users/{id}/projects"), &own, None).await;
    assert_eq!((s, b["projects"].clone()), (200, json!([])));
    let (s, _, _) = call(&emu, Method::GET, &format!("/v3/users/{id}"), &own, None).await;
    assert_eq!(s, 200, "a user reads itself");
    let (s, _, b) = call(&emu, Method::GET, &format!("/v3/users/{id}/groups"), &own, None).await;
    assert_eq!((s, b["groups"].clone()), (200, json!([])));
    let gid = admin_group(&emu, &t).await;
    let refused: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/v3/users".into(), None),
        (Method::POST, "/v3/users".into(), Some(json!({"user": {"name": "mallory"}}))),
        (Method::GET, format!("/v3/users/{admin_id}"), None),
        (Method::PATCH, format!("/v3/users/{id}"), Some(json!({"user": {"description": "x"}}))),
        (Method::DELETE, format!("/v3/users/{admin_id}"), None),
        (Method::GET, format!("/v3/groups/{gid}/users"), None),
        (Method::PUT, format!("/v3/groups/{gid}/users/{id}"), None),
        (Method::GET, format!("/v3.0/OS-USER/users/{admin_id}"), None),
        (Method::PUT, format!("/v3.0/OS-USER/users/{id}"), Some(json!({"user": {"description": "x"}}))),
        (Method::GET, "/v3/projects".into(), None),
    ];
    for (m, p, body) in refused {
        let (s, c, b) = call(&emu, m.clone(), &p, &own, body).await;
        assert_eq!((s, c.as_str()), (403, "IAM.0002"), "{m} {p}: {b}");
        assert_eq!(b["error"]["title"], "Forbidden");
    }

    // In the admin group she gets project tokens and manages users.
    let (s, _, _) = call(&emu, Method::PUT, &format!("/v3/groups/{gid}/users/{id}"), &t, None).await;
    assert_eq!(s, 204);
    let (s, _, b) = call(&emu, Method::GET, &format!("/v3/groups/{gid}/users?name=alice.w"), &t, None).await;
    assert_eq!(s, 200);
    assert_eq!(b["users"][0]["id"], id.as_str());
    let (s, _, b) = call(&emu, Method::GET, &format!("/v3/users/{id}/groups"), &own, None).await;
    assert_eq!(s, 200);
    assert_eq!(b["groups"][0]["name"], "admin");
    assert!(b["groups"][0]["create_time"].is_i64());
    let scoped = login(&emu, "alice.w", "Secret123", Some("eu-de")).await.unwrap();
    let (s, _, b) = call(&emu, Method::GET, "/v3/users", &scoped, None).await;
    assert_eq!(s, 200);
    assert_eq!(b["users"].as_array().unwrap().len(), 2);

    // Out of the group again: her tokens end, the project stays closed.
    let (s, _, _) = call(&emu, Method::DELETE, &format!("/v3/groups/{gid}/users/{id}"), &t, None).await;
    assert_eq!(s, 204);
    let (s, c, _) = call(&emu, Method::GET, "/v3/auth/projects", &scoped, None).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"));
    assert_eq!(login(&emu, "alice.w", "Secret123", Some("eu-de")).await, Err((401, "IAM.0001".into())));
    let (s, c, _) = call(&emu, Method::DELETE, &format!("/v3/groups/{gid}/users/{id}"), &t, None).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"), "no longer a member");
    let (s, c, _) = call(&emu, Method::DELETE, &format!("/v3/groups/{gid}/users/{admin_id}"), &t, None).await;
    assert_eq!((s, c.as_str()), (403, "IAM.0002"), "the account's own user stays an administrator");
    let (s, c, _) = call(&emu, Method::GET, "/v3/groups/nope/users", &t, None).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));

    // The account's own user is not deleted.
    let (s, c, b) = call(&emu, Method::DELETE, &format!("/v3/users/{admin_id}"), &t, None).await;
    assert_eq!((s, c.as_str()), (400, "1107"));
    assert_eq!(b["error_msg"], "The account administrator cannot be deleted.");
}

#[tokio::test]
async fn otc_user_lifecycle() {
    let emu = Emu::start().await;
    let t = emu.token(None).await;
    let (_, _, me) = call(&emu, Method::GET, "/v3/auth/domains", &t, None).await;
    let domain = me["domains"][0]["id"].as_str().unwrap().to_string();
    let create = json!({"user": {
        "name": "IAM User", "domain_id": domain, "password": "Secret123", "email": "iam@example.com",
        "areacode": "0049", "phone": "1701234567", "description": "ops", "access_mode": "programmatic",
    }});
    let (s, _, b) = call(&emu, Method::POST, "/v3.0/OS-USER/users", &t, Some(create.clone())).await;
    assert_eq!(s, 201, "{b}");
    let u = &b["user"];
    let id = u["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(u["email"], "iam@example.com");
    assert_eq!(u["is_domain_owner"], false);
    assert_eq!(u["pwd_status"], false);
    assert_eq!(u["domain_id"], domain.as_str());
    assert!(u["create_time"].as_str().unwrap().len() >= 19);
    let (s, c, b) = call(&emu, Method::POST, "/v3.0/OS-USER/users", &t, Some(create)).await;
    assert_eq!((s, c.as_str()), (400, "1109"));
    assert_eq!(b["error_msg"], "The username already exists.");

    let (s, _, b) = call(&emu, Method::GET, &format!("/v3.0/OS-USER/users/{id}"), &t, None).await;
    assert_eq!(s, 200);
    assert_eq!(b["user"]["phone"], "0049-1701234567");
    assert_eq!(b["user"]["areacode"], "0049");
    assert_eq!(b["user"]["access_mode"], "programmatic");
    assert_eq!(b["user"]["links"]["self"], emu.url(&format!("/v3.0/OS-USER/users/{id}")));
    assert_eq!(b["user"]["update_time"], Value::Null);

    let put = |body: Value| call(&emu, Method::PUT, Box::leak(format!("/v3.0/OS-USER/users/{id}").into_boxed_str()), &t, Some(body));
    let (s, _, b) = put(json!({"user": {"email": "new@example.com", "enabled": false, "description": "away"}})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["user"]["email"], "new@example.com");
    assert_eq!(b["user"]["enabled"], false);
    assert_eq!(login(&emu, "IAM User", "Secret123", None).await, Err((403, "IAM.0082".into())));
    let (s, c, _) = put(json!({"user": {"password": "Secret123"}})).await;
    assert_eq!((s, c.as_str()), (400, "1108"));
    for (body, code) in [
        (json!({"user": {"email": "not-an-address"}}), "1102"),
        (json!({"user": {"phone": "123"}}), "1106"),
        (json!({"user": {"areacode": "0049", "phone": "12ab"}}), "1104"),
        (json!({"user": {"access_mode": "sometimes"}}), "1120"),
        (json!({"user": {"name": "9lives"}}), "1101"),
        (json!({"user": {"description": "d".repeat(256)}}), "1117"),
        (json!({"user": {"password": "weak"}}), "1118"),
        (json!({"user": {"name": "admin"}}), "1109"),
    ] {
        let (s, c, _) = put(body.clone()).await;
        assert_eq!((s, c.as_str()), (400, code), "{body}");
    }
    let (s, _, _) = put(json!({"user": {"enabled": true, "password": "Other789x"}})).await;
    assert_eq!(s, 200);
    login(&emu, "IAM User", "Other789x", None).await.unwrap();
    // A console-only user gets no token through the API.
    let (s, _, _) = put(json!({"user": {"access_mode": "console"}})).await;
    assert_eq!(s, 200);
    assert_eq!(login(&emu, "IAM User", "Other789x", None).await, Err((403, "IAM.0081".into())));
    let (s, _, _) = put(json!({"user": {"access_mode": "default"}})).await;
    assert_eq!(s, 200);

    let (s, _, _) = call(&emu, Method::POST, &format!("/v3.0/OS-USER/users/{id}/welcome"), &t, None).await;
    assert_eq!(s, 200);
    let (s, c, _) = call(&emu, Method::POST, "/v3.0/OS-USER/users/nope/welcome", &t, None).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));

    // Created without an e-mail address: no welcome.
    let (s, _, b) =
        call(&emu, Method::POST, "/v3.0/OS-USER/users", &t, Some(json!({"user": {"name": "quiet", "domain_id": domain}}))).await;
    assert_eq!(s, 201, "{b}");
    let quiet = b["user"]["id"].as_str().unwrap();
    let (s, c, _) = call(&emu, Method::POST, &format!("/v3.0/OS-USER/users/{quiet}/welcome"), &t, None).await;
    assert_eq!((s, c.as_str()), (400, "1102"));

    // Refusals of create: each with its numeric code, nothing created.
    for (body, code) in [
        (json!({}), "1100"),
        (json!({"user": {"name": "nodomain"}}), "1100"),
        (json!({"user": {"domain_id": domain}}), "1100"),
        (json!({"user": {"name": " lead", "domain_id": domain}}), "1101"),
        (json!({"user": {"name": "pw", "domain_id": domain, "password": "pw"}}), "1118"),
        (json!({"user": {"name": "ph", "domain_id": domain, "areacode": "0049"}}), "1106"),
    ] {
        let (s, c, _) = call(&emu, Method::POST, "/v3.0/OS-USER/users", &t, Some(body.clone())).await;
        assert_eq!((s, c.as_str()), (400, code), "{body}");
    }
    let (s, c, _) = call(&emu, Method::POST, "/v3.0/OS-USER/users", &t, Some(json!({"user": {"name": "x", "domain_id": "other"}}))).await;
    assert_eq!((s, c.as_str()), (403, "IAM.0002"));
    let (s, _, b) = call(&emu, Method::GET, "/v3/users", &t, None).await;
    assert_eq!(s, 200);
    assert_eq!(b["users"].as_array().unwrap().len(), 3, "admin, IAM User, quiet: {b}");
}

#[tokio::test]
async fn keystone_user_refusals_change_nothing() {
    let emu = Emu::start().await;
    let t = emu.token(None).await;
    let before = emu.server.store.fingerprint().unwrap();
    for (body, status, code) in [
        (json!({}), 400, "IAM.0072"),
        (json!({"user": {}}), 400, "IAM.0072"),
        (json!({"user": {"name": 7}}), 400, "IAM.0073"),
        (json!({"user": {"name": "abc"}}), 400, "IAM.0073"),
        (json!({"user": {"name": "with space"}}), 400, "IAM.0073"),
        (json!({"user": {"name": "admin1", "enabled": "yes"}}), 400, "IAM.0073"),
        (json!({"user": {"name": "admin1", "password": "admin1"}}), 400, "1118"),
        (json!({"user": {"name": "admin1", "password": "1nimda"}}), 400, "1118"),
        (json!({"user": {"name": "admin1", "default_project_id": "nope"}}), 400, "IAM.0073"),
        (json!({"user": {"name": "admin"}}), 409, "IAM.0005"),
        (json!({"user": {"name": "admin1", "domain_id": "elsewhere"}}), 403, "IAM.0002"),
    ] {
        let (s, c, b) = call(&emu, Method::POST, "/v3/users", &t, Some(body.clone())).await;
        assert_eq!((s, c.as_str()), (status, code), "{body}: {b}");
        assert!(b["error"]["message"].is_string());
    }
    for (m, p) in [(Method::GET, "/v3/users/nope"), (Method::PATCH, "/v3/users/nope"), (Method::DELETE, "/v3/users/nope")] {
        let (s, c, _) = call(&emu, m.clone(), p, &t, Some(json!({"user": {"description": "x"}}))).await;
        assert_eq!((s, c.as_str()), (404, "IAM.0004"), "{m} {p}");
    }
    assert!(before.diff(&emu.server.store.fingerprint().unwrap()).is_empty());
}

#[tokio::test]
async fn users_and_their_tokens_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (id, own) = {
        let emu = Emu::sqlite(dir.path()).await;
        let t = emu.token(None).await;
        let (s, _, b) = call(&emu, Method::POST, "/v3/users", &t, Some(json!({"user": {"name": "carol", "password": "Secret123"}}))).await;
        assert_eq!(s, 201, "{b}");
        let own = login(&emu, "carol", "Secret123", None).await.unwrap();
        emu.server.stop().await;
        (b["user"]["id"].as_str().unwrap().to_string(), own)
    };
    let emu = Emu::sqlite(dir.path()).await;
    let (s, _, b) = call(&emu, Method::GET, &format!("/v3/users/{id}"), &own, None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["user"]["name"], "carol");
    let t = emu.token(None).await;
    assert_eq!(call(&emu, Method::DELETE, &format!("/v3/users/{id}"), &t, None).await.0, 204);
    let (s, c, _) = call(&emu, Method::GET, &format!("/v3/users/{id}"), &own, None).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"));
}

#[tokio::test]
async fn the_user_quota_holds() {
    let emu = Emu::start().await;
    let t = emu.token(None).await;
    let (_, _, me) = call(&emu, Method::GET, "/v3/auth/domains", &t, None).await;
    let domain = me["domains"][0]["id"].as_str().unwrap().to_string();
    // The admin is one of the 50.
    for i in 1..50 {
        let (s, _, b) = call(&emu, Method::POST, "/v3/users", &t, Some(json!({"user": {"name": format!("user{i:02}")}}))).await;
        assert_eq!(s, 201, "{b}");
    }
    let (s, c, _) = call(&emu, Method::POST, "/v3/users", &t, Some(json!({"user": {"name": "one.more"}}))).await;
    assert_eq!((s, c.as_str()), (409, "IAM.0005"));
    let (s, c, _) =
        call(&emu, Method::POST, "/v3.0/OS-USER/users", &t, Some(json!({"user": {"name": "one.more", "domain_id": domain}}))).await;
    assert_eq!((s, c.as_str()), (400, "1115"));
}
