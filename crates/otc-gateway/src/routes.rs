//! Matching a request path against operation tables.
//!
//! Paths are the documented ones with `{name}` segments. Among the routes
//! that match, the one with a literal segment where the others have a
//! parameter wins (leftmost difference decides), so `/v3/auth/tokens`
//! beats `/v3/{x}/tokens`; equal candidates keep table order, which is how
//! identity owns the shared version-discovery roots.

use otc_core::api::Op;
use otc_core::ApiError;
use percent_encoding::percent_decode_str;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Param(String),
}

struct Route {
    segs: Vec<Seg>,
    op: Op,
    bad_body: fn(&str) -> ApiError,
}

/// A matched operation, with how its service words a malformed body.
pub struct Found<'a> {
    pub op: &'a Op,
    pub bad_body: fn(&str) -> ApiError,
    pub params: HashMap<String, String>,
}

#[derive(Default)]
pub struct RouteTable {
    routes: Vec<Route>,
    /// (method, segment count) → positions in `routes`, in table order:
    /// only those can match, and a table holds hundreds of routes.
    by_shape: HashMap<(&'static str, usize), Vec<usize>>,
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

impl RouteTable {
    pub fn add(&mut self, op: Op, bad_body: fn(&str) -> ApiError) {
        let segs = split(op.path)
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Seg::Param(name.to_string()),
                None => Seg::Lit(s.to_string()),
            })
            .collect::<Vec<_>>();
        self.by_shape.entry((op.method, segs.len())).or_default().push(self.routes.len());
        self.routes.push(Route { segs, op, bad_body });
    }

    pub fn len(&self) -> usize {
        self.routes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Every (method, path) this table serves, for the coverage report.
    pub fn served(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.routes.iter().map(|r| (r.op.method, r.op.path))
    }

    /// Every operation of this table, in table order.
    pub fn ops(&self) -> impl Iterator<Item = &Op> + '_ {
        self.routes.iter().map(|r| &r.op)
    }

    /// Finds the operation for `method` and the (prefix-stripped) `path`.
    /// Parameters come back percent-decoded.
    pub fn find(&self, method: &str, path: &str) -> Option<Found<'_>> {
        let parts: Vec<&str> = split(path).collect();
        let mut best: Option<(&Route, Vec<bool>)> = None;
        for r in self.by_shape.get(&(method, parts.len())).into_iter().flatten().map(|&i| &self.routes[i]) {
            let mut shape = Vec::with_capacity(parts.len());
            let ok = r.segs.iter().zip(&parts).all(|(s, p)| match s {
                Seg::Lit(l) => {
                    shape.push(true);
                    l == p
                }
                Seg::Param(_) => {
                    shape.push(false);
                    !p.is_empty()
                }
            });
            if ok && best.as_ref().is_none_or(|(_, b)| shape > *b) {
                best = Some((r, shape));
            }
        }
        let (route, _) = best?;
        let params = route
            .segs
            .iter()
            .zip(&parts)
            .filter_map(|(s, p)| match s {
                Seg::Param(n) => Some((n.clone(), percent_decode_str(p).decode_utf8_lossy().into_owned())),
                Seg::Lit(_) => None,
            })
            .collect();
        Some(Found { op: &route.op, bad_body: route.bad_body, params })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otc_core::api::{Access, Family, Reply};
    use std::sync::Arc;

    fn add(t: &mut RouteTable, method: &'static str, path: &'static str) {
        let op = Op::new(method, path, Access::Public, Family::Native, Arc::new(|_| Ok(Reply::empty(200))));
        t.add(op, |m| ApiError::new(400, "X", m));
    }

    #[test]
    fn literal_beats_parameter_and_order_breaks_ties() {
        let mut t = RouteTable::default();
        add(&mut t, "GET", "/");
        add(&mut t, "GET", "/{version}");
        add(&mut t, "GET", "/v3");
        add(&mut t, "GET", "/v1/{project_id}/vpcs/{vpc_id}");
        add(&mut t, "GET", "/v1/{project_id}/vpcs/tags");
        add(&mut t, "GET", "/");
        assert_eq!(t.find("GET", "/").unwrap().op.path, "/");
        assert_eq!(t.find("GET", "/v3/").unwrap().op.path, "/v3");
        assert_eq!(t.find("GET", "/v1").unwrap().op.path, "/{version}");
        assert_eq!(t.find("GET", "/v1/p/vpcs/tags").unwrap().op.path, "/v1/{project_id}/vpcs/tags");
        let f = t.find("GET", "/v1/p1/vpcs/a%20b").unwrap();
        assert_eq!(f.op.path, "/v1/{project_id}/vpcs/{vpc_id}");
        assert_eq!(f.params["vpc_id"], "a b");
        assert_eq!(f.params["project_id"], "p1");
        assert!(t.find("POST", "/v3").is_none());
        assert!(t.find("GET", "/v1/p/vpcs").is_none());
    }
}
