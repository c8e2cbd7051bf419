//! The explorer without a terminal: pure update tests (state + action -> state + effects)
//! and rendered screens (ratatui's TestBackend, insta snapshots; severity colour checked on
//! styled cells, since snapshots drop colour).

use pglens::audit::ignore::IgnoreTarget;
use pglens::audit::{self, Selection, Severity};
use pglens::categorize::{CategoryConfig, DEMO_CATEGORIES};
use pglens::model::ObjectId;
use pglens::tui::action::{Action, Keymap};
use pglens::tui::model::{detail_rows, Drift, Model};
use pglens::tui::state::{App, Effect, FindingsView, Focus, Node, Overlay, SortKey};
use pglens::tui::tab::Tab;
use pglens::tui::theme::Theme;
use pglens::tui::view::{self, ViewState};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn demo_app() -> App {
    let catalog = pglens::source::snapshot::demo();
    let findings = audit::run(&catalog, &Selection::default());
    let categories = CategoryConfig::parse(DEMO_CATEGORIES, "demo").unwrap();
    let mut app = App::new("demo".into());
    app.update(Action::Resize {
        width: 120,
        height: 40,
    });
    app.update(Action::Loaded(Box::new(Model::new(
        catalog, findings, categories,
    ))));
    app
}

/// The tree comes before the audit: a big schema can be browsed while it is audited. The
/// status bar says so, and the findings fill in when they arrive.
#[test]
fn the_tree_is_usable_before_the_findings_arrive() {
    let catalog = std::sync::Arc::new(pglens::source::snapshot::demo());
    let categories = CategoryConfig::parse(DEMO_CATEGORIES, "demo").unwrap();
    let mut app = App::new("demo".into());
    app.update(Action::Resize {
        width: 120,
        height: 40,
    });
    app.update(Action::Loaded(Box::new(Model::unaudited(
        catalog.clone(),
        categories,
    ))));
    open_leads(&mut app);
    assert_eq!(app.selected_object(), Some(&leads()));
    let before = screen(&app, 120, 40);
    assert!(before.contains("auditing…"), "{before}");
    let findings = audit::run(&catalog, &Selection::default());
    let count = findings.len();
    app.update(Action::FindingsArrived(findings));
    let after = screen(&app, 120, 40);
    assert!(
        !after.contains("auditing…") && after.contains(" open │"),
        "{after}"
    );
    assert_eq!(app.model.as_ref().unwrap().findings.len(), count);
    assert_eq!(app.selected_object(), Some(&leads()), "the selection stays");
}

fn leads() -> ObjectId {
    ObjectId::relation("public", "leads")
}

pub(crate) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(c));
    }
}

fn open_leads(app: &mut App) {
    app.update(Action::Search);
    type_text(app, "public.leads");
    app.update(Action::Enter);
}

#[test]
fn loading_opens_the_first_group_and_selects_it() {
    let app = demo_app();
    assert_eq!(app.groups[0].name, "Identity & Tenancy");
    assert!(app.open_groups.contains("Identity & Tenancy"));
    assert_eq!(app.selected, Some(Node::Group("Identity & Tenancy".into())));
}

#[test]
fn navigation_moves_through_visible_rows_and_groups_open_and_close() {
    let mut app = demo_app();
    app.update(Action::Down);
    assert_eq!(
        app.selected,
        Some(Node::Item(
            "Identity & Tenancy".into(),
            ObjectId::relation("auth", "users")
        ))
    );
    app.update(Action::Left);
    assert_eq!(app.selected, Some(Node::Group("Identity & Tenancy".into())));
    app.update(Action::Left);
    assert!(
        !app.open_groups.contains("Identity & Tenancy"),
        "left on an open group closes it"
    );
    app.update(Action::Down);
    assert_eq!(app.selected, Some(Node::Group("Brand & Identity".into())));
    app.update(Action::Enter);
    assert!(app.open_groups.contains("Brand & Identity"));
    app.update(Action::End);
    assert_eq!(
        app.selected,
        Some(Node::Group("Platform: auth".into())),
        "the platform's group is last, and folded"
    );
    app.update(Action::Home);
    app.update(Action::Up);
    assert_eq!(
        app.selected,
        Some(Node::Group("Identity & Tenancy".into())),
        "clamped at the top"
    );
}

#[test]
fn search_jumps_to_the_row_and_back_returns() {
    let mut app = demo_app();
    app.update(Action::Search);
    type_text(&mut app, "brands.workspace_id");
    let Overlay::Search(state) = &app.overlay else {
        panic!("finder open")
    };
    assert!(!state.hits.is_empty());
    app.update(Action::Enter);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::relation("public", "brands"))
    );
    assert_eq!((app.focus, app.tab), (Focus::Detail, Tab::Columns));
    assert_eq!(app.row, 2, "workspace_id is the third column");

    // Relationships: Enter follows a foreign key, Backspace comes back.
    app.update(Action::Tab(Tab::Relationships.index() as u8));
    let before = app.selected_object().cloned();
    app.update(Action::Enter);
    assert_ne!(
        app.selected_object().cloned(),
        before,
        "jumped to the referenced table"
    );
    app.update(Action::Back);
    assert_eq!(app.selected_object().cloned(), before);
}

