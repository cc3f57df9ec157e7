//! A small client for the network tests: one project's token, JSON in and
//! out, and the error code whichever envelope carries it.

use crate::common::Emu;
use reqwest::Method;
use serde_json::{json, Value};

pub struct Api<'a> {
    pub emu: &'a Emu,
    pub token: String,
    pub pid: String,
}

/// Status, error code (VPC `code`, native `error_code` or Neutron `type`) and body.
pub struct Out {
    pub status: u16,
    pub code: String,
    pub body: Value,
}

impl<'a> Api<'a> {
    pub async fn new(emu: &'a Emu, project: &str) -> Api<'a> {
        let token = emu.token(Some(project)).await;
        let pid = emu.project_id(project).await;
        Api { emu, token, pid }
    }

    pub async fn req(&self, method: Method, path: &str, body: Option<Value>) -> Out {
        let path = path.replace("{pid}", &self.pid);
        let r = self.emu.call(method, &path, Some(&self.token), body).await;
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        let code =
            body["code"].as_str().or(body["error_code"].as_str()).or(body["NeutronError"]["type"].as_str()).unwrap_or("").to_string();
        Out { status, code, body }
    }

    pub async fn get(&self, path: &str) -> Out {
        self.req(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Out {
        self.req(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Out {
        self.req(Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Out {
        self.req(Method::DELETE, path, None).await
    }

    /// Creates and returns an object, asserting the status.
    pub async fn create(&self, path: &str, body: Value, status: u16, key: &str) -> Value {
        let o = self.post(path, body).await;
        assert_eq!(o.status, status, "POST {path}: {}", o.body);
        o.body[key].clone()
    }

    /// A VPC v1 VPC and one subnet in it; returns (vpc id, subnet id).
    pub async fn vpc_with_subnet(&self, cidr: &str, subnet: &str, gateway: &str) -> (String, String) {
        let vpc = self.create("/v1/{pid}/vpcs", json!({"vpc": {"name": "vpc-t", "cidr": cidr}}), 200, "vpc").await;
        let vid = vpc["id"].as_str().unwrap().to_string();
        let s = self
            .create(
                "/v1/{pid}/subnets",
                json!({"subnet": {"name": "sn-t", "cidr": subnet, "gateway_ip": gateway, "vpc_id": vid}}),
                200,
                "subnet",
            )
            .await;
        (vid, s["id"].as_str().unwrap().to_string())
    }

    pub async fn external_network(&self) -> String {
        let o = self.get("/v2.0/networks?name=admin_external_net").await;
        o.body["networks"][0]["id"].as_str().unwrap().to_string()
    }
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}
