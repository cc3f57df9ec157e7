//! Users: Keystone's `/v3/users` and OTC's `/v3.0/OS-USER/users` over the
//! same users. Managing users is the administrators' (members of the
//! `admin` group); anybody may read itself and change its own password.
//! The two dialects refuse the same things with their own codes: Keystone
//! paths with IAM.00xx (409 for a taken name, which `openstack ... --or-show`
//! relies on), OS-USER paths with the bare numeric 11xx codes.

use super::body::{self, Obj};
use crate::model::{self, User, USER};
use crate::revocation::{self, Subject};
use crate::users::{self as rules, USER_QUOTA};
use crate::{errors, Iam};
use chrono::{DateTime, Utc};
use otc_core::api::{Input, Reply};
use otc_core::{time, ApiError, ApiResult, Ctx};
use otc_store::{ListQuery, Tx, TxExt};
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Keystone,
    Otc,
}

impl Dialect {
    fn missing(self, key: &str) -> ApiError {
        match self {
            Dialect::Keystone => errors::required(key),
            Dialect::Otc => errors::user_error("1100"),
        }
    }

    fn bad_name(self, name: &str) -> ApiError {
        match self {
            Dialect::Keystone => errors::invalid_field("name", name),
            Dialect::Otc => errors::user_error("1101"),
        }
    }

    fn taken(self) -> ApiError {
        match self {
            Dialect::Keystone => errors::conflict("user", "Duplicate entry"),
            Dialect::Otc => errors::user_error("1109"),
        }
    }

    fn bad_description(self, d: &str) -> ApiError {
        match self {
            Dialect::Keystone => errors::invalid_field("description", d),
            Dialect::Otc => errors::user_error("1117"),
        }
    }

    fn valid_name(self, name: &str) -> bool {
        match self {
            Dialect::Keystone => rules::valid_keystone_name(name),
            Dialect::Otc => rules::valid_otc_name(name),
        }
    }
}

fn is_admin(ctx: &Ctx) -> bool {
    !ctx.roles.is_empty()
}

fn require_admin(ctx: &Ctx) -> ApiResult<()> {
    if !is_admin(ctx) {
        return Err(errors::not_authorized());
    }
    Ok(())
}

/// A user of the caller's domain; another domain's is "not found".
fn own_user(tx: &mut dyn Tx, ctx: &Ctx, id: &str) -> ApiResult<User> {
    match tx.get_doc::<User>(USER, id)? {
        Some(u) if u.domain_id == ctx.domain_id => Ok(u),
        _ => Err(errors::not_found("user", id)),
    }
}

fn opt_bool(o: &Obj, key: &str) -> ApiResult<Option<bool>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(errors::invalid_field(key, &other.to_string())),
    }
}

/// `2020-01-06T08:05:16.000000`, OS-USER's time format.
fn otc_time(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| json!(time::iso_naive(t))).unwrap_or(Value::Null)
}

fn keystone_json(u: &User, base_url: &str) -> Value {
    let mut v = json!({
        "id": u.id,
        "name": u.name,
        "domain_id": u.domain_id,
        "enabled": u.enabled,
        "description": u.description,
        "password_expires_at": null,
        "links": {"self": format!("{base_url}/v3/users/{}", u.id)},
    });
    if let Some(p) = &u.default_project_id {
        v["default_project_id"] = json!(p);
    }
    v
}

fn otc_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "name": u.name,
        "domain_id": u.domain_id,
        "enabled": u.enabled,
        "description": u.description,
        "email": u.email,
        "areacode": u.areacode,
        "phone": u.phone,
        "pwd_status": u.pwd_status,
        "access_mode": u.access_mode,
        "is_domain_owner": u.is_domain_owner,
        "xuser_id": "",
        "xuser_type": "",
        "xdomain_id": "",
        "xdomain_type": "",
        "status": null,
        "password_expires_at": null,
        "default_project_id": u.default_project_id,
        "create_time": otc_time(u.create_time),
    })
}

/// The fields create and update share, read and checked; `None` where the
/// body does not name them.
#[derive(Default)]
struct Fields<'a> {
    name: Option<&'a str>,
    password: Option<&'a str>,
    description: Option<&'a str>,
    enabled: Option<bool>,
    pwd_status: Option<bool>,
    email: Option<&'a str>,
    areacode: Option<&'a str>,
    phone: Option<&'a str>,
    access_mode: Option<&'a str>,
    default_project_id: Option<&'a str>,
}

