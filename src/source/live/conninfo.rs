//! Connection parameters the way libpq reads them: a `postgres://` URL or a `key=value`
//! string, then the `PG*` environment variables for whatever the string left out, then
//! `~/.pgpass` for the password, then libpq's defaults.
//!
//! Pure except for reading the environment and the password file, both of which come in
//! through [`Environment`] so tests can supply their own.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `sslmode`, as libpq spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<Self, ConnInfoError> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(ConnInfoError(format!(
                    "invalid sslmode \"{other}\": use disable, allow, prefer, require, verify-ca or verify-full"
                )))
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A connection string that could not be understood. Never contains the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnInfoError(pub String);

impl fmt::Display for ConnInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConnInfoError {}

/// Everything needed to open a connection. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnParams {
    /// Host names, IP addresses or Unix-socket directories (starting with `/`).
    pub hosts: Vec<String>,
    pub ports: Vec<u16>,
    pub user: String,
    pub password: Option<String>,
    pub dbname: String,
    pub sslmode: SslMode,
    /// `sslrootcert`: a PEM file of trusted roots, or `system` for the system's store.
    pub sslrootcert: Option<String>,
    pub application_name: String,
    pub connect_timeout: Duration,
    /// `options`: command-line options sent to the server at start-up.
    pub options: Option<String>,
    /// `channel_binding`: whether SCRAM must bind the session to the TLS channel.
    pub channel_binding: ChannelBinding,
    /// `sslcert` / `sslkey`: a client certificate (PEM chain) and its key, when present.
    pub client_cert: Option<(String, String)>,
    /// `hostaddr`: IP addresses to connect to, one per host, skipping name resolution.
    pub hostaddrs: Vec<std::net::IpAddr>,
    /// `target_session_attrs`: `any`, `read-write` or `read-only`.
    pub target_session_attrs: SessionAttrs,
    /// `keepalives` (on unless 0) and `keepalives_idle` (seconds).
    pub keepalives: bool,
    pub keepalives_idle: Option<Duration>,
    /// Things worth telling the user that did not stop the connection (e.g. an ignored
    /// `.pgpass` with loose permissions).
    pub warnings: Vec<String>,
}

impl fmt::Debug for ConnParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnParams")
            .field("hosts", &self.hosts)
            .field("ports", &self.ports)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .field("dbname", &self.dbname)
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .finish_non_exhaustive()
    }
}

impl ConnParams {
    /// A description safe to print: `user@host:port/dbname`, no password.
    pub fn label(&self) -> String {
        let hosts: Vec<String> = self
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let port = self.ports.get(i).or(self.ports.first()).copied();
                match port {
                    Some(p) if h.starts_with('/') => format!("{h} (port {p})"),
                    Some(p) if h.contains(':') => format!("[{h}]:{p}"),
                    Some(p) => format!("{h}:{p}"),
                    None => h.clone(),
                }
            })
            .collect();
        format!("{}@{}/{}", self.user, hosts.join(","), self.dbname)
    }
}

/// `channel_binding`, as libpq spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelBinding {
    Disable,
    Prefer,
    Require,
}

/// `target_session_attrs` values pglens can honour (the others need a standby check that
/// tokio-postgres does not make, and are refused by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionAttrs {
    Any,
    ReadWrite,
    ReadOnly,
}

/// A key=value option's value from a fixed list, or an error naming both, as libpq's.
fn one_of<T: Copy>(key: &str, value: &str, choices: &[(&str, T)]) -> Result<T, ConnInfoError> {
    choices
        .iter()
        .find(|(name, _)| *name == value)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            ConnInfoError(format!(
                "invalid {key} value \"{}\" (expected {})",
                crate::text::visible(value),
                names.join(", ")
            ))
        })
}

