//! Reading a Supabase app as a reviewer does, and long things to their end: labels that
//! do not mislead, a dozen storage policies
//! whose names differ only at the end, a policy's whole `USING`, a 100-line function body,
//! a finding's whole fix. Pure update and rendered screens on
//! `tests/fixtures/shapes/supabase_teams.sql`.

use std::path::PathBuf;

use pglens::audit::{self, Selection};
use pglens::categorize::CategoryConfig;
use pglens::model::{ObjectId, QualifiedName};
use pglens::tui::action::Action;
use pglens::tui::model::Model;
use pglens::tui::state::{App, FindingsView, Overlay};
use pglens::tui::tab::Tab;

use crate::explorer::screen;

pub(crate) fn teams_app(width: u16, height: u16) -> App {
    fixture_app("supabase_teams.sql", width, height)
}

/// The explorer on one of `tests/fixtures/shapes/`.
pub(crate) fn fixture_app(file: &str, width: u16, height: u16) -> App {
    // Relative (tests run in the package's folder), so the screens name the file the same
    // on every machine.
    let path = PathBuf::from("tests/fixtures/shapes").join(file);
    let catalog = pglens::source::sqlfiles::load(&[path]).expect("fixture loads");
    catalog_app("teams", catalog, width, height)
}

/// The explorer of `width` x `height` on `catalog` and its findings, under `label`.
pub(crate) fn catalog_app(
    label: &str,
    catalog: pglens::model::Catalog,
    width: u16,
    height: u16,
) -> App {
    let findings = audit::run(&catalog, &Selection::default());
    let mut app = App::new(label.into());
    app.update(Action::Resize { width, height });
    app.update(Action::Loaded(Box::new(Model::new(
        catalog,
        findings,
        CategoryConfig::default(),
    ))));
    app
}

/// Opens an object with the finder, as a user would, on `tab`.
pub(crate) fn open(app: &mut App, id: ObjectId, tab: Tab) {
    app.update(Action::Search);
    let name = match &id {
        ObjectId::Function { name, .. } => name.clone(),
        other => other.label(),
    };
    crate::explorer::type_text(app, &name);
    app.update(Action::Enter);
    assert_eq!(app.selected_object(), Some(&id), "the finder opens {name}");
    app.update(Action::Tab(
        Tab::ALL.iter().position(|t| *t == tab).unwrap() as u8,
    ));
}

fn objects() -> ObjectId {
    ObjectId::Relation(QualifiedName::new("storage", "objects"))
}

fn provision_team() -> ObjectId {
    ObjectId::Function {
        schema: "public".into(),
        name: "provision_team".into(),
        arguments: "team_name text, team_slug text".into(),
    }
}

/// Twelve policies that start with the same 36 characters read apart at 80 columns: the
/// name loses its middle, and the bucket and command at its end stay.
#[test]
fn alike_policy_names_read_apart_at_80_columns() {
    let mut app = teams_app(80, 24);
    open(&mut app, objects(), Tab::Policies);
    let text = screen(&app, 80, 24);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(" perm ")).collect();
    assert_eq!(rows.len(), 12, "{text}");
    let names: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|l| {
            l.split('┃')
                .nth(1)
                .unwrap()
                .split(" DELETE")
                .next()
                .unwrap()
        })
        .map(|l| l.split(" INSERT").next().unwrap())
        .map(|l| l.split(" SELECT").next().unwrap())
        .map(|l| l.split(" UPDATE").next().unwrap())
        .collect();
    assert_eq!(names.len(), 12, "every row reads differently:\n{text}");
    assert!(
        text.contains("names start “Give m"),
        "the shared start is said once:\n{text}"
    );
    assert!(text.contains("…team-files (update)"), "{text}");
}

