//! The real binary in tmux, as a person over SSH would use it: find a table with `/`,
//! copy its fix with `y`, and read tmux's paste buffer to find that table's fix SQL.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux is installed (scripts/setup installs it)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Waits (bounded) until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits (bounded) until the screen no longer shows `text`.
    fn wait_for_gone(&self, text: &str) {
        let start = Instant::now();
        while self.screen().contains(text) {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {text:?} to go"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Starts the explorer on the demo in a 120x40 session, with `dir` as its home and
    /// working directory, and waits until it has loaded.
    fn start_demo(&self, dir: &std::path::Path) {
        self.start(dir, "--demo");
        self.wait_for("grouped by categories");
    }

    /// Starts the explorer with `args` (already quoted for a shell) in a 120x40 session.
    fn start(&self, dir: &std::path::Path, args: &str) {
        self.start_sized(dir, args, (120, 40));
    }

    /// Starts the explorer with `args` in a session of `columns` x `rows`.
    fn start_sized(&self, dir: &std::path::Path, args: &str, (columns, rows): (u16, u16)) {
        let command = format!(
            "cd '{dir}' && env -u PGLENS_CONFIG -u PGPASSWORD HOME='{dir}' XDG_STATE_HOME='{dir}/state' TERM=xterm-256color '{bin}' {args}",
            dir = dir.display(),
            bin = env!("CARGO_BIN_EXE_pglens"),
        );
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &columns.to_string(),
            "-y",
            &rows.to_string(),
            &command,
        ]);
    }

    /// Finds a table with `/`, waits for `hit` among the results, and opens it.
    fn open_table(&self, table: &str, hit: &str) {
        self.keys(&["/"]);
        self.wait_for("find by name");
        self.keys(&["-l", table]);
        self.wait_for(hit);
        self.keys(&["Enter"]);
        self.wait_for(&format!("{table} table"));
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn find_a_table_copy_its_fix_and_paste_it_from_tmux() {
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-{}", std::process::id()),
    };
    tmux.start_demo(home.path());
    tmux.run(&["set", "-g", "set-clipboard", "on"]);

    tmux.open_table("public.leads", "public.leads_active");
    let buffers = || tmux.run(&["list-buffers"]).lines().count();
    let before = buffers();
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("copied");
    assert!(screen.contains("tmux buffer loaded"), "{screen}");
    // With set-clipboard on, an OSC 52 from the explorer would make a second buffer.
    assert_eq!(buffers(), before + 1, "one tmux buffer per copy");

    let buffer = tmux.run(&["show-buffer"]);
    assert!(buffer.starts_with("-- pglens fix script:"), "{buffer}");
    assert!(buffer.contains("public.leads"), "{buffer}");
    assert!(
        buffer
            .lines()
            .any(|l| l.ends_with(';') && l.contains("leads")),
        "fix SQL in the buffer:\n{buffer}"
    );
    let saved = std::fs::read_to_string(home.path().join("state/pglens/last-copy.sql")).unwrap();
    assert_eq!(saved, buffer, "the file route holds the same text");

    tmux.keys(&["q"]);
}

/// Cleanup decisions made in the explorer are saved to the plan file, are there again after
/// a restart, and `E` exports the plan beside it.
#[test]
fn plan_marks_survive_a_restart_and_export() {
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-plan-{}", std::process::id()),
    };
    let start = || tmux.start_demo(home.path());
    start();
    tmux.open_table("public.failed_attempts", "public.failed_attempts");
    tmux.keys(&["m"]);
    tmux.wait_for("remove from plan");
    tmux.keys(&["d"]);
    tmux.wait_for("note:");
    tmux.keys(&["-l", "replaced by failed_login_attempts"]);
    tmux.wait_for("note: replaced by failed_login_attempts");
    tmux.keys(&["Enter"]);
    tmux.wait_for("plan: drop public.failed_attempts");
    let plan = std::fs::read_to_string(home.path().join("pglens-plan.toml")).unwrap();
    assert!(
        plan.contains("name = \"failed_attempts\"") && plan.contains("decision = \"drop\""),
        "{plan}"
    );
    tmux.keys(&["q"]);
    // Give the first session time to exit before the second takes its name.
    std::thread::sleep(std::time::Duration::from_millis(300));

    start();
    tmux.open_table("public.failed_attempts", "public.failed_attempts");
    tmux.keys(&["8"]); // Usage
    tmux.wait_for("drop: replaced by failed_login_attempts");
    let screen = tmux.wait_for("failed_attempts [drop]");
    assert!(
        screen.contains("not read or written in 30 days"),
        "{screen}"
    );
    tmux.keys(&["E"]);
    tmux.wait_for("plan written to");
    let sql = std::fs::read_to_string(home.path().join("pglens-plan.sql")).unwrap();
    assert!(
        sql.contains("DROP TABLE IF EXISTS public.failed_attempts;"),
        "{sql}"
    );
    assert!(home.path().join("pglens-plan.md").is_file());
    tmux.keys(&["q"]);
}

