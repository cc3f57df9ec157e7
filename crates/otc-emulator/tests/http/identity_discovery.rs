use crate::common::*;
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn version_documents() {
    let emu = Emu::start().await;
    for path in ["/", "/iam/", "/iam"] {
        let r = emu.http.get(emu.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 300, "{path}");
        let b: Value = r.json().await.unwrap();
        let v = &b["versions"]["values"][0];
        assert_eq!(v["id"], "v3.6");
        assert_eq!(v["status"], "stable");
        assert_eq!(v["links"][0]["href"], emu.url("/v3/"));
    }
    for path in ["/v3", "/v3/", "/iam/v3"] {
        let r = emu.http.get(emu.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["version"]["media-types"][0]["type"], "application/vnd.openstack.identity-v3+json");
    }
}

#[tokio::test]
async fn regions_services_endpoints_catalog_domains() {
    let emu = Emu::start().await;
    let t = emu.token(Some("eu-de")).await;
    let get = |path: &'static str| {
        let emu = &emu;
        let t = t.clone();
        async move {
            let r = emu.call(Method::GET, path, Some(&t), None).await;
            assert_eq!(r.status(), 200, "{path}");
            r.json::<Value>().await.unwrap()
        }
    };
    let b = get("/v3/regions").await;
    let ids: Vec<&str> = b["regions"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["eu-de", "eu-nl"]);
    assert!(b["regions"][0]["parent_region_id"].is_null());
    assert_eq!(b["regions"][0]["locales"]["en-us"], "eu-de");
    let b = get("/v3/regions/eu-nl").await;
    assert_eq!(b["region"]["id"], "eu-nl");
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/regions/mars", Some(&t), None).await).await;
    assert_eq!((s, c.as_str()), (404, "IAM.0004"));

    let b = get("/v3/services").await;
    let identity = b["services"].as_array().unwrap().iter().find(|s| s["type"] == "identity").unwrap().clone();
    assert_eq!(identity["enabled"], true);
    let sid = identity["id"].as_str().unwrap().to_string();
    let r = emu.call(Method::GET, &format!("/v3/services/{sid}"), Some(&t), None).await;
    assert_eq!(r.status(), 200);
    let b: Value = emu.call(Method::GET, "/v3/services?type=compute", Some(&t), None).await.json().await.unwrap();
    assert_eq!(b["services"].as_array().unwrap().len(), 1, "compute is served");
    let b: Value = emu.call(Method::GET, "/v3/services?type=sharev2", Some(&t), None).await.json().await.unwrap();
    assert_eq!(b["services"].as_array().unwrap().len(), 1, "SFS capacity-oriented is served");
    let b: Value = emu.call(Method::GET, "/v3/services?type=sfsturbo", Some(&t), None).await.json().await.unwrap();
    assert_eq!(b["services"].as_array().unwrap().len(), 1, "SFS Turbo is served");
    let b: Value = emu.call(Method::GET, "/v3/services?type=rds", Some(&t), None).await.json().await.unwrap();
    assert!(b["services"].as_array().unwrap().is_empty(), "RDS is not served");
    assert_eq!(emu.call(Method::GET, "/v3/services/nope", Some(&t), None).await.status(), 404);

    let b: Value =
        emu.call(Method::GET, &format!("/v3/endpoints?service_id={sid}&interface=public"), Some(&t), None).await.json().await.unwrap();
    let eps = b["endpoints"].as_array().unwrap();
    assert_eq!(eps.len(), 2, "one identity endpoint per region");
    let eid = eps[0]["id"].as_str().unwrap();
    let r = emu.call(Method::GET, &format!("/v3/endpoints/{eid}"), Some(&t), None).await;
    assert_eq!(r.status(), 200);
    let (s, c, _) = outcome(emu.call(Method::GET, "/v3/endpoints?interface=sideways", Some(&t), None).await).await;
    assert_eq!((s, c.as_str()), (400, "IAM.0007"));
    let b: Value = emu.call(Method::GET, "/v3/endpoints?interface=admin", Some(&t), None).await.json().await.unwrap();
    assert!(b["endpoints"].as_array().unwrap().is_empty());

    let b = get("/v3/auth/catalog").await;
    assert_eq!(b["catalog"][0]["endpoints"][0]["region_id"], "eu-de");
    assert_eq!(b["links"]["self"], emu.url("/v3/auth/catalog"));
    let b = get("/v3/auth/domains").await;
    assert_eq!(b["domains"][0]["name"], "emulator");
    assert_eq!(b["domains"].as_array().unwrap().len(), 1);
}

