//! The two pagination styles of the OTC APIs: marker/limit (Neutron, VPC v1,
//! Nova, VPC v3) and offset/limit (AS `start_number`/`limit`, VPN, MRS).
//! Services parse query values through these so bad values are refused the
//! same way everywhere.

/// A page request in marker style: the id after which to continue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkerPage {
    pub marker: Option<String>,
    pub limit: Option<usize>,
    /// `page_reverse=true`: the page before the marker.
    pub reverse: bool,
}

/// Parses a non-negative limit; `None` when absent, `Err(())` when malformed.
pub fn parse_limit(raw: Option<&str>, max: usize) -> Result<Option<usize>, ()> {
    match raw {
        None | Some("") => Ok(None),
        Some(s) => s.trim().parse::<i64>().map_err(|_| ()).and_then(|n| if n < 0 { Err(()) } else { Ok(Some((n as usize).min(max))) }),
    }
}

/// Applies marker pagination to items already in their listing order.
/// An unknown marker yields `Err(())` (services map it to their 400/404).
pub fn page_by_marker<T>(items: Vec<T>, page: &MarkerPage, id_of: impl Fn(&T) -> &str) -> Result<Vec<T>, ()> {
    let mut items = items;
    if let Some(m) = &page.marker {
        let pos = items.iter().position(|i| id_of(i) == m).ok_or(())?;
        if page.reverse {
            items.truncate(pos);
            if let Some(l) = page.limit.filter(|l| *l > 0) {
                let start = items.len().saturating_sub(l);
                items.drain(..start);
            }
            return Ok(items);
        }
        items.drain(..=pos);
    }
    if let Some(l) = page.limit.filter(|l| *l > 0) {
        items.truncate(l);
    }
    Ok(items)
}

/// Applies offset/limit pagination.
pub fn page_by_offset<T>(items: Vec<T>, offset: usize, limit: Option<usize>) -> Vec<T> {
    let it = items.into_iter().skip(offset);
    match limit {
        Some(l) => it.take(l).collect(),
        None => it.collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        (1..=5).map(|i| format!("id{i}")).collect()
    }

    #[test]
    fn marker_forward_and_reverse() {
        let p = MarkerPage { marker: Some("id2".into()), limit: Some(2), reverse: false };
        assert_eq!(page_by_marker(ids(), &p, |s| s).unwrap(), vec!["id3", "id4"]);
        let p = MarkerPage { marker: Some("id4".into()), limit: Some(2), reverse: true };
        assert_eq!(page_by_marker(ids(), &p, |s| s).unwrap(), vec!["id2", "id3"]);
        let p = MarkerPage { marker: Some("nope".into()), limit: None, reverse: false };
        assert!(page_by_marker(ids(), &p, |s| s).is_err());
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None, 10), Ok(None));
        assert_eq!(parse_limit(Some("5"), 10), Ok(Some(5)));
        assert_eq!(parse_limit(Some("50"), 10), Ok(Some(10)));
        assert!(parse_limit(Some("-1"), 10).is_err());
        assert!(parse_limit(Some("x"), 10).is_err());
        assert_eq!(page_by_offset(ids(), 1, Some(2)), vec!["id2", "id3"]);
    }
}
