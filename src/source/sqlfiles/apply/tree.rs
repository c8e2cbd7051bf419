//! Reading the parse tree: names, constants, expressions deparsed back to SQL, and the
//! model pieces several statement kinds build the same way.

use pg_query::protobuf::{self as pb, node::Node as N};
use pg_query::NodeEnum;

use super::DEFAULT_SCHEMA;
use crate::model::migrations::StatementTrait;
use crate::model::*;

pub(super) fn defined(at: &Location) -> Provenance {
    Provenance {
        defined: Some(at.clone()),
        altered: Vec::new(),
    }
}

/// Positions as `attnum` numbers them (dropped columns leave no gap offline).
pub(super) fn renumber(columns: &mut [Column]) {
    for (i, c) in columns.iter_mut().enumerate() {
        c.position = i32::try_from(i + 1).unwrap_or(i32::MAX);
    }
}

pub(super) fn column_mut<'a>(r: &'a mut Relation, name: &str) -> Result<&'a mut Column, String> {
    let table = r.qualified_name();
    r.columns
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("column {name} of {table} does not exist"))
}

/// The index behind a primary key or unique constraint.
pub(super) fn key_index(name: &str, c: &Constraint) -> Index {
    Index {
        name: name.to_string(),
        method: "btree".into(),
        keys: c.columns.iter().map(IndexKey::on_column).collect(),
        include: Vec::new(),
        predicate: None,
        unique: true,
        primary: c.kind == ConstraintKind::PrimaryKey,
        valid: true,
        nulls_not_distinct: c.definition.contains("NULLS NOT DISTINCT"),
        options: Vec::new(),
        constraint: Some(name.to_string()),
        size_bytes: None,
        scans: None,
        provenance: Provenance::default(),
    }
}

pub(super) fn index_key(e: &pb::IndexElem) -> IndexKey {
    let expression_text = e.expr.as_deref().map(|x| {
        let text = expression(x);
        if matches!(x.node, Some(N::FuncCall(_))) {
            text
        } else {
            format!("({text})")
        }
    });
    let opclass = strings(&e.opclass);
    let collation = strings(&e.collation);
    IndexKey {
        column: (!e.name.is_empty()).then(|| e.name.clone()),
        expression: expression_text,
        descending: e.ordering == pb::SortByDir::SortbyDesc as i32,
        nulls: match pb::SortByNulls::try_from(e.nulls_ordering) {
            Ok(pb::SortByNulls::SortbyNullsFirst)
                if e.ordering != pb::SortByDir::SortbyDesc as i32 =>
            {
                Some(NullsOrder::First)
            }
            Ok(pb::SortByNulls::SortbyNullsLast)
                if e.ordering == pb::SortByDir::SortbyDesc as i32 =>
            {
                Some(NullsOrder::Last)
            }
            _ => None,
        },
        opclass: (!opclass.is_empty()).then(|| {
            let q = qualified(&opclass);
            if opclass.len() == 1 && is_builtin_opclass(&q.name) {
                QualifiedName::new("pg_catalog", &q.name)
            } else {
                q
            }
        }),
        collation: (!collation.is_empty()).then(|| {
            if collation.len() == 1 {
                QualifiedName::new("pg_catalog", &collation[0])
            } else {
                qualified(&collation)
            }
        }),
    }
}

pub(super) fn is_builtin_opclass(name: &str) -> bool {
    name.ends_with("_pattern_ops")
        || name.ends_with("_ops") && (name.starts_with("jsonb_") || name.starts_with("array_"))
        || matches!(name, "text_ops" | "int4_ops" | "int8_ops" | "uuid_ops")
}

/// The word PostgreSQL uses for an index key in a made-up index name.
pub(super) fn index_column_name(e: &pb::IndexElem) -> String {
    if !e.name.is_empty() {
        return e.name.clone();
    }
    match e.expr.as_deref().and_then(|x| x.node.as_ref()) {
        Some(N::FuncCall(f)) => strings(&f.funcname)
            .last()
            .cloned()
            .unwrap_or_else(|| "expr".into()),
        _ => "expr".into(),
    }
}

pub(super) fn partition_key(spec: &pb::PartitionSpec) -> String {
    let strategy = match pb::PartitionStrategy::try_from(spec.strategy) {
        Ok(pb::PartitionStrategy::List) => "LIST",
        Ok(pb::PartitionStrategy::Hash) => "HASH",
        _ => "RANGE",
    };
    let params: Vec<String> = spec
        .part_params
        .iter()
        .filter_map(|p| match &p.node {
            Some(N::PartitionElem(e)) if !e.name.is_empty() => Some(crate::sql::ident(&e.name)),
            Some(N::PartitionElem(e)) => e.expr.as_deref().map(|x| format!("({})", expression(x))),
            _ => None,
        })
        .collect();
    format!("{strategy} ({})", params.join(", "))
}