fn read_fields(d: Dialect, u: &Obj) -> ApiResult<Fields<'_>> {
    let f = Fields {
        name: body::opt_str(u, "name")?,
        password: body::opt_str(u, "password")?,
        description: body::opt_str(u, "description")?,
        enabled: opt_bool(u, "enabled")?,
        pwd_status: opt_bool(u, "pwd_status")?,
        email: body::opt_str(u, "email")?,
        areacode: body::opt_str(u, "areacode")?,
        phone: body::opt_str(u, "phone")?,
        access_mode: body::opt_str(u, "access_mode")?,
        default_project_id: body::opt_str(u, "default_project_id")?,
    };
    if let Some(n) = f.name {
        if !d.valid_name(n) {
            return Err(d.bad_name(n));
        }
    }
    if let Some(desc) = f.description {
        if desc.chars().count() > 255 {
            return Err(d.bad_description(desc));
        }
    }
    if let Some(e) = f.email.filter(|e| !e.is_empty()) {
        if !rules::valid_email(e) {
            return Err(errors::user_error("1102"));
        }
    }
    match (f.areacode.filter(|a| !a.is_empty()), f.phone.filter(|p| !p.is_empty())) {
        (None, None) => {}
        (Some(a), Some(p)) => {
            if !rules::valid_areacode(a) || !rules::valid_phone(p) {
                return Err(errors::user_error("1104"));
            }
        }
        _ => return Err(errors::user_error("1106")),
    }
    if let Some(m) = f.access_mode {
        if !["default", "programmatic", "console"].contains(&m) {
            return Err(errors::user_error("1120"));
        }
    }
    Ok(f)
}

/// A query flag of the user lists.
fn query_bool(input: &Input<'_>, key: &str) -> ApiResult<Option<bool>> {
    match input.query.get(key) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(errors::invalid_param(key)),
    }
}

/// The documented list filters: `domain_id`, `enabled`, `name` and
/// `password_expires_at=<op>:<time>`. Passwords never expire in the
/// emulator, so a `password_expires_at` filter matches nobody.
fn filter_users(input: &Input<'_>, users: &mut Vec<User>) -> ApiResult<()> {
    let enabled = query_bool(input, "enabled")?;
    let expiry_filter = match input.query.get("password_expires_at") {
        None => false,
        Some(v) => {
            let (op, at) = v.split_once(':').ok_or_else(|| errors::invalid_param("password_expires_at"))?;
            if !["lt", "lte", "gt", "gte", "eq", "neq"].contains(&op) || time::parse(at).is_none() {
                return Err(errors::invalid_param("password_expires_at"));
            }
            true
        }
    };
    let q = input.query;
    users.retain(|u| {
        !expiry_filter
            && q.get("domain_id").is_none_or(|d| d == u.domain_id)
            && q.get("name").is_none_or(|n| n == u.name)
            && enabled.is_none_or(|e| e == u.enabled)
    });
    Ok(())
}

fn self_link(input: &Input<'_>, path: &str) -> String {
    let mut link = format!("{}{path}", input.base_url);
    if !input.query.0.is_empty() {
        let qs: Vec<String> = input.query.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        link = format!("{link}?{}", qs.join("&"));
    }
    link
}

impl Iam {
    /// Creates a user in the caller's domain after the checks both
    /// dialects share.
    fn create_user(&self, ctx: &Ctx, d: Dialect, u: &Obj) -> ApiResult<User> {
        require_admin(ctx)?;
        let f = read_fields(d, u)?;
        let name = f.name.ok_or_else(|| d.missing("name"))?;
        let domain_id = body::opt_str(u, "domain_id")?;
        if d == Dialect::Otc && domain_id.is_none() {
            return Err(d.missing("domain_id"));
        }
        if domain_id.is_some_and(|id| id != ctx.domain_id) {
            return Err(errors::not_authorized());
        }
        if let Some(p) = f.password {
            if !rules::strong_password(p, name) {
                return Err(errors::user_error("1118"));
            }
        }
        let now = self.clock.now();
        let salt = otc_core::ids::secret_hex(8);
        self.store.txn(|tx| {
            if model::user_by_name(tx, &ctx.domain_id, name)?.is_some() {
                return Err(d.taken());
            }
            let count = tx.list(&ListQuery { kind: USER, scope: Some(&ctx.domain_id), ..Default::default() })?.len();
            if count >= USER_QUOTA {
                return Err(match d {
                    Dialect::Keystone => errors::conflict("user", "The number of IAM users has reached the maximum allowed limit"),
                    Dialect::Otc => errors::user_error("1115"),
                });
            }
            if let Some(p) = f.default_project_id {
                match tx.get_doc::<model::Project>(model::PROJECT, p)? {
                    Some(p) if p.domain_id == ctx.domain_id => {}
                    _ => return Err(errors::invalid_field("default_project_id", p)),
                }
            }
            // Without a password the user cannot log in until one is set:
            // a random one nobody knows.
            let password = f.password.map(str::to_string).unwrap_or_else(|| otc_core::ids::secret_hex(24));
            let user = User {
                id: otc_core::ids::hex32(),
                name: name.to_string(),
                domain_id: ctx.domain_id.clone(),
                enabled: f.enabled.unwrap_or(true),
                password_sha256: model::hash_password(&salt, &password),
                password_salt: salt.clone(),
                description: f.description.unwrap_or_default().to_string(),
                email: f.email.unwrap_or_default().to_string(),
                areacode: f.areacode.unwrap_or_default().to_string(),
                phone: f.phone.unwrap_or_default().to_string(),
                pwd_status: f.pwd_status.unwrap_or(false),
                access_mode: f.access_mode.unwrap_or("default").to_string(),
                default_project_id: f.default_project_id.map(str::to_string),
                is_domain_owner: false,
                create_time: Some(now),
                update_time: None,
                last_login_time: None,
            };
            tx.insert_doc(USER, &user.id, &user.domain_id, Some(&model::name_key(&user.domain_id, &user.name)), &user)?;
            Ok(user)
        })
    }

