//! Reads a recorded statement (`pg_stat_statements`' normalized text) with PostgreSQL's
//! parser: which relations it touches, and which of their columns it filters, joins and
//! sorts on, resolved against the catalog.
//!
//! Each `SELECT` is a scope of its own (its `FROM` list): a qualified column belongs to the
//! relation its alias names; an unqualified one to the only relation of the scope that has
//! such a column. A comparison with a parameter, a constant or a column of an enclosing
//! query (a correlated subquery) is a filter; one between two relations of the same scope is
//! a join. Conditions under `OR` and `NOT`, and expressions over a column (`lower(email) =
//! $1`, `created_at::date = $1`), are not column filters: an index on the plain column would
//! not serve them. CTE names are not relations. Unqualified relation names resolve to
//! `public` first, then to the only schema that has the name, then through the reading role's
//! `search_path`.

use std::collections::HashSet;

use pg_query::protobuf::{AExprKind, BoolExprType, SelectStmt};
use pg_query::{Node, NodeEnum};

use super::mentions::Mention;
use crate::model::workload::{ColumnRole, ColumnUse, StatementKind};
use crate::model::{Catalog, QualifiedName};

/// What a statement's text says, before names are resolved.
#[derive(Debug, Default, PartialEq)]
pub struct Shape {
    pub kind: StatementKind,
    pub relations: Vec<Mention>,
    pub columns: Vec<ScopedColumn>,
    pub limited: bool,
    /// The highest `$n` the text uses.
    pub parameters: usize,
}

/// A column as written, with the relations it may belong to.
#[derive(Debug, PartialEq)]
pub struct ScopedColumn {
    /// One relation when the column was qualified; every relation of its scope otherwise.
    pub candidates: Vec<Mention>,
    pub column: String,
    pub role: ColumnRole,
}

/// The statement's shape, or None when the parser rejects the text (pg_stat_statements cuts
/// texts at `track_activity_query_size`).
pub fn shape(query: &str) -> Option<Shape> {
    let parsed = pg_query::parse(query, pg_query::ParserOptions::DEFAULT).ok()?;
    let mut walker = Walker::default();
    let stmts = &parsed.protobuf.stmts;
    // One statement, as pg_stat_statements records them; anything else is not a statement
    // pglens will ever hand to the planner.
    if let [only] = stmts.as_slice() {
        if let Some(node) = only.stmt.as_ref().and_then(|n| n.node.as_ref()) {
            walker.shape.kind = kind_of(node);
        }
    }
    for raw in stmts {
        if let Some(node) = raw.stmt.as_ref().and_then(|n| n.node.as_ref()) {
            walker.statement(node);
        }
    }
    for (node, ..) in parsed.protobuf.nodes() {
        if let pg_query::NodeRef::ParamRef(p) = node {
            walker.shape.parameters = walker.shape.parameters.max(p.number.max(0) as usize);
        }
    }
    Some(walker.shape)
}

/// The relations and column uses of `shape`, named as the catalog names them; what does not
/// resolve (temporary tables, other databases' names, ambiguous columns) is left out.
pub fn resolve(shape: &Shape, catalog: &Catalog) -> (Vec<QualifiedName>, Vec<ColumnUse>) {
    let resolver = Resolver::new(catalog);
    let mut relations: Vec<QualifiedName> = Vec::new();
    for m in &shape.relations {
        if let Some(q) = resolver.relation(m) {
            if !relations.contains(&q) {
                relations.push(q);
            }
        }
    }
    let mut columns: Vec<ColumnUse> = Vec::new();
    for c in &shape.columns {
        let owners: Vec<QualifiedName> = c
            .candidates
            .iter()
            .filter_map(|m| resolver.relation(m))
            .filter(|q| {
                catalog
                    .relation(&q.schema, &q.name)
                    .is_some_and(|r| r.has_column(&c.column))
            })
            .collect();
        if let [owner] = owners.as_slice() {
            let used = ColumnUse {
                relation: owner.clone(),
                column: c.column.clone(),
                role: c.role,
            };
            if !columns.contains(&used) {
                columns.push(used);
            }
        }
    }
    (relations, columns)
}

