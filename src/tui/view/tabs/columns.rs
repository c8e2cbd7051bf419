//! The Columns tab: name, type, nullability, default and key marks; narrow panes drop the
//! comment, then the default, before squeezing names. The table's comment is the line
//! above, and the selected column's comment the line below whenever its cell cannot hold
//! it, so comments read at 80 columns as well as at 200.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::{Catalog, ConstraintKind, Relation};
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::{fit, shown, widest};

/// The Columns tab. Narrow panes drop the comment, then the default, before squeezing
/// names: a column's name and type matter most.
pub fn table<'a>(
    catalog: &Catalog,
    r: &'a Relation,
    rows: &[DetailRow],
    selected: usize,
    width: u16,
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    let show_default = width >= 60;
    // Like the Indexes tab's optional columns: only when some column has a comment, so
    // an empty one does not squeeze the keys.
    let show_comment = width >= 100 && r.columns.iter().any(|c| c.comment.is_some());
    let mut header = vec!["", "name", "type", "nullable"];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(widest(r.columns.iter().map(|c| c.name.as_str()), 4, 28)),
        // Narrow, long types (`timestamp with time zone`) give way to the key column.
        Constraint::Length(widest(
            r.columns.iter().map(|c| c.data_type.as_str()),
            4,
            if width < 70 { 16 } else { 26 },
        )),
        // psql's Nullable column: `not null`, or nothing.
        Constraint::Length(8),
    ];
    if show_default {
        header.push("default");
        widths.push(Constraint::Fill(2));
    }
    header.push("key");
    widths.push(Constraint::Fill(2));
    if show_comment {
        header.push("comment");
        widths.push(Constraint::Fill(2));
    }
    // Cut to the widths the table gives, with an ellipsis: default, key, comment are the
    // last columns, in that order.
    let w = super::column_widths(width, &widths);
    let (key_at, comment_at) = if show_comment {
        (w.len() - 2, w.len() - 1)
    } else {
        (w.len() - 1, w.len())
    };
    let type_width = w.get(2).copied().unwrap_or(0);
    let default_width = w.get(4).copied().unwrap_or(0);
    let key_width = w.get(key_at).copied().unwrap_or(0);
    let comment_width = w.get(comment_at).copied().unwrap_or(0);
    let body = r
        .columns
        .iter()
        .zip(rows)
        .map(|(c, row)| {
            let mut cells = vec![
                mark(row),
                Cell::from(shown(&c.name)),
                Cell::from(fit(&c.data_type, type_width)),
                Cell::from(if c.not_null { "not null" } else { "" }),
            ];
            if show_default {
                cells.push(Cell::from(fit(
                    &c.default_shown().unwrap_or_default(),
                    default_width,
                )));
            }
            cells.push(Cell::from(fit(&key_marks(catalog, r, &c.name), key_width)));
            if show_comment {
                cells.push(Cell::from(fit(
                    c.comment.as_deref().unwrap_or_default(),
                    comment_width,
                )));
            }
            Row::new(cells)
        })
        .collect();
    TabTable {
        header,
        widths,
        rows: body,
        caption: r
            .comment
            .as_deref()
            .map(|c| format!("comment: {}", one_line(c))),
        footer: selected_comment(r, selected, show_comment.then_some(comment_width)),
    }
}

/// The selected column's comment, when the comment cell (of `cell` width, or none in a
/// narrow pane) cannot show it whole.
fn selected_comment(r: &Relation, selected: usize, cell: Option<usize>) -> Option<String> {
    let c = r.columns.get(selected)?;
    let comment = c.comment.as_deref()?;
    let fits = cell.is_some_and(|w| !comment.contains('\n') && comment.chars().count() <= w);
    (!fits).then(|| format!("{}: {}", c.name, one_line(comment)))
}

