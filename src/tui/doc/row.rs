//! One row of a table's tab in full: everything the tab's columns cut short, and what the
//! tab has no column for (a policy's whole `USING`, an index's operator classes, a column's
//! comment and the keys that reference it), with the findings that point at the row.

use super::{Doc, Kind};
use crate::model::code::ReferenceKind;
use crate::model::workload::{duration, grouped, ColumnRole, RecordedStatement};
use crate::model::{
    Column, Constraint, Identity, Index, Policy, Relation, Trigger, TriggerEnabled,
};
use crate::tui::model::{DetailRow, Model};
use crate::tui::tab::Tab;
use crate::tui::view::widgets::{bytes, count, provenance_line};

/// The row `row` of `tab` for the table `r`; None for tabs whose rows are not a table's
/// parts (Findings, Definition) or a row past the end.
pub fn doc(model: &Model, r: &Relation, tab: Tab, rows: &[DetailRow], row: usize) -> Option<Doc> {
    let mut doc = match tab {
        Tab::Columns => column(r, r.columns.get(row)?),
        Tab::Indexes => index(r, r.indexes.get(row)?),
        Tab::Constraints => constraint(r.constraints.get(row)?),
        Tab::Policies => policy(r, r.policies.get(row)?),
        Tab::Triggers => trigger(model, r.triggers.get(row)?),
        Tab::Grants => {
            let role = rows.get(row)?.name.as_deref()?;
            let access = model
                .catalog
                .access(r)
                .into_iter()
                .find(|a| a.role == role)?;
            super::access::doc(&model.catalog, r, &access)
        }
        // Usage rows past the dependents are where the code names the table, then the
        // recorded statements that touch it; dependents jump to the object instead.
        Tab::Usage => {
            let q = r.qualified_name();
            let dependents = model.dependents().of(&q).len();
            let refs = crate::tui::model::code_references(model, &q);
            let past = row.checked_sub(dependents)?;
            match past.checked_sub(refs.len()) {
                None => code_reference(model, r, refs, past)?,
                Some(i) => {
                    let statements = crate::tui::model::recorded_statements(model, &q);
                    recorded_statement(model, r, statements.get(i)?)
                }
            }
        }
        Tab::Relationships => {
            let rel = crate::tui::model::relationships(model, &r.qualified_name())
                .into_iter()
                .nth(row)?;
            let mut doc = Doc::new(&format!("{} {}", rel.kind.label(), rel.other));
            doc.field("relationship", rel.kind.label());
            doc.field("object", &rel.other.to_string());
            doc.field("how", &rel.label);
            doc.blank();
            doc.line(
                Kind::Muted,
                "Enter on the row jumps to the object; Backspace comes back.",
            );
            doc
        }
        _ => return None,
    };
    if let Some(detail) = rows.get(row) {
        findings(&mut doc, model, detail);
    }
    Some(doc)
}

/// One line of code that names the table, with what the whole scan found.
fn code_reference(
    model: &Model,
    r: &Relation,
    refs: &[crate::model::code::CodeReference],
    i: usize,
) -> Option<Doc> {
    let reference = refs.get(i)?;
    let code = model.catalog.code.as_ref()?;
    let mut doc = Doc::new(&format!("{}:{}", reference.file, reference.line));
    doc.field("names", &format!("{}.{}", r.schema, r.name));
    doc.field(
        "as",
        match reference.how {
            ReferenceKind::Client => "a Supabase client call (a use: the code breaks without it)",
            ReferenceKind::Orm => "an ORM's table declaration (a use)",
            ReferenceKind::Sql => "SQL that reads or writes it (a use)",
            ReferenceKind::String => "a string that is exactly its name (a use, most likely)",
            ReferenceKind::Mention => "a mention: prose, a comment or an identifier (not a use)",
            ReferenceKind::Type => "a type, such as Supabase's generated types (not a use)",
            ReferenceKind::Definition => "SQL that defines it: CREATE, ALTER, GRANT (not a use)",
        },
    );
    doc.field("in all", &crate::model::code::summary(refs, code.files));
    doc.field("searched", &code.roots.join(", "));
    Some(doc)
}

