//! Drift between two schemas (`pglens diff OLD NEW`): tables, columns, indexes, constraints,
//! policies, views, functions, enums, domains and composite types that only one side has,
//! or that differ. Pure: two
//! catalogs in, a list of differences out, rendered as text, JSON or Markdown.
//!
//! Objects are matched by name. Each is compared by a one-line description of what defines
//! it (a column's type, nullability and default; an index's `CREATE INDEX`; a policy's
//! command, roles and conditions; a view's query; a function's signature and body), so a
//! difference reads as "old: ..., new: ...". Statistics, sizes, owners and grants are not
//! compared: they differ between any two servers without the schema drifting.

mod formatting;

use crate::text::{visible, visible_lines};
use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::model::{Catalog, Column, Function, Location, Policy, Relation};
use crate::sql;

/// How an object differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    OnlyInOld,
    OnlyInNew,
    Changed,
}

impl Change {
    fn symbol(self) -> &'static str {
        match self {
            Change::OnlyInOld => "-",
            Change::OnlyInNew => "+",
            Change::Changed => "~",
        }
    }
}

/// One difference. `table` is the relation an object hangs off (columns, indexes,
/// constraints, policies); relations and functions have none.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Difference {
    pub change: Change,
    pub kind: &'static str,
    pub schema: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Where the object is defined, when a side is a migration folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined: Option<String>,
    /// The two sides say the same in different spellings (a server's casts, parentheses,
    /// case): listed in JSON, counted but not shown in text and Markdown, and no drift.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub formatting_only: bool,
}

impl Difference {
    /// `schema.table.name` or `schema.name`.
    pub fn path(&self) -> String {
        match &self.table {
            Some(t) => format!("{}.{t}.{}", self.schema, self.name),
            None => format!("{}.{}", self.schema, self.name),
        }
    }
}

