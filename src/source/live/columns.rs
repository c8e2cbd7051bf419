//! Decodes the columns query (`sql/columns.sql`), which returns one plain text row per
//! column rather than a JSON document: on a large schema the server spent more time
//! building a JSON object per column than reading the catalogs.

use tokio_postgres::SimpleQueryRow;

use super::introspect::Child;
use crate::model::{Column, Generated, GeneratedKind, Identity, QualifiedName, TypeKind};

/// One row of the columns query, in its column order.
pub(super) fn decode(row: &SimpleQueryRow) -> Result<Child<Column>, String> {
    let text = |i: usize| row.get(i).map(str::to_string);
    let required = |i: usize| text(i).ok_or_else(|| format!("field {i} is null"));
    let position = required(2)?
        .parse()
        .map_err(|e| format!("attnum is not a number: {e}"))?;
    let type_name =
        || -> Result<QualifiedName, String> { Ok(QualifiedName::new(required(7)?, required(8)?)) };
    let type_kind = match row.get(5) {
        Some("array") => TypeKind::Array {
            element: required(6)?,
        },
        Some("json") => TypeKind::Json,
        Some("jsonb") => TypeKind::Jsonb,
        Some("enum") => TypeKind::Enum {
            type_name: type_name()?,
        },
        Some("domain") => TypeKind::Domain {
            type_name: type_name()?,
            base: required(9)?,
        },
        Some("composite") => TypeKind::Composite,
        Some("range") => TypeKind::Range,
        Some("base") => TypeKind::Base,
        _ => TypeKind::Other,
    };
    let identity = match row.get(12) {
        Some("a") => Some(Identity::Always),
        Some("d") => Some(Identity::ByDefault),
        _ => None,
    };
    let generated = match row.get(13) {
        Some("s") => Some(GeneratedKind::Stored),
        Some("v") => Some(GeneratedKind::Virtual),
        _ => None,
    }
    .map(|kind| {
        Ok::<_, String>(Generated {
            kind,
            expression: required(14)?,
        })
    })
    .transpose()?;
    Ok(Child {
        schema: required(0)?,
        table: required(1)?,
        item: Column {
            position,
            name: required(3)?,
            data_type: required(4)?,
            type_kind,
            not_null: row.get(10) == Some("t"),
            default: text(11),
            identity,
            generated,
            collation: text(15),
            comment: text(16),
            grants: match row.get(17) {
                Some(json) => serde_json::from_str(json)
                    .map_err(|e| format!("column grants are not JSON: {e}"))?,
                None => Vec::new(),
            },
        },
    })
}
