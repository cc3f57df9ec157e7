//! The gateway rules with a stand-in service and authenticator: what every
//! service behind the gateway gets without writing a line for it.

use axum::body::Body;
use axum::http::Request;
use otc_core::api::{handler, Access, AuthFailure, Authenticator, Family, Input, Op, Reply, Service};
use otc_core::{ApiError, ApiResult, Clock, Ctx};
use otc_gateway::{Gateway, Mount, Settings};
use serde_json::{json, Value};
use std::sync::Arc;

struct Things;

impl Things {
    fn list(&self, i: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(200, &json!({"project": i.ctx()?.project_id, "params": i.params}))
    }
    fn boom(&self, _: &Input<'_>) -> ApiResult<Reply> {
        panic!("a bug in a handler")
    }
    fn create(&self, i: &Input<'_>) -> ApiResult<Reply> {
        let v: Value = i.json()?;
        Reply::json(201, &v)
    }
}

impl Service for Things {
    fn name(&self) -> &'static str {
        "things"
    }
    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        vec![
            Op::new("GET", "/v1/{project_id}/things", Access::Project, Family::Vpc, handler(s, Things::list)),
            Op::new("POST", "/v1/{project_id}/things", Access::Project, Family::Vpc, handler(s, Things::create)),
            Op::new("GET", "/v2.0/things", Access::Project, Family::Neutron, handler(s, Things::list)),
            Op::new("GET", "/v1/{project_id}/boom", Access::Project, Family::Native, handler(s, Things::boom)),
        ]
    }
}

/// Tokens: "p1" and "p2" are project tokens, "dom" a domain token, "old" expired.
struct Auth;

impl Authenticator for Auth {
    fn authenticate_token(&self, token: &str, request_id: &str) -> Result<Ctx, AuthFailure> {
        let project = match token {
            "p1" | "p2" => Some(token.to_string()),
            "dom" => None,
            "old" => return Err(AuthFailure::Expired),
            _ => return Err(AuthFailure::Invalid),
        };
        Ok(Ctx {
            request_id: request_id.into(),
            domain_id: "d".into(),
            domain_name: "d".into(),
            user_id: "u".into(),
            user_name: "u".into(),
            project_name: project.clone(),
            project_id: project,
            region: Some("eu-de".into()),
            roles: vec![],
            token_id: Some(token.into()),
        })
    }

    /// `OBS good:<anything>` stands for project p1, if it names its bucket
    /// and region as the Host did (`<bucket>@<region>` as the signature).
    fn authenticate_signature(&self, req: &otc_core::api::SignedRequest<'_>, request_id: &str) -> Result<Ctx, AuthFailure> {
        let expected = format!("OBS good:{}@{}", req.host_bucket.unwrap_or("-"), req.host_region.unwrap_or("-"));
        if req.authorization != expected {
            return Err(AuthFailure::Signature("verify aksk signature fail".into()));
        }
        self.authenticate_token("p1", request_id)
    }
}

fn bad_body(_: &str) -> ApiError {
    ApiError::new(400, "VPC.0002", "The request body is invalid.")
}

fn gateway() -> Gateway {
    let settings = Settings { base_url: "http://emu".into(), max_body_bytes: 64, clock: Clock::new(), store: "memory" };
    Gateway::new(vec![Mount { service: Arc::new(Things), bad_body }], Arc::new(Auth), settings)
}

async fn send(
    gw: &Gateway,
    method: &str,
    path: &str,
    token: Option<&str>,
    host: Option<&str>,
    body: &str,
) -> (u16, Value, axum::http::HeaderMap) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("x-auth-token", t);
    }
    if let Some(h) = host {
        req = req.header("host", h);
    }
    let resp = gw.handle(req.body(Body::from(body.to_string())).unwrap()).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), headers)
}

#[tokio::test]
async fn credentials_are_checked_with_the_gateway_body() {
    let gw = gateway();
    let cases = [
        (None, "Incorrect IAM authentication information: x-auth-token not found"),
        (Some(""), "Incorrect IAM authentication information: x-auth-token not found"),
        (Some("garbage"), "Incorrect IAM authentication information: decrypt token fail"),
        (Some("old"), "Incorrect IAM authentication information: token expires"),
    ];
    for (token, msg) in cases {
        let (s, b, h) = send(&gw, "GET", "/v1/p1/things", token, None, "").await;
        assert_eq!(s, 401);
        assert_eq!(b["error_code"], "APIGW.0301");
        assert_eq!(b["error_msg"], msg);
        assert_eq!(b["request_id"], h["x-request-id"].to_str().unwrap());
    }
    let (s, b, _) = send(&gw, "GET", "/v1/p1/things", Some("p1"), None, "").await;
    assert_eq!(s, 200);
    assert_eq!(b["project"], "p1");
}

#[tokio::test]
async fn a_token_reaches_only_its_own_project() {
    let gw = gateway();
    let (s, b, _) = send(&gw, "GET", "/v1/p1/things", Some("p2"), None, "").await;
    assert_eq!(s, 403);
    assert_eq!(b["error_code"], "APIGW.0302");
    let (s, _, _) = send(&gw, "GET", "/v1/p1/things", Some("dom"), None, "").await;
    assert_eq!(s, 403, "a domain token has no project");
    let (s, b, _) = send(&gw, "GET", "/v2.0/things", Some("p2"), None, "").await;
    assert_eq!((s, b["project"].as_str()), (200, Some("p2")), "unprefixed paths act in the token's project");
}

