//! References in the application's code (`--code`): a generated tree in several languages
//! and ORMs, with the places a search must not look (a .gitignored build folder, vendored
//! packages, migrations, lock files, a binary) holding false hits, against the demo
//! schema.

use std::path::Path;

use crate::run_pglens;

/// Writes `files` (path, text) under `root`.
fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Files read: the twelve that are code, types and docs. Everything else is skipped.
const APP: &[(&str, &str)] = &[
    (
        "web/src/leads.ts",
        "// leads come from the CRM import\n\
         export async function list() {\n\
         \x20 const { data } = await supabase.from('leads').select('*')\n\
         \x20 await supabase.rpc('is_tenant_member', { id })\n\
         }\n",
    ),
    (
        "web/src/deals.ts",
        "const q = sql`\n  SELECT d.*\n  FROM public.deals d\n  JOIN brands b ON b.id = d.brand_id`\n",
    ),
    (
        "web/db/schema.ts",
        "export const media = pgTable('media_assets', {\n  id: uuid('id'),\n})\n",
    ),
    (
        "web/src/misleads.ts",
        "const misleads = 1\nconst leadsCount = 2\nconst x = deals_total\n",
    ),
    (
        "api/models.py",
        "class AuditLog(models.Model):\n    class Meta:\n        db_table = 'audit_logs'\n\n\
         class Notification(Base):\n    __tablename__ = \"notifications\"\n",
    ),
    (
        "api/app/models/brand_asset.rb",
        "class BrandAsset < ApplicationRecord\n  self.table_name = \"brand_assets\"\nend\n",
    ),
    (
        "prisma/schema.prisma",
        "model ContentItem {\n  id String @id\n  @@map(\"content_items\")\n}\n",
    ),
    (
        "reports/monthly.sql",
        "insert into pipeline_summary_archive select * from pipeline_summary;\n",
    ),
    ("docs/notes.md", "The assets table is the old media store.\n"),
    // `supabase gen types`: every table is named there, none is used.
    (
        "web/src/database.types.ts",
        "export type Json = string\nexport type Database = {\n  public: {\n    Tables: {\n      audit_log: {\n        Row: { id: number }\n",
    ),
    // A storage bucket that shares a table's name, and a call split over lines.
    (
        "web/src/storage.ts",
        "await supabase.storage.from('assets').upload(path, file)\nawait supabase.rpc(\n  'user_has_workspace_access',\n  { id })\n",
    ),
    ("web/public/locales/en/translation.json", "{\"content\": \"Content\"}\n"),
    ("README", "nothing to see\n"),
    // Not code the application runs, each with a false hit.
    (".gitignore", "build/\n*.generated.ts\n"),
    ("build/bundle.js", "supabase.from('audit_log')\n"),
    ("web/src/api.generated.ts", "supabase.from('content')\n"),
    ("node_modules/pkg/index.js", "supabase.from('assets')\n"),
    ("vendor/gems/x.rb", "self.table_name = \"content\"\n"),
    (
        "supabase/migrations/0001_init.sql",
        "create table audit_log (id int);\n",
    ),
    ("db/migrate/001_create.rb", "create_table :audit_log\n"),
    ("db/schema.rb", "create_table \"audit_log\"\n"),
    ("package-lock.json", "{\"name\": \"audit_log\"}\n"),
    ("web/dist/app.min.js", "from('audit_log')\n"),
    (".env", "TABLE=audit_log\n"),
];

fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), APP);
    // A binary file (a NUL early on) that happens to hold a table's name.
    std::fs::write(
        dir.path().join("web/logo.png"),
        b"\x89PNG\0\0from audit_log",
    )
    .unwrap();
    dir
}