fn kind_of(node: &NodeEnum) -> StatementKind {
    match node {
        NodeEnum::SelectStmt(_) => StatementKind::Select,
        NodeEnum::InsertStmt(_) => StatementKind::Insert,
        NodeEnum::UpdateStmt(_) => StatementKind::Update,
        NodeEnum::DeleteStmt(_) => StatementKind::Delete,
        NodeEnum::MergeStmt(_) => StatementKind::Merge,
        _ => StatementKind::Other,
    }
}

/// The relations one `FROM` list names: how the query refers to each, and what it is.
type Scope = Vec<(String, Mention)>;

#[derive(Default)]
struct Walker {
    shape: Shape,
    ctes: HashSet<String>,
}

impl Walker {
    fn statement(&mut self, node: &NodeEnum) {
        match node {
            NodeEnum::SelectStmt(s) => self.select(s),
            NodeEnum::InsertStmt(s) => {
                self.with(s.with_clause.as_ref());
                if let Some(r) = &s.relation {
                    self.range_var(r, &mut Vec::new());
                }
                if let Some(n) = s.select_stmt.as_deref().and_then(|n| n.node.as_ref()) {
                    self.statement(n);
                }
            }
            NodeEnum::UpdateStmt(s) => {
                self.with(s.with_clause.as_ref());
                let mut scope = Scope::new();
                if let Some(r) = &s.relation {
                    self.range_var(r, &mut scope);
                }
                self.scan_list(&s.from_clause, &mut scope);
                self.condition(s.where_clause.as_deref(), &scope);
            }
            NodeEnum::DeleteStmt(s) => {
                self.with(s.with_clause.as_ref());
                let mut scope = Scope::new();
                if let Some(r) = &s.relation {
                    self.range_var(r, &mut scope);
                }
                self.scan_list(&s.using_clause, &mut scope);
                self.condition(s.where_clause.as_deref(), &scope);
            }
            NodeEnum::MergeStmt(s) => {
                self.with(s.with_clause.as_ref());
                let mut scope = Scope::new();
                if let Some(r) = &s.relation {
                    self.range_var(r, &mut scope);
                }
                if let Some(n) = s.source_relation.as_deref() {
                    self.scan_item(n, &mut scope);
                }
                self.condition(s.join_condition.as_deref(), &scope);
            }
            _ => {}
        }
    }

    fn with(&mut self, with: Option<&pg_query::protobuf::WithClause>) {
        let Some(with) = with else { return };
        for cte in &with.ctes {
            if let Some(NodeEnum::CommonTableExpr(c)) = &cte.node {
                self.ctes.insert(c.ctename.clone());
                if let Some(q) = c.ctequery.as_deref().and_then(|n| n.node.as_ref()) {
                    self.statement(q);
                }
            }
        }
    }

    fn select(&mut self, s: &SelectStmt) {
        self.with(s.with_clause.as_ref());
        if let (Some(l), Some(r)) = (&s.larg, &s.rarg) {
            self.select(l);
            self.select(r);
            return;
        }
        let mut scope = Scope::new();
        self.scan_list(&s.from_clause, &mut scope);
        // Joins' conditions are read once the whole scope is known.
        let mut joins = Vec::new();
        collect_join_quals(&s.from_clause, &mut joins);
        for q in joins {
            self.condition(Some(q), &scope);
        }
        self.condition(s.where_clause.as_deref(), &scope);
        for target in &s.target_list {
            self.sublinks(target);
        }
        for sort in &s.sort_clause {
            if let Some(NodeEnum::SortBy(by)) = &sort.node {
                if let Some(col) = by.node.as_deref().and_then(column_ref) {
                    self.push(&col, &scope, ColumnRole::Sort);
                }
            }
        }
        if s.limit_count.is_some() {
            self.shape.limited = true;
        }
    }

    fn scan_list(&mut self, items: &[Node], scope: &mut Scope) {
        for item in items {
            self.scan_item(item, scope);
        }
    }

    fn scan_item(&mut self, item: &Node, scope: &mut Scope) {
        match &item.node {
            Some(NodeEnum::RangeVar(v)) => self.range_var(v, scope),
            Some(NodeEnum::JoinExpr(j)) => {
                for side in [&j.larg, &j.rarg].into_iter().flatten() {
                    self.scan_item(side, scope);
                }
            }
            Some(NodeEnum::RangeSubselect(sub)) => {
                if let Some(q) = sub.subquery.as_deref().and_then(|n| n.node.as_ref()) {
                    self.statement(q);
                }
            }
            _ => {}
        }
    }