/// A comment on one line: line breaks read as spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `PK`, `UQ`, `FK→table` marks for a column; `FK→schema.table` for a table of another
/// schema, or whenever another schema has a table of that name, so `auth.users` never
/// reads as a `users` table of the app's own schema and the app's `users` never reads as
/// Supabase's.
fn key_marks(catalog: &Catalog, r: &Relation, column: &str) -> String {
    let ambiguous = |name: &str| {
        catalog
            .relations
            .iter()
            .filter(|o| o.name == name)
            .nth(1)
            .is_some()
    };
    let mut marks = Vec::new();
    for c in r
        .constraints
        .iter()
        .filter(|c| c.columns.iter().any(|x| x == column))
    {
        match (&c.kind, &c.foreign_key) {
            (ConstraintKind::PrimaryKey, _) => marks.push("PK".to_string()),
            (ConstraintKind::Unique, _) => marks.push("UQ".to_string()),
            (_, Some(fk)) => {
                let target = if fk.referenced_table.schema == r.schema
                    && !ambiguous(&fk.referenced_table.name)
                {
                    fk.referenced_table.name.clone()
                } else {
                    fk.referenced_table.to_string()
                };
                let actions = fk.actions().to_lowercase();
                marks.push(if actions.is_empty() {
                    format!("FK→{target}")
                } else {
                    format!("FK→{target} {actions}")
                });
            }
            _ => {}
        }
    }
    marks.join(" ")
}

#[cfg(test)]
mod tests {
    use super::key_marks;
    use crate::model::testing::CatalogBuilder;

    /// A Supabase app with its own `users` beside `auth.users`: every mark says which.
    #[test]
    fn foreign_key_marks_name_the_schema_when_the_table_name_is_ambiguous() {
        let catalog = CatalogBuilder::supabase()
            .table("public.users", &[("id", "uuid")])
            .table("public.teams", &[("id", "uuid")])
            .table(
                "public.profiles",
                &[("id", "uuid"), ("user_id", "uuid"), ("team_id", "uuid")],
            )
            .foreign_key("public.profiles", &["id"], "auth.users", &["id"])
            .foreign_key("public.profiles", &["user_id"], "public.users", &["id"])
            .foreign_key("public.profiles", &["team_id"], "public.teams", &["id"])
            .build();
        let profiles = catalog
            .relations
            .iter()
            .find(|r| r.name == "profiles")
            .unwrap();
        assert_eq!(key_marks(&catalog, profiles, "id"), "FK→auth.users");
        assert_eq!(key_marks(&catalog, profiles, "user_id"), "FK→public.users");
        assert_eq!(key_marks(&catalog, profiles, "team_id"), "FK→teams");
    }

    /// The comment column is there only when some column has a comment.
    #[test]
    fn an_empty_comment_column_is_left_out() {
        let mut catalog = CatalogBuilder::plain()
            .table("public.t", &[("id", "int"), ("note", "text")])
            .build();
        let header = |catalog: &crate::model::Catalog| {
            let r = &catalog.relations[0];
            super::table(catalog, r, &[], 0, 120, &|_| {
                ratatui::widgets::Cell::from("")
            })
            .header
        };
        assert!(!header(&catalog).contains(&"comment"));
        catalog.relations[0].columns[1].comment = Some("free text".into());
        assert!(header(&catalog).contains(&"comment"));
    }

    /// Defaults read as psql's `\d` prints them, and foreign keys carry their actions.
    #[test]
    fn defaults_say_how_a_column_is_generated_and_keys_their_actions() {
        use crate::model::{FkAction, Generated, GeneratedKind, Identity};
        let catalog = CatalogBuilder::plain()
            .table("public.teams", &[("id", "bigint")])
            .table(
                "public.lines",
                &[
                    ("id", "bigint"),
                    ("qty", "int"),
                    ("total", "int"),
                    ("team_id", "bigint"),
                ],
            )
            .foreign_key("public.lines", &["team_id"], "public.teams", &["id"])
            .with("public.lines", |r| {
                r.columns[0].identity = Some(Identity::Always);
                r.columns[2].generated = Some(Generated {
                    kind: GeneratedKind::Stored,
                    expression: "qty * 2".into(),
                });
                for c in &mut r.constraints {
                    if let Some(fk) = &mut c.foreign_key {
                        fk.on_delete = FkAction::Cascade;
                        fk.on_update = FkAction::SetNull;
                    }
                }
            })
            .build();
        let lines = catalog
            .relations
            .iter()
            .find(|r| r.name == "lines")
            .unwrap();
        let shown = |i: usize| lines.columns[i].default_shown();
        assert_eq!(shown(0).as_deref(), Some("generated always as identity"));
        assert_eq!(shown(1), None);
        assert_eq!(
            shown(2).as_deref(),
            Some("generated always as (qty * 2) stored")
        );
        assert_eq!(
            key_marks(&catalog, lines, "team_id"),
            "FK→teams on delete cascade on update set null"
        );
    }
}
