//! Indexes, and their copies on partitions.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder, Outcome};
use crate::model::*;
use crate::source::sqlfiles::names;

impl Builder {
    pub(super) fn create_index(
        &mut self,
        s: &pb::IndexStmt,
        at: &Location,
        out: &mut Outcome,
    ) -> Applied {
        let q = range_var(s.relation.as_ref());
        let Some(table) = self.relation(&q) else {
            return Err(format!("relation {q} does not exist (yet)"));
        };
        let partitioned = table.kind == RelationKind::PartitionedTable;
        let keys: Vec<IndexKey> = s
            .index_params
            .iter()
            .filter_map(|p| match &p.node {
                Some(N::IndexElem(e)) => Some(index_key(e)),
                _ => None,
            })
            .collect();
        let name = if s.idxname.is_empty() {
            let cols: Vec<String> = s
                .index_params
                .iter()
                .filter_map(|p| match &p.node {
                    Some(N::IndexElem(e)) => Some(index_column_name(e)),
                    _ => None,
                })
                .collect();
            let joined = cols.join("_");
            names::choose_name(&q.name, Some(&joined), "idx", &|n| {
                self.name_taken(&q.schema, n)
            })
        } else {
            s.idxname.clone()
        };
        out.object = Some(format!("{}.{name}", q.schema));
        if self.name_taken(&q.schema, &name) {
            return if s.if_not_exists {
                Ok(())
            } else {
                Err(format!("relation {}.{name} already exists", q.schema))
            };
        }
        let index = Index {
            name,
            method: if s.access_method.is_empty() {
                "btree".into()
            } else {
                s.access_method.clone()
            },
            keys,
            include: s
                .index_including_params
                .iter()
                .filter_map(|p| match &p.node {
                    Some(N::IndexElem(e)) => Some(e.name.clone()),
                    _ => None,
                })
                .collect(),
            predicate: s.where_clause.as_deref().map(expression),
            unique: s.unique,
            primary: s.primary,
            valid: true,
            nulls_not_distinct: s.nulls_not_distinct,
            options: def_elems(&s.options)
                .map(|(k, v)| format!("{k}={}", v.map(option_value).unwrap_or_default()))
                .collect(),
            constraint: None,
            size_bytes: None,
            scans: None,
            provenance: defined(at),
        };
        // Only a partitioned table has partitions; looking for them is a scan of the catalog.
        let partitions: Vec<QualifiedName> = if partitioned {
            self.catalog
                .relations
                .iter()
                .filter(|r| r.partition_of.as_ref().is_some_and(|p| p.parent == q))
                .map(Relation::qualified_name)
                .collect()
        } else {
            Vec::new()
        };
        for p in partitions {
            self.copy_index_to_partition(&index, &p);
        }
        self.push_index(&q, index)
    }

    /// An index on a partitioned table exists on each partition too, under a name made
    /// from the partition's.
    pub(super) fn copy_index_to_partition(&mut self, index: &Index, partition: &QualifiedName) {
        // An equal index the partition has already (made before ATTACH) is the one it uses.
        let same = |i: &Index| {
            i.keys == index.keys && i.method == index.method && i.predicate == index.predicate
        };
        if self
            .relation(partition)
            .is_some_and(|r| r.indexes.iter().any(same))
        {
            return;
        }
        let columns: Vec<String> = index
            .keys
            .iter()
            .map(|k| k.column.clone().unwrap_or_else(|| "expr".into()))
            .collect();
        let joined = columns.join("_");
        let name = names::choose_name(&partition.name, Some(&joined), "idx", &|n| {
            self.name_taken(&partition.schema, n)
        });
        let copy = Index {
            name,
            ..index.clone()
        };
        let _ = self.push_index(partition, copy);
    }
}
