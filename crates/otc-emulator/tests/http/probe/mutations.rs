//! The bad inputs: whole-body forms, wrong JSON types per field of a
//! known-valid body, hostile strings, absurd query values and path
//! parameters.

use super::fixtures::Fixtures;
use super::Target;
use serde_json::{json, Value};

/// What an answer to a mutation may be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// Must be refused (4xx) and change nothing.
    Refuse,
    /// May be accepted (a value of the right type the reference allows, or
    /// `null` for an optional member); refused, it must change nothing.
    MayAccept,
}

pub struct Mutation {
    pub label: String,
    pub body: Vec<u8>,
    pub rule: Rule,
}

fn m(label: impl Into<String>, body: Vec<u8>, rule: Rule) -> Mutation {
    Mutation { label: label.into(), body, rule }
}

/// `n` levels of `[`, closed: valid JSON nested past any parser's limit.
fn deep(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

/// Every JSON pointer in `v` (array members through their first element),
/// at most `depth` deep.
fn pointers(v: &Value, at: String, depth: usize, out: &mut Vec<String>) {
    if depth == 0 {
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, c) in o {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(c, p, depth - 1, out);
            }
        }
        Value::Array(a) => {
            if let Some(c) = a.first() {
                let p = format!("{at}/0");
                out.push(p.clone());
                pointers(c, p, depth - 1, out);
            }
        }
        _ => {}
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn with(base: &Value, ptr: &str, v: Value) -> Value {
    let mut b = base.clone();
    *b.pointer_mut(ptr).expect("pointer from the body") = v;
    b
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// Every bad body for an operation whose valid body is `base`.
/// `documented`: the reference shows a body, so the operation reads one
/// (an operation without one may ignore whatever it is sent).
pub fn bodies(base: &Value, documented: bool, family: &str) -> Vec<Mutation> {
    let whole = if documented { Rule::Refuse } else { Rule::MayAccept };
    let text = serde_json::to_string(base).unwrap();
    let mut out = vec![
        m("not JSON", b"this is not json".to_vec(), whole),
        m("truncated JSON", text.as_bytes()[..text.len() / 2 + 1].to_vec(), whole),
        m("JSON array", b"[]".to_vec(), whole),
        m("JSON string", b"\"probe\"".to_vec(), whole),
        m("JSON number", b"12345".to_vec(), whole),
        m("JSON null", b"null".to_vec(), whole),
        m("invalid UTF-8", b"{\"name\": \"\xff\xfe\"}".to_vec(), whole),
        m("10,000 levels of [", deep(10_000).into_bytes(), whole),
    ];
    if documented {
        out.push(m("empty body", Vec::new(), Rule::Refuse));
    }
    let mut ptrs = Vec::new();
    pointers(base, String::new(), 8, &mut ptrs);
    if let Some(first) = ptrs.first() {
        let nested = with(base, first, json!(null));
        let raw = serde_json::to_string(&nested).unwrap().replacen("null", &deep(10_000), 1);
        out.push(m(format!("{first}: 10,000 levels of ["), raw.into_bytes(), Rule::Refuse));
    }
    let neutron = family == "Neutron";
    for p in &ptrs {
        let was = base.pointer(p).unwrap();
        let numeric_text = was.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok());
        let bool_text = was.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"));
        let wrong: [(Value, Rule); 5] = [
            (json!("probe-wrong-type"), Rule::Refuse),
            // A number where the reference sends digits in a string.
            (json!(12345), if numeric_text { Rule::MayAccept } else { Rule::Refuse }),
            // Neutron's convert_to_int takes a boolean (Python's int(True)).
            (json!(true), if bool_text || (neutron && was.is_number()) { Rule::MayAccept } else { Rule::Refuse }),
            (json!(["probe-wrong-type"]), Rule::Refuse),
            (json!({"probe": "wrong-type"}), Rule::Refuse),
        ];
        for (v, rule) in wrong {
            if kind(&v) != kind(was) {
                out.push(m(format!("{p}: {} for {}", kind(&v), kind(was)), bytes(&with(base, p, v)), rule));
            }
        }
        if was.is_boolean() {
            // The string form only Neutron's convert_to_boolean takes, and
            // MRS's resize where gophertelekomcloud sends it as a string.
            let text_bool = neutron || (family == "Mrs" && p == "/parameters/skip_bootstrap_scripts");
            let rule = if text_bool { Rule::MayAccept } else { Rule::Refuse };
            out.push(m(format!("{p}: \"true\" for bool"), bytes(&with(base, p, json!("true"))), rule));
        }
        if !was.is_null() {
            out.push(m(format!("{p}: null"), bytes(&with(base, p, Value::Null)), Rule::MayAccept));
        }
        if let Value::String(s) = was {
            // Right type, hostile content: may pass where the reference
            // allows it, but never a 5xx, and a refusal changes nothing.
            out.push(m(format!("{p}: 100 KB string"), bytes(&with(base, p, json!("x".repeat(100_000)))), Rule::MayAccept));
            out.push(m(format!("{p}: NUL byte"), bytes(&with(base, p, json!(format!("{s}\u{0}x")))), Rule::MayAccept));
            out.push(m(format!("{p}: unicode"), bytes(&with(base, p, json!(format!("{s}-\u{2603}\u{1F600}")))), Rule::MayAccept));
            let raw = serde_json::to_string(&with(base, p, json!("\u{1}PROBE\u{1}"))).unwrap();
            let raw = raw.replace("\\u0001PROBE\\u0001", "\u{0}").into_bytes();
            let raw: Vec<u8> = raw.into_iter().flat_map(|b| if b == 0 { vec![0xff, 0xfe] } else { vec![b] }).collect();
            out.push(m(format!("{p}: invalid UTF-8 in the string"), raw, Rule::Refuse));
        }
    }
    out
}

/// Absurd query strings for reads: answered (2xx or 4xx), never a 5xx.
pub fn queries() -> Vec<(String, String)> {
    let huge = "a".repeat(5_000);
    [
        ("limit=-1", "limit=-1".to_string()),
        ("limit=2^66", "limit=99999999999999999999".to_string()),
        ("limit=abc", "limit=abc".to_string()),
        ("limit=1.5", "limit=1.5".to_string()),
        ("marker=../../x", "marker=../../x".to_string()),
        ("marker=huge", format!("marker={huge}")),
        ("offset=-1", "offset=-1".to_string()),
        ("page_reverse=maybe", "page_reverse=maybe".to_string()),
        ("name=%00", "name=%00".to_string()),
        ("name=%FF", "name=%FF%FE".to_string()),
        ("huge key", format!("{huge}=1")),
        ("start=-5", "start_number=-5&start=-5".to_string()),
    ]
    .into_iter()
    .map(|(l, q)| (l.to_string(), q))
    .collect()
}

/// Hostile values for one path parameter, percent-encoded as sent.
pub fn path_values() -> Vec<(&'static str, String)> {
    vec![
        ("5 KB", "p".repeat(5_000)),
        ("..", "..".into()),
        ("../ encoded", "..%2F..%2Fx".into()),
        ("%00", "a%00b".into()),
        ("%2F", "a%2Fb".into()),
        ("unicode", "%E2%98%83%F0%9F%98%80".into()),
        ("invalid UTF-8", "%FF%FE".into()),
    ]
}

/// The body field names an id of a fixture also travels under, by the
/// member that holds it (`{"networks": [{"id": ...}]}`).
fn id_field(key: &str, parent: Option<&str>) -> Option<&'static str> {
    Some(match (parent, key) {
        (Some("networks"), "id") => "network_id",
        (Some("security_groups"), "id") => "security_group_id",
        (Some("eip1" | "eip2" | "publicip"), "id") => "publicip_id",
        (Some("servers"), "id") => "server_id",
        (_, "vgw_ip") => "publicip_id",
        (_, "instances_id") => "server_id",
        _ => return None,
    })
}

