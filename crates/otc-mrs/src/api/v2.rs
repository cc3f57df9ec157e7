//! Clusters v2: creation (`POST /v2/{project_id}/clusters`, the same
//! clusters as v1.1's, read back through `cluster_infos` as HWTF does) and
//! renaming. v2's own parameter refusal is `MRS.0002`; what the model
//! refuses keeps the appendix's 12000xxx codes.

use super::clusters::{admin_secret_ok, name_ok, pick_components, refuse_unemulated, root_secret_ok, tags, VOLUME_TYPES};
use super::{object, opt_int, opt_str, req_str};
use crate::errors::{invalid, mrs_error};
use crate::model::{ClusterSpec, NodeGroup, Role};
use crate::Mrs;
use otc_core::api::{Input, Reply};
use otc_core::body::{self, Obj};
use otc_core::{ApiError, ApiResult};
use serde_json::json;

fn bad(detail: impl AsRef<str>) -> ApiError {
    mrs_error("MRS.0002", format!("The parameter is invalid. {}", detail.as_ref()))
}

fn text<'a>(o: &'a Obj, key: &str) -> ApiResult<&'a str> {
    opt_str(o, key).map_err(|_| bad(format!("{key} must be a string.")))?.ok_or_else(|| bad(format!("{key} is mandatory.")))
}

/// `{type, size}` of a v2 volume (10-32768 GB).
fn volume(o: &Obj, key: &str) -> ApiResult<Option<(String, u32)>> {
    let Some(v) = body::opt_object(o, key).map_err(|_| bad(format!("{key} must be an object.")))? else {
        return Ok(None);
    };
    let t = text(v, "type")?;
    if !VOLUME_TYPES.contains(&t) {
        return Err(bad(format!("{key}.type {t} is not one of SATA, SAS, SSD.")));
    }
    match opt_int(v, "size").map_err(|_| bad(format!("{key}.size must be an integer.")))? {
        Some(n) if (10..=32768).contains(&n) => Ok(Some((t.to_string(), n as u32))),
        _ => Err(bad(format!("{key}.size must be an integer from 10 to 32768."))),
    }
}

fn groups(o: &Obj, cluster_type: i64) -> ApiResult<Vec<NodeGroup>> {
    let list = body::opt_objects(o, "node_groups").map_err(|_| bad("node_groups must be a list of objects."))?.unwrap_or_default();
    let mut out: Vec<NodeGroup> = Vec::new();
    for g in list {
        let name = text(g, "group_name")?;
        let role = match (name, cluster_type) {
            ("master_node_default_group", _) => Role::Master,
            ("core_node_analysis_group", 0) | ("core_node_streaming_group", 1) => Role::Core,
            ("task_node_analysis_group", 0) | ("task_node_streaming_group", 1) => Role::Task,
            _ => return Err(bad(format!("group_name {name} is not a node group of this cluster type."))),
        };
        if out.iter().any(|x| x.group_name == name) {
            return Err(bad(format!("group_name {name} is given twice.")));
        }
        let int =
            |k: &str, lo: i64, hi: i64, d: Option<i64>| match opt_int(g, k).map_err(|_| bad(format!("{k} must be an integer.")))?.or(d) {
                Some(n) if (lo..=hi).contains(&n) => Ok(n as u32),
                _ => Err(bad(format!("{k} must be an integer from {lo} to {hi}."))),
            };
        let count = int("data_volume_count", 0, 10, Some(0))?;
        let data = volume(g, "data_volume")?;
        if count > 0 && data.is_none() {
            return Err(bad("data_volume is mandatory when data_volume_count is not 0."));
        }
        let (root_type, root_size) = volume(g, "root_volume")?.unwrap_or(("SAS".into(), super::clusters::ROOT_VOLUME_SIZE));
        let (data_type, data_size) = if count > 0 { data.unwrap_or_default() } else { (String::new(), 0) };
        out.push(NodeGroup {
            group_name: name.to_string(),
            role,
            node_num: int("node_num", 0, 500, None)?,
            node_size: text(g, "node_size")?.to_string(),
            root_volume_size: root_size,
            root_volume_type: root_type,
            data_volume_type: data_type,
            data_volume_count: count,
            data_volume_size: data_size,
        });
    }
    if !matches!(out.iter().find(|g| g.role == Role::Master).map(|g| g.node_num), Some(1 | 2)) {
        return Err(bad("master_node_default_group must have 1 or 2 nodes."));
    }
    if !out.iter().any(|g| g.role == Role::Core && g.node_num >= 1) {
        return Err(bad("A core node group with at least one node is mandatory."));
    }
    Ok(out)
}