    fn range_var(&mut self, v: &pg_query::protobuf::RangeVar, scope: &mut Scope) {
        if v.schemaname.is_empty() && self.ctes.contains(&v.relname) {
            return;
        }
        let mention: Mention = (
            (!v.schemaname.is_empty()).then(|| v.schemaname.clone()),
            v.relname.clone(),
        );
        let called = v
            .alias
            .as_ref()
            .map(|a| a.aliasname.clone())
            .unwrap_or_else(|| v.relname.clone());
        scope.push((called, mention.clone()));
        if !self.shape.relations.contains(&mention) {
            self.shape.relations.push(mention);
        }
    }

    /// Reads a condition: the columns compared, `AND` by `AND`; subqueries as statements.
    fn condition(&mut self, node: Option<&Node>, scope: &Scope) {
        let Some(node) = node.and_then(|n| n.node.as_ref()) else {
            return;
        };
        match node {
            NodeEnum::BoolExpr(b) if b.boolop == BoolExprType::AndExpr as i32 => {
                for arg in &b.args {
                    self.condition(Some(arg), scope);
                }
            }
            NodeEnum::BoolExpr(b) => {
                for arg in &b.args {
                    self.sublinks(arg);
                }
            }
            NodeEnum::AExpr(e) => self.comparison(e, scope),
            NodeEnum::SubLink(link) => {
                // `col IN (SELECT ...)`: a lookup by the column.
                if let Some(col) = link.testexpr.as_deref().and_then(column_ref) {
                    self.push(&col, scope, ColumnRole::Equality);
                }
                if let Some(q) = link.subselect.as_deref().and_then(|n| n.node.as_ref()) {
                    self.statement(q);
                }
            }
            _ => self.sublinks_of(node),
        }
    }

    fn comparison(&mut self, e: &pg_query::protobuf::AExpr, scope: &Scope) {
        let op = e.name.iter().find_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        });
        let left = e.lexpr.as_deref().and_then(column_ref);
        let right = e.rexpr.as_deref().and_then(column_ref);
        let in_scope = |c: &Option<WrittenColumn>| {
            c.as_ref().is_some_and(|c| {
                c.qualifier
                    .as_ref()
                    .is_none_or(|q| scope.iter().any(|(n, _)| n == q))
            })
        };
        let kind = e.kind;
        let role = if kind == AExprKind::AexprOp as i32 {
            match op {
                Some("=") => Some(ColumnRole::Equality),
                Some("<" | ">" | "<=" | ">=") => Some(ColumnRole::Range),
                _ => None,
            }
        } else if kind == AExprKind::AexprIn as i32
            || (kind == AExprKind::AexprOpAny as i32 && op == Some("="))
        {
            Some(ColumnRole::Equality)
        } else if kind == AExprKind::AexprBetween as i32 {
            Some(ColumnRole::Range)
        } else {
            None
        };
        if let Some(role) = role {
            let (l, r) = (
                left.as_ref().filter(|_| in_scope(&left)),
                right.as_ref().filter(|_| in_scope(&right)),
            );
            match (l, r) {
                (Some(a), Some(b)) if role == ColumnRole::Equality => {
                    self.push(a, scope, ColumnRole::Join);
                    self.push(b, scope, ColumnRole::Join);
                }
                (Some(a), None) => self.push(a, scope, role),
                // `$1 = col` reads the same; `$1 IN (col)` and `BETWEEN` do not turn around.
                (None, Some(b)) if kind == AExprKind::AexprOp as i32 => self.push(b, scope, role),
                _ => {}
            }
        }
        for side in [&e.lexpr, &e.rexpr].into_iter().flatten() {
            self.sublinks(side);
        }
    }

    /// Subqueries anywhere under `node`, read as statements of their own.
    fn sublinks(&mut self, node: &Node) {
        if let Some(n) = &node.node {
            self.sublinks_of(n);
        }
    }

    fn sublinks_of(&mut self, node: &NodeEnum) {
        let mut found = Vec::new();
        for (n, ..) in node.nodes() {
            if let pg_query::NodeRef::SubLink(link) = n {
                if let Some(q) = link.subselect.as_deref().and_then(|n| n.node.clone()) {
                    found.push(q);
                }
            }
        }
        for q in found {
            self.statement(&q);
        }
    }

    fn push(&mut self, col: &WrittenColumn, scope: &Scope, role: ColumnRole) {
        let candidates: Vec<Mention> = match &col.qualifier {
            Some(q) => scope
                .iter()
                .filter(|(n, _)| n == q)
                .map(|(_, m)| m.clone())
                .collect(),
            None => scope.iter().map(|(_, m)| m.clone()).collect(),
        };
        if candidates.is_empty() {
            return;
        }
        self.shape.columns.push(ScopedColumn {
            candidates,
            column: col.name.clone(),
            role,
        });
    }
}