/// A signal (the SSH session dropped, `kill`) ends the explorer with the terminal put back:
/// no alternate screen and no mouse reporting left on for the shell.
#[test]
fn a_signal_leaves_the_terminal_as_it_was() {
    for signal in ["TERM", "HUP"] {
        let home = tempfile::tempdir().unwrap();
        let tmux = Tmux {
            socket: format!("pglens-e2e-signal-{}-{signal}", std::process::id()),
        };
        tmux.start_demo(home.path());
        tmux.run(&["set-option", "-t", "e2e", "remain-on-exit", "on"]);
        let flags = |f: &str| tmux.run(&["display-message", "-p", "-t", "e2e", f]);
        assert_eq!(flags("#{alternate_on}").trim(), "1", "the explorer runs");
        let shell = flags("#{pane_pid}");
        let pglens = Command::new("pgrep")
            .args(["-P", shell.trim()])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&pglens.stdout).trim().to_string();
        let pid = if pid.is_empty() {
            shell.trim().to_string()
        } else {
            pid
        };
        Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        let start = Instant::now();
        while flags("#{pane_dead}").trim() != "1" {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "still running after SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            flags("#{alternate_on}").trim(),
            "0",
            "alternate screen left on by SIG{signal}"
        );
        assert_eq!(
            flags("#{mouse_any_flag}").trim(),
            "0",
            "mouse reporting left on by SIG{signal}"
        );
    }
}

/// A server that wants a password nobody gave: the explorer asks for it (masked), connects
/// with it, and shows the schema.
#[tokio::test]
async fn the_explorer_asks_for_a_missing_password() {
    let Some(cluster) = crate::common::server().cluster.as_ref() else {
        return;
    };
    let db = crate::common::TestDb::new("askpw").await;
    let role = format!("askpw_{}", db.name.rsplit('_').next().unwrap_or("0"));
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'correct horse'; CREATE TABLE visible_after_login (id int PRIMARY KEY);"
    ))
    .await;
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-askpw-{}", std::process::id()),
    };
    tmux.start(
        home.path(),
        &format!(
            "'host=127.0.0.1 port={} user={role} dbname={} sslmode=disable'",
            cluster.port, db.name
        ),
    );
    tmux.wait_for("password:");
    tmux.keys(&["-l", "correct horse"]);
    let screen = tmux.wait_for("password: •••••••••••••");
    assert!(!screen.contains("correct horse"), "{screen}");
    tmux.keys(&["Enter"]);
    // The schema appears once connected (the status line may still show a notice, so the
    // table in the tree is what tells), and the password is never on screen.
    let screen = tmux.wait_for("visible_after_login");
    assert!(!screen.contains("correct horse"), "{screen}");
}

