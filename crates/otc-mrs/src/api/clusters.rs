//! Clusters v1.1: `run-job-flow`, `cluster_infos` (list, details) and
//! termination. The request is read member by member into a
//! [`ClusterSpec`]; the model checks it against the caller's network,
//! key pairs and quotas.

use super::views::cluster_view;
use super::{int_in, object, opt_int, opt_str, page_param, req_str};
use crate::errors::{invalid, mistyped, mrs_error};
use crate::model::resize::Resize;
use crate::model::{components, ClusterSpec, NodeGroup, Role};
use crate::Mrs;
use otc_core::api::{Input, Reply};
use otc_core::body::{self, Obj};
use otc_core::tags::Tag;
use otc_core::ApiResult;
use serde_json::json;

pub(crate) const VOLUME_TYPES: [&str; 3] = ["SATA", "SAS", "SSD"];
/// The system disk of a node when none is asked for (the NodeGroup table).
pub(crate) const ROOT_VOLUME_SIZE: u32 = 40;
pub(crate) const ROOT_VOLUME_TYPE: &str = "SAS";

pub(crate) fn name_ok(name: &str, min: usize) -> bool {
    (min..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// At least three of lower case, upper case, digits and `specials`.
fn complex(pw: &str, specials: &str) -> bool {
    let classes = [
        pw.chars().any(|c| c.is_ascii_lowercase()),
        pw.chars().any(|c| c.is_ascii_uppercase()),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| specials.contains(c)),
    ];
    let known = pw.chars().all(|c| c.is_ascii_alphanumeric() || specials.contains(c));
    known && classes.iter().filter(|x| **x).count() >= 3
}

/// `cluster_admin_secret`: the MRS Manager `admin` password.
pub(crate) fn admin_secret_ok(pw: &str) -> bool {
    let reversed: String = pw.chars().rev().collect();
    (8..=32).contains(&pw.len()) && complex(pw, "`~!@#$%^&*()-_=+\\|[{}];:'\",<.>/? ") && pw != "admin" && reversed != "admin"
}

/// `cluster_master_secret`: the nodes' root password.
pub(crate) fn root_secret_ok(pw: &str) -> bool {
    (8..=26).contains(&pw.len()) && complex(pw, "!@$%^-_=+[{}]:,./?")
}

fn volume_type(o: &Obj, key: &str) -> ApiResult<Option<String>> {
    match opt_str(o, key)? {
        None => Ok(None),
        Some(t) if VOLUME_TYPES.contains(&t) => Ok(Some(t.to_string())),
        Some(t) => Err(invalid(format!("{key} {t} is not one of SATA, SAS, SSD."))),
    }
}

fn size(o: &Obj, key: &str) -> ApiResult<Option<u32>> {
    match opt_int(o, key)? {
        None => Ok(None),
        Some(v) if (100..=32000).contains(&v) => Ok(Some(v as u32)),
        Some(v) => Err(invalid(format!("{key} {v} is out of range [100, 32000]."))),
    }
}

/// The `node_groups` form.
fn node_groups(list: Vec<&Obj>, cluster_type: i64) -> ApiResult<Vec<NodeGroup>> {
    let mut out: Vec<NodeGroup> = Vec::new();
    for g in list {
        let name = req_str(g, "group_name")?;
        let role = match (name, cluster_type) {
            ("master_node_default_group", _) => Role::Master,
            ("core_node_analysis_group", 0) | ("core_node_streaming_group", 1) => Role::Core,
            ("task_node_analysis_group", 0) | ("task_node_streaming_group", 1) => Role::Task,
            _ => return Err(invalid(format!("group_name {name} is not a node group of this cluster type."))),
        };
        if out.iter().any(|x| x.group_name == name) {
            return Err(invalid(format!("group_name {name} is given twice.")));
        }
        let count = int_in(g, "data_volume_count", 0, 10, Some(0))? as u32;
        let dsize = size(g, "data_volume_size")?;
        let dtype = volume_type(g, "data_volume_type")?;
        if count > 0 && (dsize.is_none() || dtype.is_none()) {
            return Err(invalid("data_volume_type and data_volume_size are mandatory with data disks."));
        }
        // An integer, or the digit string gophertelekomcloud's NodeGroup sends.
        let root = match g.get("root_volume_size") {
            None | Some(serde_json::Value::Null) => Some(ROOT_VOLUME_SIZE as i64),
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            Some(serde_json::Value::String(s)) => s.parse::<i64>().ok(),
            Some(_) => None,
        };
        let root = match root {
            Some(v) if (40..=1024).contains(&v) => v as u32,
            _ => return Err(invalid("root_volume_size must be an integer from 40 to 1024.")),
        };
        out.push(NodeGroup {
            group_name: name.to_string(),
            role,
            node_num: int_in(g, "node_num", 0, 500, None)? as u32,
            node_size: req_str(g, "node_size")?.to_string(),
            root_volume_size: root,
            root_volume_type: volume_type(g, "root_volume_type")?.unwrap_or_else(|| ROOT_VOLUME_TYPE.into()),
            data_volume_type: dtype.unwrap_or_default(),
            data_volume_count: count,
            data_volume_size: dsize.unwrap_or(0),
        });
    }
    let masters = out.iter().find(|g| g.role == Role::Master).map(|g| g.node_num);
    if !matches!(masters, Some(1 | 2)) {
        return Err(invalid("master_node_default_group must have 1 or 2 nodes."));
    }
    if !out.iter().any(|g| g.role == Role::Core && g.node_num >= 1) {
        return Err(invalid("A core node group with at least one node is mandatory."));
    }
    Ok(out)
}

/// The flat form (`master_node_*`, `core_node_*`, `task_node_groups`);
/// the legacy `volume_type`/`volume_size` win when mixed, as documented.
fn flat_groups(o: &Obj, cluster_type: i64) -> ApiResult<(Vec<NodeGroup>, String, u32)> {
    let legacy_type = volume_type(o, "volume_type")?;
    let legacy_size = size(o, "volume_size")?;
    let data = |prefix: &str, max_count: i64| -> ApiResult<(String, u32, u32)> {
        let t = volume_type(o, &format!("{prefix}_data_volume_type"))?;
        let s = size(o, &format!("{prefix}_data_volume_size"))?;
        let n = int_in(o, &format!("{prefix}_data_volume_count"), 1, max_count, Some(1))? as u32;
        match (legacy_type.clone().or(t), legacy_size.or(s)) {
            (Some(t), Some(s)) => Ok((t, s, if legacy_type.is_some() { 1 } else { n })),
            _ => Err(invalid(format!(
                "{prefix}_data_volume_type and {prefix}_data_volume_size (or volume_type and volume_size) are mandatory."
            ))),
        }
    };
    let (mt, ms, mc) = data("master", 1)?;
    let (ct, cs, cc) = data("core", 10)?;
    let group = |name: &str, role, num, size: &str, t: String, s, c| NodeGroup {
        group_name: name.to_string(),
        role,
        node_num: num,
        node_size: size.to_string(),
        root_volume_size: ROOT_VOLUME_SIZE,
        root_volume_type: ROOT_VOLUME_TYPE.into(),
        data_volume_type: t,
        data_volume_count: c,
        data_volume_size: s,
    };
    let streaming = cluster_type == 1;
    let mut out = vec![
        group(
            "master_node_default_group",
            Role::Master,
            int_in(o, "master_node_num", 1, 2, None)? as u32,
            req_str(o, "master_node_size")?,
            mt,
            ms,
            mc,
        ),
        group(
            if streaming { "core_node_streaming_group" } else { "core_node_analysis_group" },
            Role::Core,
            int_in(o, "core_node_num", 1, 500, None)? as u32,
            req_str(o, "core_node_size")?,
            ct,
            cs,
            cc,
        ),
    ];
    let tasks = body::opt_objects(o, "task_node_groups").map_err(mistyped)?.unwrap_or_default();
    if tasks.len() > 1 {
        return Err(invalid("task_node_groups holds at most one group."));
    }
    for t in tasks {
        let count = int_in(t, "data_volume_count", 0, 10, Some(0))? as u32;
        let (dt, ds) = (volume_type(t, "data_volume_type")?, size(t, "data_volume_size")?);
        if count > 0 && (dt.is_none() || ds.is_none()) {
            return Err(invalid("data_volume_type and data_volume_size are mandatory with data disks."));
        }
        out.push(group(
            if streaming { "task_node_streaming_group" } else { "task_node_analysis_group" },
            Role::Task,
            int_in(t, "node_num", 0, 500, None)? as u32,
            req_str(t, "node_size")?,
            dt.unwrap_or_default(),
            ds.unwrap_or(0),
            count,
        ));
    }
    Ok((out, legacy_type.unwrap_or_default(), legacy_size.unwrap_or(0)))
}

pub(crate) fn tags(o: &Obj) -> ApiResult<Vec<Tag>> {
    let list = body::opt_list(o, "tags").map_err(mistyped)?.cloned().unwrap_or_default();
    let mut out: Vec<Tag> = Vec::new();
    for v in &list {
        let t = Tag::from_member(v).ok_or_else(|| invalid("A tag is an object with a string key and value."))?;
        crate::model::tags::check(&t)?;
        if out.iter().any(|x| x.key == t.key) {
            return Err(invalid(format!("Tag key {} is given twice.", t.key)));
        }
        out.push(t);
    }
    if out.len() > crate::model::tags::MAX_TAGS {
        return Err(mrs_error("12005001", format!("The number of tags in one cluster must not exceed {}.", crate::model::tags::MAX_TAGS)));
    }
    Ok(out)
}

/// Reads a run-job-flow body into a cluster request.
pub fn cluster_spec(o: &Obj, versions: &[String]) -> ApiResult<ClusterSpec> {
    if opt_int(o, "billing_type")? != Some(12) {
        return Err(mrs_error("12000053", "Invalid billing type."));
    }
    let name = req_str(o, "cluster_name")?;
    if !name_ok(name, 1) {
        return Err(invalid("cluster_name is 1 to 64 letters, digits, hyphens (-) and underscores (_)."));
    }
    let version = req_str(o, "cluster_version")?;
    if !versions.iter().any(|v| v == version) {
        return Err(invalid(format!("cluster_version {version} is not supported.")));
    }
    let cluster_type = int_in(o, "cluster_type", 0, 1, Some(0))?;
    let safe_mode = int_in(o, "safe_mode", 0, 1, None)?;
    let login_mode = int_in(o, "login_mode", 0, 1, Some(1))?;
    if !admin_secret_ok(req_str(o, "cluster_admin_secret")?) {
        return Err(invalid("cluster_admin_secret does not meet the password policy."));
    }
    let (key_name, root_password) = if login_mode == 1 {
        (Some(req_str(o, "node_public_cert_name")?.to_string()), None)
    } else {
        let pw = req_str(o, "cluster_master_secret")?;
        if !root_secret_ok(pw) {
            return Err(invalid("cluster_master_secret does not meet the password policy."));
        }
        (None, Some(pw.to_string()))
    };
    let (vpc_name, vpc_id) = (opt_str(o, "vpc")?.unwrap_or(""), opt_str(o, "vpc_id")?.unwrap_or(""));
    if vpc_id.is_empty() && vpc_name.is_empty() {
        return Err(mrs_error("12000209", "Either a VPC ID or name is required."));
    }
    let (subnet_id, subnet_name) = (opt_str(o, "subnet_id")?.unwrap_or(""), opt_str(o, "subnet_name")?.unwrap_or(""));
    if subnet_id.is_empty() && subnet_name.is_empty() {
        return Err(mrs_error("12000210", "Either a subnet ID or name is required."));
    }
    let mut names = Vec::new();
    for c in body::opt_objects(o, "component_list").map_err(mistyped)?.unwrap_or_default() {
        names.push(req_str(c, "component_name")?);
    }
    let comps = pick_components(version, cluster_type, names, "component_list").map_err(invalid)?;
    refuse_unemulated(o)?;
    let (groups, volume_type, volume_size) = match body::opt_objects(o, "node_groups").map_err(mistyped)? {
        Some(list) if !list.is_empty() => (node_groups(list, cluster_type)?, String::new(), 0),
        _ => flat_groups(o, cluster_type)?,
    };
    Ok(ClusterSpec {
        name: name.to_string(),
        version: version.to_string(),
        cluster_type,
        safe_mode,
        login_mode,
        key_name,
        root_password,
        data_center: req_str(o, "data_center")?.to_string(),
        az: req_str(o, "available_zone_id")?.to_string(),
        vpc_name: vpc_name.to_string(),
        vpc_id: vpc_id.to_string(),
        subnet_id: subnet_id.to_string(),
        subnet_name: subnet_name.to_string(),
        security_group_id: opt_str(o, "security_groups_id")?.filter(|s| !s.is_empty()).map(String::from),
        components: comps,
        groups,
        log_collection: int_in(o, "log_collection", 0, 1, Some(1))?,
        tags: tags(o)?,
        enterprise_project_id: opt_str(o, "enterprise_project_id")?.unwrap_or("0").to_string(),
        remark: String::new(),
        volume_type,
        volume_size,
    })
}

impl Mrs {
    /// POST /v1.1/{project_id}/run-job-flow: 200, as the Go client insists.
    pub fn run_job_flow(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        let spec = cluster_spec(&o, &self.cfg.versions)?;
        let c = self.call(input, |m| m.create(spec))?;
        Reply::json(200, &json!({"cluster_id": c.id, "result": true, "msg": ""}))
    }

    /// GET /v1.1/{project_id}/cluster_infos: every page when `pageSize`
    /// is absent (the reference gives no default).
    pub fn list_clusters(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let q = input.query;
        let size = page_param(q, "pageSize", None, 1000)?;
        let page = page_param(q, "currentPage", Some(1), 1_000_000)?.unwrap_or(1);
        let state = q.get("clusterState").filter(|s| !s.is_empty());
        const STATES: [&str; 9] =
            ["starting", "running", "terminated", "failed", "abnormal", "terminating", "frozen", "scaling-out", "scaling-in"];
        if let Some(s) = state {
            if !STATES.contains(&s) {
                return Err(invalid(format!("clusterState {s} is not a cluster state.")));
            }
        }
        // `tags=k1*v1,k2`: every pair must be on the cluster (a bare key: any value).
        let wanted: Vec<(String, Option<String>)> = q
            .get("tags")
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.split(',')
                    .map(|p| p.split_once('*').map_or((p.to_string(), None), |(k, v)| (k.to_string(), Some(v.to_string()))))
                    .collect()
            })
            .unwrap_or_default();
        self.call(input, |m| {
            let all = m.clusters()?;
            // Newest first, as the console and the API list them.
            let picked: Vec<_> = all
                .into_iter()
                .rev()
                .filter(|c| state.is_none_or(|s| c.state == s))
                .filter(|c| wanted.iter().all(|(k, v)| c.tags.iter().any(|t| &t.key == k && v.as_ref().is_none_or(|v| &t.value == v))))
                .collect();
            let total = picked.len();
            let shown: Vec<_> = match size {
                Some(n) => picked.iter().skip((page - 1).saturating_mul(n)).take(n).collect(),
                None => picked.iter().collect(),
            };
            let clusters: Vec<_> = shown.into_iter().map(|c| cluster_view(m, c)).collect::<Result<_, _>>()?;
            Ok(Reply::json(200, &json!({"clusterTotal": total, "clusters": clusters}))?)
        })
    }

    /// GET /v1.1/{project_id}/cluster_infos/{cluster_id}: `{"cluster": C}`.
    pub fn show_cluster(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("cluster_id");
        self.call(input, |m| {
            let c = m.cluster(id)?;
            Ok(Reply::json(200, &json!({"cluster": cluster_view(m, &c)?}))?)
        })
    }

    /// PUT /v1.1/{project_id}/cluster_infos/{cluster_id}: 200 (the only
    /// code the Go client accepts) `{"result": "succeeded"}`.
    pub fn resize_cluster(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        let p = body::opt_object(&o, "parameters").map_err(mistyped)?.ok_or_else(|| invalid("parameters is mandatory."))?;
        // Members without effect here (orders are not billed; no bootstrap
        // actions run; components are not modelled), still type-checked.
        for key in ["service_id", "plan_id"] {
            opt_str(&o, key)?;
        }
        if let Some(prev) = body::opt_object(&o, "previous_values").map_err(mistyped)? {
            opt_str(prev, "plan_id")?;
        }
        for key in ["order_id", "node_id"] {
            opt_str(p, key)?;
        }
        body::opt_bool(p, "scale_without_start").map_err(mistyped)?;
        // A boolean as documented, or the string gophertelekomcloud sends.
        match p.get("skip_bootstrap_scripts") {
            None | Some(serde_json::Value::Null | serde_json::Value::Bool(_)) => {}
            Some(serde_json::Value::String(s)) if s == "true" || s == "false" => {}
            Some(_) => return Err(invalid("skip_bootstrap_scripts must be a boolean.")),
        }
        let scale_out = match req_str(p, "scale_type")? {
            "scale_out" => true,
            "scale_in" => false,
            other => return Err(invalid(format!("scale_type {other} is neither scale_out nor scale_in."))),
        };
        // The v1.1 names, and the v2 group names other clients send.
        let task = match opt_str(p, "node_group")?.unwrap_or("core_node_default_group") {
            "core_node_default_group" | "core_node_analysis_group" | "core_node_streaming_group" => false,
            "task_node_default_group" | "task_node_analysis_group" | "task_node_streaming_group" => true,
            other => return Err(invalid(format!("node_group {other} is not a core or task node group."))),
        };
        // A string (the reference's examples) or an integer (the Go client).
        let instances = match p.get("instances") {
            Some(serde_json::Value::String(s)) => s.parse::<i64>().ok(),
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            _ => None,
        };
        let instances = match instances {
            Some(n) if (1..=500).contains(&n) => n as u32,
            _ => return Err(invalid("instances must be an integer from 1 to 500.")),
        };
        let task_group = match body::opt_object(p, "task_node_info").map_err(mistyped)? {
            Some(t) => {
                let count = int_in(t, "data_volume_count", 1, 10, None)? as u32;
                let data_size = size(t, "data_volume_size")?.ok_or_else(|| invalid("data_volume_size is mandatory."))?;
                Some(NodeGroup {
                    group_name: "task_node_analysis_group".into(),
                    role: Role::Task,
                    node_num: 0,
                    node_size: req_str(t, "node_size")?.to_string(),
                    root_volume_size: ROOT_VOLUME_SIZE,
                    root_volume_type: ROOT_VOLUME_TYPE.into(),
                    data_volume_type: volume_type(t, "data_volume_type")?.ok_or_else(|| invalid("data_volume_type is mandatory."))?,
                    data_volume_count: count,
                    data_volume_size: data_size,
                })
            }
            None => None,
        };
        let server_ids = body::opt_str_list(p, "server_ids").map_err(mistyped)?.unwrap_or_default();
        if !server_ids.is_empty() && (scale_out || !task) {
            return Err(invalid("server_ids name task nodes to remove in a task scale-in."));
        }
        let id = input.param("cluster_id");
        self.call(input, |m| {
            let mut r = Resize { scale_out, task, instances, task_group, server_ids };
            if let Some(g) = r.task_group.as_mut() {
                // The group's name follows the cluster's type.
                if m.cluster(id)?.cluster_type == 1 {
                    g.group_name = "task_node_streaming_group".into();
                }
            }
            m.resize(id, r)
        })?;
        Reply::json(200, &json!({"result": "succeeded"}))
    }

    /// DELETE /v1.1/{project_id}/clusters/{cluster_id}: 204.
    pub fn delete_cluster(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("cluster_id");
        self.call(input, |m| m.terminate(id))?;
        Ok(Reply::empty(204))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(admin_secret_ok("Mrs@12345"));
        assert!(!admin_secret_ok("mrs12345"));
        assert!(!admin_secret_ok("Sh0rt!"));
        assert!(root_secret_ok("Root-1234"));
        assert!(!root_secret_ok("Root 1234x"), "no spaces in a root password");
    }

    #[test]
    fn names() {
        assert!(name_ok("mrs_cluster-1", 1));
        assert!(!name_ok("bad name", 1));
        assert!(!name_ok(&"a".repeat(65), 1));
    }
}

/// The components asked for, once each, if the version and cluster type
/// have them (both create APIs; each words the refusal in its own code).
pub(super) fn pick_components<'a>(
    version: &str,
    cluster_type: i64,
    names: impl IntoIterator<Item = &'a str>,
    key: &str,
) -> Result<Vec<String>, String> {
    let allowed = components::allowed(version, cluster_type).unwrap_or_default();
    let mut comps: Vec<String> = Vec::new();
    for n in names {
        if !allowed.contains(&n) {
            return Err(format!("Component {n} is not available in {version} clusters of this type."));
        }
        if !comps.iter().any(|x| x == n) {
            comps.push(n.to_string());
        }
    }
    if comps.is_empty() {
        return Err(format!("{key} is mandatory."));
    }
    Ok(comps)
}

/// Jobs at creation and bootstrap actions are not emulated yet: refused
/// rather than silently dropped.
pub(super) fn refuse_unemulated(o: &Obj) -> ApiResult<()> {
    let asked = |key| body::opt_list(o, key).map_err(mistyped).map(|l| l.is_some_and(|l| !l.is_empty()));
    if asked("add_jobs")? || asked("bootstrap_scripts")? {
        return Err(mrs_error("12000054", "The operation is not supported."));
    }
    Ok(())
}
