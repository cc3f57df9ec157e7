//! VPC peering connections: same-project peerings are ACTIVE at once, a
//! peering to another project's VPC waits for that project to accept or
//! reject it and expires on the clock; exactly its two projects see it.

use crate::common::*;
use crate::netkit::{id, Api};
use serde_json::{json, Value};

const P: &str = "/v2.0/vpc/peerings";

async fn vpc(api: &Api<'_>, name: &str, cidr: &str) -> String {
    id(&api.create("/v1/{pid}/vpcs", json!({"vpc": {"name": name, "cidr": cidr}}), 200, "vpc").await)
}

fn body(name: &str, local: &str, peer: &str, peer_tenant: Option<&str>) -> Value {
    let mut accept = json!({"vpc_id": peer});
    if let Some(t) = peer_tenant {
        accept["tenant_id"] = json!(t);
    }
    json!({"peering": {"name": name, "request_vpc_info": {"vpc_id": local}, "accept_vpc_info": accept}})
}

fn ids(v: &Value) -> Vec<String> {
    v["peerings"].as_array().unwrap().iter().map(id).collect()
}

async fn two_projects() -> Emu {
    let mut c = config();
    c.identity.domains[0].projects.push("eu-de_peer".into());
    Emu::with(c).await
}

#[tokio::test]
async fn same_project_peering_is_active_and_one_per_pair() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let a = vpc(&api, "a", "192.168.0.0/16").await;
    // Identical CIDRs are accepted (the provider's acceptance test peers
    // two 192.168.0.0/16 VPCs and expects ACTIVE).
    let b = vpc(&api, "b", "192.168.0.0/16").await;
    let p = api.create(P, body("ab", &a, &b, None), 201, "peering").await;
    assert_eq!(p["status"], "ACTIVE");
    assert_eq!(p["request_vpc_info"], json!({"vpc_id": a, "tenant_id": api.pid}));
    assert_eq!(p["accept_vpc_info"], json!({"vpc_id": b, "tenant_id": api.pid}));
    let pid = id(&p);

    // One peering per pair, in either direction.
    let again = api.post(P, body("ba", &b, &a, None)).await;
    assert_eq!((again.status, again.code.as_str()), (400, "InvalidInput"), "{}", again.body);

    // Show, list with the nested filters, update.
    assert_eq!(api.get(&format!("{P}/{pid}")).await.body["peering"]["name"], "ab");
    assert_eq!(ids(&api.get(&format!("{P}?vpc_id={b}")).await.body), vec![pid.clone()], "vpc_id matches either side");
    let other = vpc(&api, "c", "10.0.0.0/8").await;
    assert!(ids(&api.get(&format!("{P}?vpc_id={other}")).await.body).is_empty());
    assert_eq!(ids(&api.get(&format!("{P}?status=ACTIVE&name=ab")).await.body), vec![pid.clone()]);
    let u = api.put(&format!("{P}/{pid}"), json!({"peering": {"name": "renamed", "description": "d"}})).await;
    assert_eq!((u.status, u.body["peering"]["name"].as_str()), (200, Some("renamed")));
    let u = api.put(&format!("{P}/{pid}"), json!({"peering": {"status": "REJECTED"}})).await;
    assert_eq!(u.status, 400, "only name and description change");
    let u = api.put(&format!("{P}/{pid}"), json!({"peering": {}})).await;
    assert_eq!(u.status, 400, "at least one attribute");

    // An own-project peering is not answered: it is ACTIVE already.
    assert_eq!(api.put(&format!("{P}/{pid}/accept"), json!({})).await.status, 400);

    assert_eq!(api.delete(&format!("{P}/{pid}")).await.status, 204);
    let gone = api.get(&format!("{P}/{pid}")).await;
    assert_eq!((gone.status, gone.code.as_str()), (404, "PeeringNotFound"));
    // Deleted, the pair is free again.
    api.create(P, body("ba", &b, &a, None), 201, "peering").await;
}

