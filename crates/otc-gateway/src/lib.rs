//! The gateway: the one HTTP entry point of the emulator.
//!
//! [`listener`] accepts connections and serves HTTP/1.1 on them; hyper
//! parses each request and hands it here, and what hyper refuses itself is
//! answered in the gateway's envelope there. [`Gateway::handle`] is the
//! whole path of a request, top to bottom:
//!
//! 1. accept: a request id, a log span, the emulator's own `/_emulator/` API
//! 2. resolve the service: Host `<svc>.<region>.…`, else a `/<svc>` prefix,
//!    else the union of all documented paths
//! 3. route to the operation (unknown path or method: 404 APIGW.0101)
//! 4. read the body within the size limit (413)
//! 5. authenticate the X-Auth-Token into a `Ctx`
//! 6. authorise: a `{project_id}` in the path must be the caller's project
//! 7. run the handler (a panic becomes a 500, never a dropped connection),
//!    then wait until every commit it made or saw is written to disk
//! 8. render: status, headers, JSON; errors in the family's envelope
//!
//! and, once answered, a body nobody read is drained so that the connection
//! can carry the next request (or the answer closes it).

mod body;
mod control;
pub mod listener;
pub mod render;
pub mod routes;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode};
use body::RequestBody;
use otc_core::api::{Access, Authenticator, Family, Input, Op, Query, Reply, Service, SignedRequest};
use otc_core::{ApiError, Clock};
use routes::RouteTable;
use std::sync::Arc;
use std::time::Instant;

/// Everything the gateway needs besides the services.
pub struct Settings {
    /// The emulator's base URL as clients reach it, without trailing slash.
    pub base_url: String,
    /// Larger bodies are refused with 413.
    pub max_body_bytes: usize,
    pub clock: Clock,
    /// Name of the storage backend, for the health report.
    pub store: &'static str,
}

struct Mounted {
    name: &'static str,
    mount: &'static str,
    table: RouteTable,
    /// Kept for its part of the control API.
    pub(crate) service: Arc<dyn Service>,
}

pub struct Gateway {
    services: Vec<Mounted>,
    /// Per hostname label / prefix, the operations of every service
    /// mounted there, in mount order.
    hosts: Vec<(&'static str, RouteTable)>,
    /// Labels whose sub-hosts name resources (`{bucket}.sfs3.<region>…`).
    virtual_hosted: Vec<&'static str>,
    /// Every service's operations in one table, for requests that name no
    /// service (the documented paths are served as-is on the one port).
    union: RouteTable,
    auth: Arc<dyn Authenticator>,
    settings: Settings,
}

/// One mounted operation: its service, the prefix it is served under
/// (`/<mount>/...`), and its row of the operation table.
pub struct Served<'a> {
    pub service: &'static str,
    pub mount: &'static str,
    pub op: &'a Op,
}

/// A service to mount, with how it words a malformed request body.
pub struct Mount {
    pub service: Arc<dyn Service>,
    pub bad_body: fn(&str) -> ApiError,
}

impl Gateway {
    /// Mounts `services` in order; the first one owns paths several share
    /// (identity owns `GET /` and `GET /v3`).
    pub fn new(mounts: Vec<Mount>, auth: Arc<dyn Authenticator>, settings: Settings) -> Self {
        let mut services = Vec::new();
        let mut hosts: Vec<(&'static str, RouteTable)> = Vec::new();
        let mut union = RouteTable::default();
        let mut virtual_hosted = Vec::new();
        for m in mounts {
            let name = m.service.name();
            let mount = m.service.mount();
            if m.service.virtual_hosts() {
                virtual_hosted.push(mount);
            }
            if !hosts.iter().any(|(h, _)| *h == mount) {
                hosts.push((mount, RouteTable::default()));
            }
            let host = &mut hosts.iter_mut().find(|(h, _)| *h == mount).expect("just added").1;
            let mut table = RouteTable::default();
            for op in m.service.clone().ops() {
                union.add(op.clone(), m.bad_body);
                host.add(op.clone(), m.bad_body);
                table.add(op, m.bad_body);
            }
            services.push(Mounted { name, mount, table, service: m.service.clone() });
        }
        Gateway { services, hosts, virtual_hosted, union, auth, settings }
    }

    pub fn service_names(&self) -> Vec<&'static str> {
        self.services.iter().map(|s| s.name).collect()
    }