/// What the connection layer may read from the outside world.
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
    /// The operating-system user name, libpq's default user (not `$USER`).
    fn os_user(&self) -> Option<String>;
    fn home_dir(&self) -> Option<PathBuf>;
    /// The password file's contents, or a reason it must be ignored.
    fn read_passfile(&self, path: &Path) -> PassfileRead;
    fn path_exists(&self, path: &Path) -> bool;
}

/// The outcome of reading a `.pgpass` file.
pub enum PassfileRead {
    Missing,
    /// The file is readable by group or others, which libpq refuses.
    TooOpen,
    Contents(String),
}

/// The process's real environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn home_dir(&self) -> Option<PathBuf> {
        self.var("HOME").map(PathBuf::from)
    }

    fn os_user(&self) -> Option<String> {
        os_user_name()
    }

    fn read_passfile(&self, path: &Path) -> PassfileRead {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return PassfileRead::Missing;
        };
        if !meta.is_file() {
            return PassfileRead::Missing;
        }
        if meta.permissions().mode() & 0o077 != 0 {
            return PassfileRead::TooOpen;
        }
        match std::fs::read_to_string(path) {
            Ok(s) => PassfileRead::Contents(s),
            Err(_) => PassfileRead::Missing,
        }
    }

    fn path_exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// The name of the effective user, from the password database (`getpwuid_r`), as libpq's
/// `pg_fe_getusername` does.
fn os_user_name() -> Option<String> {
    let mut buf = vec![0u8; 4096];
    loop {
        // SAFETY: `pwd` and `buf` outlive the call; getpwuid_r writes only into them and
        // sets `result` to null or to `pwd`.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe {
            libc::getpwuid_r(
                libc::geteuid(),
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: pw_name points into `buf`, NUL-terminated by getpwuid_r.
        let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
        return name.to_str().ok().map(str::to_string);
    }
}

/// Keys this parser accepts, in either form. Others are an error, as in libpq.
const KNOWN_KEYS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "application_name",
    "fallback_application_name",
    "connect_timeout",
    "options",
    "passfile",
    "target_session_attrs",
    "sslcert",
    "sslkey",
    "channel_binding",
    "keepalives",
    "keepalives_idle",
    "gssencmode",
];

/// Environment variables and the keys they stand in for.
const ENV_KEYS: &[(&str, &str)] = &[
    ("PGHOST", "host"),
    ("PGHOSTADDR", "hostaddr"),
    ("PGPORT", "port"),
    ("PGUSER", "user"),
    ("PGPASSWORD", "password"),
    ("PGDATABASE", "dbname"),
    ("PGSSLMODE", "sslmode"),
    ("PGSSLROOTCERT", "sslrootcert"),
    ("PGAPPNAME", "application_name"),
    ("PGCONNECT_TIMEOUT", "connect_timeout"),
    ("PGOPTIONS", "options"),
    ("PGPASSFILE", "passfile"),
    ("PGCHANNELBINDING", "channel_binding"),
    ("PGSSLCERT", "sslcert"),
    ("PGSSLKEY", "sslkey"),
    ("PGTARGETSESSIONATTRS", "target_session_attrs"),
    ("PGGSSENCMODE", "gssencmode"),
];

/// True when `s` looks like a connection string rather than a file path.
pub fn looks_like_conninfo(s: &str) -> bool {
    // Any `scheme://` counts, so a mistyped scheme gets the URL error (which names only the
    // scheme) instead of being echoed whole, password and all, as an unknown file.
    let url_like = s.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    url_like || (s.contains('=') && !Path::new(s).exists())
}

/// The connection string with a password added (one the user typed at a prompt).
pub fn with_password(conninfo: &str, password: &str) -> String {
    let s = conninfo.trim();
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        let encoded: String = password
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let joiner = if s.contains('?') { '&' } else { '?' };
        format!("{s}{joiner}password={encoded}")
    } else {
        let quoted = password.replace('\\', "\\\\").replace('\'', "\\'");
        format!("{s} password='{quoted}'")
    }
}

