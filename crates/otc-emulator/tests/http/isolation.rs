//! Generated cross-project probes (issue 14): one of every resource kind
//! in project A (eu-de of the default admin), then, over every served
//! operation, two other callers — the same admin in eu-nl, and a user of
//! another domain in eu-de — try to reach A's resources:
//!
//! - their own URL with A's ids: refused (4xx), nothing changes;
//! - A's project in the URL: 403 from the gateway;
//! - every listing: none of A's ids in the answer;
//! - every create whose example body names resources: A's ids there are
//!   refused, nothing changes.
//!
//! Identity is domain-wide, so the eu-nl admin (same user, same domain)
//! is not probed on IAM operations; the other domain's user is.

use crate::common::{config, password_auth, Emu};
use crate::netkit::Api;
use crate::probe::fixtures::{create_all, Fixtures};
use crate::probe::mutations::with_ids;
use crate::probe::reference::Examples;
use crate::probe::{answer_problems, raw, targets, Tally, Target};
use otc_core::api::Access;
use otc_iam::{DomainSeed, IamConfig, UserSeed};
use serde_json::{json, Value};

/// Whether `body` holds any of `ids`: as a string value, or inside one
/// (links), for ids long enough not to match by chance.
fn leaks<'a>(body: &Value, ids: &'a [String]) -> Option<&'a str> {
    match body {
        Value::String(s) => ids.iter().find(|id| *s == **id || (id.len() >= 16 && s.contains(id.as_str()))).map(String::as_str),
        Value::Array(a) => a.iter().find_map(|v| leaks(v, ids)),
        Value::Object(o) => o.iter().find_map(|(k, v)| ids.iter().find(|id| *k == **id).map(String::as_str).or_else(|| leaks(v, ids))),
        _ => None,
    }
}

struct Caller<'a> {
    name: &'static str,
    api: Api<'a>,
    /// Same domain and user as A: identity operations are shared.
    same_domain: bool,
}

async fn send(
    emu: &Emu,
    who: &Caller<'_>,
    t: &Target,
    url: &str,
    body: Option<&[u8]>,
    what: &str,
    tally: &mut Tally,
) -> Option<raw::Answer> {
    let store = &emu.server.store;
    let before = store.fingerprint().unwrap();
    let a = raw::send(emu.server.addr, t.method, url, Some(&who.api.token), body).await;
    *tally.sent.entry(t.service).or_default() += 1;
    let mut problems = answer_problems(t.family, t.method, &a);
    let accepted = (200..300).contains(&a.status);
    if !accepted || t.reads_only() {
        let diff = before.diff(&store.fingerprint().unwrap());
        if !diff.is_empty() {
            problems.push(format!("store changed: {}", diff.join("; ")));
        }
    }
    if problems.is_empty() {
        Some(a)
    } else {
        tally.failures.push(format!("{} as {} [{what}] {url}: {} -> {} {}", t.label(), who.name, problems.join(", "), a.status, a.text()));
        None
    }
}