/// An object's description keyed by what identifies it, with where it was defined.
type Described =
    BTreeMap<(&'static str, String, Option<String>, String), (String, Option<Location>)>;

/// Every difference between `old` and `new`, sorted by object.
pub fn diff(old: &Catalog, new: &Catalog) -> Vec<Difference> {
    let (a, b) = (describe(old), describe(new));
    let mut out = Vec::new();
    for (key, (desc, at)) in &a {
        match b.get(key) {
            None => out.push(difference(Change::OnlyInOld, key, Some(desc), None, at)),
            Some((other, at_new)) if other != desc => out.push(difference(
                Change::Changed,
                key,
                Some(desc),
                Some(other),
                &at_new.clone().or_else(|| at.clone()),
            )),
            Some(_) => {}
        }
    }
    for (key, (desc, at)) in &b {
        if !a.contains_key(key) {
            out.push(difference(Change::OnlyInNew, key, None, Some(desc), at));
        }
    }
    // A view read from files has no columns (their types need the planner): the other
    // side's columns of it are not drift.
    let columnless = |c: &Catalog| -> std::collections::HashSet<(String, String)> {
        (c.relations.iter())
            .filter(|r| r.kind.is_view() && r.columns.is_empty())
            .map(|r| (r.schema.clone(), r.name.clone()))
            .collect()
    };
    let (old_views, new_views) = (columnless(old), columnless(new));
    out.retain(|d| {
        let view = |set: &std::collections::HashSet<(String, String)>| {
            d.table
                .as_ref()
                .is_some_and(|t| set.contains(&(d.schema.clone(), t.clone())))
        };
        !(d.kind == "column"
            && match d.change {
                Change::OnlyInNew => view(&old_views),
                Change::OnlyInOld => view(&new_views),
                Change::Changed => false,
            })
    });
    out.sort_by(|x, y| (x.path(), x.kind, x.change).cmp(&(y.path(), y.kind, y.change)));
    out
}

fn difference(
    change: Change,
    (kind, schema, table, name): &(&'static str, String, Option<String>, String),
    old: Option<&String>,
    new: Option<&String>,
    at: &Option<Location>,
) -> Difference {
    Difference {
        change,
        kind,
        schema: schema.clone(),
        table: table.clone(),
        name: name.clone(),
        old: old.cloned(),
        new: new.cloned(),
        defined: at.as_ref().map(|l| format!("{}:{}", l.file, l.line)),
        formatting_only: change == Change::Changed
            && matches!((old, new), (Some(a), Some(b)) if formatting::same_meaning(a, b)),
    }
}

/// Whether any difference is more than formatting: the schemas have drifted.
pub fn drifted(differences: &[Difference]) -> bool {
    differences.iter().any(|d| !d.formatting_only)
}

/// The application's objects, described. Objects that belong to an extension are the
/// extension's business, not the schema's.
fn describe(c: &Catalog) -> Described {
    let mut out = Described::new();
    for r in c.relations.iter().filter(|r| r.extension.is_none()) {
        let kind = if r.kind.is_view() { "view" } else { "table" };
        let at = r.provenance.defined.clone();
        out.insert(
            (kind, r.schema.clone(), None, r.name.clone()),
            (relation_line(r), at.clone()),
        );
        let child = |kind, name: &str| {
            (
                kind,
                r.schema.clone(),
                Some(r.name.clone()),
                name.to_string(),
            )
        };
        for col in &r.columns {
            out.insert(child("column", &col.name), (column_line(col), at.clone()));
        }
        for i in &r.indexes {
            out.insert(
                child("index", &i.name),
                (sql::create_index(r, i), i.provenance.defined.clone()),
            );
        }
        for con in &r.constraints {
            out.insert(
                child("constraint", &con.name),
                (con.definition.clone(), con.provenance.defined.clone()),
            );
        }
        for p in &r.policies {
            out.insert(
                child("policy", &p.name),
                (policy_line(p), p.provenance.defined.clone()),
            );
        }
    }
    for f in c.functions.iter().filter(|f| f.extension.is_none()) {
        out.insert(
            ("function", f.schema.clone(), None, f.signature()),
            (function_line(f), f.provenance.defined.clone()),
        );
    }
    describe_types(c, &mut out);
    out
}

/// Enums by their values in order, domains by base type, NOT NULL, default and checks,
/// composite types by their attributes.
fn describe_types(c: &Catalog, out: &mut Described) {
    for e in c.enums.iter().filter(|e| e.extension.is_none()) {
        let values: Vec<String> = e.labels.iter().map(|l| sql::literal(l)).collect();
        out.insert(
            ("enum", e.schema.clone(), None, e.name.clone()),
            (
                format!("({})", values.join(", ")),
                e.provenance.defined.clone(),
            ),
        );
    }
    for d in &c.domains {
        let mut line = d.base_type.clone();
        if d.not_null {
            line.push_str(" NOT NULL");
        }
        if let Some(default) = &d.default {
            let _ = write!(line, " DEFAULT {default}");
        }
        for check in &d.checks {
            let _ = write!(line, " {check}");
        }
        out.insert(
            ("domain", d.schema.clone(), None, d.name.clone()),
            (line, d.provenance.defined.clone()),
        );
    }
    for t in c.composites.iter().filter(|t| t.extension.is_none()) {
        let attributes: Vec<String> = (t.attributes.iter())
            .map(|a| format!("{} {}", sql::ident(&a.name), a.type_name))
            .collect();
        out.insert(
            ("type", t.schema.clone(), None, t.name.clone()),
            (
                format!("({})", attributes.join(", ")),
                t.provenance.defined.clone(),
            ),
        );
    }
}

fn relation_line(r: &Relation) -> String {
    let mut s = r.kind.label().to_string();
    if r.kind.is_view() {
        let _ = write!(
            s,
            " AS {}",
            r.view_definition
                .as_deref()
                .unwrap_or("?")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    } else if r.rls_enabled {
        s.push_str(if r.rls_forced {
            ", RLS forced"
        } else {
            ", RLS enabled"
        });
    } else {
        s.push_str(", RLS off");
    }
    if !r.options.is_empty() {
        let _ = write!(s, " WITH ({})", r.options.join(", "));
    }
    s
}

fn column_line(c: &Column) -> String {
    let mut s = c.data_type.clone();
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        let _ = write!(s, " DEFAULT {d}");
    }
    if let Some(g) = &c.generated {
        let _ = write!(s, " GENERATED ALWAYS AS ({})", g.expression);
    }
    if c.identity.is_some() {
        s.push_str(" IDENTITY");
    }
    s
}

fn policy_line(p: &Policy) -> String {
    let mut s = format!(
        "{} {} TO {}",
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        p.command.sql(),
        p.roles.join(", ")
    );
    if let Some(u) = &p.using {
        let _ = write!(s, " USING ({u})");
    }
    if let Some(w) = &p.with_check {
        let _ = write!(s, " WITH CHECK ({w})");
    }
    s
}

fn function_line(f: &Function) -> String {
    let body = f
        .body
        .as_deref()
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!(
        "({}) RETURNS {} LANGUAGE {}{}{} AS {body}",
        f.arguments,
        f.result,
        f.language,
        if f.security_definer {
            " SECURITY DEFINER"
        } else {
            ""
        },
        f.config
            .iter()
            .map(|c| format!(" SET {c}"))
            .collect::<String>()
    )
}

/// How far a migration folder has got on a database: the last file whose objects all
/// exist there, and the first one with objects missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationProgress {
    /// The folder's side: "old" or "new".
    pub migrations_side: &'static str,
    pub last_applied: Option<String>,
    pub first_missing: Option<String>,
    /// Objects of `first_missing` the other side lacks.
    pub missing: Vec<String>,
}

/// Whether `other` has the object a migration statement created.
fn has_object(other: &Catalog, command: &str, object: &str) -> bool {
    let Some((schema, name)) = object.split_once('.') else {
        return true;
    };
    match command {
        "CREATE TABLE" | "CREATE VIEW" | "CREATE MATERIALIZED VIEW" => {
            other.relation(schema, name).is_some()
        }
        "CREATE INDEX" => other
            .relations
            .iter()
            .any(|r| r.schema == schema && r.indexes.iter().any(|i| i.name == name)),
        "CREATE POLICY" | "CREATE TRIGGER" => match name.rsplit_once('.') {
            Some((table, part)) => other.relation(schema, table).is_some_and(|r| {
                r.policies.iter().any(|p| p.name == part)
                    || r.triggers.iter().any(|t| t.name == part)
            }),
            None => true,
        },
        _ => true,
    }
}

/// When one side was read from migration files, which of them the other side reflects:
/// the everyday question "which migration ran last?".
pub fn migration_progress(old: &Catalog, new: &Catalog) -> Option<MigrationProgress> {
    let (side, folder, own, other) = match (&old.migrations, &new.migrations) {
        (Some(m), None) => ("old", m, old, new),
        (None, Some(m)) => ("new", m, new, old),
        _ => return None,
    };
    let mut progress = MigrationProgress {
        migrations_side: side,
        last_applied: None,
        first_missing: None,
        missing: Vec::new(),
    };
    for file in &folder.files {
        let missing: Vec<String> = folder
            .statements
            .iter()
            .filter(|s| &s.location.file == file && s.command.starts_with("CREATE"))
            .filter_map(|s| s.object.as_ref().map(|o| (s.command.as_str(), o)))
            // Objects a later migration renamed or dropped say nothing about this file.
            .filter(|(command, object)| has_object(own, command, object))
            .filter(|(command, object)| !has_object(other, command, object))
            .map(|(_, object)| object.clone())
            .collect();
        if missing.is_empty() {
            progress.last_applied = Some(file.clone());
        } else {
            progress.first_missing = Some(file.clone());
            progress.missing = missing;
            break;
        }
    }
    Some(progress)
}

fn progress_text(p: &MigrationProgress) -> String {
    let other = if p.migrations_side == "old" {
        "new"
    } else {
        "old"
    };
    let mut out = match &p.last_applied {
        Some(f) => format!("migrations: {f} is the last whose objects all exist in {other}"),
        None => format!("migrations: none of them is reflected in {other}"),
    };
    if let Some(f) = &p.first_missing {
        out.push_str(&format!("; {f} is not ({} missing)", p.missing.join(", ")));
    }
    out.push('\n');
    visible_lines(&out).into_owned()
}

/// The differences for a terminal or a log.
pub fn text(
    differences: &[Difference],
    progress: Option<&MigrationProgress>,
    old: &str,
    new: &str,
) -> String {
    let mut out = format!("pglens diff {} -> {}\n\n", visible(old), visible(new));
    if let Some(p) = progress {
        out.push_str(&progress_text(p));
        out.push('\n');
    }
    for d in differences.iter().filter(|d| !d.formatting_only) {
        let _ = writeln!(
            out,
            "{} {} {}",
            d.change.symbol(),
            d.kind,
            visible(&d.path())
        );
        if let Some(at) = &d.defined {
            let _ = writeln!(out, "    defined in {}", visible(at));
        }
        let show = |s: &Option<String>| visible(s.as_deref().unwrap_or("")).into_owned();
        match d.change {
            Change::Changed => {
                let _ = writeln!(out, "    old: {}", show(&d.old));
                let _ = writeln!(out, "    new: {}", show(&d.new));
            }
            _ => {
                let _ = writeln!(out, "    {}", show(&d.old.clone().or(d.new.clone())));
            }
        }
    }
    out.push_str(&summary(differences));
    out
}

fn summary(differences: &[Difference]) -> String {
    let spelled = differences.iter().filter(|d| d.formatting_only).count();
    let spelling = if spelled == 0 {
        String::new()
    } else {
        format!(
            " ({spelled} more differ only in how the server prints them: casts, parentheses, case; the JSON lists them as formatting_only)"
        )
    };
    let real: Vec<&Difference> = differences.iter().filter(|d| !d.formatting_only).collect();
    if real.is_empty() {
        return format!("no differences: the two schemas agree{spelling}\n");
    }
    let count = |c| real.iter().filter(|d| d.change == c).count();
    format!(
        "{} differences: {} only in old, {} only in new, {} changed{spelling}\n",
        real.len(),
        count(Change::OnlyInOld),
        count(Change::OnlyInNew),
        count(Change::Changed)
    )
}

/// `{"differences": [...]}`, with `"migrations"` when one side is a migration folder.
pub fn json(differences: &[Difference], progress: Option<&MigrationProgress>) -> String {
    let mut doc = serde_json::json!({ "differences": differences });
    if let Some(p) = progress {
        doc["migrations"] = serde_json::json!(p);
    }
    crate::text::json_escaped(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")
}

/// A Markdown report: a summary line and one table row per difference.
pub fn markdown(
    differences: &[Difference],
    progress: Option<&MigrationProgress>,
    old: &str,
    new: &str,
) -> String {
    let cell = |s: &str| visible(&s.replace('|', "\\|")).into_owned();
    let mut out = format!(
        "# Schema drift: `{}` -> `{}`\n\n{}\n",
        cell(old),
        cell(new),
        summary(differences)
    );
    if let Some(p) = progress {
        out.push_str(&progress_text(p));
        out.push('\n');
    }
    if !drifted(differences) {
        return out;
    }
    out.push_str("| change | kind | object | old | new |\n|---|---|---|---|---|\n");
    for d in differences.iter().filter(|d| !d.formatting_only) {
        let change = match d.change {
            Change::OnlyInOld => "only in old",
            Change::OnlyInNew => "only in new",
            Change::Changed => "changed",
        };
        let _ = writeln!(
            out,
            "| {change} | {} | `{}` | {} | {} |",
            d.kind,
            cell(&d.path()),
            d.old.as_deref().map(cell).unwrap_or_default(),
            d.new.as_deref().map(cell).unwrap_or_default()
        );
    }
    out
}

/// Gives `catalog`'s objects the place `from` defines them (file and line), where
/// `catalog` knows none: a live database compared with its migration folder then shows
/// which migration created each table, and can be grouped by it.
pub fn adopt_provenance(catalog: &mut Catalog, from: &Catalog) {
    let relations: std::collections::HashMap<(&str, &str), &Location> = from
        .relations
        .iter()
        .filter_map(|r| {
            Some((
                (r.schema.as_str(), r.name.as_str()),
                r.provenance.defined.as_ref()?,
            ))
        })
        .collect();
    for r in &mut catalog.relations {
        if r.provenance.defined.is_none() {
            if let Some(at) = relations.get(&(r.schema.as_str(), r.name.as_str())) {
                r.provenance.defined = Some((*at).clone());
            }
        }
    }
    for f in &mut catalog.functions {
        if f.provenance.defined.is_none() {
            let twin = from.functions.iter().find(|o| {
                o.schema == f.schema
                    && o.name == f.name
                    && o.identity_arguments == f.identity_arguments
            });
            if let Some(at) = twin.and_then(|o| o.provenance.defined.clone()) {
                f.provenance.defined = Some(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An enum that gained a value, a domain that lost its NOT NULL and a composite type
    /// that gained an attribute are drift.
    #[test]
    fn types_are_compared() {
        let mut old = Catalog::default();
        old.enums.push(crate::model::EnumType {
            schema: "public".into(),
            name: "state".into(),
            labels: vec!["draft".into()],
            comment: None,
            extension: None,
            provenance: Default::default(),
        });
        old.domains.push(crate::model::Domain {
            schema: "public".into(),
            name: "price".into(),
            base_type: "numeric".into(),
            not_null: true,
            default: None,
            checks: Vec::new(),
            comment: None,
            provenance: Default::default(),
        });
        old.composites.push(crate::model::CompositeType {
            schema: "public".into(),
            name: "address".into(),
            attributes: vec![crate::model::CompositeAttribute {
                name: "street".into(),
                type_name: "text".into(),
                comment: None,
            }],
            comment: None,
            extension: None,
            provenance: Default::default(),
        });
        assert!(diff(&old, &old).is_empty());
        let mut new = old.clone();
        new.enums[0].labels.push("sent".into());
        new.domains[0].not_null = false;
        new.composites[0].attributes[0].type_name = "character varying(80)".into();
        let kinds: Vec<&str> = diff(&old, &new).iter().map(|d| d.kind).collect();
        assert_eq!(kinds, ["type", "domain", "enum"]);
        assert!(drifted(&diff(&old, &new)));
    }

    #[test]
    fn the_demo_agrees_with_itself_and_a_change_is_named() {
        let old = crate::source::snapshot::demo();
        assert!(diff(&old, &old).is_empty());
        let mut new = old.clone();
        let leads = new
            .relations
            .iter_mut()
            .find(|r| r.name == "leads")
            .unwrap();
        leads.columns.retain(|c| c.name != "score");
        leads.rls_enabled = false;
        new.relations.retain(|r| r.name != "audit_log");
        let d = diff(&old, &new);
        let brief: Vec<(Change, &str, String)> =
            d.iter().map(|d| (d.change, d.kind, d.path())).collect();
        assert!(brief.contains(&(Change::OnlyInOld, "column", "public.leads.score".into())));
        assert!(brief.contains(&(Change::Changed, "table", "public.leads".into())));
        assert!(brief.contains(&(Change::OnlyInOld, "table", "public.audit_log".into())));
        let leads_change = d.iter().find(|d| d.path() == "public.leads").unwrap();
        assert_eq!(leads_change.old.as_deref(), Some("table, RLS enabled"));
        assert_eq!(leads_change.new.as_deref(), Some("table, RLS off"));
        let json: serde_json::Value = serde_json::from_str(&json(&d, None)).unwrap();
        assert_eq!(json["differences"][0]["change"], "only_in_old");
    }

    /// A folder and its database: the server's spelling is counted, not shown, and is no
    /// drift; a view's columns, which files do not give, are not either; a real change is.
    #[test]
    fn a_servers_spelling_and_a_views_columns_are_not_drift() {
        let mut files = crate::source::snapshot::demo();
        let mut server = files.clone();
        let view = files
            .relations
            .iter()
            .position(|r| r.kind.is_view())
            .unwrap();
        assert!(!files.relations[view].columns.is_empty());
        files.relations[view].columns.clear();
        let leads = server
            .relations
            .iter_mut()
            .find(|r| r.name == "leads")
            .unwrap();
        let column = leads
            .columns
            .iter_mut()
            .find(|c| c.default.is_some())
            .unwrap();
        let default = column.default.clone().unwrap();
        column.default = Some(format!("({default})"));
        let d = diff(&files, &server);
        assert!(d.iter().all(|d| d.formatting_only), "{d:#?}");
        assert!(!d.is_empty());
        assert!(!drifted(&d));
        assert!(text(&d, None, "a", "b").contains("no differences"));
        server.relations.retain(|r| r.name != "audit_log");
        assert!(drifted(&diff(&files, &server)));
    }
}
