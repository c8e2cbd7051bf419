//! The real-PostgreSQL test harness.
//!
//! Starts one throwaway cluster per test binary (initdb + pg_ctl in a temp dir, on a private
//! Unix socket and a free loopback port, with TLS from a CA it generates), unless
//! `PGLENS_TEST_DATABASE_URL` names a server to use instead. Each test asks for its own
//! database with [`TestDb::new`].
//!
//! When the tests run as root, the server runs as an unprivileged user (`postgres` if it
//! exists, else `nobody`), because PostgreSQL refuses to run as root. A small watchdog
//! process stops the cluster and removes its directory once the test process is gone, since
//! statics are never dropped.
//!
//! Server binaries are found through `PGLENS_PG_BIN` (a bin directory), then
//! `PGLENS_PG_VERSION` (a major fetched by `scripts/fetch-postgres` into `.cache/postgres`),
//! then `PATH`, then the newest `/usr/lib/postgresql/N/bin`.

#![allow(dead_code)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use pglens::source::live::conninfo::{self, ConnParams, SslMode};
use tokio_postgres::Client;

/// A server the tests may create databases in.
pub struct Server {
    /// Parameters of a superuser (or createdb-capable) connection to the maintenance db.
    pub admin: ConnParams,
    /// The managed cluster, when the harness started one (None with an external server).
    pub cluster: Option<Cluster>,
}

/// A cluster the harness started and controls.
pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    pub socket_dir: PathBuf,
    /// The CA that signed the server certificate, for `sslrootcert`.
    pub ca_cert: PathBuf,
    pub bin: PathBuf,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static POOLER: OnceLock<u16> = OnceLock::new();
static STUBS_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
static DB_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The shared server, started on first use.
pub fn server() -> &'static Server {
    SERVER.get_or_init(|| match std::env::var("PGLENS_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Server {
            admin: conninfo::resolve(&url, &conninfo::ProcessEnvironment)
                .unwrap_or_else(|e| panic!("PGLENS_TEST_DATABASE_URL is not usable: {e}")),
            cluster: None,
        },
        _ => start_cluster(),
    })
}

/// A database of one test's own.
pub struct TestDb {
    pub name: String,
    pub params: ConnParams,
    pub client: Client,
}

impl TestDb {
    /// Creates a fresh, empty database named after `hint`.
    pub async fn new(hint: &str) -> TestDb {
        let server = server();
        let name = format!(
            "pglens_{}_{}_{}",
            hint,
            std::process::id(),
            DB_COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let admin = connect_params(&server.admin).await;
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let mut params = server.admin.clone();
        params.dbname = name.clone();
        let client = connect_params(&params).await;
        TestDb {
            name,
            params,
            client,
        }
    }

    /// Creates a database and loads the demo schema into it.
    pub async fn with_demo(hint: &str) -> TestDb {
        let db = TestDb::with_supabase(hint).await;
        db.exec(DEMO_SQL).await;
        let version: i32 = db
            .client
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .await
            .expect("server version")
            .get(0);
        if version >= 150_000 {
            db.exec(DEMO_SECURITY_INVOKER_SQL).await;
        }
        db
    }

    /// Creates a database with only what Supabase provides (auth schema, API roles).
    pub async fn with_supabase(hint: &str) -> TestDb {
        let db = TestDb::new(hint).await;
        // Roles are cluster-wide: two tests creating `anon` at once would both see it
        // missing and one would fail on the duplicate, so stubs load one at a time.
        let _guard = STUBS_LOCK.lock().await;
        db.exec(SUPABASE_STUBS_SQL).await;
        db
    }

    /// Creates a database and loads a schema file that may create the API roles itself (the
    /// shape fixtures do, guarded): one load at a time, as with the stubs.
    pub async fn with_schema(hint: &str, sql: &str) -> TestDb {
        let db = TestDb::new(hint).await;
        let _guard = STUBS_LOCK.lock().await;
        db.exec(sql).await;
        db
    }

    /// Runs SQL as the test's superuser; the server's message on failure.
    pub async fn try_exec(&self, sql: &str) -> Result<(), String> {
        self.client.batch_execute(sql).await.map_err(|e| {
            e.as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string())
        })
    }