/// Reads a v2 creation body into a cluster request.
fn spec(o: &Obj, versions: &[String]) -> ApiResult<ClusterSpec> {
    let version = text(o, "cluster_version")?;
    if !versions.iter().any(|v| v == version) {
        return Err(bad(format!("cluster_version {version} is not supported.")));
    }
    let name = text(o, "cluster_name")?;
    if !name_ok(name, 2) {
        return Err(bad("cluster_name is 2 to 64 letters, digits, hyphens (-) and underscores (_)."));
    }
    let cluster_type = match text(o, "cluster_type")? {
        "ANALYSIS" => 0,
        "STREAMING" => 1,
        // Hybrid and custom clusters (several core groups, assigned roles)
        // are not modelled yet: refused rather than built wrongly.
        "MIXED" | "CUSTOM" => return Err(mrs_error("12000054", "The operation is not supported.")),
        other => return Err(bad(format!("cluster_type {other} is not ANALYSIS, STREAMING, MIXED or CUSTOM."))),
    };
    let safe_mode = match text(o, "safe_mode")? {
        "SIMPLE" => 0,
        "KERBEROS" => 1,
        other => return Err(bad(format!("safe_mode {other} is neither SIMPLE nor KERBEROS."))),
    };
    if !admin_secret_ok(text(o, "manager_admin_password")?) {
        return Err(bad("manager_admin_password does not meet the password policy."));
    }
    let (login_mode, key_name, root_password) = match text(o, "login_mode")? {
        "KEYPAIR" => (1, Some(text(o, "node_keypair_name")?.to_string()), None),
        "PASSWORD" => {
            let pw = text(o, "node_root_password")?;
            if !root_secret_ok(pw) {
                return Err(bad("node_root_password does not meet the password policy."));
            }
            (0, None, Some(pw.to_string()))
        }
        other => return Err(bad(format!("login_mode {other} is neither PASSWORD nor KEYPAIR."))),
    };
    let names = text(o, "components")?.split(',').map(str::trim).filter(|n| !n.is_empty());
    let comps = pick_components(version, cluster_type, names, "components").map_err(bad)?;
    refuse_unemulated(o)?;
    let security_group_id = match opt_str(o, "security_groups_id").map_err(|_| bad("security_groups_id must be a string."))? {
        Some(s) if s.contains(',') => return Err(bad("security_groups_id names one security group here.")),
        Some(s) if !s.is_empty() => Some(s.to_string()),
        _ => None,
    };
    let log_collection = match opt_int(o, "log_collection").map_err(|_| bad("log_collection must be an integer."))? {
        None => 1,
        Some(n @ (0 | 1)) => n,
        Some(n) => return Err(bad(format!("log_collection {n} is neither 0 nor 1."))),
    };
    Ok(ClusterSpec {
        name: name.to_string(),
        version: version.to_string(),
        cluster_type,
        safe_mode,
        login_mode,
        key_name,
        root_password,
        data_center: text(o, "region")?.to_string(),
        az: text(o, "availability_zone")?.to_string(),
        vpc_name: text(o, "vpc_name")?.to_string(),
        vpc_id: String::new(),
        subnet_id: opt_str(o, "subnet_id").map_err(|_| bad("subnet_id must be a string."))?.unwrap_or("").to_string(),
        subnet_name: text(o, "subnet_name")?.to_string(),
        security_group_id,
        components: comps,
        groups: groups(o, cluster_type)?,
        log_collection,
        tags: tags(o)?,
        enterprise_project_id: opt_str(o, "enterprise_project_id")
            .map_err(|_| bad("enterprise_project_id must be a string."))?
            .unwrap_or("0")
            .to_string(),
        remark: String::new(),
        volume_type: String::new(),
        volume_size: 0,
    })
}

impl Mrs {
    /// POST /v2/{project_id}/clusters: 200 `{"cluster_id"}`.
    pub fn create_cluster_v2(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input).map_err(|_| bad("The request body is not a JSON object."))?;
        let spec = spec(&o, &self.cfg.versions)?;
        let c = self.call(input, |m| m.create(spec))?;
        Reply::json(200, &json!({"cluster_id": c.id}))
    }

    /// PUT /v2/{project_id}/clusters/{cluster_id}/cluster-name: 200 `{"result": "succeeded"}`.
    pub fn rename_cluster(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let o = object(input)?;
        let name = req_str(&o, "cluster_name")?;
        if !name_ok(name, 1) {
            return Err(invalid("cluster_name is 1 to 64 letters, digits, hyphens (-) and underscores (_)."));
        }
        self.call(input, |m| m.rename(input.param("cluster_id"), name))?;
        Reply::json(200, &json!({"result": "succeeded"}))
    }
}
