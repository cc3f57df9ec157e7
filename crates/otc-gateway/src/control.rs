//! The emulator's own API under `/_emulator/`: health and the clock.
//! Not part of any cloud API, so no authentication: it is a local tool.

use crate::{error_response, ok_json, Gateway};
use axum::body::Body;
use axum::http::Response;
use otc_core::api::Family;
use otc_core::ApiError;
use serde_json::json;

pub(crate) fn handle(gw: &Gateway, method: &str, rest: &str, request_id: &str) -> Response<Body> {
    let clock = &gw.settings.clock;
    let clock_state = || {
        json!({
            "now": otc_core::time::iso_micros(clock.now()),
            "offset_seconds": clock.offset().num_milliseconds() as f64 / 1000.0,
            "frozen": clock.is_frozen(),
        })
    };
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        ("GET", ["health"]) => ok_json(
            json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
                "store": gw.settings.store,
                "services": gw.service_names(),
            }),
            request_id,
        ),
        ("GET", ["clock"]) => ok_json(clock_state(), request_id),
        ("POST", ["clock", "advance", secs]) => match secs.parse::<f64>() {
            Ok(s) if s.is_finite() && s >= 0.0 => {
                clock.advance(chrono::Duration::milliseconds((s * 1000.0) as i64));
                ok_json(clock_state(), request_id)
            }
            _ => error_response(Family::Gateway, &ApiError::new(400, "EMULATOR.0400", "seconds must be a non-negative number"), request_id),
        },
        ("POST", ["clock", "freeze"]) => {
            clock.freeze();
            ok_json(clock_state(), request_id)
        }
        ("POST", ["clock", "resume"]) => {
            clock.resume();
            ok_json(clock_state(), request_id)
        }
        _ => {
            for s in &gw.services {
                if let Some(result) = s.service.control(method, &parts) {
                    return match result {
                        Ok(v) => ok_json(v, request_id),
                        Err(e) => error_response(Family::Gateway, &e, request_id),
                    };
                }
            }
            error_response(Family::Gateway, &ApiError::unknown_api(), request_id)
        }
    }
}