#[tokio::test]
async fn prefix_host_and_union_routing() {
    let gw = gateway();
    assert_eq!(send(&gw, "GET", "/things/v1/p1/things", Some("p1"), None, "").await.0, 200);
    assert_eq!(send(&gw, "GET", "/v1/p1/things", Some("p1"), Some("things.eu-de.example.com"), "").await.0, 200);
    assert_eq!(send(&gw, "GET", "/v1/p1/things", Some("p1"), Some("127.0.0.1:4600"), "").await.0, 200);
    let (s, b, _) = send(&gw, "DELETE", "/v1/p1/things", Some("p1"), None, "").await;
    assert_eq!((s, b["error_code"].as_str()), (404, Some("APIGW.0101")));
    let (s, _, _) = send(&gw, "GET", "/other/v1/p1/things", Some("p1"), None, "").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn errors_take_the_family_envelope() {
    let gw = gateway();
    let (s, b, _) = send(&gw, "POST", "/v1/p1/things", Some("p1"), None, "{not json").await;
    assert_eq!(s, 400);
    assert_eq!(b, json!({"code": "VPC.0002", "message": "The request body is invalid."}));
    let (s, b, _) = send(&gw, "POST", "/v1/p1/things", Some("p1"), None, &"x".repeat(100)).await;
    assert_eq!((s, b["error_code"].as_str()), (413, Some("APIGW.0201")));
    let (s, b, h) = send(&gw, "GET", "/v2.0/things", None, None, "").await;
    assert_eq!(s, 401);
    assert_eq!(b["error_code"], "APIGW.0301");
    assert!(h.contains_key("x-request-id"));
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_not_a_dropped_connection() {
    let gw = gateway();
    let (s, b, _) = send(&gw, "GET", "/v1/p1/boom", Some("p1"), None, "").await;
    assert_eq!(s, 500);
    assert!(b["error_code"].is_string());
    // And the gateway keeps serving.
    assert_eq!(send(&gw, "GET", "/v1/p1/things", Some("p1"), None, "").await.0, 200);
}

/// A virtual-hosted service: the names below its label are its resources.
struct Buckets;

impl Buckets {
    fn root(&self, i: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(200, &json!({"params": i.params}))
    }
}

impl Service for Buckets {
    fn name(&self) -> &'static str {
        "buckets"
    }
    fn mount(&self) -> &'static str {
        "bkt"
    }
    fn virtual_hosts(&self) -> bool {
        true
    }
    fn ops(self: Arc<Self>) -> Vec<Op> {
        vec![Op::new("GET", "/", Access::Project, Family::Obs, handler(&self, Buckets::root))]
    }
}

#[tokio::test]
async fn virtual_hosts_name_the_resource_and_only_obs_signatures_count() {
    let settings = Settings { base_url: "http://emu".into(), max_body_bytes: 64, clock: Clock::new(), store: "memory" };
    let mounts = vec![Mount { service: Arc::new(Things), bad_body }, Mount { service: Arc::new(Buckets), bad_body }];
    let gw = Gateway::new(mounts, Arc::new(Auth), settings);
    let get = |host: &'static str| {
        let gw = &gw;
        async move {
            let req = Request::builder().uri("/").header("host", host).header("authorization", "OBS ak:sig");
            let resp = gw.handle(req.body(Body::empty()).unwrap()).await;
            let status = resp.status().as_u16();
            let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            let text = String::from_utf8(axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
            (status, ct, text)
        }
    };
    // The stand-in authenticator verifies no signature: each refusal is an
    // OBS 403 in XML, whichever form of the host reached the service.
    for host in ["my.fs.bkt.eu-nl.localhost:80", "bkt.eu-de.localhost", "things.bkt.eu-de.example.org"] {
        let (s, ct, text) = get(host).await;
        assert_eq!(s, 403, "{host}");
        assert_eq!(ct, "application/xml", "{host}");
        assert!(text.contains("<Code>SignatureDoesNotMatch</Code>"), "{host}: {text}");
    }
    // Without a signature, a token does not authenticate an OBS operation.
    let req = Request::builder().uri("/").header("host", "fs.bkt.eu-de.x").header("x-auth-token", "p1");
    let resp = gw.handle(req.body(Body::empty()).unwrap()).await;
    assert_eq!(resp.status().as_u16(), 403);
    let text = String::from_utf8(axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    assert!(text.contains("<Code>AccessDenied</Code>"), "{text}");
    // The handler (and the signature check) learn what the Host names.
    for (host, auth, bucket, region) in [
        ("my.fs.bkt.eu-nl.localhost:80", "OBS good:my.fs@eu-nl", json!("my.fs"), json!("eu-nl")),
        ("vpc.bkt.eu-de.localhost", "OBS good:vpc@eu-de", json!("vpc"), json!("eu-de")),
        ("bkt.eu-de.localhost", "OBS good:-@eu-de", Value::Null, json!("eu-de")),
    ] {
        let req = Request::builder().uri("/").header("host", host).header("authorization", auth);
        let resp = gw.handle(req.body(Body::empty()).unwrap()).await;
        assert_eq!(resp.status().as_u16(), 200, "{host}");
        let b: Value = serde_json::from_slice(&axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap()).unwrap();
        assert_eq!(b["params"]["host_bucket"], bucket, "{host}");
        assert_eq!(b["params"]["host_region"], region, "{host}");
    }
    // Other services keep their hosts.
    let (s, _, _) = send(&gw, "GET", "/v1/p1/things", Some("p1"), Some("things.eu-de.localhost"), "").await;
    assert_eq!(s, 200);
}
