//! The contract between the gateway and the services.
//!
//! A service is a table of operations as data: method, documented path,
//! who may call it, the error envelope of its API family, and a handler.
//! Handlers get typed input and the caller's [`Ctx`] and return a [`Reply`]
//! or an [`ApiError`]; they never see sockets or build HTTP responses, and
//! they never render errors: the gateway does, in one place.

use crate::{ApiError, ApiResult, Ctx};
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// The error envelope (and request-id headers) of an API family, see
/// GUIDE.md §5 and docs/ARCHITECTURE.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `{"error_msg", "error_code", "request_id"}`: the API gateway itself.
    Gateway,
    /// Keystone's `{"error": {code, message, title}}` plus IAM's
    /// `error_code`/`error_msg` keys.
    Keystone,
    /// OTC native services: `{"error_msg", "error_code"}` (+ request_id).
    Native,
    /// VPC v1/v2: `{"code", "message"}`.
    Vpc,
    /// Neutron v2.0: `{"NeutronError": {type, message, detail}}`.
    Neutron,
    /// Nova: `{"<fault>": {code, message}}`.
    Nova,
    /// Manila (SFS capacity-oriented): Nova's envelope with Manila's own
    /// fault names (`badMethod`, `badMediaType`, ...; no 429), and
    /// `retryAfter` beside an `overLimit` quota refusal.
    Manila,
    /// ECS v1: `{"error": {"code": "Ecs.xxxx", "message"}}`.
    Ecs,
    /// OBS-style APIs (the general-purpose file system, SFS 3.0): XML
    /// `<Error><Code/><Message/><Resource/><RequestId/><HostId/></Error>`
    /// (`kind` carries the Resource), and only an `Authorization: OBS`
    /// signature authenticates.
    Obs,
    /// SFS Turbo: `{"errCode": "SFS.TURBO.xxxx", "errMsg"}`.
    SfsTurbo,
    /// MapReduce Service: the documented `{"error_code", "error_msg"}`
    /// and the `{"errorCode", "message"}` the real API answers with, both.
    Mrs,
}

impl Family {
    /// OpenStack-native APIs also answer with X-Openstack-Request-Id.
    pub fn openstack_native(self) -> bool {
        matches!(self, Family::Keystone | Family::Neutron | Family::Nova | Family::Manila)
    }
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credentials (version discovery, token issuance).
    Public,
    /// A valid token or signature, any scope.
    Authenticated,
    /// A valid project-scoped credential; a `{project_id}` (or `{tenant_id}`)
    /// in the path must be the caller's project.
    Project,
}

pub type Handler = Arc<dyn Fn(&Input<'_>) -> ApiResult<Reply> + Send + Sync>;

/// One row of a service's operation table.
#[derive(Clone)]
pub struct Op {
    pub method: &'static str,
    /// The documented path, with `{name}` parameters.
    pub path: &'static str,
    pub access: Access,
    pub family: Family,
    pub handler: Handler,
    /// The reference pages (paths under the API reference) this operation
    /// serves, when its method and path alone do not say which: the
    /// coverage report matches such an operation only to these pages (the
    /// SFS 3.0 calls are all `/` on a virtual host).
    pub docs: &'static [&'static str],
}

impl Op {
    pub fn new(method: &'static str, path: &'static str, access: Access, family: Family, handler: Handler) -> Self {
        Op { method, path, access, family, handler, docs: &[] }
    }

    pub fn serving(mut self, docs: &'static [&'static str]) -> Self {
        self.docs = docs;
        self
    }
}

/// One catalog entry a service contributes: the service type and the URL
/// shape under the emulator's base URL (`{project_id}` is substituted).
/// A path of the form `//<label>.{region}` is a host of its own instead:
/// `scheme://<label>.<region>.<domain>:<port>` with the base URL's scheme
/// and port, and its host when that is a DNS name (else `localhost`), for
/// services whose clients address resources as sub-hosts (SFS 3.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub service_type: &'static str,
    pub name: &'static str,
    pub path: &'static str,
}

/// A service the gateway serves.
pub trait Service: Send + Sync {
    /// Its name in reports (`iam`, `vpc`, `sfs-turbo`, `vpn-classic`, ...).
    fn name(&self) -> &'static str;
    /// The hostname label and prefix it is reached under; several services
    /// may share one (classic VPN is served on the VPC endpoint).
    fn mount(&self) -> &'static str {
        self.name()
    }
    fn ops(self: Arc<Self>) -> Vec<Op>;
    fn catalog(&self) -> Vec<CatalogEntry> {
        Vec::new()
    }
    /// Whether host names below `<mount>.<region>.…` address this
    /// service's resources (`{name}.sfs3.eu-de.…`): the gateway routes
    /// them here and hands the name over as the `host_bucket` parameter
    /// (and the label after the mount as `host_region`).
    fn virtual_hosts(&self) -> bool {
        false
    }

    /// The service's part of the emulator's own API (`/_emulator/<parts>`,
    /// unauthenticated), for what the cloud does on its own that tests
    /// must be able to trigger (an alarm firing). `None`: not this service's.
    fn control(&self, _method: &str, _parts: &[&str]) -> Option<ApiResult<serde_json::Value>> {
        None
    }
}

