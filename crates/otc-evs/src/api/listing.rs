//! Listing volumes and snapshots: the documented filters, `sort_key` /
//! `sort_dir` (and v3's `sort=key:dir,...`), `limit` (1-1000), `offset`
//! and `marker` paging, and the `*_links` next link.

use super::views::View;
use super::Fam;
use crate::model::volumes::Volume;
use crate::model::{Metadata, Snapshot, Why};
use otc_core::api::Input;
use otc_core::ApiResult;
use std::cmp::Ordering;

/// The largest page.
pub const MAX_LIMIT: usize = 1000;

/// Paging and order asked for.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub limit: Option<usize>,
    pub offset: usize,
    pub marker: Option<String>,
    /// (key, descending), most significant first.
    pub sort: Vec<(String, bool)>,
}

fn direction(fam: Fam, d: &str) -> ApiResult<bool> {
    match d.to_ascii_lowercase().as_str() {
        "desc" => Ok(true),
        "asc" => Ok(false),
        _ => Err(fam.bad(Why::SortDir, &format!("Invalid sort direction {d:?}: must be asc or desc."))),
    }
}

/// Reads `limit`, `offset`, `marker`, `sort_key`/`sort_dir` and `sort`;
/// `keys` are the sort keys the collection allows.
pub fn page(input: &Input<'_>, fam: Fam, keys: &[&str]) -> ApiResult<Page> {
    let q = input.query;
    let mut p = Page::default();
    if let Some(l) = q.get("limit").filter(|l| !l.is_empty()) {
        let n: i64 = l.trim().parse().map_err(|_| fam.bad(Why::Limit, "limit param must be an integer."))?;
        if n <= 0 {
            return Err(fam.bad(Why::Limit, "limit param must be positive."));
        }
        if n as u64 > MAX_LIMIT as u64 {
            return Err(fam.bad(Why::Limit, "invalid filter limit, can not greater than 1000."));
        }
        p.limit = Some(n as usize);
    }
    if let Some(o) = q.get("offset").filter(|o| !o.is_empty()) {
        let n: i64 = o.trim().parse().map_err(|_| fam.bad(Why::Limit, "offset param must be an integer."))?;
        if n < 0 {
            return Err(fam.bad(Why::Limit, "offset param must be positive."));
        }
        p.offset = n as usize;
    }
    p.marker = q.get("marker").filter(|m| !m.is_empty()).map(str::to_string);
    let check = |k: &str| -> ApiResult<String> {
        if keys.contains(&k) {
            Ok(k.to_string())
        } else {
            Err(fam.bad(Why::SortKey, &format!("Invalid sort key {k:?}: must be one of {}.", keys.join(", "))))
        }
    };
    if let Some(sort) = q.get("sort").filter(|s| !s.is_empty()) {
        for part in sort.split(',') {
            let (k, d) = part.split_once(':').unwrap_or((part, "desc"));
            p.sort.push((check(k.trim())?, direction(fam, d.trim())?));
        }
    } else {
        let key = q.get("sort_key").filter(|k| !k.is_empty()).unwrap_or("created_at");
        let dir = q.get("sort_dir").filter(|d| !d.is_empty()).unwrap_or("desc");
        p.sort.push((check(key)?, direction(fam, dir)?));
    }
    Ok(p)
}

/// Something listable: its id and how it compares under a sort key.
pub trait Sortable {
    fn id(&self) -> &str;
    fn cmp_by(&self, other: &Self, key: &str) -> Ordering;
}

impl Sortable for Volume {
    fn id(&self) -> &str {
        &self.id
    }
    fn cmp_by(&self, o: &Self, key: &str) -> Ordering {
        match key {
            "id" => self.id.cmp(&o.id),
            "status" => self.status.cmp(&o.status),
            "size" => self.size.cmp(&o.size),
            "name" => self.name.cmp(&o.name),
            "updated_at" => self.updated_at.cmp(&o.updated_at),
            _ => self.created_at.cmp(&o.created_at),
        }
    }
}

impl Sortable for Snapshot {
    fn id(&self) -> &str {
        &self.id
    }
    fn cmp_by(&self, o: &Self, key: &str) -> Ordering {
        match key {
            "id" => self.id.cmp(&o.id),
            "status" => self.status.cmp(&o.status),
            "size" => self.size.cmp(&o.size),
            "name" => self.name.cmp(&o.name),
            "updated_at" => self.updated_at.cmp(&o.updated_at),
            _ => self.created_at.cmp(&o.created_at),
        }
    }
}

/// Sorts (ties keep creation order, reversed for a descending sort) and
/// pages `items` (in creation order). Returns the page and whether more
/// follow it.
pub fn apply<T: Sortable>(items: Vec<T>, p: &Page, fam: Fam) -> ApiResult<(Vec<T>, bool)> {
    let mut indexed: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    indexed.sort_by(|(ia, a), (ib, b)| {
        for (k, desc) in &p.sort {
            let o = a.cmp_by(b, k);
            if o != Ordering::Equal {
                return if *desc { o.reverse() } else { o };
            }
        }
        let tie = ia.cmp(ib);
        if p.sort.first().is_some_and(|(_, d)| *d) {
            tie.reverse()
        } else {
            tie
        }
    });
    let mut items: Vec<T> = indexed.into_iter().map(|(_, t)| t).collect();
    if let Some(m) = &p.marker {
        let pos = items.iter().position(|t| t.id() == m).ok_or_else(|| fam.bad(Why::Marker, &format!("Marker {m} could not be found.")))?;
        items.drain(..=pos);
    }
    let mut items: Vec<T> = items.into_iter().skip(p.offset).collect();
    let more = p.limit.is_some_and(|l| items.len() > l);
    if let Some(l) = p.limit {
        items.truncate(l);
    }
    Ok((items, more))
}

/// The `*_links` of a page: a `next` link when more follow.
pub fn next_links<T: Sortable>(view: &View<'_>, path: &str, page: &[T], p: &Page, more: bool) -> Option<serde_json::Value> {
    let last = page.last().filter(|_| more)?;
    let mut q = format!("limit={}&marker={}", p.limit.unwrap_or(MAX_LIMIT), last.id());
    let sort: Vec<String> = p.sort.iter().map(|(k, d)| format!("{k}:{}", if *d { "desc" } else { "asc" })).collect();
    q.push_str(&format!("&sort={}", sort.join(",")));
    Some(serde_json::json!([{"href": view.collection(path, &q), "rel": "next"}]))
}

/// The `metadata` filter: a JSON object or Python's rendering of a dict
/// (`{'k': 'v'}`, what python-openstackclient sends).
pub fn metadata_filter(raw: &str, fam: Fam) -> ApiResult<Metadata> {
    let parsed = serde_json::from_str::<serde_json::Value>(raw).or_else(|_| serde_json::from_str(&raw.replace('\'', "\"")));
    match parsed {
        Ok(serde_json::Value::Object(o)) => o
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k, s)),
                other => Ok((k, other.to_string())),
            })
            .collect(),
        _ => Err(fam.bad(Why::Metadata, &format!("invalid metadata filter {raw:?}: must be a JSON object."))),
    }
}
