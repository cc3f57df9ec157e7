//! Tags of IPsec site connections (api/tag_management): the VPC v2.0 tag
//! APIs' shapes, rules and `VPC.xxxx` errors (the request and answer
//! layer is the VPC crate's, [`otc_vpc::api::tags`]), over the tags kept
//! on the connection document — so a connection's GET shows them and its
//! deletion takes them along.
//!
//! Rules (`resource_tag`): keys 1-36 and values 0-43 characters of
//! letters, digits, `-` and `_` (no `@`, unlike VPC and EIP tags), at
//! most 10 tags per connection; a missing connection is 404 `VPC.2204`.

use super::errors::{CResult, Refusal};
use super::model::{Classic, SiteConnection, SITE_CONNECTION};
use crate::ClassicVpn;
use otc_core::api::{Input, Reply};
use otc_core::tags::{merge, Tag, TagRules};
use otc_core::ApiResult;
use otc_vpc::api::tags::{self as vt, TagSpec, Tagged};

const SPEC: TagSpec = TagSpec { rules: TagRules { max_key_len: 36, max_value_len: 43, max_tags: 10 }, at_sign: false, filter_key_len: 127 };

fn missing() -> Refusal {
    Refusal(vt::not_found("ipsec-site-connection"))
}

/// Changes a connection's tags with `f`; saved when `f` says they changed.
fn change(c: &mut Classic<'_, '_>, id: &str, f: impl FnOnce(&mut Vec<Tag>) -> bool) -> CResult<()> {
    let mut conn = c.net.find::<SiteConnection>(SITE_CONNECTION, id)?.ok_or_else(missing)?;
    if f(&mut conn.tags) {
        vt::check_cap(&SPEC, &conn.tags)?;
        c.save_connection(&conn)?;
    }
    Ok(())
}

impl ClassicVpn {
    /// POST .../{resource_id}/tags: adds one tag (an existing key gets the new value).
    pub fn tag_create(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = vt::check_resource_id(input.param("resource_id"))?;
        let tag = vt::read_one(&SPEC, input)?;
        self.call(input, |c| {
            change(c, &id, |tags| {
                merge(tags, vec![tag]);
                true
            })
        })?;
        Ok(Reply::empty(204))
    }

    /// GET .../{resource_id}/tags.
    pub fn tag_list(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = vt::check_resource_id(input.param("resource_id"))?;
        let tags = self.call(input, |c| Ok(c.net.find::<SiteConnection>(SITE_CONNECTION, &id)?.ok_or_else(missing)?.tags))?;
        Reply::json(200, &serde_json::json!({"tags": vt::tag_list(&tags)}))
    }

    /// DELETE .../{resource_id}/tags/{key}: a key the connection does not
    /// have is gone already (as in the batch delete).
    pub fn tag_delete(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = vt::check_resource_id(input.param("resource_id"))?;
        let key = input.param("key").to_string();
        self.call(input, |c| {
            change(c, &id, |tags| {
                let before = tags.len();
                tags.retain(|t| t.key != key);
                tags.len() != before
            })
        })?;
        Ok(Reply::empty(204))
    }

    /// POST .../{resource_id}/tags/action: batch create or delete.
    pub fn tag_action(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = vt::check_resource_id(input.param("resource_id"))?;
        let action = vt::read_action(&SPEC, input)?;
        self.call(input, |c| change(c, &id, |tags| action.apply(tags)))?;
        Ok(Reply::empty(204))
    }

    fn tagged(&self, input: &Input<'_>) -> ApiResult<Vec<Tagged>> {
        self.call(input, |c| {
            Ok(c.net.all::<SiteConnection>(SITE_CONNECTION)?.into_iter().map(|x| Tagged { id: x.id, name: x.name, tags: x.tags }).collect())
        })
    }

    /// GET .../ipsec-site-connections/tags: every key in use with its values.
    pub fn tag_project(&self, input: &Input<'_>) -> ApiResult<Reply> {
        Reply::json(200, &vt::project_tags(self.tagged(input)?))
    }

    /// POST .../ipsec-site-connections/resource_instances/action.
    pub fn tag_instances(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = vt::read_instances_query(&SPEC, input)?;
        Reply::json(200, &q.answer(self.tagged(input)?))
    }
}
