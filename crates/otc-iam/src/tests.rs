//! Tokens over a whole identity: issued through the handler, validated
//! through the authenticator the gateway calls, revoked, rotated under,
//! and read again by a new identity over the same store (a restart).

use crate::revocation::{self, Subject, REVOCATION};
use crate::{credentials, keys, Iam, IamConfig, DEFAULT_ACCESS_KEY};
use chrono::Duration;
use otc_core::api::{AuthFailure, Authenticator, Input, Query, Reply};
use otc_core::{ApiResult, Clock, Ctx};
use otc_store::Store;
use serde_json::{json, Value};
use std::collections::HashMap;

type Handler = fn(&Iam, &Input<'_>) -> ApiResult<Reply>;

fn call(iam: &Iam, f: Handler, ctx: Option<&Ctx>, headers: &[(&str, &str)], params: &[(&str, &str)], body: Value) -> ApiResult<Reply> {
    let params: HashMap<String, String> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let query = Query::default();
    let owned: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let header = |name: &str| owned.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let body = if body.is_null() { Vec::new() } else { serde_json::to_vec(&body).unwrap() };
    let input = Input {
        ctx,
        request_id: "test",
        params: &params,
        query: &query,
        headers: &header,
        body: &body,
        base_url: "http://127.0.0.1:4600",
        bad_body: crate::errors::invalid_body,
    };
    f(iam, &input)
}

fn password_body(password: &str, project: Option<&str>) -> Value {
    let mut b = json!({"auth": {"identity": {"methods": ["password"], "password": {"user":
        {"name": "admin", "password": password, "domain": {"name": "emulator"}}}}}});
    if let Some(p) = project {
        b["auth"]["scope"] = json!({"project": {"name": p}});
    }
    b
}

fn subject_token(r: &Reply) -> String {
    r.headers.iter().find(|(k, _)| *k == "x-subject-token").map(|(_, v)| v.clone()).expect("x-subject-token")
}

fn issue_with(iam: &Iam, password: &str, project: Option<&str>) -> String {
    let r = call(iam, Iam::issue_token, None, &[], &[], password_body(password, project)).expect("a token");
    assert_eq!(r.status, 201);
    subject_token(&r)
}

fn issue(iam: &Iam, project: Option<&str>) -> String {
    issue_with(iam, "emulator", project)
}

fn auth(iam: &Iam, token: &str) -> Result<Ctx, AuthFailure> {
    iam.authenticate_token(token, "test")
}

fn revoke(iam: &Iam, caller: &str, subject: &str) -> ApiResult<Reply> {
    let ctx = auth(iam, caller).expect("the caller's token is valid");
    call(iam, Iam::revoke_token, Some(&ctx), &[("x-subject-token", subject)], &[], Value::Null)
}

fn start(store: &Store, clock: &Clock, cfg: &IamConfig) -> Iam {
    Iam::new(store.clone(), clock.clone(), cfg).expect("identity starts")
}

fn revocations(store: &Store) -> usize {
    store.txn(|tx| tx.count(REVOCATION, None)).unwrap()
}

#[test]
fn an_issued_token_validates_and_names_its_scope() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    let t = issue(&iam, Some("eu-de"));
    assert!(t.len() >= 150 && t.len() <= 260, "{} characters", t.len());
    let ctx = auth(&iam, &t).unwrap();
    assert_eq!((ctx.user_name.as_str(), ctx.domain_name.as_str()), ("admin", "emulator"));
    assert_eq!(ctx.project_name.as_deref(), Some("eu-de"));
    assert_eq!(ctx.region.as_deref(), Some("eu-de"));
    assert_eq!(ctx.roles, ["te_admin"]);
    let domain = auth(&iam, &issue(&iam, None)).unwrap();
    assert_eq!((domain.project_id, domain.domain_id), (None, ctx.domain_id));
}

#[test]
fn issuing_stores_nothing() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    issue(&iam, None); // a first token may rotate nothing, but reads the keys
    let before = store.fingerprint().unwrap();
    for _ in 0..200 {
        issue(&iam, Some("eu-de"));
    }
    assert_eq!(store.fingerprint().unwrap(), before);
}

#[test]
fn a_tampered_or_foreign_token_is_refused() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    let t = issue(&iam, Some("eu-de"));
    for i in [0, 5, t.len() / 2, t.len() - 1] {
        let mut b = t.clone().into_bytes();
        b[i] = if b[i] == b'a' { b'b' } else { b'a' };
        assert_eq!(auth(&iam, std::str::from_utf8(&b).unwrap()).unwrap_err(), AuthFailure::Invalid, "byte {i}");
    }
    for junk in ["", "emu0123", &"A".repeat(5000), "ä"] {
        assert_eq!(auth(&iam, junk).unwrap_err(), AuthFailure::Invalid);
    }
    // Another emulator's token: the same shape, another key.
    let other = start(&Store::memory(), &clock, &IamConfig::default());
    assert_eq!(auth(&iam, &issue(&other, Some("eu-de"))).unwrap_err(), AuthFailure::Invalid);
}