/// When the terminal goes away without a word (tmux killed, the SSH connection dropped),
/// the explorer exits instead of spinning on a closed terminal.
#[test]
fn a_vanished_terminal_ends_the_explorer() {
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-hangup-{}", std::process::id()),
    };
    tmux.start_demo(home.path());
    let shell = tmux.run(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
    let children = Command::new("pgrep")
        .args(["-P", shell.trim()])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&children.stdout).trim().to_string();
    let pid = if pid.is_empty() {
        shell.trim().to_string()
    } else {
        pid
    };
    tmux.run(&["kill-server"]);
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if state.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "pglens {pid} still running after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A Supabase app's migrations, as a new user opens them: the first screen is the app's
/// own tables (the platform folded at the bottom), and `/` + an exact table name + Enter
/// opens that table, not one of its columns.
#[test]
fn a_supabase_app_opens_on_its_own_tables_and_the_finder_finds_them() {
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-app-{}", std::process::id()),
    };
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/shapes/supabase_chat.sql"
    );
    tmux.start(home.path(), &format!("'{fixture}'"));
    let screen = tmux.wait_for("Worst first");
    let tree: Vec<&str> = screen.lines().take(15).collect();
    assert!(
        tree.iter()
            .all(|l| !l.contains("auth.") && !l.contains("mfa")),
        "{screen}"
    );
    assert!(screen.contains("Platform: auth, storage"), "{screen}");
    tmux.keys(&["/"]);
    tmux.wait_for("find by name");
    tmux.keys(&["-l", "messages"]);
    tmux.wait_for("public.messages.id");
    tmux.keys(&["Enter"]);
    tmux.wait_for("public.messages table");
}

