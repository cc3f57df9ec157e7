use crate::common::*;
use otc_iam::{DomainSeed, IamConfig, UserSeed};
use reqwest::Method;
use serde_json::{json, Value};

async fn create(emu: &Emu, token: &str, body: Value) -> (u16, String, Value) {
    outcome(emu.call(Method::POST, "/v3/projects", Some(token), Some(body)).await).await
}

#[tokio::test]
async fn project_lifecycle() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let eu_de = emu.project_id("eu-de").await;
    let (s, _, b) = create(&emu, &t, json!({"project": {"name": "eu-de_app", "description": "for the app"}})).await;
    assert_eq!(s, 201);
    let p = &b["project"];
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["parent_id"], eu_de.as_str(), "a sub-project hangs below its region project");
    assert_eq!(p["is_domain"], false);
    assert_eq!(p["enabled"], true);
    assert_eq!(p["description"], "for the app");
    assert_eq!(p["links"]["self"], emu.url(&format!("/v3/projects/{id}")));

    let r = emu.call(Method::PATCH, &format!("/v3/projects/{id}"), Some(&t), Some(json!({"project": {"description": "changed"}}))).await;
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["project"]["description"], "changed");

    let r = emu.call(Method::PUT, &format!("/v3-ext/projects/{id}"), Some(&t), Some(json!({"project": {"status": "suspended"}}))).await;
    assert_eq!(r.status(), 204);
    let b: Value = emu.call(Method::GET, &format!("/v3-ext/projects/{id}"), Some(&t), None).await.json().await.unwrap();
    assert_eq!(b["project"]["status"], "suspended");
    assert!(b["project"]["suspended_time"].is_string());
    assert!(b["project"].get("links").is_none());

    // A token scoped to the project, then the project goes away with its tokens.
    let scoped = emu.token(Some("eu-de_app")).await;
    assert_eq!(emu.call(Method::DELETE, &format!("/v3/projects/{id}"), Some(&t), None).await.status(), 204);
    let (s, c, _) = outcome(emu.call(Method::GET, &format!("/v3/projects/{id}"), Some(&t), None).await).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/auth/projects", Some(&scoped), None).await).await;
    assert_eq!((s, c.as_str()), (401, "IAM.0067"));
}

#[tokio::test]
async fn project_refusals() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let eu_de = emu.project_id("eu-de").await;
    let long = format!("eu-de_{}", "x".repeat(59));
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({}), 400, "IAM.0072"),
        (json!({"project": {}}), 400, "IAM.0072"),
        (json!({"project": {"name": "demo"}}), 400, "IAM.0073"),
        (json!({"project": {"name": "xx-yy_demo"}}), 400, "IAM.0073"),
        (json!({"project": {"name": long}}), 400, "IAM.0073"),
        (json!({"project": {"name": 7}}), 400, "IAM.0073"),
        (json!({"project": {"name": "eu-de_d", "description": "d".repeat(256)}}), 400, "IAM.0073"),
        (json!({"project": {"name": "eu-de_d", "parent_id": "nope"}}), 400, "IAM.0073"),
        (json!({"project": {"name": "eu-de_d", "domain_id": "other"}}), 403, "IAM.0002"),
    ];
    for (body, status, code) in cases {
        let (s, c, b) = create(&emu, &t, body.clone()).await;
        assert_eq!((s, c.as_str()), (status, code), "{body} -> {b}");
    }
    assert_eq!(create(&emu, &t, json!({"project": {"name": "eu-de_dup"}})).await.0, 201);
    let (s, c, b) = create(&emu, &t, json!({"project": {"name": "eu-de_dup"}})).await;
    assert_eq!((s, c.as_str()), (409, "IAM.0005"));
    assert!(b["error_msg"].as_str().unwrap().contains("Duplicate project name"));

    // Region projects cannot be renamed or deleted.
    let (s, c, _) = outcome(emu.call(Method::DELETE, &format!("/v3/projects/{eu_de}"), Some(&t), None).await).await;
    assert_eq!((s, c.as_str()), (403, "IAM.0002"));
    let r = emu.call(Method::PATCH, &format!("/v3/projects/{eu_de}"), Some(&t), Some(json!({"project": {"name": "eu-de_renamed"}}))).await;
    assert_eq!(r.status(), 403);
    let r = emu.call(Method::PATCH, &format!("/v3/projects/{eu_de}"), Some(&t), Some(json!({"project": {}}))).await;
    assert_eq!(r.status(), 400);
    let r = emu.call(Method::PUT, &format!("/v3-ext/projects/{eu_de}"), Some(&t), Some(json!({"project": {"status": "frozen"}}))).await;
    assert_eq!(outcome(r).await.1, "IAM.0073");
}

