//! Opening a connection and turning failures into messages a user can act on.

use std::io;

use tokio_postgres::error::SqlState;
use tokio_postgres::Client;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::conninfo::{ChannelBinding, ConnParams, SessionAttrs, SslMode};
use super::tls;

/// Why reading a live database failed. Messages never contain the password.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("invalid connection string: {0}")]
    ConnInfo(String),
    #[error("cannot reach the server at {target}: {detail}\nhint: {hint}")]
    Unreachable {
        target: String,
        detail: String,
        hint: &'static str,
    },
    #[error("authentication failed for user \"{user}\": {detail}\nhint: check the user name and password (PGPASSWORD, ~/.pgpass or the URL)")]
    AuthFailed { user: String, detail: String },
    #[error("the server at {target} asks for a password for user \"{user}\" and none was given\nhint: set PGPASSWORD, add it to ~/.pgpass, or pass -W to be asked for it")]
    PasswordMissing { user: String, target: String },
    #[error("{target} is not a PostgreSQL server: it answered like {what}\nhint: check the port (PostgreSQL listens on 5432 by default)")]
    NotPostgres { target: String, what: &'static str },
    #[error("channel binding is required (channel_binding=require), but the server did not use it\nhint: it needs SCRAM-SHA-256 authentication over TLS")]
    ChannelBindingRefused,
    #[error("the server refused the connection: {detail}")]
    Rejected { detail: String },
    #[error("database \"{dbname}\" does not exist on {target}")]
    DatabaseMissing { dbname: String, target: String },
    #[error("the server at {target} does not support TLS, but sslmode={sslmode} requires it\nhint: use sslmode=prefer or disable only on a trusted network")]
    TlsUnsupported {
        target: String,
        sslmode: &'static str,
    },
    #[error("the server's TLS certificate was rejected: {detail}\nhint: set sslrootcert to the CA file that signed it, or use sslmode=require to encrypt without verifying")]
    CertificateRejected { detail: String },
    #[error("TLS failed: {0}")]
    Tls(String),
    #[error("permission denied while reading {what}: {detail}\nhint: pglens needs only ordinary catalog access; ask for a role that can read {what}")]
    PermissionDenied { what: String, detail: String },
    #[error("reading {what} took longer than the statement timeout ({detail})")]
    Timeout { what: String, detail: String },
    #[error(
        "PostgreSQL {version} is not supported: pglens reads PostgreSQL {}",
        crate::model::version::SUPPORTED_RANGE
    )]
    UnsupportedVersion { version: String },
    #[error("reading {what} waited more than 5 s for a lock{}\nhint: a migration or a long transaction holds an exclusive lock; try again when it is done", if tables.is_empty() { String::new() } else { format!(": {tables} locked exclusively by another session") })]
    Locked { what: String, tables: String },
    #[error("reading {what} failed: {detail}")]
    Query { what: String, detail: String },
    #[error("the catalog returned data pglens did not expect for {what}: {detail}")]
    Decode { what: String, detail: String },
}

/// Opens a connection. The connection's I/O runs on a spawned task.
pub async fn connect(params: &ConnParams) -> Result<Client, LiveError> {
    let tls_config = tls::client_config(params).map_err(LiveError::Tls)?;
    let make_tls = MakeRustlsConnect::new(tls_config);
    let config = pg_config(params);
    // tokio-postgres bounds only the TCP connect; libpq's connect_timeout covers the whole
    // start-up (TLS, authentication), so a server that accepts and never answers cannot
    // hold us. One period per host tried, as libpq tries each in turn.
    let hosts = u32::try_from(params.hosts.len().max(1)).unwrap_or(u32::MAX);
    let limit = params.connect_timeout.saturating_mul(hosts);
    let (client, connection) = match tokio::time::timeout(limit, config.connect(make_tls)).await {
        Ok(Ok(pair)) => pair,
        Ok(Err(e)) => {
            if protocol_confusion(&e) {
                if let Some(what) = what_answered(params).await {
                    return Err(LiveError::NotPostgres {
                        target: params.label(),
                        what,
                    });
                }
            }
            return Err(classify_connect_error(&e, params));
        }
        Err(_) => {
            return Err(LiveError::Unreachable {
                target: params.label(),
                detail: format!(
                    "the server accepted the connection but did not answer within {}s",
                    limit.as_secs()
                ),
                hint: "is this a PostgreSQL server? (a proxy or a busy server can also stall; raise connect_timeout to wait longer)",
            })
        }
    };
    tokio::spawn(async move {
        // Errors after start-up surface on the client's next request; nothing to do here.
        let _ = connection.await;
    });
    Ok(client)
}