/// Enter on a policy shows it whole: name, command, mode, roles and the complete USING,
/// wrapped, with its last word on screen once scrolled to the end.
#[test]
fn enter_on_a_policy_shows_all_of_it_and_scrolls_to_its_last_line() {
    let mut app = teams_app(80, 24);
    open(&mut app, objects(), Tab::Policies);
    app.update(Action::End);
    app.update(Action::Enter);
    let Overlay::Full(full) = &app.overlay else {
        panic!("Enter opens the policy in full: {:?}", app.overlay);
    };
    assert!(full
        .doc
        .title
        .contains("Give members access to team folders in"));
    let text = screen(&app, 80, 24);
    assert!(text.contains("command: UPDATE"), "{text}");
    assert!(text.contains("mode: permissive"), "{text}");
    assert!(text.contains("roles: authenticated"), "{text}");
    insta::assert_snapshot!("policy_in_full_80x24", text);
    app.update(Action::End);
    let end = screen(&app, 80, 24);
    assert!(end.contains("'member'"), "the USING's last words:\n{end}");
    assert!(end.contains("row security enabled"), "{end}");
    // The whole expression is there, over as many lines as it takes.
    let Overlay::Full(full) = &app.overlay else {
        panic!()
    };
    let all: String = full
        .doc
        .wrapped(70)
        .iter()
        .map(|l| l.text.trim().to_string() + " ")
        .collect();
    assert!(
        all.contains("(storage.foldername(name))[1]") && all.contains("tm.user_id ="),
        "{all}"
    );
    app.update(Action::Escape);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.tab, Tab::Policies, "Esc returns to the list");
}

/// The Definition tab of a 100-line function scrolls with the list keys: End shows its
/// last line, Home its first, and Down past the end stays at the end.
#[test]
fn a_long_function_body_scrolls_to_its_last_line() {
    let mut app = teams_app(80, 24);
    open(&mut app, provision_team(), Tab::Definition);
    let top = screen(&app, 80, 24);
    assert!(
        top.contains("CREATE FUNCTION public.provision_team"),
        "{top}"
    );
    assert!(!top.contains("the end of provision_team"), "{top}");
    assert!(top.contains("lines 1-"), "says there is more:\n{top}");
    app.update(Action::End);
    let end = screen(&app, 80, 24);
    assert!(end.contains("the end of provision_team"), "{end}");
    let at_end = app.definition_scroll.offset;
    app.update(Action::Down);
    assert_eq!(
        app.definition_scroll.offset, at_end,
        "no scrolling past the end"
    );
    app.update(Action::PageUp);
    assert!(app.definition_scroll.offset < at_end);
    app.update(Action::Home);
    assert_eq!(app.definition_scroll.offset, 0);
    // In full, a definition has no fix: `y` is not offered.
    app.update(Action::ShowFull);
    assert!(matches!(app.overlay, Overlay::Full(_)));
    let full = screen(&app, 80, 24);
    assert!(
        full.contains("scroll · Esc close") && !full.contains("copy fix"),
        "{full}"
    );
    app.update(Action::Escape);
    // Another object's definition starts at its top.
    app.update(Action::End);
    open(&mut app, objects(), Tab::Definition);
    assert!(screen(&app, 80, 24).contains("CREATE TABLE storage.objects"));
}

/// Space on a finding in the findings list shows the whole finding; Esc goes back to the
/// list with its filter and cursor as they were.
#[test]
fn space_in_the_findings_list_shows_the_finding_and_esc_keeps_the_list() {
    let mut app = teams_app(120, 40);
    app.update(Action::Findings);
    app.update(Action::CycleSeverityFilter);
    app.update(Action::Down);
    let Overlay::Findings(before) = app.overlay.clone() else {
        panic!()
    };
    app.update(Action::ShowFull);
    let Overlay::Full(full) = &app.overlay else {
        panic!("Space opens the finding: {:?}", app.overlay);
    };
    assert!(full.doc.lines.iter().any(|l| l.text.contains("fix")));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("copy fix · Esc close"),
        "a fix to copy: {text}"
    );
    app.update(Action::Escape);
    let Overlay::Findings(after) = &app.overlay else {
        panic!("back to the list: {:?}", app.overlay);
    };
    assert_eq!(
        (after.selected, after.min_severity),
        (before.selected, before.min_severity)
    );
    let _ = FindingsView::default();
}