/// `base` with every id-like member that names a kind of fixture set to
/// that fixture (`vpc_id` → the project's VPC, `imageRef` → a public
/// image). Returns how many of them name something the project owns.
pub fn with_ids(base: &Value, t: &Target, f: &Fixtures) -> (Value, usize) {
    fn walk(v: &mut Value, parent: Option<&str>, t: &Target, f: &Fixtures, n: &mut usize) {
        match v {
            Value::Object(o) => {
                for (k, c) in o.iter_mut() {
                    let name = id_field(k, parent).unwrap_or(k.as_str());
                    // Names only (a tag `key` or hook name of a body is a
                    // new one, not the fixture's).
                    let names_one =
                        name.ends_with("_id") || name.ends_with("Ref") || ["vpcid", "key_name", "connect_subnet"].contains(&name);
                    let id = f.get(t.service, &t.family_name(), name).filter(|_| names_one).map(str::to_string);
                    let owned = id.as_deref().is_some_and(|id| f.is_owned(id)) as usize;
                    match (id, &mut *c) {
                        (Some(id), Value::String(s)) => {
                            *s = id;
                            *n += owned;
                        }
                        (Some(id), Value::Array(a)) if a.iter().all(Value::is_string) && !a.is_empty() => {
                            *a = vec![json!(id)];
                            *n += owned;
                        }
                        _ => walk(c, Some(k.as_str()), t, f, n),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, parent, t, f, n)),
            _ => {}
        }
    }
    let mut v = base.clone();
    let mut n = 0;
    walk(&mut v, None, t, f, &mut n);
    (v, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_types_are_generated_for_every_member() {
        let base = json!({"vpc": {"name": "a", "cidr": "10.0.0.0/8", "enable": true, "ids": ["x"]}});
        let ms = bodies(&base, true, "Vpc");
        let labels: Vec<&str> = ms.iter().map(|m| m.label.as_str()).collect();
        for l in
            ["/vpc: string for object", "/vpc/name: number for string", "/vpc/enable: string for bool", "/vpc/ids/0: number for string"]
        {
            assert!(labels.contains(&l), "{l} in {labels:?}");
        }
        let refuse = |l: &str| ms.iter().find(|m| m.label == l).unwrap().rule;
        assert_eq!(refuse("/vpc/enable: string for bool"), Rule::Refuse);
        assert_eq!(refuse("/vpc/enable: \"true\" for bool"), Rule::Refuse);
        let neutron = bodies(&base, true, "Neutron");
        assert_eq!(neutron.iter().find(|m| m.label == "/vpc/enable: \"true\" for bool").unwrap().rule, Rule::MayAccept);
        assert_eq!(refuse("/vpc/name: null"), Rule::MayAccept);
        let bad = &ms.iter().find(|m| m.label == "/vpc/name: invalid UTF-8 in the string").unwrap().body;
        assert!(std::str::from_utf8(bad).is_err());
        assert!(serde_json::from_slice::<Value>(&ms.iter().find(|m| m.label == "10,000 levels of [").unwrap().body).is_err());
    }
}
