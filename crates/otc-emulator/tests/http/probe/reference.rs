//! Known-valid request bodies, taken from the API reference's "Example
//! Request" sections: operations.tsv names the page of every documented
//! operation, and each page's examples hold the JSON a client sends.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A path with its parameter names erased: `/v1/{project_id}/vpcs` →
/// `v1/{}/vpcs`, so the reference's and the tables' names need not agree.
pub fn shape(path: &str) -> String {
    path.trim_end_matches('{')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// The reference's example bodies by (method, path shape), in page order.
#[derive(Default)]
pub struct Examples {
    bodies: HashMap<(String, String), Vec<Value>>,
    pub pages: usize,
}

impl Examples {
    /// `../shared/otc-api-ref` beside the repository; `None` (with a note)
    /// where it is not there, so the suite still runs on `{}` bodies.
    pub fn load() -> Option<Examples> {
        let root = reference_dir();
        let tsv = match std::fs::read_to_string(root.join("operations.tsv")) {
            Ok(t) => t,
            Err(e) => {
                println!("note: no API reference at {} ({e}); bodies fall back to {{}}", root.display());
                return None;
            }
        };
        let mut ex = Examples::default();
        for line in tsv.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [_, method, path, doc, ..] = cols[..] else { continue };
            let Ok(page) = std::fs::read_to_string(root.join(doc)) else { continue };
            ex.pages += 1;
            let found = bodies(&page);
            if !found.is_empty() {
                ex.bodies.entry((method.to_string(), shape(path))).or_default().extend(found);
            }
        }
        Some(ex)
    }

    pub fn for_op(&self, method: &str, path: &str) -> &[Value] {
        self.bodies.get(&(method.to_string(), shape(path))).map(Vec::as_slice).unwrap_or_default()
    }
}

fn reference_dir() -> PathBuf {
    // crates/otc-emulator → the repository → its parent holds shared/.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::var_os("OTC_API_REF").map(PathBuf::from).unwrap_or_else(|| repo.join("../shared/otc-api-ref"))
}

/// Whether `line` starts a section: the next line underlines it.
fn is_heading(lines: &[&str], i: usize) -> bool {
    let Some(next) = lines.get(i + 1) else { return false };
    let t = next.trim();
    !lines[i].trim().is_empty() && t.len() >= 3 && t.chars().all(|c| c == '-' || c == '=' || c == '~' || c == '^')
}

/// Every JSON object in the page's example-request parts. The pages use
/// both section headings ("Example Request") and bullets ("-  Example
/// request"); a part ends at the next heading or example response.
pub fn bodies(page: &str) -> Vec<Value> {
    let lines: Vec<&str> = page.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].to_ascii_lowercase().contains("example request") {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < lines.len() {
            let l = lines[end].to_ascii_lowercase();
            if l.contains("example response") || l.contains("example request") || is_heading(&lines, end) {
                break;
            }
            end += 1;
        }
        out.extend(objects(&lines[start..end].join("\n")));
        i = end;
    }
    out
}

/// The JSON objects in free text: each `{` is tried as the start of one
/// (`{Endpoint}` in a URL is not, and is skipped). A few pages hold
/// examples with a missing or trailing comma; those are mended.
fn objects(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(off) = text[at..].find('{') {
        let from = at + off;
        let Some(end) = balanced(text, from) else {
            at = from + 1;
            continue;
        };
        let slice = &text[from..end];
        match serde_json::from_str::<Value>(slice).or_else(|_| serde_json::from_str::<Value>(&mend(slice))) {
            Ok(v @ Value::Object(_)) => {
                out.push(v);
                at = end;
            }
            _ => at = from + 1,
        }
    }
    out
}

/// The end of the bracketed block opening at `from` (strings respected).
fn balanced(text: &str, from: usize) -> Option<usize> {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for (i, c) in text[from..].char_indices() {
        match (in_str, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') => in_str = false,
            (true, _) => {}
            (false, '"') => in_str = true,
            (false, '{' | '[') => depth += 1,
            (false, '}' | ']') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(from + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Adds the comma missing at the end of a member line and drops those
/// before a closing bracket.
fn mend(block: &str) -> String {
    let lines: Vec<&str> = block.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_end();
        let next = lines[i + 1..].iter().map(|n| n.trim()).find(|n| !n.is_empty()).unwrap_or("");
        let ends_value = t.ends_with(|c: char| c == '"' || c.is_ascii_digit() || c == '}' || c == ']')
            || t.ends_with("true")
            || t.ends_with("false")
            || t.ends_with("null");
        if ends_value && (next.starts_with('"') || next.starts_with('{')) {
            out.push(format!("{t},"));
        } else if t.ends_with(',') && (next.starts_with('}') || next.starts_with(']')) {
            out.push(t.trim_end_matches(',').to_string());
        } else {
            out.push(t.to_string());
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_styles_of_example() {
        let page = "Example Request\n---------------\n\n.. code-block:: text\n\n   POST https://{Endpoint}/v1/{project_id}/vpcs\n\n   {\n       \"vpc\": {\"name\": \"a\"}\n   }\n\nExample Response\n----------------\n\n   {\"vpc\": {\"id\": 1}}\n\n-  Example request\n\n   .. code-block::\n\n      curl -X POST -d '{\"project\":{\"name\":\"p\"}}' https://x/v3/projects\n\n-  Example response\n\n   {\"x\": 1}\n";
        let got = bodies(page);
        assert_eq!(got, vec![serde_json::json!({"vpc": {"name": "a"}}), serde_json::json!({"project": {"name": "p"}})]);
        assert_eq!(shape("/v1/{project_id}/vpcs/{vpc_id}{"), "v1/{}/vpcs/{}");
        let typo = "Example Request\n\n   {\n     \"sg\": {\n       \"name\": \"a\"\n       \"vpc_id\": \"b\",\n     }\n   }\n";
        assert_eq!(bodies(typo), vec![serde_json::json!({"sg": {"name": "a", "vpc_id": "b"}})]);
    }
}
