//! TLS for the live source, following libpq's `sslmode` semantics over rustls:
//!
//! | sslmode     | encrypted         | certificate chain checked | host name checked |
//! |-------------|-------------------|---------------------------|-------------------|
//! | disable     | no                | -                         | -                 |
//! | allow/prefer| if server offers  | no                        | no                |
//! | require     | yes               | only with a root file     | no                |
//! | verify-ca   | yes               | yes                       | no                |
//! | verify-full | yes               | yes                       | yes               |
//!
//! Trusted roots come from `sslrootcert` (a PEM file, or `system`), else the system store.
//! A certificate in `sslrootcert` that is the server's own (the self-signed `server.crt`
//! of PostgreSQL's documentation) is trusted as it is, as OpenSSL does for libpq: webpki
//! alone refuses a trust anchor presented as the server's certificate. Its dates and, for
//! verify-full, its name are still checked. A client certificate comes from `sslcert` /
//! `sslkey` (or libpq's `~/.postgresql/postgresql.crt` and `.key`); the key file must be
//! private, as libpq requires. Over Unix sockets no TLS is used, as in libpq.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::conninfo::{ConnParams, SslMode};

/// How the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verification {
    None,
    Chain,
    ChainAndHost,
}

fn verification_for(params: &ConnParams) -> Verification {
    match params.sslmode {
        SslMode::Disable | SslMode::Allow | SslMode::Prefer => Verification::None,
        // libpq: "if a root CA file exists, require behaves like verify-ca".
        SslMode::Require if params.sslrootcert.is_some() => Verification::Chain,
        SslMode::Require => Verification::None,
        SslMode::VerifyCa => Verification::Chain,
        SslMode::VerifyFull => Verification::ChainAndHost,
    }
}

/// Builds the rustls configuration for these parameters.
pub fn client_config(params: &ConnParams) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?;
    // Only sockets: no TLS will be attempted, so nothing needs loading.
    if params.hostaddrs.is_empty() && params.hosts.iter().all(|h| h.starts_with('/')) {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
            .with_no_client_auth());
    }
    let verifier: Arc<dyn ServerCertVerifier> = match verification_for(params) {
        Verification::None => Arc::new(AcceptAnyCertificate(provider.clone())),
        check => {
            let (roots, pinned) = root_store(params.sslrootcert.as_deref())?;
            let inner =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| format!("TLS set-up failed: {e}"))?;
            Arc::new(TrustedChainOrPinned {
                inner,
                pinned,
                check_host: check == Verification::ChainAndHost,
            })
        }
    };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match &params.client_cert {
        None => Ok(builder.with_no_client_auth()),
        Some((cert, key)) => {
            let (chain, key_der) = client_certificate(cert, key)?;
            builder.with_client_auth_cert(chain, key_der).map_err(|e| {
                format!("cannot use client certificate \"{cert}\" with key \"{key}\": {e}")
            })
        }
    }
}

/// The client certificate chain and its private key. The key file must be a regular file
/// that group and others cannot read (0600), or 0640 when owned by root, as libpq demands.
fn client_certificate(
    cert: &str,
    key: &str,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    use std::os::unix::fs::MetadataExt;
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("cannot read sslcert \"{cert}\": {e}"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("sslcert \"{cert}\" is not valid PEM: {e}"))?;
    if chain.is_empty() {
        return Err(format!("sslcert \"{cert}\" holds no certificate"));
    }
    let meta = std::fs::metadata(key)
        .map_err(|_| format!("certificate present, but not private key file \"{key}\""))?;
    let loose = if meta.uid() == 0 {
        meta.mode() & 0o037 != 0
    } else {
        meta.mode() & 0o077 != 0
    };
    if !meta.is_file() || loose {
        return Err(format!(
            "private key file \"{key}\" has group or world access; it must be u=rw (0600) or less, or u=rw,g=r (0640) if owned by root"
        ));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        format!("cannot read private key \"{key}\": {e} (encrypted keys are not supported)")
    })?;
    Ok((chain, key_der))
}

/// The trusted roots, and the certificates of `sslrootcert` itself (which may include the
/// server's own, self-signed).
fn root_store(
    sslrootcert: Option<&str>,
) -> Result<(RootCertStore, Vec<CertificateDer<'static>>), String> {
    let mut store = RootCertStore::empty();
    let mut pinned = Vec::new();
    match sslrootcert {
        Some(path) if path != "system" => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read sslrootcert \"{path}\": {e}"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("sslrootcert \"{path}\" is not valid PEM: {e}"))?;
            if certs.is_empty() {
                return Err(format!("sslrootcert \"{path}\" holds no certificate"));
            }
            for cert in certs {
                store
                    .add(cert.clone())
                    .map_err(|e| format!("sslrootcert \"{path}\": {e}"))?;
                pinned.push(cert);
            }
        }
        _ => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // A system store may hold certificates rustls cannot use; skip them.
                let _ = store.add(cert);
            }
            if store.is_empty() {
                return Err(
                    "no trusted root certificates found on this system; set sslrootcert to a PEM file"
                        .into(),
                );
            }
        }
    }
    Ok((store, pinned))
}