#[test]
fn foreign_key_columns_jump_and_backspace_reopens_the_list_it_came_from() {
    let mut app = demo_app();
    // The finder: Enter on workspace_members.workspace_id, then Enter on that foreign-key
    // column opens workspaces; Backspace twice is workspace_members, then the finder.
    app.update(Action::Search);
    type_text(&mut app, "workspace_members.workspace_id");
    app.update(Action::Enter);
    app.update(Action::Enter);
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::relation("public", "workspaces"))
    );
    app.update(Action::Back);
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::relation("public", "workspace_members"))
    );
    assert!(matches!(app.overlay, Overlay::None));
    app.update(Action::Back);
    let Overlay::Search(state) = &app.overlay else {
        panic!("the finder comes back: {:?}", app.overlay)
    };
    assert_eq!(state.query(), "workspace_members.workspace_id");
    app.update(Action::Escape);

    // The table list: its filter and cursor survive the round trip.
    app.update(Action::Tables);
    app.update(Action::Search);
    type_text(&mut app, "brand");
    app.update(Action::Enter);
    app.update(Action::Down);
    let Overlay::Tables(before) = app.overlay.clone() else {
        panic!()
    };
    assert!(
        before.order.iter().all(|q| q.name.contains("brand")) && before.order.len() >= 2,
        "{:?}",
        before.order
    );
    app.update(Action::Enter);
    assert!(matches!(app.overlay, Overlay::None));
    app.update(Action::Back);
    let Overlay::Tables(after) = &app.overlay else {
        panic!("the table list comes back")
    };
    assert_eq!(
        (&after.order, after.selected),
        (&before.order, before.selected)
    );
    // Esc clears the filter first, then closes.
    app.update(Action::Escape);
    let Overlay::Tables(cleared) = &app.overlay else {
        panic!()
    };
    assert!(cleared.order.len() > before.order.len());

    // The findings list, filtered to criticals, comes back filtered.
    app.update(Action::Escape);
    app.update(Action::Findings);
    app.update(Action::CycleSeverityFilter);
    app.update(Action::CycleSeverityFilter);
    app.update(Action::Down);
    app.update(Action::Enter);
    app.update(Action::Back);
    let Overlay::Findings(view) = &app.overlay else {
        panic!("the findings list comes back")
    };
    assert_eq!(
        (view.min_severity, view.selected),
        (Some(Severity::Critical), 1)
    );
}

#[test]
fn grouping_cycles_and_keeps_the_selection() {
    let mut app = demo_app();
    open_leads(&mut app);
    app.update(Action::CycleGrouping);
    assert_eq!(
        app.groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        ["Installed extensions", "public", "Platform: auth"]
    );
    assert_eq!(app.selected_object(), Some(&leads()));
    app.update(Action::CycleGrouping);
    assert_eq!(app.groups[0].name, "Critical");
    assert!(matches!(&app.selected, Some(Node::Item(g, id)) if g == "Warning" && *id == leads()));
    app.update(Action::CycleGrouping);
    assert_eq!(app.groups[0].name, "Identity & Tenancy");
}

#[test]
fn copy_effects_carry_the_fix_sql() {
    let mut app = demo_app();
    open_leads(&mut app);
    app.update(Action::Tab(1)); // Indexes: the duplicate index row is marked
    let dup_row = {
        let model = app.model.as_ref().unwrap();
        detail_rows(model, &leads(), Tab::Indexes)
            .iter()
            .position(|r| r.name.as_deref() == Some("idx_leads_workspace_id"))
            .unwrap()
    };
    app.update(Action::SelectRow(dup_row));
    let effects = app.update(Action::CopyFix);
    let [Effect::Copy { text, what }] = effects.as_slice() else {
        panic!("one copy effect: {effects:?}")
    };
    assert!(what.contains("duplicate-index"), "{what}");
    assert!(
        text.contains("DROP INDEX CONCURRENTLY IF EXISTS public.idx_leads_workspace_id;"),
        "{text}"
    );

    let effects = app.update(Action::CopyAll);
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!("copy all")
    };
    assert!(text.starts_with("-- pglens fix script: public.leads"));
    assert!(
        text.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_workspace_id_status"),
        "{text}"
    );

    // Y on a category copies every table's fixes with one header.
    app.update(Action::Left);
    app.update(Action::Left);
    let effects = app.update(Action::CopyAll);
    let [Effect::Copy { text, what }] = effects.as_slice() else {
        panic!("copy category")
    };
    assert!(what.contains("category CRM & Leads"), "{what}");
    assert_eq!(text.matches("-- pglens fix script").count(), 1);
    assert!(text.contains("public.deals") && text.contains("public.leads"));
}

