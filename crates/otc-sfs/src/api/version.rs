//! Microversions as Manila reads them (`api_version_request.py`,
//! `wsgi.Request.set_api_version_request`): the request names one in
//! `X-OpenStack-Manila-API-Version`; none is 2.0, a string that is not
//! `Major.Minor` is a 400, a version outside the served range a 406.
//! Answers under `/v2` say which version they follow.

use crate::errors::{bad_request, not_acceptable};
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};

/// A microversion, compared as (major, minor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mv(pub u32, pub u32);

pub const MIN: Mv = Mv(2, 0);
/// The newest microversion OTC documents: the request fields of the
/// reference go to 2.42 and IP-based access rules "must be 2.28 to
/// 2.42", although the version document's example says 2.28.
pub const MAX: Mv = Mv(2, 42);

pub const HEADER: &str = "X-OpenStack-Manila-API-Version";

impl Mv {
    /// `v >= 2.x`.
    pub fn at_least(self, minor: u32) -> bool {
        self >= Mv(2, minor)
    }

    /// `2.lo <= v <= 2.hi`.
    pub fn within(self, lo: u32, hi: u32) -> bool {
        self >= Mv(2, lo) && self <= Mv(2, hi)
    }
}

impl std::fmt::Display for Mv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// Manila's pattern `^([1-9]\d*)\.([1-9]\d*|0)$`.
fn parse(raw: &str) -> Option<Mv> {
    let (major, minor) = raw.split_once('.')?;
    let number = |s: &str, zero_ok: bool| {
        let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (!s.starts_with('0') || (zero_ok && s == "0"));
        ok.then(|| s.parse::<u32>().ok()).flatten()
    };
    Some(Mv(number(major, false)?, number(minor, true)?))
}

/// The microversion of a request to a `/v2` operation.
pub fn requested(input: &Input<'_>) -> ApiResult<Mv> {
    let Some(raw) = input.header(&HEADER.to_ascii_lowercase()) else {
        return Ok(MIN);
    };
    let Some(v) = parse(raw) else {
        return Err(bad_request(format!("API Version String {raw} is of invalid format. Must be of format MajorNum.MinorNum.")));
    };
    if v < MIN || v > MAX {
        return Err(not_acceptable(format!("Version {v} is not supported by the API. Minimum is {MIN} and maximum is {MAX}.")));
    }
    Ok(v)
}

/// `reply` with the headers Manila adds under `/v2`.
pub fn stamped(reply: Reply, mv: Mv) -> Reply {
    reply.header("x-openstack-manila-api-version", mv.to_string()).header("vary", HEADER)
}

/// A fault of a `/v2` operation with the same headers: Manila's `Fault`
/// adds them whenever the request's version was set, which is before the
/// range check (a 406 names the version refused) but not for a string that
/// does not parse (400, no version at all).
pub fn stamped_error(input: &Input<'_>, e: ApiError) -> ApiError {
    let mv = match input.header(&HEADER.to_ascii_lowercase()) {
        None => Some(MIN),
        Some(raw) => parse(raw),
    };
    match mv {
        Some(mv) => e.with_header("x-openstack-manila-api-version", mv.to_string()).with_header("vary", HEADER),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_follows_manilas_pattern() {
        assert_eq!(parse("2.0"), Some(Mv(2, 0)));
        assert_eq!(parse("2.42"), Some(Mv(2, 42)));
        for bad in ["2", "2.", ".1", "02.1", "2.01", "2.x", "latest", "2.1.1", "-2.1", " 2.1"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!(Mv(2, 7).at_least(7) && !Mv(2, 6).at_least(7));
        assert!(Mv(2, 28).within(28, 42) && !Mv(2, 27).within(28, 42));
        assert!(Mv(3, 0) > MAX && Mv(1, 9) < MIN);
    }
}