fn pg_config(params: &ConnParams) -> tokio_postgres::Config {
    let mut config = tokio_postgres::Config::new();
    for host in &params.hosts {
        config.host(host);
    }
    for port in &params.ports {
        config.port(*port);
    }
    for addr in &params.hostaddrs {
        config.hostaddr(*addr);
    }
    use tokio_postgres::config::{ChannelBinding as Cb, SslMode as Ssl, TargetSessionAttrs as Tsa};
    // libpq ignores sslmode over Unix sockets (the server never offers TLS there); so
    // does pglens when every host is a socket directory.
    // (With hostaddr the connection is TCP whatever host says.)
    let sockets_only =
        params.hostaddrs.is_empty() && params.hosts.iter().all(|h| h.starts_with('/'));
    config
        .user(&params.user)
        .dbname(&params.dbname)
        .application_name(&params.application_name)
        .connect_timeout(params.connect_timeout)
        .keepalives(params.keepalives)
        .channel_binding(match params.channel_binding {
            ChannelBinding::Disable => Cb::Disable,
            ChannelBinding::Prefer => Cb::Prefer,
            ChannelBinding::Require => Cb::Require,
        })
        .target_session_attrs(match params.target_session_attrs {
            SessionAttrs::Any => Tsa::Any,
            SessionAttrs::ReadWrite => Tsa::ReadWrite,
            SessionAttrs::ReadOnly => Tsa::ReadOnly,
        })
        .ssl_mode(match params.sslmode {
            _ if sockets_only => Ssl::Disable,
            SslMode::Disable => Ssl::Disable,
            SslMode::Allow | SslMode::Prefer => Ssl::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => Ssl::Require,
        });
    if let Some(idle) = params.keepalives_idle {
        config.keepalives_idle(idle);
    }
    if let Some(password) = &params.password {
        config.password(password);
    }
    if let Some(options) = &params.options {
        config.options(options);
    }
    config
}

/// What to check when nothing answers, which depends on whether a socket or TCP was tried.
fn unreachable_hint(params: &ConnParams) -> &'static str {
    if params.hosts.iter().all(|h| h.starts_with('/')) {
        "is the server running on this machine, with its socket in that directory? \
         (give host=... for a server elsewhere)"
    } else {
        "check the host and port, and that the server accepts TCP connections there"
    }
}

fn classify_connect_error(err: &tokio_postgres::Error, params: &ConnParams) -> LiveError {
    let target = params.label();
    let hint = unreachable_hint(params);
    if let Some(db) = err.as_db_error() {
        let detail = db.message().to_string();
        return match *db.code() {
            SqlState::INVALID_PASSWORD => LiveError::AuthFailed {
                user: params.user.clone(),
                detail,
            },
            SqlState::INVALID_CATALOG_NAME => LiveError::DatabaseMissing {
                dbname: params.dbname.clone(),
                target,
            },
            // "no encryption" since PostgreSQL 14; "SSL off" on 13.
            SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                if detail.contains("no encryption") || detail.ends_with("SSL off") =>
            {
                LiveError::Rejected {
                    detail: format!("{detail}\nhint: the server accepts only TLS here; use sslmode=require or stronger"),
                }
            }
            SqlState::INVALID_AUTHORIZATION_SPECIFICATION => LiveError::AuthFailed {
                user: params.user.clone(),
                detail,
            },
            _ => LiveError::Rejected { detail },
        };
    }
    if chain_mentions(err, "channel binding") {
        return LiveError::ChannelBindingRefused;
    }
    if chain_mentions(err, "password missing") {
        return LiveError::PasswordMissing {
            user: params.user.clone(),
            target,
        };
    }
    if chain_mentions(err, "server does not support TLS") {
        return LiveError::TlsUnsupported {
            target,
            sslmode: params.sslmode.as_str(),
        };
    }
    if let Some(tls) = find_rustls_error(err) {
        return match tls {
            rustls::Error::InvalidCertificate(c) => LiveError::CertificateRejected {
                detail: describe_certificate_error(c),
            },
            other => LiveError::Tls(other.to_string()),
        };
    }
    if let Some(io) = find_io_error(err) {
        let detail = match io.kind() {
            io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
            io::ErrorKind::TimedOut => "timed out".to_string(),
            io::ErrorKind::NotFound => "no such socket or host".to_string(),
            _ => io.to_string(),
        };
        return LiveError::Unreachable {
            target,
            detail,
            hint,
        };
    }
    if err.to_string().contains("timeout") {
        return LiveError::Unreachable {
            target,
            detail: format!("no answer within {}s", params.connect_timeout.as_secs()),
            hint,
        };
    }
    LiveError::Unreachable {
        target,
        detail: full_chain(err),
        hint,
    }
}

/// Errors that mean the bytes that came back were not PostgreSQL's protocol.
fn protocol_confusion(err: &tokio_postgres::Error) -> bool {
    [
        "bytes remaining on stream",
        "unexpected message from server",
        "error parsing",
        "server does not support TLS",
        "invalid message length",
    ]
    .iter()
    .any(|needle| chain_mentions(err, needle))
}

