//! `pglens rls` on a real server with seeded data: two users in two workspaces. Correct
//! policies show no leak; each planted mistake shows one at its table; the statements the
//! command sends are all reads (the server logs them).

use serde_json::Value;

use crate::common::TestDb;
use crate::run_pglens;

const USER_A: &str = "00000000-0000-0000-0000-00000000000a";
const USER_B: &str = "00000000-0000-0000-0000-00000000000b";

/// Two users in two workspaces, and tables scoped by workspace and by user, with the
/// policies a careful team writes: membership through a SECURITY DEFINER helper that pins
/// its search_path, `user_id = auth.uid()` for personal rows.
const CORRECT: &str = "
    INSERT INTO auth.users (id, email) VALUES
      ('00000000-0000-0000-0000-00000000000a', 'a@example.com'),
      ('00000000-0000-0000-0000-00000000000b', 'b@example.com');
    CREATE TABLE public.workspaces (id uuid PRIMARY KEY, name text NOT NULL);
    CREATE TABLE public.workspace_members (
      workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
      user_id uuid NOT NULL REFERENCES auth.users (id),
      role text NOT NULL DEFAULT 'member',
      PRIMARY KEY (workspace_id, user_id));
    CREATE TABLE public.projects (id serial PRIMARY KEY,
      workspace_id uuid NOT NULL REFERENCES public.workspaces (id), name text NOT NULL);
    CREATE TABLE public.notes (id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES auth.users (id), body text);
    CREATE TABLE public.countries (code text PRIMARY KEY);
    CREATE FUNCTION public.is_member(ws uuid) RETURNS boolean
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
      SELECT EXISTS (SELECT 1 FROM public.workspace_members m
                     WHERE m.workspace_id = ws AND m.user_id = auth.uid()) $$;
    INSERT INTO public.workspaces VALUES
      ('10000000-0000-0000-0000-000000000001', 'one'), ('10000000-0000-0000-0000-000000000002', 'two');
    INSERT INTO public.workspace_members (workspace_id, user_id) VALUES
      ('10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-00000000000a'),
      ('10000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-00000000000b');
    INSERT INTO public.projects (workspace_id, name) VALUES
      ('10000000-0000-0000-0000-000000000001', 'a1'), ('10000000-0000-0000-0000-000000000001', 'a2'),
      ('10000000-0000-0000-0000-000000000002', 'b1'), ('10000000-0000-0000-0000-000000000002', 'b2'),
      ('10000000-0000-0000-0000-000000000002', 'b3');
    INSERT INTO public.notes (user_id, body) VALUES
      ('00000000-0000-0000-0000-00000000000a', 'mine'),
      ('00000000-0000-0000-0000-00000000000b', 'theirs'), ('00000000-0000-0000-0000-00000000000b', 'theirs');
    INSERT INTO public.countries VALUES ('fr'), ('de');
    ALTER TABLE public.workspaces ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.workspace_members ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.countries ENABLE ROW LEVEL SECURITY;
    CREATE POLICY \"members read workspaces\" ON public.workspaces FOR SELECT TO authenticated
      USING (public.is_member(id));
    CREATE POLICY \"members read members\" ON public.workspace_members FOR SELECT TO authenticated
      USING (public.is_member(workspace_id));
    CREATE POLICY \"members read projects\" ON public.projects FOR SELECT TO authenticated
      USING (public.is_member(workspace_id));
    CREATE POLICY \"own notes\" ON public.notes FOR SELECT TO authenticated
      USING (user_id = auth.uid());
    CREATE POLICY \"anyone reads countries\" ON public.countries FOR SELECT TO anon, authenticated
      USING (true);
    CREATE POLICY \"own notes change\" ON public.notes FOR UPDATE TO authenticated
      USING (user_id = auth.uid());
    CREATE POLICY \"members add projects\" ON public.projects FOR INSERT TO authenticated
      WITH CHECK (public.is_member(workspace_id));
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO anon, authenticated;
    GRANT INSERT, UPDATE, DELETE ON public.projects, public.notes, public.workspace_members
      TO authenticated;";