/// Resolves a connection string (possibly empty) into parameters, as libpq would.
pub fn resolve(conninfo: &str, env: &dyn Environment) -> Result<ConnParams, ConnInfoError> {
    let mut keys = parse(conninfo)?;
    for (var, key) in ENV_KEYS {
        if !keys.contains_key(*key) {
            if let Some(v) = env.var(var) {
                keys.insert((*key).to_string(), v);
            }
        }
    }
    build(keys, env)
}

/// Parses either form into key/value pairs.
pub fn parse(conninfo: &str) -> Result<BTreeMap<String, String>, ConnInfoError> {
    let s = conninfo.trim();
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        parse_url(s)
    } else if let Some((scheme, _)) = s.split_once("://").filter(|(k, _)| !k.contains('=')) {
        // A mistyped scheme: name it, never the rest (it may hold a password).
        Err(ConnInfoError(format!(
            "unsupported URL scheme \"{}\": use postgres:// or postgresql://",
            crate::text::visible(scheme)
        )))
    } else {
        parse_key_values(s)
    }
}

fn parse_url(url: &str) -> Result<BTreeMap<String, String>, ConnInfoError> {
    let mut keys = BTreeMap::new();
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or_default();
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    // The password may contain '@' when percent-encoded only; the last '@' separates.
    let (userinfo, hostlist) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    if let Some(userinfo) = userinfo {
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (userinfo, None),
        };
        if !user.is_empty() {
            keys.insert("user".into(), percent_decode(user, "user name")?);
        }
        if let Some(p) = password {
            // Never echo the password in an error: name the part only.
            keys.insert("password".into(), percent_decode(p, "password")?);
        }
    }
    if !hostlist.is_empty() {
        let (hosts, ports) = split_host_list(hostlist)?;
        if hosts.iter().any(|h| !h.is_empty()) {
            keys.insert("host".into(), hosts.join(","));
        }
        if ports.iter().any(|p| !p.is_empty()) {
            keys.insert("port".into(), ports.join(","));
        }
    }
    if let Some(db) = path.filter(|p| !p.is_empty()) {
        keys.insert("dbname".into(), percent_decode(db, "database name")?);
    }
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            ConnInfoError(format!(
                "invalid URL query parameter \"{}\": expected key=value",
                redact_if_password(pair)
            ))
        })?;
        let k = percent_decode(k, "query parameter name")?;
        let k = if k == "ssl" && v == "true" {
            // JDBC-style `ssl=true` means require, as libpq also accepts.
            keys.insert("sslmode".into(), "require".into());
            continue;
        } else {
            k
        };
        check_known_key(&k)?;
        keys.insert(k.clone(), percent_decode(v, &format!("value of {k}"))?);
    }
    Ok(keys)
}

/// Splits `host1:port1,[::1]:port2,host3` into hosts and ports (ports may be empty).
fn split_host_list(list: &str) -> Result<(Vec<String>, Vec<String>), ConnInfoError> {
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    for item in list.split(',') {
        let (host, port) = if let Some(rest) = item.strip_prefix('[') {
            let (h, after) = rest
                .split_once(']')
                .ok_or_else(|| ConnInfoError(format!("unclosed '[' in host \"{item}\"")))?;
            (
                h.to_string(),
                after.strip_prefix(':').unwrap_or("").to_string(),
            )
        } else {
            match item.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.to_string()),
                None => (item.to_string(), String::new()),
            }
        };
        hosts.push(percent_decode(&host, "host")?);
        ports.push(port);
    }
    Ok((hosts, ports))
}