/// A finding's fix longer than the Findings tab's card is cut with a line that says how to
/// read the rest, and the full view holds every statement.
#[test]
fn a_long_fix_is_cut_with_a_way_to_read_it_all() {
    let mut app = teams_app(80, 24);
    let team_audit = ObjectId::Relation(QualifiedName::new("public", "team_audit"));
    open(&mut app, team_audit, Tab::Findings);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Space shows the whole finding"), "{text}");
    app.update(Action::ShowFull);
    let Overlay::Full(full) = &app.overlay else {
        panic!()
    };
    let f = &app.model.as_ref().unwrap().findings;
    let shown: Vec<&str> = full.doc.lines.iter().map(|l| l.text.as_str()).collect();
    let finding = f
        .iter()
        .find(|x| x.message == shown[0].trim_start_matches(['✖', '▲', '●', ' ']))
        .expect("the full view is of a finding");
    for s in &finding.fix.as_ref().unwrap().statements {
        let last = s.sql.lines().last().unwrap();
        assert!(
            shown.iter().any(|l| l.contains(last.trim())),
            "{last} is in the full view"
        );
    }
}

/// `y` in the full view copies the fix of the finding it shows, wherever the focus was
/// when it opened (the tree's focus would otherwise pick the object's first fix).
#[test]
fn y_in_the_full_view_copies_the_fix_that_is_shown() {
    use pglens::tui::state::Effect;
    let mut app = teams_app(120, 40);
    let team_audit = ObjectId::Relation(QualifiedName::new("public", "team_audit"));
    open(&mut app, team_audit.clone(), Tab::Findings);
    app.update(Action::End);
    app.update(Action::Left);
    app.update(Action::ShowFull);
    let Overlay::Full(full) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    let model = app.model.as_ref().unwrap();
    let shown = model
        .findings
        .iter()
        .find(|f| full.doc.lines[0].text.ends_with(f.message.as_str()))
        .expect("a finding is shown");
    let first_fixable = model
        .findings
        .iter()
        .find(|f| f.fix.is_some() && f.object.path().starts_with("public.team_audit"))
        .unwrap();
    assert_ne!(
        shown.key, first_fixable.key,
        "the fixture tells the two apart"
    );
    let key = shown.key.clone();
    let has_fix = shown.fix.is_some();
    let effects = app.update(Action::CopyFix);
    match effects.as_slice() {
        [Effect::Copy { what, .. }] => {
            assert!(has_fix);
            assert_eq!(what, &format!("fix for {key}"));
        }
        [] => assert!(!has_fix, "{:?}", app.status),
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(app.overlay, Overlay::Full(_)),
        "the view stays open"
    );
}

/// A key to `auth.users` reads `FK→auth.users`, not `FK→users`; one to a table of the
/// same schema keeps the short name.
#[test]
fn keys_to_another_schema_name_it() {
    let mut app = teams_app(160, 48);
    let members = ObjectId::Relation(QualifiedName::new("public", "team_members"));
    open(&mut app, members, Tab::Columns);
    let text = screen(&app, 160, 48);
    let user_id = text.lines().find(|l| l.contains(" user_id ")).unwrap();
    assert!(user_id.contains("FK→auth.users"), "{user_id}");
    let team_id = text.lines().find(|l| l.contains(" team_id ")).unwrap();
    assert!(team_id.contains("FK→teams"), "{team_id}");
}