    /// Applies an update both dialects share. A new password or disabling
    /// the user ends its tokens, as in Keystone.
    fn update_user(&self, ctx: &Ctx, d: Dialect, id: &str, u: &Obj) -> ApiResult<User> {
        require_admin(ctx)?;
        let f = read_fields(d, u)?;
        if let Some(dom) = body::opt_str(u, "domain_id")? {
            if dom != ctx.domain_id {
                return Err(errors::not_authorized());
            }
        }
        let now = self.clock.now();
        self.store.txn(|tx| {
            let mut user = own_user(tx, ctx, id)?;
            if let Some(n) = f.name.filter(|n| *n != user.name) {
                if model::user_by_name(tx, &ctx.domain_id, n)?.is_some() {
                    return Err(d.taken());
                }
                user.name = n.to_string();
            }
            let mut revoke = false;
            if let Some(p) = f.password {
                if d == Dialect::Otc && user.password_matches(p) {
                    return Err(errors::user_error("1108"));
                }
                if !rules::strong_password(p, &user.name) {
                    return Err(errors::user_error("1118"));
                }
                user.password_salt = otc_core::ids::secret_hex(8);
                user.password_sha256 = model::hash_password(&user.password_salt, p);
                revoke = true;
            }
            if let Some(e) = f.enabled {
                if !e && user.is_domain_owner {
                    return Err(errors::not_authorized());
                }
                revoke |= user.enabled && !e;
                user.enabled = e;
            }
            if let Some(desc) = f.description {
                user.description = desc.to_string();
            }
            if let Some(e) = f.email {
                user.email = e.to_string();
            }
            if let (Some(a), Some(p)) = (f.areacode, f.phone) {
                user.areacode = a.to_string();
                user.phone = p.to_string();
            }
            if let Some(s) = f.pwd_status {
                user.pwd_status = s;
            }
            if let Some(m) = f.access_mode {
                user.access_mode = m.to_string();
            }
            if let Some(p) = f.default_project_id {
                match tx.get_doc::<model::Project>(model::PROJECT, p)? {
                    Some(p) if p.domain_id == ctx.domain_id => user.default_project_id = Some(p.id),
                    _ => return Err(errors::invalid_field("default_project_id", p)),
                }
            }
            user.update_time = Some(now);
            tx.update_doc(USER, &user.id, &user.domain_id, Some(&model::name_key(&user.domain_id, &user.name)), &user)?;
            if revoke {
                revocation::revoke(tx, Subject::User(&user.id), now, self.revocation_horizon(now), now)?;
            }
            Ok(user)
        })
    }

