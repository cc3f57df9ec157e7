//! The timestamp formats the OTC API reference uses.

use chrono::{DateTime, Datelike, Timelike, Utc};

pub type Timestamp = DateTime<Utc>;

/// Keystone/IAM token times: `2015-11-09T01:42:57.527363Z` (microseconds, Z).
pub fn iso_micros(t: Timestamp) -> String {
    let mut s = naive(t, 28);
    push_fraction(&mut s, t.timestamp_subsec_micros(), 6);
    s.push('Z');
    s
}

/// Seconds precision with Z: `2019-02-13T06:52:13Z` (AS, VPC v3, ...).
pub fn iso_seconds(t: Timestamp) -> String {
    let mut s = naive(t, 20);
    s.push('Z');
    s
}

/// Millisecond precision with Z: `2025-06-26T13:41:34.626Z` (VPN v5's
/// documented `yyyy-MM-ddTHH:mm:ss.SSSZ`).
pub fn iso_millis(t: Timestamp) -> String {
    let mut s = naive(t, 24);
    push_fraction(&mut s, t.timestamp_subsec_millis(), 3);
    s.push('Z');
    s
}

/// Neutron/VPC v1 style without zone: `2019-02-13T06:52:13` .
pub fn iso_naive(t: Timestamp) -> String {
    naive(t, 19)
}

// Every list renders these for every item, so they are written digit by
// digit rather than through chrono's format-string interpreter (several
// times slower). Years outside 0000-9999 do not occur.
fn naive(t: Timestamp, capacity: usize) -> String {
    let mut s = String::with_capacity(capacity);
    push_digits(&mut s, t.year().clamp(0, 9999) as u32, 4);
    s.push('-');
    push_digits(&mut s, t.month(), 2);
    s.push('-');
    push_digits(&mut s, t.day(), 2);
    s.push('T');
    push_digits(&mut s, t.hour(), 2);
    s.push(':');
    push_digits(&mut s, t.minute(), 2);
    s.push(':');
    // A leap second is the 60th second, as chrono prints it.
    push_digits(&mut s, t.second() + u32::from(t.nanosecond() >= 1_000_000_000), 2);
    s
}

fn push_fraction(s: &mut String, value: u32, width: u32) {
    s.push('.');
    push_digits(s, value % 10u32.pow(width), width);
}

fn push_digits(s: &mut String, value: u32, width: u32) {
    for i in (0..width).rev() {
        s.push(char::from(b'0' + (value / 10u32.pow(i) % 10) as u8));
    }
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
        let early = Utc.with_ymd_and_hms(987, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::milliseconds(7);
        assert_eq!(iso_millis(early), "0987-01-02T03:04:05.007Z");
        assert_eq!(iso_micros(early), "0987-01-02T03:04:05.007000Z");
    }

    #[test]
    fn formats_agree_with_chrono() {
        use chrono::SecondsFormat;
        let mut t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 58).unwrap();
        for step in 0..2000 {
            t += chrono::Duration::microseconds(123_457 * step + 1);
            assert_eq!(iso_micros(t), t.to_rfc3339_opts(SecondsFormat::Micros, true));
            assert_eq!(iso_millis(t), t.to_rfc3339_opts(SecondsFormat::Millis, true));
            assert_eq!(iso_seconds(t), t.to_rfc3339_opts(SecondsFormat::Secs, true));
            assert_eq!(iso_naive(t), t.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
    }
}
