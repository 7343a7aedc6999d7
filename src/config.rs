//! One typed configuration: defaults in code, every field overridable by a `XINGHUO_*` environment
//! variable (see `xinghuo.example.env`). Secrets are redacted in `Debug` and never logged.

use std::{fmt, net::SocketAddr, path::PathBuf};

/// A secret string whose `Debug`/`Display` never shows the value.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://path?mode=rwc` or `postgres://…`; anything else is refused.
    pub database_url: String,
    pub listen: SocketAddr,
    /// Uploads and other files kept outside the database.
    pub data_dir: PathBuf,
    /// Key for CSRF tokens; at least 32 bytes.
    pub cookie_secret: Secret,
    /// The keyring sealing personal data (`id:base64` entries; the last seals). Empty: the key file.
    pub data_keys: Secret,
    /// The keyring file; default `<data_dir>/data.keys`, created with one key on first start.
    pub data_key_file: Option<PathBuf>,
    /// Public URL; when it starts with `https://` cookies are marked `Secure`.
    pub public_url: String,
    /// `XINGHUO_PUBLIC_URL` was given (else `serve` derives it from the address it listens on).
    pub public_url_given: bool,
    /// Largest accepted upload (bytes).
    pub max_upload_bytes: usize,
    /// Largest accepted import (data rows).
    pub max_import_rows: usize,
    /// Session lifetime in hours, sliding with use …
    pub session_hours: i64,
    /// … but never longer than this after log-in (hours).
    pub session_max_hours: i64,
    /// Failed log-ins before an account is locked, and for how long (minutes).
    pub lockout_threshold: i32,
    pub lockout_minutes: i64,
    /// `text` or `json`.
    pub log_format: String,
    /// Max connections in the read pool (PostgreSQL: the whole pool).
    pub db_max_connections: u32,
    /// SQLite: flush the WAL to disk at every commit (`XINGHUO_SQLITE_SYNCHRONOUS=full`), so a power
    /// cut loses nothing committed; the default `normal` flushes at checkpoints (a power cut may lose
    /// the last moments' commits, never the database's consistency). PostgreSQL's own setting is
    /// `synchronous_commit`, set in PostgreSQL.
    pub sqlite_synchronous: crate::db::SqliteSync,
    /// Reverse proxies whose `X-Forwarded-For` is believed: the client is the right-most address
    /// that is not one of them (`XINGHUO_TRUSTED_PROXIES=10.0.0.0/8,192.0.2.7`; `XINGHUO_TRUST_PROXY=1`
    /// means loopback only). Empty: the socket peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Failed log-ins from one address within the lock-out window before that address is throttled.
    pub ip_failure_limit: i64,
    /// When set, `/metrics` requires the header `X-Metrics-Token: <value>`.
    pub metrics_token: Option<Secret>,
    /// Hours between two escalation steps of an overdue request.
    pub escalation_hours: i64,
    /// Days a finished request may wait for the resident's rating before staff owe a return visit.
    pub return_visit_days: i64,
    /// Where photos are kept: empty = `<data_dir>/blobs`; or an `object_store` URL such as
    /// `s3://bucket/prefix` (credentials from the usual `AWS_*` variables) when several instances run.
    pub blob_url: String,
    /// Largest accepted photo (bytes).
    pub max_photo_bytes: usize,
    /// Writes (POST/PUT/PATCH/DELETE) a signed-in user may send per minute, and in one burst; 0 = no limit.
    pub write_rate_per_user: u32,
    pub write_burst_per_user: u32,
    /// The same for one address (everyone behind one NAT shares it).
    pub write_rate_per_address: u32,
    pub write_burst_per_address: u32,
}

/// 127.0.0.0/8 and ::1: a proxy on the same host.
pub fn loopback_nets() -> Vec<ipnet::IpNet> {
    vec!["127.0.0.0/8".parse().expect("static net"), "::1/128".parse().expect("static net")]
}

/// A comma-separated list of networks (`10.0.0.0/8`) or single addresses (`192.0.2.7`).
fn parse_nets(v: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError::Invalid("XINGHUO_TRUSTED_PROXIES", s.to_string()))
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("配置项 {0} 无效 / invalid setting {0}: {1}")]
    Invalid(&'static str, String),
}

impl Config {
    /// Defaults suitable for a developer machine.
    pub fn defaults() -> Self {
        Self {
            database_url: "sqlite://data/xinghuo.db?mode=rwc".into(),
            listen: "127.0.0.1:8080".parse().expect("static address"),
            data_dir: PathBuf::from("data"),
            cookie_secret: Secret::new(""),
            data_keys: Secret::new(""),
            data_key_file: None,
            public_url: "http://127.0.0.1:8080".into(),
            public_url_given: false,
            max_upload_bytes: 5 * 1024 * 1024,
            max_import_rows: 20_000,
            session_hours: 12,
            session_max_hours: 7 * 24,
            lockout_threshold: 5,
            lockout_minutes: 15,
            log_format: "text".into(),
            db_max_connections: 8,
            sqlite_synchronous: crate::db::SqliteSync::Normal,
            trusted_proxies: Vec::new(),
            ip_failure_limit: 20,
            metrics_token: None,
            escalation_hours: 4,
            return_visit_days: 3,
            blob_url: String::new(),
            max_photo_bytes: 15 * 1024 * 1024,
            write_rate_per_user: 120,
            write_burst_per_user: 30,
            write_rate_per_address: 600,
            write_burst_per_address: 120,
        }
    }