#[tokio::test]
async fn peering_input_is_checked() {
    let emu = Emu::start().await;
    let api = Api::new(&emu, "eu-de").await;
    let a = vpc(&api, "a", "192.168.0.0/16").await;
    let missing = "0b3a0b5c-1e2f-4a5b-8c9d-0e1f2a3b4c5d";
    let cases = [
        (json!({}), 400, "BadRequest"),
        (json!({"peering": []}), 400, "BadRequest"),
        (json!({"peering": {"request_vpc_info": {"vpc_id": a}, "accept_vpc_info": {"vpc_id": a}}}), 400, "BadRequest"),
        (body("", &a, missing, None), 400, "BadRequest"),
        (body(&"n".repeat(65), &a, missing, None), 400, "BadRequest"),
        (body("x", &a, "kunde1-VPC", None), 400, "BadRequest"),
        (json!({"peering": {"name": "x", "request_vpc_info": {"vpc_id": a}}}), 400, "BadRequest"),
        (body("x", &a, missing, None), 400, "InvalidInput"),
        (body("x", &a, &a, None), 400, "InvalidInput"),
        (body("x", missing, &a, None), 404, "RouterNotFound"),
        (body("x", &a, missing, Some("not/a tenant")), 400, "BadRequest"),
    ];
    for (b, status, code) in cases {
        let o = api.post(P, b.clone()).await;
        assert_eq!((o.status, o.code.as_str()), (status, code), "{b}: {}", o.body);
    }
    let mut d = body("x", &a, missing, None);
    d["peering"]["description"] = json!("<b>");
    assert_eq!(api.post(P, d).await.status, 400);
    assert!(ids(&api.get(P).await.body).is_empty(), "nothing was created");
    assert_eq!(api.get(&format!("{P}/{missing}")).await.status, 404);
    assert_eq!(api.delete(&format!("{P}/{missing}")).await.status, 404);
    assert_eq!(api.put(&format!("{P}/{missing}/reject"), json!({})).await.status, 404);
}

#[tokio::test]
async fn cross_project_peering_is_accepted_by_the_peer_only() {
    let emu = two_projects().await;
    let me = Api::new(&emu, "eu-de").await;
    let peer = Api::new(&emu, "eu-de_peer").await;
    let a = vpc(&me, "a", "192.168.0.0/16").await;
    let b = vpc(&peer, "b", "10.0.0.0/16").await;

    // Naming the peer's VPC without (or with the wrong) tenant discloses
    // nothing: the VPC is "incorrect" as a missing one would be.
    let o = me.post(P, body("x", &a, &b, None)).await;
    assert_eq!((o.status, o.code.as_str()), (400, "InvalidInput"), "{}", o.body);
    assert!(o.body["NeutronError"]["message"].as_str().unwrap().contains("Accept VPC id or tenant id is incorrect"));
    assert_eq!(me.post(P, body("x", &a, &b, Some(&me.pid))).await.status, 400);
    // Nor may a project peer someone else's VPC as its own side.
    assert_eq!(me.post(P, body("x", &b, &a, Some(&me.pid))).await.status, 404);

    let p = me.create(P, body("x", &a, &b, Some(&peer.pid)), 201, "peering").await;
    assert_eq!(p["status"], "PENDING_ACCEPTANCE");
    let pid = id(&p);
    // Both sides see it, in show and list.
    for side in [&me, &peer] {
        assert_eq!(side.get(&format!("{P}/{pid}")).await.body["peering"]["status"], "PENDING_ACCEPTANCE");
        assert_eq!(ids(&side.get(P).await.body), vec![pid.clone()]);
    }
    assert_eq!(ids(&peer.get(&format!("{P}?tenant_id={}", me.pid)).await.body), vec![pid.clone()]);
    // Only the peer answers.
    assert_eq!(me.put(&format!("{P}/{pid}/accept"), json!({})).await.status, 400);
    let ok = peer.put(&format!("{P}/{pid}/accept"), json!({})).await;
    assert_eq!((ok.status, ok.body["status"].as_str()), (200, Some("ACTIVE")), "flat answer: {}", ok.body);
    assert_eq!(me.get(&format!("{P}/{pid}")).await.body["peering"]["status"], "ACTIVE");
    assert_eq!(peer.put(&format!("{P}/{pid}/reject"), json!({})).await.status, 400, "no longer pending");
    // The peer may rename and delete it too.
    assert_eq!(peer.put(&format!("{P}/{pid}"), json!({"peering": {"name": "theirs"}})).await.status, 200);
    assert_eq!(me.get(&format!("{P}/{pid}")).await.body["peering"]["name"], "theirs");
    assert_eq!(peer.delete(&format!("{P}/{pid}")).await.status, 204);
    assert_eq!(me.get(&format!("{P}/{pid}")).await.status, 404);

    // The other direction, rejected: a rejected request frees the pair.
    let p = peer.create(P, body("y", &b, &a, Some(&me.pid)), 201, "peering").await;
    let r = me.put(&format!("{P}/{}/reject", id(&p)), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("REJECTED")));
    assert_eq!(peer.get(&format!("{P}/{}", id(&p))).await.body["peering"]["status"], "REJECTED");
    me.create(P, body("z", &a, &b, Some(&peer.pid)), 201, "peering").await;
}

