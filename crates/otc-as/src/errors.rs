//! Auto Scaling's documented error codes (as/appendix), rendered as
//! `{"error": {"code", "message"}}` (the same envelope as ECS).

use otc_core::ApiError;

/// (code, status, message) as the appendix lists them.
const CODES: &[(&str, u16, &str)] = &[
    ("AS.0001", 500, "System error."),
    ("AS.0002", 400, "The request body is empty."),
    ("AS.0022", 400, "The request body is invalid."),
    ("AS.0033", 404, "The api version is illegal, only v1 and v2."),
    ("AS.1001", 400, "The value of parameter Start number is invalid."),
    ("AS.1002", 400, "The value of parameter Limit is invalid."),
    ("AS.1004", 400, "The AS configuration does not exist."),
    ("AS.1006", 400, "The AS configuration is in use."),
    ("AS.1007", 400, "The AS configuration name is null."),
    ("AS.1008", 400, "The AS configuration name is too long."),
    ("AS.1011", 400, "The instance configuration information is null."),
    ("AS.1014", 400, "The image ID in the AS configuration is null."),
    ("AS.1015", 400, "The image in the AS configuration does not exist."),
    ("AS.1016", 400, "The specification ID in the AS configuration cannot be null."),
    ("AS.1017", 400, "The specification in the AS configuration does not exist."),
    ("AS.1023", 400, "Invalid AS configuration name."),
    ("AS.1024", 400, "The number of AS configurations exceeds the upper limit."),
    ("AS.1025", 400, "The user login mode in the AS configuration is not unique."),
    ("AS.1026", 400, "The user login mode in the AS configuration is empty."),
    ("AS.1028", 400, "The disk in the AS configuration is null."),
    ("AS.1029", 400, "The number of system disks in the AS configuration is invalid."),
    ("AS.1030", 400, "The size of the system disk in the AS configuration is less than the specification required."),
    ("AS.1031", 400, "The size of the disk in the AS configuration is not correct."),
    ("AS.1033", 400, "Parameter volumeType in the AS configuration is invalid."),
    ("AS.1034", 400, "Parameter diskType in the AS configuration is invalid."),
    ("AS.2002", 400, "The name of the AS group is null."),
    ("AS.2003", 400, "The AS group name is too long."),
    ("AS.2004", 400, "Invalid min or max number of instances in the AS group."),
    ("AS.2005", 400, "The expected number cannot be less than the minimum number of instances or greater than the maximum number of instances."),
    ("AS.2006", 400, "Invalid cooldown period of the AS group."),
    ("AS.2007", 400, "The AS group does not exist."),
    ("AS.2008", 400, "Invalid execution action of the AS group."),
    ("AS.2010", 400, "The expected number of instances in the AS group cannot be smaller than the number of instances for which instance protection has been configured."),
    ("AS.2011", 400, "Invalid AZ in AS group."),
    ("AS.2012", 400, "The VPC of the AS group does not exist."),
    ("AS.2013", 400, "Parameter networks in the AS group is invalid."),
    ("AS.2014", 400, "The security group of the AS group does not exist."),
    ("AS.2017", 400, "The ID of the VPC in the AS group is null."),
    ("AS.2019", 400, "The value of the parameter that specifies whether to forcibly delete an AS group is invalid."),
    ("AS.2021", 400, "The current number of instances in the AS group is not 0."),
    ("AS.2022", 400, "The AS group name contains invalid characters."),
    ("AS.2023", 400, "The number of AS groups exceeds the upper limit."),
    ("AS.2024", 400, "The number of subnets in the AS group exceeds the upper limit."),
    ("AS.2025", 400, "The number of security groups in the AS group exceeds the upper limit."),
    ("AS.2027", 400, "The subnet of the AS group does not belong to the vpc."),
    ("AS.2029", 400, "Invalid health check method of the AS group."),
    ("AS.2030", 400, "You are not allowed to modify the lb, AZ, subnet, and security information when the number of instances in the AS group is not 0, the AS group is scaling, or the AS group is in Inservice status."),
    ("AS.2031", 400, "Invalid health check period of the AS group."),
    ("AS.2032", 400, "Invalid instance removal policy."),
    ("AS.2033", 400, "You are not allowed to perform the operation when the AS group is in current status."),
    ("AS.2035", 400, "The number of instances manually added to the AS group exceeds the maximum number of the instances required in the AS group."),
    ("AS.2036", 400, "The number of instances manually deleted is less than the minimum number of the instances required in the AS group."),
    ("AS.2045", 400, "The min or max number of instances in the AS group exceeds the upper limit."),
    ("AS.2053", 400, "Invalid multi az priority policy."),
    ("AS.4000", 400, "The value of parameter start_number in the request for the instance is invalid."),
    ("AS.4001", 400, "The value of parameter limit in the request for the instance is invalid."),
    ("AS.4003", 400, "The value of parameter life_cycle_state in the instance request is invalid."),
    ("AS.4004", 400, "The value of parameter health_status in the request for the instance is invalid."),
    ("AS.4005", 400, "Parameter scaling_group_id in the request for the instance does not exist."),
    ("AS.4006", 400, "The instance does not exist."),
    ("AS.4007", 400, "The value of the parameter that specifies whether to delete the instance is invalid."),
    ("AS.4010", 400, "Parameter start_number in the request for the log about the expected number of instances is invalid."),
    ("AS.4011", 400, "The value of parameter limit in the request for the log about the expected number of instances is invalid."),
    ("AS.4014", 400, "The instances do not belong to the same AS group."),
    ("AS.4015", 400, "The instance is not in the inservice status."),
    ("AS.4018", 400, "The action of the body in the request to operate the instance is invalid."),
    ("AS.4019", 400, "The list of instances to be added to the AS group is empty."),
    ("AS.4021", 400, "The VPC to which the instance belongs is different from the VPC in the AS group."),
    ("AS.4023", 400, "The added instance has already existed."),
    ("AS.4024", 400, "The instance is not in the active status."),
    ("AS.4027", 400, "The added instance has already existed in other AS group."),
    ("AS.4032", 400, "The list of instances is null."),
    ("AS.4043", 400, "The number of instances exceeds the upper limit."),
    ("AS.7022", 400, "The key pair does not exist."),
];

/// An AS refusal: the appendix's status and message, with what exactly
/// was wrong appended when given.
pub fn as_error(code: &str, detail: impl AsRef<str>) -> ApiError {
    let (status, msg) = CODES.iter().find(|(c, _, _)| *c == code).map(|(_, s, m)| (*s, *m)).unwrap_or((400, "The request is invalid."));
    let detail = detail.as_ref();
    let message = if detail.is_empty() { msg.to_string() } else { format!("{msg} {detail}") };
    ApiError::new(status, code, message)
}

pub fn bad_body(msg: &str) -> ApiError {
    as_error("AS.0022", msg)
}
