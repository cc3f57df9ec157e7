//! `/v5/{project_id}/customer-gateways`: create, list, show, rename and
//! delete customer gateways.

use crate::errors::invalid;
use crate::model::customer_gateways::CgwSpec;
use crate::model::CustomerGateway;
use crate::wire::{self, check_name, default_name, opt_int, opt_str, opt_text, reply, reply_one, ts, wrapped, Obj};
use crate::Vpn;
use otc_core::api::{Input, Reply};
use otc_core::tags::Tag;
use otc_core::ApiResult;
use serde_json::{json, Value};

/// Customer gateways per page: 0-200, default 200.
const MAX_LIMIT: usize = 200;

pub(super) fn tags_json(tags: &[Tag]) -> Value {
    Value::Array(tags.iter().map(|t| json!({"key": t.key, "value": t.value})).collect())
}

/// The answer object; GET and list add the deprecated `route_mode` and
/// `ip` (Terraform reads them).
fn cgw_json(c: &CustomerGateway, deprecated: bool) -> Value {
    let mut o = json!({
        "id": c.id,
        "name": c.name,
        "id_type": c.id_type,
        "id_value": c.id_value,
        "created_at": ts(c.created_at),
        "updated_at": ts(c.updated_at),
        "tags": tags_json(&c.tags),
    });
    if let Some(asn) = c.bgp_asn {
        o["bgp_asn"] = json!(asn);
    }
    if deprecated {
        o["route_mode"] = json!(if c.bgp_asn.is_some() { "bgp" } else { "static" });
        o["ip"] = json!(c.id_value);
    }
    o
}

fn read_spec(o: &Obj) -> ApiResult<CgwSpec> {
    let name = match opt_text(o, "name")? {
        Some(n) => {
            check_name(&n)?;
            n
        }
        None => default_name("cgw"),
    };
    Ok(CgwSpec {
        name,
        id_type: opt_text(o, "id_type")?.unwrap_or_else(|| "ip".into()),
        id_value: opt_str(o, "id_value")?.ok_or_else(|| invalid("id_value is mandatory"))?,
        bgp_asn: opt_int(o, "bgp_asn")?,
        tags: super::body_tags(o)?,
    })
}

impl Vpn {
    pub fn create_customer_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let spec = read_spec(&wrapped(input, "customer_gateway")?)?;
        let cgw = self.call(input, |v| v.create_customer_gateway(spec))?;
        reply_one(input, 201, "customer_gateway", cgw_json(&cgw, false))
    }

    pub fn list_customer_gateways(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let paging = wire::paging(input, MAX_LIMIT)?;
        let all = self.call(input, |v| v.customer_gateways())?;
        let total = all.len();
        let (items, page_info) = wire::page(all, |c| c.created_at, &paging);
        let mut body = Obj::new();
        body.insert("customer_gateways".into(), items.iter().map(|c| cgw_json(c, true)).collect());
        body.insert("total_count".into(), json!(total));
        body.insert("page_info".into(), page_info);
        reply(input, 200, body)
    }

    pub fn show_customer_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("customer_gateway_id");
        let cgw = self.call(input, |v| v.customer_gateway(id))?;
        reply_one(input, 200, "customer_gateway", cgw_json(&cgw, true))
    }

    /// Only `name` is documented; other members are ignored.
    pub fn update_customer_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let body = wrapped(input, "customer_gateway")?;
        let name = opt_str(&body, "name")?;
        if let Some(n) = &name {
            check_name(n)?;
        }
        let id = input.param("customer_gateway_id");
        let cgw = self.call(input, |v| v.rename_customer_gateway(id, name))?;
        reply_one(input, 200, "customer_gateway", cgw_json(&cgw, false))
    }

    pub fn delete_customer_gateway(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("customer_gateway_id");
        self.call(input, |v| v.delete_customer_gateway(id))?;
        Ok(Reply::empty(204))
    }
}