fn fail(tally: &mut Tally, t: &Target, who: &Caller<'_>, what: &str, url: &str, a: &raw::Answer, why: &str) {
    tally.failures.push(format!("{} as {} [{what}] {url}: {why} -> {} {}", t.label(), who.name, a.status, a.text()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_caller_reaches_another_projects_resources() {
    let started = std::time::Instant::now();
    let mut cfg = config();
    let mut domains = IamConfig::default().domains;
    domains.push(DomainSeed {
        name: "other".into(),
        users: vec![UserSeed { name: "bob".into(), password: "secret".into(), access_keys: vec![] }],
        projects: vec!["eu-de".into()],
    });
    cfg.identity = IamConfig { domains, ..IamConfig::default() };
    let emu = Emu::with(cfg).await;
    let a = Api::new(&emu, "eu-de").await;
    let f: Fixtures = create_all(&a, "eu-de").await;
    let examples = Examples::load();

    let nl = Api::new(&emu, "eu-nl").await;
    let r = emu.issue(password_auth("bob", "secret", "other", Some("eu-de"))).await;
    assert_eq!(r.status(), 201);
    let bob_token = r.headers()["x-subject-token"].to_str().unwrap().to_string();
    let b: Value = r.json().await.unwrap();
    let bob = Api { emu: &emu, token: bob_token, pid: b["token"]["project"]["id"].as_str().unwrap().to_string() };
    let callers =
        [Caller { name: "eu-nl admin", api: nl, same_domain: true }, Caller { name: "other domain", api: bob, same_domain: false }];

    assert_eq!(raw::send(emu.server.addr, "POST", "/_emulator/clock/freeze", None, None).await.status, 200);
    assert_eq!(raw::send(emu.server.addr, "POST", "/_emulator/clock/advance/3600", None, None).await.status, 200);
    let ts = targets(&emu.server);
    let mut tally = Tally::default();
    let (mut creates, mut lists) = (0, 0);
    for who in &callers {
        // A project's first network request gives it its default security
        // group: read everything once, so later reads write nothing.
        for t in ts.iter().filter(|t| t.reads_only()) {
            let url = t.url(|p| if t.addresses_project(p) { who.api.pid.clone() } else { format!("probe-missing-{p}") });
            raw::send(emu.server.addr, t.method, &url, Some(&who.api.token), None).await;
        }
        let mut owned = f.owned.clone();
        if !who.same_domain {
            owned.extend(f.domain_owned.iter().cloned());
        }
        for t in &ts {
            if who.same_domain && t.service == "iam" {
                continue;
            }
            if !who.same_domain {
                *tally.ops.entry(t.service).or_default() += 1;
            }
            let a_value =
                |p: &str| f.get(t.service, &t.family_name(), p).map(str::to_string).unwrap_or_else(|| format!("probe-missing-{p}"));
            let own_project = |p: &str| if t.addresses_project(p) { who.api.pid.clone() } else { a_value(p) };
            let documented = examples.as_ref().and_then(|e| e.for_op(t.method, t.path).first().cloned());
            let (body, named) = documented.map(|b| with_ids(&b, t, &f)).unwrap_or((json!({}), 0));
            let body = (!t.reads_only()).then(|| serde_json::to_vec(&body).unwrap());
            let resource_params = t.resource_params();
            let names_owned =
                |p: &str| !f.all_owned(p).is_empty() && f.get(t.service, &t.family_name(), p).is_some_and(|v| owned.iter().any(|o| o == v));

            // 1. Its own URL, A's ids.
            for p in resource_params.iter().filter(|p| names_owned(p)) {
                for id in f.all_owned(p).into_iter().filter(|id| owned.iter().any(|o| o == id)) {
                    let url = t.url(|q| if q == *p { id.to_string() } else { own_project(q) });
                    if let Some(ans) = send(&emu, who, t, &url, body.as_deref(), &format!("A's {p}"), &mut tally).await {
                        if ans.status < 400 {
                            fail(&mut tally, t, who, &format!("A's {p}"), &url, &ans, "A's resource reached");
                        }
                    }
                }
            }
            // 2. A's project in the URL.
            if t.params().iter().any(|p| t.addresses_project(p)) {
                let url = t.url(|q| if t.addresses_project(q) { a.pid.clone() } else { a_value(q) });
                if let Some(ans) = send(&emu, who, t, &url, body.as_deref(), "A's project", &mut tally).await {
                    let code = ans.json().and_then(|b| b["error_code"].as_str().map(String::from)).unwrap_or_default();
                    if (ans.status, code.as_str()) != (403, "APIGW.0302") {
                        fail(&mut tally, t, who, "A's project", &url, &ans, "not 403 APIGW.0302");
                    }
                }
            }
            // 3. Listings (and every read not naming one of A's
            // resources): none of A's ids.
            if t.reads_only() && !resource_params.iter().any(|p| names_owned(p)) {
                lists += 1;
                let url = t.url(own_project);
                if let Some(ans) = send(&emu, who, t, &url, None, "listing", &mut tally).await {
                    if let Some(id) = ans.json().as_ref().and_then(|b| leaks(b, &owned)) {
                        fail(&mut tally, t, who, "listing", &url, &ans, &format!("shows A's {id}"));
                    }
                }
            }
            // 4. Creates naming A's resources in their body.
            let creates_here = t.method == "POST" && !resource_params.iter().any(|p| names_owned(p));
            if creates_here && named > 0 && t.access == Access::Project {
                creates += 1;
                let url = t.url(own_project);
                if let Some(ans) = send(&emu, who, t, &url, body.as_deref(), "body names A's ids", &mut tally).await {
                    if ans.status < 400 {
                        fail(&mut tally, t, who, "body names A's ids", &url, &ans, "accepted");
                    }
                }
            }
        }
    }
    println!(
        "{} ({lists} listings scanned, {creates} creates naming A's ids) in {:.1}s",
        tally.summary("isolation"),
        started.elapsed().as_secs_f64()
    );
    tally.assert_clean("isolation");
}