    /// Runs SQL as the test's superuser, panicking with the server's message on failure.
    pub async fn exec(&self, sql: &str) {
        if let Err(e) = self.client.batch_execute(sql).await {
            let detail = e
                .as_db_error()
                .map(|d| format!("{} ({:?})", d.message(), d.position()))
                .unwrap_or_else(|| e.to_string());
            panic!("SQL failed in {}: {detail}", self.name);
        }
    }

    /// Waits until the statistics this session has counted reach other sessions, which is
    /// when `ready` (a query returning one boolean, read by this session) is true.
    ///
    /// From PostgreSQL 15 a forced flush publishes them at once. Before, a backend reports
    /// at the end of a transaction at most every 500 ms, the collector receives the report
    /// a moment later, and a reader may be served a statistics file up to 500 ms old: one
    /// sleep is not enough under load, so the wait polls with a fresh snapshot each time.
    pub async fn await_statistics(&self, ready: &str) {
        self.exec(
            "DO $$ BEGIN
               IF current_setting('server_version_num')::int >= 150000 THEN
                 PERFORM pg_stat_force_next_flush();
               ELSE
                 PERFORM pg_sleep(0.6);
               END IF;
             END $$;",
        )
        .await;
        for _ in 0..100 {
            self.exec("SELECT pg_stat_clear_snapshot()").await;
            let row = self
                .client
                .query_one(ready, &[])
                .await
                .unwrap_or_else(|e| panic!("{ready}: {e}"));
            if row.get::<_, Option<bool>>(0) == Some(true) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("statistics never reached other sessions: {ready}");
    }

    /// A `key=value` connection string for the binary's command line.
    pub fn conninfo(&self) -> String {
        conninfo_string(&self.params)
    }

    /// Introspects this database through the library, as the CLI would.
    pub async fn introspect(&self) -> pglens::model::Catalog {
        pglens::source::live::load(&self.params, &mut |_| {})
            .await
            .unwrap_or_else(|e| panic!("introspection failed: {e}"))
    }
}

/// A `pg_dump` that can dump this server (its major or newer): next to the server's own
/// binaries, else the newest installed one. None when there is none.
pub fn pg_dump_for(server_major: u32) -> Option<PathBuf> {
    let own = server().cluster.as_ref().map(|c| c.bin.join("pg_dump"));
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten();
    let mut candidates: Vec<(u32, PathBuf)> = installed
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((major, e.path().join("bin/pg_dump")))
        })
        .filter(|(major, path)| *major >= server_major && path.exists())
        .collect();
    candidates.sort();
    own.filter(|p| p.exists())
        .or_else(|| candidates.pop().map(|(_, p)| p))
}

/// The demo schema's SQL (to load after the stubs).
pub const DEMO_SQL: &str = include_str!("../../assets/demo/schema.sql");
/// What the demo adds on PostgreSQL 15 and later.
pub const DEMO_SECURITY_INVOKER_SQL: &str = include_str!("../../assets/demo/security_invoker.sql");
/// Supabase's auth schema, functions and roles, stubbed for plain PostgreSQL.
pub const SUPABASE_STUBS_SQL: &str = include_str!("../../assets/demo/supabase_stubs.sql");

/// Opens a plain connection for test set-up (writes allowed: it is the test's database).
pub async fn connect_params(params: &ConnParams) -> Client {
    pglens::source::live::connect::connect(params)
        .await
        .unwrap_or_else(|e| panic!("test connection to {} failed: {e}", params.label()))
}

/// Quotes parameters back into a `key=value` string.
pub fn conninfo_string(p: &ConnParams) -> String {
    let q = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut s = format!(
        "host={} port={} user={} dbname={} sslmode={}",
        q(&p.hosts.join(",")),
        p.ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(","),
        q(&p.user),
        q(&p.dbname),
        p.sslmode.as_str()
    );
    if let Some(pw) = &p.password {
        s.push_str(&format!(" password={}", q(pw)));
    }
    s
}

