//! `pglens` run with no source inside a Supabase project: the user most likely wants the
//! project's local database (`supabase start` serves it on the `[db] port` of
//! `supabase/config.toml`, 54322 unless changed) or its migration files, not whatever
//! listens on PostgreSQL's default port. Rather than guess, pglens says how to open each.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

/// The port `supabase init` gives the local database.
const DEFAULT_DB_PORT: u16 = 54322;

/// Environment variables through which a user already says which database they mean.
const CONNECTION_VARIABLES: [&str; 5] =
    ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE"];

/// A Supabase project found in the working directory.
#[derive(Debug, PartialEq, Eq)]
pub struct LocalProject {
    pub db_port: u16,
}

/// The Supabase project `dir` is (its root or its `supabase/` folder), if any.
pub fn project_in(dir: &Path) -> Option<LocalProject> {
    // `pglens .` opens the migrations from either folder.
    let config = [dir.join("supabase/config.toml"), dir.join("config.toml")]
        .into_iter()
        .find(|c| c.is_file())?;
    let text = std::fs::read_to_string(&config).ok()?;
    let parsed: toml::Table = toml::from_str(&text).ok()?;
    // `supabase/config.toml` always has a project_id; a config.toml without one is another
    // tool's.
    parsed.get("project_id")?;
    let db_port = parsed
        .get("db")
        .and_then(|db| db.get("port"))
        .and_then(toml::Value::as_integer)
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(DEFAULT_DB_PORT);
    Some(LocalProject { db_port })
}

/// Whether the user named a database through the environment, as libpq reads it.
pub fn environment_names_a_database(var: &dyn Fn(&str) -> Option<String>) -> bool {
    CONNECTION_VARIABLES
        .iter()
        .any(|v| var(v).is_some_and(|value| !value.is_empty()))
}

/// Whether something accepts connections on `port` of this machine (briefly asked).
pub fn listening(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok()
}

/// What to tell the user: how to open the local database (or start it) and the files.
pub fn advice(project: &LocalProject, running: bool) -> String {
    let url = format!(
        "postgresql://postgres:postgres@127.0.0.1:{}/postgres",
        project.db_port
    );
    let database = if running {
        format!(
            "its local database is running on port {}: pglens {url}",
            project.db_port
        )
    } else {
        format!(
            "its local database is not running (start it with `supabase start`, then: pglens {url})"
        )
    };
    format!(
        "this folder is a Supabase project and no database was named.\n  \
         {database}\n  \
         its migration files, offline: pglens .\n  \
         the demo schema: pglens --demo"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_folder_is_found_with_its_database_port() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(project_in(dir.path()), None);
        std::fs::create_dir_all(dir.path().join("supabase")).unwrap();
        let config = dir.path().join("supabase/config.toml");
        std::fs::write(&config, "project_id = \"app\"\n").unwrap();
        assert_eq!(
            project_in(dir.path()).map(|p| p.db_port),
            Some(DEFAULT_DB_PORT)
        );
        std::fs::write(&config, "project_id = \"app\"\n[db]\nport = 6543\n").unwrap();
        assert_eq!(project_in(dir.path()).map(|p| p.db_port), Some(6543));
        // From inside supabase/ too.
        assert_eq!(
            project_in(&dir.path().join("supabase")).map(|p| p.db_port),
            Some(6543)
        );
        // Another tool's config.toml is not a Supabase project.
        std::fs::write(&config, "[package]\nname = \"x\"\n").unwrap();
        assert_eq!(project_in(dir.path()), None);
    }

    #[test]
    fn the_advice_names_the_running_database_and_the_files() {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(listening(port));
        drop(listener);
        let project = LocalProject { db_port: port };
        let running = advice(&project, true);
        assert!(
            running.contains(&format!("running on port {port}: pglens postgresql://postgres:postgres@127.0.0.1:{port}/postgres")),
            "{running}"
        );
        assert!(running.contains("offline: pglens ."), "{running}");
        assert!(advice(&project, false).contains("supabase start"));
    }

    #[test]
    fn a_database_named_in_the_environment_is_respected() {
        assert!(!environment_names_a_database(&|_| None));
        assert!(environment_names_a_database(&|v| {
            (v == "PGPORT").then(|| "5433".into())
        }));
        assert!(!environment_names_a_database(&|_| Some(String::new())));
    }
}
