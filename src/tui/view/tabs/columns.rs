//! The Columns tab: name, type, nullability, default and key marks; narrow panes drop the
//! comment, then the default, before squeezing names.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::{Catalog, ConstraintKind, Relation};
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::{shown, widest};

/// The Columns tab. Narrow panes drop the comment, then the default, before squeezing
/// names: a column's name and type matter most.
pub fn table<'a>(
    catalog: &Catalog,
    r: &'a Relation,
    rows: &[DetailRow],
    width: u16,
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    let show_default = width >= 60;
    let show_comment = width >= 100;
    let mut header = vec!["", "name", "type", "null"];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(widest(r.columns.iter().map(|c| c.name.as_str()), 4, 28)),
        Constraint::Length(widest(
            r.columns.iter().map(|c| c.data_type.as_str()),
            4,
            26,
        )),
        Constraint::Length(4),
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
    let body = r
        .columns
        .iter()
        .zip(rows)
        .map(|(c, row)| {
            let mut cells = vec![
                mark(row),
                Cell::from(shown(&c.name)),
                Cell::from(shown(&c.data_type)),
                Cell::from(if c.not_null { "" } else { "null" }),
            ];
            if show_default {
                let default = c
                    .default
                    .clone()
                    .or_else(|| c.identity.map(|_| "identity".into()));
                cells.push(Cell::from(shown(&default.unwrap_or_default())));
            }
            cells.push(Cell::from(shown(&key_marks(catalog, r, &c.name))));
            if show_comment {
                cells.push(Cell::from(shown(c.comment.as_deref().unwrap_or_default())));
            }
            Row::new(cells)
        })
        .collect();
    TabTable {
        header,
        widths,
        rows: body,
        caption: None,
    }
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
            (_, Some(fk))
                if fk.referenced_table.schema == r.schema
                    && !ambiguous(&fk.referenced_table.name) =>
            {
                marks.push(format!("FK→{}", fk.referenced_table.name))
            }
            (_, Some(fk)) => marks.push(format!("FK→{}", fk.referenced_table)),
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
}