/// At 80x24, the real binary reads the last of twelve alike storage policies and a
/// 100-line function body to their last lines.
#[test]
fn a_long_policy_and_a_long_function_read_to_their_last_line_at_80x24() {
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-long-{}", std::process::id()),
    };
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/shapes/supabase_teams.sql"
    );
    // What the last lines are, from the same screens in-process.
    let (policy_end, function_end) = {
        use pglens::model::{ObjectId, QualifiedName};
        use pglens::tui::{action::Action, state::Overlay, tab::Tab};
        let mut app = crate::full_text::teams_app(80, 24);
        let objects = ObjectId::Relation(QualifiedName::new("storage", "objects"));
        crate::full_text::open(&mut app, objects, Tab::Policies);
        app.update(Action::End);
        app.update(Action::Enter);
        let Overlay::Full(full) = &app.overlay else {
            panic!("Enter opens the policy in full");
        };
        let policy_end = last_words(&full.doc);
        let model = app.model.as_ref().expect("loaded");
        let provision_team = ObjectId::Function {
            schema: "public".into(),
            name: "provision_team".into(),
            arguments: "team_name text, team_slug text".into(),
        };
        let definition = pglens::tui::doc::definition::doc(model, &provision_team);
        (policy_end, last_words(&definition))
    };
    tmux.start_sized(home.path(), &format!("'{fixture}'"), (80, 24));
    tmux.wait_for("Worst first");
    tmux.keys(&["/"]);
    tmux.wait_for("find by name");
    tmux.keys(&["-l", "storage.objects"]);
    tmux.wait_for("storage.objects");
    tmux.keys(&["Enter"]);
    tmux.wait_for("storage.objects table");
    tmux.keys(&["4"]);
    tmux.wait_for("names start");
    tmux.keys(&["G"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("command: UPDATE");
    tmux.keys(&["G"]);
    let screen = tmux.wait_for(&policy_end);
    assert!(screen.contains("team-files (update)"), "{screen}");
    assert_at_the_end(&tmux, &screen);
    // Esc alone: a key sent right after it would arrive as Alt-key.
    tmux.keys(&["Escape"]);
    tmux.wait_for("names start");
    tmux.keys(&["/"]);
    tmux.wait_for("find by name");
    tmux.keys(&["-l", "provision_team"]);
    tmux.wait_for("provision_team(");
    tmux.keys(&["Enter"]);
    tmux.keys(&["0"]); // Definition
    tmux.wait_for("CREATE FUNCTION public.provision_team");
    tmux.keys(&["G"]);
    let screen = tmux.wait_for(&function_end);
    assert!(screen.contains("the end of provision_team"), "{screen}");
    assert_at_the_end(&tmux, &screen);
    tmux.keys(&["q"]);
}

/// The last word of a document as the screen shows it: its last line that holds text
/// ends with it, however that line wraps.
fn last_words(doc: &pglens::tui::doc::Doc) -> String {
    let last = doc
        .lines
        .iter()
        .rev()
        .map(|l| l.text.trim_end())
        .find(|t| !t.is_empty())
        .expect("the document has text");
    // The last word, and of a path its file name: the binary was given an absolute path.
    let word = last.split_whitespace().last().unwrap_or(last);
    word.rsplit('/').next().unwrap_or(word).to_string()
}

/// More Down and PageDown change nothing: the screen shown is the end.
fn assert_at_the_end(tmux: &Tmux, screen: &str) {
    tmux.keys(&["Down", "PageDown"]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(tmux.screen(), screen, "there was more below");
}

/// A peek at a slow view: the explorer stays usable while it runs (Esc closes it, the
/// finder opens another table), and a peek left open ends with the timeout's message.
#[tokio::test]
async fn a_slow_peek_leaves_the_explorer_usable_and_times_out() {
    let db = crate::common::TestDb::new("e2e_peek").await;
    db.exec(
        "CREATE VIEW public.slow_report AS SELECT 1 AS n FROM pg_sleep(60);
         CREATE TABLE public.quick_table (id int PRIMARY KEY);
         INSERT INTO public.quick_table VALUES (7);",
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-peek-{}", std::process::id()),
    };
    tmux.start(home.path(), &format!("\"{}\"", db.conninfo()));
    tmux.wait_for("quick_table");
    let find = |name: &str, shown: &str| {
        tmux.keys(&["/"]);
        tmux.wait_for("find by name");
        tmux.keys(&["-l", name]);
        tmux.wait_for(&format!("public.{name}"));
        tmux.keys(&["Enter"]);
        tmux.wait_for(shown);
    };
    find("slow_report", "slow_report view");
    tmux.keys(&["p"]);
    tmux.wait_for("reading the first 50 rows of public.slow_report");
    // Esc alone, seen to close the peek: a key sent right after it would arrive as Alt-key.
    tmux.keys(&["Escape"]);
    tmux.wait_for_gone("rows of public.slow_report");
    find("quick_table", "quick_table table");
    tmux.keys(&["p"]);
    tmux.wait_for("rows of public.quick_table: all 1");
    std::thread::sleep(Duration::from_millis(600));
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(600));
    find("slow_report", "slow_report view");
    tmux.keys(&["p"]);
    let screen = tmux.wait_for("took longer than 5 s and was cancelled");
    assert!(screen.contains("rows of public.slow_report"), "{screen}");
}

/// A copy larger than OSC 52 carries (here the fixes of 1,500 tables, over 200 KB) is
/// loaded into one tmux buffer whole, not forwarded to the terminal, and the status line
/// says so; the file holds the same text.
#[test]
fn a_copy_too_large_for_osc_52_stays_in_tmux_and_the_file() {
    let home = tempfile::tempdir().unwrap();
    let mut sql = String::from("CREATE TABLE public.accounts (id bigint PRIMARY KEY);\n");
    for n in 1..=1500 {
        sql.push_str(&format!(
            "CREATE TABLE public.ledger_{n:04} (id bigint PRIMARY KEY, \
             account_id bigint NOT NULL REFERENCES public.accounts (id));\n"
        ));
    }
    let file = home.path().join("001_ledgers.sql");
    std::fs::write(&file, sql).unwrap();
    let tmux = Tmux {
        socket: format!("pglens-e2e-large-{}", std::process::id()),
    };
    // Wide, so the status line has room for the whole report.
    tmux.start_sized(home.path(), &format!("'{}'", file.display()), (240, 40));
    tmux.wait_for("Worst first");
    tmux.run(&["set", "-g", "set-clipboard", "on"]);
    let buffers = || tmux.run(&["list-buffers"]).lines().count();
    let before = buffers();
    // The tree: Core tables, accounts, then the category of the ledgers.
    tmux.keys(&["Home", "Down", "Down", "Y"]);
    let screen = tmux.wait_for("not forwarded");
    assert!(screen.contains("too large for OSC 52"), "{screen}");
    assert_eq!(buffers(), before + 1, "one tmux buffer per copy");
    let buffer = tmux.run(&["show-buffer"]);
    assert!(buffer.len() > 100 * 1024, "{} bytes", buffer.len());
    assert!(buffer.contains("public.ledger_1500"), "the buffer is whole");
    let saved = std::fs::read_to_string(home.path().join("state/pglens/last-copy.sql")).unwrap();
    assert_eq!(saved, buffer, "the file route holds the same text");
    tmux.keys(&["q"]);
}
