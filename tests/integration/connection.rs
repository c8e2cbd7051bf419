//! Connecting: TLS modes, and failures that say what went wrong without the password.
//! These need the managed cluster (TCP, TLS and password auth are set up by the harness);
//! with PGLENS_TEST_DATABASE_URL they are skipped, saying so.

use pglens::source::live::{connect::connect, LiveError, SslMode};

use crate::common::{server, tcp_params, Cluster, TestDb};

fn managed() -> Option<&'static Cluster> {
    let cluster = server().cluster.as_ref();
    if cluster.is_none() {
        eprintln!("skipped: needs the harness's own cluster (PGLENS_TEST_DATABASE_URL is set)");
    }
    cluster
}

/// A database with a password-protected login role, reachable over TCP.
async fn db_with_login(hint: &str) -> (TestDb, String) {
    let db = TestDb::new(hint).await;
    let role = format!("login_{}", db.name.rsplit('_').next().unwrap_or("0"));
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'correct horse'"
    ))
    .await;
    (db, role)
}

#[tokio::test]
async fn tls_modes_behave_like_libpq() {
    let Some(cluster) = managed() else { return };
    let (db, role) = db_with_login("tls").await;
    let params = |mode, root: Option<&std::path::Path>| {
        let mut p = tcp_params(cluster, &db.name, &role, Some("correct horse"), mode);
        p.sslrootcert = root.map(|r| r.display().to_string());
        p
    };

    // require: encrypted without verification.
    let client = connect(&params(SslMode::Require, None))
        .await
        .expect("require connects");
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0), "the session is encrypted");

    // verify-ca with the signing CA: the chain is trusted, the name is not checked.
    connect(&params(SslMode::VerifyCa, Some(&cluster.ca_cert)))
        .await
        .expect("verify-ca with the right CA connects");

    // verify-full: the certificate names pglens-test.invalid, not 127.0.0.1.
    let err = must_fail(
        connect(&params(SslMode::VerifyFull, Some(&cluster.ca_cert))).await,
        "verify-full must fail on the host name",
    );
    assert!(
        matches!(err, LiveError::CertificateRejected { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not name the host"), "{err}");

    // verify-full against the system's roots: our private CA is not trusted.
    let err = must_fail(
        connect(&params(SslMode::VerifyFull, None)).await,
        "untrusted CA",
    );
    assert!(
        err.to_string()
            .contains("not signed by a trusted certificate authority"),
        "{err}"
    );
}

#[tokio::test]
async fn failures_name_the_problem_and_hide_the_password() {
    let Some(cluster) = managed() else { return };
    let (db, role) = db_with_login("errors").await;

    let wrong = tcp_params(
        cluster,
        &db.name,
        &role,
        Some("hunter2-wrong"),
        SslMode::Disable,
    );
    let err = must_fail(connect(&wrong).await, "bad password fails");
    assert!(matches!(err, LiveError::AuthFailed { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("authentication failed") && text.contains(&role),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "password leaked: {text}");

    let missing = tcp_params(
        cluster,
        "no_such_db",
        &role,
        Some("correct horse"),
        SslMode::Disable,
    );
    let err = must_fail(connect(&missing).await, "missing db fails");
    assert!(matches!(err, LiveError::DatabaseMissing { .. }), "{err:?}");
    assert!(
        err.to_string().contains("\"no_such_db\" does not exist"),
        "{err}"
    );

    let no_password = tcp_params(cluster, &db.name, &role, None, SslMode::Disable);
    let err = must_fail(connect(&no_password).await, "no password fails");
    assert!(matches!(err, LiveError::PasswordMissing { .. }), "{err:?}");
    assert!(err.to_string().contains("asks for a password"), "{err}");

    let mut refused = wrong.clone();
    refused.ports = vec![free_closed_port()];
    let err = must_fail(connect(&refused).await, "closed port fails");
    assert!(matches!(err, LiveError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("connection refused"), "{err}");
    assert!(!err.to_string().contains("hunter2"));
}

#[tokio::test]
async fn a_server_that_demands_tls_says_so() {
    let Some(cluster) = managed() else { return };
    let db = TestDb::new("tlsonly").await;
    db.exec(
        "DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pglens_tls_only') THEN
             CREATE ROLE pglens_tls_only LOGIN PASSWORD 'pw';
           END IF;
         END $$",
    )
    .await;
    let plain = tcp_params(
        cluster,
        &db.name,
        "pglens_tls_only",
        Some("pw"),
        SslMode::Disable,
    );
    let err = must_fail(
        connect(&plain).await,
        "plain connection refused by hostnossl reject",
    );
    assert!(matches!(err, LiveError::Rejected { .. }), "{err:?}");
    assert!(err.to_string().contains("sslmode=require"), "{err}");
    let tls = tcp_params(
        cluster,
        &db.name,
        "pglens_tls_only",
        Some("pw"),
        SslMode::Require,
    );
    connect(&tls)
        .await
        .expect("the same role connects over TLS");
}

/// The error of a connection that must not succeed.
fn must_fail<T>(result: Result<T, LiveError>, why: &str) -> LiveError {
    match result {
        Ok(_) => panic!("connection unexpectedly succeeded: {why}"),
        Err(e) => e,
    }
}

/// A loopback port nothing listens on.
fn free_closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
    // The listener is dropped here, so the port is closed again.
}

#[tokio::test]
async fn an_unreadable_catalog_is_named_in_the_error() {
    let db = TestDb::new("nocatalog").await;
    let role = format!("restricted_{}", db.name.rsplit('_').next().unwrap_or("0"));
    // pg_policy is a per-database catalog, so this affects only the test's own database.
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN; REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC;"
    ))
    .await;
    let mut params = db.params.clone();
    params.user = role.clone();
    let err = must_fail(
        pglens::source::live::load(&params, &mut |_| {}).await,
        "pg_policy is not readable",
    );
    assert!(matches!(err, LiveError::PermissionDenied { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("row-level security policies") && text.contains("pg_policy"),
        "{text}"
    );
    db.exec(&format!("DROP ROLE {role}")).await;
}

/// Servers older than 13 are refused by name; supported ones are read. `scripts/test-matrix`
/// runs this against PostgreSQL 12 too.
#[tokio::test]
async fn unsupported_versions_are_refused_clearly() {
    let db = crate::common::TestDb::new("versionsupport").await;
    let version: i32 = db
        .client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .unwrap()
        .get(0);
    let result = pglens::source::live::load(&db.params, &mut |_| {}).await;
    if version < 130_000 {
        let e = result.expect_err("PostgreSQL 12 and older are refused");
        let text = e.to_string();
        assert!(
            matches!(e, LiveError::UnsupportedVersion { .. })
                && text.contains("is not supported: pglens reads PostgreSQL 13 to 18"),
            "{text}"
        );
    } else {
        assert!(
            result.is_ok(),
            "PostgreSQL {version} is supported: {result:?}"
        );
    }
}

/// A server that accepts the TCP connection and never answers (a stuck proxy, a wrong
/// service) must not hold pglens past connect_timeout, as it does not hold psql.
#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and hold the sockets open without a byte in reply.
    let held = std::thread::spawn(move || {
        let mut sockets = Vec::new();
        for s in listener.incoming().take(2).flatten() {
            sockets.push(s);
        }
        std::thread::sleep(std::time::Duration::from_secs(20));
    });
    let mut params = pglens::source::live::conninfo::resolve(
        &format!("host=127.0.0.1 port={port} user=x dbname=x sslmode=disable connect_timeout=2"),
        &crate::common::NoEnvironment,
    )
    .unwrap();
    params.password = None;
    let started = std::time::Instant::now();
    let err = must_fail(connect(&params).await, "a silent server fails");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "waited {:?}",
        started.elapsed()
    );
    assert!(
        err.to_string().contains("did not answer within 2s"),
        "{err}"
    );
    drop(held);
}

/// Parameters from a key=value string with nothing from the developer's environment.
fn resolved(conninfo: &str) -> pglens::source::live::ConnParams {
    pglens::source::live::conninfo::resolve(conninfo, &crate::common::FilesOnly).unwrap()
}

/// libpq parity: client certificates, channel binding, sslmode over a Unix socket.
#[tokio::test]
async fn client_certificates_channel_binding_and_sockets_work_as_in_libpq() {
    let Some(cluster) = managed() else { return };
    let (db, role) = db_with_login("parity").await;
    let admin = TestDb::new("parity_admin").await;
    // Roles are cluster-wide; another test run may have made it already.
    admin
        .exec("DO $$ BEGIN CREATE ROLE pglens_cert_user LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
        .await;
    let dir = cluster.dir.display();
    let base = format!("host=127.0.0.1 port={} dbname={}", cluster.port, db.name);

    // A certificate the server's CA signed logs in with cert authentication; without it the
    // same role is refused.
    let with_cert = resolved(&format!(
        "{base} user=pglens_cert_user sslmode=require sslcert={dir}/client.crt sslkey={dir}/client.key"
    ));
    assert!(with_cert.client_cert.is_some());
    connect(&with_cert)
        .await
        .expect("client certificate accepted");
    let without = resolved(&format!("{base} user=pglens_cert_user sslmode=require"));
    must_fail(connect(&without).await, "no certificate, no login");

    // A key file others can read is refused before anything is sent, as libpq refuses it.
    let loose = tempfile::tempdir().unwrap();
    let key = loose.path().join("client.key");
    std::fs::copy(cluster.dir.join("client.key"), &key).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let open_key = resolved(&format!(
        "{base} user=pglens_cert_user sslmode=require sslcert={dir}/client.crt sslkey={}",
        key.display()
    ));
    let err = must_fail(connect(&open_key).await, "loose key refused");
    assert!(err.to_string().contains("group or world access"), "{err}");

    // channel_binding=require: SCRAM over TLS binds the channel and connects.
    let mut bound = resolved(&format!(
        "{base} user={role} sslmode=require channel_binding=require"
    ));
    bound.password = Some("correct horse".into());
    connect(&bound).await.expect("channel binding over TLS");

    // sslmode=require over a Unix socket: libpq ignores sslmode there, and so does pglens.
    let socket = resolved(&format!(
        "host={} port={} user=postgres dbname={} sslmode=require",
        cluster.socket_dir.display(),
        cluster.port,
        db.name
    ));
    connect(&socket)
        .await
        .expect("sslmode ignored over a socket");
}

/// An HTTP server on the port is named as such, not "bytes remaining on stream".
#[tokio::test]
async fn an_http_server_is_named_as_one() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().take(4).flatten() {
            let mut buf = [0u8; 64];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let params = resolved(&format!(
        "host=127.0.0.1 port={port} user=x dbname=x connect_timeout=3"
    ));
    let err = must_fail(connect(&params).await, "an HTTP server is not PostgreSQL");
    assert!(
        err.to_string().contains("answered like an HTTP server"),
        "{err}"
    );
}

/// When the snapshot cannot be exported (a revoked function, a pooler), the load goes on
/// over one connection, as documented, instead of failing in an aborted transaction.
#[tokio::test]
async fn a_failed_snapshot_export_falls_back_to_one_connection() {
    let Some(cluster) = managed() else { return };
    let (db, role) = db_with_login("noexport").await;
    db.exec("CREATE TABLE kept (id int); REVOKE EXECUTE ON FUNCTION pg_catalog.pg_export_snapshot() FROM PUBLIC;")
        .await;
    let params = tcp_params(
        cluster,
        &db.name,
        &role,
        Some("correct horse"),
        SslMode::Disable,
    );
    let catalog = pglens::source::live::load(&params, &mut |_| {})
        .await
        .expect("loads over one connection");
    assert!(catalog.relation("public", "kept").is_some());
}

/// A table under an ACCESS EXCLUSIVE lock (a migration in progress) is named when a
/// catalog read gives up waiting for it.
#[tokio::test]
async fn a_locked_table_is_named() {
    let db = TestDb::new("locked").await;
    db.exec("CREATE TABLE busy (id int); CREATE VIEW busy_view AS SELECT id FROM busy;")
        .await;
    let holder = crate::common::connect_params(&db.params).await;
    holder
        .batch_execute("BEGIN; LOCK TABLE busy IN ACCESS EXCLUSIVE MODE;")
        .await
        .unwrap();
    let result = pglens::source::live::load(&db.params, &mut |_| {}).await;
    holder.batch_execute("ROLLBACK").await.unwrap();
    let e = must_fail(result, "a catalog read waits for the lock");
    assert!(matches!(e, LiveError::Locked { .. }), "{e:?}");
    assert!(e.to_string().contains("busy (pid"), "{e}");
}

/// A role that may not read a sequence cannot tell how far it is: the audit says the rule
/// was not evaluated there, instead of passing it.
#[tokio::test]
async fn unreadable_sequences_are_reported_as_not_evaluated() {
    let db = TestDb::new("noseq").await;
    let role = format!("noseq_{}", db.name.rsplit('_').next().unwrap_or("0"));
    db.exec(&format!(
        "CREATE TABLE kernel_events (id serial PRIMARY KEY);
         SELECT setval('kernel_events_id_seq', 1900000000);
         CREATE ROLE {role} LOGIN;"
    ))
    .await;
    let rule = |catalog: &pglens::model::Catalog| -> Vec<(pglens::audit::Severity, String)> {
        let selection = pglens::audit::Selection {
            only: vec!["sequence-near-overflow".into()],
            skip: vec![],
        };
        pglens::audit::run(catalog, &selection)
            .into_iter()
            .map(|f| (f.severity, f.message))
            .collect()
    };
    let as_owner = rule(&db.introspect().await);
    assert!(
        matches!(as_owner.as_slice(), [(pglens::audit::Severity::Critical, m)] if m.contains("kernel_events_id_seq")),
        "{as_owner:?}"
    );
    let mut params = db.params.clone();
    params.user = role.clone();
    let catalog = pglens::source::live::load(&params, &mut |_| {})
        .await
        .unwrap();
    let as_stranger = rule(&catalog);
    assert!(
        matches!(as_stranger.as_slice(), [(pglens::audit::Severity::Info, m)]
            if m.contains("not evaluated for 1 sequence(s) in public") && m.contains("kernel_events_id_seq")),
        "{as_stranger:?}"
    );
    db.exec(&format!("DROP ROLE {role}")).await;
}