pub(super) fn partition_bound(b: &pb::PartitionBoundSpec) -> String {
    let list = |items: &[pb::Node]| items.iter().map(expression).collect::<Vec<_>>().join(", ");
    if b.is_default {
        return "DEFAULT".into();
    }
    match b.strategy.as_str() {
        "l" => format!("FOR VALUES IN ({})", list(&b.listdatums)),
        "h" => format!(
            "FOR VALUES WITH (modulus {}, remainder {})",
            b.modulus, b.remainder
        ),
        _ => format!(
            "FOR VALUES FROM ({}) TO ({})",
            list(&b.lowerdatums),
            list(&b.upperdatums)
        ),
    }
}

pub(super) fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

pub(super) fn change_grant(
    grants: &mut Vec<Grant>,
    grantee: &str,
    privileges: &[String],
    grant: bool,
) {
    let entry = match grants.iter().position(|g| g.grantee == grantee) {
        Some(i) => i,
        None => {
            grants.push(Grant {
                grantee: grantee.to_string(),
                privileges: Vec::new(),
            });
            grants.len() - 1
        }
    };
    let g = &mut grants[entry];
    if grant {
        g.privileges.extend(privileges.iter().cloned());
        g.privileges.sort();
        g.privileges.dedup();
    } else {
        g.privileges.retain(|p| !privileges.contains(p));
    }
    grants.retain(|g| !g.privileges.is_empty());
    grants.sort_by(|a, b| a.grantee.cmp(&b.grantee));
}

/// Privilege names from a GRANT's list; an empty list is ALL.
pub(super) fn privilege_names(privileges: &[pb::Node], all: &[&str]) -> Vec<String> {
    let named: Vec<String> = privileges
        .iter()
        .filter_map(|p| match &p.node {
            Some(N::AccessPriv(a)) => Some(a.priv_name.to_uppercase()),
            _ => None,
        })
        .collect();
    if named.is_empty() || named.iter().any(|p| p == "ALL") {
        all.iter().map(|p| p.to_string()).collect()
    } else {
        named
    }
}

pub(super) fn role_names(roles: &[pb::Node]) -> Vec<String> {
    roles
        .iter()
        .filter_map(|r| match &r.node {
            Some(N::RoleSpec(spec)) if spec.roletype == pb::RoleSpecType::RolespecPublic as i32 => {
                Some("public".to_string())
            }
            Some(N::RoleSpec(spec)) => Some(spec.rolename.clone()),
            _ => None,
        })
        .collect()
}

/// A `schema.name` from name parts; one part means the default schema.
pub(super) fn qualified(parts: &[String]) -> QualifiedName {
    match parts {
        [.., schema, name] => QualifiedName::new(schema, name),
        [name] => QualifiedName::new(DEFAULT_SCHEMA, name),
        [] => QualifiedName::new(DEFAULT_SCHEMA, ""),
    }
}

pub(super) fn range_var(rv: Option<&pb::RangeVar>) -> QualifiedName {
    match rv {
        Some(rv) if !rv.schemaname.is_empty() => QualifiedName::new(&rv.schemaname, &rv.relname),
        Some(rv) => QualifiedName::new(DEFAULT_SCHEMA, &rv.relname),
        None => QualifiedName::new(DEFAULT_SCHEMA, ""),
    }
}

/// The string values of a list of `String` nodes.
pub(super) fn strings(nodes: &[pb::Node]) -> Vec<String> {
    nodes.iter().filter_map(string_value).collect()
}

