//! What a project's files use from the platform or an extension and nothing creates: a
//! foreign key to `auth.mfa_factors`, a trigger running `pgsodium.trg_encrypt()`. The
//! platform baseline is small on purpose and cannot hold every object Supabase and its
//! extensions make, so in the platform's schemas a missing object is taken to exist: a
//! stand-in is recorded (the platform's, audited by nobody), the statement applies, and an
//! information finding names what was assumed. In the application's own schemas a missing
//! object is what PostgreSQL would reject, and stays a failure.

use super::Builder;
use crate::model::*;

/// What marks a stand-in function as not the application's, as an extension's are.
const ASSUMED: &str = "(assumed by pglens)";

impl Builder {
    /// Whether an object missing from `schema` is assumed rather than a failure.
    pub(super) fn may_assume(&self, schema: &str) -> bool {
        crate::model::platform::is_platform_schema(schema)
    }

    /// A trigger function of the platform's that no file creates.
    pub(super) fn assume_trigger_function(&mut self, q: &QualifiedName) {
        let stand_in = super::extension_members::trigger_function(&q.schema, &q.name, ASSUMED);
        self.catalog.functions.push(stand_in);
        self.assumed.push(format!("function {q}()"));
    }

    /// A platform table a foreign key references: its key columns, typed as the columns
    /// that reference them, as its primary key.
    pub(super) fn assume_table(&mut self, q: &QualifiedName, columns: &[String], types: &[String]) {
        let columns = if columns.is_empty() {
            vec!["id".to_string()]
        } else {
            columns.to_vec()
        };
        let mut table = Relation::empty(&q.schema, &q.name, RelationKind::Table);
        for (i, name) in columns.iter().enumerate() {
            table.columns.push(Column {
                position: i as i32 + 1,
                name: name.clone(),
                data_type: types.get(i).cloned().unwrap_or_else(|| "uuid".into()),
                type_kind: TypeKind::Base,
                not_null: true,
                default: None,
                identity: None,
                generated: None,
                collation: None,
                comment: None,
                grants: Vec::new(),
            });
        }
        table.constraints.push(Constraint {
            name: format!("{}_pkey", q.name),
            kind: ConstraintKind::PrimaryKey,
            columns: columns.clone(),
            definition: crate::sql::catalog::primary_key(&columns),
            validated: true,
            deferrable: false,
            initially_deferred: false,
            foreign_key: None,
            provenance: Provenance::default(),
        });
        self.catalog.relations.push(table);
        self.assumed.push(format!("table {q}"));
    }
}