fn start_cluster() -> Server {
    let bin = find_pg_bin();
    let dir = std::env::temp_dir().join(format!("pglens-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create cluster dir");
    let runner = ServerUser::detect();
    runner.own(&dir);

    let data = dir.join("data");
    runner
        .command(bin.join("initdb"))
        .args([
            "-D",
            path_str(&data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
        ])
        .args(["--locale=C", "--no-sync"])
        .run("initdb");

    let (ca_cert, server_cert, server_key) = make_certificates(&dir);
    for f in [&server_cert, &server_key] {
        runner.own(f);
    }
    let port = free_port();
    // max_locks_per_transaction: the 5,000-table benchmark creates its schema in one
    // transaction, past the default's lock table.
    let conf = format!(
        "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
         fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n\
         max_locks_per_transaction = 256\n\
         ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\nssl_ca_file = '{}'\n\
         password_encryption = 'scram-sha-256'\n",
        dir.display(),
        server_cert.display(),
        server_key.display(),
        ca_cert.display()
    );
    append(&data.join("postgresql.conf"), &conf);
    // The workload tests read pg_stat_statements, which only works when the server loads it at
    // start. Both the packaged servers (contrib) and the fetched ones ship it.
    if has_library(&bin, "pg_stat_statements") {
        append(
            &data.join("postgresql.conf"),
            "shared_preload_libraries = 'pg_stat_statements'\n",
        );
    }
    // (scram-sha-256 is the default from PostgreSQL 14; 13 stores md5 unless told.)
    // Sockets trust the harness; TCP demands a password, so auth failures can be tested;
    // the role pglens_tls_only may only come in over TLS; pglens_cert_user only with a
    // client certificate the harness CA signed (client.crt / client.key in the cluster dir).
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\nhost all postgres 127.0.0.1/32 trust\n\
         hostnossl all pglens_tls_only 127.0.0.1/32 reject\n\
         hostssl all pglens_cert_user 127.0.0.1/32 cert\n\
         host all pglens_cert_user 127.0.0.1/32 reject\n\
         host all all 127.0.0.1/32 scram-sha-256\n",
    )
    .expect("write pg_hba.conf");
    runner.own(&data.join("pg_hba.conf"));

    runner
        .command(bin.join("pg_ctl"))
        .args([
            "-D",
            path_str(&data),
            "-l",
            path_str(&dir.join("server.log")),
        ])
        .args(["-w", "-t", "60", "start"])
        .run("pg_ctl start");
    spawn_watchdog(&runner, &bin, &dir, &data);

    let admin = conninfo::resolve(
        &format!(
            "host={} port={port} user=postgres dbname=postgres sslmode=disable",
            dir.display()
        ),
        &NoEnvironment,
    )
    .expect("admin conninfo");
    Server {
        admin,
        cluster: Some(Cluster {
            dir: dir.clone(),
            port,
            socket_dir: dir,
            ca_cert,
            bin,
        }),
    }
}

/// Whether the server in `bin` can load the shared library `name` (Debian keeps libraries in
/// `lib/`, the fetched servers in `lib/postgresql/`).
fn has_library(bin: &Path, name: &str) -> bool {
    // `bin` may hold links to the real binaries (/usr/local/bin/initdb on some images).
    let real = std::fs::canonicalize(bin.join("postgres")).unwrap_or_else(|_| bin.join("postgres"));
    let Some(root) = real.parent().and_then(Path::parent) else {
        return false;
    };
    ["lib", "lib/postgresql"]
        .iter()
        .any(|dir| root.join(dir).join(format!("{name}.so")).exists())
}

/// Whether the test server loads pg_stat_statements (the harness's own cluster does when the
/// server ships it; an external server may not).
pub async fn stat_statements_loaded(client: &Client) -> bool {
    client
        .query_one(
            "SELECT 'pg_stat_statements' = ANY(string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))",
            &[],
        )
        .await
        .map(|row| row.get::<_, bool>(0))
        .unwrap_or(false)
}

/// The port of a PgBouncer in transaction mode in front of the managed cluster, started on
/// first use. Transaction pooling hands each transaction to whichever server connection is
/// free, so named prepared statements do not survive; pglens must not need them.
pub fn pooler_port(cluster: &Cluster) -> u16 {
    *POOLER.get_or_init(|| {
        let runner = ServerUser::detect();
        let port = free_port();
        let dir = cluster.dir.join("pgbouncer");
        std::fs::create_dir_all(&dir).expect("pgbouncer dir");
        runner.own(&dir);
        let ini = dir.join("pgbouncer.ini");
        let users = dir.join("userlist.txt");
        std::fs::write(&users, "\"postgres\" \"\"\n").expect("userlist");
        std::fs::write(
            &ini,
            format!(
                "[databases]\n* = host={socket} port={pgport}\n\n[pgbouncer]\n\
                 listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
                 auth_type = trust\nauth_file = {users}\npool_mode = transaction\n\
                 default_pool_size = 4\nmax_client_conn = 50\nlogfile = {log}\n",
                socket = cluster.socket_dir.display(),
                pgport = cluster.port,
                users = users.display(),
                log = dir.join("pgbouncer.log").display(),
            ),
        )
        .expect("pgbouncer.ini");
        for f in [&ini, &users] {
            runner.own(f);
        }
        let mut cmd = runner.command(PathBuf::from("pgbouncer"));
        cmd.arg(&ini)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        // Reaped by the kill below, after this process is gone.
        #[allow(clippy::zombie_processes)]
        let child = cmd
            .spawn()
            .expect("start pgbouncer (install the pgbouncer package)");
        run_after_exit(&runner, &format!("kill {}", child.id()));
        wait_for_port(port);
        port
    })
}

fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("pgbouncer did not start listening on port {port}");
}