/// A recorded statement that touches the table: its whole text, its counters, the columns
/// it filters on, and what the planner said about an index it lacks.
fn recorded_statement(model: &Model, r: &Relation, s: &RecordedStatement) -> Doc {
    let mut doc = Doc::new(&format!("statement on {}.{}", r.schema, r.name));
    doc.lines(Kind::Sql, &s.query);
    doc.blank();
    doc.field("calls", &grouped(s.calls));
    doc.field("mean", &duration(s.mean_ms()));
    doc.field("in all", &duration(s.total_ms));
    doc.field("rows", &grouped(s.rows));
    let q = r.qualified_name();
    for (role, label) in [
        (ColumnRole::Equality, "filters"),
        (ColumnRole::Range, "ranges"),
        (ColumnRole::Join, "joins on"),
        (ColumnRole::Sort, "sorts by"),
    ] {
        let columns: Vec<&str> = s
            .columns
            .iter()
            .filter(|u| u.relation == q && u.role == role)
            .map(|u| u.column.as_str())
            .collect();
        if !columns.is_empty() {
            doc.field(label, &columns.join(", "));
        }
    }
    let others: Vec<String> = s
        .relations
        .iter()
        .filter(|o| **o != q)
        .map(ToString::to_string)
        .collect();
    if !others.is_empty() {
        doc.field("also", &others.join(", "));
    }
    let Some(w) = model.catalog.workload.as_ref().and_then(|w| w.recorded()) else {
        return doc;
    };
    for h in w
        .hypothetical
        .iter()
        .flatten()
        .filter(|h| h.query == s.query)
    {
        let verdict = match (h.cost_before, h.cost_after, &h.error) {
            (_, _, Some(e)) => format!("could not be asked: {e}"),
            (Some(before), Some(after), None) if h.used => {
                format!("would use it: estimate {before:.0} → {after:.0}")
            }
            _ => "would not use it".into(),
        };
        doc.field(
            &format!("index ({})", h.columns.join(", ")),
            &format!("{verdict} (HypoPG)"),
        );
    }
    doc.field(
        "recorded",
        &format!(
            "pg_stat_statements in {}{}",
            w.schema,
            w.reset
                .as_deref()
                .map(|r| format!(", since {}", crate::cleanup::evidence::short_time(r)))
                .unwrap_or_default()
        ),
    );
    doc
}

fn column(r: &Relation, c: &Column) -> Doc {
    let mut doc = Doc::new(&format!("column {}.{}", r.name, c.name));
    doc.field("type", &c.data_type);
    doc.field("null", if c.not_null { "not null" } else { "allowed" });
    if let Some(default) = &c.default {
        doc.field("default", default);
    }
    if let Some(identity) = c.identity {
        doc.field(
            "identity",
            match identity {
                Identity::Always => "generated always as identity",
                Identity::ByDefault => "generated by default as identity",
            },
        );
    }
    if let Some(g) = &c.generated {
        let kind = match g.kind {
            crate::model::GeneratedKind::Stored => "stored",
            crate::model::GeneratedKind::Virtual => "virtual",
        };
        doc.field("generated", &format!("always as ({}) {kind}", g.expression));
    }
    if let Some(collation) = &c.collation {
        doc.field("collation", collation);
    }
    for (k, fk) in r
        .foreign_keys()
        .filter(|(k, _)| k.columns.contains(&c.name))
    {
        doc.field(
            "references",
            &format!(
                "{}({}) ON DELETE {} ON UPDATE {} ({})",
                fk.referenced_table,
                fk.referenced_columns.join(", "),
                fk.on_delete.sql(),
                fk.on_update.sql(),
                k.name
            ),
        );
    }
    let indexed: Vec<&str> = r
        .indexes
        .iter()
        .filter(|i| i.leading_columns().next() == Some(c.name.as_str()))
        .map(|i| i.name.as_str())
        .collect();
    doc.field(
        "indexes leading with it",
        &if indexed.is_empty() {
            "none".to_string()
        } else {
            indexed.join(", ")
        },
    );
    if let Some(comment) = &c.comment {
        doc.field("comment", comment);
    }
    doc
}

fn index(r: &Relation, i: &Index) -> Doc {
    let mut doc = Doc::new(&format!("index {}", i.name));
    doc.lines(Kind::Sql, &format!("{};", crate::sql::create_index(r, i)));
    doc.blank();
    let mut traits = vec![i.method.clone()];
    if i.primary {
        traits.push("primary key".into());
    } else if i.unique {
        traits.push("unique".into());
    }
    if i.nulls_not_distinct {
        traits.push("nulls not distinct".into());
    }
    doc.field("kind", &traits.join(", "));
    if !i.valid {
        doc.line(
            Kind::Critical,
            "INVALID: a failed CREATE INDEX CONCURRENTLY left it; it is maintained but never used",
        );
    }
    if let Some(constraint) = &i.constraint {
        doc.field("implements constraint", constraint);
    }
    doc.field("size", &bytes(i.size_bytes));
    doc.field("scans", &count(i.scans));
    for (n, k) in i.keys.iter().enumerate() {
        doc.field(&format!("key {}", n + 1), &crate::sql::index::key(k));
    }
    if !i.include.is_empty() {
        doc.field("include", &i.include.join(", "));
    }
    if let Some(p) = &i.predicate {
        doc.field("only rows where", p);
    }
    provenance(&mut doc, &i.provenance);
    doc
}

fn constraint(c: &Constraint) -> Doc {
    let mut doc = Doc::new(&format!("constraint {}", c.name));
    doc.lines(Kind::Sql, &c.definition);
    doc.blank();
    doc.field("kind", c.kind.label());
    if let Some(fk) = &c.foreign_key {
        doc.field(
            "references",
            &format!(
                "{}({})",
                fk.referenced_table,
                fk.referenced_columns.join(", ")
            ),
        );
        doc.field("on delete", fk.on_delete.sql());
        doc.field("on update", fk.on_update.sql());
    }
    if !c.validated {
        doc.line(
            Kind::Warning,
            "NOT VALID: rows written before it was added were never checked",
        );
    }
    if c.deferrable {
        doc.field(
            "deferrable",
            if c.initially_deferred {
                "initially deferred"
            } else {
                "initially immediate"
            },
        );
    }
    provenance(&mut doc, &c.provenance);
    doc
}

