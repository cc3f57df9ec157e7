//! Generated probes over every served operation (bad input, isolation):
//! the operations come from the gateway's tables at run time, so a service
//! added later is probed without a line here.

pub mod fixtures;
pub mod mutations;
pub mod raw;
pub mod reference;

use otc_core::api::{Access, Family};
use otc_emulator::Server;
use serde_json::Value;
use std::collections::BTreeMap;

/// One served operation.
#[derive(Clone)]
pub struct Target {
    pub service: &'static str,
    pub mount: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub family: Family,
    pub access: Access,
}

impl Target {
    pub fn family_name(&self) -> String {
        format!("{:?}", self.family)
    }

    /// The path's parameter names, in order.
    pub fn params(&self) -> Vec<&'static str> {
        self.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect()
    }

    /// Parameters naming a resource (not the project the URL addresses).
    pub fn resource_params(&self) -> Vec<&'static str> {
        self.params().into_iter().filter(|p| !self.addresses_project(p)).collect()
    }

    /// Whether `param` is the gateway-checked project of the URL.
    pub fn addresses_project(&self, param: &str) -> bool {
        self.access == Access::Project && (param == "project_id" || param == "tenant_id")
    }

    /// The request target under the service's prefix, each parameter
    /// replaced by `value(name)` (sent as given: already percent-encoded).
    pub fn url(&self, value: impl Fn(&str) -> String) -> String {
        let filled: Vec<String> = self
            .path
            .split('/')
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => value(name),
                None => s.to_string(),
            })
            .collect();
        format!("/{}{}", self.mount, filled.join("/")).trim_end_matches('/').to_string()
    }

    pub fn label(&self) -> String {
        format!("{} {} {}", self.service, self.method, self.path)
    }

    pub fn reads_only(&self) -> bool {
        matches!(self.method, "GET" | "HEAD")
    }
}

pub fn targets(server: &Server) -> Vec<Target> {
    server
        .gateway
        .operations()
        .map(|s| Target {
            service: s.service,
            mount: s.mount,
            method: s.op.method,
            path: s.op.path,
            family: s.op.family,
            access: s.op.access,
        })
        .collect()
}

fn is_str(v: &Value, ptr: &str) -> bool {
    v.pointer(ptr).is_some_and(Value::is_string)
}

/// Whether `body` is an error in `family`'s documented envelope (or the
/// API gateway's, which answers for every service before it is reached).
pub fn envelope_problem(family: Family, status: u16, body: &Value) -> Option<String> {
    let gateway =
        is_str(body, "/error_msg") && is_str(body, "/request_id") && body["error_code"].as_str().is_some_and(|c| c.starts_with("APIGW."));
    if gateway {
        return None;
    }
    let ok = match family {
        Family::Gateway => false,
        Family::Native => is_str(body, "/error_msg") && is_str(body, "/error_code"),
        Family::Keystone => {
            body["error"]["code"].as_u64() == Some(status as u64) && is_str(body, "/error/message") && is_str(body, "/error/title")
        }
        Family::Vpc => is_str(body, "/code") && is_str(body, "/message"),
        Family::Neutron => is_str(body, "/NeutronError/type") && is_str(body, "/NeutronError/message"),
        Family::Nova | Family::Manila => body
            .as_object()
            .is_some_and(|o| o.len() == 1 && o.values().all(|f| f["code"].as_u64() == Some(status as u64) && f["message"].is_string())),
        Family::Ecs => is_str(body, "/error/code") && is_str(body, "/error/message"),
        // Only the gateway's own answers are JSON on an OBS API.
        Family::Obs => false,
        Family::SfsTurbo => body["errCode"].as_str().is_some_and(|c| c.starts_with("SFS.TURBO.")) && is_str(body, "/errMsg"),
        Family::Mrs => is_str(body, "/error_code") && is_str(body, "/error_msg") && is_str(body, "/errorCode") && is_str(body, "/message"),
    };
    (!ok).then(|| format!("not a {family:?} error envelope"))
}

/// What every answer must be: below 500, with a request id, and an error
/// in its family's envelope.
pub fn answer_problems(family: Family, method: &str, a: &raw::Answer) -> Vec<String> {
    let mut out = Vec::new();
    if a.status >= 500 {
        out.push(format!("status {}", a.status));
    }
    if a.header("x-request-id").is_none_or(str::is_empty) {
        out.push("no X-Request-Id".into());
    }
    // A HEAD answer has no body, whatever its status.
    if a.status >= 400 && method != "HEAD" && family == Family::Obs && a.json().is_none() {
        // OBS errors are XML (the gateway's own, before the service, JSON).
        let body = String::from_utf8_lossy(&a.body);
        let xml = a.header("content-type").is_some_and(|c| c.starts_with("application/xml"))
            && body.contains("<Error><Code>")
            && body.contains("</Message>")
            && body.contains("<RequestId>");
        if !xml {
            out.push("not an OBS XML error".into());
        }
    } else if a.status >= 400 && method != "HEAD" {
        match a.json() {
            Some(body) => out.extend(envelope_problem(family, a.status, &body)),
            None => out.push("error body is not JSON".into()),
        }
    }
    out
}

/// Requests sent and failures found, per service, for the summary.
#[derive(Default)]
pub struct Tally {
    pub sent: BTreeMap<&'static str, usize>,
    pub ops: BTreeMap<&'static str, usize>,
    pub failures: Vec<String>,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.sent.values().sum()
    }

    pub fn summary(&self, what: &str) -> String {
        let per: Vec<String> = self.sent.iter().map(|(s, n)| format!("{s} {} ops/{n} requests", self.ops.get(s).unwrap_or(&0))).collect();
        format!(
            "{what}: {} operations, {} requests ({}), {} failures",
            self.ops.values().sum::<usize>(),
            self.total(),
            per.join(", "),
            self.failures.len()
        )
    }

    /// Fails the test with every failure found (the first hundred).
    pub fn assert_clean(&self, what: &str) {
        if !self.failures.is_empty() {
            let shown: Vec<&str> = self.failures.iter().take(100).map(String::as_str).collect();
            panic!("{what}: {} failures:\n{}", self.failures.len(), shown.join("\n"));
        }
    }
}

/// Whether the full probe set is asked for (`OTC_BAD_INPUT_FULL=1`,
/// `scripts/bad-input`); otherwise each operation gets a rotating sample.
pub fn full() -> bool {
    std::env::var("OTC_BAD_INPUT_FULL").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The sample's seed: `OTC_BAD_INPUT_SEED`, else the day, so the sample
/// rotates from one day to the next and a failure can be replayed.
pub fn seed() -> u64 {
    std::env::var("OTC_BAD_INPUT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0))
}

/// A small deterministic generator (splitmix64) for the samples.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, salt: &str) -> Rng {
        let mut h = seed ^ 0x9e37_79b9_7f4a_7c15;
        for b in salt.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
        Rng(h)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `k` of `items`, in their order.
    pub fn sample<T>(&mut self, items: Vec<T>, k: usize) -> Vec<T> {
        if items.len() <= k {
            return items;
        }
        let mut keyed: Vec<(u64, usize, T)> = items.into_iter().enumerate().map(|(i, t)| (self.next(), i, t)).collect();
        keyed.sort_by_key(|(r, _, _)| *r);
        keyed.truncate(k);
        keyed.sort_by_key(|(_, i, _)| *i);
        keyed.into_iter().map(|(_, _, t)| t).collect()
    }
}