/// The `ON` conditions of the joins in a `FROM` list, nested joins included.
fn collect_join_quals<'a>(items: &'a [Node], out: &mut Vec<&'a Node>) {
    for item in items {
        if let Some(NodeEnum::JoinExpr(j)) = &item.node {
            if let Some(q) = j.quals.as_deref() {
                out.push(q);
            }
            let sides: Vec<&Node> = [&j.larg, &j.rarg]
                .into_iter()
                .flatten()
                .map(|b| b.as_ref())
                .collect();
            for side in sides {
                collect_join_quals(std::slice::from_ref(side), out);
            }
        }
    }
}

/// A plain column reference as written: `col`, `t.col` or `s.t.col` (qualifier `t`).
struct WrittenColumn {
    qualifier: Option<String>,
    name: String,
}

fn column_ref(node: &Node) -> Option<WrittenColumn> {
    let Some(NodeEnum::ColumnRef(c)) = &node.node else {
        return None;
    };
    let parts: Vec<&str> = c
        .fields
        .iter()
        .map(|f| match &f.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [name] => Some(WrittenColumn {
            qualifier: None,
            name: name.to_string(),
        }),
        [.., table, name] => Some(WrittenColumn {
            qualifier: Some(table.to_string()),
            name: name.to_string(),
        }),
        [] => None,
    }
}

/// Resolves relation names the way the application most likely wrote them.
struct Resolver<'a> {
    catalog: &'a Catalog,
    search_path: Vec<String>,
}

