use otc_emulator::config::{Config, StoreKind};
use otc_emulator::Server;
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use std::path::Path;

pub struct Emu {
    pub server: Server,
    pub http: Client,
    _dir: Option<tempfile::TempDir>,
}

pub fn config() -> Config {
    Config { listen: "127.0.0.1:0".parse().unwrap(), store: StoreKind::Memory, ..Config::default() }
}

impl Emu {
    pub async fn start() -> Emu {
        Emu::with(config()).await
    }

    pub async fn with(cfg: Config) -> Emu {
        Emu { server: otc_emulator::start(cfg).await.expect("server starts"), http: Client::new(), _dir: None }
    }

    /// A server over SQLite in `dir`.
    pub async fn sqlite(dir: &Path) -> Emu {
        Emu::with(Config { store: StoreKind::Sqlite, data_dir: dir.to_path_buf(), ..config() }).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url)
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.header("X-Auth-Token", t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request is answered")
    }

    pub async fn issue(&self, body: Value) -> Response {
        self.call(Method::POST, "/v3/auth/tokens", None, Some(body)).await
    }

    /// A token for the default admin, scoped to a project by name (or the domain).
    pub async fn token(&self, project: Option<&str>) -> String {
        let r = self.issue(password_auth("admin", "emulator", "emulator", project)).await;
        assert_eq!(r.status(), 201);
        r.headers()["x-subject-token"].to_str().unwrap().to_string()
    }

    pub async fn project_id(&self, name: &str) -> String {
        let t = self.token(Some(name)).await;
        let r = self.call(Method::GET, "/v3/auth/catalog", Some(&t), None).await;
        assert_eq!(r.status(), 200);
        let r = self.call(Method::GET, &format!("/v3/projects?name={name}"), Some(&t), None).await;
        let body: Value = r.json().await.unwrap();
        body["projects"][0]["id"].as_str().unwrap().to_string()
    }
}

pub fn password_auth(user: &str, password: &str, domain: &str, project: Option<&str>) -> Value {
    let mut auth = json!({
        "auth": {"identity": {"methods": ["password"], "password": {"user": {"name": user, "password": password, "domain": {"name": domain}}}}}
    });
    if let Some(p) = project {
        auth["auth"]["scope"] = json!({"project": {"name": p}});
    }
    auth
}

/// Status, the IAM error code and the body of a response.
pub async fn outcome(r: Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    let code = body["error_code"].as_str().or(body["code"].as_str()).unwrap_or("").to_string();
    (status, code, body)
}
