//! File system ACLs (`?sfsacl`): JSON `{"Statement": [{Sid?, Action,
//! Effect, Condition: {SourceVpc, VpcSourceIp?}}]}` in, the same out.

use super::obs_reply;
use crate::errors::sfs3 as err;
use crate::model::sfs3::Statement;
use crate::sfs3::Sfs3;
use otc_core::api::{Input, Reply};
use otc_core::ApiResult;
use serde_json::{json, Value};

/// The statements of a PUT `?sfsacl` body.
pub fn statements(body: &[u8], name: &str) -> ApiResult<Vec<Statement>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(err::invalid_body(name, "the ACL needs a JSON body"));
    }
    let invalid = |msg: &str| err::invalid_argument(name, msg.to_string());
    let doc: Value = serde_json::from_slice(body).map_err(|e| err::invalid_body(name, &e.to_string()))?;
    let Some(doc) = doc.as_object() else { return Err(invalid("The ACL must be a JSON object.")) };
    let list = match doc.get("Statement") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid("Statement must be a list.")),
    };
    let mut out = Vec::new();
    for s in list {
        let Some(s) = s.as_object() else { return Err(invalid("Each Statement must be an object.")) };
        let sid = match s.get("Sid") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(v)) if v.chars().count() <= 255 => v.clone(),
            Some(_) => return Err(invalid("Sid must be a string of at most 255 characters.")),
        };
        let action = match s.get("Action").and_then(Value::as_str) {
            Some(a @ ("FullControl" | "Read")) => a.to_string(),
            _ => return Err(invalid("Action must be FullControl or Read.")),
        };
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            return Err(invalid("Effect must be Allow."));
        }
        let Some(cond) = s.get("Condition").and_then(Value::as_object) else {
            return Err(invalid("Condition must be an object with SourceVpc."));
        };
        let source_vpc = match cond.get("SourceVpc").and_then(Value::as_str) {
            Some(v) if !v.is_empty() && v.len() <= 64 => v.to_string(),
            _ => return Err(invalid("Condition.SourceVpc must be a VPC ID.")),
        };
        match cond.get("VpcSourceIp") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ips)) if ips.iter().all(Value::is_string) => {}
            Some(_) => return Err(invalid("Condition.VpcSourceIp must be a list of strings.")),
        }
        out.push(Statement { sid, action, effect: "Allow".into(), source_vpc });
    }
    Ok(out)
}

impl Sfs3 {
    pub(super) fn get_acl(&self, input: &Input<'_>, name: &str) -> ApiResult<Reply> {
        let fs = self.call(input, |gp| gp.get(name))?;
        let Some(acl) = fs.acl else { return obs_reply(input, Reply::empty(204)) };
        let statements: Vec<Value> = acl
            .iter()
            .map(|s| json!({"Sid": s.sid, "Action": s.action, "Effect": s.effect, "Condition": {"SourceVpc": s.source_vpc}}))
            .collect();
        obs_reply(input, Reply::json(200, &json!({ "Statement": statements }))?)
    }
}