    pub fn served_operations(&self) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> + '_ {
        self.services.iter().flat_map(|s| s.table.served().map(move |(m, p)| (s.name, m, p)))
    }

    /// Every mounted operation with its service: what generated suites
    /// (bad input, isolation) enumerate, so a new service is covered by them
    /// without a list to keep.
    pub fn operations(&self) -> impl Iterator<Item = Served<'_>> + '_ {
        self.services.iter().flat_map(|s| s.table.ops().map(move |op| Served { service: s.name, mount: s.mount, op }))
    }

    pub async fn handle(&self, req: Request<Body>) -> Response<Body> {
        // 1. accept
        let started = Instant::now();
        let request_id = otc_core::ids::hex32();
        let method = req.method().as_str().to_string();
        let path = req.uri().path().to_string();
        let (parts, body) = req.into_parts();
        let expects_continue = parts.headers.get("expect").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        let mut body = RequestBody::new(body, expects_continue);
        let mut resp = self.dispatch(parts, &mut body, &request_id).await;
        // A client on a keep-alive connection sends its next request after
        // this one's body: an early answer (no such API, a control call)
        // drains a body it did not need, or says that it closes.
        if !body.settle(self.settings.max_body_bytes).await {
            resp.headers_mut().insert("connection", HeaderValue::from_static("close"));
        }
        let status = resp.status().as_u16();
        tracing::info!(
            target: "access",
            request_id = %request_id,
            method = %method,
            path = %path,
            status,
            latency_us = started.elapsed().as_micros() as u64,
        );
        resp
    }

    async fn dispatch(&self, parts: http::request::Parts, body: &mut RequestBody, request_id: &str) -> Response<Body> {
        let path = parts.uri.path();
        if let Some(rest) = path.strip_prefix("/_emulator/") {
            drop(otc_core::durability::take());
            let resp = control::handle(self, parts.method.as_str(), rest, request_id);
            // Services' control operations write too: on disk before answered.
            return match written(request_id).await {
                Ok(()) => resp,
                Err(e) => error_response(Family::Gateway, &e, request_id),
            };
        }

        // 2. resolve the service
        let (table, path, vhost) = self.resolve(&parts.headers, path);

        // 3. route
        let Some(routes::Found { op, bad_body, mut params }) = table.find(parts.method.as_str(), path) else {
            return error_response(Family::Gateway, &ApiError::unknown_api(), request_id);
        };
        if let Some(v) = &vhost {
            params.extend(v.bucket.clone().map(|b| ("host_bucket".to_string(), b)));
            params.insert("host_region".into(), v.region.clone());
        }

        // 4. body: over the limit is 413, a broken one (chunked framing,
        // a connection failing mid-body) 400
        let body = match body.read(self.settings.max_body_bytes).await {
            Ok(b) => b,
            Err(why) => return error_response(Family::Gateway, &render::unreadable_body(why), request_id),
        };

        // 5. authenticate (whatever this thread noted before is not ours)
        drop(otc_core::durability::take());
        let ctx = match op.access {
            Access::Public => None,
            Access::Authenticated | Access::Project => {
                let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
                // An OBS-style API knows only its own signature (a token
                // beside it, as keystoneauth adds one, is not looked at).
                let obs = op.family == Family::Obs;
                let token = header("x-auth-token").filter(|t| !t.is_empty() && !obs);
                let signature = header("authorization").filter(|a| {
                    if obs {
                        a.starts_with("OBS ")
                    } else {
                        a.starts_with("SDK-HMAC-SHA256 ") || a.starts_with("V11-HMAC-SHA256 ")
                    }
                });
                let result = match (signature, token) {
                    (Some(authorization), _) => {
                        let raw_path = parts.uri.path();
                        let signed = SignedRequest {
                            authorization,
                            method: parts.method.as_str(),
                            path: raw_path,
                            unprefixed: (path != raw_path).then_some(path),
                            query: parts.uri.query(),
                            header: &header,
                            body: &body,
                            url_project: params.get("project_id").or_else(|| params.get("tenant_id")).map(String::as_str),
                            host_bucket: params.get("host_bucket").map(String::as_str),
                            host_region: params.get("host_region").map(String::as_str),
                        };
                        self.auth.authenticate_signature(&signed, request_id)
                    }
                    (None, None) => Err(otc_core::api::AuthFailure::Missing),
                    (None, Some(t)) => self.auth.authenticate_token(t, request_id),
                };
                match result {
                    Ok(ctx) => Some(ctx),
                    Err(why) => {
                        let (family, e) = render::auth_failure(op.family, &why);
                        return error_response(family, &e, request_id);
                    }
                }
            }
        };

        // 6. authorise
        if op.access == Access::Project {
            let ctx = ctx.as_ref().expect("authenticated above");
            let addressed = params.get("project_id").or_else(|| params.get("tenant_id"));
            let allowed = match (ctx.project(), addressed) {
                (None, _) => false,
                (Some(own), Some(p)) => own == p,
                (Some(_), None) => true,
            };
            if !allowed {
                let e = ApiError::forbidden("The IAM user is not authorized to access the API: the token is not valid for this project");
                return error_response(Family::Gateway, &e, request_id);
            }
        }

        // 7. run
        let result = {
            let query = Query::parse(parts.uri.query());
            let headers = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
            let input = Input {
                ctx: ctx.as_ref(),
                request_id,
                params: &params,
                query: &query,
                headers: &headers,
                body: &body,
                base_url: &self.settings.base_url,
                bad_body,
            };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (op.handler)(&input)))
                .unwrap_or_else(|_| Err(ApiError::internal("the operation failed unexpectedly")))
        };

        // 7b. what the request committed, or saw committed, is on disk
        // before anyone hears of it
        if let Err(e) = written(request_id).await {
            return error_response(op.family, &e, request_id);
        }

        // 8. render
        match result {
            Ok(reply) => reply_response(op, reply, request_id),
            Err(e) => {
                if e.status >= 500 {
                    tracing::error!(request_id, error = %e, "operation failed");
                }
                // "No such API" is the gateway's answer whoever says it
                // (a handler refusing a version it does not serve).
                let family = if e.code == "APIGW.0101" { Family::Gateway } else { op.family };
                error_response(family, &e, request_id)
            }
        }
    }

    /// Picks the route table for a request: by Host, then by prefix, else
    /// the union. Returns the path relative to the service, and for a
    /// virtual-hosted service's host what it names.
    fn resolve<'p>(&self, headers: &HeaderMap, path: &'p str) -> (&RouteTable, &'p str, Option<VirtualHost>) {
        if let Some(host) = headers.get("host").and_then(|h| h.to_str().ok()) {
            let labels: Vec<&str> = host.split(':').next().unwrap_or("").split('.').collect();
            // `{bucket}.<label>.<region>.…` first: a bucket may be called
            // like a service (`vpc.sfs3.eu-de.…`). The bucket may hold dots.
            let vhost = (0..labels.len().saturating_sub(2)).find(|&i| self.virtual_hosted.contains(&labels[i]));
            if let Some(i) = vhost {
                if let Some((_, table)) = self.hosts.iter().find(|(h, _)| *h == labels[i]) {
                    let bucket = (i > 0).then(|| labels[..i].join("."));
                    return (table, path, Some(VirtualHost { bucket, region: labels[i + 1].to_string() }));
                }
            }
            if labels.len() >= 3 {
                if let Some((_, table)) = self.hosts.iter().find(|(h, _)| *h == labels[0]) {
                    return (table, path, None);
                }
            }
        }
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        if let Some((_, table)) = self.hosts.iter().find(|(h, _)| *h == first) {
            let rest = &path[1 + first.len()..];
            return (table, if rest.is_empty() { "/" } else { rest }, None);
        }
        (&self.union, path, None)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}