pub(super) fn string_value(n: &pb::Node) -> Option<String> {
    match &n.node {
        Some(N::String(s)) => Some(s.sval.clone()),
        Some(N::AConst(c)) => match &c.val {
            Some(pb::a_const::Val::Sval(s)) => Some(s.sval.clone()),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn boolean_value(n: &pb::Node) -> bool {
    match &n.node {
        Some(N::Boolean(b)) => b.boolval,
        Some(N::Integer(i)) => i.ival != 0,
        _ => false,
    }
}

/// `(name, argument)` of each `DefElem` in a list.
pub(super) fn def_elems(nodes: &[pb::Node]) -> impl Iterator<Item = (String, Option<&pb::Node>)> {
    nodes.iter().filter_map(|n| match &n.node {
        // A namespaced option (`toast.autovacuum_enabled`) keeps its prefix, as the live
        // catalog shows the TOAST table's options.
        Some(N::DefElem(d)) if !d.defnamespace.is_empty() => Some((
            format!("{}.{}", d.defnamespace, d.defname),
            d.arg.as_deref(),
        )),
        Some(N::DefElem(d)) => Some((d.defname.clone(), d.arg.as_deref())),
        _ => None,
    })
}

/// A `SET search_path = ...` value as `proconfig` stores it: `""` for an empty string.
pub(super) fn config_value(n: &pb::Node) -> String {
    match string_value(n) {
        Some(s) if s.is_empty() => "\"\"".into(),
        Some(s) => s,
        None => expression(n),
    }
}

/// A storage or view option's value as `reloptions` stores it: `true`, `70`, `on`.
pub(super) fn option_value(n: &pb::Node) -> String {
    match &n.node {
        Some(N::String(x)) => x.sval.clone(),
        Some(N::Boolean(b)) => b.boolval.to_string(),
        Some(N::Integer(i)) => i.ival.to_string(),
        Some(N::Float(f)) => f.fval.clone(),
        _ => string_value(n).unwrap_or_else(|| expression(n)),
    }
}

/// An expression as SQL text, by the parser's own deparser.
pub fn expression(e: &pb::Node) -> String {
    let target = pb::Node {
        node: Some(N::ResTarget(Box::new(pb::ResTarget {
            name: String::new(),
            indirection: Vec::new(),
            val: Some(Box::new(e.clone())),
            location: 0,
        }))),
    };
    // Every enum field must hold a real value: the C side asserts on the zero "undefined".
    let select = NodeEnum::SelectStmt(Box::new(pb::SelectStmt {
        target_list: vec![target],
        op: pb::SetOperation::SetopNone as i32,
        limit_option: pb::LimitOption::Default as i32,
        ..Default::default()
    }));
    select
        .deparse(Default::default())
        .map(|s| canonical_object_literals(s.strip_prefix("SELECT ").unwrap_or(&s)))
        .unwrap_or_default()
}

/// `'"public"."t_id_seq"'::regclass` as the server prints it, `'public.t_id_seq'::regclass`:
/// a cast to an object-name type stores the object, and prints its name canonically
/// (quoted only where needed; a relation with its schema, a text search configuration
/// without `pg_catalog`).
fn canonical_object_literals(text: &str) -> String {
    crate::sql::cast_literals::respell(text, |kind, name| {
        let mut parts = identifier_parts(name);
        match kind {
            "regclass" if parts.len() == 1 => parts.insert(0, super::DEFAULT_SCHEMA.to_string()),
            "regconfig" if parts.len() == 2 && parts[0] == "pg_catalog" => {
                parts.remove(0);
            }
            "regclass" | "regconfig" => {}
            _ => return None,
        }
        let printed: Vec<String> = parts.iter().map(|p| crate::sql::ident(p)).collect();
        Some(printed.join("."))
    })
}

/// `"Public".my_table` as `["Public", "my_table"]`: quoted parts kept, others folded to
/// lower case, as the server reads a name.
fn identifier_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            c if quoted => current.push(c),
            c => current.push(c.to_ascii_lowercase()),
        }
    }
    parts.push(current);
    parts
}

/// A whole statement (a view's query, a function's SQL body) as SQL text.
pub(super) fn statement_text(n: &pb::Node) -> String {
    n.node
        .as_ref()
        .and_then(|node| node.deparse(Default::default()).ok())
        .unwrap_or_default()
}

/// What an ALTER TABLE does that the migration rules care about.
pub(super) fn alter_traits(s: &pb::AlterTableStmt) -> Vec<StatementTrait> {
    let mut traits = Vec::new();
    for cmd in &s.cmds {
        let Some(N::AlterTableCmd(c)) = &cmd.node else {
            continue;
        };
        match pb::AlterTableType::try_from(c.subtype) {
            Ok(pb::AlterTableType::AtAddColumn) => {
                if let Some(N::ColumnDef(cd)) = c.def.as_ref().and_then(|d| d.node.as_ref()) {
                    let kinds: Vec<i32> = cd
                        .constraints
                        .iter()
                        .filter_map(|k| match &k.node {
                            Some(N::Constraint(k)) => Some(k.contype),
                            _ => None,
                        })
                        .collect();
                    let has = |t: pb::ConstrType| kinds.contains(&(t as i32));
                    let not_null = cd.is_not_null
                        || has(pb::ConstrType::ConstrNotnull)
                        || has(pb::ConstrType::ConstrPrimary);
                    let filled = cd.raw_default.is_some()
                        || has(pb::ConstrType::ConstrDefault)
                        || has(pb::ConstrType::ConstrIdentity)
                        || has(pb::ConstrType::ConstrGenerated);
                    if not_null && !filled {
                        traits.push(StatementTrait::AddsNotNullWithoutDefault(
                            cd.colname.clone(),
                        ));
                    }
                }
            }
            Ok(pb::AlterTableType::AtAlterColumnType) => {
                traits.push(StatementTrait::ChangesColumnType(c.name.clone()))
            }
            _ => {}
        }
    }
    traits
}