/// The mistakes the issue names, each on a table of its own.
const PLANTED: &str = "
    CREATE TABLE public.documents (id serial PRIMARY KEY,
      workspace_id uuid NOT NULL REFERENCES public.workspaces (id), body text);
    INSERT INTO public.documents (workspace_id, body) SELECT workspace_id, name FROM public.projects;
    ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
    -- A read policy that reads everything.
    CREATE POLICY \"members read documents\" ON public.documents FOR SELECT TO authenticated
      USING (true);
    CREATE TABLE public.tasks (id serial PRIMARY KEY,
      workspace_id uuid NOT NULL REFERENCES public.workspaces (id), title text);
    INSERT INTO public.tasks (workspace_id, title) SELECT workspace_id, name FROM public.projects;
    ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;
    -- `auth.uid() IS NULL OR ...`: no user at all passes.
    CREATE POLICY \"members read tasks\" ON public.tasks FOR SELECT TO anon, authenticated
      USING (auth.uid() IS NULL OR public.is_member(workspace_id));
    CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users (id), display_name text);
    INSERT INTO public.profiles VALUES
      ('00000000-0000-0000-0000-00000000000a', 'A'), ('00000000-0000-0000-0000-00000000000b', 'B');
    ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
    -- Readable by anonymous callers.
    CREATE POLICY \"profiles are public\" ON public.profiles FOR SELECT TO anon, authenticated
      USING (true);
    -- A view over a tenant table without security_invoker: read as its owner.
    CREATE VIEW public.project_list AS SELECT id, workspace_id, name FROM public.projects;
    -- An UPDATE policy without the tenant check.
    CREATE POLICY \"members update projects\" ON public.projects FOR UPDATE TO authenticated
      USING (true);
    -- FOR ALL, named like a read policy.
    CREATE TABLE public.boards (id serial PRIMARY KEY,
      workspace_id uuid NOT NULL REFERENCES public.workspaces (id), title text);
    INSERT INTO public.boards (workspace_id, title) VALUES
      ('10000000-0000-0000-0000-000000000001', 'a'), ('10000000-0000-0000-0000-000000000002', 'b'),
      ('10000000-0000-0000-0000-000000000002', 'c');
    ALTER TABLE public.boards ENABLE ROW LEVEL SECURITY;
    CREATE POLICY \"anyone can view boards\" ON public.boards FOR ALL TO authenticated USING (true);
    -- Anyone may add themselves to any workspace.
    CREATE POLICY \"join a workspace\" ON public.workspace_members FOR INSERT TO authenticated
      WITH CHECK (true);
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO anon, authenticated;
    GRANT INSERT, UPDATE, DELETE ON public.boards TO authenticated;";

async fn seeded(hint: &str, planted: bool) -> TestDb {
    let db = TestDb::with_supabase(hint).await;
    db.exec(CORRECT).await;
    if planted {
        db.exec(PLANTED).await;
    }
    db
}

fn rls(db: &TestDb, who: &[&str]) -> (i32, Value, String) {
    let conninfo = db.conninfo();
    let mut args = vec!["rls", conninfo.as_str()];
    args.extend_from_slice(who);
    args.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run_pglens(&args);
    let json = serde_json::from_str(&out).unwrap_or(Value::Null);
    (code, json, err)
}

/// `(table, rows)` of each SELECT leak.
fn leaks(json: &Value) -> Vec<(String, i64)> {
    leaks_of(json, "SELECT")
}

