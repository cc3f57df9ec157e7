//! The service catalog: which services the emulator serves, where, per
//! region. One list of [`CatalogEntry`]s (contributed by the services)
//! yields the token catalog, /v3/auth/catalog, /v3/services and
//! /v3/endpoints, so they can never disagree.

use otc_core::api::CatalogEntry;
use otc_core::ids::stable_hex32;
use serde_json::{json, Value};

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
            Some((project_id, region)) => vec![endpoint(region, format!("{base_url}{}", e.path.replace("{project_id}", project_id)))],
            None if e.path.contains("{project_id}") => continue,
            None => regions.iter().map(|r| endpoint(r, format!("{base_url}{}", e.path))).collect(),
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
        let url = format!("{base_url}{}", e.path.replace("{project_id}", "$(tenant_id)s"));
        for r in regions {
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
    fn endpoints_per_region() {
        let regions = vec!["eu-de".to_string(), "eu-nl".to_string()];
        let e = endpoints(&entries(), &regions, "http://h");
        assert_eq!(e.len(), 6);
        assert_eq!(e[0]["region"], "eu-de");
        assert_eq!(e[2]["url"], "http://h/vpc/v1/$(tenant_id)s");
        assert_ne!(e[1]["id"], e[2]["id"]);
    }
}