/// Generates a CA and a server certificate it signs, for a name that is not the address the
/// tests connect to, so verify-ca passes and verify-full fails on the name.
fn make_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = dir.join("ca.key");
    let ca_cert = dir.join("ca.crt");
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let cert = dir.join("server.crt");
    let ext = dir.join("server.ext");
    std::fs::write(
        &ext,
        "subjectAltName = DNS:pglens-test.invalid\nbasicConstraints = CA:FALSE\n",
    )
    .expect("write ext");
    openssl(
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ],
        &[
            "-keyout",
            path_str(&ca_key),
            "-out",
            path_str(&ca_cert),
            "-subj",
            "/CN=pglens test CA",
        ],
    );
    openssl(
        &["req", "-newkey", "rsa:2048", "-nodes"],
        &[
            "-keyout",
            path_str(&key),
            "-out",
            path_str(&csr),
            "-subj",
            "/CN=pglens-test.invalid",
        ],
    );
    openssl(
        &["x509", "-req", "-days", "2", "-CAcreateserial"],
        &[
            "-in",
            path_str(&csr),
            "-CA",
            path_str(&ca_cert),
            "-CAkey",
            path_str(&ca_key),
            "-out",
            path_str(&cert),
            "-extfile",
            path_str(&ext),
        ],
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod key");
    // A client certificate for the role pglens_cert_user (cert authentication).
    let client_key = dir.join("client.key");
    let client_csr = dir.join("client.csr");
    let client_ext = dir.join("client.ext");
    std::fs::write(
        &client_ext,
        "basicConstraints = CA:FALSE\nextendedKeyUsage = clientAuth\n",
    )
    .expect("write client ext");
    openssl(
        &["req", "-newkey", "rsa:2048", "-nodes"],
        &[
            "-keyout",
            path_str(&client_key),
            "-out",
            path_str(&client_csr),
            "-subj",
            "/CN=pglens_cert_user",
        ],
    );
    openssl(
        &["x509", "-req", "-days", "2", "-CAcreateserial"],
        &[
            "-in",
            path_str(&client_csr),
            "-CA",
            path_str(&ca_cert),
            "-CAkey",
            path_str(&ca_key),
            "-out",
            path_str(&dir.join("client.crt")),
            "-extfile",
            path_str(&client_ext),
        ],
    );
    std::fs::set_permissions(&client_key, std::fs::Permissions::from_mode(0o600))
        .expect("chmod client key");
    (ca_cert, cert, key)
}

