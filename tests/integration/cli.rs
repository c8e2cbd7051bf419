//! The `pglens` binary, run as a user would.

use crate::common::TestDb;

use crate::run_pglens as pglens;

#[test]
fn demo_prints_a_summary() {
    let (code, out, err) = pglens(&["--demo"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("source:   demo"), "{out}");
    assert!(out.contains("Supabase"), "{out}");
}

#[tokio::test]
async fn snapshot_then_open_the_snapshot() {
    let db = TestDb::with_demo("clisnap").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snap.json");
    let file = file.to_str().unwrap();
    let (code, _, err) = pglens(&["snapshot", &db.conninfo(), "-o", file]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = pglens(&[file]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("database: {}", db.name)), "{out}");
    let loaded = pglens::source::snapshot::load(std::path::Path::new(file)).unwrap();
    assert_eq!(
        loaded.relations.len(),
        db.introspect().await.relations.len()
    );
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["postgres://u:s3cret@127.0.0.1:1/db?sslmode=nope"],
            "invalid sslmode",
        ),
        (&["host=127.0.0.1 port=notaport"], "invalid port"),
        (
            &["./no/such/file.json"],
            "neither a file nor a connection string",
        ),
        (
            &["postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=2"],
            "cannot reach the server",
        ),
        (
            &[concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")],
            "not a pglens snapshot",
        ),
    ];
    for (args, expected) in cases {
        let (code, out, err) = pglens(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("s3cret"), "password leaked: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// What a user of a ripgrep-class tool expects from its installation story.
#[test]
fn completions_man_pages_version_and_examples() {
    for (shell, marker) in [
        ("bash", "complete -F _pglens"),
        ("zsh", "#compdef pglens"),
        ("fish", "complete -c pglens"),
    ] {
        let (code, out, err) = pglens(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell}: {out}");
        // Subcommands and their options are completed, not only the top level.
        assert!(out.contains("fail-on"), "{shell} lacks audit's options");
    }
    let (code, _, err) = pglens(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error");
    assert!(err.contains("bash") && err.contains("fish"), "{err}");

    let (code, page, err) = pglens(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        page.starts_with(".ie") || page.contains(".TH pglens 1"),
        "{page}"
    );
    assert!(
        page.contains(".SH SUBCOMMANDS") && page.contains("audit"),
        "{page}"
    );

    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = pglens(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let audit = std::fs::read_to_string(dir.path().join("pglens-audit.1")).unwrap();
    assert!(audit.contains(".TH pglens-audit 1"), "{audit}");
    assert!(audit.contains("fail\\-on"), "{audit}");
    assert!(dir.path().join("pglens-plan-export.1").is_file());
    let (code, _, err) = pglens(&["man", "--dir", "/no/such/folder"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a folder"), "{err}");

    // Built from this repository, so the version names the commit.
    let (code, version, _) = pglens(&["--version"]);
    assert_eq!(code, 0);
    let commit = std::process::Command::new("git")
        .args(["log", "-1", "--format=%h"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    assert!(version.starts_with(concat!("pglens ", env!("CARGO_PKG_VERSION"))));
    if let Some(commit) = commit {
        assert!(
            version.contains(&commit),
            "{version} does not name {commit}"
        );
    }

    let (code, help, _) = pglens(&["audit", "--help"]);
    assert_eq!(code, 0);
    assert!(
        help.contains("Examples:") && help.contains("--fail-on warning"),
        "{help}"
    );
}

/// `pglens` alone in a Supabase project says how to open the project's local database
/// (on the port its config gives) and its files, instead of trying PostgreSQL's default port;
/// a database named in the environment is opened as always.
#[test]
fn no_source_in_a_supabase_project_says_how_to_open_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("supabase/migrations")).unwrap();
    // Something listening where the project's database would be.
    let stack = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = stack.local_addr().unwrap().port();
    std::fs::write(
        dir.path().join("supabase/config.toml"),
        format!("project_id = \"app\"\n[db]\nport = {port}\n"),
    )
    .unwrap();
    let run = |env: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pglens"));
        for v in ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE"] {
            command.env_remove(v);
        }
        let out = command
            .envs(env.iter().copied())
            .current_dir(dir.path())
            .output()
            .expect("run pglens");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "running on port {port}: pglens postgresql://postgres:postgres@127.0.0.1:{port}/postgres"
        )),
        "{err}"
    );
    assert!(err.contains("offline: pglens ."), "{err}");
    // Named through the environment: pglens connects (here to a port nobody serves).
    let (code, err) = run(&[("PGHOST", "127.0.0.1"), ("PGPORT", "1")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot reach the server"), "{err}");
    assert!(!err.contains("Supabase project"), "{err}");
}
