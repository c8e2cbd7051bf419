//! The row peek: the first rows of a table read from a real server, read only, with a
//! statement timeout, as the connecting role may see them; and the explorer's overlay that
//! shows them, which never asks an offline source.

use std::time::Duration;

use pglens::model::{ObjectId, QualifiedName};
use pglens::source::live::peek::{peek, Peek, PEEK_ROWS, PEEK_TIMEOUT, VALUE_CHARS};
use pglens::tui::action::Action;
use pglens::tui::state::{App, Effect, Overlay, PeekRows};
use pglens::tui::tab::Tab;

use crate::common::TestDb;
use crate::explorer::screen;
use crate::full_text::{catalog_app, open, teams_app};

fn name(schema: &str, table: &str) -> QualifiedName {
    QualifiedName::new(schema, table)
}

async fn read(db: &TestDb, table: &QualifiedName) -> Result<Peek, String> {
    peek(&db.params, table, PEEK_TIMEOUT).await
}

/// Fifty rows of sixty, values cut on the server and marked, NULL kept apart from text,
/// names that need quoting.
#[tokio::test]
async fn the_first_rows_are_read_with_long_values_cut() {
    let db = TestDb::new("peek_rows").await;
    db.exec(
        "CREATE SCHEMA \"Odd Schema\";
         CREATE TABLE \"Odd Schema\".\"line\"\"items\" (id int, gone int, \"Full Name\" text, body text, note text);
         ALTER TABLE \"Odd Schema\".\"line\"\"items\" DROP COLUMN gone;
         INSERT INTO \"Odd Schema\".\"line\"\"items\"
           SELECT i, 'n' || i, repeat('x', 1000), CASE WHEN i = 1 THEN 'NULL' END
           FROM generate_series(1, 60) i;",
    )
    .await;
    let p = read(&db, &name("Odd Schema", "line\"items")).await.unwrap();
    assert_eq!(
        p.columns,
        ["id", "Full Name", "body", "note"],
        "dropped columns are not read"
    );
    assert_eq!(p.rows.len(), PEEK_ROWS);
    assert!(p.more);
    assert!(!p.rls_active && p.hidden.is_empty());
    assert_eq!(p.user, db.params.user);
    let first = p
        .rows
        .iter()
        .find(|r| r[0].as_deref() == Some("1"))
        .unwrap();
    let body = first[2].as_deref().unwrap();
    assert_eq!(body.chars().count(), VALUE_CHARS + 1);
    assert!(body.ends_with('…'));
    assert_eq!(first[3].as_deref(), Some("NULL"), "the text NULL is text");
    let second = p
        .rows
        .iter()
        .find(|r| r[0].as_deref() == Some("2"))
        .unwrap();
    assert_eq!(second[3], None, "SQL NULL is None");

    db.exec("CREATE TABLE public.few (id int); INSERT INTO public.few VALUES (1), (2);")
        .await;
    let few = read(&db, &name("public", "few")).await.unwrap();
    assert_eq!((few.rows.len(), few.more), (2, false));
}

/// A role with column grants and a policy: the columns it may not read are left out and
/// named, the rows are the policy's, and a table it may not read at all says so.
#[tokio::test]
async fn the_role_sees_what_its_grants_and_policies_allow() {
    let db = TestDb::new("peek_role").await;
    let role = format!("{}_web", db.params.dbname);
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN;
         CREATE TABLE public.members (id int, name text, secret text);
         INSERT INTO public.members SELECT i, 'm' || i, 's' || i FROM generate_series(1, 10) i;
         ALTER TABLE public.members ENABLE ROW LEVEL SECURITY;
         CREATE POLICY first_three ON public.members FOR SELECT TO {role} USING (id <= 3);
         GRANT SELECT (id, name) ON public.members TO {role};
         CREATE TABLE public.payroll (id int);"
    ))
    .await;
    let mut params = db.params.clone();
    params.user = role.clone();
    let p = peek(&params, &name("public", "members"), PEEK_TIMEOUT)
        .await
        .unwrap();
    assert_eq!(p.columns, ["id", "name"]);
    assert_eq!(p.hidden, ["secret"]);
    assert!(p.rls_active);
    assert_eq!(p.user, role);
    assert_eq!(p.rows.len(), 3, "the policy's rows only");
    let refused = peek(&params, &name("public", "payroll"), PEEK_TIMEOUT)
        .await
        .unwrap_err();
    assert!(
        refused.contains("cannot read the rows of public.payroll") && refused.contains("SELECT"),
        "{refused}"
    );
}

