//! Create, list, probe (HEAD) and delete file systems; `?sfsacl` on the
//! same `/` goes to [`super::acl`].

use super::{acl, bucket, obs_reply};
use crate::errors::sfs3 as err;
use crate::model::sfs3::FileSystem;
use crate::sfs3::Sfs3;
use otc_core::api::{Input, Reply};
use otc_core::time::iso_millis;
use otc_core::ApiResult;

const NAMESPACE: &str = "http://obs.otc.t-systems.com/doc/2016-01-01/";

/// A header the reference makes mandatory, with its one allowed value
/// (compared case-insensitively, as OBS does).
fn required(input: &Input<'_>, name: &str, expected: &str) -> ApiResult<()> {
    match input.header(name) {
        None => Err(err::missing_header(name)),
        Some(v) if v.trim().eq_ignore_ascii_case(expected) => Ok(()),
        Some(v) => Err(err::invalid_header(name, v, expected)),
    }
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The optional `<CreateBucketConfiguration><Location>…</Location>
/// </CreateBucketConfiguration>` of a create: its Location, `None` for
/// no body; anything else is MalformedXML.
pub fn location(body: &[u8], name: &str) -> ApiResult<Option<String>> {
    let text = std::str::from_utf8(body).map_err(|_| err::malformed_xml(name))?.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let text = match text.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, r)| r.trim()).ok_or_else(|| err::malformed_xml(name))?,
        None => text,
    };
    let inner = text
        .strip_prefix("<CreateBucketConfiguration")
        .and_then(|r| r.split_once('>'))
        // attributes (a namespace) may follow the element name
        .filter(|(attrs, _)| attrs.is_empty() || attrs.starts_with(char::is_whitespace))
        .and_then(|(_, r)| r.trim_end().strip_suffix("</CreateBucketConfiguration>"))
        .map(str::trim)
        .ok_or_else(|| err::malformed_xml(name))?;
    if inner.is_empty() {
        return Ok(None);
    }
    let value = inner
        .strip_prefix("<Location>")
        .and_then(|r| r.strip_suffix("</Location>"))
        .filter(|v| !v.contains('<'))
        .ok_or_else(|| err::malformed_xml(name))?;
    Ok(Some(value.trim().to_string()))
}

fn list_xml(owner: &str, fss: &[FileSystem]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<ListAllMyBucketsResult xmlns=\"{NAMESPACE}\"><Owner><ID>{}</ID></Owner><Buckets>",
        xml_text(owner)
    );
    for fs in fss {
        out.push_str(&format!(
            "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate><Location>{}</Location><BucketType>SFS</BucketType></Bucket>",
            xml_text(&fs.name),
            iso_millis(fs.created_at),
            xml_text(&fs.region)
        ));
    }
    out.push_str("</Buckets></ListAllMyBucketsResult>");
    out
}

impl Sfs3 {
    /// GET `/`: the list on the service's host, the ACL with `?sfsacl`.
    pub fn get_root(&self, input: &Input<'_>) -> ApiResult<Reply> {
        if input.query.has("sfsacl") {
            return self.get_acl(input, bucket(input)?);
        }
        if let Some(name) = input.params.get("host_bucket") {
            // Listing a file system's objects is OBS, not SFS 3.0.
            return Err(err::method_not_allowed(name));
        }
        required(input, "x-obs-bucket-type", "SFS")?;
        let owner = input.ctx()?.domain_id.clone();
        let fss = self.call(input, |gp| gp.list())?;
        let reply = Reply::raw_json(200, list_xml(&owner, &fss).into_bytes()).header("content-type", "application/xml");
        obs_reply(input, reply)
    }

    /// PUT `/`: create, or configure the ACL with `?sfsacl`.
    pub fn put_root(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let name = bucket(input)?;
        if input.query.has("sfsacl") {
            let statements = acl::statements(input.body, name)?;
            self.call(input, |gp| gp.set_acl(name, statements))?;
            return obs_reply(input, Reply::empty(204));
        }
        required(input, "x-obs-bucket-type", "SFS")?;
        required(input, "x-obs-az-redundancy", "3az")?;
        let location = location(input.body, name)?;
        self.call(input, |gp| gp.create(name, location.as_deref()))?;
        obs_reply(input, Reply::empty(200).header("location", format!("/{name}")))
    }

    /// DELETE `/`: the file system, or its ACL with `?sfsacl`.
    pub fn delete_root(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let name = bucket(input)?;
        if input.query.has("sfsacl") {
            self.call(input, |gp| gp.delete_acl(name))?;
        } else {
            self.call(input, |gp| gp.delete(name))?;
        }
        obs_reply(input, Reply::empty(204))
    }

    /// A one-segment path: path style on the service's own host (403
    /// VirtualHostDomainRequired), an object on a file system's (405).
    /// Not reached through an sfs3 host (the bare port, where every
    /// service's paths are served), it is no API at all.
    pub fn path_style(&self, input: &Input<'_>) -> ApiResult<Reply> {
        if !input.params.contains_key("host_region") {
            return Err(otc_core::ApiError::unknown_api());
        }
        match input.params.get("host_bucket") {
            Some(name) => Err(err::method_not_allowed(name)),
            None => Err(err::virtual_host_required()),
        }
    }

    /// HEAD `/`: whether the file system is there (and the caller's).
    pub fn head_root(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let name = bucket(input)?;
        let fs = self.call(input, |gp| gp.get(name))?;
        obs_reply(input, Reply::empty(200).header("x-obs-bucket-location", fs.region).header("x-obs-bucket-type", "SFS"))
    }
}

#[cfg(test)]
mod tests {
    use super::location;

    #[test]
    fn create_bodies() {
        assert_eq!(location(b"", "f").unwrap(), None);
        assert_eq!(location(b"  \n", "f").unwrap(), None);
        let doc = b"<CreateBucketConfiguration>\n  <Location>eu-de</Location>\n</CreateBucketConfiguration>";
        assert_eq!(location(doc, "f").unwrap().as_deref(), Some("eu-de"));
        let ns =
            br#"<?xml version="1.0"?><CreateBucketConfiguration xmlns="http://obs"><Location>eu-nl</Location></CreateBucketConfiguration>"#;
        assert_eq!(location(ns, "f").unwrap().as_deref(), Some("eu-nl"));
        for bad in
            [&b"{}"[..], b"<CreateBucketConfiguration>", b"<Other/>", b"<CreateBucketConfigurationX></CreateBucketConfigurationX>", b"\xff"]
        {
            assert_eq!(location(bad, "f").unwrap_err().code, "MalformedXML");
        }
    }
}