/// Why a credential was not accepted; each family words it its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    Missing,
    Invalid,
    Expired,
    /// An AK/SK signature was refused; the detail follows the gateway's
    /// "Incorrect IAM authentication information: ".
    Signature(String),
    /// An OBS V1 signature was refused: the OBS error code
    /// (`SignatureDoesNotMatch`, `InvalidAccessKeyId`, ...) and message.
    Obs(&'static str, String),
}

/// A request signed with an access key, as the gateway received it.
pub struct SignedRequest<'a> {
    pub authorization: &'a str,
    pub method: &'a str,
    /// The path as received.
    pub path: &'a str,
    /// The path without the service prefix (`/vpc/v1/...` → `/v1/...`),
    /// when the request came through one: clients sign either.
    pub unprefixed: Option<&'a str>,
    pub query: Option<&'a str>,
    /// A request header by lower-case name.
    pub header: &'a dyn Fn(&str) -> Option<&'a str>,
    pub body: &'a [u8],
    /// The `{project_id}` the URL addresses, if any.
    pub url_project: Option<&'a str>,
    /// On a virtual-hosted service: the resource the Host names (`None`
    /// on the service's own host) and the region label of the Host.
    pub host_bucket: Option<&'a str>,
    pub host_region: Option<&'a str>,
}

/// Turns a presented credential into a caller context (implemented by IAM).
pub trait Authenticator: Send + Sync {
    fn authenticate_token(&self, token: &str, request_id: &str) -> Result<Ctx, AuthFailure>;

    /// Verifies an AK/SK signature. Without an implementation every
    /// signature is refused.
    fn authenticate_signature(&self, _req: &SignedRequest<'_>, _request_id: &str) -> Result<Ctx, AuthFailure> {
        Err(AuthFailure::Signature("verify aksk signature fail".into()))
    }
}

/// Query parameters in order; repeated keys keep every value.
#[derive(Debug, Clone, Default)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        Query(raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
}

/// What a handler receives.
pub struct Input<'a> {
    /// Present for `Access::Authenticated` operations.
    pub ctx: Option<&'a Ctx>,
    pub request_id: &'a str,
    pub params: &'a HashMap<String, String>,
    pub query: &'a Query,
    /// Request headers a handler may read (lower-case names).
    pub headers: &'a dyn Fn(&str) -> Option<&'a str>,
    pub body: &'a [u8],
    /// The emulator's base URL as clients reach it (for links and catalogs).
    pub base_url: &'a str,
    /// How this operation's service words a malformed body.
    pub bad_body: fn(&str) -> ApiError,
}

impl Input<'_> {
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        (self.headers)(name)
    }

    /// The caller (authenticated operations only).
    pub fn ctx(&self) -> ApiResult<&Ctx> {
        self.ctx.ok_or_else(|| ApiError::internal("operation declared public uses the caller context"))
    }

    /// Parses the JSON body into `T`; syntax and type errors are the
    /// service's documented 400.
    pub fn json<T: DeserializeOwned>(&self) -> ApiResult<T> {
        if self.body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err((self.bad_body)("the request body is empty"));
        }
        serde_json::from_slice(self.body).map_err(|e| (self.bad_body)(&e.to_string()))
    }
}

/// What a handler answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
}

impl Reply {
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> ApiResult<Reply> {
        Ok(Reply { status, headers: Vec::new(), body: Some(serde_json::to_vec(body)?) })
    }

    /// A body its handler serialised to JSON itself.
    pub fn raw_json(status: u16, body: Vec<u8>) -> Reply {
        Reply { status, headers: Vec::new(), body: Some(body) }
    }

    pub fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: None }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// Binds a service method to its instance as a [`Handler`], so operation
/// tables read as `(method, path, access, family, handler(&svc, Svc::op))`.
pub fn handler<S: Send + Sync + 'static>(svc: &Arc<S>, f: fn(&S, &Input<'_>) -> ApiResult<Reply>) -> Handler {
    let svc = svc.clone();
    Arc::new(move |input| f(&svc, input))
}
