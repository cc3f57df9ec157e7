//! AK/SK request signatures as the clients compute them, recomputed from
//! what arrives on the wire:
//!
//! - `SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=...`
//!   (huaweicloudsdkcore): HMAC-SHA256 with the raw SK over
//!   `ALG\nX-Sdk-Date\nhex(sha256(canonical request))`;
//! - `V11-HMAC-SHA256 Credential=AK/date/region/service, ...`
//!   (huaweicloudsdkcore's derived signer): the key is one HKDF step,
//!   HMAC(HMAC(AK, SK), scope || 0x01) as hex text, and the scope is a line
//!   of the string to sign;
//! - `SDK-HMAC-SHA256 Credential=AK/date/region/service/sdk_request, ...`
//!   (gophertelekomcloud, Terraform): the key is an HMAC chain from
//!   `"SDK" + SK` over date, region, service and `sdk_request`.
//!
//! The canonical request is the same for all: method, the path with each
//! segment re-encoded (RFC 3986 unreserved kept) and a trailing `/`, the
//! sorted query, the signed headers `name:value\n`, their names, and the
//! payload hash (`X-Sdk-Content-Sha256` or sha256 of the body). The two
//! client families differ in query handling (repeated keys, `+`, key
//! order) and header value trimming; both are reproduced. Test vectors come
//! from the real signers (see the unit tests).

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A signed request as received.
pub struct Wire<'a> {
    pub method: &'a str,
    /// The request path as sent (percent-encoded).
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// Header value by lower-case name.
    pub header: &'a dyn Fn(&str) -> Option<&'a str>,
    pub body: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// huaweicloudsdkcore's default signer.
    Access,
    /// huaweicloudsdkcore's derived signer.
    V11,
    /// gophertelekomcloud's scoped signer.
    Scoped,
}

/// A parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub scheme: Scheme,
    pub access_key: String,
    /// The credential scope after the AK (`date/region/service[/sdk_request]`).
    pub scope: Option<String>,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Whether a header value is one of the signature schemes (rather than,
/// say, a bearer token).
pub fn is_signature(header: &str) -> bool {
    header.starts_with("SDK-HMAC-SHA256 ") || header.starts_with("V11-HMAC-SHA256 ")
}

pub fn parse_authorization(header: &str) -> Option<Authorization> {
    let (alg, rest) = header.split_once(' ')?;
    let mut access = None;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Access" => access = Some(v.to_string()),
            "Credential" => credential = Some(v.to_string()),
            "SignedHeaders" => signed = Some(v.to_string()),
            "Signature" => signature = Some(v.to_string()),
            _ => return None,
        }
    }
    let signed_headers: Vec<String> = signed?.split(';').map(str::to_string).collect();
    if signed_headers.iter().any(|h| h.is_empty() || h.chars().any(|c| c.is_ascii_uppercase())) {
        return None;
    }
    let signature = signature.filter(|s| s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()))?;
    let (scheme, access_key, scope) = match (alg, access, credential) {
        ("SDK-HMAC-SHA256", Some(ak), None) => (Scheme::Access, ak, None),
        ("SDK-HMAC-SHA256", None, Some(c)) => {
            let (ak, scope) = c.split_once('/')?;
            if scope.split('/').count() != 4 || !scope.ends_with("/sdk_request") {
                return None;
            }
            (Scheme::Scoped, ak.to_string(), Some(scope.to_string()))
        }
        ("V11-HMAC-SHA256", None, Some(c)) => {
            let (ak, scope) = c.split_once('/')?;
            (Scheme::V11, ak.to_string(), Some(scope.to_string()))
        }
        _ => return None,
    };
    if access_key.is_empty() {
        return None;
    }
    Some(Authorization { scheme, access_key, scope, signed_headers, signature })
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

fn decode(s: &str, plus_is_space: bool) -> String {
    let s = if plus_is_space { s.replace('+', " ") } else { s.to_string() };
    percent_decode_str(&s).decode_utf8_lossy().into_owned()
}

/// Each segment decoded and re-encoded; always ending in `/`.
pub fn canonical_uri(path: &str) -> String {
    let decoded = decode(path, false);
    let mut out = decoded.split('/').map(enc).collect::<Vec<_>>().join("/");
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

fn pairs(query: &str, plus_is_space: bool) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, plus_is_space), decode(v, plus_is_space))
        })
        .collect()
}

