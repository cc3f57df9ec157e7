//! Neutron subnet pools (`/v2.0/subnetpools`): every operation, prefix
//! merging, prefix-length bounds, the refusals and isolation.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::json;

const POOLS: &str = "/v2.0/subnetpools";

#[tokio::test]
async fn subnet_pools_lifecycle_and_validation() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let body = json!({"subnetpool": {"name": "my-subnet-pool", "prefixes": ["10.10.0.0/22", "10.10.4.0/22", "192.168.0.0/16"],
        "min_prefixlen": 24, "max_prefixlen": 30, "default_prefixlen": 25}});
    let o = api.post(POOLS, body).await;
    assert_eq!(o.status, 201, "{}", o.body);
    let p = o.body["subnetpool"].clone();
    assert_eq!(p["prefixes"], json!(["10.10.0.0/21", "192.168.0.0/16"]), "adjacent prefixes merge");
    assert_eq!((p["ip_version"].as_u64(), p["default_prefixlen"].as_u64(), p["is_default"].as_bool()), (Some(4), Some(25), Some(false)));
    assert_eq!((p["tenant_id"].as_str(), p["shared"].as_bool()), (Some(api.pid.as_str()), Some(false)));
    assert!(p["address_scope_id"].is_null() && p["default_quota"].is_null());
    let pid = id(&p);

    let o = api.post(POOLS, json!({"subnetpool": {"name": "v6", "prefixes": ["2001:db8::/48"]}})).await;
    assert_eq!(o.status, 201, "{}", o.body);
    let v6 = &o.body["subnetpool"];
    assert_eq!(
        (v6["ip_version"].as_u64(), v6["min_prefixlen"].as_u64(), v6["default_prefixlen"].as_u64(), v6["max_prefixlen"].as_u64()),
        (Some(6), Some(64), Some(64), Some(128))
    );

    for body in [
        json!({"subnetpool": {"prefixes": ["10.0.0.0/8"]}}),
        json!({"subnetpool": {"name": "x"}}),
        json!({"subnetpool": {"name": "x", "prefixes": []}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["10.0.0.0/33"]}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["10.0.0.0/8", "2001:db8::/48"]}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["10.0.0.0/8"], "min_prefixlen": 4}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["10.0.0.0/8"], "min_prefixlen": 24, "max_prefixlen": 20}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["10.0.0.0/8"], "default_prefixlen": 33}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["2001:db8::/48"], "min_prefixlen": 48}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["10.0.0.0/8"], "default_quota": -1}}),
        json!({"subnetpool": {"name": "x", "prefixes": ["10.0.0.0/8"], "colour": "red"}}),
        json!({"subnetpool": {"name": "x", "prefixes": "10.0.0.0/8"}}),
        json!({"pool": {}}),
    ] {
        let o = api.post(POOLS, body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "BadRequest"), "{body}: {}", o.body);
    }

    // Updates add prefixes but keep the old ones and the IP version.
    let o = api.put(&format!("{POOLS}/{pid}"), json!({"subnetpool": {"name": "renamed", "prefixes": ["10.10.0.0/21", "192.168.0.0/16", "172.16.0.0/12"], "default_quota": 1024}})).await;
    assert_eq!(o.status, 200, "{}", o.body);
    assert_eq!(o.body["subnetpool"]["prefixes"].as_array().unwrap().len(), 3);
    assert_eq!((o.body["subnetpool"]["name"].as_str(), o.body["subnetpool"]["default_quota"].as_i64()), (Some("renamed"), Some(1024)));
    for body in [
        json!({"subnetpool": {"prefixes": ["10.10.0.0/21"]}}),
        json!({"subnetpool": {"prefixes": ["2001:db8::/32"]}}),
        json!({"subnetpool": {"default_prefixlen": 31}}),
        json!({"subnetpool": {"is_default": "maybe"}}),
    ] {
        let o = api.put(&format!("{POOLS}/{pid}"), body.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (400, "BadRequest"), "{body}: {}", o.body);
    }
    assert_eq!(api.get(&format!("{POOLS}/{pid}")).await.body["subnetpool"]["default_prefixlen"], 25, "refusals change nothing");

    // List and filters; another project sees nothing.
    let o = api.get(&format!("{POOLS}?ip_version=6")).await;
    assert_eq!(o.body["subnetpools"].as_array().unwrap().len(), 1);
    assert_eq!(api.get(&format!("{POOLS}?name=renamed")).await.body["subnetpools"][0]["id"], pid.as_str());
    assert_eq!(nl.get(POOLS).await.body["subnetpools"], json!([]));
    for m in ["GET", "PUT", "DELETE"] {
        let o = nl.req(m.parse().unwrap(), &format!("{POOLS}/{pid}"), Some(json!({"subnetpool": {"name": "x"}}))).await;
        assert_eq!((o.status, o.code.as_str()), (404, "SubnetPoolNotFound"), "{m}");
    }
    assert_eq!(api.delete(&format!("{POOLS}/{pid}")).await.status, 204);
    assert_eq!(api.get(&format!("{POOLS}/{pid}")).await.code, "SubnetPoolNotFound");
}