#[tokio::test]
async fn a_pending_peering_expires_on_the_clock() {
    let emu = two_projects().await;
    emu.server.clock.freeze();
    let me = Api::new(&emu, "eu-de").await;
    let peer = Api::new(&emu, "eu-de_peer").await;
    let a = vpc(&me, "a", "192.168.0.0/16").await;
    let b = vpc(&peer, "b", "10.0.0.0/16").await;
    let pid = id(&me.create(P, body("x", &a, &b, Some(&peer.pid)), 201, "peering").await);
    emu.server.clock.advance(chrono::Duration::days(6));
    // Tokens last a day: both sides log in again after each jump.
    let peer = Api::new(&emu, "eu-de_peer").await;
    assert_eq!(peer.get(&format!("{P}/{pid}")).await.body["peering"]["status"], "PENDING_ACCEPTANCE");
    emu.server.clock.advance(chrono::Duration::days(1));
    let me = Api::new(&emu, "eu-de").await;
    let peer = Api::new(&emu, "eu-de_peer").await;
    assert_eq!(peer.get(&format!("{P}/{pid}")).await.body["peering"]["status"], "EXPIRED");
    assert_eq!(ids(&me.get(&format!("{P}?status=EXPIRED")).await.body), vec![pid.clone()]);
    assert_eq!(peer.put(&format!("{P}/{pid}/accept"), json!({})).await.status, 400, "too late");
    // An expired request no longer holds the pair.
    me.create(P, body("x2", &a, &b, Some(&peer.pid)), 201, "peering").await;
}

#[tokio::test]
async fn a_peering_is_visible_to_exactly_its_two_projects() {
    let mut c = config();
    c.identity.domains[0].projects.push("eu-de_peer".into());
    c.identity.domains[0].projects.push("eu-de_third".into());
    let emu = Emu::with(c).await;
    let me = Api::new(&emu, "eu-de").await;
    let peer = Api::new(&emu, "eu-de_peer").await;
    let third = Api::new(&emu, "eu-de_third").await;
    let nl = Api::new(&emu, "eu-nl").await;
    let a = vpc(&me, "a", "192.168.0.0/16").await;
    let b = vpc(&peer, "b", "10.0.0.0/16").await;
    let pid = id(&me.create(P, body("x", &a, &b, Some(&peer.pid)), 201, "peering").await);
    for other in [&third, &nl] {
        assert!(ids(&other.get(P).await.body).is_empty());
        assert_eq!(other.get(&format!("{P}/{pid}")).await.status, 404);
        assert_eq!(other.put(&format!("{P}/{pid}/accept"), json!({})).await.status, 404);
        assert_eq!(other.put(&format!("{P}/{pid}"), json!({"peering": {"name": "n"}})).await.status, 404);
        assert_eq!(other.delete(&format!("{P}/{pid}")).await.status, 404);
        let c = vpc(other, "c", "172.16.0.0/16").await;
        if other.pid == third.pid {
            assert_eq!(other.post(P, body("y", &c, &b, Some(&peer.pid))).await.status, 201, "peering requests are open to anyone");
        } else {
            // Peerings join VPCs of one region: eu-de's VPC is unknown to eu-nl.
            let o = other.post(P, body("y", &c, &b, Some(&peer.pid))).await;
            assert_eq!((o.status, o.code.as_str()), (400, "InvalidInput"), "{}", o.body);
        }
    }
    assert_eq!(me.get(&format!("{P}/{pid}")).await.body["peering"]["status"], "PENDING_ACCEPTANCE");
}

#[tokio::test]
async fn a_live_peering_holds_both_vpcs() {
    let emu = two_projects().await;
    let me = Api::new(&emu, "eu-de").await;
    let peer = Api::new(&emu, "eu-de_peer").await;
    let a = vpc(&me, "a", "192.168.0.0/16").await;
    let b = vpc(&peer, "b", "10.0.0.0/16").await;
    let pid = id(&me.create(P, body("x", &a, &b, Some(&peer.pid)), 201, "peering").await);
    let o = peer.delete(&format!("/v1/{{pid}}/vpcs/{b}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "VPC.0104"), "pending holds the peer's VPC");
    let o = me.delete(&format!("/v2.0/routers/{a}")).await;
    assert_eq!((o.status, o.code.as_str()), (409, "RouterInUse"));
    // Rejected, it holds nothing.
    assert_eq!(peer.put(&format!("{P}/{pid}/reject"), json!({})).await.status, 200);
    assert_eq!(peer.delete(&format!("/v1/{{pid}}/vpcs/{b}")).await.status, 204);
    assert_eq!(me.delete(&format!("{P}/{pid}")).await.status, 204);
    assert_eq!(me.delete(&format!("/v1/{{pid}}/vpcs/{a}")).await.status, 204);
}
