//! OBS V1 signatures (`Authorization: OBS <AK>:<signature>`), as the
//! general-purpose file system (SFS 3.0) verifies them: Base64 of
//! HMAC-SHA1 under the secret key over
//!
//! ```text
//! VERB \n Content-MD5 \n Content-Type \n Date \n
//! x-obs-* headers (lower-case names, sorted, `name:value\n`)
//! CanonicalizedResource (`/`, or `/<bucket>/`, then `?` and the sorted sub-resources)
//! ```
//!
//! (the reference's `authentication_of_signature_in_a_header.rst`). The
//! Date line is empty when `x-obs-date` carries the time, as OBS's own
//! SDK and otcextensions sign. The key is IAM's: a permanent access key,
//! or a temporary one with its `x-obs-security-token`. The project is the
//! region's, named by the Host (`…sfs3.<region>…`): a temporary key's own
//! project when it lies in that region, else the region's top-level
//! project of the key's domain.

use crate::aksk::KeyRefusal;
use crate::model::{project_by_name, Project, User, PROJECT, USER};
use crate::signing;
use crate::Iam;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use otc_core::api::{AuthFailure, SignedRequest};
use otc_core::Ctx;
use otc_store::TxExt;

/// OBS's tolerance for client clocks.
const MAX_SKEW_MINUTES: i64 = 15;

fn refuse(code: &'static str, message: impl Into<String>) -> AuthFailure {
    AuthFailure::Obs(code, message.into())
}

fn denied(message: impl Into<String>) -> AuthFailure {
    refuse("AccessDenied", message)
}

impl Iam {
    pub(crate) fn verify_obs_signature(&self, req: &SignedRequest<'_>, request_id: &str) -> Result<Ctx, AuthFailure> {
        let Some((ak, signature)) = req.authorization.strip_prefix("OBS ").and_then(|c| c.trim().rsplit_once(':')) else {
            return Err(denied("The Authorization header is not OBS <AccessKeyId>:<Signature>."));
        };
        let header = |name: &str| (req.header)(name);
        let date = header("x-obs-date").or_else(|| header("date"));
        let Some(date) = date else {
            return Err(denied("Request is missing a valid Date or x-obs-date header."));
        };
        let Some(signed_at) = http_date(date) else {
            return Err(denied(format!("The date {date:?} is not an RFC 1123 date.")));
        };
        let now = self.clock.now();
        if (now - signed_at).abs() > Duration::minutes(MAX_SKEW_MINUTES) {
            return Err(refuse("RequestTimeTooSkewed", "The difference between the request time and the server's time is too large."));
        }
        let key = self.key_for(ak, header("x-obs-security-token"), now).map_err(|KeyRefusal { unknown, detail }| {
            if unknown {
                refuse("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
            } else {
                denied(detail)
            }
        })?;
        let matches = resources(req).iter().any(|resource| {
            let expected = sign(&key.secret, &string_to_sign(req, resource));
            signing::same(&expected, signature)
        });
        if !matches {
            return Err(refuse(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            ));
        }
        let project = self.region_project(&key.user_id, key.project_id.as_deref(), req.host_region)?;
        self.caller_in(key, project, None, now, request_id).map_err(denied)
    }

    /// The project an OBS request acts in (see the module's comment).
    fn region_project(&self, user_id: &str, key_project: Option<&str>, region: Option<&str>) -> Result<Option<String>, AuthFailure> {
        let Some(region) = region else { return Ok(key_project.map(str::to_string)) };
        let found = self.store.txn(|tx| {
            if let Some(p) = key_project {
                if let Some(p) = tx.get_doc::<Project>(PROJECT, p)? {
                    if p.region() == region {
                        return Ok(Some(p.id));
                    }
                }
            }
            let Some(user) = tx.get_doc::<User>(USER, user_id)? else { return Ok(None) };
            Ok::<_, otc_store::StoreError>(project_by_name(tx, &user.domain_id, region)?.map(|p| p.id))
        });
        match found {
            Ok(Some(p)) => Ok(Some(p)),
            Ok(None) => Err(denied(format!("The access key has no project in region {region}."))),
            Err(e) => {
                tracing::error!(error = %e, "project lookup failed");
                Err(denied("The project of the access key could not be read."))
            }
        }
    }
}

/// An RFC 1123 date. The weekday is not checked: the reference's own
/// example signs "Sat, 12 Oct 2015", a Monday.
fn http_date(date: &str) -> Option<DateTime<Utc>> {
    let date = date.trim();
    let rest = date.split_once(',').map_or(date, |(_, r)| r.trim());
    chrono::NaiveDateTime::parse_from_str(rest, "%d %b %Y %H:%M:%S GMT")
        .map(|d| d.and_utc())
        .ok()
        .or_else(|| DateTime::parse_from_rfc2822(date).ok().map(|d| d.with_timezone(&Utc)))
}

/// The canonicalised resources a client may have signed: every query
/// parameter (otcextensions signs them all), or only OBS sub-resources
/// (OBS's own SDK), sorted either way.
fn resources(req: &SignedRequest<'_>) -> Vec<String> {
    let base = match req.host_bucket {
        Some(b) => format!("/{b}/"),
        None => "/".to_string(),
    };
    let mut params: Vec<(String, Option<String>)> = req
        .query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (p.to_string(), None),
        })
        .collect();
    params.sort();
    let with = |ps: &[&(String, Option<String>)]| {
        if ps.is_empty() {
            return base.clone();
        }
        let q: Vec<String> = ps.iter().map(|(k, v)| v.as_ref().map_or_else(|| k.clone(), |v| format!("{k}={v}"))).collect();
        format!("{base}?{}", q.join("&"))
    };
    let all: Vec<&(String, Option<String>)> = params.iter().collect();
    let sub: Vec<&(String, Option<String>)> = params.iter().filter(|(k, _)| SUB_RESOURCES.contains(&k.as_str())).collect();
    let mut out = vec![with(&all)];
    if sub.len() != all.len() {
        out.push(with(&sub));
    }
    out
}