/// What the Host of a request to a virtual-hosted service names.
struct VirtualHost {
    /// `None` on the service's own host (`sfs3.eu-de.…`).
    bucket: Option<String>,
    region: String,
}

/// Waits until every commit this thread noted for the request is on disk
/// (see `otc_core::durability`); a failed write is the emulator's 500.
async fn written(request_id: &str) -> Result<(), ApiError> {
    let Some(wait) = otc_core::durability::take() else { return Ok(()) };
    wait.await.map_err(|e| {
        tracing::error!(request_id, error = %e, "a commit could not be written");
        ApiError::internal(format!("storage failure: {e}"))
    })
}

fn request_id_headers(family: Family, request_id: &str, headers: &mut HeaderMap) {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", v);
    }
    if family.openstack_native() {
        if let Ok(v) = HeaderValue::from_str(&format!("req-{request_id}")) {
            headers.insert("x-openstack-request-id", v);
        }
    }
}

fn json_response(status: u16, family: Family, body: Option<Vec<u8>>, request_id: &str) -> Response<Body> {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    request_id_headers(family, request_id, resp.headers_mut());
    if let Some(b) = body {
        resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
        *resp.body_mut() = Body::from(b);
    }
    resp
}

fn reply_response(op: &Op, reply: Reply, request_id: &str) -> Response<Body> {
    let mut resp = json_response(reply.status, op.family, reply.body, request_id);
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    resp
}

pub(crate) fn error_response(family: Family, e: &ApiError, request_id: &str) -> Response<Body> {
    if family == Family::Obs {
        let mut resp = json_response(e.status, family, Some(render::obs_error(e, request_id).into_bytes()), request_id);
        resp.headers_mut().insert("content-type", HeaderValue::from_static("application/xml"));
        if let Ok(v) = HeaderValue::from_str(request_id) {
            resp.headers_mut().insert("x-obs-request-id", v);
        }
        return resp;
    }
    let body = serde_json::to_vec(&render::error_body(family, e, request_id)).unwrap_or_default();
    let mut resp = json_response(e.status, family, Some(body), request_id);
    for (name, value) in &e.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            resp.headers_mut().insert(n, v);
        }
    }
    resp
}

pub(crate) fn ok_json(value: serde_json::Value, request_id: &str) -> Response<Body> {
    json_response(200, Family::Gateway, serde_json::to_vec(&value).ok(), request_id)
}