/// At 80 columns, where no comment column fits, a table's comment is the line above its
/// columns and the selected column's comment the line below; both whole at 200.
#[test]
fn comments_read_at_80_columns() {
    let mut app = teams_app(80, 24);
    let teams = ObjectId::Relation(QualifiedName::new("public", "teams"));
    open(&mut app, teams, Tab::Columns);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("comment: A team: the unit that owns"),
        "{text}"
    );

    let members = ObjectId::Relation(QualifiedName::new("public", "team_members"));
    open(&mut app, members.clone(), Tab::Columns);
    let plain = screen(&app, 80, 24);
    assert!(
        !plain.contains("What the member"),
        "no footer on team_id:\n{plain}"
    );
    app.update(Action::Down);
    app.update(Action::Down);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("role: What the member may do: owners"),
        "{text}"
    );
    insta::assert_snapshot!("column_comment_80x24", text);

    // Wide enough for the comment column: the cell holds what fits, the line below the
    // rest of a comment it cuts.
    let mut wide = teams_app(200, 50);
    open(&mut wide, members, Tab::Columns);
    let text = screen(&wide, 200, 50);
    let role = text.lines().find(|l| l.contains(" role ")).unwrap();
    assert!(role.contains("What the member may do"), "{role}");
}

/// A restrictive policy reads `restr` beside the permissive one it narrows, and a table
/// that holds its owner to its policies says so as psql does.
#[test]
fn restrictive_and_forced_policies_read_as_such() {
    let mut app = teams_app(80, 24);
    let projects = ObjectId::Relation(QualifiedName::new("public", "team_projects"));
    open(&mut app, projects, Tab::Policies);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("Policies (forced row security enabled)"),
        "{text}"
    );
    let mfa = text
        .lines()
        .find(|l| l.contains("Require MFA"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(mfa.contains(" restr "), "{mfa}");
    let members = text
        .lines()
        .find(|l| l.contains("Team members…"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(members.contains(" perm "), "{members}");
}

/// Space shows any row in full: a column with its key and its index, an index as CREATE
/// INDEX writes it, a foreign key with its actions, a trigger with its function; each in
/// an overlay that Esc closes on the same row.
#[test]
fn every_kind_of_row_reads_in_full() {
    let mut app = fixture_app("supabase_chat.sql", 80, 24);
    let profiles = ObjectId::Relation(QualifiedName::new("public", "profiles"));
    let cases: [(Tab, &str, &[&str]); 4] = [
        (
            Tab::Columns,
            "user_id",
            &["auth.users(id) ON DELETE CASCADE", "idx_profiles_user_id"],
        ),
        (
            Tab::Indexes,
            "idx_profiles_user_id",
            &["CREATE INDEX idx_profiles_user_id ON public.profiles USING btree (user_id);"],
        ),
        (
            Tab::Constraints,
            "profiles_user_id_fkey",
            &[
                "FOREIGN KEY (user_id) REFERENCES auth.users(id)",
                "on delete: CASCADE",
            ],
        ),
        (
            Tab::Triggers,
            "update_profiles_updated_at",
            &[
                "BEFORE UPDATE ON public.profiles",
                "function: public.update_updated_at_column",
            ],
        ),
    ];
    for (tab, row_name, expected) in cases {
        open(&mut app, profiles.clone(), tab);
        let model = app.model.as_ref().unwrap();
        let row = pglens::tui::model::detail_rows(model, &profiles, tab)
            .iter()
            .position(|r| r.name.as_deref() == Some(row_name))
            .unwrap_or_else(|| panic!("{row_name} on the {tab:?} tab"));
        while app.row < row {
            app.update(Action::Down);
        }
        app.update(Action::ShowFull);
        let Overlay::Full(full) = &app.overlay else {
            panic!("Space opens {row_name} in full: {:?}", app.overlay);
        };
        assert!(full.doc.title.contains(row_name), "{}", full.doc.title);
        let text: Vec<&str> = full.doc.lines.iter().map(|l| l.text.as_str()).collect();
        let text = text.join("\n");
        for line in expected {
            assert!(text.contains(line), "{row_name}: {line}:\n{text}");
        }
        let shown = screen(&app, 80, 24);
        assert!(shown.contains(row_name), "{shown}");
        app.update(Action::Escape);
        assert!(matches!(app.overlay, Overlay::None));
        assert_eq!(app.row, row, "Esc keeps the row");
    }
}
