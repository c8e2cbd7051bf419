//! Catalog text as the server prints it, for models built without a server (migration
//! files): constraint definitions (`pg_get_constraintdef`) and trigger definitions
//! (`pg_get_triggerdef`). Expressions inside them come from the parser's own deparser.

use super::{ident, qualified, qualified_name};
use crate::model::{FkAction, QualifiedName, Relation, Trigger, TriggerLevel, TriggerTiming};

fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn primary_key(columns: &[String]) -> String {
    format!("PRIMARY KEY ({})", column_list(columns))
}

pub fn unique(columns: &[String], nulls_not_distinct: bool) -> String {
    let nnd = if nulls_not_distinct {
        " NULLS NOT DISTINCT"
    } else {
        ""
    };
    format!("UNIQUE{nnd} ({})", column_list(columns))
}

pub fn check(expression: &str) -> String {
    format!("CHECK (({expression}))")
}

fn action(a: FkAction) -> Option<&'static str> {
    (a != FkAction::NoAction).then(|| a.sql())
}

/// `FOREIGN KEY (a) REFERENCES s.t(id) ON UPDATE ... ON DELETE ...`, with only the
/// non-default actions, in the server's order.
pub fn foreign_key(
    columns: &[String],
    target: &QualifiedName,
    target_columns: &[String],
    on_update: FkAction,
    on_delete: FkAction,
) -> String {
    let mut s = format!(
        "FOREIGN KEY ({}) REFERENCES {}({})",
        column_list(columns),
        qualified_name(target),
        column_list(target_columns)
    );
    if let Some(a) = action(on_update) {
        s.push_str(&format!(" ON UPDATE {a}"));
    }
    if let Some(a) = action(on_delete) {
        s.push_str(&format!(" ON DELETE {a}"));
    }
    s
}

/// `CREATE TRIGGER name BEFORE INSERT OR UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION f()`.
pub fn trigger(t: &Trigger, table: &Relation, when: Option<&str>) -> String {
    let timing = match t.timing {
        TriggerTiming::Before => "BEFORE",
        TriggerTiming::After => "AFTER",
        TriggerTiming::InsteadOf => "INSTEAD OF",
    };
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| format!("{e:?}").to_uppercase())
        .collect();
    let level = match t.level {
        TriggerLevel::Row => "ROW",
        TriggerLevel::Statement => "STATEMENT",
    };
    let when = when.map(|w| format!(" WHEN ({w})")).unwrap_or_default();
    format!(
        "CREATE TRIGGER {} {timing} {} ON {} FOR EACH {level}{when} EXECUTE FUNCTION {}()",
        ident(&t.name),
        events.join(" OR "),
        qualified(&table.schema, &table.name),
        qualified_name(&t.function)
    )
}