/// Asks each TCP host what it is: PostgreSQL answers an SSLRequest with one byte (`S` or
/// `N`); an HTTP server answers `HTTP/...`. Returns what answered when it was not
/// PostgreSQL. Bounded by a short timeout; sends nothing but the 8-byte request.
async fn what_answered(params: &ConnParams) -> Option<&'static str> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F];
    for (i, host) in params.hosts.iter().enumerate() {
        if host.starts_with('/') {
            continue;
        }
        let port = params
            .ports
            .get(i)
            .or(params.ports.first())
            .copied()
            .unwrap_or(5432);
        let target = match params.hostaddrs.get(i) {
            Some(addr) => std::net::SocketAddr::new(*addr, port).to_string(),
            None if host.contains(':') => format!("[{host}]:{port}"),
            None => format!("{host}:{port}"),
        };
        let probe = async {
            let mut stream = tokio::net::TcpStream::connect(&target).await.ok()?;
            stream.write_all(&SSL_REQUEST).await.ok()?;
            let mut reply = [0u8; 5];
            let n = stream.read(&mut reply).await.ok()?;
            Some(reply[..n].to_vec())
        };
        // A host that does not answer the probe says nothing; try the next.
        let Some(reply) = tokio::time::timeout(std::time::Duration::from_secs(2), probe)
            .await
            .ok()
            .flatten()
        else {
            continue;
        };
        if reply.starts_with(b"HTTP") {
            return Some("an HTTP server");
        }
        if reply.starts_with(b"SSH-") {
            return Some("an SSH server");
        }
        if !reply.is_empty() && !matches!(reply[0], b'S' | b'N' | b'E') {
            return Some("something else");
        }
    }
    None
}

fn describe_certificate_error(err: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match err {
        C::UnknownIssuer => "it is not signed by a trusted certificate authority".into(),
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "it does not name the host you connected to".into()
        }
        C::Expired | C::ExpiredContext { .. } => "it has expired".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".into(),
        C::Revoked => "it has been revoked".into(),
        C::BadSignature => "its signature does not verify".into(),
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
            "it is not meant for a TLS server".into()
        }
        C::Other(o) if o.to_string().contains("CaUsedAsEndEntity") => {
            "it is a CA certificate used as the server's own; give the CA that signed it as sslrootcert, or the certificate itself if it is self-signed".into()
        }
        C::Other(o) if o.to_string().contains("UnsupportedCertVersion") => {
            "it is an X.509 version 1 certificate, which is not supported".into()
        }
        other => other.to_string(),
    }
}

fn errors_in_chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| {
        let e: &'a (dyn std::error::Error + 'static) = *e;
        e.source()
    })
}

fn find_io_error(err: &tokio_postgres::Error) -> Option<&io::Error> {
    errors_in_chain(err).find_map(|e| e.downcast_ref::<io::Error>())
}

fn find_rustls_error(err: &tokio_postgres::Error) -> Option<&rustls::Error> {
    errors_in_chain(err).find_map(|e| {
        e.downcast_ref::<rustls::Error>().or_else(|| {
            e.downcast_ref::<io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        })
    })
}

fn chain_mentions(err: &tokio_postgres::Error, needle: &str) -> bool {
    errors_in_chain(err).any(|e| e.to_string().contains(needle))
}

fn full_chain(err: &tokio_postgres::Error) -> String {
    errors_in_chain(err)
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// Turns a failed catalog query into a message naming what was being read.
pub fn classify_query_error(err: &tokio_postgres::Error, what: &str) -> LiveError {
    let what = what.to_string();
    match err.as_db_error() {
        Some(db) if *db.code() == SqlState::INSUFFICIENT_PRIVILEGE => LiveError::PermissionDenied {
            what,
            detail: db.message().into(),
        },
        Some(db) if *db.code() == SqlState::LOCK_NOT_AVAILABLE => LiveError::Locked {
            what,
            tables: String::new(),
        },
        Some(db) if *db.code() == SqlState::QUERY_CANCELED => LiveError::Timeout {
            what,
            detail: db.message().into(),
        },
        Some(db) => LiveError::Query {
            what,
            detail: db.message().into(),
        },
        None if err.is_closed() => LiveError::Query {
            what,
            detail: "the connection was closed by the server".into(),
        },
        None => LiveError::Query {
            what,
            detail: full_chain(err),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_carry_hints() {
        let e = LiveError::AuthFailed {
            user: "bob".into(),
            detail: "password authentication failed for user \"bob\"".into(),
        };
        assert!(e.to_string().contains("hint:"));
        let e = LiveError::UnsupportedVersion {
            version: "12.4".into(),
        };
        assert!(e.to_string().contains("13 to 18"));
    }
}