    pub(crate) fn create_keystone_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body::root(input)?;
        let user = self.create_user(input.ctx()?, Dialect::Keystone, body::object(&root, "user")?)?;
        Reply::json(201, &json!({"user": keystone_json(&user, input.base_url)}))
    }

    pub(crate) fn list_users(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let mut users: Vec<User> =
            self.store.txn(|tx| tx.list_docs(&ListQuery { kind: USER, scope: Some(&ctx.domain_id), ..Default::default() }))?;
        filter_users(input, &mut users)?;
        Reply::json(
            200,
            &json!({
                "users": users.iter().map(|u| keystone_json(u, input.base_url)).collect::<Vec<_>>(),
                "links": {"self": self_link(input, "/v3/users"), "previous": null, "next": null},
            }),
        )
    }

    /// A user the caller may read: itself, or any of its domain as an
    /// administrator.
    fn readable_user(&self, ctx: &Ctx, id: &str) -> ApiResult<User> {
        if id != ctx.user_id {
            require_admin(ctx)?;
        }
        self.store.txn(|tx| own_user(tx, ctx, id))
    }

    pub(crate) fn show_keystone_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let user = self.readable_user(input.ctx()?, input.param("user_id"))?;
        Reply::json(200, &json!({"user": keystone_json(&user, input.base_url)}))
    }

    pub(crate) fn patch_keystone_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body::root(input)?;
        let user = self.update_user(input.ctx()?, Dialect::Keystone, input.param("user_id"), body::object(&root, "user")?)?;
        Reply::json(200, &json!({"user": keystone_json(&user, input.base_url)}))
    }

    /// Deletes a user with its memberships and access keys; its tokens
    /// stop working at once. The account's own user stays (1107).
    pub(crate) fn delete_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let now = self.clock.now();
        self.store.txn(|tx| {
            let user = own_user(tx, ctx, input.param("user_id"))?;
            if user.is_domain_owner {
                return Err(errors::user_error("1107"));
            }
            rules::delete_user(tx, &user)?;
            revocation::revoke(tx, Subject::User(&user.id), now, self.revocation_horizon(now), now)?;
            Ok(())
        })?;
        Ok(Reply::empty(204))
    }

    /// `POST /v3/users/{id}/password`: a user changes its own password,
    /// proving the old one; its tokens end with it.
    pub(crate) fn change_password(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        let id = input.param("user_id");
        let root = body::root(input)?;
        let u = body::object(&root, "user")?;
        let original = body::string(u, "original_password")?;
        let password = body::string(u, "password")?;
        if id != ctx.user_id {
            // Not even an administrator changes another's password here.
            self.store.txn(|tx| own_user(tx, ctx, id))?;
            return Err(errors::not_authorized());
        }
        let now = self.clock.now();
        self.store.txn(|tx| {
            let mut user = own_user(tx, ctx, id)?;
            if !user.password_matches(original) {
                return Err(errors::wrong_password());
            }
            if original == password {
                return Err(errors::user_error("1108"));
            }
            if !rules::strong_password(password, &user.name) {
                return Err(errors::user_error("1118"));
            }
            user.password_salt = otc_core::ids::secret_hex(8);
            user.password_sha256 = model::hash_password(&user.password_salt, password);
            user.pwd_status = false;
            user.update_time = Some(now);
            tx.update_doc(USER, &user.id, &user.domain_id, Some(&model::name_key(&user.domain_id, &user.name)), &user)?;
            revocation::revoke(tx, Subject::User(&user.id), now, self.revocation_horizon(now), now)?;
            Ok::<_, ApiError>(())
        })?;
        Ok(Reply::empty(204))
    }

    pub(crate) fn create_otc_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body::root(input)?;
        let u = body::object(&root, "user").map_err(|e| if e.code == "IAM.0072" { errors::user_error("1100") } else { e })?;
        let user = self.create_user(input.ctx()?, Dialect::Otc, u)?;
        Reply::json(201, &json!({ "user": otc_json(&user) }))
    }

    pub(crate) fn show_otc_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let user = self.readable_user(input.ctx()?, input.param("user_id"))?;
        let mut v = otc_json(&user);
        v["links"] = json!({"self": format!("{}/v3.0/OS-USER/users/{}", input.base_url, user.id), "previous": null, "next": null});
        v["update_time"] = otc_time(user.update_time);
        v["last_login_time"] = otc_time(user.last_login_time);
        v["last_pwd_auth_time"] = Value::Null;
        // Stored passwords are hashed: their strength is what the policy
        // enforced when they were set.
        v["pwd_strength"] = json!("Strong");
        // Details show the number with its country code, `-` between
        // (`"-"` when neither is set, as the reference's example shows;
        // the Terraform provider splits it again).
        v["phone"] = json!(format!("{}-{}", user.areacode, user.phone));
        Reply::json(200, &json!({ "user": v }))
    }

    pub(crate) fn put_otc_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let root = body::root(input)?;
        let u = body::object(&root, "user").map_err(|e| if e.code == "IAM.0072" { errors::user_error("1100") } else { e })?;
        let user = self.update_user(input.ctx()?, Dialect::Otc, input.param("user_id"), u)?;
        let mut v = otc_json(&user);
        v["links"] = json!({"self": format!("{}/v3.0/OS-USER/users/{}", input.base_url, user.id)});
        Reply::json(200, &json!({ "user": v }))
    }

    /// The welcome e-mail: the emulator sends no mail, but refuses as IAM
    /// does a user without an address. The reference's body, `{"success"}`,
    /// is not JSON; clients (gophertelekomcloud) ignore it, so none is sent.
    pub(crate) fn welcome_user(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let ctx = input.ctx()?;
        require_admin(ctx)?;
        let user = self.store.txn(|tx| own_user(tx, ctx, input.param("user_id")))?;
        if user.email.is_empty() {
            return Err(errors::user_error("1102"));
        }
        Ok(Reply::empty(200))
    }
}
