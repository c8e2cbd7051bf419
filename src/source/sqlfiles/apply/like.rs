//! `CREATE TABLE t (LIKE source [INCLUDING ...])`: the columns of another table, and as
//! much of the rest as the options say, as PostgreSQL copies them. Partitions made this way
//! before an `ATTACH PARTITION` are the common case.

use pg_query::protobuf as pb;

use crate::model::*;

/// The option bits of a `LIKE` clause (PostgreSQL's `CREATE_TABLE_LIKE_*`).
const COMMENTS: u32 = 1 << 0;
const CONSTRAINTS: u32 = 1 << 2;
const DEFAULTS: u32 = 1 << 3;
const GENERATED: u32 = 1 << 4;
const IDENTITY: u32 = 1 << 5;
const INDEXES: u32 = 1 << 6;

/// What a `LIKE` clause brings: columns to add, key constraints to make (named as the new
/// table names them) and checks to copy (which keep their names).
pub(super) struct Copied {
    pub columns: Vec<Column>,
    pub keys: Vec<pb::Constraint>,
    pub checks: Vec<Constraint>,
}

pub(super) fn copy(source: &Relation, options: u32, at: &Location) -> Copied {
    let has = |bit: u32| options & bit != 0;
    let columns = (source.columns.iter())
        .map(|c| Column {
            default: c.default.clone().filter(|_| has(DEFAULTS)),
            identity: c.identity.filter(|_| has(IDENTITY)),
            generated: c.generated.clone().filter(|_| has(GENERATED)),
            comment: c.comment.clone().filter(|_| has(COMMENTS)),
            // Grants are the new table's own.
            grants: Vec::new(),
            ..c.clone()
        })
        .collect();
    let keys = if has(INDEXES) {
        (source.constraints.iter())
            .filter_map(|k| {
                let contype = match k.kind {
                    ConstraintKind::PrimaryKey => pb::ConstrType::ConstrPrimary,
                    ConstraintKind::Unique => pb::ConstrType::ConstrUnique,
                    _ => return None,
                };
                Some(pb::Constraint {
                    contype: contype as i32,
                    keys: k.columns.iter().map(|c| string_node(c)).collect(),
                    ..Default::default()
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let checks = if has(CONSTRAINTS) {
        (source.constraints.iter())
            .filter(|k| k.kind == ConstraintKind::Check)
            .map(|k| Constraint {
                provenance: Provenance {
                    defined: Some(at.clone()),
                    altered: Vec::new(),
                },
                ..k.clone()
            })
            .collect()
    } else {
        Vec::new()
    };
    Copied {
        columns,
        keys,
        checks,
    }
}

fn string_node(s: &str) -> pb::Node {
    pb::Node {
        node: Some(pb::node::Node::String(pb::String { sval: s.into() })),
    }
}
