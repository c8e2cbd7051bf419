//! Views and materialized views: the query as stored (`*` expanded) and what it reads.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder, DEFAULT_SCHEMA};
use crate::model::*;

impl Builder {
    pub(super) fn create_view(
        &mut self,
        q: QualifiedName,
        query: Option<&pb::Node>,
        options: &[pb::Node],
        kind: RelationKind,
        replace: bool,
        at: &Location,
    ) -> Applied {
        let definition = query
            .map(|q| statement_text(&self.expand_star(q)))
            .unwrap_or_default();
        let reads = self.tables_read(&definition);
        if let Some(missing) = reads.iter().find(|r| r.1.is_none()) {
            return Err(format!("relation {} does not exist (yet)", missing.0));
        }
        let reads: Vec<QualifiedName> = reads.into_iter().filter_map(|(_, q)| q).collect();
        let options: Vec<String> = def_elems(options)
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.map(option_value).unwrap_or_else(|| "true".into())
                )
            })
            .collect();
        if let Some(i) = self.relation_index(&q) {
            if !replace {
                return Err(format!("relation {q} already exists"));
            }
            let v = &mut self.catalog.relations[i];
            v.view_definition = Some(definition);
            v.reads = reads;
            v.options = options;
            v.provenance.altered.push(at.clone());
            return Ok(());
        }
        let mut view = self.new_relation(&q, kind, at);
        view.options = options;
        view.view_definition = Some(definition);
        view.reads = reads;
        self.catalog.relations.push(view);
        Ok(())
    }

    /// A view's `SELECT *` with the columns spelled out, as the server stores it: the view
    /// keeps the columns its tables had when it was created. Only the top-level select list
    /// over plain tables is expanded.
    pub(super) fn expand_star(&self, query: &pb::Node) -> pb::Node {
        let Some(N::SelectStmt(select)) = &query.node else {
            return query.clone();
        };
        // The tables in FROM, with the name a column is qualified by.
        let mut sources: Vec<(String, &Relation)> = Vec::new();
        for item in &select.from_clause {
            if let Some(N::RangeVar(rv)) = &item.node {
                if let Some(r) = self.relation(&range_var(Some(rv))) {
                    let alias = rv
                        .alias
                        .as_ref()
                        .map(|a| a.aliasname.clone())
                        .unwrap_or_else(|| rv.relname.clone());
                    sources.push((alias, r));
                }
            }
        }
        let column = |qualifier: &str, name: &str| pb::Node {
            node: Some(N::ResTarget(Box::new(pb::ResTarget {
                name: String::new(),
                indirection: Vec::new(),
                val: Some(Box::new(pb::Node {
                    node: Some(N::ColumnRef(pb::ColumnRef {
                        fields: [qualifier, name]
                            .iter()
                            .map(|f| pb::Node {
                                node: Some(N::String(pb::String {
                                    sval: f.to_string(),
                                })),
                            })
                            .collect(),
                        location: 0,
                    })),
                })),
                location: 0,
            }))),
        };
        let mut targets = Vec::new();
        for t in &select.target_list {
            let star_of = match &t.node {
                Some(N::ResTarget(rt)) => match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                    Some(N::ColumnRef(c))
                        if matches!(
                            c.fields.last().and_then(|f| f.node.as_ref()),
                            Some(N::AStar(_))
                        ) =>
                    {
                        Some(strings(&c.fields))
                    }
                    _ => None,
                },
                _ => None,
            };
            match star_of {
                Some(qualifier) if !sources.is_empty() => {
                    for (alias, r) in sources
                        .iter()
                        .filter(|(a, _)| qualifier.last().is_none_or(|q| q == a))
                    {
                        targets.extend(r.columns.iter().map(|c| column(alias, &c.name)));
                    }
                }
                _ => targets.push(t.clone()),
            }
        }
        let mut expanded = (**select).clone();
        expanded.target_list = targets;
        pb::Node {
            node: Some(N::SelectStmt(Box::new(expanded))),
        }
    }

    /// The relations a query reads, resolved against the model: `(as written, resolved)`.
    pub(super) fn tables_read(&self, sql: &str) -> Vec<(String, Option<QualifiedName>)> {
        let Ok(parsed) = pg_query::parse(sql, pg_query::ParserOptions::DEFAULT) else {
            return Vec::new();
        };
        let mut out: Vec<(String, Option<QualifiedName>)> = parsed
            .tables
            .iter()
            .filter(|(name, _)| !parsed.cte_names.contains(name))
            .map(|(name, _)| {
                let q = match name.split_once('.') {
                    Some((s, n)) => QualifiedName::new(s, n),
                    None => QualifiedName::new(DEFAULT_SCHEMA, name),
                };
                let found = self.relation(&q).map(|_| q);
                (name.clone(), found)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }
}
