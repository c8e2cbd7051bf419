//! Who can do what on a table: grants read from a live server and from migrations (roles
//! besides the API's, column grants, membership), and the Grants tab that shows them.

use pglens::model::{Catalog, ObjectId, QualifiedName, RlsEffect, RoleAccess, Source};
use pglens::tui::action::Action;
use pglens::tui::state::Overlay;
use pglens::tui::tab::Tab;
use pglens::tui::theme::Theme;

use crate::common::TestDb;
use crate::explorer::{render, screen};
use crate::full_text::{open, teams_app};

fn access(c: &Catalog, table: &str, role: &str) -> RoleAccess {
    let r = c.relation("public", table).expect("table read");
    c.access(r)
        .into_iter()
        .find(|a| a.role == role)
        .unwrap_or_else(|| panic!("{role} listed on {table}"))
}

fn table(name: &str) -> ObjectId {
    ObjectId::Relation(QualifiedName::new("public", name))
}

/// `team_audit` has RLS off in the exposed schema and grants everything to `anon`: its row
/// says so and is drawn as critical, at 80 columns.
#[test]
fn a_table_open_to_anon_reads_as_critical_on_the_grants_tab() {
    let mut app = teams_app(80, 24);
    open(&mut app, table("team_audit"), Tab::Grants);
    let text = screen(&app, 80, 24);
    let anon = text
        .lines()
        .find(|l| l.contains("anon "))
        .unwrap_or_else(|| panic!("an anon row:\n{text}"));
    assert!(
        anon.contains("✓   ✓   ✓   ✓") && anon.contains("off"),
        "{anon}"
    );
    // The first row is selected (and drawn as such): read the colour of the second.
    let critical = Theme::default().critical.fg.unwrap();
    let colour = |app: &pglens::tui::state::App| {
        let text = screen(app, 80, 24);
        let y = text
            .lines()
            .position(|l| l.contains("authenticated "))
            .unwrap();
        let line = text.lines().nth(y).unwrap();
        let x = line[..line.find("authenticated ").unwrap()].chars().count();
        render(app, 80, 24).backend().buffer()[(x as u16, y as u16)].fg
    };
    assert_eq!(colour(&app), critical, "an API role's row is critical");
    insta::assert_snapshot!("grants_team_audit_80x24", text);
    // The same grants on a table with RLS on are not an alarm.
    open(&mut app, table("team_projects"), Tab::Grants);
    assert_ne!(colour(&app), critical);
}