    /// Defaults overridden by the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Defaults overridden by the given `XINGHUO_*` variables (testable without touching the process env).
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut c = Self::defaults();
        for (k, v) in vars {
            let Some(name) = k.strip_prefix("XINGHUO_") else { continue };
            match name {
                "DATABASE_URL" => c.database_url = v,
                "LISTEN" => c.listen = v.parse().map_err(|_| ConfigError::Invalid("XINGHUO_LISTEN", v.clone()))?,
                "DATA_DIR" => c.data_dir = PathBuf::from(v),
                "COOKIE_SECRET" => c.cookie_secret = Secret::new(v),
                "DATA_KEYS" => c.data_keys = Secret::new(v),
                "DATA_KEY_FILE" => c.data_key_file = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty()),
                "PUBLIC_URL" => {
                    let ok = url::Url::parse(v.trim())
                        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
                    if !ok {
                        return Err(ConfigError::Invalid("XINGHUO_PUBLIC_URL", v.clone()));
                    }
                    c.public_url = v.trim().trim_end_matches('/').to_string();
                    c.public_url_given = true;
                }
                "MAX_UPLOAD_BYTES" => c.max_upload_bytes = parse("XINGHUO_MAX_UPLOAD_BYTES", &v)?,
                "MAX_IMPORT_ROWS" => c.max_import_rows = parse("XINGHUO_MAX_IMPORT_ROWS", &v)?,
                "SESSION_HOURS" => c.session_hours = parse("XINGHUO_SESSION_HOURS", &v)?,
                "SESSION_MAX_HOURS" => c.session_max_hours = parse("XINGHUO_SESSION_MAX_HOURS", &v)?,
                "LOCKOUT_THRESHOLD" => c.lockout_threshold = parse("XINGHUO_LOCKOUT_THRESHOLD", &v)?,
                "LOCKOUT_MINUTES" => c.lockout_minutes = parse("XINGHUO_LOCKOUT_MINUTES", &v)?,
                "LOG_FORMAT" => c.log_format = v,
                "DB_MAX_CONNECTIONS" => c.db_max_connections = parse("XINGHUO_DB_MAX_CONNECTIONS", &v)?,
                "SQLITE_SYNCHRONOUS" => {
                    c.sqlite_synchronous = crate::db::SqliteSync::parse(&v)
                        .ok_or_else(|| ConfigError::Invalid("XINGHUO_SQLITE_SYNCHRONOUS", v.clone()))?
                }
                "TRUST_PROXY" => {
                    if matches!(v.trim(), "1" | "true" | "yes") {
                        c.trusted_proxies = loopback_nets();
                    }
                }
                "TRUSTED_PROXIES" => c.trusted_proxies = parse_nets(&v)?,
                "IP_FAILURE_LIMIT" => c.ip_failure_limit = parse("XINGHUO_IP_FAILURE_LIMIT", &v)?,
                "ESCALATION_HOURS" => c.escalation_hours = parse("XINGHUO_ESCALATION_HOURS", &v)?,
                "RETURN_VISIT_DAYS" => c.return_visit_days = parse("XINGHUO_RETURN_VISIT_DAYS", &v)?,
                "BLOB_URL" => c.blob_url = v.trim().to_string(),
                "MAX_PHOTO_BYTES" => c.max_photo_bytes = parse("XINGHUO_MAX_PHOTO_BYTES", &v)?,
                "WRITE_RATE_PER_USER" => c.write_rate_per_user = parse("XINGHUO_WRITE_RATE_PER_USER", &v)?,
                "WRITE_BURST_PER_USER" => c.write_burst_per_user = parse("XINGHUO_WRITE_BURST_PER_USER", &v)?,
                "WRITE_RATE_PER_ADDRESS" => c.write_rate_per_address = parse("XINGHUO_WRITE_RATE_PER_ADDRESS", &v)?,
                "WRITE_BURST_PER_ADDRESS" => c.write_burst_per_address = parse("XINGHUO_WRITE_BURST_PER_ADDRESS", &v)?,
                "METRICS_TOKEN" => c.metrics_token = Some(Secret::new(v)).filter(|s| !s.expose().is_empty()),
                _ => {}
            }
        }
        if !c.cookie_secret.expose().is_empty() && c.cookie_secret.expose().len() < 32 {
            return Err(ConfigError::Invalid("XINGHUO_COOKIE_SECRET", "至少32个字符 / at least 32 characters".into()));
        }
        Ok(c)
    }

    /// The keyring that seals personal data, from `XINGHUO_DATA_KEYS` or the key file.
    pub fn vault(&self) -> anyhow::Result<crate::vault::Vault> {
        if !self.data_keys.expose().trim().is_empty() {
            return Ok(crate::vault::Vault::parse(self.data_keys.expose())?);
        }
        let path = self.data_key_file.clone().unwrap_or_else(|| self.data_dir.join("data.keys"));
        crate::vault::Vault::load_or_create_file(&path)
    }

    /// The address phones reach this server at (QR codes on the door and check-in screens, feeds,
    /// Open311 links): `XINGHUO_PUBLIC_URL` when given; else the address the server listens on; when it
    /// listens on every interface (0.0.0.0), the machine's own network address. When that cannot be
    /// found, `serve` refuses to start rather than print codes no phone can open.
    pub fn resolve_public_url(&mut self, bound: SocketAddr) -> Result<(), ConfigError> {
        if self.public_url_given {
            return Ok(());
        }
        let ip = if bound.ip().is_unspecified() {
            lan_address().ok_or_else(|| {
                ConfigError::Invalid(
                    "XINGHUO_PUBLIC_URL",
                    "监听所有网卡时无法推断手机可访问的地址，请设置 XINGHUO_PUBLIC_URL / cannot derive the public address: set XINGHUO_PUBLIC_URL".into(),
                )
            })?
        } else {
            bound.ip()
        };
        self.public_url = format!("http://{}", SocketAddr::new(ip, bound.port()));
        Ok(())
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn parse<T: std::str::FromStr>(name: &'static str, v: &str) -> Result<T, ConfigError> {
    v.trim().parse().map_err(|_| ConfigError::Invalid(name, v.to_string()))
}

/// This machine's address on its network: the source address the kernel would use for an outside
/// destination (a UDP "connect" sends nothing). None without a route.
fn lan_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_variables_override_defaults() {
        let c = Config::from_vars([
            ("XINGHUO_LISTEN".to_string(), "0.0.0.0:9000".to_string()),
            ("XINGHUO_MAX_IMPORT_ROWS".to_string(), "10".to_string()),
            ("OTHER".to_string(), "x".to_string()),
        ])
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.max_import_rows, 10);
        assert_eq!(c.database_url, Config::defaults().database_url);
    }

    #[test]
    fn bad_values_are_refused_with_the_setting_name() {
        let e = Config::from_vars([("XINGHUO_LISTEN".to_string(), "nope".to_string())]).unwrap_err();
        assert!(e.to_string().contains("XINGHUO_LISTEN"));
        assert!(Config::from_vars([("XINGHUO_COOKIE_SECRET".to_string(), "short".to_string())]).is_err());
        let e = Config::from_vars([("XINGHUO_SQLITE_SYNCHRONOUS".to_string(), "off".to_string())]).unwrap_err();
        assert!(e.to_string().contains("XINGHUO_SQLITE_SYNCHRONOUS"));
        let c = Config::from_vars([("XINGHUO_SQLITE_SYNCHRONOUS".to_string(), "full".to_string())]).unwrap();
        assert_eq!(c.sqlite_synchronous, crate::db::SqliteSync::Full);
        assert_eq!(Config::from_vars([]).unwrap().sqlite_synchronous, crate::db::SqliteSync::Normal);
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let c = Config::from_vars([("XINGHUO_COOKIE_SECRET".to_string(), "s".repeat(40))]).unwrap();
        assert!(!format!("{c:?}").contains("ssss"));
    }

    #[test]
    fn the_public_address_is_given_or_derived_from_where_the_server_listens() {
        let mut c = Config::from_vars([]).unwrap();
        c.resolve_public_url("127.0.0.1:18123".parse().unwrap()).unwrap();
        assert_eq!(c.public_url, "http://127.0.0.1:18123");
        let mut c =
            Config::from_vars([("XINGHUO_PUBLIC_URL".to_string(), "https://xh.example.cn/".to_string())]).unwrap();
        c.resolve_public_url("0.0.0.0:80".parse().unwrap()).unwrap();
        assert_eq!(c.public_url, "https://xh.example.cn");
        assert!(Config::from_vars([("XINGHUO_PUBLIC_URL".to_string(), "xh.example.cn".to_string())]).is_err());
        // On every interface: the machine's network address, or a refusal that names the setting.
        let mut c = Config::from_vars([]).unwrap();
        match c.resolve_public_url("0.0.0.0:9000".parse().unwrap()) {
            Ok(()) => assert!(c.public_url.ends_with(":9000") && !c.public_url.contains("0.0.0.0"), "{}", c.public_url),
            Err(e) => assert!(e.to_string().contains("XINGHUO_PUBLIC_URL")),
        }
    }
}
