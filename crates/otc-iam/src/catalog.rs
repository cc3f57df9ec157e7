//! The service catalog: which services the emulator serves, where, per
//! region. One list of [`CatalogEntry`]s (contributed by the services)
//! yields the token catalog, /v3/auth/catalog, /v3/services and
//! /v3/endpoints, so they can never disagree.

use otc_core::api::CatalogEntry;
use otc_core::ids::stable_hex32;
use serde_json::{json, Value};

/// The URL of `e` in `region` (`{project_id}` left for the caller): the
/// path under the base URL, or a host of its own for `//<label>.{region}`
/// (see [`CatalogEntry`]).
pub fn entry_url(e: &CatalogEntry, region: &str, base_url: &str) -> String {
    let Some(host) = e.path.strip_prefix("//") else { return format!("{base_url}{}", e.path) };
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("http", base_url));
    let authority = rest.split('/').next().unwrap_or(rest);
    let (name, port) = match authority.rsplit_once(':') {
        Some((n, p)) if !n.ends_with(']') || authority.starts_with('[') && n.ends_with(']') => (n, Some(p)),
        _ => (authority, None),
    };
    // Sub-hosts of an address or of `localhost` itself are no DNS names;
    // every `*.localhost` is loopback (RFC 6761), where the resolver knows it.
    let is_name = name.chars().any(|c| c.is_ascii_alphabetic()) && !name.starts_with('[') && name != "localhost";
    let domain = if is_name { name } else { "localhost" };
    let host = host.replace("{region}", region);
    match port {
        Some(p) => format!("{scheme}://{host}.{domain}:{p}"),
        None => format!("{scheme}://{host}.{domain}"),
    }
}

pub fn service_id(e: &CatalogEntry) -> String {
    stable_hex32("service", e.service_type)
}

pub fn endpoint_id(e: &CatalogEntry, region: &str) -> String {
    stable_hex32("endpoint", &format!("{}/{region}", e.service_type))
}

/// The catalog of a token: for a project scope every service with its
/// URL for that project in the project's region; for a domain scope the
/// services whose URLs name no project, in every region. Identity, too, is
/// listed per region (clients look it up by their region name).
pub fn token_catalog(entries: &[CatalogEntry], regions: &[String], project: Option<(&str, &str)>, base_url: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for e in entries {
        let endpoint = |region: &str, url: String| {
            json!({
                "id": endpoint_id(e, region),
                "interface": "public",
                "region": region,
                "region_id": region,
                "url": url,
            })
        };
        let endpoints: Vec<Value> = match project {
            Some((project_id, region)) => vec![endpoint(region, entry_url(e, region, base_url).replace("{project_id}", project_id))],
            None if e.path.contains("{project_id}") => continue,
            None => regions.iter().map(|r| endpoint(r, entry_url(e, r, base_url))).collect(),
        };
        out.push(json!({"id": service_id(e), "name": e.name, "type": e.service_type, "endpoints": endpoints}));
    }
    out
}

/// /v3/services: one per service type.
pub fn services(entries: &[CatalogEntry], base_url: &str) -> Vec<Value> {
    entries
        .iter()
        .map(|e| {
            let id = service_id(e);
            json!({
                "id": id,
                "name": e.name,
                "type": e.service_type,
                "enabled": true,
                "links": {"self": format!("{base_url}/v3/services/{id}")},
            })
        })
        .collect()
}

/// /v3/endpoints: one per service and region; project URLs keep
/// Keystone's `$(tenant_id)s`.
pub fn endpoints(entries: &[CatalogEntry], regions: &[String], base_url: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for e in entries {
        for r in regions {
            let url = entry_url(e, r, base_url).replace("{project_id}", "$(tenant_id)s");
            let id = endpoint_id(e, r);
            out.push(json!({
                "id": id,
                "url": url,
                "region": r,
                "region_id": r,
                "enabled": true,
                "interface": "public",
                "service_id": service_id(e),
                "links": {"self": format!("{base_url}/v3/endpoints/{id}")},
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<CatalogEntry> {
        vec![
            CatalogEntry { service_type: "identity", name: "iam", path: "/v3" },
            CatalogEntry { service_type: "vpc", name: "vpc", path: "/vpc/v1/{project_id}" },
            CatalogEntry { service_type: "network", name: "neutron", path: "/vpc" },
        ]
    }

    #[test]
    fn project_catalog_substitutes_the_project() {
        let regions = vec!["eu-de".to_string(), "eu-nl".to_string()];
        let c = token_catalog(&entries(), &regions, Some(("p1", "eu-de")), "http://h");
        assert_eq!(c.len(), 3);
        assert_eq!(c[0]["endpoints"][0]["region"], "eu-de");
        assert_eq!(c[1]["endpoints"][0]["url"], "http://h/vpc/v1/p1");
        assert_eq!(c[1]["endpoints"][0]["region_id"], "eu-de");
        let d = token_catalog(&entries(), &regions, None, "http://h");
        assert_eq!(d.len(), 2, "project URLs are left out of a domain catalog");
        assert_eq!(d[0]["endpoints"].as_array().unwrap().len(), 2);
        assert_eq!(d[1]["endpoints"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn host_entries_take_the_base_urls_scheme_and_port() {
        let e = CatalogEntry { service_type: "sfs3", name: "sfs3", path: "//sfs3.{region}" };
        assert_eq!(entry_url(&e, "eu-nl", "http://127.0.0.1:8080"), "http://sfs3.eu-nl.localhost:8080");
        assert_eq!(entry_url(&e, "eu-de", "http://localhost:80"), "http://sfs3.eu-de.localhost:80");
        assert_eq!(entry_url(&e, "eu-de", "https://emu.example.org"), "https://sfs3.eu-de.emu.example.org");
        assert_eq!(entry_url(&e, "eu-de", "http://[::1]:9"), "http://sfs3.eu-de.localhost:9");
        assert_eq!(entry_url(&entries()[1], "eu-de", "http://h"), "http://h/vpc/v1/{project_id}");
    }

    #[test]
    fn endpoints_per_region() {
        let regions = vec!["eu-de".to_string(), "eu-nl".to_string()];
        let e = endpoints(&entries(), &regions, "http://h");
        assert_eq!(e.len(), 6);
        assert_eq!(e[0]["region"], "eu-de");
        assert_eq!(e[2]["url"], "http://h/vpc/v1/$(tenant_id)s");
        assert_ne!(e[1]["id"], e[2]["id"]);
    }
}
