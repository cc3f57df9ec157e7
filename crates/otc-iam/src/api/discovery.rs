//! What a client reads before anything else: version documents, regions,
//! services, endpoints, the catalog of its token and its domains.

use crate::model::{Domain, DOMAIN};
use crate::{catalog, errors, Iam};
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use otc_store::TxExt;
use serde_json::{json, Value};

fn version_doc(base_url: &str) -> Value {
    json!({
        "id": "v3.6",
        "status": "stable",
        "updated": "2016-04-04T00:00:00Z",
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
        "links": [{"rel": "self", "href": format!("{base_url}/v3/")}],
    })
}

fn list_links(self_link: String) -> Value {
    json!({"self": self_link, "previous": null, "next": null})
}

impl Iam {
    pub(crate) fn versions(&self, input: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(300, &json!({"versions": {"values": [version_doc(input.base_url)]}}))
    }

    pub(crate) fn version_v3(&self, input: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(200, &json!({"version": version_doc(input.base_url)}))
    }

    fn region_json(&self, id: &str, base_url: &str) -> Value {
        json!({
            "id": id,
            "type": "public",
            "description": "",
            "parent_region_id": null,
            "locales": {"en-us": id},
            "links": {"self": format!("{base_url}/v3/regions/{id}")},
        })
    }

    pub(crate) fn list_regions(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let regions: Vec<Value> = self.regions.iter().map(|r| self.region_json(r, input.base_url)).collect();
        Reply::json(200, &json!({"regions": regions, "links": list_links(format!("{}/v3/regions", input.base_url))}))
    }

    pub(crate) fn show_region(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("region_id");
        if !self.regions.iter().any(|r| r == id) {
            return Err(errors::not_found("region", id));
        }
        Reply::json(200, &json!({"region": self.region_json(id, input.base_url)}))
    }

    pub(crate) fn list_services(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mut services = catalog::services(&self.catalog_entries(), input.base_url);
        let mut link = format!("{}/v3/services", input.base_url);
        if let Some(t) = input.query.get("type") {
            services.retain(|s| s["type"] == t);
            link = format!("{link}?type={t}");
        }
        Reply::json(200, &json!({"services": services, "links": list_links(link)}))
    }

    pub(crate) fn show_service(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("service_id");
        let service = catalog::services(&self.catalog_entries(), input.base_url)
            .into_iter()
            .find(|s| s["id"] == id)
            .ok_or_else(|| errors::not_found("service", id))?;
        Reply::json(200, &json!({ "service": service }))
    }

    pub(crate) fn list_endpoints(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let mut endpoints = catalog::endpoints(&self.catalog_entries(), &self.regions, input.base_url);
        let mut filters = Vec::new();
        if let Some(i) = input.query.get("interface") {
            if !matches!(i, "public" | "internal" | "admin") {
                return Err(errors::invalid_param("interface"));
            }
            endpoints.retain(|e| e["interface"] == i);
            filters.push(format!("interface={i}"));
        }
        if let Some(s) = input.query.get("service_id") {
            endpoints.retain(|e| e["service_id"] == s);
            filters.push(format!("service_id={s}"));
        }
        let mut link = format!("{}/v3/endpoints", input.base_url);
        if !filters.is_empty() {
            link = format!("{link}?{}", filters.join("&"));
        }
        Reply::json(200, &json!({"endpoints": endpoints, "links": list_links(link)}))
    }

    pub(crate) fn show_endpoint(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("endpoint_id");
        let endpoint = catalog::endpoints(&self.catalog_entries(), &self.regions, input.base_url)
            .into_iter()
            .find(|e| e["id"] == id)
            .ok_or_else(|| errors::not_found("endpoint", id))?;
        Reply::json(200, &json!({ "endpoint": endpoint }))
    }

    pub(crate) fn auth_catalog(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let scope = ctx.project_id.as_deref().zip(ctx.region.as_deref());
        let catalog = &self.token_catalog(scope, input.base_url).values;
        Reply::json(200, &json!({"catalog": catalog, "links": {"self": format!("{}/v3/auth/catalog", input.base_url)}}))
    }

    pub(crate) fn auth_domains(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let domain = self.store.txn(|tx| tx.get_doc::<Domain>(DOMAIN, &ctx.domain_id))?;
        let domains: Vec<Value> = domain
            .into_iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "name": d.name,
                    "enabled": d.enabled,
                    "description": d.description,
                    "links": {"self": format!("{}/v3/domains/{}", input.base_url, d.id)},
                })
            })
            .collect();
        Reply::json(200, &json!({"domains": domains, "links": list_links(format!("{}/v3/auth/domains", input.base_url))}))
    }
}