#[test]
fn suppress_asks_for_a_reason_then_writes_the_key() {
    let mut app = demo_app();
    open_leads(&mut app);
    app.update(Action::Tab(Tab::Usage.index() as u8));
    app.update(Action::Suppress);
    assert!(matches!(app.overlay, Overlay::Suppress(_)));
    assert!(
        app.update(Action::Enter).is_empty(),
        "an empty reason is refused"
    );
    type_text(&mut app, "known, fixing in Q3");
    let effects = app.update(Action::Enter);
    let [Effect::Suppress {
        target: IgnoreTarget::Key(key),
        reason,
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(reason, "known, fixing in Q3");
    let model = app.model.as_ref().unwrap();
    let f = model.findings.iter().find(|f| &f.key == key).unwrap();
    assert_eq!(f.suppressed.as_deref(), Some("known, fixing in Q3"));
    assert_eq!(
        model
            .findings
            .iter()
            .filter(|o| o.suppressed.is_some())
            .count(),
        1,
        "only the one finding is suppressed"
    );
}

/// `S` in the findings list suppresses every open finding of the selected rule with one
/// `rule` entry, and the list comes back with its filters and cursor as they were.
#[test]
fn suppressing_a_whole_rule_from_the_findings_list_keeps_the_list() {
    let mut app = demo_app();
    app.update(Action::Findings);
    app.update(Action::CycleSeverityFilter);
    app.update(Action::Down);
    let Overlay::Findings(before) = app.overlay.clone() else {
        panic!()
    };
    let model = app.model.as_ref().unwrap();
    let rows = before.rows(model, &app.schemas);
    let rule = model.findings[rows[before.selected][0]].rule;
    let of_rule = model.findings.iter().filter(|f| f.rule == rule).count();
    assert!(of_rule > 1, "the demo has several {rule} findings");

    app.update(Action::SuppressRule);
    let Overlay::Suppress(prompt) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert!(prompt.whole_rule);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains(&format!("suppress every {rule} finding ({of_rule} open)")),
        "{text}"
    );
    // Esc goes back to the list untouched.
    app.update(Action::Escape);
    assert!(matches!(&app.overlay, Overlay::Findings(v) if *v == before));

    app.update(Action::SuppressRule);
    type_text(&mut app, "owned by the data team");
    let effects = app.update(Action::Enter);
    let [Effect::Suppress {
        target: IgnoreTarget::Rule(written),
        reason,
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (written.as_str(), reason.as_str()),
        (rule, "owned by the data team")
    );
    let model = app.model.as_ref().unwrap();
    for f in &model.findings {
        let expected = (f.rule == rule).then_some("owned by the data team");
        assert_eq!(f.suppressed.as_deref(), expected, "{}", f.key);
    }
    assert!(
        matches!(&app.overlay, Overlay::Findings(v) if *v == before),
        "filters and cursor kept: {:?}",
        app.overlay
    );

    // `s` on a row of alike findings would hide one of them: it says what to do instead.
    let Overlay::Findings(mut view) = app.overlay.clone() else {
        panic!()
    };
    view.min_severity = None;
    let model = app.model.as_ref().unwrap();
    let rows = view.rows(model, &app.schemas);
    view.selected = rows.iter().position(|m| m.len() > 1).unwrap();
    app.overlay = Overlay::Findings(view);
    assert!(app.update(Action::Suppress).is_empty());
    assert!(matches!(app.overlay, Overlay::Findings(_)));
    let status = app.status.clone().unwrap().0;
    assert!(status.contains("S suppresses the whole rule"), "{status}");
}

/// Alike findings of many tables are one row: it names how many tables, Enter opens the
/// first of them, `y` copies every member's fix as one script, and `a` lists them one by one.
#[test]
fn findings_view_groups_alike_findings_of_many_tables() {
    let mut app = demo_app();
    app.update(Action::Findings);
    let Overlay::Findings(view) = app.overlay.clone() else {
        panic!()
    };
    let model = app.model.as_ref().unwrap();
    let rows = view.rows(model, &app.schemas);
    let visible = view.visible(model, &app.schemas);
    assert!(rows.len() < visible.len(), "some findings are grouped");
    assert_eq!(
        rows.iter().map(Vec::len).sum::<usize>(),
        visible.len(),
        "none lost"
    );
    let (position, members) = rows
        .iter()
        .enumerate()
        .find(|(_, m)| model.findings[m[0]].rule == "rls-disabled-in-exposed-schema" && m.len() > 1)
        .map(|(p, m)| (p, m.clone()))
        .expect("the tables without row-level security are one row");
    let first_table = model.findings[members[0]].object.table.clone().unwrap();
    app.overlay = Overlay::Findings(FindingsView {
        selected: position,
        ..view.clone()
    });
    let effects = app.update(Action::CopyFix);
    let copied = effects
        .iter()
        .find_map(|e| match e {
            pglens::tui::state::Effect::Copy { text, .. } => Some(text.clone()),
            _ => None,
        })
        .expect("y copies");
    assert_eq!(
        copied.matches("ENABLE ROW LEVEL SECURITY").count(),
        members.len(),
        "every member's fix: {copied}"
    );
    app.update(Action::Enter);
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::relation("public", &first_table))
    );
    app.update(Action::Findings);
    app.update(Action::GroupAlike);
    let Overlay::Findings(view) = &app.overlay else {
        panic!()
    };
    let model = app.model.as_ref().unwrap();
    assert_eq!(
        view.rows(model, &app.schemas).len(),
        view.visible(model, &app.schemas).len()
    );
}

/// Critical first; `t` and `R` offer only what has findings under the other filters.
#[test]
fn findings_view_puts_criticals_first_and_filters_offer_what_exists() {
    let mut app = demo_app();
    app.update(Action::Findings);
    let Overlay::Findings(view) = &app.overlay else {
        panic!()
    };
    let model = app.model.as_ref().unwrap();
    let severities: Vec<Severity> = view
        .visible(model, &app.schemas)
        .iter()
        .map(|&i| model.findings[i].severity)
        .collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted, "critical, then warning, then info");
    // Critical only: every rule `R` offers, and every category `t` offers, has a critical.
    app.update(Action::CycleSeverityFilter);
    app.update(Action::CycleSeverityFilter);
    for _ in 0..12 {
        app.update(Action::CycleRuleFilter);
        let Overlay::Findings(view) = &app.overlay else {
            panic!()
        };
        let model = app.model.as_ref().unwrap();
        if view.rule.is_some() {
            assert!(
                !view.visible(model, &app.schemas).is_empty(),
                "{:?}",
                view.rule
            );
        }
    }
    for _ in 0..6 {
        app.update(Action::CycleCategoryFilter);
        let Overlay::Findings(view) = &app.overlay else {
            panic!()
        };
        let model = app.model.as_ref().unwrap();
        if view.category.is_some() {
            assert!(
                !view.visible(model, &app.schemas).is_empty(),
                "{:?}",
                view.category
            );
        }
    }
}

