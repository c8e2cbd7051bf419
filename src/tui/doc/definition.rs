//! The Definition tab's text: the object's SQL as pglens reconstructs it from the model,
//! under where an offline source defined it.

use super::{Doc, Kind};
use crate::model::{ObjectId, TypeKind, UserType};
use crate::sql;
use crate::tui::model::Model;
use crate::tui::view::widgets::provenance_line;

pub fn doc(model: &Model, id: &ObjectId) -> Doc {
    let text = match id {
        ObjectId::Relation(q) => model.catalog.relation(&q.schema, &q.name).map(|r| {
            provenance_comment(&r.provenance) + &read_as(model, q) + &sql::ddl::relation(r)
        }),
        ObjectId::Function {
            schema,
            name,
            arguments,
        } => model.catalog.function(schema, name, arguments).map(|f| {
            provenance_comment(&f.provenance) + &sql::ddl::function(f) + &trigger_users(model, f)
        }),
        ObjectId::Extension { name } => model
            .catalog
            .extensions
            .iter()
            .find(|e| &e.name == name)
            .map(|e| {
                format!(
                    "CREATE EXTENSION {} WITH SCHEMA {} VERSION {};\n{}",
                    sql::ident(&e.name),
                    sql::ident(&e.schema),
                    sql::literal(&e.installed_version),
                    sql::comment(&format!(
                        "available: {}",
                        e.default_version.as_deref().unwrap_or("unknown")
                    ))
                )
            }),
        ObjectId::Type { schema, name } => type_definition(model, schema, name),
    };
    let mut doc = Doc::new(&id.label());
    match text {
        Some(text) => doc.lines(Kind::Sql, &text),
        None => doc.line(Kind::Muted, "gone since the last load"),
    }
    doc
}

/// What the user last read as (`U`) saw of this table, as comment lines over its
/// definition: rows visible and changeable, and each leak with the policies that let it
/// through. Nothing when no one was read as, or the table was not read.
fn read_as(model: &Model, q: &crate::model::QualifiedName) -> String {
    use crate::rls::report::{select_words, write_words};
    let Some(read_as) = &model.read_as else {
        return String::new();
    };
    let Some(t) = read_as.table(q) else {
        return String::new();
    };
    let mut lines = vec![sql::comment(&format!(
        "as {}: {}{}",
        read_as.report.who(),
        select_words(&t.select),
        write_words(t)
    ))];
    for leak in read_as
        .report
        .leaks
        .iter()
        .filter(|l| l.schema == q.schema && l.table == q.name)
    {
        lines.push(sql::comment(&format!(
            "LEAK {}: {} ({}); {}",
            leak.command,
            crate::rls::report::leak_rows(leak),
            leak.scope,
            leak.why
        )));
    }
    lines.join("\n") + "\n"
}

/// For a trigger function, the triggers that run it (as psql's `\df+` does not say, and a
/// reviewer asks before changing one): `-- used by 2 triggers: public.tasks.tasks_audit, ...`.
/// Nothing for other functions.
fn trigger_users(model: &Model, f: &crate::model::Function) -> String {
    if f.result != "trigger" {
        return String::new();
    }
    let users: Vec<String> = model
        .catalog
        .relations
        .iter()
        .flat_map(|r| r.triggers.iter().map(move |t| (r, t)))
        .filter(|(_, t)| t.function.schema == f.schema && t.function.name == f.name)
        .map(|(r, t)| format!("{}.{}.{}", r.schema, r.name, t.name))
        .collect();
    let text = match users.len() {
        0 => "used by no trigger".to_string(),
        1 => format!("used by 1 trigger: {}", users[0]),
        n => format!("used by {n} triggers: {}", users.join(", ")),
    };
    format!("\n{}\n", sql::comment(&text))
}

/// An enum's, a domain's or a composite type's definition, then the columns of that type
/// (`-- used by`).
fn type_definition(model: &Model, schema: &str, name: &str) -> Option<String> {
    let catalog = &model.catalog;
    let found = catalog.user_type(schema, name)?;
    let composite = matches!(found, UserType::Composite(_));
    let (provenance, ddl) = match found {
        UserType::Enum(e) => (&e.provenance, sql::ddl::enum_type(e)),
        UserType::Domain(d) => (&d.provenance, sql::ddl::domain(d)),
        UserType::Composite(c) => (&c.provenance, sql::ddl::composite_type(c)),
    };
    // A composite column names its type as the server prints it: bare where the search
    // path finds it, qualified otherwise, with `[]` for an array of it.
    let printed = [sql::qualified(schema, name), sql::ident(name)];
    let users: Vec<String> = catalog
        .relations
        .iter()
        .flat_map(|r| r.columns.iter().map(move |c| (r, c)))
        .filter(|(_, c)| match &c.type_kind {
            TypeKind::Enum { type_name } | TypeKind::Domain { type_name, .. } => {
                type_name.schema == schema && type_name.name == name
            }
            // Arrays of a composite are kinds of their own; the printed type tells.
            _ => {
                composite
                    && printed
                        .iter()
                        .any(|p| c.data_type.trim_end_matches("[]") == p)
            }
        })
        .map(|(r, c)| format!("{}.{}.{}", r.schema, r.name, c.name))
        .collect();
    let others = other_users(catalog, &printed);
    let used = if users.is_empty() && !others.is_empty() {
        String::new()
    } else if users.is_empty() {
        sql::comment("used by no column, domain, type or function")
    } else if let [one] = users.as_slice() {
        sql::comment(&format!("used by 1 column: {one}"))
    } else {
        sql::comment(&format!(
            "used by {} columns: {}",
            users.len(),
            users.join(", ")
        ))
    };
    let others = match (users.is_empty(), others.is_empty()) {
        (_, true) => String::new(),
        (true, false) => {
            sql::comment(&format!("used by no column, but by {}", others.join(", "))) + "\n"
        }
        (false, false) => sql::comment(&format!("also used by {}", others.join(", "))) + "\n",
    };
    let used = if used.is_empty() {
        String::new()
    } else {
        used + "\n"
    };
    Some(provenance_comment(provenance) + &ddl + &used + &others)
}

/// What else names a type (printed as `printed` says): domains over it, composite types
/// with an attribute of it, and functions that take or return it. A type none of these
/// nor any column uses is a cleanup candidate of its own.
fn other_users(catalog: &crate::model::Catalog, printed: &[String]) -> Vec<String> {
    let names = |text: &str| -> bool {
        text.split([',', ' ', '(', ')'])
            .map(|t| t.trim_end_matches("[]"))
            .any(|t| printed.iter().any(|p| p == t))
    };
    let domains = (catalog.domains.iter())
        .filter(|d| names(&d.base_type))
        .map(|d| format!("domain {}", sql::qualified(&d.schema, &d.name)));
    let types = (catalog.composites.iter())
        .filter(|c| c.attributes.iter().any(|a| names(&a.type_name)))
        .map(|c| format!("type {}", sql::qualified(&c.schema, &c.name)));
    let functions = (catalog.functions.iter())
        .filter(|f| names(&f.arguments) || names(&f.result))
        .map(|f| {
            format!(
                "function {}({})",
                sql::qualified(&f.schema, &f.name),
                f.arguments
            )
        });
    domains.chain(types).chain(functions).collect()
}

/// Where an object from migration files was defined and altered, as SQL comment lines:
/// `-- defined in supabase/migrations/012_x.sql:40, altered in 015_y.sql:7`.
pub fn provenance_comment(p: &crate::model::Provenance) -> String {
    let Some(line) = provenance_line(p) else {
        return String::new();
    };
    sql::comment(&line) + "\n"
}