fn openssl(args: &[&str], more: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .args(more)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl (install the openssl package)");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Stops the cluster and removes its directory once this test process has exited.
fn spawn_watchdog(runner: &ServerUser, bin: &Path, dir: &Path, data: &Path) {
    let cleanup = format!(
        "'{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    run_after_exit(runner, &cleanup);
}

/// Runs `cleanup` (a shell command, as the server user) once this test process has exited.
fn run_after_exit(runner: &ServerUser, cleanup: &str) {
    let script = format!(
        "while [ -d /proc/{pid} ]; do sleep 1; done; {cleanup}",
        pid = std::process::id(),
    );
    let mut cmd = runner.command(PathBuf::from("/bin/sh"));
    cmd.args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    // Deliberately not waited for: the watchdog outlives this process and is reaped by init.
    #[allow(clippy::zombie_processes)]
    cmd.spawn().expect("start cluster watchdog");
}

fn find_pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("PGLENS_PG_BIN") {
        return PathBuf::from(dir);
    }
    if let Ok(major) = std::env::var("PGLENS_PG_VERSION") {
        let bin = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".cache/postgres")
            .join(&major)
            .join("bin");
        assert!(
            bin.join("postgres").is_file(),
            "PGLENS_PG_VERSION={major}: no server in {}; run scripts/fetch-postgres {major}",
            bin.display()
        );
        return bin;
    }
    if let Some(dir) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("initdb").is_file() && p.join("pg_ctl").is_file())
    }) {
        return dir;
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).expect(
        "no PostgreSQL server binaries: install postgresql (see README) or set PGLENS_PG_BIN",
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open postgresql.conf");
    f.write_all(text.as_bytes())
        .expect("append postgresql.conf");
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Who the server runs as: this process's user, or an unprivileged one when that is root.
struct ServerUser {
    ids: Option<(u32, u32)>,
}

impl ServerUser {
    fn detect() -> ServerUser {
        // A file this process creates is owned by its effective user: root or not.
        let probe = std::env::temp_dir().join(format!("pglens-uid-probe-{}", std::process::id()));
        std::fs::write(&probe, b"").expect("write uid probe");
        let is_root = std::fs::metadata(&probe)
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        let _ = std::fs::remove_file(&probe);
        if !is_root {
            return ServerUser { ids: None };
        }
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let ids = ["postgres", "nobody"].iter().find_map(|user| {
            passwd.lines().find_map(|line| {
                let f: Vec<&str> = line.split(':').collect();
                (f.first() == Some(user) && f.len() > 3)
                    .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
                    .flatten()
            })
        });
        assert!(
            ids.is_some(),
            "running as root but found no unprivileged user to run PostgreSQL"
        );
        ServerUser { ids }
    }

    fn own(&self, path: &Path) {
        if let Some((uid, gid)) = self.ids {
            std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown for server user");
        }
    }

    fn command(&self, program: PathBuf) -> Command {
        let mut cmd = Command::new(program);
        if let Some((uid, gid)) = self.ids {
            cmd.uid(uid).gid(gid).env("HOME", "/tmp");
        }
        cmd
    }
}

trait RunChecked {
    fn run(&mut self, what: &str);
}

impl RunChecked for Command {
    fn run(&mut self, what: &str) {
        let out = self
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// An environment with nothing in it, so the developer's PG* variables cannot leak in.
pub struct NoEnvironment;

impl conninfo::Environment for NoEnvironment {
    fn var(&self, _: &str) -> Option<String> {
        None
    }
    fn home_dir(&self) -> Option<PathBuf> {
        None
    }
    fn os_user(&self) -> Option<String> {
        None
    }
    fn read_passfile(&self, _: &Path) -> conninfo::PassfileRead {
        conninfo::PassfileRead::Missing
    }
    fn path_exists(&self, _: &Path) -> bool {
        false
    }
}

/// Like [`NoEnvironment`], but files named in a connection string are looked for on disk
/// (a client certificate, say).
pub struct FilesOnly;

impl conninfo::Environment for FilesOnly {
    fn var(&self, _: &str) -> Option<String> {
        None
    }
    fn home_dir(&self) -> Option<PathBuf> {
        None
    }
    fn os_user(&self) -> Option<String> {
        None
    }
    fn read_passfile(&self, _: &Path) -> conninfo::PassfileRead {
        conninfo::PassfileRead::Missing
    }
    fn path_exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// Parameters for a TCP connection to the managed cluster as `user`.
pub fn tcp_params(
    cluster: &Cluster,
    db: &str,
    user: &str,
    password: Option<&str>,
    sslmode: SslMode,
) -> ConnParams {
    let mut p = conninfo::resolve(
        &format!(
            "host=127.0.0.1 port={} dbname='{db}' user='{user}'",
            cluster.port
        ),
        &NoEnvironment,
    )
    .expect("tcp conninfo");
    p.password = password.map(str::to_string);
    p.sslmode = sslmode;
    p
}