#[test]
fn findings_view_filters_and_jumps_to_the_object() {
    let mut app = demo_app();
    app.update(Action::Findings);
    app.update(Action::CycleSeverityFilter);
    app.update(Action::CycleSeverityFilter);
    let Overlay::Findings(view) = &app.overlay else {
        panic!()
    };
    let model = app.model.as_ref().unwrap();
    let shown = view.visible(model, &app.schemas);
    assert!(
        !shown.is_empty()
            && shown
                .iter()
                .all(|i| model.findings[*i].severity == Severity::Critical)
    );
    // Enter on any finding lands on its table, in the tab of its kind, on its own row.
    let all = FindingsView::default().visible(model, &app.schemas);
    let findings: Vec<pglens::audit::Finding> =
        all.iter().map(|i| model.findings[*i].clone()).collect();
    let mut below_the_first_row = 0;
    for (position, finding) in findings.iter().enumerate() {
        app.overlay = Overlay::Findings(FindingsView {
            selected: position,
            ungrouped: true,
            ..FindingsView::default()
        });
        app.update(Action::Enter);
        assert!(matches!(app.overlay, Overlay::None));
        let o = &finding.object;
        let schema = o.schema.clone().unwrap_or_default();
        let name = o.name.clone().unwrap_or_default();
        let catalog = &app.model.as_ref().unwrap().catalog;
        let table = match (o.kind, &o.table) {
            (_, Some(table)) => ObjectId::relation(&schema, table),
            // A sequence's finding is shown on the table the sequence feeds.
            (pglens::audit::ObjectKind::Sequence, None) => {
                let sequence = catalog.sequences.iter().find(|s| s.name == name).unwrap();
                ObjectId::Relation(sequence.owned_by.as_ref().unwrap().table.clone())
            }
            (pglens::audit::ObjectKind::Extension, None) => ObjectId::Extension { name },
            (pglens::audit::ObjectKind::Function, None) => {
                let (function, arguments) = name.split_once('(').unwrap();
                ObjectId::Function {
                    schema,
                    name: function.into(),
                    arguments: arguments.trim_end_matches(')').into(),
                }
            }
            _ => panic!(
                "the demo's findings are on tables, functions, sequences, extensions: {finding:?}"
            ),
        };
        assert_eq!(app.selected_object(), Some(&table), "{}", finding.message);
        let tab = Tab::for_kind(o.kind);
        assert_eq!(app.tab, tab, "{}", finding.message);
        let part_of_table = o.table.is_some() && tab != Tab::Findings;
        if let (Some(name), true) = (&o.name, part_of_table) {
            let rows = detail_rows(app.model.as_ref().unwrap(), &table, tab);
            assert_eq!(
                rows[app.row].name.as_ref(),
                Some(name),
                "{}",
                finding.message
            );
            below_the_first_row += usize::from(app.row > 0);
        }
    }
    assert!(
        below_the_first_row > 5,
        "the demo has findings on rows other than the first: the row check must bite"
    );
}

#[test]
fn keys_map_to_actions_before_update() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let keymap = Keymap::default();
    let press = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let mut app = demo_app();
    for c in ['/', 'l', 'e', 'a', 'd', 's'] {
        let typing = matches!(app.overlay, Overlay::Search(_));
        let action = keymap.action_for(&press(c), typing).unwrap();
        app.update(action);
    }
    let Overlay::Search(state) = &app.overlay else {
        panic!()
    };
    assert_eq!(
        state.query(),
        "leads",
        "letters after / are text, not navigation"
    );
    assert!(matches!(
        app.update(Action::Quit).as_slice(),
        [Effect::Quit]
    ));
}

pub(crate) fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut state = ViewState::default();
    terminal
        .draw(|f| view::render(f, app, &mut state, &Theme::default(), &Keymap::default()))
        .unwrap();
    terminal
}

/// The screen as text, one line per row (also used by the hostile-input property test).
pub(crate) fn screen(app: &App, width: u16, height: u16) -> String {
    let terminal = render(app, width, height);
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn every_tab_renders_at_80x24_and_160x48() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = demo_app();
        open_leads(&mut app);
        app.update(Action::Resize {
            width: w,
            height: h,
        });
        for (i, tab) in Tab::ALL.iter().enumerate() {
            app.update(Action::Tab(i as u8));
            insta::assert_snapshot!(
                format!("leads_{}_{w}x{h}", tab.title().to_lowercase()),
                screen(&app, w, h)
            );
        }
    }
}

#[test]
fn overlays_render() {
    let mut app = demo_app();
    app.update(Action::Search);
    type_text(&mut app, "brands.work");
    insta::assert_snapshot!("finder_100x30", screen(&app, 100, 30));
    app.update(Action::Escape);
    app.update(Action::Findings);
    insta::assert_snapshot!("findings_view_120x30", screen(&app, 120, 30));
    app.update(Action::Escape);
    app.update(Action::Help);
    insta::assert_snapshot!("help_100x36", screen(&app, 100, 36));
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
    // Too short for one column but wide enough for two: every key at once, nothing to scroll.
    let wide = screen(&app, 180, 30);
    assert!(
        !wide.contains("more (") && wide.contains("click to select") && wide.contains("move up"),
        "{wide}"
    );
    app.update(Action::PageDown);
    app.update(Action::PageDown);
    insta::assert_snapshot!("help_80x24_scrolled", screen(&app, 80, 24));
}

#[test]
fn any_size_renders_without_panicking() {
    let mut app = demo_app();
    open_leads(&mut app);
    for w in (1..=90).step_by(7) {
        for h in (1..=30).step_by(3) {
            for (index, tab) in Tab::ALL.into_iter().enumerate() {
                app.update(Action::Tab(index as u8));
                assert_eq!(app.tab, tab, "every tab is drawn, Definition included");
                render(&app, w, h);
            }
        }
    }
    assert!(screen(&app, 20, 5).contains("terminal too small"));
}

#[test]
fn severity_marks_are_coloured_by_theme() {
    let mut app = demo_app();
    open_leads(&mut app);
    let terminal = render(&app, 120, 40);
    let buffer = terminal.backend().buffer();
    let theme = Theme::default();
    // The panes, not the status bar (whose counters use the status style).
    let panes = view::areas(buffer.area).tree;
    let marks: Vec<_> = (panes.y..panes.bottom())
        .flat_map(|y| (panes.x..panes.right()).map(move |x| (x, y)))
        .map(|p| &buffer[p])
        .filter(|c| c.symbol() == "✖")
        .collect();
    assert!(marks.len() > 5, "critical tables and groups are marked");
    assert!(
        marks.iter().all(|c| c.fg == theme.critical.fg.unwrap()),
        "critical marks use the critical style"
    );
}

