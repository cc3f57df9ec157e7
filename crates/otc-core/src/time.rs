//! The timestamp formats the OTC API reference uses.

use chrono::{DateTime, SecondsFormat, Utc};

pub type Timestamp = DateTime<Utc>;

/// Keystone/IAM token times: `2015-11-09T01:42:57.527363Z` (microseconds, Z).
pub fn iso_micros(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Seconds precision with Z: `2019-02-13T06:52:13Z` (AS, VPC v3, ...).
pub fn iso_seconds(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Millisecond precision with Z: `2025-06-26T13:41:34.626Z` (VPN v5's
/// documented `yyyy-MM-ddTHH:mm:ss.SSSZ`).
pub fn iso_millis(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Neutron/VPC v1 style without zone: `2019-02-13T06:52:13` .
pub fn iso_naive(t: Timestamp) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Parses any RFC 3339 timestamp (with or without fraction) into UTC.
pub fn parse(s: &str) -> Option<Timestamp> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats() {
        let t = Utc.with_ymd_and_hms(2015, 11, 9, 1, 42, 57).unwrap() + chrono::Duration::microseconds(527363);
        assert_eq!(iso_micros(t), "2015-11-09T01:42:57.527363Z");
        assert_eq!(iso_seconds(t), "2015-11-09T01:42:57Z");
        assert_eq!(iso_millis(t), "2015-11-09T01:42:57.527Z");
        assert_eq!(iso_naive(t), "2015-11-09T01:42:57");
        assert_eq!(parse("2015-11-09T01:42:57.527363Z"), Some(t));
    }
}
