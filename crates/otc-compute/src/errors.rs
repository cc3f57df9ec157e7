//! Nova's wording of compute faults: `{"<fault>": {"code", "message"}}`
//! with the fault name of the status (`badRequest`, `itemNotFound`,
//! `conflictingRequest`, `forbidden` for quotas, as Nova does).

use crate::model::{Fault, Why};
use otc_core::ApiError;

pub fn nova(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(m) => ApiError::new(404, "itemNotFound", m).with_kind("itemNotFound"),
        Fault::Invalid(_, m) => ApiError::new(400, "badRequest", m).with_kind("badRequest"),
        Fault::Conflict(_, m) => ApiError::new(409, "conflictingRequest", m).with_kind("conflictingRequest"),
        Fault::Quota(m) | Fault::VolumeQuota(m) => ApiError::new(403, "forbidden", m).with_kind("forbidden"),
        Fault::Storage(m) => ApiError::internal(m),
    }
}

pub fn bad(msg: String) -> ApiError {
    ApiError::new(400, "badRequest", msg).with_kind("badRequest")
}

/// A malformed body, as Nova words it.
pub fn bad_body(msg: &str) -> ApiError {
    bad(format!("Malformed request body: {msg}"))
}

/// The ECS v1 codes the emulator answers with: (code, status, message) as
/// the ECS error-code appendix words them.
const ECS_CODES: &[(&str, u16, &str)] = &[
    ("Ecs.0001", 400, "Insufficient ECS quota. Contact customer service to increase quota."),
    ("Ecs.0005", 400, "Invalid parameter values. Contact customer service."),
    ("Ecs.0010", 400, "The private IP address is already being used. Select another IP address."),
    ("Ecs.0011", 400, "Ensure the password meets the password complexity requirements."),
    ("Ecs.0012", 400, "The subnet does not contain enough IP addresses. Release some IP addresses or select a different subnet."),
    ("Ecs.0013", 400, "The current EIP quota limit has been reached. Apply to increase the quota."),
    ("Ecs.0021", 400, "Insufficient EVS disk quota. Contact customer service to increase quota."),
    ("Ecs.0014", 400, "Incorrect VPC, subnet, or security group parameter values."),
    ("Ecs.0022", 400, "Insufficient ECS group quota. Contact customer service to increase quota."),
    ("Ecs.0029", 400, "The flavor does not exist."),
    ("Ecs.0031", 400, "The image does not exist."),
    ("Ecs.0038", 400, "The subnet does not exist."),
    ("Ecs.0039", 400, "The specified IP address does not belong to the subnet."),
    ("Ecs.0041", 400, "Invalid description field."),
    ("Ecs.0042", 400, "The number of attached data disks exceeds the maximum allowed limit."),
    ("Ecs.0043", 400, "The disk type does not exist."),
    ("Ecs.0057", 400, "The disk has already been attached to the ECS and you cannot repeatedly attach it."),
    ("Ecs.0045", 400, "The bandwidth exceeds the maximum allowed limit."),
    ("Ecs.0050", 400, "The number of NICs attached to the ECS exceeds the quota."),
    ("Ecs.0064", 400, "The VPC ID in the request is inconsistent with that in the main subnet ID."),
    ("Ecs.0100", 400, "The ECS status does not meet requirements. Make the ECS in the required status and try again."),
    (
        "Ecs.0103",
        400,
        "The disk can be attached to a server only when it exists and is in the Available state. Check the disk status and try again.",
    ),
    ("Ecs.0111", 400, "The EVS disk has been detached from the ECS. Refresh the disk list and check the disk."),
    ("Ecs.0114", 404, "The ECS does not exist."),
    ("Ecs.0121", 400, "The disk cannot be attached to the ECS because the disk and the ECS are in different failure domains."),
    ("Ecs.0118", 400, "The number of ECSs exceeds the maximum allowed limit."),
    ("Ecs.0314", 400, "The key pair does not exist. Refresh the key pair list and check the key pair."),
    ("Ecs.0605", 400, "ECS locked."),
    ("Ecs.0616", 400, "Failed to update the ECS name."),
    ("Ecs.0905", 400, "The number of tags exceeds the maximum allowed limit."),
    ("Ecs.0906", 400, "Failed to comply with tag character set specifications."),
    ("Ecs.0907", 400, "Invalid tag character set."),
    ("Ecs.0908", 400, "The tag key cannot be duplicate."),
    ("Ecs.0913", 400, "The number of ECSs to be created exceeds the maximum allowed limit"),
    ("Ecs.0914", 400, "The length of the ECS name exceeds the maximum allowed limit."),
    ("Ecs.0915", 400, "The ECS name contains invalid characters."),
    ("Ecs.0313", 400, "ECS group query failed."),
    ("Common.0002", 400, "The request body cannot be left blank."),
    ("Common.0011", 400, "Failed to query system tasks."),
    ("Common.0001", 500, "A system exception occurred. Try again later or contact customer service."),
];

/// An ECS v1 refusal with its documented status and message; `detail`
/// (what exactly was wrong) follows the message when given.
pub fn ecs(code: &str, detail: impl AsRef<str>) -> ApiError {
    let (status, msg) = ECS_CODES.iter().find(|(c, _, _)| *c == code).map(|(_, s, m)| (*s, *m)).unwrap_or((400, "Request error."));
    let detail = detail.as_ref();
    let message = if detail.is_empty() { msg.to_string() } else { format!("{msg} {detail}") };
    ApiError::new(status, code, message)
}

/// The compute model's faults in ECS v1 terms.
pub fn ecs_fault(f: Fault) -> ApiError {
    match f {
        Fault::NotFound(m) => ecs("Ecs.0114", m),
        Fault::Invalid(Why::NoMoreIps, m) => ecs("Ecs.0012", m),
        Fault::Invalid(Why::AddressOutside, m) => ecs("Ecs.0039", m),
        Fault::Invalid(Why::Network, m) => ecs("Ecs.0038", m),
        Fault::Invalid(Why::SecurityGroup, m) => ecs("Ecs.0014", m),
        Fault::Invalid(Why::VolumeState, m) => ecs("Ecs.0103", m),
        Fault::Invalid(Why::VolumeZone, m) => ecs("Ecs.0121", m),
        Fault::Invalid(Why::VolumeType, m) => ecs("Ecs.0043", m),
        Fault::Invalid(Why::VolumeAttached, m) => ecs("Ecs.0057", m),
        Fault::Invalid(_, m) => ecs("Ecs.0005", m),
        Fault::Conflict(Why::AddressInUse, m) => ecs("Ecs.0010", m),
        Fault::Conflict(Why::Locked, m) => ecs("Ecs.0605", m),
        Fault::Conflict(Why::State, m) => ecs("Ecs.0100", m),
        Fault::Conflict(_, m) => ecs("Ecs.0005", m),
        Fault::Quota(m) if m == crate::model::server_groups::TOO_MANY_MEMBERS => ecs("Ecs.0022", m),
        Fault::Quota(m) => ecs("Ecs.0001", m),
        Fault::VolumeQuota(m) => ecs("Ecs.0021", m),
        Fault::Storage(m) => ecs("Common.0001", m),
    }
}