#[test]
fn a_failed_reload_keeps_the_model_and_says_so() {
    let mut app = demo_app();
    open_leads(&mut app);
    let effects = app.update(Action::Reload);
    assert!(matches!(effects.as_slice(), [Effect::Reload]));
    app.update(Action::LoadFailed(
        "cannot reach the server at db:5432: connection refused".into(),
    ));
    assert!(app.model.is_some(), "what was loaded stays on screen");
    assert_eq!(app.selected_object(), Some(&leads()));
    let (message, _) = app.status.clone().expect("status explains");
    assert!(
        message.contains("connection refused")
            && message.contains("showing what was loaded before"),
        "{message}"
    );
    assert!(screen(&app, 120, 30).contains("showing what was loaded before"));
}

/// `reloading…` says a reload is running, and goes once it is done.
#[test]
fn the_reload_notice_clears_when_the_reload_ends() {
    let mut app = demo_app();
    open_leads(&mut app);
    app.update(Action::Reload);
    assert!(screen(&app, 120, 30).contains("reloading…"));
    let catalog = pglens::source::snapshot::demo();
    let findings = audit::run(&catalog, &Selection::default());
    let categories = CategoryConfig::parse(DEMO_CATEGORIES, "demo").unwrap();
    app.update(Action::Loaded(Box::new(Model::new(
        catalog, findings, categories,
    ))));
    assert!(!screen(&app, 120, 30).contains("reloading"));
    assert_eq!(app.selected_object(), Some(&leads()), "the selection stays");
}

/// The table list sorts by evidence, opens the Usage tab, and marks tables for the plan.
#[test]
fn table_list_sorts_and_marks_tables_for_the_plan() {
    use pglens::cleanup::Decision;
    use pglens::model::QualifiedName;

    let mut app = demo_app();
    app.update(Action::Tables);
    for (w, h) in [(20, 5), (40, 10), (41, 12), (60, 15), (79, 23)] {
        render(&app, w, h);
    }
    let Overlay::Tables(view) = &app.overlay else {
        panic!("T opens the table list")
    };
    assert_eq!((view.sort, view.descending), (SortKey::Size, true));
    let first = view.order[0].to_string();
    assert_eq!(first, "public.kernel_events", "largest first");
    insta::assert_snapshot!("tables_120x30", screen(&app, 120, 30));

    // `o` moves to the next column (largest first again), `O` reverses it.
    app.update(Action::Sort);
    app.update(Action::Sort);
    let Overlay::Tables(view) = &app.overlay else {
        panic!()
    };
    assert_eq!((view.sort, view.descending), (SortKey::Writes, true));
    app.update(Action::ReverseSort);
    let Overlay::Tables(view) = &app.overlay else {
        panic!()
    };
    let least_written = view.order[0].clone();
    assert_eq!(
        least_written.schema, "auth",
        "tables without statistics sort as least"
    );

    // Mark the selected table: merge, with the consolidation finding's target offered.
    let audit_log = QualifiedName::new("public", "audit_log");
    let Overlay::Tables(view) = &mut app.overlay else {
        panic!()
    };
    view.selected = view.order.iter().position(|q| *q == audit_log).unwrap();
    app.update(Action::Mark);
    app.update(Action::Input('m'));
    let Overlay::Mark(prompt) = &app.overlay else {
        panic!("m opens the mark prompt")
    };
    assert_eq!(
        prompt.input, "public.audit_logs",
        "the consolidation target is offered"
    );
    insta::assert_snapshot!("mark_target_100x24", screen(&app, 100, 24));
    for (w, h) in [(20, 5), (40, 10), (55, 12)] {
        render(&app, w, h);
    }
    app.update(Action::Enter);
    type_text(&mut app, "legacy writer removed");
    let effects = app.update(Action::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::SaveMark { table, mark: Some(_) }] if *table == audit_log)
    );
    let mark = app.plan.mark(&audit_log).expect("marked");
    assert_eq!(
        mark.decision,
        Decision::Merge {
            into: QualifiedName::new("public", "audit_logs"),
            map: Default::default()
        }
    );
    assert_eq!(mark.note, "legacy writer removed");
    assert!(
        matches!(app.overlay, Overlay::Tables(_)),
        "back to the list it came from"
    );

    // A merge target that does not exist is refused and the prompt stays.
    app.update(Action::Mark);
    app.update(Action::Input('m'));
    for _ in 0.."public.audit_logs".len() {
        app.update(Action::Back);
    }
    type_text(&mut app, "nowhere");
    assert!(app.update(Action::Enter).is_empty());
    assert!(matches!(app.overlay, Overlay::Mark(_)));
    assert_eq!(app.status.clone().unwrap().0, "no table public.nowhere");
    app.update(Action::Escape);
    assert_eq!(
        app.plan.mark(&audit_log).unwrap().note,
        "legacy writer removed",
        "Esc changes nothing"
    );

    // From the list, Enter opens the table on its Usage tab; `x` removes the mark.
    app.update(Action::Enter);
    assert_eq!(app.tab, Tab::Usage);
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::Relation(audit_log.clone()))
    );
    assert!(screen(&app, 120, 30).contains("merge into public.audit_logs: legacy writer removed"));
    app.update(Action::Mark);
    let effects = app.update(Action::Input('x'));
    assert!(
        matches!(effects.as_slice(), [Effect::SaveMark { table, mark: None }] if *table == audit_log)
    );
    assert!(app.plan.mark(&audit_log).is_none());
    assert!(matches!(
        app.update(Action::ExportPlan).as_slice(),
        [Effect::ExportPlan { overwrite: false }]
    ));
    // An export of another source's plan is there: E says so, and only E again writes.
    app.update(Action::ExportWouldOverwrite(
        "postgres://me@prod/app".into(),
    ));
    let status = app.status.clone().unwrap().0;
    assert!(
        status.contains("written for postgres://me@prod/app: E again writes over it"),
        "{status}"
    );
    assert!(matches!(
        app.update(Action::ExportPlan).as_slice(),
        [Effect::ExportPlan { overwrite: true }]
    ));
    assert!(matches!(
        app.update(Action::ExportPlan).as_slice(),
        [Effect::ExportPlan { overwrite: false }]
    ));
}

