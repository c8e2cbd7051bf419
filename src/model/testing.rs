//! A small catalog builder for tests that run without PostgreSQL (rules, grouping, search). The integration
//! suite proves each rule against a real server (`tests/integration/rules.rs`); these tests
//! pin a rule's reasoning on hand-made catalogs in milliseconds, look-alikes included.
//!
//! ```text
//! let catalog = CatalogBuilder::supabase()
//!     .table("public.orders", &[("id", "uuid"), ("user_id", "uuid")])
//!     .primary_key("public.orders", &["id"])
//!     .foreign_key("public.orders", &["user_id"], "auth.users", &["id"])
//!     .build();
//! ```

use super::{
    Catalog, Column, Constraint, ConstraintKind, FkAction, ForeignKey, Grant, Index, IndexKey,
    Meta, Policy, PolicyCommand, Provenance, QualifiedName, Relation, RelationKind, SchemaDef,
    TypeKind,
};

pub struct CatalogBuilder {
    catalog: Catalog,
}

impl CatalogBuilder {
    /// An empty database with a `public` schema and no API roles.
    pub fn plain() -> Self {
        let mut b = CatalogBuilder {
            catalog: Catalog {
                meta: Meta {
                    source_label: "test".into(),
                    ..Meta::default()
                },
                schemas: Vec::new(),
                relations: Vec::new(),
                functions: Vec::new(),
                sequences: Vec::new(),
                extensions: Vec::new(),
                enums: Vec::new(),
                domains: Vec::new(),
                composites: Vec::new(),
                roles_present: vec!["PUBLIC".into()],
                roles: Vec::new(),
                exposed_schemas: None,
                migrations: None,
                publications: Vec::new(),
                default_privileges: Vec::new(),
                buckets: Vec::new(),
                code: None,
                workload: None,
            },
        };
        b.schema("public");
        b
    }

    /// What a Supabase project has before the app's own tables: the `auth` schema with
    /// `auth.users`, and the API roles, to which `public`'s tables are granted.
    pub fn supabase() -> Self {
        let mut b = Self::plain();
        b.schema("auth");
        b.catalog.roles_present.extend(
            ["anon", "authenticated", "service_role"]
                .into_iter()
                .map(String::from),
        );
        b.table("auth.users", &[("id", "uuid"), ("email", "text")])
            .primary_key("auth.users", &["id"])
    }

    fn schema(&mut self, name: &str) {
        if !self.catalog.schemas.iter().any(|s| s.name == name) {
            self.catalog.schemas.push(SchemaDef {
                name: name.into(),
                owner: "postgres".into(),
                comment: None,
                extension: None,
            });
        }
    }