#[test]
fn an_expired_token_is_refused() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    let t = issue(&iam, Some("eu-de"));
    clock.advance(Duration::hours(23));
    assert!(auth(&iam, &t).is_ok());
    clock.advance(Duration::hours(1));
    assert_eq!(auth(&iam, &t).unwrap_err(), AuthFailure::Expired);
}

#[test]
fn a_revoked_token_is_refused_and_its_event_purged_after_its_expiry() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    let caller = issue(&iam, Some("eu-de"));
    let (a, b) = (issue(&iam, Some("eu-de")), issue(&iam, Some("eu-de")));
    assert_eq!(revoke(&iam, &caller, &a).unwrap().status, 204);
    assert_eq!(auth(&iam, &a).unwrap_err(), AuthFailure::Invalid);
    assert!(auth(&iam, &b).is_ok(), "only that token");
    assert_eq!(revoke(&iam, &caller, &a).unwrap_err().status, 404, "revoked is not found");
    assert_eq!(revocations(&store), 1);
    // Once the token would have expired, its event goes (at the next
    // revocation, and at every start).
    clock.advance(Duration::hours(25));
    let fresh = issue(&iam, Some("eu-de"));
    revoke(&iam, &fresh, &issue(&iam, Some("eu-de"))).unwrap();
    assert_eq!(revocations(&store), 1, "the old event is purged, the new one kept");
    // An expired token can be revoked, and needs no event.
    revoke(&iam, &fresh, &b).unwrap();
    assert_eq!(revocations(&store), 1);
}

#[test]
fn a_changed_password_revokes_the_users_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::new();
    let old = {
        let store = Store::sqlite(&dir.path().join("state.db")).unwrap();
        let iam = start(&store, &clock, &IamConfig::default());
        issue(&iam, Some("eu-de"))
    };
    let mut cfg = IamConfig::default();
    cfg.domains[0].users[0].password = "changed".into();
    clock.advance(Duration::seconds(1));
    let store = Store::sqlite(&dir.path().join("state.db")).unwrap();
    let iam = start(&store, &clock, &cfg);
    assert_eq!(auth(&iam, &old).unwrap_err(), AuthFailure::Invalid);
    clock.advance(Duration::seconds(1));
    let new = issue_with(&iam, "changed", Some("eu-de"));
    assert!(auth(&iam, &new).is_ok(), "tokens issued after the change are valid");
}

#[test]
fn a_projects_revocation_ends_its_tokens_only() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    let (de, nl, domain) = (issue(&iam, Some("eu-de")), issue(&iam, Some("eu-nl")), issue(&iam, None));
    let project = auth(&iam, &de).unwrap().project_id.unwrap();
    let now = clock.now();
    store.txn(|tx| revocation::revoke(tx, Subject::Project(&project), now, iam.revocation_horizon(now), now)).unwrap();
    assert_eq!(auth(&iam, &de).unwrap_err(), AuthFailure::Invalid);
    assert!(auth(&iam, &nl).is_ok() && auth(&iam, &domain).is_ok());
    clock.advance(Duration::seconds(1));
    assert!(auth(&iam, &issue(&iam, Some("eu-de"))).is_ok(), "a token issued later is not matched");
}

#[test]
fn deleting_a_project_revokes_its_tokens() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    let admin = issue(&iam, None);
    let ctx = auth(&iam, &admin).unwrap();
    let r = call(&iam, Iam::create_project, Some(&ctx), &[], &[], json!({"project": {"name": "eu-de_gone"}})).unwrap();
    let id = serde_json::from_slice::<Value>(&r.body.unwrap()).unwrap()["project"]["id"].as_str().unwrap().to_string();
    let scoped = issue(&iam, Some("eu-de_gone"));
    assert!(auth(&iam, &scoped).is_ok());
    assert_eq!(call(&iam, Iam::delete_project, Some(&ctx), &[], &[("project_id", &id)], Value::Null).unwrap().status, 204);
    assert_eq!(auth(&iam, &scoped).unwrap_err(), AuthFailure::Invalid);
    assert_eq!(revocations(&store), 1, "one event, whatever the number of tokens");
    assert!(auth(&iam, &admin).is_ok());
}