/// A plan made for another database says so when the explorer opens with it.
#[test]
fn a_plan_made_for_another_source_is_named_on_opening() {
    let catalog = pglens::source::snapshot::demo();
    let categories = CategoryConfig::parse(DEMO_CATEGORIES, "demo").unwrap();
    let mut app = App::new("demo".into());
    app.plan = pglens::cleanup::Plan::parse(
        "source = \"postgres://me@prod/app\"\n[[table]]\nschema = \"public\"\nname = \"leads\"\ndecision = \"keep\"\n",
        "plan.toml",
    )
    .unwrap();
    app.update(Action::Loaded(Box::new(Model::unaudited(
        std::sync::Arc::new(catalog),
        categories,
    ))));
    let text = screen(&app, 120, 30);
    assert!(
        text.contains("the plan was made for postgres://me@prod/app, not demo"),
        "{text}"
    );
}

/// The Usage tab lists dependents as rows; Enter jumps to the one that depends.
#[test]
fn usage_tab_rows_jump_to_dependents() {
    let mut app = demo_app();
    open_leads(&mut app);
    app.update(Action::Tab(Tab::Usage.index() as u8));
    assert_eq!(app.tab, Tab::Usage);
    app.update(Action::Right);
    app.update(Action::Down);
    app.update(Action::Enter);
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::relation("public", "leads_active")),
        "the second dependent of leads is the view that reads it"
    );
    // A view's Usage tab says what a view has: no rows to count, the tables it reads.
    app.update(Action::Tab(Tab::Usage.index() as u8));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("use      a view stores no rows and has no usage statistics")
            && text.contains("reads    public.leads"),
        "{text}"
    );
    assert!(!text.contains("no statistics in this source"), "{text}");
}

/// `--drift`: the drift view lists the differences and Enter opens the table.
#[test]
fn drift_view_lists_differences_and_opens_the_table() {
    let mut app = demo_app();
    app.update(Action::Drift);
    assert!(
        app.status.clone().unwrap().0.contains("--drift"),
        "says how to get one"
    );
    let old = pglens::source::snapshot::demo();
    let mut new = old.clone();
    new.relations.retain(|r| r.name != "audit_log");
    let leads = new
        .relations
        .iter_mut()
        .find(|r| r.name == "leads")
        .unwrap();
    leads.rls_enabled = false;
    let model = app.model.as_mut().unwrap();
    model.drift = Some(Drift {
        against: "migrations/".into(),
        differences: pglens::diff::diff(&new, &old),
        progress: None,
    });
    app.update(Action::Drift);
    assert!(matches!(app.overlay, Overlay::Drift(0)));
    insta::assert_snapshot!("drift_100x24", screen(&app, 100, 24));
    for (w, h) in [(20, 5), (40, 10), (60, 14)] {
        render(&app, w, h);
    }
    // The first difference is public.audit_log (only in the opened source): Enter opens it.
    app.update(Action::Enter);
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::relation("public", "audit_log"))
    );
    // A function whose body changed: Enter on it opens the function, not a table named
    // after its signature.
    let mut changed = old.clone();
    let function = changed
        .functions
        .iter_mut()
        .find(|f| f.schema == "public" && f.body.is_some())
        .unwrap();
    function.body = Some("SELECT 1".into());
    let function_id = function.object_id();
    let differences = pglens::diff::diff(&old, &changed);
    let at = differences
        .iter()
        .position(|d| d.kind == "function")
        .unwrap();
    app.model.as_mut().unwrap().drift = Some(Drift {
        against: "migrations/".into(),
        differences,
        progress: None,
    });
    app.overlay = Overlay::Drift(at);
    app.update(Action::Enter);
    assert_eq!(
        app.selected_object(),
        Some(&function_id),
        "{:?}",
        app.status
    );
}

/// Names and text holding control, bidi and zero-width characters are shown as escapes on
/// every tab: ratatui alone drops control characters (`new⏎line` read `newline`) and lets
/// the others reorder or hide the line.
#[test]
fn hostile_text_is_shown_as_escapes_on_every_tab() {
    let mut catalog = pglens::source::snapshot::demo();
    let leads = catalog
        .relations
        .iter_mut()
        .find(|r| r.schema == "public" && r.name == "leads")
        .unwrap();
    let old = std::mem::replace(&mut leads.columns[1].name, "new\nline".into());
    for c in &mut leads.constraints {
        for col in c.columns.iter_mut().filter(|col| **col == old) {
            *col = "new\nline".into();
        }
    }
    leads.columns[1].comment = Some("\u{202e}nimda \x1b]2;owned\x07".into());
    if let Some(p) = leads.policies.first_mut() {
        p.name = "zero\u{200b}width".into();
    }
    // A foreign key's target is named in the Columns tab's key marks.
    if let Some(fk) = leads
        .constraints
        .iter_mut()
        .find_map(|c| c.foreign_key.as_mut())
    {
        fk.referenced_table.name = "tar\ngets".into();
    }
    let findings = audit::run(&catalog, &Selection::default());
    let mut app = App::new("demo".into());
    app.update(Action::Resize {
        width: 200,
        height: 50,
    });
    app.update(Action::Loaded(Box::new(Model::new(
        catalog,
        findings,
        CategoryConfig::default(),
    ))));
    open_leads(&mut app);
    let mut seen = String::new();
    for (i, _) in Tab::ALL.iter().enumerate() {
        app.update(Action::Tab(i as u8));
        let text = screen(&app, 200, 50);
        let raw: Vec<char> = text
            .chars()
            .filter(|c| pglens::text::is_unsafe(*c) && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "raw {raw:?} on tab {i}:\n{text}");
        seen.push_str(&text);
    }
    for escape in [
        r"new\nline",
        r"\u{202e}nimda \x1b]2;owned\x07",
        r"zero\u{200b}width",
        r"FK→tar\ngets",
    ] {
        assert!(seen.contains(escape), "{escape} not shown");
    }
}