/// `require` without a root file: encrypted, but any certificate is accepted (as libpq does).
/// Handshake signatures are still verified, so the session is bound to the presented key.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` and `verify-full`: the chain must lead to a trusted root (and, for
/// verify-full, name the host), or the server's certificate must be one given in
/// `sslrootcert` itself and be within its dates (and name the host). Handshake signatures
/// are always checked.
#[derive(Debug)]
struct TrustedChainOrPinned {
    inner: Arc<WebPkiServerVerifier>,
    pinned: Vec<CertificateDer<'static>>,
    check_host: bool,
}

impl ServerCertVerifier for TrustedChainOrPinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match chain {
            Ok(v) => return Ok(v),
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_host => return Ok(ServerCertVerified::assertion()),
            Err(_)
                if self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref()) => {}
            Err(e) => return Err(e),
        }
        within_dates(end_entity, now)?;
        if self.check_host {
            let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
            rustls::client::verify_server_name(&parsed, server_name)?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A pinned certificate must still be within its validity dates.
fn within_dates(cert: &CertificateDer<'_>, now: UnixTime) -> Result<(), rustls::Error> {
    use x509_cert::der::Decode;
    let parsed = x509_cert::Certificate::from_der(cert.as_ref())
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let validity = &parsed.tbs_certificate.validity;
    let now = std::time::Duration::from_secs(now.as_secs());
    if now < validity.not_before.to_unix_duration() {
        return Err(rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet,
        ));
    }
    if now > validity.not_after.to_unix_duration() {
        return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PostgreSQL's documented recipe: a self-signed server.crt, given to clients as their
    /// root.crt. OpenSSL marks it CA:TRUE, which webpki alone refuses as a server's own.
    fn self_signed(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
        let cert = dir.join("server.crt");
        let out = std::process::Command::new("openssl")
            .args([
                "req", "-new", "-x509", "-days", "2", "-nodes", "-newkey", "rsa:2048",
            ])
            .arg("-keyout")
            .arg(dir.join("server.key"))
            .arg("-out")
            .arg(&cert)
            .args(["-subj", &format!("/CN={name}"), "-addext"])
            .arg(format!("subjectAltName=DNS:{name}"))
            .output()
            .expect("openssl (scripts/setup installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        cert
    }

    fn verifier(root: &std::path::Path, check_host: bool) -> TrustedChainOrPinned {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let (roots, pinned) = root_store(root.to_str()).unwrap();
        let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap();
        TrustedChainOrPinned {
            inner,
            pinned,
            check_host,
        }
    }

    #[test]
    fn a_self_signed_server_certificate_given_as_root_is_trusted_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let cert_file = self_signed(dir.path(), "db.example");
        let cert = CertificateDer::from_pem_file(&cert_file).unwrap();
        let now = UnixTime::now();
        let name = |n: &str| ServerName::try_from(n.to_string()).unwrap();
        let full = verifier(&cert_file, true);
        // webpki alone says no; the pin says yes, for the right name only.
        assert!(full
            .inner
            .verify_server_cert(&cert, &[], &name("db.example"), &[], now)
            .is_err());
        assert!(full
            .verify_server_cert(&cert, &[], &name("db.example"), &[], now)
            .is_ok());
        assert!(full
            .verify_server_cert(&cert, &[], &name("other.example"), &[], now)
            .is_err());
        // verify-ca does not check the name.
        assert!(verifier(&cert_file, false)
            .verify_server_cert(&cert, &[], &name("other.example"), &[], now)
            .is_ok());
        // Another self-signed certificate is not trusted because one was pinned.
        let other_dir = tempfile::tempdir().unwrap();
        let other =
            CertificateDer::from_pem_file(self_signed(other_dir.path(), "db.example")).unwrap();
        assert!(full
            .verify_server_cert(&other, &[], &name("db.example"), &[], now)
            .is_err());
        // Nor a pinned one out of its dates.
        let later =
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(now.as_secs() + 10 * 86_400));
        assert!(full
            .verify_server_cert(&cert, &[], &name("db.example"), &[], later)
            .is_err());
    }
}