    /// A table with these `(name, type)` columns, all nullable. In `public` of a Supabase
    /// catalog the API roles get every privilege, as Supabase's default privileges give them.
    pub fn table(mut self, qualified: &str, columns: &[(&str, &str)]) -> Self {
        let name = qualify(qualified);
        self.schema(&name.schema);
        let grants = if name.schema == "public" && self.catalog.is_supabase() {
            ["anon", "authenticated", "service_role"]
                .into_iter()
                .map(|role| Grant {
                    grantee: role.into(),
                    privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"]
                        .into_iter()
                        .map(String::from)
                        .collect(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut relation = Relation::empty(name.schema, name.name, RelationKind::Table);
        relation.owner = "postgres".into();
        relation.grants = grants;
        relation.columns = columns
            .iter()
            .enumerate()
            .map(|(i, (name, data_type))| column(i, name, data_type))
            .collect();
        self.catalog.relations.push(relation);
        self
    }

    /// Changes a relation added before; a name that was never added is a bug in the test.
    pub fn with(mut self, qualified: &str, change: impl FnOnce(&mut Relation)) -> Self {
        let name = qualify(qualified);
        let relation = self
            .catalog
            .relations
            .iter_mut()
            .find(|r| r.schema == name.schema && r.name == name.name);
        match relation {
            Some(r) => change(r),
            None => panic!("{qualified} was not added"),
        }
        self
    }

    pub fn primary_key(self, table: &str, columns: &[&str]) -> Self {
        let short = qualify(table).name;
        let name = format!("{short}_pkey");
        self.with(table, |r| {
            for c in r.columns.iter_mut().filter(|c| columns.contains(&&*c.name)) {
                c.not_null = true;
            }
            r.constraints
                .push(constraint(&name, ConstraintKind::PrimaryKey, columns, None));
            r.indexes.push(Index {
                primary: true,
                unique: true,
                constraint: Some(name.clone()),
                ..index(&name, columns)
            });
        })
    }

    pub fn foreign_key(self, table: &str, columns: &[&str], target: &str, to: &[&str]) -> Self {
        let name = format!("{}_{}_fkey", qualify(table).name, columns.join("_"));
        let foreign_key = ForeignKey {
            referenced_table: qualify(target),
            referenced_columns: to.iter().map(|c| c.to_string()).collect(),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
        };
        self.with(table, |r| {
            r.constraints.push(constraint(
                &name,
                ConstraintKind::ForeignKey,
                columns,
                Some(foreign_key),
            ))
        })
    }

    /// A valid b-tree index on these columns, in order.
    pub fn index(self, table: &str, name: &str, columns: &[&str]) -> Self {
        self.with(table, |r| r.indexes.push(index(name, columns)))
    }

    pub fn enable_rls(self, table: &str) -> Self {
        self.with(table, |r| r.rls_enabled = true)
    }

    /// A permissive policy for `roles` (empty: PUBLIC).
    pub fn policy(
        self,
        table: &str,
        name: &str,
        command: PolicyCommand,
        roles: &[&str],
        using: Option<&str>,
        with_check: Option<&str>,
    ) -> Self {
        let policy = Policy {
            name: name.into(),
            command,
            permissive: true,
            roles: if roles.is_empty() {
                vec!["public".into()]
            } else {
                roles.iter().map(|r| r.to_string()).collect()
            },
            using: using.map(String::from),
            with_check: with_check.map(String::from),
            provenance: Provenance::default(),
        };
        self.with(table, |r| r.policies.push(policy))
    }

    /// Makes `child` (added before) a partition of `parent`, which becomes partitioned.
    pub fn partition(self, parent: &str, child: &str, bound: &str) -> Self {
        let parent_name = qualify(parent);
        self.with(parent, |r| r.kind = RelationKind::PartitionedTable)
            .with(child, |r| {
                r.partition_of = Some(super::PartitionOf {
                    parent: parent_name,
                    bound: bound.into(),
                })
            })
    }

    /// A view reading nothing in particular.
    pub fn view(mut self, qualified: &str) -> Self {
        let name = qualify(qualified);
        self.schema(&name.schema);
        self.catalog
            .relations
            .push(Relation::empty(name.schema, name.name, RelationKind::View));
        self
    }

    /// A SQL function without arguments.
    pub fn function(mut self, qualified: &str, body: &str) -> Self {
        let name = qualify(qualified);
        self.schema(&name.schema);
        self.catalog.functions.push(super::Function {
            schema: name.schema,
            name: name.name,
            identity_arguments: String::new(),
            arguments: String::new(),
            result: "void".into(),
            kind: super::FunctionKind::Function,
            language: "sql".into(),
            security_definer: false,
            volatility: super::Volatility::Volatile,
            config: Vec::new(),
            owner: "postgres".into(),
            extension: None,
            body: Some(body.into()),
            comment: None,
            grants: Vec::new(),
            provenance: Provenance::default(),
        });
        self
    }

    pub fn build(self) -> Catalog {
        self.catalog
    }
}

fn qualify(qualified: &str) -> QualifiedName {
    match qualified.split_once('.') {
        Some((schema, name)) => QualifiedName::new(schema, name),
        None => QualifiedName::new("public", qualified),
    }
}

fn column(position: usize, name: &str, data_type: &str) -> Column {
    let type_kind = match data_type {
        "jsonb" => TypeKind::Jsonb,
        "json" => TypeKind::Json,
        t if t.ends_with("[]") => TypeKind::Array {
            element: t.trim_end_matches("[]").into(),
        },
        _ => TypeKind::Base,
    };
    Column {
        position: i32::try_from(position + 1).unwrap_or(i32::MAX),
        name: name.into(),
        data_type: data_type.into(),
        type_kind,
        not_null: false,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        comment: None,
        grants: Vec::new(),
    }
}

fn constraint(
    name: &str,
    kind: ConstraintKind,
    columns: &[&str],
    foreign_key: Option<ForeignKey>,
) -> Constraint {
    let list = columns.join(", ");
    let definition = match (&kind, &foreign_key) {
        (ConstraintKind::PrimaryKey, _) => format!("PRIMARY KEY ({list})"),
        (ConstraintKind::ForeignKey, Some(fk)) => format!(
            "FOREIGN KEY ({list}) REFERENCES {}({})",
            fk.referenced_table,
            fk.referenced_columns.join(", ")
        ),
        _ => String::new(),
    };
    Constraint {
        name: name.into(),
        kind,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        definition,
        validated: true,
        deferrable: false,
        initially_deferred: false,
        foreign_key,
        provenance: Provenance::default(),
    }
}

fn index(name: &str, columns: &[&str]) -> Index {
    Index {
        name: name.into(),
        method: "btree".into(),
        keys: columns.iter().map(|c| IndexKey::on_column(*c)).collect(),
        include: Vec::new(),
        predicate: None,
        unique: false,
        primary: false,
        valid: true,
        nulls_not_distinct: false,
        options: Vec::new(),
        constraint: None,
        size_bytes: None,
        scans: None,
        provenance: Provenance::default(),
    }
}