/// `CREATE TABLE`, `ALTER TABLE`, ... for a statement, for records and messages.
pub(super) fn command_name(node: &N) -> String {
    let name = match node {
        N::CreateStmt(_) => "CREATE TABLE",
        N::AlterTableStmt(_) => "ALTER TABLE",
        N::IndexStmt(_) => "CREATE INDEX",
        N::ViewStmt(_) => "CREATE VIEW",
        N::CreateTableAsStmt(_) => "CREATE MATERIALIZED VIEW",
        N::CreateFunctionStmt(_) => "CREATE FUNCTION",
        N::CreateTrigStmt(_) => "CREATE TRIGGER",
        N::CreatePolicyStmt(_) => "CREATE POLICY",
        N::AlterPolicyStmt(_) => "ALTER POLICY",
        N::CreateSchemaStmt(_) => "CREATE SCHEMA",
        N::CreateExtensionStmt(_) => "CREATE EXTENSION",
        N::CreateEnumStmt(_) | N::CompositeTypeStmt(_) => "CREATE TYPE",
        N::CreateForeignTableStmt(_) => "CREATE FOREIGN TABLE",
        N::CreateFdwStmt(_) => "CREATE FOREIGN DATA WRAPPER",
        N::CreateForeignServerStmt(_) => "CREATE SERVER",
        N::CreateEventTrigStmt(_) => "CREATE EVENT TRIGGER",
        N::CommentStmt(_) => "COMMENT",
        N::GrantStmt(g) if g.is_grant => "GRANT",
        N::GrantStmt(_) => "REVOKE",
        N::AlterDefaultPrivilegesStmt(_) => "ALTER DEFAULT PRIVILEGES",
        N::DropStmt(d) => match pb::ObjectType::try_from(d.remove_type) {
            Ok(pb::ObjectType::ObjectTable) => "DROP TABLE",
            Ok(pb::ObjectType::ObjectView) => "DROP VIEW",
            Ok(pb::ObjectType::ObjectMatview) => "DROP MATERIALIZED VIEW",
            Ok(pb::ObjectType::ObjectIndex) => "DROP INDEX",
            Ok(pb::ObjectType::ObjectPolicy) => "DROP POLICY",
            Ok(pb::ObjectType::ObjectTrigger) => "DROP TRIGGER",
            Ok(pb::ObjectType::ObjectFunction) => "DROP FUNCTION",
            Ok(pb::ObjectType::ObjectType) => "DROP TYPE",
            Ok(pb::ObjectType::ObjectDomain) => "DROP DOMAIN",
            _ => "DROP",
        },
        N::RenameStmt(_) => "RENAME",
        N::DoStmt(_) => "DO",
        N::InsertStmt(_) => "INSERT",
        N::UpdateStmt(_) => "UPDATE",
        N::DeleteStmt(_) => "DELETE",
        N::SelectStmt(_) => "SELECT",
        N::CopyStmt(_) => "COPY",
        N::CreateSeqStmt(_) => "CREATE SEQUENCE",
        N::CreateDomainStmt(_) => "CREATE DOMAIN",
        // The parser's node name in SQL's words: CreateUserMappingStmt is CREATE USER MAPPING.
        other => {
            let node = format!("{other:?}");
            let node = node.split('(').next().unwrap_or("statement");
            return words_of(node.strip_suffix("Stmt").unwrap_or(node)).to_uppercase();
        }
    };
    name.to_string()
}

/// A parser name in words, lower case: `CreateUserMapping` is "create user mapping".
pub(super) fn words_of(camel_case: &str) -> String {
    let mut words = String::new();
    for c in camel_case.chars() {
        if c.is_uppercase() && !words.is_empty() {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::canonical_object_literals as canonical;

    #[test]
    fn object_name_literals_print_as_the_server_prints_them() {
        assert_eq!(
            canonical(r#"nextval('"public"."t_id_seq"'::regclass)"#),
            "nextval('public.t_id_seq'::regclass)"
        );
        assert_eq!(
            canonical("nextval('t_id_seq'::regclass)"),
            "nextval('public.t_id_seq'::regclass)"
        );
        assert_eq!(
            canonical(r#"to_tsvector('"english"'::regconfig, name)"#),
            "to_tsvector('english'::regconfig, name)"
        );
        assert_eq!(
            canonical(r#"nextval('app."Odd Seq"'::regclass)"#),
            r#"nextval('app."Odd Seq"'::regclass)"#
        );
        assert_eq!(canonical("'it''s'::text"), "'it''s'::text");
    }
}