#[tokio::test]
async fn project_listing_filters_and_pages() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    for n in ["eu-de_a", "eu-de_b", "eu-nl_c"] {
        assert_eq!(create(&emu, &t, json!({"project": {"name": n}})).await.0, 201);
    }
    let names = |b: &Value| b["projects"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let b: Value = emu.call(Method::GET, "/v3/projects", Some(&t), None).await.json().await.unwrap();
    assert_eq!(names(&b), ["eu-de", "eu-nl", "eu-de_a", "eu-de_b", "eu-nl_c"]);
    assert!(b["links"]["next"].is_null());
    let b: Value = emu.call(Method::GET, "/v3/projects?name=eu-de_b", Some(&t), None).await.json().await.unwrap();
    assert_eq!(names(&b), ["eu-de_b"]);
    let eu_nl = emu.project_id("eu-nl").await;
    let b: Value = emu.call(Method::GET, &format!("/v3/projects?parent_id={eu_nl}"), Some(&t), None).await.json().await.unwrap();
    assert_eq!(names(&b), ["eu-nl_c"]);
    let b: Value = emu.call(Method::GET, "/v3/projects?page=2&per_page=2", Some(&t), None).await.json().await.unwrap();
    assert_eq!(names(&b), ["eu-de_a", "eu-de_b"]);
    let b: Value = emu.call(Method::GET, "/v3/projects?is_domain=true", Some(&t), None).await.json().await.unwrap();
    assert!(names(&b).is_empty());
    for bad in ["page=1", "per_page=1", "page=0&per_page=1", "page=1&per_page=5001", "enabled=maybe"] {
        let (s, c, _) = outcome(emu.call(Method::GET, &format!("/v3/projects?{bad}"), Some(&t), None).await).await;
        assert_eq!((s, c.as_str()), (400, "IAM.0007"), "{bad}");
    }
    let b: Value = emu.call(Method::GET, "/v3/auth/projects", Some(&t), None).await.json().await.unwrap();
    assert_eq!(names(&b).len(), 5);
}

#[tokio::test]
async fn domains_do_not_see_each_other() {
    let mut cfg = config();
    cfg.identity = IamConfig {
        domains: vec![
            DomainSeed {
                name: "emulator".into(),
                users: vec![UserSeed { name: "admin".into(), password: "emulator".into(), access_keys: vec![] }],
                projects: vec!["eu-de".into()],
            },
            DomainSeed {
                name: "other".into(),
                users: vec![UserSeed { name: "bob".into(), password: "secret".into(), access_keys: vec![] }],
                projects: vec!["eu-de".into(), "eu-de_bob".into()],
            },
        ],
        ..IamConfig::default()
    };
    let emu = Emu::with(cfg).await;
    let admin = emu.token(Some("eu-de")).await;
    let r = emu.issue(password_auth("bob", "secret", "other", Some("eu-de_bob"))).await;
    assert_eq!(r.status(), 201);
    let bob = r.headers()["x-subject-token"].to_str().unwrap().to_string();
    let b: Value = emu.call(Method::GET, "/v3/projects", Some(&bob), None).await.json().await.unwrap();
    let bob_projects: Vec<String> = b["projects"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(bob_projects.len(), 2);
    let b: Value = emu.call(Method::GET, "/v3/projects", Some(&admin), None).await.json().await.unwrap();
    for p in b["projects"].as_array().unwrap() {
        assert!(!bob_projects.contains(&p["id"].as_str().unwrap().to_string()));
    }
    // Admin can neither read, change nor validate what belongs to bob's domain.
    let (s, c, _) = outcome(emu.call(Method::GET, &format!("/v3/projects/{}", bob_projects[1]), Some(&admin), None).await).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));
    let r = emu.call(Method::DELETE, &format!("/v3/projects/{}", bob_projects[1]), Some(&admin), None).await;
    assert_eq!(r.status(), 404);
    let r = emu.http.get(emu.url("/v3/auth/tokens")).header("X-Auth-Token", &admin).header("X-Subject-Token", &bob).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // Bob cannot scope to admin's project.
    let admin_eu_de = emu.project_id("eu-de").await;
    let mut body = password_auth("bob", "secret", "other", None);
    body["auth"]["scope"] = json!({"project": {"id": admin_eu_de}});
    let (s, c, _) = outcome(emu.issue(body).await).await;
    assert_eq!((s, c.as_str()), (403, "IAM.0002"));
}