/// While the connection is being made (TLS, authentication: up to connect_timeout), the
/// status line says so instead of showing nothing.
#[test]
fn the_status_line_says_connecting_before_the_first_query() {
    let mut app = App::new("db.example".into());
    app.update(Action::Resize {
        width: 80,
        height: 24,
    });
    use pglens::source::live::Progress;
    app.update(Action::Progress(Progress::CONNECTING));
    let text = screen(&app, 80, 24);
    assert!(text.contains("db.example │ connecting…"), "{text}");
    app.update(Action::Progress(Progress {
        what: "indexes",
        done: 2,
    }));
    assert!(screen(&app, 80, 24).contains("reading indexes (3/"));
    app.update(Action::Progress(Progress::sql_files(40)));
    assert!(screen(&app, 80, 24).contains("reading SQL files (40%)…"));
}

/// The runtime reads the loader's messages every 10 ms while it waits for them and every
/// 100 ms otherwise: it waits from the first frame (the loader starts with the explorer)
/// until the findings are in, and stops waiting when the load fails.
#[test]
fn the_explorer_awaits_the_loader_from_start_to_findings() {
    use pglens::source::live::Progress;
    let mut app = App::new("db.example".into());
    app.update(Action::Progress(Progress::STARTING));
    assert!(app.awaiting_loader());
    assert!(screen(&app, 80, 24).contains("opening the source…"));
    let catalog = std::sync::Arc::new(pglens::source::snapshot::demo());
    let categories = CategoryConfig::parse(DEMO_CATEGORIES, "demo").unwrap();
    app.update(Action::Loaded(Box::new(Model::unaudited(
        catalog.clone(),
        categories,
    ))));
    assert!(app.awaiting_loader(), "the findings are still to come");
    app.update(Action::FindingsArrived(audit::run(
        &catalog,
        &Selection::default(),
    )));
    assert!(!app.awaiting_loader());

    let mut failed = App::new("db.example".into());
    failed.update(Action::Progress(Progress::STARTING));
    failed.update(Action::LoadFailed("connection refused".into()));
    assert!(!failed.awaiting_loader());
}

/// The server wants a password nobody gave: the explorer asks for it, masked, and
/// reconnects with it, as psql asks.
#[test]
fn a_missing_password_is_asked_for_and_never_shown() {
    let mut app = App::new("u@db:5432/app".into());
    app.update(Action::Resize {
        width: 80,
        height: 24,
    });
    app.update(Action::PasswordNeeded);
    assert!(matches!(app.overlay, Overlay::Password(_)));
    type_text(&mut app, "s3cret!");
    app.update(Action::Back);
    let text = screen(&app, 80, 24);
    assert!(text.contains("password: ••••••"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    let effects = app.update(Action::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::Reconnect { password }] if password.0 == "s3cret"),
        "{effects:?}"
    );
    assert!(!format!("{effects:?}").contains("s3cret"));
    assert!(matches!(app.overlay, Overlay::None));
}

/// Before an object is selected the detail pane summarises the database: its schemas, the
/// open findings and the worst objects.
#[test]
fn the_first_screen_summarises_the_database() {
    let app = demo_app();
    assert!(app.selected_object().is_none());
    let small = screen(&app, 80, 24);
    assert!(
        small.contains("schemas   public") && small.contains("Worst first"),
        "{small}"
    );
    insta::assert_snapshot!("first_screen_80x24", small);
    insta::assert_snapshot!("first_screen_160x48", screen(&app, 160, 48));
}

/// The merge prompt completes table names with Tab and names a table that is not there.
#[test]
fn the_merge_prompt_completes_names_and_refuses_missing_ones() {
    let mut app = demo_app();
    app.update(Action::Search);
    type_text(&mut app, "public.audit_log");
    app.update(Action::Enter);
    app.update(Action::Mark);
    app.update(Action::Input('m'));
    let prompt_input = |app: &App| match &app.overlay {
        Overlay::Mark(p) => p.input.clone(),
        other => panic!("{other:?}"),
    };
    // The suggestion is typed in already; start from nothing.
    for _ in 0..prompt_input(&app).len() {
        app.update(Action::Back);
    }
    type_text(&mut app, "audit_l");
    app.update(Action::NextTab);
    assert_eq!(
        prompt_input(&app),
        "audit_logs",
        "the only other audit_l* table"
    );
    for _ in 0.."audit_logs".len() {
        app.update(Action::Back);
    }
    type_text(&mut app, "zz");
    app.update(Action::NextTab);
    assert_eq!(app.status.clone().unwrap().0, "no table starts with zz");
    app.update(Action::Enter);
    assert_eq!(app.status.clone().unwrap().0, "no table public.zz");
    assert!(matches!(app.overlay, Overlay::Mark(_)), "the prompt stays");
    for _ in 0..2 {
        app.update(Action::Back);
    }
    type_text(&mut app, "a");
    app.update(Action::NextTab);
    let status = app.status.clone().unwrap().0;
    assert!(
        status.contains(" tables: ") && status.contains("activities"),
        "{status}"
    );
}

