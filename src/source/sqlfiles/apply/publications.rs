//! Publications (`CREATE` / `ALTER PUBLICATION`) and Storage buckets (`INSERT INTO
//! storage.buckets`): the two places where a migration decides what leaves the database
//! by another door than the API.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder};
use crate::model::{Bucket, Publication, QualifiedName};

/// The publication the Supabase platform provides (Realtime streams it).
const PLATFORM_PUBLICATION: &str = "supabase_realtime";

/// The tables a publication statement lists; `TABLES IN SCHEMA` names schemas instead.
fn objects(nodes: &[pb::Node]) -> (Vec<QualifiedName>, Vec<String>) {
    let mut tables = Vec::new();
    let mut schemas = Vec::new();
    for node in nodes {
        let Some(N::PublicationObjSpec(spec)) = &node.node else {
            continue;
        };
        if let Some(t) = &spec.pubtable {
            tables.push(range_var(t.relation.as_ref()));
        } else if !spec.name.is_empty() {
            schemas.push(spec.name.clone());
        }
    }
    (tables, schemas)
}

impl Builder {
    /// The tables of `schemas` as of now, as the server expands `TABLES IN SCHEMA`.
    fn tables_in(&self, schemas: &[String]) -> Vec<QualifiedName> {
        self.catalog
            .relations
            .iter()
            .filter(|r| r.kind.is_table() && schemas.contains(&r.schema))
            .map(|r| r.qualified_name())
            .collect()
    }

    pub(super) fn create_publication(&mut self, s: &pb::CreatePublicationStmt) -> Applied {
        if self
            .catalog
            .publications
            .iter()
            .any(|p| p.name == s.pubname)
        {
            return Err(format!("publication {} already exists", s.pubname));
        }
        let (mut tables, schemas) = objects(&s.pubobjects);
        tables.extend(self.tables_in(&schemas));
        self.catalog.publications.push(Publication {
            name: s.pubname.clone(),
            all_tables: s.for_all_tables,
            tables,
        });
        Ok(())
    }

    pub(super) fn alter_publication(&mut self, s: &pb::AlterPublicationStmt) -> Applied {
        let (mut listed, schemas) = objects(&s.pubobjects);
        listed.extend(self.tables_in(&schemas));
        let action = pb::AlterPublicationAction::try_from(s.action).map_err(|e| e.to_string())?;
        // Supabase creates supabase_realtime with every project; migrations only add to it.
        if s.pubname == PLATFORM_PUBLICATION
            && !self
                .catalog
                .publications
                .iter()
                .any(|p| p.name == s.pubname)
        {
            self.catalog.publications.push(Publication {
                name: s.pubname.clone(),
                all_tables: false,
                tables: Vec::new(),
            });
        }
        let publication = self
            .catalog
            .publications
            .iter_mut()
            .find(|p| p.name == s.pubname)
            .ok_or_else(|| format!("publication {} does not exist (yet)", s.pubname))?;
        use pb::AlterPublicationAction as A;
        match action {
            A::ApAddObjects => {
                for t in listed {
                    if !publication.tables.contains(&t) {
                        publication.tables.push(t);
                    }
                }
            }
            A::ApDropObjects => publication.tables.retain(|t| !listed.contains(t)),
            A::ApSetObjects => publication.tables = listed,
            A::Undefined => {}
        }
        Ok(())
    }

    /// `INSERT INTO storage.buckets (id, name, public) VALUES (...)`: the buckets a Supabase
    /// project's migrations create. Other inserts are data, which the model does not hold.
    pub(super) fn insert(&mut self, s: &pb::InsertStmt) -> bool {
        let target = range_var(s.relation.as_ref());
        if target.schema != "storage" || target.name != "buckets" {
            return false;
        }
        let columns: Vec<String> = s
            .cols
            .iter()
            .filter_map(|c| match &c.node {
                Some(N::ResTarget(t)) => Some(t.name.clone()),
                _ => None,
            })
            .collect();
        let Some(N::SelectStmt(select)) = s.select_stmt.as_ref().and_then(|n| n.node.as_ref())
        else {
            return false;
        };
        for row in &select.values_lists {
            let Some(N::List(values)) = &row.node else {
                continue;
            };
            let value = |name: &str| {
                columns
                    .iter()
                    .position(|c| c == name)
                    .and_then(|i| values.items.get(i))
            };
            let Some(id) = value("id").and_then(constant_text) else {
                continue;
            };
            let name = value("name")
                .and_then(constant_text)
                .unwrap_or_else(|| id.clone());
            let public = value("public").and_then(constant_text).is_some_and(|v| {
                matches!(
                    v.to_ascii_lowercase().as_str(),
                    "true" | "t" | "on" | "yes" | "1"
                )
            });
            self.catalog.buckets.retain(|b| b.id != id);
            self.catalog.buckets.push(Bucket { id, name, public });
        }
        true
    }
}

/// A constant's text: `'x'`, `true`, `'true'::boolean`, `1`.
fn constant_text(n: &pb::Node) -> Option<String> {
    match &n.node {
        Some(N::AConst(c)) => match &c.val {
            Some(pb::a_const::Val::Sval(s)) => Some(s.sval.clone()),
            Some(pb::a_const::Val::Boolval(b)) => Some(b.boolval.to_string()),
            Some(pb::a_const::Val::Ival(i)) => Some(i.ival.to_string()),
            _ => None,
        },
        Some(N::TypeCast(t)) => t.arg.as_deref().and_then(constant_text),
        _ => None,
    }
}
