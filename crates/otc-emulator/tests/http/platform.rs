use crate::common::*;
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn unknown_paths_and_methods_are_the_gateways_404() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    for (m, p) in [
        (Method::GET, "/nope"),
        (Method::POST, "/v3"),
        (Method::PUT, "/v3/auth/tokens"),
        (Method::GET, "/vpc/v1/x/nothing-here"),
        (Method::GET, "/iam/nope"),
    ] {
        let r = emu.call(m.clone(), p, Some(&t), None).await;
        assert_eq!(r.status(), 404, "{m} {p}");
        let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["error_code"], "APIGW.0101");
        assert_eq!(b["error_msg"], "The API does not exist or has not been published in the environment");
        assert_eq!(b["request_id"], id.as_str());
    }
}

#[tokio::test]
async fn every_answer_has_a_request_id_and_json() {
    let emu = Emu::start().await;
    let r = emu.issue(password_auth("admin", "wrong", "emulator", None)).await;
    assert!(r.headers().contains_key("x-request-id"));
    assert_eq!(r.headers()["content-type"], "application/json");
    let a = emu.http.get(emu.url("/")).send().await.unwrap();
    let b = emu.http.get(emu.url("/")).send().await.unwrap();
    assert_ne!(a.headers()["x-request-id"], b.headers()["x-request-id"]);
}

#[tokio::test]
async fn host_names_route_to_their_service() {
    let emu = Emu::start().await;
    let r = emu.http.get(emu.url("/v3")).header("Host", "iam.eu-de.otc.t-systems.com").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = emu.http.get(emu.url("/v3")).header("Host", "unknown.eu-de.otc.t-systems.com").send().await.unwrap();
    assert_eq!(r.status(), 200, "an unknown host label falls back to the union of paths");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let emu = Emu::with(otc_emulator::config::Config { max_body_bytes: 1024, ..config() }).await;
    let r = emu.http.post(emu.url("/v3/auth/tokens")).body(vec![b' '; 4096]).send().await.unwrap();
    assert_eq!(r.status(), 413);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error_code"], "APIGW.0201");
}

#[tokio::test]
async fn health_and_clock_control() {
    let emu = Emu::start().await;
    let b: Value = emu.http.get(emu.url("/_emulator/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(b["status"], "ok");
    assert_eq!(b["store"], "memory");
    assert!(b["services"].as_array().unwrap().iter().any(|s| s == "iam"));
    let r = emu.http.post(emu.url("/_emulator/clock/advance/3600")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    assert!(b["offset_seconds"].as_f64().unwrap() >= 3600.0);
    assert_eq!(emu.http.post(emu.url("/_emulator/clock/advance/-5")).send().await.unwrap().status(), 400);
    assert_eq!(emu.http.get(emu.url("/_emulator/nope")).send().await.unwrap().status(), 404);
}