impl<'a> Resolver<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let search_path = catalog
            .meta
            .search_path
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty() && s != "$user")
            .collect();
        Resolver {
            catalog,
            search_path,
        }
    }

    fn relation(&self, (schema, name): &Mention) -> Option<QualifiedName> {
        if let Some(schema) = schema {
            return self
                .catalog
                .relation(schema, name)
                .map(|r| r.qualified_name());
        }
        if let Some(r) = self.catalog.relation("public", name) {
            return Some(r.qualified_name());
        }
        let named: Vec<&crate::model::Relation> = self
            .catalog
            .relations
            .iter()
            .filter(|r| &r.name == name)
            .collect();
        if let [only] = named.as_slice() {
            return Some(only.qualified_name());
        }
        self.search_path
            .iter()
            .find_map(|s| named.iter().find(|r| &r.schema == s))
            .map(|r| r.qualified_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::CatalogBuilder;

    fn uses(query: &str) -> (Vec<String>, Vec<String>) {
        let catalog = CatalogBuilder::plain()
            .table(
                "public.leads",
                &[
                    ("id", "uuid"),
                    ("workspace_id", "uuid"),
                    ("status", "text"),
                    ("owner_id", "uuid"),
                    ("created_at", "timestamp with time zone"),
                ],
            )
            .table("public.workspaces", &[("id", "uuid"), ("slug", "text")])
            .table("crm.notes", &[("id", "uuid"), ("lead_id", "uuid")])
            .build();
        let shape = crate::sql::parse::with_deep_stack(|| shape(query)).expect("parses");
        let (relations, columns) = resolve(&shape, &catalog);
        (
            relations.iter().map(|q| q.to_string()).collect(),
            columns
                .iter()
                .map(|c| format!("{}.{} {:?}", c.relation.name, c.column, c.role))
                .collect(),
        )
    }

    #[test]
    fn filters_sorts_and_limits_of_a_select() {
        let (relations, columns) = uses(
            "SELECT * FROM leads WHERE workspace_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT $3",
        );
        assert_eq!(relations, ["public.leads"]);
        assert_eq!(
            columns,
            [
                "leads.workspace_id Equality",
                "leads.created_at Range",
                "leads.created_at Sort"
            ]
        );
    }

    #[test]
    fn aliases_joins_and_unqualified_columns_resolve_to_their_table() {
        let (relations, columns) = uses(
            "SELECT l.id FROM leads l JOIN workspaces w ON w.id = l.workspace_id WHERE slug = $1 AND l.status IN ($2, $3)",
        );
        assert_eq!(relations, ["public.leads", "public.workspaces"]);
        assert_eq!(
            columns,
            [
                "workspaces.id Join",
                "leads.workspace_id Join",
                "workspaces.slug Equality",
                "leads.status Equality"
            ]
        );
    }

    #[test]
    fn correlated_subqueries_updates_deletes_and_schemas() {
        let (relations, columns) = uses(
            "SELECT l.id, (SELECT count(*) FROM crm.notes n WHERE n.lead_id = l.id) FROM leads l WHERE l.owner_id = ANY($1)",
        );
        assert_eq!(relations, ["public.leads", "crm.notes"]);
        assert_eq!(
            columns,
            ["leads.owner_id Equality", "notes.lead_id Equality"]
        );
        let (_, columns) = uses("UPDATE leads SET status = $1 WHERE owner_id = $2");
        assert_eq!(columns, ["leads.owner_id Equality"]);
        let (relations, columns) = uses("DELETE FROM notes WHERE lead_id BETWEEN $1 AND $2");
        assert_eq!(relations, ["crm.notes"]);
        assert_eq!(columns, ["notes.lead_id Range"]);
    }

    #[test]
    fn what_an_index_on_the_column_would_not_serve_is_left_out() {
        // OR, expressions over the column, CTE names, columns of other tables.
        let (relations, columns) = uses(
            "WITH leads AS (SELECT * FROM workspaces WHERE lower(slug) = $1) \
             SELECT * FROM leads WHERE id = $2 OR status = $3",
        );
        assert_eq!(relations, ["public.workspaces"]);
        assert!(columns.is_empty(), "{columns:?}");
        let (_, columns) = uses("SELECT * FROM leads WHERE created_at::date = $1 AND nope = $2");
        assert!(columns.is_empty(), "{columns:?}");
    }

    /// PostgREST's wrapper as pg_stat_statements records it: every name quoted and
    /// qualified, the request in a CTE, an embedded resource in a lateral subquery.
    const POSTGREST: &str = r#"WITH pgrst_source AS (SELECT "public"."leads".*, COALESCE("leads_notes_1"."leads_notes_1", $1) AS "notes" FROM "public"."leads" LEFT JOIN LATERAL (SELECT json_agg("leads_notes_1")::jsonb AS "leads_notes_1" FROM (SELECT "notes_1".* FROM "crm"."notes" AS "notes_1" WHERE "notes_1"."lead_id" = "public"."leads"."id") AS "leads_notes_1") AS "leads_notes_1" ON $2 WHERE "public"."leads"."status" = $3 AND "public"."leads"."workspace_id" = ANY ($4) ORDER BY "public"."leads"."created_at" DESC LIMIT $5 OFFSET $6) SELECT $7::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), $8) AS body, nullif(current_setting($9, $10), $11) AS response_headers, $12 AS response_inserted FROM (SELECT * FROM pgrst_source) _postgrest_t"#;

    #[test]
    fn postgrest_requests_are_read_through_their_wrapper() {
        let (relations, columns) = uses(POSTGREST);
        assert_eq!(relations, ["public.leads", "crm.notes"]);
        assert_eq!(
            columns,
            [
                "notes.lead_id Equality",
                "leads.status Equality",
                "leads.workspace_id Equality",
                "leads.created_at Sort"
            ]
        );
    }

    #[test]
    fn parameters_are_counted_and_broken_text_is_refused() {
        let shape = shape("SELECT * FROM leads WHERE id = $1 AND status = $12").expect("parses");
        assert_eq!(shape.parameters, 12);
        assert_eq!(shape.kind, StatementKind::Select);
        assert!(super::shape("SELECT * FROM leads WHERE id = $1 AND status =").is_none());
        let two = super::shape("SELECT 1; SELECT 2").expect("parses");
        assert_eq!(two.kind, StatementKind::Other);
    }
}