#[test]
fn tokens_stay_valid_across_rotations_until_they_expire() {
    let (store, clock) = (Store::memory(), Clock::new());
    let cfg = IamConfig { signing_key_rotation_seconds: 3600, ..IamConfig::default() };
    let iam = start(&store, &clock, &cfg);
    let first = issue(&iam, Some("eu-de"));
    let first_key = iam.keyring().signing_key_id();
    iam.rotate_signing_keys().unwrap();
    let second = issue(&iam, Some("eu-de"));
    assert_ne!(iam.keyring().signing_key_id(), first_key);
    assert!(auth(&iam, &first).is_ok(), "signed with the retired key");
    assert!(auth(&iam, &second).is_ok());
    // Rotation when due: the next token is signed with a new key.
    clock.advance(Duration::hours(2));
    let third = issue(&iam, Some("eu-de"));
    assert_eq!(iam.keyring().ids().count(), 3);
    assert!([&first, &second, &third].iter().all(|t| auth(&iam, t).is_ok()));
    // A day after a key's retirement its tokens have expired, and it goes.
    clock.advance(Duration::hours(25));
    issue(&iam, Some("eu-de"));
    assert!(iam.keyring().ids().all(|id| id != first_key));
    assert_eq!(auth(&iam, &first).unwrap_err(), AuthFailure::Invalid, "no key verifies it any more");
}

#[test]
fn tokens_and_temporary_keys_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let clock = Clock::new();
    let (token, revoked, access, secret, security_token) = {
        let store = Store::sqlite(&path).unwrap();
        let iam = start(&store, &clock, &IamConfig::default());
        let token = issue(&iam, Some("eu-de"));
        iam.rotate_signing_keys().unwrap(); // the key it was signed with is retired
        let revoked = issue(&iam, Some("eu-de"));
        revoke(&iam, &token, &revoked).unwrap();
        let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 3600}}}});
        let r = call(&iam, Iam::create_security_token, None, &[("x-auth-token", &token)], &[], body).unwrap();
        let c: Value = serde_json::from_slice(&r.body.unwrap()).unwrap();
        let c = &c["credential"];
        let s = |k: &str| c[k].as_str().unwrap().to_string();
        (token, revoked, s("access"), s("secret"), s("securitytoken"))
    };
    let store = Store::sqlite(&path).unwrap();
    let iam = start(&store, &clock, &IamConfig::default());
    assert_eq!(auth(&iam, &token).unwrap().project_name.as_deref(), Some("eu-de"));
    assert_eq!(auth(&iam, &revoked).unwrap_err(), AuthFailure::Invalid, "revocations are kept too");
    let ring = iam.keyring();
    assert!(credentials::is_temp_access_key(&ring, &access));
    let (key, derived) = credentials::open_temp_key(&ring, &security_token).expect("the security token verifies");
    assert_eq!((key.access, derived), (access, secret));
}

#[test]
fn temporary_keys_are_tied_to_their_security_token() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    let ring = iam.keyring();
    let exp = clock.now() + Duration::hours(1);
    let a = credentials::issue_temp_key(&ring, "u", Some("p"), exp);
    let b = credentials::issue_temp_key(&ring, "u", None, exp);
    assert_eq!(a.key.access.len(), 20);
    assert_eq!(a.secret.len(), 40);
    assert!(a.security_token.starts_with("gAAAAA"));
    assert_ne!((&a.key.access, &a.secret), (&b.key.access, &b.secret));
    assert_eq!(credentials::open_temp_key(&ring, &a.security_token).unwrap(), (a.key.clone(), a.secret.clone()));
    assert_eq!(credentials::open_temp_key(&ring, &b.security_token).unwrap().0.project_id, None);
    assert!(!credentials::is_temp_access_key(&ring, DEFAULT_ACCESS_KEY));
    assert!(!credentials::is_temp_access_key(&ring, &credentials::new_access_key()));
    let mut forged = a.security_token.clone().into_bytes();
    let i = forged.len() - 3;
    forged[i] = if forged[i] == b'Q' { b'R' } else { b'Q' };
    assert!(credentials::open_temp_key(&ring, std::str::from_utf8(&forged).unwrap()).is_none());
    // A token's tag does not make a security token.
    let t = issue(&iam, None);
    assert!(credentials::open_temp_key(&ring, &format!("gAAAAA{t}")).is_none());
}

#[test]
fn the_key_set_is_one_document() {
    let (store, clock) = (Store::memory(), Clock::new());
    let iam = start(&store, &clock, &IamConfig::default());
    iam.rotate_signing_keys().unwrap();
    iam.rotate_signing_keys().unwrap();
    assert_eq!(store.txn(|tx| tx.count(keys::SIGNING_KEYS, None)).unwrap(), 1);
    assert_eq!(iam.keyring().ids().count(), 3);
}