/// A slow view is cancelled by the statement timeout, a locked table by the lock timeout;
/// both say what happened in a sentence.
#[tokio::test]
async fn slow_and_locked_relations_cost_the_timeout_and_nothing_else() {
    let db = TestDb::new("peek_slow").await;
    db.exec(
        "CREATE VIEW public.slow AS SELECT 1 AS n FROM pg_sleep(5);
         CREATE TABLE public.busy (id int);",
    )
    .await;
    let short = Duration::from_millis(300);
    let slow = peek(&db.params, &name("public", "slow"), short)
        .await
        .unwrap_err();
    assert!(slow.contains("took longer than 0.3 s"), "{slow}");

    let other = crate::common::connect_params(&db.params).await;
    other
        .batch_execute("BEGIN; LOCK TABLE public.busy IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let locked = peek(&db.params, &name("public", "busy"), short)
        .await
        .unwrap_err();
    assert!(locked.contains("locked by another session"), "{locked}");
    other.batch_execute("ROLLBACK").await.unwrap();
    assert!(peek(&db.params, &name("public", "busy"), short)
        .await
        .is_ok());

    let gone = read(&db, &name("public", "dropped_meanwhile"))
        .await
        .unwrap_err();
    assert!(gone.contains("does not exist"), "{gone}");
}

/// The peek cannot write, even through a view whose function does.
#[tokio::test]
async fn a_peek_never_writes() {
    let db = TestDb::new("peek_ro").await;
    db.exec(
        "CREATE TABLE public.log (n int);
         CREATE FUNCTION public.writes() RETURNS int LANGUAGE sql VOLATILE
           AS 'INSERT INTO public.log VALUES (1) RETURNING 1';
         CREATE VIEW public.writing AS SELECT public.writes() AS w;",
    )
    .await;
    let refused = read(&db, &name("public", "writing")).await.unwrap_err();
    assert!(refused.contains("read-only transaction"), "{refused}");
    let rows = db
        .client
        .query_one("SELECT count(*) FROM public.log", &[])
        .await
        .unwrap();
    assert_eq!(rows.get::<_, i64>(0), 0);
}

/// `p` on a live database opens the overlay and asks the runtime to read; the rows that
/// arrive are drawn, Space shows one in full, and rows meant for a closed peek are dropped.
#[tokio::test]
async fn the_overlay_shows_what_arrives_for_it() {
    let db = TestDb::new("peek_app").await;
    db.exec(
        "CREATE TABLE public.orders (id int PRIMARY KEY, customer text, total numeric, note text);
         INSERT INTO public.orders VALUES (1, 'Ada', 12.50, NULL), (2, 'Grace', 99.00, 'gift');",
    )
    .await;
    let mut app = catalog_app("test", db.introspect().await, 80, 24);
    let orders = name("public", "orders");
    open(&mut app, ObjectId::Relation(orders.clone()), Tab::Columns);
    let effects = app.update(Action::Peek);
    assert!(
        matches!(&effects[..], [Effect::Peek { table }] if *table == orders),
        "{effects:?}"
    );
    assert!(screen(&app, 80, 24).contains("reading the first 50 rows of public.orders"));
    let rows = read(&db, &orders).await;
    // A late answer for another table changes nothing.
    app.update(Action::PeekArrived {
        table: name("public", "other"),
        result: Box::new(Err("boom".into())),
    });
    assert!(matches!(&app.overlay, Overlay::Peek(v) if matches!(v.rows, PeekRows::Loading)));
    app.update(Action::PeekArrived {
        table: orders.clone(),
        result: Box::new(rows),
    });
    let text = screen(&app, 80, 24);
    assert!(text.contains("rows of public.orders: all 2"), "{text}");
    let ada = text.lines().find(|l| l.contains("Ada")).unwrap();
    assert!(ada.contains("12.50") && ada.contains("[NULL]"), "{ada}");
    // The title names the harness's role (or PGLENS_TEST_DATABASE_URL's): checked, then
    // left out of the snapshot.
    let (title, grid) = text.split_once('\n').unwrap();
    assert!(
        title.contains(&format!(" · as {} · ", db.params.user)),
        "{title}"
    );
    insta::assert_snapshot!("peek_orders_80x24", grid);
    app.update(Action::Down);
    app.update(Action::ShowFull);
    let full = screen(&app, 80, 24);
    assert!(
        full.contains("row 2 of 2") && full.contains("note: gift"),
        "{full}"
    );
    app.update(Action::Escape);
    app.update(Action::Right);
    let sideways = screen(&app, 80, 24);
    assert!(
        sideways.contains("column 2/4") && !sideways.contains(" id "),
        "{sideways}"
    );
    app.update(Action::Escape);
    assert!(matches!(app.overlay, Overlay::None));
    // Closed: rows that arrive now are dropped.
    app.update(Action::PeekArrived {
        table: orders,
        result: Box::new(Err("late".into())),
    });
    assert!(matches!(app.overlay, Overlay::None));
}

/// In the explorer, a table the role may not read says so in the peek, and nothing else
/// changes: Esc closes it on the same table, and the next peek, of a table it may read,
/// shows its rows.
#[tokio::test]
async fn a_table_the_role_cannot_read_says_so_and_the_explorer_goes_on() {
    let db = TestDb::new("peek_refused").await;
    let role = format!("{}_web", db.params.dbname);
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN;
         CREATE TABLE public.payroll (id int PRIMARY KEY, salary numeric);
         INSERT INTO public.payroll VALUES (1, 5000);
         CREATE TABLE public.notices (id int PRIMARY KEY, body text);
         INSERT INTO public.notices VALUES (1, 'closed on friday');
         GRANT SELECT ON public.notices TO {role};"
    ))
    .await;
    let mut params = db.params.clone();
    params.user = role.clone();
    let mut app = catalog_app("test", db.introspect().await, 80, 24);
    let peek_at = async |app: &mut App, table: QualifiedName| {
        open(app, ObjectId::Relation(table.clone()), Tab::Columns);
        let effects = app.update(Action::Peek);
        assert!(matches!(&effects[..], [Effect::Peek { .. }]), "{effects:?}");
        let result = peek(&params, &table, PEEK_TIMEOUT).await;
        app.update(Action::PeekArrived {
            table,
            result: Box::new(result),
        });
        screen(app, 80, 24)
    };
    let refused = peek_at(&mut app, name("public", "payroll")).await;
    assert!(
        refused.contains("cannot read the rows of public.payroll"),
        "{refused}"
    );
    assert!(
        refused.contains("GRANT SELECT"),
        "says what would allow it:\n{refused}"
    );
    app.update(Action::Escape);
    assert!(matches!(app.overlay, Overlay::None));
    let id = ObjectId::Relation(name("public", "payroll"));
    assert_eq!(app.selected_object(), Some(&id), "still on payroll");
    let text = peek_at(&mut app, name("public", "notices")).await;
    assert!(text.contains("closed on friday"), "{text}");
}

/// Migration files hold no rows: `p` says so and asks nothing of the runtime.
#[test]
fn an_offline_source_is_never_peeked_at() {
    let mut app = teams_app(80, 24);
    open(
        &mut app,
        ObjectId::Relation(name("public", "teams")),
        Tab::Columns,
    );
    assert!(app.update(Action::Peek).is_empty());
    assert!(matches!(app.overlay, Overlay::None));
    let (message, _) = app.status.clone().unwrap();
    assert!(
        message.contains("no rows to peek at in migration files"),
        "{message}"
    );
}