/// Enums and domains are objects of their own: a Types group in the tree, found by name,
/// and a definition that lists the columns using them.
#[test]
fn enums_and_domains_have_a_page_of_their_own() {
    let mut app = demo_app();
    let model = app.model.as_ref().unwrap();
    let e = model
        .catalog
        .enums
        .iter()
        .find(|e| e.extension.is_none())
        .unwrap()
        .clone();
    assert!(
        app.groups.iter().any(|g| g.name == "Types"
            && g.members.contains(&ObjectId::Type {
                schema: e.schema.clone(),
                name: e.name.clone()
            })),
        "{:?}",
        app.groups.iter().map(|g| &g.name).collect::<Vec<_>>()
    );
    app.update(Action::Search);
    type_text(&mut app, &format!("{}.{}", e.schema, e.name));
    app.update(Action::Enter);
    assert_eq!(
        app.selected_object(),
        Some(&ObjectId::Type {
            schema: e.schema.clone(),
            name: e.name.clone()
        })
    );
    assert_eq!(app.tab, Tab::Definition);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains(&format!("CREATE TYPE {}.{} AS ENUM (", e.schema, e.name))
            && text.contains(&format!("'{}'", e.labels[0]))
            && text.contains("-- used by "),
        "{text}"
    );
    // Any size renders.
    for (w, h) in [(20, 5), (80, 24), (160, 48)] {
        render(&app, w, h);
    }

    // A domain of a Supabase app: its base type, NOT NULL, check and users, at 80x24.
    let mut app = crate::full_text::teams_app(80, 24);
    let slug = ObjectId::Type {
        schema: "public".into(),
        name: "team_slug".into(),
    };
    crate::full_text::open(&mut app, slug, Tab::Definition);
    let text = screen(&app, 80, 24);
    for line in [
        "CREATE DOMAIN public.team_slug AS text",
        "NOT NULL",
        // Named as the server names it; migrations are deparsed: `value`, as valid as
        // psql's `VALUE`.
        "CONSTRAINT team_slug_check CHECK ((value ~",
        "'^[a-z0-9][a-z0-9-]{1,38}$'));",
        "-- used by 1 column: public.teams.slug",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    assert!(
        text.contains(" domain"),
        "the pane says what it is:\n{text}"
    );
}

/// A trigger function's Definition tab ends with the triggers that run it, and another
/// function's does not mention triggers at all.
#[test]
fn a_trigger_functions_definition_names_its_triggers() {
    let mut app = demo_app();
    let function = ObjectId::Function {
        schema: "public".into(),
        name: "update_updated_at_column".into(),
        arguments: String::new(),
    };
    crate::full_text::open(&mut app, function, Tab::Definition);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("-- used by 2 triggers: public.clients.update_clients_updated_at,"),
        "{text}"
    );
}

/// A partition's pane title says whose partition it is; its parent says it is partitioned.
#[test]
fn partitions_and_their_parents_are_labelled_the_right_way_round() {
    let path = std::path::PathBuf::from("tests/fixtures/shapes/partitions.sql");
    let catalog = pglens::source::sqlfiles::load(&[path]).expect("fixture loads");
    let mut app = App::new("partitions".into());
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    app.update(Action::Loaded(Box::new(Model::new(
        catalog,
        Vec::new(),
        CategoryConfig::default(),
    ))));
    app.update(Action::Search);
    type_text(&mut app, "public.sensor_readings_2025_01");
    app.update(Action::Enter);
    let text = screen(&app, 100, 30);
    assert!(
        text.contains("sensor_readings_2025_01 partition of public.sensor_read…"),
        "{text}"
    );
    app.update(Action::Search);
    type_text(&mut app, "public.sensor_readings");
    app.update(Action::Enter);
    let text = screen(&app, 100, 30);
    assert!(text.contains("sensor_readings partitioned table"), "{text}");
}

/// A Relationships row cut at 80 columns reads whole with Space, its FK actions included.
#[test]
fn a_relationship_reads_in_full_with_space() {
    let mut app = demo_app();
    app.update(Action::Resize {
        width: 80,
        height: 24,
    });
    open_leads(&mut app);
    app.update(Action::Tab(
        Tab::ALL
            .iter()
            .position(|t| *t == Tab::Relationships)
            .unwrap() as u8,
    ));
    let rows = detail_rows(app.model.as_ref().unwrap(), &leads(), Tab::Relationships);
    let q = pglens::model::QualifiedName::new("public", "leads");
    let referenced = pglens::tui::model::relationships(app.model.as_ref().unwrap(), &q)
        .iter()
        .position(|r| r.label.contains("lead_activities"))
        .expect("lead_activities references leads");
    assert!(referenced < rows.len());
    app.update(Action::SelectRow(referenced));
    app.update(Action::ShowFull);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("public.lead_activities(lead_id) ON DELETE CASCADE"),
        "{text}"
    );
}

/// The Indexes tab writes keys as CREATE INDEX does: a collation or operator class other
/// than the default shows, as psql's `\d` shows it.
#[test]
fn index_keys_show_their_collation_and_operator_class() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("schema.sql");
    std::fs::write(
        &file,
        r#"CREATE TABLE public.people (id int PRIMARY KEY, email text, name text);
           CREATE INDEX people_email_pattern ON public.people (email text_pattern_ops);
           CREATE INDEX people_name_c ON public.people (name COLLATE "C" DESC);"#,
    )
    .expect("write schema");
    let catalog = pglens::source::sqlfiles::load(&[file]).expect("loads");
    let mut app = App::new("people".into());
    app.update(Action::Resize {
        width: 80,
        height: 24,
    });
    app.update(Action::Loaded(Box::new(Model::new(
        catalog,
        Vec::new(),
        CategoryConfig::default(),
    ))));
    app.update(Action::Search);
    type_text(&mut app, "public.people");
    app.update(Action::Enter);
    app.update(Action::Tab(
        Tab::ALL.iter().position(|t| *t == Tab::Indexes).unwrap() as u8,
    ));
    let text = screen(&app, 80, 24);
    assert!(text.contains("email text_pattern_ops"), "{text}");
    assert!(text.contains(r#"name COLLATE "C" DESC"#), "{text}");
}