fn refs_json(args: &[&str]) -> serde_json::Value {
    let (status, out, err) = run_pglens(args);
    assert_eq!(status, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// `(file, line, how)` of every reference to `name`.
fn references(doc: &serde_json::Value, name: &str) -> Vec<(String, u64, String)> {
    let object = doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("{name} was looked for"));
    object["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["how"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn r(file: &str, line: u64, how: &str) -> (String, u64, String) {
    (file.into(), line, how.into())
}

#[test]
fn refs_lists_each_tables_references_and_nothing_from_skipped_places() {
    let tree = app();
    let root = tree.path().to_str().unwrap();
    let doc = refs_json(&["refs", "--demo", "--code", root, "--format", "json"]);
    assert_eq!(doc["files"], 12, "the twelve files, nothing else: {doc}");
    // Uses first, then mentions.
    assert_eq!(
        references(&doc, "leads"),
        vec![
            r("web/src/leads.ts", 3, "client"),
            r("web/src/leads.ts", 1, "mention")
        ]
    );
    assert_eq!(
        references(&doc, "user_has_workspace_access"),
        vec![r("web/src/storage.ts", 3, "client")]
    );
    assert_eq!(
        references(&doc, "is_tenant_member"),
        vec![r("web/src/leads.ts", 4, "client")]
    );
    assert_eq!(
        references(&doc, "deals"),
        vec![r("web/src/deals.ts", 3, "sql")]
    );
    assert_eq!(
        references(&doc, "brands"),
        vec![r("web/src/deals.ts", 4, "sql")]
    );
    assert_eq!(
        references(&doc, "media_assets"),
        vec![r("web/db/schema.ts", 1, "orm")]
    );
    assert_eq!(
        references(&doc, "audit_logs"),
        vec![r("api/models.py", 3, "orm")]
    );
    assert_eq!(
        references(&doc, "notifications"),
        vec![r("api/models.py", 6, "orm")]
    );
    assert_eq!(
        references(&doc, "brand_assets"),
        vec![r("api/app/models/brand_asset.rb", 2, "orm")]
    );
    assert_eq!(
        references(&doc, "content_items"),
        vec![r("prisma/schema.prisma", 3, "orm")]
    );
    // A view read by SQL; `pipeline_summary_archive` is another word.
    assert_eq!(
        references(&doc, "pipeline_summary"),
        vec![r("reports/monthly.sql", 1, "sql")]
    );
    assert_eq!(
        references(&doc, "assets"),
        vec![
            r("docs/notes.md", 1, "mention"),
            r("web/src/storage.ts", 1, "mention")
        ]
    );
    assert_eq!(
        references(&doc, "audit_log"),
        vec![r("web/src/database.types.ts", 5, "type")]
    );
    // Only the skipped places name this one.
    assert_eq!(references(&doc, "content"), vec![]);

    // The text form: what nothing names, then what is named.
    let (status, text, err) = run_pglens(&["refs", "--demo", "--code", root]);
    assert_eq!(status, 0, "{err}");
    assert!(text.starts_with("searched 12 files in "), "{text}");
    let (unused, used) = text.split_once("\nused (").unwrap();
    assert!(unused.contains("\n  public.content (table)\n"), "{text}");
    assert!(
        unused.contains("\n  public.audit_log (table): no uses in 12 files of code; 1 type (first web/src/database.types.ts:5)\n    web/src/database.types.ts:5  type\n"),
        "{text}"
    );
    assert!(
        used.contains(
            "  public.leads (table): 1 use in code (1 file; first web/src/leads.ts:3) and 1 mention\n    web/src/leads.ts:3  client\n    web/src/leads.ts:1  mention\n"
        ),
        "{text}"
    );
}

/// Migration files read as the source are the schema's definition, wherever they sit in
/// the tree, and two roots keep their files apart.
#[test]
fn the_source_files_are_not_references_and_roots_are_named() {
    let tree = app();
    write_tree(
        tree.path(),
        &[(
            "schema/001_leads.sql",
            "create table leads (id int primary key);\n",
        )],
    );
    let other = tempfile::tempdir().unwrap();
    write_tree(
        other.path(),
        &[("src/index.ts", "supabase.from('leads')\n")],
    );
    let schema = tree.path().join("schema");
    let doc = refs_json(&[
        "refs",
        schema.to_str().unwrap(),
        "--code",
        tree.path().to_str().unwrap(),
        "--code",
        other.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let (a, b) = (
        tree.path().display().to_string(),
        other.path().display().to_string(),
    );
    let mut found = references(&doc, "leads");
    // Uses first; within a kind by file, and the two roots' names are random.
    assert_eq!(
        found.pop(),
        Some(r(&format!("{a}/web/src/leads.ts"), 1, "mention"))
    );
    found.sort();
    let mut expected = vec![
        r(&format!("{a}/web/src/leads.ts"), 3, "client"),
        r(&format!("{b}/src/index.ts"), 1, "client"),
    ];
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_missing_code_folder_is_a_clear_error() {
    let (status, _, err) = run_pglens(&["refs", "--demo", "--code", "/nonexistent/app"]);
    assert_eq!(status, 2);
    assert!(
        err.contains("cannot read the code folder /nonexistent/app"),
        "{err}"
    );
    let (status, _, err) = run_pglens(&["refs", "--demo"]);
    assert_eq!(status, 2);
    assert!(err.contains("needs --code DIR"), "{err}");
}

/// unused-table says what the code says: nothing, or where the code still uses the table
/// (and then the fix warns).
#[test]
fn unused_table_cites_the_code() {
    let tree = app();
    let root = tree.path().to_str().unwrap();
    let (status, out, err) = run_pglens(&[
        "audit",
        "--demo",
        "--code",
        root,
        "--rule",
        "unused-table",
        "--format",
        "json",
    ]);
    assert!(status == 0 || status == 1, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let finding = |table: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["object"]["table"] == table)
            .unwrap_or_else(|| panic!("unused-table on {table}"))
            .clone()
    };
    let legacy = finding("audit_log");
    assert!(
        legacy["message"]
            .as_str()
            .unwrap()
            .ends_with("; no uses in 12 files of code; 1 type (first web/src/database.types.ts:5)"),
        "{legacy}"
    );
    assert!(
        !legacy["fix"].to_string().contains("still uses"),
        "{legacy}"
    );
    let used = finding("brand_assets");
    assert!(
        used["message"]
            .as_str()
            .unwrap()
            .ends_with("; 1 use in code (1 file; first api/app/models/brand_asset.rb:2)"),
        "{used}"
    );
    assert!(
        used["fix"].to_string().contains("still uses the table"),
        "{used}"
    );

    // Without --code, nothing is claimed about the code.
    let (_, out, _) = run_pglens(&[
        "audit",
        "--demo",
        "--rule",
        "unused-table",
        "--format",
        "json",
    ]);
    assert!(!out.contains("in code"), "{out}");
}

/// The demo in the explorer, with the code in `tree` searched when there is one.
fn explorer(tree: Option<&Path>) -> pglens::tui::state::App {
    use pglens::tui::action::Action;
    let mut catalog = pglens::source::snapshot::demo();
    let roots: Vec<std::path::PathBuf> = tree.into_iter().map(Path::to_path_buf).collect();
    let warnings =
        pglens::source::code::attach(&mut catalog, &pglens::source::SourceSpec::Demo, &roots)
            .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let findings = pglens::audit::run(&catalog, &Default::default());
    let categories =
        pglens::categorize::CategoryConfig::parse(pglens::categorize::DEMO_CATEGORIES, "demo")
            .unwrap();
    let mut app = pglens::tui::state::App::new("demo".into());
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    app.update(Action::Loaded(Box::new(pglens::tui::model::Model::new(
        catalog, findings, categories,
    ))));
    app
}

/// The Usage tab lists where the code names the table after what depends on it in the
/// database; the table list gets a `refs` column to sort by.
#[test]
fn the_explorer_shows_references_in_usage_and_the_table_list() {
    use pglens::model::QualifiedName;
    use pglens::tui::action::Action;
    use pglens::tui::state::{Overlay, SortKey};
    use pglens::tui::tab::Tab;

    let tree = app();
    let mut app = explorer(Some(tree.path()));
    app.update(Action::Search);
    crate::explorer::type_text(&mut app, "public.leads");
    app.update(Action::Enter);
    app.update(Action::Tab(Tab::Usage.index() as u8));
    let text = crate::explorer::screen(&app, 100, 30);
    assert!(
        text.contains("code     1 use in code (1 file; first web/src/leads.ts:3)"),
        "{text}"
    );
    insta::assert_snapshot!("usage_with_code_100x30", text);
    // A reference's row in full: the whole path, what kind of reference, the summary.
    app.update(Action::Right);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    app.update(Action::ShowFull);
    assert!(matches!(app.overlay, Overlay::Full(_)), "{:?}", app.overlay);
    let text = crate::explorer::screen(&app, 100, 30);
    assert!(
        text.contains("web/src/leads.ts:3") && text.contains("a Supabase client call"),
        "{text}"
    );
    app.update(Action::Escape);

    app.update(Action::Tables);
    let text = crate::explorer::screen(&app, 120, 30);
    assert!(text.contains(" uses "), "{text}");
    // `o` reaches the uses column; reversed, the tables the code does not use come first.
    while !matches!(&app.overlay, Overlay::Tables(v) if v.sort == SortKey::Refs) {
        app.update(Action::Sort);
    }
    app.update(Action::ReverseSort);
    let Overlay::Tables(view) = &app.overlay else {
        panic!()
    };
    let code = app.model.as_ref().unwrap().catalog.code.clone().unwrap();
    let counts: Vec<usize> = view
        .order
        .iter()
        .map(|q| code.of(q).map_or(0, pglens::model::code::uses))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert_eq!(counts[0], 0);
    let leads = QualifiedName::new("public", "leads");
    assert_eq!(code.of(&leads).map(pglens::model::code::uses), Some(1));
}

/// Without a scan there is no column to sort by: `o` never stops at it.
#[test]
fn without_code_the_table_list_has_no_refs_column() {
    use pglens::tui::action::Action;
    use pglens::tui::state::{Overlay, SortKey};
    let mut app = explorer(None);
    app.update(Action::Tables);
    for _ in 0..20 {
        app.update(Action::Sort);
        let Overlay::Tables(view) = &app.overlay else {
            panic!()
        };
        assert_ne!(view.sort, SortKey::Refs);
    }
    let text = crate::explorer::screen(&app, 120, 30);
    assert!(!text.contains(" uses "), "{text}");
}

/// The exported plan lists, per removed table, where the code names it, and names a table
/// the code still uses as a risk.
#[test]
fn the_plan_lists_references_per_removed_table() {
    let tree = app();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        "[[table]]\nschema = \"public\"\nname = \"audit_log\"\ndecision = \"drop\"\n\
         [[table]]\nschema = \"public\"\nname = \"brand_assets\"\ndecision = \"drop\"\n",
    )
    .unwrap();
    let (status, _, err) = run_pglens(&[
        "plan",
        "export",
        "--demo",
        "--plan",
        plan.to_str().unwrap(),
        "--code",
        tree.path().to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{err}");
    let md = std::fs::read_to_string(dir.path().join("plan.md")).unwrap();
    assert!(
        md.contains("- **Code:** the application still uses `public.brand_assets` (`api/app/models/brand_asset.rb:2`); it breaks when the table is gone."),
        "{md}"
    );
    let section = md.split("## References in code\n").nth(1).expect(&md);
    assert!(section.starts_with("\nSearched 12 files in `"), "{section}");
    assert!(
        section.contains("- `public.audit_log`: no uses in 12 files of code; 1 type (first web/src/database.types.ts:5)\n  - `web/src/database.types.ts:5` (type)\n"),
        "{section}"
    );
    assert!(
        section.contains(
            "- `public.brand_assets`: 1 use in code (1 file; first api/app/models/brand_asset.rb:2)\n  - `api/app/models/brand_asset.rb:2` (orm)\n"
        ),
        "{section}"
    );
    // The drop table's use column says it too.
    assert!(
        md.contains("; no uses in 12 files of code; 1 type (first web/src/database.types.ts:5) |"),
        "{md}"
    );
}