fn policy(r: &Relation, p: &Policy) -> Doc {
    let mut doc = Doc::new(&format!("policy {}", p.name));
    doc.field("name", &p.name);
    doc.field("on", &format!("{}.{}", r.schema, r.name));
    doc.field("command", p.command.sql());
    doc.field(
        "mode",
        if p.permissive {
            "permissive (any permissive policy may admit a row)"
        } else {
            "restrictive (every restrictive policy must admit a row)"
        },
    );
    doc.field("roles", &p.roles.join(", "));
    doc.blank();
    doc.line(Kind::Label, "USING (rows it lets the command see):");
    match &p.using {
        Some(using) => doc.lines(Kind::Sql, &format!("  {using}")),
        None => doc.line(Kind::Muted, "  (none)"),
    }
    doc.line(Kind::Label, "WITH CHECK (rows it lets the command write):");
    match (&p.with_check, p.command) {
        (Some(check), _) => doc.lines(Kind::Sql, &format!("  {check}")),
        (None, crate::model::PolicyCommand::All | crate::model::PolicyCommand::Update)
            if p.using.is_some() =>
        {
            doc.line(Kind::Muted, "  (none: USING checks the new rows too)")
        }
        (None, _) => doc.line(Kind::Muted, "  (none)"),
    }
    doc.blank();
    doc.line(Kind::Accent, &rls_state(r));
    provenance(&mut doc, &p.provenance);
    doc
}

fn trigger(model: &Model, t: &Trigger) -> Doc {
    let mut doc = Doc::new(&format!("trigger {}", t.name));
    doc.lines(Kind::Sql, &format!("{};", t.definition));
    doc.blank();
    doc.field("function", &t.function.to_string());
    let others = model
        .catalog
        .relations
        .iter()
        .flat_map(|r| r.triggers.iter().map(move |x| (r, x)))
        .filter(|(_, x)| x.function == t.function)
        .count();
    if others > 1 {
        doc.field("the function's triggers", &format!("{others} in all"));
    }
    doc.field(
        "enabled",
        match t.enabled {
            TriggerEnabled::Origin => "yes",
            TriggerEnabled::Disabled => "NO (disabled)",
            TriggerEnabled::Replica => "only for replication (session_replication_role = replica)",
            TriggerEnabled::Always => "always, also during replication",
        },
    );
    provenance(&mut doc, &t.provenance);
    doc
}

fn provenance(doc: &mut Doc, p: &crate::model::Provenance) {
    if let Some(line) = provenance_line(p) {
        doc.field("source", &line);
    }
}

fn findings(doc: &mut Doc, model: &Model, row: &DetailRow) {
    if row.findings.is_empty() {
        return;
    }
    doc.blank();
    doc.line(Kind::Label, "findings (Findings tab for their fixes):");
    for i in &row.findings {
        let f = &model.findings[*i];
        let (kind, mark) = Kind::of_severity(f.severity);
        doc.line(kind, &format!("{mark} {} [{}]", f.message, f.rule));
    }
}

/// A table's row-level security state, the way psql's `\d` distinguishes it.
pub fn rls_state(r: &Relation) -> String {
    match (r.rls_enabled, r.rls_forced, r.policies.is_empty()) {
        (false, _, true) => "Row-level security disabled, no policies".into(),
        (false, _, false) => "Policies (row security disabled): defined but NOT enforced".into(),
        (true, false, true) => {
            "Policies (row security enabled): (none) - only the owner sees rows".into()
        }
        (true, true, true) => "Policies (forced row security enabled): (none)".into(),
        (true, false, false) => "Policies: row security enabled".into(),
        (true, true, false) => "Policies (forced row security enabled)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PolicyCommand, RelationKind};

    /// psql's `\d` states, one per combination of enabled, forced and having policies.
    #[test]
    fn rls_states_read_as_psql_reads_them() {
        let mut r = Relation::empty("public", "t", RelationKind::Table);
        let state = |r: &Relation| rls_state(r);
        assert_eq!(state(&r), "Row-level security disabled, no policies");
        r.rls_enabled = true;
        assert_eq!(
            state(&r),
            "Policies (row security enabled): (none) - only the owner sees rows"
        );
        r.rls_forced = true;
        assert_eq!(state(&r), "Policies (forced row security enabled): (none)");
        r.policies.push(Policy {
            name: "p".into(),
            command: PolicyCommand::Select,
            permissive: true,
            roles: vec!["public".into()],
            using: Some("true".into()),
            with_check: None,
            provenance: Default::default(),
        });
        assert_eq!(state(&r), "Policies (forced row security enabled)");
        r.rls_forced = false;
        assert_eq!(state(&r), "Policies: row security enabled");
        r.rls_enabled = false;
        assert_eq!(
            state(&r),
            "Policies (row security disabled): defined but NOT enforced"
        );
    }
}
