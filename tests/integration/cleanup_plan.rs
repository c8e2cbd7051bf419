//! The cleanup plan's exported script, run for real: against the demo schema holding data,
//! it must run to completion, remove exactly what the plan says, move every merged row, keep
//! every dropped row in a backup, and its rollback section must put everything back.

use crate::common::TestDb;
use crate::run_pglens as pglens;

const UUID_TENANT: &str = "00000000-0000-0000-0000-0000000000a1";

/// Rows for the tables the plan touches, and their parents.
fn demo_data() -> String {
    let t = UUID_TENANT;
    format!(
        "INSERT INTO auth.users (id, email) VALUES ('00000000-0000-0000-0000-0000000000f1', 'ann@example.com');
         INSERT INTO public.profiles (id, display_name) VALUES ('00000000-0000-0000-0000-0000000000f1', 'Ann');
         INSERT INTO public.tenants (id, name) VALUES ('{t}', 'Acme');
         INSERT INTO public.workspaces (id, tenant_id, name) VALUES ('00000000-0000-0000-0000-0000000000b1', '{t}', 'Main');
         INSERT INTO public.brands (id, tenant_id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000c1', '{t}', 'Acme', 'acme');
         INSERT INTO public.media_assets (tenant_id, brand_id, filename, path, size_bytes)
           VALUES ('{t}', '00000000-0000-0000-0000-0000000000c1', 'logo.png', '/logo.png', 10);
         INSERT INTO public.brand_assets (brand_id, filename, path, size_bytes)
           SELECT '00000000-0000-0000-0000-0000000000c1', 'b' || g || '.png', '/b/' || g, g FROM generate_series(1, 3) g;
         INSERT INTO public.assets (workspace_id, brand_id, filename, path)
           SELECT '00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000c1', 'a' || g, '/a/' || g
           FROM generate_series(1, 4) g;
         INSERT INTO public.asset_approvals (asset_id) SELECT id FROM public.assets ORDER BY filename LIMIT 2;
         -- A table that stays but points at one that goes: the script must detach its key.
         CREATE TABLE public.asset_tags (id int PRIMARY KEY, asset_id uuid REFERENCES public.assets(id), tag text);
         INSERT INTO public.asset_tags SELECT 1, id, 'hero' FROM public.assets ORDER BY filename LIMIT 1;
         -- Two tables that reference each other, both dropped: a cycle to break.
         CREATE TABLE public.cycle_a (id int PRIMARY KEY, b_id int);
         CREATE TABLE public.cycle_b (id int PRIMARY KEY, a_id int REFERENCES public.cycle_a);
         ALTER TABLE public.cycle_a ADD FOREIGN KEY (b_id) REFERENCES public.cycle_b;
         INSERT INTO public.cycle_a VALUES (1, NULL);
         INSERT INTO public.cycle_b VALUES (1, 1);
         UPDATE public.cycle_a SET b_id = 1;
         INSERT INTO public.audit_log (action, details) SELECT 'login', '{{}}' FROM generate_series(1, 5);
         INSERT INTO public.audit_logs (action) VALUES ('logout');
         INSERT INTO public.failed_attempts (email) SELECT 'x' || g || '@example.com' FROM generate_series(1, 3) g;
         INSERT INTO public.workflow_definitions (workspace_id, name, trigger_type, definition)
           VALUES ('00000000-0000-0000-0000-0000000000b1', 'welcome', 'signup', '{{}}'),
                  ('00000000-0000-0000-0000-0000000000b1', 'legacy', NULL, '{{}}');
         ANALYZE;"
    )
}

const PLAN: &str = r#"
[[table]]
schema = "public"
name = "audit_log"
decision = "merge"
into = { schema = "public", name = "audit_logs" }
note = "the legacy writer is gone"

[[table]]
schema = "public"
name = "brand_assets"
decision = "merge"
into = { schema = "public", name = "media_assets" }
map = { tenant_id = "SELECT b.tenant_id FROM public.brands b WHERE b.id = brand_id" }

[[table]]
schema = "public"
name = "failed_attempts"
decision = "merge"
into = { schema = "public", name = "failed_login_attempts" }

[[table]]
schema = "public"
name = "workflow_definitions"
decision = "merge"
into = { schema = "public", name = "automation_workflows" }
map = { trigger_type = "coalesce(trigger_type, 'manual')" }

[[table]]
schema = "public"
name = "assets"
decision = "drop"

[[table]]
schema = "public"
name = "asset_approvals"
decision = "drop"

[[table]]
schema = "public"
name = "profiles"
decision = "drop"

[[table]]
schema = "public"
name = "user_directory"
decision = "drop"

[[table]]
schema = "public"
name = "cycle_a"
decision = "drop"

[[table]]
schema = "public"
name = "cycle_b"
decision = "drop"

[[table]]
schema = "public"
name = "content"
decision = "investigate"
note = "an alias of content_items?"

[[table]]
schema = "public"
name = "tenants"
decision = "keep"
"#;

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

async fn exists(db: &TestDb, table: &str) -> bool {
    count(
        db,
        &format!("SELECT count(*) FROM pg_class WHERE oid = to_regclass('{table}')"),
    )
    .await
        == 1
}

/// The rollback section with one leading "-- " removed from each line.
fn rollback_of(script: &str) -> String {
    let start = script
        .find("-- -- ROLLBACK")
        .expect("the script has a rollback section");
    script[start..]
        .lines()
        .map(|l| l.strip_prefix("-- ").unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn exported_script_runs_keeps_every_row_and_rolls_back() {
    let db = TestDb::with_demo("plan").await;
    db.exec(&demo_data()).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("cleanup.toml");
    std::fs::write(&plan, PLAN).unwrap();
    let (code, _, err) = pglens(&[
        "plan",
        "export",
        &db.conninfo(),
        "--plan",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let script = std::fs::read_to_string(dir.path().join("cleanup.sql")).unwrap();
    let markdown = std::fs::read_to_string(dir.path().join("cleanup.md")).unwrap();

    // Order: backups, then merges, then drops, dependents first.
    let at = |needle: &str| {
        script
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} missing from:\n{script}"))
    };
    assert!(
        at("CREATE TABLE pglens_backup.\"public.assets\" AS TABLE public.assets")
            < at("INSERT INTO public.media_assets")
    );
    assert!(at("INSERT INTO public.audit_logs") < at("DROP TABLE IF EXISTS public.audit_log;"));
    assert!(
        at("DROP TABLE IF EXISTS public.asset_approvals;")
            < at("DROP TABLE IF EXISTS public.assets;")
    );
    assert!(
        at("DROP VIEW IF EXISTS public.user_directory;")
            < at("DROP TABLE IF EXISTS public.profiles;")
    );
    assert!(
        at("ALTER TABLE public.asset_tags DROP CONSTRAINT")
            < at("DROP TABLE IF EXISTS public.assets;")
    );

    // The Markdown carries the evidence and the risks.
    for expected in [
        "## Phase 1: Prepare",
        "## Phase 2: Consolidate",
        "### `public.audit_log` into `public.audit_logs`",
        "the legacy writer is gone",
        "Not copied (only in `public.audit_log`; kept in the backup): `details`",
        "| `public.assets` | 4 |",
        "foreign key public.asset_approvals.asset_approvals_asset_id_fkey (asset_id)",
        "| `public.profiles` | 1 | 24.0 kB | ",
        "view public.user_directory |",
        "Foreign key `asset_tags_asset_id_fkey` on `public.asset_tags` points at `public.assets`",
        "Investigate `public.content`: an alias of content_items?",
        "- `public.tenants`",
    ] {
        assert!(
            markdown.contains(expected),
            "{expected} missing from:\n{markdown}"
        );
    }

    db.exec(&script).await;

    for gone in [
        "public.audit_log",
        "public.brand_assets",
        "public.failed_attempts",
        "public.workflow_definitions",
        "public.assets",
        "public.asset_approvals",
        "public.profiles",
        "public.user_directory",
        "public.cycle_a",
        "public.cycle_b",
    ] {
        assert!(!exists(&db, gone).await, "{gone} should be gone");
    }
    for (sql, expected) in [
        ("SELECT count(*) FROM public.audit_logs WHERE action = 'login'", 5),
        ("SELECT count(*) FROM public.audit_logs", 6),
        ("SELECT count(*) FROM public.media_assets WHERE tenant_id = '00000000-0000-0000-0000-0000000000a1'", 4),
        ("SELECT count(*) FROM public.failed_login_attempts", 3),
        ("SELECT count(*) FROM public.automation_workflows WHERE trigger_type = 'manual'", 1),
        ("SELECT count(*) FROM pglens_backup.\"public.audit_log\"", 5),
        ("SELECT count(*) FROM pglens_backup.\"public.brand_assets\"", 3),
        ("SELECT count(*) FROM pglens_backup.\"public.failed_attempts\"", 3),
        ("SELECT count(*) FROM pglens_backup.\"public.workflow_definitions\"", 2),
        ("SELECT count(*) FROM pglens_backup.\"public.assets\"", 4),
        ("SELECT count(*) FROM pglens_backup.\"public.asset_approvals\"", 2),
        ("SELECT count(*) FROM pglens_backup.\"public.profiles\"", 1),
        ("SELECT count(*) FROM pglens_backup.\"public.cycle_a\"", 1),
        ("SELECT count(*) FROM public.asset_tags", 1),
    ] {
        assert_eq!(count(&db, sql).await, expected, "{sql}");
    }
    assert!(exists(&db, "public.tenants").await && exists(&db, "public.content").await);

    // The rollback puts every table, row and key back and takes the merged rows out.
    db.exec(&rollback_of(&script)).await;
    for (sql, expected) in [
        ("SELECT count(*) FROM public.audit_log", 5),
        ("SELECT count(*) FROM public.audit_logs", 1),
        ("SELECT count(*) FROM public.media_assets", 1),
        ("SELECT count(*) FROM public.brand_assets", 3),
        ("SELECT count(*) FROM public.failed_login_attempts", 0),
        ("SELECT count(*) FROM public.workflow_definitions WHERE trigger_type IS NULL", 1),
        ("SELECT count(*) FROM public.assets", 4),
        ("SELECT count(*) FROM public.asset_approvals", 2),
        ("SELECT count(*) FROM public.user_directory", 1),
        ("SELECT count(*) FROM public.cycle_b JOIN public.cycle_a ON cycle_a.b_id = cycle_b.id", 1),
        (
            "SELECT count(*) FROM pg_constraint WHERE conname = 'asset_tags_asset_id_fkey'",
            1,
        ),
        (
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.cycle_a'::regclass AND contype = 'f'",
            1,
        ),
    ] {
        assert_eq!(count(&db, sql).await, expected, "after rollback: {sql}");
    }
}

/// Plans that cannot be carried out are refused with the reason, and nothing is written.
#[tokio::test]
async fn impossible_plans_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("p.toml");
    std::fs::write(
        &plan,
        "[[table]]\nschema = \"public\"\nname = \"audit_log\"\ndecision = \"merge\"\ninto = { schema = \"public\", name = \"audit_logs\" }\n\
         [[table]]\nschema = \"public\"\nname = \"audit_logs\"\ndecision = \"drop\"\n",
    )
    .unwrap();
    let (code, _, err) = pglens(&["plan", "export", "--demo", "--plan", plan.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "public.audit_log is to be merged into public.audit_logs, which the plan also removes"
        ),
        "{err}"
    );
    assert!(!dir.path().join("p.sql").exists());
    let (code, _, err) = pglens(&[
        "plan",
        "export",
        "--demo",
        "--plan",
        "/nonexistent/plan.toml",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no plan file at /nonexistent/plan.toml"),
        "{err}"
    );
}