/// huaweicloudsdkcore: every pair, sorted by key then value.
fn canonical_query_sdk(query: &str) -> String {
    let mut p = pairs(query, false);
    p.sort();
    p.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// gophertelekomcloud: the first value of each key, keys sorted without
/// regard to case, `+` meaning a space.
fn canonical_query_go(query: &str) -> String {
    let mut first: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs(query, true) {
        if !first.iter().any(|(fk, _)| fk == &k) {
            first.push((k, v));
        }
    }
    let mut encoded: Vec<(String, String)> = first.iter().map(|(k, v)| (enc(k), enc(v))).collect();
    encoded.sort_by_key(|(k, _)| k.to_lowercase());
    encoded.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// Go's `url.Values.Encode()` of the query: what it hashes as the payload
/// of a bodiless POST.
fn go_form_encode(query: &str) -> String {
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in pairs(query, true) {
        match keys.iter_mut().find(|(fk, _)| fk == &k) {
            Some((_, vs)) => vs.push(v),
            None => keys.push((k, vec![v])),
        }
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let qe = |s: &str| enc(s).replace("%20", "+");
    keys.iter().flat_map(|(k, vs)| vs.iter().map(move |v| format!("{}={}", qe(k), qe(v)))).collect::<Vec<_>>().join("&")
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// The canonical request for `auth` over `wire`, or `None` when a signed
/// header is missing.
pub fn canonical_request(wire: &Wire<'_>, auth: &Authorization) -> Option<String> {
    let go = auth.scheme == Scheme::Scoped;
    let query = wire.query.unwrap_or("");
    let mut headers = String::new();
    for name in &auth.signed_headers {
        let raw = (wire.header)(name)?;
        let value = if go { raw.split_whitespace().collect::<Vec<_>>().join(" ") } else { raw.trim().to_string() };
        headers.push_str(&format!("{name}:{value}\n"));
    }
    let (cq, payload) = if go && wire.method.eq_ignore_ascii_case("POST") && wire.body.is_empty() {
        // Go signs a bodiless POST's query as its form-encoded payload.
        (String::new(), sha256_hex(go_form_encode(query).as_bytes()))
    } else {
        let cq = if go { canonical_query_go(query) } else { canonical_query_sdk(query) };
        let payload = match (wire.header)("x-sdk-content-sha256") {
            Some(h) if !wire.body.is_empty() || go => h.to_string(),
            _ => sha256_hex(wire.body),
        };
        (cq, payload)
    };
    Some(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        wire.method.to_ascii_uppercase(),
        canonical_uri(wire.path),
        cq,
        headers,
        auth.signed_headers.join(";"),
        payload
    ))
}

/// The signature a client holding `secret` computes for `wire`.
pub fn signature(wire: &Wire<'_>, auth: &Authorization, secret: &str) -> Option<String> {
    let date = (wire.header)("x-sdk-date")?;
    let hashed = sha256_hex(canonical_request(wire, auth)?.as_bytes());
    let scope = auth.scope.as_deref().unwrap_or("");
    let (key, to_sign) = match auth.scheme {
        Scheme::Access => (secret.as_bytes().to_vec(), format!("SDK-HMAC-SHA256\n{date}\n{hashed}")),
        Scheme::V11 => {
            let prk = hmac(auth.access_key.as_bytes(), secret.as_bytes());
            let mut info = scope.as_bytes().to_vec();
            info.push(1);
            (hex::encode(hmac(&prk, &info)).into_bytes(), format!("V11-HMAC-SHA256\n{date}\n{scope}\n{hashed}"))
        }
        Scheme::Scoped => {
            let mut k = format!("SDK{secret}").into_bytes();
            for part in scope.split('/') {
                k = hmac(&k, part.as_bytes());
            }
            (k, format!("SDK-HMAC-SHA256\n{date}\n{scope}\n{hashed}"))
        }
    };
    Some(hex::encode(hmac(&key, to_sign.as_bytes())))
}

/// Constant-time comparison of two signatures.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SK: &str = "SKEXAMPLEabcdefghijklmnopqrstuvwxyz0123456";
    const DATE: &str = "20240102T030405Z";

    /// Checks a vector produced by the real client signer.
    fn check(method: &str, target: &str, headers: &[(&str, &str)], authorization: &str) {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        let lookup = |n: &str| headers.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
        let wire = Wire { method, path, query, header: &lookup, body: b"" };
        let auth = parse_authorization(authorization).expect("parses");
        let got = signature(&wire, &auth, SK).expect("computable");
        assert_eq!(got, auth.signature, "{authorization}");
    }

    #[test]
    fn huaweicloudsdk_default_signer() {
        let h = [("host", "127.0.0.1:4600"), ("x-sdk-date", DATE), ("x-project-id", "0123")];
        check("GET", "/v1/0123/vpcs?limit=10", &h, "SDK-HMAC-SHA256 Access=AKEXAMPLE0123456789, SignedHeaders=host;x-project-id;x-sdk-date, Signature=92befb71b2db8553f774f8840b33e05a8c5504ddaa51707690aae1f8b9241059");
        let h = [
            ("host", "127.0.0.1:4600"),
            ("x-sdk-date", DATE),
            ("x-project-id", "0123"),
            ("x-security-token", "tok123"),
            ("x-spaced", "v  a"),
        ];
        check(
            "GET",
            "/v1/0123/a%20b/c+d~e*f:g?Zed=x%2Fy%3Dz%26w&empty=&flag=true&id=a&id=z&name=a%20b&uni=%C3%A4",
            &h,
            "SDK-HMAC-SHA256 Access=AKEXAMPLE0123456789, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token;x-spaced, Signature=27fc544aec4cdbce12c23bc05158703468e561aa0c482801f1825c1d77e64f50",
        );
    }

    #[test]
    fn huaweicloudsdk_derived_signer() {
        let h = [("host", "127.0.0.1:4600"), ("x-sdk-date", DATE), ("x-project-id", "0123")];
        check("GET", "/v1/0123/vpcs?limit=10", &h, "V11-HMAC-SHA256 Credential=AKEXAMPLE0123456789/20240102/eu-de/vpc, SignedHeaders=host;x-project-id;x-sdk-date, Signature=9d0fd2c56812a6f3241d7d541e6b5e76fd0b3e0894442a0788d711ea11cbe0ac");
    }

    #[test]
    fn gophertelekomcloud_scoped_signer() {
        let h = [("host", "127.0.0.1:4600"), ("x-sdk-date", DATE), ("x-project-id", "0123")];
        check("GET", "/v1/0123/vpcs?limit=10", &h, "SDK-HMAC-SHA256 Credential=AKEXAMPLE0123456789/20240102///sdk_request, SignedHeaders=host;x-project-id;x-sdk-date, Signature=fcd8645c0beed57c1eb002a7c1590fbd000c7e97e4eeed4f2f4f453f01638922");
        check("GET", "/v1/0123/vpcs?limit=10", &h, "SDK-HMAC-SHA256 Credential=AKEXAMPLE0123456789/20240102/eu-de/vpc/sdk_request, SignedHeaders=host;x-project-id;x-sdk-date, Signature=b1ebcb8b07626caa008e7f32598723677f16ed6330fd8b9177e28e08ab60ce4d");
        let h = [("host", "127.0.0.1:4600"), ("x-sdk-date", DATE), ("x-spaced", "v  a")];
        check(
            "GET",
            "/v1/0123/a%20b/c+d~e*f:g?name=a+b&id=z&id=a&empty&flag=true&Zed=x%2Fy%3Dz%26w&uni=%C3%A4",
            &h,
            "SDK-HMAC-SHA256 Credential=AKEXAMPLE0123456789/20240102///sdk_request, SignedHeaders=host;x-sdk-date;x-spaced, Signature=c653e91418cc80b38ac378d47dedf88d4ab04f23d3b550fde5c7e0ad679d8412",
        );
        let h = [("host", "127.0.0.1:4600"), ("x-sdk-date", DATE)];
        check("POST", "/v1/0123/action?b=2&a=1+x", &h, "SDK-HMAC-SHA256 Credential=AKEXAMPLE0123456789/20240102///sdk_request, SignedHeaders=host;x-sdk-date, Signature=42479823ed756a9163a3a44448e43159f97d07aa4ab4a36b2b3b153646570390");
    }

    #[test]
    fn malformed_headers_do_not_parse() {
        for bad in [
            "SDK-HMAC-SHA256 Access=AK",
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=xyz",
            "SDK-HMAC-SHA256 Credential=AK/20240102/x, SignedHeaders=host, Signature=92befb71b2db8553f774f8840b33e05a8c5504ddaa51707690aae1f8b9241059",
            "HMAC Access=AK, SignedHeaders=host, Signature=92befb71b2db8553f774f8840b33e05a8c5504ddaa51707690aae1f8b9241059",
            "SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=92befb71b2db8553f774f8840b33e05a8c5504ddaa51707690aae1f8b9241059",
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad}");
        }
        assert_eq!(canonical_uri("/v1/x"), "/v1/x/");
        assert_eq!(canonical_uri("/v1/a%20b/"), "/v1/a%20b/");
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
