//! AS's operation table. Documented operations not listed here answer 404
//! APIGW.0101.

use crate::AutoScaling;
use otc_core::api::{handler, Access::*, CatalogEntry, Family::Ecs, Op, Service};
use std::sync::Arc;

impl Service for AutoScaling {
    fn name(&self) -> &'static str {
        "as"
    }

    fn ops(self: Arc<Self>) -> Vec<Op> {
        let s = &self;
        let v1 = |m, p, h| Op::new(m, p, Project, Ecs, h);
        vec![
            Op::new("GET", "/", Public, Ecs, handler(s, AutoScaling::versions)),
            Op::new("GET", "/{api_version}", Public, Ecs, handler(s, AutoScaling::version)),
            v1("POST", "/autoscaling-api/v1/{project_id}/scaling_configuration", handler(s, AutoScaling::create_config)),
            v1("GET", "/autoscaling-api/v1/{project_id}/scaling_configuration", handler(s, AutoScaling::list_configs)),
            v1(
                "GET",
                "/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}",
                handler(s, AutoScaling::show_config),
            ),
            v1(
                "DELETE",
                "/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}",
                handler(s, AutoScaling::delete_config),
            ),
            v1("POST", "/autoscaling-api/v1/{project_id}/scaling_configurations", handler(s, AutoScaling::delete_configs)),
            v1("POST", "/autoscaling-api/v1/{project_id}/scaling_group", handler(s, AutoScaling::create_group)),
            v1("GET", "/autoscaling-api/v1/{project_id}/scaling_group", handler(s, AutoScaling::list_groups)),
            v1("GET", "/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}", handler(s, AutoScaling::show_group)),
            v1("PUT", "/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}", handler(s, AutoScaling::update_group)),
            v1("DELETE", "/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}", handler(s, AutoScaling::delete_group)),
            v1("POST", "/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}/action", handler(s, AutoScaling::group_action)),
            v1(
                "GET",
                "/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/list",
                handler(s, AutoScaling::list_instances),
            ),
            v1("DELETE", "/autoscaling-api/v1/{project_id}/scaling_group_instance/{instance_id}", handler(s, AutoScaling::remove_instance)),
            v1(
                "POST",
                "/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action",
                handler(s, AutoScaling::instance_action),
            ),
            v1("GET", "/autoscaling-api/v1/{project_id}/quotas", handler(s, AutoScaling::quotas)),
            v1("GET", "/autoscaling-api/v1/{project_id}/quotas/{scaling_group_id}", handler(s, AutoScaling::group_quotas)),
            v1("GET", "/autoscaling-api/v1/{project_id}/scaling_activity_log/{scaling_group_id}", handler(s, AutoScaling::activity_logs)),
            v1("POST", "/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}", handler(s, AutoScaling::create_hook)),
            v1(
                "GET",
                "/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/list",
                handler(s, AutoScaling::list_hooks),
            ),
            v1(
                "GET",
                "/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}",
                handler(s, AutoScaling::show_hook),
            ),
            v1(
                "PUT",
                "/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}",
                handler(s, AutoScaling::update_hook),
            ),
            v1(
                "DELETE",
                "/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}",
                handler(s, AutoScaling::delete_hook),
            ),
            v1(
                "PUT",
                "/autoscaling-api/v1/{project_id}/scaling_instance_hook/{scaling_group_id}/callback",
                handler(s, AutoScaling::hook_callback),
            ),
            v1(
                "GET",
                "/autoscaling-api/v1/{project_id}/scaling_instance_hook/{scaling_group_id}/list",
                handler(s, AutoScaling::hanging_info),
            ),
            v1("POST", "/autoscaling-api/v1/{project_id}/scaling_policy", handler(s, AutoScaling::create_policy)),
            v1("GET", "/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}", handler(s, AutoScaling::show_policy)),
            v1("PUT", "/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}", handler(s, AutoScaling::update_policy)),
            v1("DELETE", "/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}", handler(s, AutoScaling::delete_policy)),
            v1("GET", "/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_group_id}/list", handler(s, AutoScaling::list_policies)),
            v1(
                "POST",
                "/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}/action",
                handler(s, AutoScaling::policy_action),
            ),
            v1("POST", "/autoscaling-api/v1/{project_id}/scaling_policies/action", handler(s, AutoScaling::batch_policies)),
            v1(
                "GET",
                "/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}",
                handler(s, AutoScaling::execution_logs),
            ),
            v1("POST", "/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags/action", handler(s, AutoScaling::tag_action)),
            v1("GET", "/autoscaling-api/v1/{project_id}/{resource_type}/tags", handler(s, AutoScaling::project_tags)),
            v1("GET", "/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags", handler(s, AutoScaling::resource_tags)),
            v1(
                "POST",
                "/autoscaling-api/v1/{project_id}/{resource_type}/resource_instances/action",
                handler(s, AutoScaling::resources_by_tag),
            ),
            v1("POST", "/autoscaling-api/v2/{project_id}/scaling_policy", handler(s, AutoScaling::create_policy_v2)),
            v1("GET", "/autoscaling-api/v2/{project_id}/scaling_policy", handler(s, AutoScaling::list_policies_v2)),
            v1("GET", "/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_policy_id}", handler(s, AutoScaling::show_policy_v2)),
            v1("PUT", "/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_policy_id}", handler(s, AutoScaling::update_policy_v2)),
            v1(
                "GET",
                "/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_resource_id}/list",
                handler(s, AutoScaling::list_resource_policies_v2),
            ),
            v1(
                "GET",
                "/autoscaling-api/v2/{project_id}/scaling_activity_log/{scaling_group_id}",
                handler(s, AutoScaling::activity_logs_v2),
            ),
        ]
    }

    /// `POST /_emulator/alarms/{alarm_id}/fire`: what Cloud Eye would do.
    fn control(&self, method: &str, parts: &[&str]) -> Option<otc_core::ApiResult<serde_json::Value>> {
        match (method, parts) {
            ("POST", ["alarms", alarm_id, "fire"]) => Some(self.fire_alarm(alarm_id)),
            _ => None,
        }
    }

    fn catalog(&self) -> Vec<CatalogEntry> {
        vec![
            CatalogEntry { service_type: "as", name: "as", path: "/as/autoscaling-api/v1" },
            CatalogEntry { service_type: "asv1", name: "asv1", path: "/as/autoscaling-api/v1/{project_id}" },
        ]
    }
}
