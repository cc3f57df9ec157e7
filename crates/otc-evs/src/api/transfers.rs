//! Cinder v2/v3 volume transfers (`os-volume-transfer`).

use super::cinder::{answer, empty, microversion};
use super::views::{ts, View};
use super::*;
use crate::errors::cinder_bad;
use crate::model::transfers::Transfer;
use crate::Evs;
use otc_core::api::Reply;
use serde_json::json;

fn transfer_json(view: &View<'_>, t: &Transfer, detail: bool) -> Value {
    let mut v = json!({"id": t.id, "name": t.name, "volume_id": t.volume_id, "links": view.links("os-volume-transfer", &t.id)});
    if detail {
        v["created_at"] = json!(ts(t.created_at));
    }
    v
}

impl Evs {
    pub fn create_transfer(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let o = object(input, Fam::Cinder)?;
        let t = member(&o, "transfer", Fam::Cinder)?;
        let volume = opt_str(t, "volume_id", Fam::Cinder)?.ok_or_else(|| cinder_bad("Invalid input received: volume_id is required."))?;
        let name = opt_str(t, "name", Fam::Cinder)?;
        opt_bool(t, "no_snapshots", Fam::Cinder)?;
        let t = self.cinder_run(input, |d| d.create_transfer(&volume, name))?;
        let mut body = transfer_json(&self.view(input, api, mv), &t, true);
        body["auth_key"] = json!(t.auth_key);
        answer(202, &json!({"transfer": body}), api, mv)
    }

    fn transfer_list(&self, input: &Input<'_>, api: Api, detail: bool) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let all = self.cinder_run(input, |d| d.transfers())?;
        let view = self.view(input, api, mv);
        answer(200, &json!({"transfers": all.iter().map(|t| transfer_json(&view, t, detail)).collect::<Vec<_>>()}), api, mv)
    }

    pub fn list_transfers(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.transfer_list(input, api, false)
    }

    pub fn list_transfers_detail(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        self.transfer_list(input, api, true)
    }

    pub fn show_transfer(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("transfer_id").to_string();
        let t = self.cinder_run(input, |d| d.transfer(&id))?;
        answer(200, &json!({"transfer": transfer_json(&self.view(input, api, mv), &t, true)}), api, mv)
    }

    pub fn delete_transfer(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let id = input.param("transfer_id").to_string();
        self.cinder_run(input, |d| d.delete_transfer(&id))?;
        empty(202, api, mv)
    }

    pub fn accept_transfer(&self, input: &Input<'_>, api: Api) -> ApiResult<Reply> {
        let mv = microversion(input, api)?;
        let o = object(input, Fam::Cinder)?;
        let a = member(&o, "accept", Fam::Cinder)?;
        let key = opt_str(a, "auth_key", Fam::Cinder)?.ok_or_else(|| cinder_bad("Invalid input received: auth_key is required."))?;
        let id = input.param("transfer_id").to_string();
        let t = self.cinder_run(input, |d| d.accept_transfer(&id, &key))?;
        answer(202, &json!({"transfer": transfer_json(&self.view(input, api, mv), &t, false)}), api, mv)
    }
}