/// The sub-resources OBS signs that SFS 3.0 can see.
const SUB_RESOURCES: &[&str] = &["acl", "policy", "sfsacl", "location", "storageinfo", "quota", "tagging"];

fn string_to_sign(req: &SignedRequest<'_>, resource: &str) -> String {
    let header = |name: &str| (req.header)(name).unwrap_or("").trim().to_string();
    let obs_date = (req.header)("x-obs-date").is_some();
    let mut out = format!(
        "{}\n{}\n{}\n{}\n",
        req.method.to_ascii_uppercase(),
        header("content-md5"),
        header("content-type"),
        if obs_date { String::new() } else { header("date") }
    );
    for name in OBS_HEADERS {
        if let Some(v) = (req.header)(name) {
            out.push_str(&format!("{name}:{}\n", v.trim()));
        }
    }
    out.push_str(resource);
    out
}

/// The `x-obs-*` headers an SFS 3.0 request can carry, sorted: the
/// gateway reads headers by name, and these are the ones clients sign.
const OBS_HEADERS: &[&str] = &[
    "x-obs-acl",
    "x-obs-az-redundancy",
    "x-obs-bucket-type",
    "x-obs-date",
    "x-obs-epid",
    "x-obs-fs-file-interface",
    "x-obs-security-token",
    "x-obs-storage-class",
];

fn sign(secret: &str, text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha1(secret.as_bytes(), text.as_bytes()))
}

/// HMAC (RFC 2104) over SHA-1, block size 64.
fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..20].copy_from_slice(&sha1_smol::Sha1::from(key).digest().bytes());
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = sha1_smol::Sha1::new();
    inner.update(&block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = sha1_smol::Sha1::new();
    outer.update(&block.map(|b| b ^ 0x5c));
    outer.update(&inner.digest().bytes());
    outer.digest().bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha1_matches_rfc_2202() {
        let hex = |b: [u8; 20]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(hex(hmac_sha1(b"Jefe", b"what do ya want for nothing?")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        assert_eq!(
            hex(hmac_sha1(&[0xaa; 80], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        );
    }

    /// Signatures otcextensions' `AkskRequestsAuth` (0.34.8) computed for
    /// these requests, with AK `AKTEST` and SK `secret-key`.
    #[test]
    fn signatures_of_otcextensions() {
        type Case<'a> = (&'a str, Option<&'a str>, &'a [(&'a str, &'a str)], &'a str);
        let cases: [Case<'_>; 2] = [
            ("PUT", Some("sfsacl"), &[("content-type", "application/json")], "kUlE3UyJyU/XV75NNLP5wYaC0YM="),
            ("PUT", None, &[("x-obs-bucket-type", "SFS"), ("x-obs-az-redundancy", "3az")], "ghNthMFGTCyK4Hypqv1P27rcxYY="),
        ];
        for (method, query, extra, expected) in cases {
            let headers = |n: &str| match n {
                "x-obs-date" => Some("Wed, 02 Dec 2026 17:00:00 GMT"),
                _ => extra.iter().find(|(k, _)| *k == n).map(|(_, v)| *v),
            };
            let req = SignedRequest {
                authorization: "OBS AKTEST:x",
                method,
                path: "/",
                unprefixed: None,
                query,
                header: &headers,
                body: b"{}",
                url_project: None,
                host_bucket: Some("fs1"),
                host_region: Some("eu-de"),
            };
            let resource = &resources(&req)[0];
            assert_eq!(sign("secret-key", &string_to_sign(&req, resource)), expected, "{method} {query:?}");
        }
    }

    #[test]
    fn dates_as_the_reference_writes_them() {
        for d in ["Wed, 07 Jun 2023 02:38:09 GMT", "WED, 01 Jul 2015 02:31:25 GMT", "Sat, 12 Oct 2015 08:12:38 GMT"] {
            assert!(http_date(d).is_some(), "{d}");
        }
        assert_eq!(http_date("Tue, 01 Dec 2026 10:00:00 +0100").unwrap().to_rfc3339(), "2026-12-01T09:00:00+00:00");
        assert!(http_date("2026-12-01T10:00:00Z").is_none());
    }

    #[test]
    fn string_to_sign_follows_the_reference() {
        let headers = |n: &str| match n {
            "date" => Some("Wed, 07 Jun 2023 02:38:09 GMT"),
            "x-obs-bucket-type" => Some("SFS"),
            "x-obs-az-redundancy" => Some(" 3az"),
            _ => None,
        };
        let req = SignedRequest {
            authorization: "OBS a:b",
            method: "PUT",
            path: "/",
            unprefixed: None,
            query: Some("sfsacl"),
            header: &headers,
            body: b"",
            url_project: None,
            host_bucket: Some("fs1"),
            host_region: Some("eu-de"),
        };
        assert_eq!(resources(&req), vec!["/fs1/?sfsacl".to_string()]);
        assert_eq!(
            string_to_sign(&req, "/fs1/?sfsacl"),
            "PUT\n\n\nWed, 07 Jun 2023 02:38:09 GMT\nx-obs-az-redundancy:3az\nx-obs-bucket-type:SFS\n/fs1/?sfsacl"
        );
    }
}