/// `(table, rows)` of each leak of `command`.
fn leaks_of(json: &Value, command: &str) -> Vec<(String, i64)> {
    json["leaks"]
        .as_array()
        .unwrap_or_else(|| panic!("no leaks array: {json}"))
        .iter()
        .filter(|l| l["command"] == command)
        .map(|l| {
            assert_eq!(l["schema"], "public");
            (
                l["table"].as_str().unwrap_or("").to_string(),
                l["rows"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

fn visible(json: &Value, table: &str) -> (i64, Option<i64>) {
    let t = json["tables"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["table"] == table))
        .unwrap_or_else(|| panic!("no {table}: {json}"));
    (
        t["select"]["rows"].as_i64().unwrap_or(-1),
        t["select"]["foreign"].as_i64(),
    )
}

#[tokio::test]
async fn correct_policies_leak_nothing_to_a_user_or_to_anon() {
    let db = seeded("rls_correct", false).await;
    let (code, json, err) = rls(&db, &["--as", "a@example.com"]);
    assert_eq!(code, 0, "{err}\n{json:#}");
    assert!(
        json["leaks"].as_array().is_some_and(Vec::is_empty),
        "{json:#}"
    );
    assert_eq!(json["subject"]["user_id"], USER_A);
    // The writes the correct policies allow are the user's own.
    let table = |name: &str| {
        json["tables"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["table"] == name).cloned())
            .unwrap_or_default()
    };
    assert_eq!(table("notes")["update"]["rows"], 1);
    assert_eq!(table("notes")["update"]["foreign"], 0);
    assert_eq!(table("projects")["insert"]["admits_foreign_row"], false);
    assert_eq!(
        table("projects")["insert"]["row"]["workspace_id"],
        "10000000-0000-0000-0000-000000000002"
    );
    assert_eq!(visible(&json, "projects"), (2, Some(0)));
    assert_eq!(visible(&json, "notes"), (1, Some(0)));
    assert_eq!(visible(&json, "workspace_members"), (1, Some(0)));
    assert_eq!(visible(&json, "workspaces"), (1, Some(0)));
    // Unscoped: counted, not judged.
    assert_eq!(visible(&json, "countries"), (2, None));
    // The helper is a way around row security the role can take, and is named as one.
    assert!(
        json["bypasses"]
            .as_array()
            .is_some_and(|b| b.iter().any(|b| b["name"] == "public.is_member(ws uuid)")),
        "{json:#}"
    );

    let (code, json, err) = rls(&db, &["--as", "anon"]);
    assert_eq!(code, 0, "{err}\n{json:#}");
    assert!(leaks(&json).is_empty());
    assert_eq!(visible(&json, "projects"), (0, Some(0)));
    assert_eq!(visible(&json, "countries"), (2, None));

    // User B sees B's rows only.
    let (code, json, _) = rls(&db, &["--as", USER_B]);
    assert_eq!(code, 0);
    assert_eq!(visible(&json, "projects"), (3, Some(0)));
    assert_eq!(visible(&json, "notes"), (2, Some(0)));
}

#[tokio::test]
async fn each_planted_mistake_leaks_at_its_table() {
    let db = seeded("rls_planted", true).await;
    let (code, json, err) = rls(&db, &["--as", "a@example.com"]);
    assert_eq!(code, 1, "{err}\n{json:#}");
    let mut found = leaks(&json);
    found.sort();
    assert_eq!(
        found,
        [
            ("boards".to_string(), 2),
            ("documents".to_string(), 3),
            ("profiles".to_string(), 1),
            ("project_list".to_string(), 3),
        ],
        "{json:#}"
    );
    // Writes: the UPDATE policy without a tenant check, the FOR ALL read policy, and the
    // INSERT check that lets anyone join any workspace.
    assert_eq!(
        leaks_of(&json, "UPDATE"),
        [("boards".to_string(), 2), ("projects".to_string(), 3)],
        "{json:#}"
    );
    assert_eq!(leaks_of(&json, "DELETE"), [("boards".to_string(), 2)]);
    assert_eq!(
        leaks_of(&json, "INSERT"),
        [
            ("boards".to_string(), 1),
            ("workspace_members".to_string(), 1)
        ],
        "{json:#}"
    );
    let documents = json["leaks"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["table"] == "documents"))
        .expect("documents leak");
    assert_eq!(
        documents["policies"],
        serde_json::json!(["members read documents"])
    );
    assert!(json["bypasses"].as_array().is_some_and(|b| b
        .iter()
        .any(|b| b["kind"] == "view" && b["name"] == "public.project_list")));

    let (code, json, _) = rls(&db, &["--as", "anon"]);
    assert_eq!(code, 1);
    let mut found = leaks(&json);
    found.sort();
    assert_eq!(
        found,
        [
            ("profiles".to_string(), 2),
            ("project_list".to_string(), 5),
            ("tasks".to_string(), 5),
        ],
        "{json:#}"
    );

    // Text for people names the leaks first.
    let conninfo = db.conninfo();
    let (code, text, _) = run_pglens(&["rls", &conninfo, "--as", "anon"]);
    assert_eq!(code, 1);
    assert!(text.contains("LEAKS (3)"), "{text}");
    assert!(
        text.contains(
            "public.tasks SELECT: 5 rows of someone else's (workspace_id in the user's tenants"
        ),
        "{text}"
    );
}

/// Of several policies that apply, a leak names the one whose own condition lets the
/// rows through; a policy for a role the user's role inherits applies, as on the server.
#[tokio::test]
async fn leaks_name_the_policy_that_let_rows_through_and_follow_role_membership() {
    let db = seeded("rls_attributed", false).await;
    let editors = format!("pglens_rls_editors_{}", std::process::id());
    db.exec(&format!(
        "CREATE TABLE public.documents (id serial PRIMARY KEY,
           workspace_id uuid NOT NULL REFERENCES public.workspaces (id), body text);
         INSERT INTO public.documents (workspace_id, body) SELECT workspace_id, name FROM public.projects;
         ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
         CREATE POLICY \"members read documents\" ON public.documents FOR SELECT TO authenticated
           USING (public.is_member(workspace_id));
         CREATE POLICY \"legacy open read\" ON public.documents FOR SELECT TO authenticated
           USING (true);
         GRANT SELECT ON public.documents TO authenticated;
         DO $$ BEGIN
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{editors}') THEN
             CREATE ROLE {editors} NOLOGIN;
           END IF;
         END $$;
         GRANT {editors} TO authenticated;
         CREATE POLICY \"editors change notes\" ON public.notes FOR UPDATE TO {editors}
           USING (true);"
    ))
    .await;
    let (code, json, err) = rls(&db, &["--as", "a@example.com"]);
    let _ = db
        .try_exec(&format!(
            "DROP POLICY \"editors change notes\" ON public.notes; \
             REVOKE {editors} FROM authenticated; DROP ROLE {editors}"
        ))
        .await;
    assert_eq!(code, 1, "{err}\n{json:#}");
    let leak = |table: &str, command: &str| {
        json["leaks"]
            .as_array()
            .and_then(|l| {
                l.iter()
                    .find(|l| l["table"] == table && l["command"] == command)
            })
            .cloned()
            .unwrap_or_else(|| panic!("no {command} leak on {table}: {json:#}"))
    };
    let documents = leak("documents", "SELECT");
    assert_eq!(documents["rows"], 3);
    assert_eq!(
        documents["policies"],
        serde_json::json!(["legacy open read"])
    );
    assert_eq!(documents["why"], "admitted by legacy open read");
    let notes = leak("notes", "UPDATE");
    assert_eq!(notes["rows"], 2, "B's two notes: {json:#}");
    assert_eq!(
        notes["policies"],
        serde_json::json!(["editors change notes"])
    );
}

/// `[rls]` in the config decides whose rows are whose where the schema does not say: a
/// column without a key to the users, and a table whose rows are shared on purpose.
#[tokio::test]
async fn the_config_gives_scopes_the_schema_does_not() {
    let db = seeded("rls_configured", true).await;
    db.exec(
        "CREATE TABLE public.drafts (id serial PRIMARY KEY, created_by uuid, body text);
         INSERT INTO public.drafts (created_by, body) VALUES
           ('00000000-0000-0000-0000-00000000000a', 'mine'),
           ('00000000-0000-0000-0000-00000000000b', 'theirs');
         GRANT SELECT ON public.drafts TO authenticated;",
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    let run = |toml: &str| {
        std::fs::write(&config, toml).expect("write config");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pglens"))
            .args([
                "rls",
                &db.conninfo(),
                "--as",
                "a@example.com",
                "--format",
                "json",
            ])
            .env("PGLENS_CONFIG", &config)
            .env_remove("PGPASSWORD")
            .output()
            .expect("run pglens");
        (
            out.status.code().unwrap_or(-1),
            serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, json, err) = run("");
    assert_eq!(code, 1, "{err}");
    assert_eq!(visible(&json, "drafts"), (2, None), "no scope inferred");
    assert!(leaks(&json).iter().any(|(t, _)| t == "profiles"));

    let (code, json, err) =
        run("[rls.scope]\n\"public.drafts\" = \"created_by\"\n\"public.profiles\" = \"none\"\n");
    assert_eq!(code, 1, "{err}");
    assert_eq!(visible(&json, "drafts"), (2, Some(1)));
    let found = leaks(&json);
    assert!(found.contains(&("drafts".to_string(), 1)), "{found:?}");
    assert!(!found.iter().any(|(t, _)| t == "profiles"), "{found:?}");

    let (code, _, err) = run("[rls.scope]\n\"public.drafts\" = \"author\"\n");
    assert_eq!(code, 2);
    assert!(err.contains("public.drafts has no column author"), "{err}");
}

/// The users the explorer's `U` offers: by e-mail, read only; a database without
/// `auth.users` says so.
#[tokio::test]
async fn the_users_offered_are_read_by_e_mail() {
    use pglens::source::live::rls::{users, STATEMENT_TIMEOUT};
    let db = seeded("rls_users", false).await;
    let found = users(&db.params, STATEMENT_TIMEOUT).await.expect("users");
    assert_eq!(
        found,
        [
            (USER_A.to_string(), Some("a@example.com".to_string())),
            (USER_B.to_string(), Some("b@example.com".to_string()))
        ]
    );
    let plain = TestDb::new("rls_no_users").await;
    let error = users(&plain.params, STATEMENT_TIMEOUT)
        .await
        .expect_err("no auth.users");
    assert!(
        error.to_string().contains("no auth.users in this database"),
        "{error}"
    );
}

#[tokio::test]
async fn refusals_are_plain_and_exit_2() {
    let db = seeded("rls_refused", false).await;
    let conninfo = db.conninfo();
    let (code, _, err) = run_pglens(&["rls", &conninfo, "--as", "nobody@example.com"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no user nobody@example.com in auth.users"),
        "{err}"
    );
    let (code, _, err) = run_pglens(&["rls", &conninfo]);
    assert_eq!(code, 2);
    assert!(err.contains("needs --as USER"), "{err}");
    let (code, _, err) = run_pglens(&["rls", &conninfo, "--role", "no_such_role_here"]);
    assert_eq!(code, 2);
    assert!(err.contains("no role no_such_role_here"), "{err}");
    // A connecting role that may not become `authenticated` is told which grant would do.
    let role = format!("pglens_rls_plain_{}", std::process::id());
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE \"{}\" TO {role}; \
         GRANT USAGE ON SCHEMA auth TO {role}; GRANT SELECT ON auth.users TO {role}",
        db.name
    ))
    .await;
    let mut params = db.params.clone();
    params.user = role.clone();
    let (code, _, err) = run_pglens(&[
        "rls",
        &crate::common::conninfo_string(&params),
        "--as",
        "a@example.com",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{role} may not switch to role authenticated; `GRANT authenticated TO {role}` would allow it"
        )),
        "{err}"
    );
    let _ = db
        .try_exec(&format!(
            "DROP OWNED BY {role}; REVOKE CONNECT ON DATABASE \"{}\" FROM {role}",
            db.name
        ))
        .await;
    let _ = db.try_exec(&format!("DROP ROLE {role}")).await;
    // Migration files have no rows to read.
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/migrations");
    let (code, _, err) = run_pglens(&["rls", folder, "--as", "anon"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("on a live database"), "{err}");
}

/// Everything `pglens rls` sends is a read: the server logs every statement of this
/// database (`log_statement = all`) and PostgreSQL's parser says what each one is.
#[tokio::test]
async fn every_statement_sent_is_a_read() {
    let Some(cluster) = crate::common::server().cluster.as_ref() else {
        // An external server's log is not ours to read.
        return;
    };
    let db = seeded("rls_logged", true).await;
    db.exec(&format!(
        "ALTER DATABASE \"{}\" SET log_statement = 'all'",
        db.name
    ))
    .await;
    let log = cluster.dir.join("server.log");
    let start = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) as usize;
    let (code, _, err) = rls(&db, &["--as", "a@example.com"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = rls(&db, &["--as", "anon"]);
    assert_eq!(code, 1, "{err}");
    let text = std::fs::read(&log).expect("read the server log");
    let text = String::from_utf8_lossy(&text[start.min(text.len())..]).into_owned();
    // A statement's text runs on over lines that start with a tab.
    let mut statements: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some((_, sql)) = line.split_once("LOG:  statement: ") {
            statements.push(sql.to_string());
        } else if let (Some(last), Some(more)) = (statements.last_mut(), line.strip_prefix('\t')) {
            last.push('\n');
            last.push_str(more);
        }
    }
    assert!(statements.len() > 10, "{text}");
    let mut kinds = std::collections::BTreeSet::new();
    for sql in &statements {
        let parsed = pg_query::parse(sql, pg_query::ParserOptions::DEFAULT)
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
        for kind in parsed.statement_types() {
            assert!(
                matches!(kind, "SelectStmt" | "TransactionStmt" | "VariableSetStmt"),
                "{kind} sent: {sql}"
            );
            kinds.insert(kind.to_string());
        }
    }
    assert!(statements
        .iter()
        .any(|s| s.contains("SET LOCAL ROLE authenticated")));
    assert!(statements.iter().any(|s| s.contains("SET LOCAL ROLE anon")));
    assert!(statements.iter().any(|s| s.trim() == "ROLLBACK"));
}

/// `U` in the explorer: refused on offline sources; on a live one it asks whom to read as,
/// asks the runtime to read, and shows the report when it arrives (a report for a view
/// closed or replaced meanwhile is dropped).
#[test]
fn the_explorer_reads_as_a_user_on_u() {
    use pglens::rls::{CommandResult, InsertResult, Leak, RlsReport, Scope, Subject, TableResult};
    use pglens::tui::action::Action;
    use pglens::tui::state::{App, Effect, Overlay, UserChoice};

    let app_on = |source| {
        let mut catalog = pglens::source::snapshot::demo();
        catalog.meta.source = source;
        let mut app = App::new("test".into());
        app.update(Action::Resize {
            width: 100,
            height: 30,
        });
        app.update(Action::Loaded(Box::new(pglens::tui::model::Model::new(
            catalog,
            Vec::new(),
            Default::default(),
        ))));
        app
    };
    let mut demo = app_on(pglens::model::SourceKind::Demo);
    demo.update(Action::ReadAs);
    assert!(matches!(demo.overlay, Overlay::None));
    assert!(crate::explorer::screen(&demo, 100, 30).contains("a live database only"));

    // The prompt offers anon and the users of auth.users; typing filters them, and Enter
    // reads as the one chosen.
    let mut app = app_on(pglens::model::SourceKind::Live);
    assert!(matches!(
        app.update(Action::ReadAs).as_slice(),
        [Effect::ListUsers]
    ));
    app.update(Action::UsersArrived(Ok(vec![
        UserChoice {
            id: USER_A.into(),
            email: Some("a@example.com".into()),
        },
        UserChoice {
            id: USER_B.into(),
            email: Some("b@example.com".into()),
        },
        UserChoice {
            id: "00000000-0000-0000-0000-00000000000c".into(),
            email: None,
        },
    ])));
    insta::assert_snapshot!(
        "read_as_prompt_80x24",
        crate::explorer::screen(&app, 80, 24)
    );
    for c in "example".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Down);
    assert!(
        matches!(app.update(Action::Enter).as_slice(), [Effect::ReadAs { who }] if who == "b@example.com")
    );
    // An id beyond the users offered is read as typed.
    app.update(Action::Escape);
    app.update(Action::ReadAs);
    app.update(Action::UsersArrived(Ok(Vec::new())));
    for c in "0000-ffff".chars() {
        app.update(Action::Input(c));
    }
    assert!(
        matches!(app.update(Action::Enter).as_slice(), [Effect::ReadAs { who }] if who == "0000-ffff")
    );
    app.update(Action::Escape);

    app.update(Action::ReadAs);
    for c in "anon".chars() {
        app.update(Action::Input(c));
    }
    let effects = app.update(Action::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::ReadAs { who }] if who == "anon"),
        "{effects:?}"
    );
    assert!(crate::explorer::screen(&app, 100, 30).contains("reading every API table"));
    let report = RlsReport {
        source: "test".into(),
        subject: Subject {
            role: "anon".into(),
            acts_as: vec!["anon".into(), "public".into()],
            user_id: None,
            email: None,
            claims: serde_json::json!({"role": "anon"}),
            tenants: Default::default(),
            strangers: Default::default(),
        },
        tables: vec![TableResult {
            schema: "public".into(),
            table: "profiles".into(),
            kind: "table",
            scope: Some(Scope::Owner {
                column: "id".into(),
            }),
            select: CommandResult::Counted {
                rows: 2,
                foreign: Some(2),
                bounded: false,
            },
            update: CommandResult::NotGranted,
            delete: CommandResult::NotGranted,
            insert: InsertResult::NotGranted,
        }],
        leaks: vec![Leak {
            schema: "public".into(),
            table: "profiles".into(),
            command: "SELECT",
            rows: 2,
            bounded: false,
            scope: "id = the user".into(),
            policies: vec!["profiles are public".into()],
            why: "admitted by profiles are public".into(),
            probe_row: None,
        }],
        bypasses: Vec::new(),
        limits: Vec::new(),
    };
    // Another view's report is not this one's.
    app.update(Action::RlsArrived {
        who: "someone@else".into(),
        result: Box::new(Ok(report.clone())),
    });
    assert!(crate::explorer::screen(&app, 100, 30).contains("reading every API table"));
    app.update(Action::RlsArrived {
        who: "anon".into(),
        result: Box::new(Ok(report)),
    });
    let text = crate::explorer::screen(&app, 100, 30);
    assert!(text.contains("LEAKS (1)"), "{text}");
    assert!(
        text.contains("public.profiles SELECT: 2 rows of someone else's"),
        "{text}"
    );
    app.update(Action::Escape);
    assert!(matches!(app.overlay, Overlay::None));
    // The tree and tabs now show what anon saw: the leak is a critical finding on the
    // policy that let the rows through, and the table's row says what anon sees.
    let model = app.model.as_ref().expect("model");
    let leak = model
        .findings
        .iter()
        .find(|f| f.rule == "rls-leak")
        .expect("a leak finding");
    assert_eq!(leak.severity, pglens::audit::Severity::Critical);
    assert_eq!(leak.object.path(), "public.profiles.profiles are public");
    assert_eq!(
        leak.message,
        "As anon, SELECT reaches 2 rows of someone else's (id = the user) through this policy"
    );
    app.update(Action::Search);
    for c in "profiles".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Enter);
    let text = crate::explorer::screen(&app, 100, 30);
    assert!(text.contains("· as anon"), "{text}");
    assert!(text.contains("profiles · 2 rows, leak"), "{text}");
}