/// The URL each gophertelekomcloud service client derives from a token's
/// catalog (openstack/client.go: the entry's type, then its own suffix or
/// replacement) lands on a served route. One line per client the Terraform
/// provider uses for the served services; docs/ARCHITECTURE.md has the table.
#[tokio::test]
async fn catalog_urls_fit_the_go_sdk_clients() {
    let emu = Emu::start().await;
    let token = emu.token(Some("eu-de")).await;
    let r = emu.call(Method::POST, "/v3/auth/tokens", None, Some(password_auth("admin", "emulator", "emulator", Some("eu-de")))).await;
    let body: Value = r.json().await.unwrap();
    let pid = body["token"]["project"]["id"].as_str().unwrap().to_string();
    let catalog = body["token"]["catalog"].as_array().unwrap().clone();
    // V3EndpointURL: the first public endpoint of the type in the region,
    // with a trailing slash (NormalizeURL).
    let endpoint = |ty: &str| -> String {
        let entry = catalog.iter().find(|e| e["type"] == ty).unwrap_or_else(|| panic!("no {ty} in the catalog"));
        let ep = entry["endpoints"].as_array().unwrap().iter().find(|e| e["region"] == "eu-de" && e["interface"] == "public").unwrap();
        let url = ep["url"].as_str().unwrap().to_string();
        if url.ends_with('/') {
            url
        } else {
            url + "/"
        }
    };
    let identity = {
        let e = endpoint("identity");
        if e.ends_with("v3/") {
            e
        } else {
            e + "v3/"
        }
    };
    let evpn = endpoint("volumev2").replacen("v2", "v5", 1).replacen("evs", "vpn", 1);
    let urls = [
        // NewNetworkV2: endpoint + v2.0/ (Neutron, bandwidths v2.0 add the project).
        ("NetworkV2", format!("{}v2.0/networks", endpoint("network"))),
        ("NetworkV2 bandwidths", format!("{}v2.0/{pid}/bandwidths", endpoint("network"))),
        // NewNetworkV1: endpoint + v1/, requests add the project.
        ("NetworkV1", format!("{}v1/{pid}/vpcs", endpoint("network"))),
        // NewVpcV3: the vpc entry with its first v1 made v3, then vpc/.
        ("VpcV3", format!("{}vpc/vpcs", endpoint("vpc").replacen("v1", "v3", 1))),
        // NewComputeV2 (compute) and NewComputeV1 (ecs): the entry as it is.
        ("ComputeV2", format!("{}flavors", endpoint("compute"))),
        ("ComputeV1", format!("{}cloudservers/detail", endpoint("ecs"))),
        // NewIMSV2: endpoint + v2/.
        ("IMSV2", format!("{}v2/images", endpoint("image"))),
        // NewAutoScalingV1 (asv1) and V2 (its first v1 made v2).
        ("AutoScalingV1", format!("{}scaling_group", endpoint("asv1"))),
        ("AutoScalingV2", format!("{}scaling_policy", endpoint("asv1").replacen("v1", "v2", 1))),
        // NewEVPNServiceV3: volumev2 with v2 -> v5 and evs -> vpn.
        ("EVPN", format!("{evpn}vpn-gateways")),
        // NewIdentityV3 (v3/ ensured) and the provider's IdentityV30Client.
        ("IdentityV3", format!("{identity}projects")),
        ("IdentityV30", format!("{}OS-CREDENTIAL/credentials", identity.replacen("v3/", "v3.0/", 1))),
    ];
    for (client, url) in urls {
        let r = emu.http.get(&url).header("X-Auth-Token", &token).send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert!(!text.contains("APIGW.0101"), "{client}: {url} is no served route: {status} {text}");
        assert!(status == 200 || status == 404, "{client}: {url} answered {status} {text}");
    }
}