/// A column grant shows as `c`, and Space names the columns and the default privileges.
#[test]
fn column_grants_and_default_privileges_read_in_full() {
    let mut app = teams_app(120, 40);
    open(&mut app, table("teams"), Tab::Grants);
    let text = screen(&app, 120, 40);
    let anon = text.lines().find(|l| l.contains("anon ")).unwrap();
    assert!(anon.contains("anon          c   ·   ·   ·"), "{anon}");
    assert!(
        anon.contains("no rows"),
        "RLS on and no policy for anon: {anon}"
    );
    app.update(Action::Right);
    let model = app.model.as_ref().unwrap();
    let row = pglens::tui::model::detail_rows(model, &table("teams"), Tab::Grants)
        .iter()
        .position(|r| r.name.as_deref() == Some("anon"))
        .unwrap();
    while app.row < row {
        app.update(Action::Down);
    }
    app.update(Action::ShowFull);
    assert!(matches!(app.overlay, Overlay::Full(_)));
    let text = screen(&app, 120, 40);
    for line in [
        "SELECT: columns id (direct), name (direct), slug (direct)",
        // Migrations are read as the newest PostgreSQL, which has MAINTAIN.
        "not held: INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, MAINTAIN",
        "no policy names this role: it sees and changes no rows",
        "DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on tables the migration",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
}

/// Grants to any role, column grants and membership, as the server reports them; roles of
/// other databases stay out.
#[tokio::test]
async fn grants_through_membership_and_columns_are_read_from_a_live_server() {
    let db = TestDb::new("grants").await;
    // Roles are the cluster's: named after this test's database so runs do not collide.
    let p = &db.params.dbname;
    let sql = format!(
        "CREATE ROLE {p}_readers NOLOGIN;
         CREATE ROLE {p}_clerk LOGIN IN ROLE {p}_readers;
         CREATE ROLE {p}_outsider LOGIN NOINHERIT IN ROLE {p}_readers;
         CREATE ROLE {p}_auditor NOLOGIN BYPASSRLS;
         CREATE ROLE {p}_unrelated NOLOGIN;
         CREATE TABLE public.invoices (id int PRIMARY KEY, amount numeric, note text);
         ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;
         CREATE POLICY readers_read ON public.invoices FOR SELECT TO {p}_readers USING (true);
         GRANT SELECT ON public.invoices TO {p}_readers;
         GRANT SELECT (id, amount), UPDATE (note) ON public.invoices TO {p}_auditor;
         GRANT REFERENCES ON public.invoices TO PUBLIC;"
    );
    db.exec(&sql).await;
    let c = db.introspect().await;
    let names: Vec<&str> = c.roles.iter().map(|r| r.name.as_str()).collect();
    for expected in ["readers", "clerk", "auditor"] {
        assert!(
            names.contains(&format!("{p}_{expected}").as_str()),
            "{names:?}"
        );
    }
    assert!(
        !names.contains(&format!("{p}_unrelated").as_str()),
        "{names:?}"
    );

    let clerk = access(&c, "invoices", &format!("{p}_clerk"));
    assert_eq!(
        clerk.privilege("SELECT").unwrap().table,
        [Source::Inherited(format!("{p}_readers"))]
    );
    assert_eq!(
        clerk.rls,
        RlsEffect::Policies(1),
        "the policy names its group"
    );
    // NOINHERIT: the membership gives nothing without SET ROLE, so the role is not listed.
    let r = c.relation("public", "invoices").unwrap();
    let outsider = format!("{p}_outsider");
    assert!(c.access(r).iter().all(|a| a.role != outsider));
    assert!(!names.contains(&outsider.as_str()), "{names:?}");
    let auditor = access(&c, "invoices", &format!("{p}_auditor"));
    let columns = |privilege: &str| -> Vec<String> {
        auditor
            .privilege(privilege)
            .unwrap()
            .columns
            .iter()
            .map(|(c, _)| c.clone())
            .collect()
    };
    assert_eq!(columns("SELECT"), ["id", "amount"]);
    assert_eq!(columns("UPDATE"), ["note"]);
    assert!(auditor.writes() && auditor.bypass_rls);
    assert_eq!(auditor.rls, RlsEffect::Bypassed);
    assert_eq!(
        access(&c, "invoices", "PUBLIC")
            .privilege("REFERENCES")
            .unwrap()
            .table,
        [Source::Direct]
    );
    assert!(
        access(&c, "invoices", &db.params.user).owner,
        "the owner is listed first"
    );
}

/// Migrations say the same: a grant to any role, a column grant, and a table-wide REVOKE
/// that takes the column grants with it, as PostgreSQL's does.
#[test]
fn migrations_record_grants_to_any_role_and_to_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("001_grants.sql");
    std::fs::write(
        &file,
        "CREATE TABLE public.invoices (id int PRIMARY KEY, amount numeric, note text);
         GRANT SELECT ON public.invoices TO reporting;
         GRANT SELECT (id, amount), UPDATE (note) ON public.invoices TO auditor;
         GRANT SELECT (note) ON public.invoices TO intern;
         REVOKE SELECT ON public.invoices FROM intern;",
    )
    .unwrap();
    let c = pglens::source::sqlfiles::load(&[file]).unwrap();
    assert!(access(&c, "invoices", "reporting")
        .privilege("SELECT")
        .unwrap()
        .on_table());
    let auditor = access(&c, "invoices", "auditor");
    assert!(!auditor.privilege("SELECT").unwrap().on_table());
    assert_eq!(auditor.privilege("SELECT").unwrap().columns.len(), 2);
    assert_eq!(auditor.privilege("UPDATE").unwrap().columns.len(), 1);
    let r = c.relation("public", "invoices").unwrap();
    assert!(
        c.access(r).iter().all(|a| a.role != "intern"),
        "REVOKE on the table revokes the column grant too"
    );
}

/// Default privileges to any role (a PostgREST `visitor`, not only Supabase's API roles)
/// read the same live and from migrations, and give new tables their grants; one `FOR
/// ROLE` another role creates nothing under gives them nothing.
#[tokio::test]
async fn default_privileges_of_any_role_read_the_same_live_and_from_files() {
    let db = TestDb::new("defaults").await;
    let p = db.params.dbname.clone();
    db.exec(&format!(
        "CREATE ROLE {p}_visitor NOLOGIN; CREATE ROLE {p}_owner NOLOGIN;"
    ))
    .await;
    let sql = format!(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {p}_visitor;
         ALTER DEFAULT PRIVILEGES FOR ROLE {p}_owner IN SCHEMA public GRANT ALL ON TABLES TO {p}_visitor;
         CREATE TABLE public.posts (id int PRIMARY KEY, body text);"
    );
    db.exec(&sql).await;
    let live = db.introspect().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("001_defaults.sql");
    std::fs::write(&file, &sql).unwrap();
    let files = pglens::source::sqlfiles::load(&[file]).expect("migration loads");
    let visitor = format!("{p}_visitor");
    for (source, c) in [("live", &live), ("files", &files)] {
        let mut defaults: Vec<(String, Vec<String>)> = c
            .default_privileges
            .iter()
            .filter(|d| d.grantee == visitor)
            .map(|d| (d.role.clone(), d.privileges.clone()))
            .collect();
        defaults.sort();
        assert_eq!(defaults.len(), 2, "{source}: {defaults:?}");
        assert!(
            defaults.iter().any(|(_, p)| p == &["SELECT".to_string()]),
            "{source}: {defaults:?}"
        );
        let held = access(c, "posts", &visitor);
        assert!(held.privilege("SELECT").unwrap().on_table(), "{source}");
        assert!(
            !held.privilege("INSERT").unwrap().any(),
            "{source}: the FOR ROLE {p}_owner entry is not this table's"
        );
    }
}
