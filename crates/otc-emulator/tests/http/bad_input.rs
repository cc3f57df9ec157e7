//! The generated bad-input suite (issue 14): every operation of the
//! gateway's tables gets malformed bodies, wrong JSON types in every member
//! of the reference's example body, hostile strings, absurd query values
//! and hostile path parameters. Every answer must be below 500, carry a
//! request id and, when an error, the operation family's envelope; a
//! wrong type is never accepted; and a refused request changes nothing in
//! the store (its whole fingerprint is compared around each request).
//!
//! `cargo test` sends a rotating sample per operation (the seed is
//! printed; `OTC_BAD_INPUT_SEED` replays it); `OTC_BAD_INPUT_FULL=1`
//! (`scripts/bad-input`) sends everything.

use crate::common::Emu;
use crate::netkit::Api;
use crate::probe::fixtures::{create_all, Fixtures};
use crate::probe::mutations::{self, Rule};
use crate::probe::reference::Examples;
use crate::probe::{answer_problems, full, raw, seed, targets, Rng, Tally, Target};
use serde_json::{json, Value};

/// Probes per operation in the sampled run.
const SAMPLE: usize = 10;

struct Probe {
    label: String,
    url: String,
    body: Option<Vec<u8>>,
    rule: Rule,
}

/// Operations that take things away run last, so the others still find
/// the fixtures they name.
fn destructive(t: &Target) -> bool {
    t.method == "DELETE" || t.path.contains("delete") || t.path.ends_with("/action") || t.path.ends_with("scaling_configurations")
}

fn missing(param: &str) -> String {
    format!("probe-missing-{param}")
}

/// Every probe of one operation.
fn probes(t: &Target, f: &Fixtures, examples: Option<&Examples>) -> Vec<Probe> {
    let fixture = |p: &str| f.get(t.service, &t.family_name(), p).map(str::to_string).unwrap_or_else(|| missing(p));
    let documented: Vec<Value> = examples.map(|e| e.for_op(t.method, t.path).to_vec()).unwrap_or_default();
    let base = documented.first().map(|b| mutations::with_ids(b, t, f).0).unwrap_or_else(|| json!({}));
    // An operation that reads a body acts on real resources (so the body
    // is what is refused); one that may ignore it, on missing ones.
    let reads_body = !documented.is_empty() && t.method != "DELETE";
    let body_url = t.url(|p| if reads_body || t.addresses_project(p) { fixture(p) } else { missing(p) });
    let mut out = Vec::new();
    if !t.reads_only() {
        for m in mutations::bodies(&base, !documented.is_empty(), &t.family_name()) {
            out.push(Probe { label: m.label, url: body_url.clone(), body: Some(m.body), rule: m.rule });
        }
    } else {
        let url = t.url(fixture);
        for (label, q) in mutations::queries() {
            out.push(Probe { label: format!("query {label}"), url: format!("{url}?{q}"), body: None, rule: Rule::MayAccept });
        }
    }
    let body = (!t.reads_only()).then(|| serde_json::to_vec(&base).unwrap());
    for p in t.params() {
        // A tag key is no resource: removing one the resource lacks
        // succeeds, as the batch delete does (otc-vpc api/tags.rs).
        let rule = if p == "key" && t.method == "DELETE" { Rule::MayAccept } else { Rule::Refuse };
        for (label, v) in mutations::path_values() {
            let url = t.url(|q| if q == p { v.clone() } else { fixture(q) });
            out.push(Probe { label: format!("{{{p}}} = {label}"), url, body: body.clone(), rule });
        }
    }
    out
}

/// Freezes the clock after letting every lifecycle settle, and reads every
/// listing once, so nothing moves while the store is being compared.
async fn settle(emu: &Emu, api: &Api<'_>, ts: &[Target], f: &Fixtures) {
    let addr = emu.server.addr;
    assert_eq!(raw::send(addr, "POST", "/_emulator/clock/freeze", None, None).await.status, 200);
    assert_eq!(raw::send(addr, "POST", "/_emulator/clock/advance/3600", None, None).await.status, 200);
    for t in ts.iter().filter(|t| t.reads_only()) {
        let url = t.url(|p| f.get(t.service, &t.family_name(), p).map(str::to_string).unwrap_or_else(|| missing(p)));
        raw::send(addr, t.method, &url, Some(&api.token), None).await;
    }
}

async fn send_checked(emu: &Emu, token: &str, t: &Target, p: &Probe, tally: &mut Tally) {
    let store = &emu.server.store;
    let before = store.fingerprint().unwrap();
    let a = raw::send(emu.server.addr, t.method, &p.url, Some(token), p.body.as_deref()).await;
    *tally.sent.entry(t.service).or_default() += 1;
    let mut problems = answer_problems(t.family, t.method, &a);
    let accepted = (200..300).contains(&a.status);
    if accepted && p.rule == Rule::Refuse {
        problems.push("accepted".into());
    }
    if !accepted || t.reads_only() {
        let diff = before.diff(&store.fingerprint().unwrap());
        if !diff.is_empty() {
            problems.push(format!("store changed: {}", diff.join("; ")));
        }
    }
    if let Some(path) = std::env::var_os("OTC_BAD_INPUT_TRACE") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
        let body: String = p.body.as_deref().map(String::from_utf8_lossy).unwrap_or_default().chars().take(200).collect();
        writeln!(f, "{} [{}] {} {body} -> {} {}", t.label(), p.label, p.url, a.status, a.text()).unwrap();
    }
    if !problems.is_empty() {
        let url: String = p.url.chars().take(160).collect();
        tally.failures.push(format!("{} [{}] {url}: {} -> {} {}", t.label(), p.label, problems.join(", "), a.status, a.text()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_refuses_bad_input_and_changes_nothing() {
    let started = std::time::Instant::now();
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let fixtures = create_all(&api, "eu-de").await;
    let examples = Examples::load();
    let mut ts = targets(&emu.server);
    ts.sort_by_key(destructive);
    settle(&emu, &api, &ts, &fixtures).await;

    let (full, seed) = (full(), seed());
    let mut tally = Tally::default();
    let mut with_example = 0;
    for t in &ts {
        let all = probes(t, &fixtures, examples.as_ref());
        if examples.as_ref().is_some_and(|e| !e.for_op(t.method, t.path).is_empty()) {
            with_example += 1;
        } else if !t.reads_only() && t.method != "DELETE" {
            println!("note: no example body in the reference for {}", t.label());
        }
        let chosen = if full { all } else { Rng::new(seed, &t.label()).sample(all, SAMPLE) };
        *tally.ops.entry(t.service).or_default() += 1;
        for p in &chosen {
            send_checked(&emu, &api.token, t, p, &mut tally).await;
        }
    }
    println!(
        "{} ({} with a reference example body; {}, seed {seed}) in {:.1}s",
        tally.summary("bad input"),
        with_example,
        if full { "full set" } else { "sample" },
        started.elapsed().as_secs_f64()
    );
    tally.assert_clean("bad input");
}