fn parse_key_values(s: &str) -> Result<BTreeMap<String, String>, ConnInfoError> {
    let mut keys = BTreeMap::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            // A word that is no option name may be a password typed in the wrong place.
            let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return Err(ConnInfoError(if plain && key.len() <= 32 {
                format!("missing \"=\" after \"{key}\" in connection string")
            } else {
                "cannot read the connection string: it is neither a URL (postgres://...) nor key=value pairs".into()
            }));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => {
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(ConnInfoError(format!(
                    "unterminated quoted value for \"{key}\" in connection string"
                )));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        check_known_key(&key)?;
        keys.insert(key, value);
    }
    Ok(keys)
}

fn check_known_key(key: &str) -> Result<(), ConnInfoError> {
    if KNOWN_KEYS.contains(&key) {
        Ok(())
    } else {
        Err(ConnInfoError(format!(
            "unknown connection option \"{key}\""
        )))
    }
}

fn redact_if_password(pair: &str) -> &str {
    if pair.starts_with("password") {
        "password=********"
    } else {
        pair
    }
}

fn percent_decode(s: &str, what: &str) -> Result<String, ConnInfoError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| ConnInfoError(format!("invalid percent-encoding in {what}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ConnInfoError(format!("{what} is not valid UTF-8")))
}

fn build(
    mut keys: BTreeMap<String, String>,
    env: &dyn Environment,
) -> Result<ConnParams, ConnInfoError> {
    let mut warnings = Vec::new();
    let hostaddr = keys.remove("hostaddr");
    let hosts: Vec<String> = match keys.remove("host").or_else(|| hostaddr.clone()) {
        Some(h) => h.split(',').map(str::to_string).collect(),
        None => vec![default_socket_dir(env)],
    };
    // hostaddr: where to connect, while host stays the name for TLS and .pgpass.
    let hostaddrs = match &hostaddr {
        Some(list) => {
            let addrs = list
                .split(',')
                .map(|a| {
                    a.trim().parse::<std::net::IpAddr>().map_err(|_| {
                        ConnInfoError(format!("invalid hostaddr \"{}\"", crate::text::visible(a)))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if addrs.len() != hosts.len() {
                return Err(ConnInfoError(format!(
                    "{} hostaddr values given for {} hosts",
                    addrs.len(),
                    hosts.len()
                )));
            }
            addrs
        }
        None => Vec::new(),
    };
    let ports = match keys.remove("port") {
        Some(p) => p
            .split(',')
            .map(|p| {
                if p.is_empty() {
                    Ok(5432)
                } else {
                    p.parse::<u16>()
                        .map_err(|_| ConnInfoError(format!("invalid port \"{p}\"")))
                }
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => vec![5432],
    };
    if ports.len() != 1 && ports.len() != hosts.len() {
        return Err(ConnInfoError(format!(
            "{} ports given for {} hosts",
            ports.len(),
            hosts.len()
        )));
    }
    // libpq's default user is the operating-system user, whatever $USER says.
    let user = match keys.remove("user").or_else(|| env.os_user()) {
        Some(u) => u,
        None => {
            return Err(ConnInfoError(
                "no user given and the local user name cannot be looked up; give user=...".into(),
            ))
        }
    };
    let dbname = keys.remove("dbname").unwrap_or_else(|| user.clone());
    let sslmode = match keys.remove("sslmode") {
        Some(m) => SslMode::parse(&m)?,
        None => SslMode::Prefer,
    };
    let connect_timeout = match keys.remove("connect_timeout") {
        Some(t) => {
            let secs: u64 = t
                .parse()
                .map_err(|_| ConnInfoError(format!("invalid connect_timeout \"{t}\"")))?;
            // libpq treats 0 as "wait forever" and anything below 2 as 2.
            Duration::from_secs(if secs == 0 { 3600 } else { secs.max(2) })
        }
        None => Duration::from_secs(10),
    };
    let mut password = keys.remove("password");
    if password.is_none() {
        let passfile = keys
            .remove("passfile")
            .map(PathBuf::from)
            .or_else(|| env.home_dir().map(|h| h.join(".pgpass")));
        if let Some(path) = passfile {
            match env.read_passfile(&path) {
                PassfileRead::Contents(text) => {
                    let socket_dir = default_socket_dir(env);
                    password = pgpass_lookup(&text, &hosts, &ports, &dbname, &user, &socket_dir);
                }
                PassfileRead::TooOpen => warnings.push(format!(
                    "password file \"{}\" has group or world access; it is ignored (chmod 0600 it)",
                    path.display()
                )),
                PassfileRead::Missing => {}
            }
        }
    }
    let mut sslrootcert = keys.remove("sslrootcert");
    if sslrootcert.is_none() {
        // libpq's default root file; its presence upgrades `require` to `verify-ca`.
        if let Some(home) = env.home_dir() {
            let default = home.join(".postgresql/root.crt");
            if env.path_exists(&default) {
                sslrootcert = Some(default.display().to_string());
            }
        }
    }
    let channel_binding = match keys.remove("channel_binding") {
        Some(v) => one_of(
            "channel_binding",
            &v,
            &[
                ("disable", ChannelBinding::Disable),
                ("prefer", ChannelBinding::Prefer),
                ("require", ChannelBinding::Require),
            ],
        )?,
        None => ChannelBinding::Prefer,
    };
    if channel_binding == ChannelBinding::Require && sslmode == SslMode::Disable {
        return Err(ConnInfoError(
            "channel_binding=require needs TLS, but sslmode=disable turns it off".into(),
        ));
    }
    let client_cert = client_certificate(&mut keys, env, &mut warnings);
    let target_session_attrs = match keys.remove("target_session_attrs") {
        Some(v) if ["primary", "standby", "prefer-standby"].contains(&v.as_str()) => {
            return Err(ConnInfoError(format!(
                "target_session_attrs={v} is not supported by pglens (use any, read-write or read-only)"
            )))
        }
        Some(v) => one_of(
            "target_session_attrs",
            &v,
            &[
                ("any", SessionAttrs::Any),
                ("read-write", SessionAttrs::ReadWrite),
                ("read-only", SessionAttrs::ReadOnly),
            ],
        )?,
        None => SessionAttrs::Any,
    };
    let keepalives = match keys.remove("keepalives") {
        Some(v) => {
            v.trim().parse::<i64>().map_err(|_| {
                ConnInfoError(format!(
                    "invalid keepalives \"{}\"",
                    crate::text::visible(&v)
                ))
            })? != 0
        }
        None => true,
    };
    let keepalives_idle = match keys.remove("keepalives_idle") {
        Some(v) => Some(Duration::from_secs(v.trim().parse::<u64>().map_err(
            |_| {
                ConnInfoError(format!(
                    "invalid keepalives_idle \"{}\"",
                    crate::text::visible(&v)
                ))
            },
        )?)),
        None => None,
    };
    // pglens has no GSSAPI: `require` cannot be met, the others mean plain TLS or none.
    if let Some(v) = keys.remove("gssencmode") {
        let mode = one_of(
            "gssencmode",
            &v,
            &[("disable", 0), ("prefer", 1), ("require", 2)],
        )?;
        if mode == 2 {
            return Err(ConnInfoError(
                "gssencmode=require: pglens has no GSSAPI support (use TLS with sslmode)".into(),
            ));
        }
    }
    let params = ConnParams {
        hosts,
        ports,
        user,
        password,
        dbname,
        sslmode,
        sslrootcert,
        application_name: {
            let fallback = keys.remove("fallback_application_name");
            keys.remove("application_name")
                .or(fallback)
                .unwrap_or_else(|| "pglens".into())
        },
        connect_timeout,
        options: keys.remove("options"),
        channel_binding,
        client_cert,
        hostaddrs,
        target_session_attrs,
        keepalives,
        keepalives_idle,
        warnings,
    };
    keys.remove("passfile");
    // Every key is either used above or refused: none is accepted and then ignored.
    if let Some(key) = keys.keys().next() {
        return Err(ConnInfoError(format!(
            "connection option \"{key}\" is not supported by pglens"
        )));
    }
    Ok(params)
}

/// `sslcert` / `sslkey`, or libpq's defaults `~/.postgresql/postgresql.crt` and `.key` when
/// the certificate exists. A named certificate that does not exist is skipped with a
/// warning, as libpq skips it.
fn client_certificate(
    keys: &mut BTreeMap<String, String>,
    env: &dyn Environment,
    warnings: &mut Vec<String>,
) -> Option<(String, String)> {
    let home = env.home_dir().map(|h| h.join(".postgresql"));
    let default = |file: &str| home.as_ref().map(|h| h.join(file).display().to_string());
    let named = keys.remove("sslcert");
    let key = keys
        .remove("sslkey")
        .or_else(|| default("postgresql.key"))?;
    let cert = match named {
        Some(c) if env.path_exists(Path::new(&c)) => c,
        Some(c) => {
            warnings.push(format!(
                "client certificate \"{}\" does not exist; connecting without one",
                crate::text::visible(&c)
            ));
            return None;
        }
        None => default("postgresql.crt").filter(|c| env.path_exists(Path::new(c)))?,
    };
    Some((cert, key))
}

/// libpq's compiled-in socket directory differs by platform; Debian uses /var/run/postgresql.
fn default_socket_dir(env: &dyn Environment) -> String {
    let debian = Path::new("/var/run/postgresql");
    if env.path_exists(debian) {
        debian.display().to_string()
    } else {
        "/tmp".into()
    }
}

/// Finds the first matching `.pgpass` line: `host:port:database:user:password`, `*` matching
/// anything, `\` escaping `:` and `\`. As in libpq, a connection through the default socket
/// directory matches the name `localhost`; any other socket directory matches by its path.
fn pgpass_lookup(
    text: &str,
    hosts: &[String],
    ports: &[u16],
    dbname: &str,
    user: &str,
    default_socket_dir: &str,
) -> Option<String> {
    let host = hosts.first()?;
    let host = if host == default_socket_dir {
        "localhost"
    } else {
        host.as_str()
    };
    let port = ports.first().copied().unwrap_or(5432).to_string();
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(split_pgpass_line)
        .find(|f| {
            let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
            matches(&f[0], host)
                && matches(&f[1], &port)
                && matches(&f[2], dbname)
                && matches(&f[3], user)
        })
        .map(|mut f| f.swap_remove(4))
}

fn split_pgpass_line(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut()?.extend(chars.next()),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    (fields.len() == 5).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct FakeEnv {
        vars: HashMap<&'static str, &'static str>,
        passfile: Option<(&'static str, bool)>,
    }

    impl Environment for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).map(|v| v.to_string())
        }
        fn os_user(&self) -> Option<String> {
            Some("osuser".into())
        }
        fn home_dir(&self) -> Option<PathBuf> {
            Some(PathBuf::from("/home/u"))
        }
        fn read_passfile(&self, _: &Path) -> PassfileRead {
            match self.passfile {
                None => PassfileRead::Missing,
                Some((_, true)) => PassfileRead::TooOpen,
                Some((text, false)) => PassfileRead::Contents(text.into()),
            }
        }
        fn path_exists(&self, _: &Path) -> bool {
            false
        }
    }

    #[test]
    fn libpq_options_are_honoured_or_refused_by_name() {
        let env = FakeEnv::default();
        let err = |c: &str| resolve(c, &env).unwrap_err().to_string();
        assert!(
            err("host=h channel_binding=bogus").contains("invalid channel_binding value \"bogus\"")
        );
        assert!(err("host=h channel_binding=require sslmode=disable").contains("needs TLS"));
        assert!(err("host=h gssencmode=require").contains("no GSSAPI"));
        assert!(err("host=h target_session_attrs=primary").contains("not supported"));
        assert!(err("host=a,b hostaddr=10.0.0.1").contains("1 hostaddr values given for 2 hosts"));
        assert!(err("host=h keepalives=often").contains("invalid keepalives"));
        let p = resolve(
            "host=db.example hostaddr=192.0.2.7 channel_binding=require keepalives=0 keepalives_idle=30 target_session_attrs=read-write gssencmode=prefer",
            &env,
        )
        .unwrap();
        assert_eq!(p.hosts, ["db.example"]);
        assert_eq!(
            p.hostaddrs,
            ["192.0.2.7".parse::<std::net::IpAddr>().unwrap()]
        );
        assert_eq!(p.channel_binding, ChannelBinding::Require);
        assert!(!p.keepalives);
        assert_eq!(p.keepalives_idle, Some(Duration::from_secs(30)));
        assert_eq!(p.target_session_attrs, SessionAttrs::ReadWrite);
    }

    #[test]
    fn the_default_user_is_the_operating_system_user_not_user() {
        let env = FakeEnv {
            vars: [("USER", "someone-else")].into_iter().collect(),
            ..FakeEnv::default()
        };
        assert_eq!(resolve("host=h", &env).unwrap().user, "osuser");
    }

    #[test]
    fn pgpass_matches_a_socket_directory_by_path_and_the_default_one_as_localhost() {
        let text = "localhost:5432:*:u:for-default\n/run/pg:5432:*:u:for-run-pg\n";
        let lookup = |host: &str| {
            pgpass_lookup(
                text,
                &[host.to_string()],
                &[5432],
                "db",
                "u",
                "/var/run/postgresql",
            )
        };
        assert_eq!(
            lookup("/var/run/postgresql").as_deref(),
            Some("for-default")
        );
        assert_eq!(lookup("/run/pg").as_deref(), Some("for-run-pg"));
        assert_eq!(lookup("/elsewhere"), None);
    }

    #[test]
    fn a_named_client_certificate_that_is_missing_is_a_warning() {
        let p = resolve("host=h sslcert=/nonexistent.crt", &FakeEnv::default()).unwrap();
        assert!(p.client_cert.is_none());
        assert!(
            p.warnings.iter().any(|w| w.contains("does not exist")),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn a_typed_password_is_added_to_either_form() {
        let env = FakeEnv::default();
        let odd = "p@ss w'o\\rd&x=1";
        for conninfo in [
            "postgres://u@h/db",
            "postgres://u@h/db?sslmode=disable",
            "host=h user=u",
        ] {
            let p = resolve(&with_password(conninfo, odd), &env).unwrap();
            assert_eq!(p.password.as_deref(), Some(odd), "{conninfo}");
        }
    }

    #[test]
    fn a_mistyped_scheme_never_echoes_the_password() {
        for typo in ["postgress://u:SECRET@h/db", "pg://u:SECRET@h"] {
            assert!(looks_like_conninfo(typo));
            let e = resolve(typo, &FakeEnv::default()).unwrap_err().to_string();
            assert!(
                e.contains("unsupported URL scheme") && !e.contains("SECRET"),
                "{e}"
            );
        }
        let e = parse("user:SECRET@host").unwrap_err().to_string();
        assert!(!e.contains("SECRET"), "{e}");
    }

    #[test]
    fn url_with_everything() {
        let p = resolve(
            "postgresql://al%40ce:p%3Ass@db.example.com:6543/my%20db?sslmode=verify-full&application_name=x",
            &FakeEnv::default(),
        )
        .unwrap();
        assert_eq!(p.user, "al@ce");
        assert_eq!(p.password.as_deref(), Some("p:ss"));
        assert_eq!(p.hosts, ["db.example.com"]);
        assert_eq!(p.ports, [6543]);
        assert_eq!(p.dbname, "my db");
        assert_eq!(p.sslmode, SslMode::VerifyFull);
        assert_eq!(p.application_name, "x");
    }

    #[test]
    fn url_with_socket_host_in_query_and_ipv6_list() {
        let p = resolve(
            "postgres:///app?host=/var/run/postgresql",
            &FakeEnv::default(),
        )
        .unwrap();
        assert_eq!(p.hosts, ["/var/run/postgresql"]);
        assert_eq!(p.dbname, "app");
        let p = resolve("postgres://[::1]:5433,h2:5434/x", &FakeEnv::default()).unwrap();
        assert_eq!(p.hosts, ["::1", "h2"]);
        assert_eq!(p.ports, [5433, 5434]);
        assert_eq!(p.label(), format!("{}@[::1]:5433,h2:5434/x", p.user));
    }

    #[test]
    fn key_value_with_quotes_and_escapes() {
        let p = resolve(
            r"host=localhost port = 5433 dbname='my db' user=bob password='it\'s'",
            &FakeEnv::default(),
        )
        .unwrap();
        assert_eq!(p.dbname, "my db");
        assert_eq!(p.password.as_deref(), Some("it's"));
        assert_eq!(p.ports, [5433]);
    }

    #[test]
    fn environment_fills_gaps_but_string_wins() {
        let env = FakeEnv {
            vars: HashMap::from([
                ("PGHOST", "envhost"),
                ("PGUSER", "envuser"),
                ("PGDATABASE", "envdb"),
                ("PGSSLMODE", "require"),
            ]),
            ..Default::default()
        };
        let p = resolve("dbname=given", &env).unwrap();
        assert_eq!(p.hosts, ["envhost"]);
        assert_eq!(p.user, "envuser");
        assert_eq!(p.dbname, "given");
        assert_eq!(p.sslmode, SslMode::Require);
    }

    #[test]
    fn pgpass_is_used_and_loose_permissions_ignored() {
        let text = "# comment\nother:*:*:*:nope\nh:5432:db:u:s\\:ecret\n";
        let env = FakeEnv {
            passfile: Some((text, false)),
            ..Default::default()
        };
        let p = resolve("host=h dbname=db user=u", &env).unwrap();
        assert_eq!(p.password.as_deref(), Some("s:ecret"));

        let env = FakeEnv {
            passfile: Some((text, true)),
            ..Default::default()
        };
        let p = resolve("host=h dbname=db user=u", &env).unwrap();
        assert_eq!(p.password, None);
        assert!(p.warnings[0].contains("chmod 0600"));
    }

    #[test]
    fn errors_never_echo_the_password() {
        let err = resolve(
            "postgres://u:hunter2@h/db?password=hunter2&bogus=1",
            &FakeEnv::default(),
        )
        .unwrap_err();
        assert!(err.0.contains("bogus"), "{err}");
        assert!(!err.0.contains("hunter2"));
        let err = resolve("postgres://u:hunter%ZZ@h/db", &FakeEnv::default()).unwrap_err();
        assert!(!err.0.contains("hunter"), "{err}");
        let p = resolve("postgres://u:hunter2@h/db", &FakeEnv::default()).unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
        assert!(!p.label().contains("hunter2"));
    }

    #[test]
    fn bad_values_are_named() {
        let env = FakeEnv::default();
        assert!(resolve("port=abc", &env)
            .unwrap_err()
            .0
            .contains("invalid port"));
        assert!(resolve("sslmode=maybe", &env)
            .unwrap_err()
            .0
            .contains("sslmode"));
        assert!(resolve("host", &env).unwrap_err().0.contains("missing"));
        assert!(resolve("dbname='x", &env)
            .unwrap_err()
            .0
            .contains("unterminated"));
    }

    #[test]
    fn conninfo_detection() {
        assert!(looks_like_conninfo("postgres://x"));
        assert!(looks_like_conninfo("host=x dbname=y"));
        assert!(!looks_like_conninfo("snapshot.json"));
    }
}