async fn quota_used(emu: &Emu, t: &str, project: &str) -> (i64, i64) {
    let b: Value = emu.call(Method::GET, &format!("/v3.0/OS-QUOTA/projects/{project}"), Some(t), None).await.json().await.unwrap();
    let r = &b["quotas"]["resources"][0];
    assert_eq!(r["type"], "project");
    (r["used"].as_i64().unwrap(), r["quota"].as_i64().unwrap())
}

#[tokio::test]
async fn project_quota_is_reported_and_enforced() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let eu_de = emu.project_id("eu-de").await;
    assert_eq!(quota_used(&emu, &t, &eu_de).await, (0, 10));
    for i in 0..10 {
        assert_eq!(create(&emu, &t, json!({"project": {"name": format!("eu-de_q{i}")}})).await.0, 201);
    }
    assert_eq!(quota_used(&emu, &t, &eu_de).await, (10, 10));
    let (s, c, _) = create(&emu, &t, json!({"project": {"name": "eu-de_one_too_many"}})).await;
    assert_eq!((s, c.as_str()), (409, "IAM.0005"));
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3.0/OS-QUOTA/projects/nope", Some(&t), None).await).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));
}

#[tokio::test]
async fn password_policy_and_domain_quota() {
    let emu = Emu::start().await;
    let t = emu.token(None).await;
    let b: Value = emu.call(Method::GET, "/v3/auth/domains", Some(&t), None).await.json().await.unwrap();
    let domain = b["domains"][0]["id"].as_str().unwrap().to_string();
    let b: Value =
        emu.call(Method::GET, &format!("/v3/domains/{domain}/config/security_compliance"), Some(&t), None).await.json().await.unwrap();
    assert!(b["config"]["security_compliance"]["password_regex"].is_string());
    let path = format!("/v3/domains/{domain}/config/security_compliance/password_regex_description");
    let b: Value = emu.call(Method::GET, &path, Some(&t), None).await.json().await.unwrap();
    assert!(b["config"]["password_regex_description"].is_string(), "the option form is flat: {b}");
    let path = format!("/v3/domains/{domain}/config/security_compliance/color");
    assert_eq!(outcome(emu.call(Method::GET, &path, Some(&t), None).await).await.1, "IAM.0007");
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/domains/other/config/security_compliance", Some(&t), None).await).await;
    assert_eq!((s, c.as_str()), (403, "IAM.0002"));

    let b: Value = emu.call(Method::GET, &format!("/v3.0/OS-QUOTA/domains/{domain}"), Some(&t), None).await.json().await.unwrap();
    assert_eq!(b["quotas"]["resources"].as_array().unwrap().len(), 5);
    let b: Value = emu.call(Method::GET, &format!("/v3.0/OS-QUOTA/domains/{domain}?type=user"), Some(&t), None).await.json().await.unwrap();
    assert_eq!(b["quotas"]["resources"][0]["used"], 1);
    let r = emu.call(Method::GET, &format!("/v3.0/OS-QUOTA/domains/{domain}?type=bananas"), Some(&t), None).await;
    assert_eq!(r.status(), 400);
}
