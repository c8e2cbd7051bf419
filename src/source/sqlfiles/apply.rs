//! One parsed statement at a time onto the model, the way the server would apply it:
//! objects are created, altered, renamed and dropped; unnamed constraints and indexes get
//! the names PostgreSQL would give them; a statement that names something that does not
//! exist yet is not applied and says why.

use pg_query::protobuf::{self as pb, node::Node as N};
use pg_query::NodeEnum;

use super::{names, types};
use crate::model::migrations::StatementTrait;
use crate::model::{
    Catalog, Column, ColumnRef, Constraint, ConstraintKind, Domain, EnumType, Extension, FkAction,
    ForeignKey, Function, FunctionKind, Generated, GeneratedKind, Grant, Identity, Index, IndexKey,
    Location, NullsOrder, PartitionOf, Policy, PolicyCommand, Provenance, QualifiedName, Relation,
    RelationKind, SchemaDef, Sequence, Trigger, TriggerEnabled, TriggerEvent, TriggerLevel,
    TriggerTiming, TypeKind, Volatility, API_ROLES,
};
use crate::sql::catalog as text;

/// The schema unqualified names resolve to (`search_path`'s first writable schema).
const DEFAULT_SCHEMA: &str = "public";

/// What applying one statement did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub command: String,
    pub object: Option<String>,
    pub guarded: bool,
    pub skipped: bool,
    pub problem: Option<String>,
    pub table: Option<String>,
    pub traits: Vec<StatementTrait>,
}

/// A default privilege (`ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT ... TO role`).
#[derive(Debug, Clone)]
struct DefaultGrant {
    schema: Option<String>,
    functions: bool,
    grantee: String,
    privileges: Vec<String>,
}

/// The model being built, and what later statements need to know.
pub struct Builder {
    catalog: Catalog,
    defaults: Vec<DefaultGrant>,
}

impl Default for Builder {
    /// What every new database has: the `public` schema and PL/pgSQL.
    fn default() -> Self {
        let mut catalog = Catalog::default();
        catalog.schemas.push(SchemaDef {
            name: DEFAULT_SCHEMA.into(),
            owner: String::new(),
            comment: Some("standard public schema".into()),
            extension: None,
        });
        catalog.extensions.push(Extension {
            name: "plpgsql".into(),
            schema: "pg_catalog".into(),
            installed_version: String::new(),
            default_version: None,
            relocatable: false,
        });
        Builder {
            catalog,
            defaults: Vec::new(),
        }
    }
}

type Applied = Result<(), String>;

const TABLE_PRIVILEGES: [&str; 7] = [
    "DELETE",
    "INSERT",
    "REFERENCES",
    "SELECT",
    "TRIGGER",
    "TRUNCATE",
    "UPDATE",
];

impl Builder {
    pub fn finish(mut self) -> Catalog {
        let c = &mut self.catalog;
        c.relations
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for r in &mut c.relations {
            r.constraints.sort_by(|a, b| a.name.cmp(&b.name));
            r.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            r.policies.sort_by(|a, b| a.name.cmp(&b.name));
            r.triggers.sort_by(|a, b| a.name.cmp(&b.name));
            r.reads.sort();
        }
        c.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        c.functions.sort_by(|a, b| {
            (&a.schema, &a.name, &a.identity_arguments).cmp(&(
                &b.schema,
                &b.name,
                &b.identity_arguments,
            ))
        });
        c.sequences
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        c.enums
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        c.extensions.sort_by(|a, b| a.name.cmp(&b.name));
        c.roles_present = API_ROLES.iter().map(|r| r.to_string()).collect();
        self.catalog
    }

    /// Applies one statement.
    pub fn apply(&mut self, stmt: &pb::Node, at: &Location) -> Outcome {
        let Some(node) = &stmt.node else {
            return Outcome::default();
        };
        let mut out = Outcome {
            command: command_name(node),
            ..Outcome::default()
        };
        let result = match node {
            N::CreateSchemaStmt(s) => {
                out.object = Some(s.schemaname.clone());
                out.guarded = s.if_not_exists;
                self.create_schema(s)
            }
            N::CreateExtensionStmt(s) => {
                out.object = Some(s.extname.clone());
                out.guarded = s.if_not_exists;
                self.create_extension(s)
            }
            N::CreateEnumStmt(s) => self.create_enum(s, at, &mut out),
            N::CreateDomainStmt(s) => self.create_domain(s, at, &mut out),
            N::CreateStmt(s) => {
                let q = range_var(s.relation.as_ref());
                out.object = Some(q.to_string());
                out.guarded = s.if_not_exists;
                self.create_table(s, q, at)
            }
            N::AlterTableStmt(s) => {
                let q = range_var(s.relation.as_ref());
                out.object = Some(q.to_string());
                out.table = Some(q.to_string());
                out.traits = alter_traits(s);
                out.guarded = s.missing_ok;
                self.alter_table(s, q, at)
            }
            N::IndexStmt(s) => {
                out.guarded = s.if_not_exists;
                out.table = Some(range_var(s.relation.as_ref()).to_string());
                if s.concurrent {
                    out.traits.push(StatementTrait::Concurrently);
                }
                self.create_index(s, at, &mut out)
            }
            N::ViewStmt(s) => {
                let q = range_var(s.view.as_ref());
                out.object = Some(q.to_string());
                out.guarded = s.replace;
                self.create_view(
                    q,
                    s.query.as_deref(),
                    &s.options,
                    RelationKind::View,
                    s.replace,
                    at,
                )
            }
            N::CreateTableAsStmt(s) if s.objtype == pb::ObjectType::ObjectMatview as i32 => {
                let q = range_var(s.into.as_ref().and_then(|i| i.rel.as_ref()));
                out.object = Some(q.to_string());
                out.guarded = s.if_not_exists;
                let options = s
                    .into
                    .as_ref()
                    .map(|i| i.options.clone())
                    .unwrap_or_default();
                self.create_view(
                    q,
                    s.query.as_deref(),
                    &options,
                    RelationKind::MaterializedView,
                    false,
                    at,
                )
            }
            N::CreateFunctionStmt(s) => {
                out.guarded = s.replace;
                self.create_function(s, at, &mut out)
            }
            N::CreateTrigStmt(s) => {
                let q = range_var(s.relation.as_ref());
                out.object = Some(format!("{q}.{}", s.trigname));
                out.table = Some(q.to_string());
                out.guarded = s.replace;
                self.create_trigger(s, at)
            }
            N::CreatePolicyStmt(s) => {
                let q = range_var(s.table.as_ref());
                out.object = Some(format!("{q}.{}", s.policy_name));
                out.table = Some(q.to_string());
                self.create_policy(s, at)
            }
            N::AlterPolicyStmt(s) => {
                out.object = Some(s.policy_name.clone());
                self.alter_policy(s, at)
            }
            N::CommentStmt(s) => self.comment(s),
            N::GrantStmt(s) => self.grant(s),
            N::AlterDefaultPrivilegesStmt(s) => self.default_privileges(s),
            N::DropStmt(s) => {
                out.guarded = s.missing_ok;
                self.drop(s, &mut out)
            }
            N::RenameStmt(s) => self.rename(s, at),
            N::CreateSeqStmt(s) => {
                let q = range_var(s.sequence.as_ref());
                out.object = Some(q.to_string());
                out.guarded = s.if_not_exists;
                self.add_sequence(&q, "bigint", None, at);
                Ok(())
            }
            N::DoStmt(_)
            | N::InsertStmt(_)
            | N::UpdateStmt(_)
            | N::DeleteStmt(_)
            | N::SelectStmt(_)
            | N::CopyStmt(_)
            | N::TruncateStmt(_)
            | N::MergeStmt(_) => {
                out.skipped = true;
                Ok(())
            }
            // Sessions, transactions, roles and ownership do not shape the model.
            N::VariableSetStmt(_)
            | N::TransactionStmt(_)
            | N::CreateRoleStmt(_)
            | N::AlterRoleStmt(_)
            | N::GrantRoleStmt(_)
            | N::AlterOwnerStmt(_)
            | N::AlterSeqStmt(_)
            | N::AlterFunctionStmt(_)
            | N::AlterExtensionStmt(_)
            | N::AlterDatabaseSetStmt(_)
            | N::AlterRoleSetStmt(_)
            | N::AlterEnumStmt(_) => Ok(()),
            _ => Err(format!(
                "{} is not modelled by pglens; the schema may lack what it does",
                out.command
            )),
        };
        if let Err(message) = result {
            out.problem = Some(message);
        }
        out
    }

    // ----- lookups ---------------------------------------------------------------------

    fn relation_index(&self, q: &QualifiedName) -> Option<usize> {
        self.catalog
            .relations
            .iter()
            .position(|r| r.schema == q.schema && r.name == q.name)
    }

    fn relation_mut(&mut self, q: &QualifiedName) -> Result<&mut Relation, String> {
        let i = self
            .relation_index(q)
            .ok_or_else(|| format!("relation {q} does not exist (yet)"))?;
        Ok(&mut self.catalog.relations[i])
    }

    fn relation(&self, q: &QualifiedName) -> Option<&Relation> {
        self.relation_index(q).map(|i| &self.catalog.relations[i])
    }

    /// Whether a name is taken in a schema's relation namespace (tables, views, indexes).
    fn name_taken(&self, schema: &str, name: &str) -> bool {
        self.catalog.relations.iter().any(|r| {
            r.schema == schema && (r.name == name || r.indexes.iter().any(|i| i.name == name))
        }) || self
            .catalog
            .sequences
            .iter()
            .any(|s| s.schema == schema && s.name == name)
    }

    fn constraint_taken(&self, schema: &str, name: &str) -> bool {
        self.catalog
            .relations
            .iter()
            .filter(|r| r.schema == schema)
            .any(|r| r.constraints.iter().any(|c| c.name == name))
    }

    // ----- schemas, extensions, types --------------------------------------------------

    fn create_schema(&mut self, s: &pb::CreateSchemaStmt) -> Applied {
        if self.catalog.schemas.iter().any(|x| x.name == s.schemaname) {
            return if s.if_not_exists {
                Ok(())
            } else {
                Err(format!("schema {} already exists", s.schemaname))
            };
        }
        self.catalog.schemas.push(SchemaDef {
            name: s.schemaname.clone(),
            owner: String::new(),
            comment: None,
            extension: None,
        });
        Ok(())
    }

    fn create_extension(&mut self, s: &pb::CreateExtensionStmt) -> Applied {
        if self.catalog.extensions.iter().any(|e| e.name == s.extname) {
            return if s.if_not_exists {
                Ok(())
            } else {
                Err(format!("extension {} already exists", s.extname))
            };
        }
        let schema = def_elems(&s.options)
            .find(|(name, _)| name == "schema")
            .and_then(|(_, arg)| arg.and_then(string_value))
            .unwrap_or_else(|| DEFAULT_SCHEMA.into());
        self.catalog.extensions.push(Extension {
            name: s.extname.clone(),
            schema,
            installed_version: String::new(),
            default_version: None,
            relocatable: false,
        });
        Ok(())
    }

    fn create_enum(&mut self, s: &pb::CreateEnumStmt, at: &Location, out: &mut Outcome) -> Applied {
        let q = qualified(&strings(&s.type_name));
        out.object = Some(q.to_string());
        if self
            .catalog
            .enums
            .iter()
            .any(|e| e.schema == q.schema && e.name == q.name)
        {
            return Err(format!("type {q} already exists"));
        }
        self.catalog.enums.push(EnumType {
            schema: q.schema,
            name: q.name,
            labels: strings(&s.vals),
            extension: None,
            provenance: defined(at),
        });
        Ok(())
    }

    fn create_domain(
        &mut self,
        s: &pb::CreateDomainStmt,
        at: &Location,
        out: &mut Outcome,
    ) -> Applied {
        let q = qualified(&strings(&s.domainname));
        out.object = Some(q.to_string());
        if self
            .catalog
            .domains
            .iter()
            .any(|d| d.schema == q.schema && d.name == q.name)
        {
            return Err(format!("type {q} already exists"));
        }
        let base_type = s
            .type_name
            .as_ref()
            .map(|t| self.type_of(t).0)
            .unwrap_or_default();
        let mut domain = Domain {
            schema: q.schema,
            name: q.name,
            base_type,
            not_null: false,
            default: None,
            checks: Vec::new(),
            provenance: defined(at),
        };
        for c in &s.constraints {
            let Some(N::Constraint(k)) = &c.node else {
                continue;
            };
            match pb::ConstrType::try_from(k.contype) {
                Ok(pb::ConstrType::ConstrNotnull) => domain.not_null = true,
                Ok(pb::ConstrType::ConstrDefault) => {
                    domain.default = k.raw_expr.as_deref().map(expression)
                }
                Ok(pb::ConstrType::ConstrCheck) => {
                    if let Some(e) = k.raw_expr.as_deref() {
                        domain.checks.push(text::check(&expression(e)));
                    }
                }
                _ => {}
            }
        }
        self.catalog.domains.push(domain);
        Ok(())
    }

    /// The type as the server prints it, and its kind.
    fn type_of(&self, tn: &pb::TypeName) -> (String, TypeKind) {
        let parts = strings(&tn.names);
        let name = parts.last().cloned().unwrap_or_default();
        let typmods: Vec<String> = tn.typmods.iter().map(expression).collect();
        let array = !tn.array_bounds.is_empty();
        let explicit_schema =
            (parts.len() > 1 && parts[0] != "pg_catalog").then(|| parts[0].clone());
        let base = match (&explicit_schema, types::builtin(&name, &typmods)) {
            (None, Some(builtin)) => builtin,
            _ => {
                let schema = explicit_schema
                    .clone()
                    .unwrap_or_else(|| self.type_schema(&name));
                format!(
                    "{}.{}",
                    crate::sql::ident(&schema),
                    crate::sql::ident(&name)
                )
            }
        };
        let enum_type =
            self.catalog.enums.iter().find(|e| {
                e.name == name && explicit_schema.as_ref().is_none_or(|s| *s == e.schema)
            });
        let domain =
            self.catalog.domains.iter().find(|d| {
                d.name == name && explicit_schema.as_ref().is_none_or(|s| *s == d.schema)
            });
        let kind = if array {
            TypeKind::Array {
                element: base.clone(),
            }
        } else if let Some(d) = domain {
            TypeKind::Domain {
                type_name: QualifiedName::new(&d.schema, &d.name),
                base: d.base_type.clone(),
            }
        } else if let Some(e) = enum_type {
            TypeKind::Enum {
                type_name: QualifiedName::new(&e.schema, &e.name),
            }
        } else {
            match base.as_str() {
                "json" => TypeKind::Json,
                "jsonb" => TypeKind::Jsonb,
                _ => TypeKind::Base,
            }
        };
        let printed = if array { format!("{base}[]") } else { base };
        (printed, kind)
    }

    /// Where an unqualified non-built-in type lives: the schema of the enum or domain of
    /// that name, else the default schema.
    fn type_schema(&self, name: &str) -> String {
        self.catalog
            .enums
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.schema.clone())
            .or_else(|| {
                self.catalog
                    .domains
                    .iter()
                    .find(|d| d.name == name)
                    .map(|d| d.schema.clone())
            })
            .unwrap_or_else(|| DEFAULT_SCHEMA.into())
    }

    // ----- tables ------------------------------------------------------------------------

    fn create_table(&mut self, s: &pb::CreateStmt, q: QualifiedName, at: &Location) -> Applied {
        if self.relation(&q).is_some() {
            return if s.if_not_exists {
                Ok(())
            } else {
                Err(format!("relation {q} already exists"))
            };
        }
        let parent = s.inh_relations.first().and_then(|n| match &n.node {
            Some(N::RangeVar(rv)) => Some(range_var(Some(rv))),
            _ => None,
        });
        let partition_of = match (&parent, &s.partbound) {
            (Some(p), Some(bound)) => Some(PartitionOf {
                parent: p.clone(),
                bound: partition_bound(bound),
            }),
            _ => None,
        };
        let mut table = Relation {
            schema: q.schema.clone(),
            name: q.name.clone(),
            kind: if s.partspec.is_some() {
                RelationKind::PartitionedTable
            } else {
                RelationKind::Table
            },
            partition_of,
            partition_key: s.partspec.as_ref().map(partition_key),
            owner: String::new(),
            comment: None,
            rls_enabled: false,
            rls_forced: false,
            options: def_elems(&s.options)
                .map(|(k, v)| format!("{k}={}", v.map(option_value).unwrap_or_default()))
                .collect(),
            view_definition: None,
            reads: Vec::new(),
            extension: None,
            columns: Vec::new(),
            constraints: Vec::new(),
            indexes: Vec::new(),
            policies: Vec::new(),
            triggers: Vec::new(),
            grants: self.default_grants(&q.schema, false),
            stats: None,
            provenance: defined(at),
        };
        if let Some(p) = &parent {
            let parent_rel = self
                .relation(p)
                .ok_or_else(|| format!("relation {p} does not exist (yet)"))?;
            table.columns = parent_rel.columns.clone();
        }
        // Columns first, so table constraints can name any of them.
        let mut pending = Vec::new();
        for elt in &s.table_elts {
            match &elt.node {
                Some(N::ColumnDef(cd)) => {
                    let column = self.column(&mut table, cd, at)?;
                    if let Some(existing) = table.columns.iter_mut().find(|c| c.name == column.name)
                    {
                        // A partition may add constraints to an inherited column.
                        existing.not_null |= column.not_null;
                    } else {
                        table.columns.push(column);
                    }
                    for c in &cd.constraints {
                        if let Some(N::Constraint(k)) = &c.node {
                            pending.push((Some(cd.colname.clone()), (**k).clone()));
                        }
                    }
                }
                Some(N::Constraint(k)) => pending.push((None, (**k).clone())),
                _ => {}
            }
        }
        for c in &s.constraints {
            if let Some(N::Constraint(k)) = &c.node {
                pending.push((None, (**k).clone()));
            }
        }
        renumber(&mut table.columns);
        self.catalog.relations.push(table);
        let added = pending
            .iter()
            .try_for_each(|(column, k)| self.add_constraint(&q, k, column.as_deref()));
        if let Err(e) = added {
            // The server rejects the whole statement.
            self.catalog
                .relations
                .retain(|r| !(r.schema == q.schema && r.name == q.name));
            return Err(e);
        }
        if let Some(p) = parent {
            self.inherit_parent_keys(&q, &p);
            let indexes: Vec<Index> = self
                .relation(&p)
                .map(|r| {
                    r.indexes
                        .iter()
                        .filter(|i| i.constraint.is_none())
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            for index in indexes {
                self.copy_index_to_partition(&index, &q);
            }
        }
        Ok(())
    }

    /// A partition gets its own copy of the parent's primary key and unique indexes.
    fn inherit_parent_keys(&mut self, q: &QualifiedName, parent: &QualifiedName) {
        let Some(parent_rel) = self.relation(parent).cloned() else {
            return;
        };
        for c in parent_rel
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique))
        {
            let label = if c.kind == ConstraintKind::PrimaryKey {
                "pkey"
            } else {
                "key"
            };
            let joined = c.columns.join("_");
            let name2 = (c.kind == ConstraintKind::Unique).then_some(joined.as_str());
            let name = names::choose_name(&q.name, name2, label, &|n| {
                self.name_taken(&q.schema, n) || self.constraint_taken(&q.schema, n)
            });
            let constraint = Constraint {
                name: name.clone(),
                ..c.clone()
            };
            let index = key_index(&name, &constraint);
            if let Ok(r) = self.relation_mut(q) {
                r.constraints.push(constraint);
                r.indexes.push(index);
            }
        }
    }

    /// A column from its definition; its constraints are added by the caller.
    fn column(
        &mut self,
        table: &mut Relation,
        cd: &pb::ColumnDef,
        at: &Location,
    ) -> Result<Column, String> {
        let tn = cd
            .type_name
            .as_ref()
            .ok_or_else(|| format!("column {} has no type", cd.colname))?;
        let type_word = strings(&tn.names).last().cloned().unwrap_or_default();
        let (data_type, type_kind, mut default) = match types::serial(&type_word) {
            Some(int) => {
                let seq = names::choose_name(&table.name, Some(&cd.colname), "seq", &|n| {
                    self.name_taken(&table.schema, n)
                });
                let seq_q = QualifiedName::new(&table.schema, &seq);
                self.add_sequence(
                    &seq_q,
                    int,
                    Some(ColumnRef {
                        table: table.qualified_name(),
                        column: cd.colname.clone(),
                    }),
                    at,
                );
                let default = format!(
                    "nextval({}::regclass)",
                    crate::sql::literal(&crate::sql::qualified(&table.schema, &seq))
                );
                (int.to_string(), TypeKind::Base, Some(default))
            }
            None => {
                let (t, k) = self.type_of(tn);
                (t, k, None)
            }
        };
        let mut column = Column {
            position: 0,
            name: cd.colname.clone(),
            data_type,
            type_kind,
            not_null: cd.is_not_null || default.is_some(),
            default: None,
            identity: None,
            generated: None,
            collation: None,
            comment: None,
        };
        if let Some(raw) = &cd.raw_default {
            default = Some(expression(raw));
        }
        for c in &cd.constraints {
            let Some(N::Constraint(k)) = &c.node else {
                continue;
            };
            match pb::ConstrType::try_from(k.contype) {
                Ok(pb::ConstrType::ConstrNotnull) | Ok(pb::ConstrType::ConstrPrimary) => {
                    column.not_null = true
                }
                Ok(pb::ConstrType::ConstrDefault) => {
                    default = k.raw_expr.as_deref().map(expression)
                }
                Ok(pb::ConstrType::ConstrIdentity) => {
                    column.not_null = true;
                    column.identity = Some(if k.generated_when == "a" {
                        Identity::Always
                    } else {
                        Identity::ByDefault
                    });
                }
                Ok(pb::ConstrType::ConstrGenerated) => {
                    column.generated = k.raw_expr.as_deref().map(|e| Generated {
                        kind: if k.generated_kind == "v" {
                            GeneratedKind::Virtual
                        } else {
                            GeneratedKind::Stored
                        },
                        expression: expression(e),
                    });
                }
                _ => {}
            }
        }
        column.default = default;
        if column.identity.is_some() {
            // An identity column's sequence, named as for serial.
            let seq = names::choose_name(&table.name, Some(&cd.colname), "seq", &|n| {
                self.name_taken(&table.schema, n)
            });
            let owner = ColumnRef {
                table: table.qualified_name(),
                column: cd.colname.clone(),
            };
            let data_type = column.data_type.clone();
            self.add_sequence(
                &QualifiedName::new(&table.schema, &seq),
                &data_type,
                Some(owner),
                at,
            );
        }
        Ok(column)
    }

    fn add_sequence(
        &mut self,
        q: &QualifiedName,
        data_type: &str,
        owned_by: Option<ColumnRef>,
        at: &Location,
    ) {
        let max = match data_type {
            "integer" => i64::from(i32::MAX),
            "smallint" => i64::from(i16::MAX),
            _ => i64::MAX,
        };
        self.catalog.sequences.push(Sequence {
            schema: q.schema.clone(),
            name: q.name.clone(),
            data_type: data_type.into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: max,
            cycle: false,
            last_value: None,
            owned_by,
            provenance: defined(at),
        });
    }

    /// Adds a table or column constraint, naming it as the server would.
    fn add_constraint(
        &mut self,
        q: &QualifiedName,
        k: &pb::Constraint,
        column: Option<&str>,
    ) -> Applied {
        let contype = pb::ConstrType::try_from(k.contype).map_err(|e| e.to_string())?;
        let own_column = |keys: &[pb::Node]| -> Vec<String> {
            let listed = strings(keys);
            if listed.is_empty() {
                column.map(|c| vec![c.to_string()]).unwrap_or_default()
            } else {
                listed
            }
        };
        let (kind, columns, definition, foreign_key, label) = match contype {
            pb::ConstrType::ConstrPrimary => {
                let cols = own_column(&k.keys);
                (
                    ConstraintKind::PrimaryKey,
                    cols.clone(),
                    text::primary_key(&cols),
                    None,
                    "pkey",
                )
            }
            pb::ConstrType::ConstrUnique => {
                let cols = own_column(&k.keys);
                let def = text::unique(&cols, k.nulls_not_distinct);
                (ConstraintKind::Unique, cols, def, None, "key")
            }
            pb::ConstrType::ConstrCheck => {
                let expr = k.raw_expr.as_deref().map(expression).unwrap_or_default();
                let cols = column.map(|c| vec![c.to_string()]).unwrap_or_default();
                (
                    ConstraintKind::Check,
                    cols,
                    text::check(&expr),
                    None,
                    "check",
                )
            }
            pb::ConstrType::ConstrForeign => {
                let cols = own_column(&k.fk_attrs);
                let target = range_var(k.pktable.as_ref());
                let target_rel = self
                    .relation(&target)
                    .ok_or_else(|| format!("relation {target} does not exist (yet)"))?;
                let mut target_cols = strings(&k.pk_attrs);
                if target_cols.is_empty() {
                    target_cols = target_rel
                        .primary_key()
                        .map(|pk| pk.columns.clone())
                        .ok_or_else(|| format!("{target} has no primary key to reference"))?;
                }
                let (on_update, on_delete) =
                    (fk_action(&k.fk_upd_action), fk_action(&k.fk_del_action));
                let def = text::foreign_key(&cols, &target, &target_cols, on_update, on_delete);
                let fk = ForeignKey {
                    referenced_table: target,
                    referenced_columns: target_cols,
                    on_delete,
                    on_update,
                };
                (ConstraintKind::ForeignKey, cols, def, Some(fk), "fkey")
            }
            pb::ConstrType::ConstrExclusion => {
                return Err("EXCLUDE constraints are not modelled by pglens".into());
            }
            // NOT NULL, DEFAULT, identity and generated are column properties.
            _ => return Ok(()),
        };
        let name = if k.conname.is_empty() {
            let joined = columns.join("_");
            let name2 = (kind != ConstraintKind::PrimaryKey && !joined.is_empty())
                .then_some(joined.as_str());
            // Index-backed constraints share the relation namespace.
            let schema = q.schema.clone();
            names::choose_name(&q.name, name2, label, &|n| {
                self.constraint_taken(&schema, n) || self.name_taken(&schema, n)
            })
        } else {
            k.conname.clone()
        };
        let constraint = Constraint {
            name: name.clone(),
            kind,
            columns: columns.clone(),
            definition: if k.skip_validation {
                format!("{definition} NOT VALID")
            } else {
                definition
            },
            validated: !k.skip_validation,
            deferrable: k.deferrable,
            initially_deferred: k.initdeferred,
            foreign_key,
            provenance: Provenance::default(),
        };
        let table = self.relation_mut(q)?;
        if table.constraints.iter().any(|c| c.name == name) {
            return Err(format!("constraint {name} on {q} already exists"));
        }
        for col in &columns {
            if !table.has_column(col) {
                return Err(format!("column {col} of {q} does not exist"));
            }
        }
        if kind == ConstraintKind::PrimaryKey {
            for c in table
                .columns
                .iter_mut()
                .filter(|c| columns.contains(&c.name))
            {
                c.not_null = true;
            }
        }
        if matches!(kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
            table.indexes.push(key_index(&name, &constraint));
        }
        table.constraints.push(constraint);
        Ok(())
    }

    fn alter_table(&mut self, s: &pb::AlterTableStmt, q: QualifiedName, at: &Location) -> Applied {
        if self.relation(&q).is_none() {
            return if s.missing_ok {
                Ok(())
            } else {
                Err(format!("relation {q} does not exist (yet)"))
            };
        }
        for cmd in &s.cmds {
            let Some(N::AlterTableCmd(c)) = &cmd.node else {
                continue;
            };
            self.alter_table_cmd(&q, c, at)?;
        }
        if let Ok(r) = self.relation_mut(&q) {
            r.provenance.altered.push(at.clone());
        }
        Ok(())
    }

    fn alter_table_cmd(
        &mut self,
        q: &QualifiedName,
        c: &pb::AlterTableCmd,
        at: &Location,
    ) -> Applied {
        use pb::AlterTableType as T;
        let subtype = T::try_from(c.subtype).map_err(|e| e.to_string())?;
        match subtype {
            T::AtAddColumn => {
                let Some(N::ColumnDef(cd)) = c.def.as_ref().and_then(|d| d.node.as_ref()) else {
                    return Ok(());
                };
                let mut table = self.relation(q).cloned().ok_or("relation vanished")?;
                if table.has_column(&cd.colname) {
                    return if c.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("column {} of {q} already exists", cd.colname))
                    };
                }
                let column = self.column(&mut table, cd, at)?;
                let r = self.relation_mut(q)?;
                r.columns.push(column);
                renumber(&mut r.columns);
                for k in &cd.constraints {
                    if let Some(N::Constraint(k)) = &k.node {
                        self.add_constraint(q, k, Some(&cd.colname))?;
                    }
                }
            }
            T::AtDropColumn => {
                let r = self.relation_mut(q)?;
                if !r.has_column(&c.name) {
                    return if c.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("column {} of {q} does not exist", c.name))
                    };
                }
                r.columns.retain(|col| col.name != c.name);
                r.constraints.retain(|k| !k.columns.contains(&c.name));
                r.indexes
                    .retain(|i| !i.keys.iter().any(|k| k.column.as_deref() == Some(&c.name)));
            }
            T::AtAlterColumnType => {
                let Some(N::ColumnDef(cd)) = c.def.as_ref().and_then(|d| d.node.as_ref()) else {
                    return Ok(());
                };
                let tn = cd.type_name.as_ref().ok_or("no type")?;
                let (t, k) = self.type_of(tn);
                let col = column_mut(self.relation_mut(q)?, &c.name)?;
                col.data_type = t;
                col.type_kind = k;
            }
            T::AtSetNotNull => column_mut(self.relation_mut(q)?, &c.name)?.not_null = true,
            T::AtDropNotNull => column_mut(self.relation_mut(q)?, &c.name)?.not_null = false,
            T::AtColumnDefault => {
                let value = c.def.as_deref().map(expression);
                column_mut(self.relation_mut(q)?, &c.name)?.default = value;
            }
            T::AtAddConstraint => {
                if let Some(N::Constraint(k)) = c.def.as_ref().and_then(|d| d.node.as_ref()) {
                    self.add_constraint(q, k, None)?;
                }
            }
            T::AtDropConstraint => {
                let r = self.relation_mut(q)?;
                let before = r.constraints.len();
                r.constraints.retain(|k| k.name != c.name);
                r.indexes
                    .retain(|i| i.constraint.as_deref() != Some(&c.name));
                if r.constraints.len() == before && !c.missing_ok {
                    return Err(format!("constraint {} of {q} does not exist", c.name));
                }
            }
            T::AtValidateConstraint => {
                let r = self.relation_mut(q)?;
                let k = r
                    .constraints
                    .iter_mut()
                    .find(|k| k.name == c.name)
                    .ok_or_else(|| format!("constraint {} of {q} does not exist", c.name))?;
                k.validated = true;
                k.definition = k.definition.trim_end_matches(" NOT VALID").to_string();
            }
            T::AtEnableRowSecurity => self.relation_mut(q)?.rls_enabled = true,
            T::AtDisableRowSecurity => self.relation_mut(q)?.rls_enabled = false,
            T::AtForceRowSecurity => self.relation_mut(q)?.rls_forced = true,
            T::AtNoForceRowSecurity => self.relation_mut(q)?.rls_forced = false,
            T::AtSetRelOptions | T::AtResetRelOptions => {
                let set = subtype == T::AtSetRelOptions;
                let items: Vec<(String, String)> =
                    match c.def.as_ref().and_then(|d| d.node.as_ref()) {
                        Some(N::List(l)) => def_elems(&l.items)
                            .map(|(k, v)| (k, v.map(option_value).unwrap_or_else(|| "true".into())))
                            .collect(),
                        _ => Vec::new(),
                    };
                let r = self.relation_mut(q)?;
                for (key, value) in items {
                    r.options.retain(|o| o.split('=').next() != Some(&key));
                    if set {
                        r.options.push(format!("{key}={value}"));
                    }
                }
            }
            T::AtEnableTrig | T::AtDisableTrig | T::AtEnableAlwaysTrig | T::AtEnableReplicaTrig => {
                let state = match subtype {
                    T::AtDisableTrig => TriggerEnabled::Disabled,
                    T::AtEnableAlwaysTrig => TriggerEnabled::Always,
                    T::AtEnableReplicaTrig => TriggerEnabled::Replica,
                    _ => TriggerEnabled::Origin,
                };
                let r = self.relation_mut(q)?;
                let t = r
                    .triggers
                    .iter_mut()
                    .find(|t| t.name == c.name)
                    .ok_or_else(|| format!("trigger {} on {q} does not exist", c.name))?;
                t.enabled = state;
            }
            T::AtAddIdentity => {
                column_mut(self.relation_mut(q)?, &c.name)?.identity = Some(Identity::ByDefault);
            }
            T::AtDropIdentity => column_mut(self.relation_mut(q)?, &c.name)?.identity = None,
            // Ownership, storage and statistics settings do not shape the model.
            T::AtChangeOwner
            | T::AtSetStatistics
            | T::AtSetStorage
            | T::AtSetCompression
            | T::AtClusterOn
            | T::AtDropCluster
            | T::AtReplicaIdentity
            | T::AtSetOptions
            | T::AtResetOptions => {}
            other => {
                return Err(format!(
                    "ALTER TABLE {} is not modelled by pglens",
                    format!("{other:?}").trim_start_matches("At")
                ))
            }
        }
        Ok(())
    }

    // ----- indexes -----------------------------------------------------------------------

    fn create_index(&mut self, s: &pb::IndexStmt, at: &Location, out: &mut Outcome) -> Applied {
        let q = range_var(s.relation.as_ref());
        if self.relation(&q).is_none() {
            return Err(format!("relation {q} does not exist (yet)"));
        }
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
        let partitions: Vec<QualifiedName> = self
            .catalog
            .relations
            .iter()
            .filter(|r| r.partition_of.as_ref().is_some_and(|p| p.parent == q))
            .map(Relation::qualified_name)
            .collect();
        for p in partitions {
            self.copy_index_to_partition(&index, &p);
        }
        self.relation_mut(&q)?.indexes.push(index);
        Ok(())
    }

    /// An index on a partitioned table exists on each partition too, under a name made
    /// from the partition's.
    fn copy_index_to_partition(&mut self, index: &Index, partition: &QualifiedName) {
        let columns: Vec<String> = index
            .keys
            .iter()
            .map(|k| k.column.clone().unwrap_or_else(|| "expr".into()))
            .collect();
        let joined = columns.join("_");
        let name = names::choose_name(&partition.name, Some(&joined), "idx", &|n| {
            self.name_taken(&partition.schema, n)
        });
        if let Ok(r) = self.relation_mut(partition) {
            r.indexes.push(Index {
                name,
                ..index.clone()
            });
        }
    }

    // ----- views -------------------------------------------------------------------------

    fn create_view(
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
        self.catalog.relations.push(Relation {
            schema: q.schema.clone(),
            name: q.name.clone(),
            kind,
            partition_of: None,
            partition_key: None,
            owner: String::new(),
            comment: None,
            rls_enabled: false,
            rls_forced: false,
            options,
            view_definition: Some(definition),
            reads,
            extension: None,
            columns: Vec::new(),
            constraints: Vec::new(),
            indexes: Vec::new(),
            policies: Vec::new(),
            triggers: Vec::new(),
            grants: self.default_grants(&q.schema, false),
            stats: None,
            provenance: defined(at),
        });
        Ok(())
    }

    /// A view's `SELECT *` with the columns spelled out, as the server stores it: the view
    /// keeps the columns its tables had when it was created. Only the top-level select list
    /// over plain tables is expanded.
    fn expand_star(&self, query: &pb::Node) -> pb::Node {
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
    fn tables_read(&self, sql: &str) -> Vec<(String, Option<QualifiedName>)> {
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

    // ----- functions and triggers --------------------------------------------------------

    fn create_function(
        &mut self,
        s: &pb::CreateFunctionStmt,
        at: &Location,
        out: &mut Outcome,
    ) -> Applied {
        let q = qualified(&strings(&s.funcname));
        let mut identity = Vec::new();
        let mut arguments = Vec::new();
        let mut table_columns = Vec::new();
        for p in &s.parameters {
            let Some(N::FunctionParameter(fp)) = &p.node else {
                continue;
            };
            let t = fp
                .arg_type
                .as_ref()
                .map(|t| self.type_of(t).0)
                .unwrap_or_default();
            let mode = pb::FunctionParameterMode::try_from(fp.mode)
                .unwrap_or(pb::FunctionParameterMode::FuncParamIn);
            let named = if fp.name.is_empty() {
                t.clone()
            } else {
                format!("{} {t}", crate::sql::ident(&fp.name))
            };
            match mode {
                pb::FunctionParameterMode::FuncParamTable => table_columns.push(named),
                pb::FunctionParameterMode::FuncParamOut => arguments.push(format!("OUT {named}")),
                _ => {
                    let prefix = match mode {
                        pb::FunctionParameterMode::FuncParamInout => "INOUT ",
                        pb::FunctionParameterMode::FuncParamVariadic => "VARIADIC ",
                        _ => "",
                    };
                    // pg_get_function_identity_arguments keeps names: `target uuid`.
                    identity.push(format!("{prefix}{named}"));
                    let default = fp
                        .defexpr
                        .as_deref()
                        .map(|d| format!(" DEFAULT {}", expression(d)))
                        .unwrap_or_default();
                    arguments.push(format!("{prefix}{named}{default}"));
                }
            }
        }
        let result = if !table_columns.is_empty() {
            format!("TABLE({})", table_columns.join(", "))
        } else {
            s.return_type
                .as_ref()
                .map(|t| {
                    let printed = self.type_of(t).0;
                    if t.setof {
                        format!("SETOF {printed}")
                    } else {
                        printed
                    }
                })
                .unwrap_or_else(|| "void".into())
        };
        let mut function = Function {
            schema: q.schema.clone(),
            name: q.name.clone(),
            identity_arguments: identity.join(", "),
            arguments: arguments.join(", "),
            result,
            kind: if s.is_procedure {
                FunctionKind::Procedure
            } else {
                FunctionKind::Function
            },
            language: "sql".into(),
            security_definer: false,
            volatility: Volatility::Volatile,
            config: Vec::new(),
            owner: String::new(),
            extension: None,
            body: s.sql_body.as_deref().map(statement_text),
            comment: None,
            grants: Vec::new(),
            provenance: defined(at),
        };
        for (name, arg) in def_elems(&s.options) {
            match name.as_str() {
                "language" => function.language = arg.and_then(string_value).unwrap_or_default(),
                "as" => {
                    if let Some(N::List(l)) = arg.and_then(|a| a.node.as_ref()) {
                        function.body = l.items.first().and_then(string_value);
                    }
                }
                "volatility" => {
                    function.volatility = match arg.and_then(string_value).as_deref() {
                        Some("immutable") => Volatility::Immutable,
                        Some("stable") => Volatility::Stable,
                        _ => Volatility::Volatile,
                    }
                }
                "security" => function.security_definer = arg.is_some_and(boolean_value),
                "set" => {
                    if let Some(N::VariableSetStmt(v)) = arg.and_then(|a| a.node.as_ref()) {
                        let values: Vec<String> = v.args.iter().map(config_value).collect();
                        function
                            .config
                            .push(format!("{}={}", v.name, values.join(", ")));
                    }
                }
                _ => {}
            }
        }
        function.grants = self.function_grants(&q.schema);
        out.object = Some(format!("{q}({})", function.identity_arguments));
        let existing = self.catalog.functions.iter().position(|f| {
            f.schema == function.schema
                && f.name == function.name
                && f.identity_arguments == function.identity_arguments
        });
        match existing {
            Some(i) if s.replace => {
                function.provenance = self.catalog.functions[i].provenance.clone();
                function.provenance.altered.push(at.clone());
                function.grants = self.catalog.functions[i].grants.clone();
                self.catalog.functions[i] = function;
            }
            Some(_) => {
                return Err(format!(
                    "function {q}({}) already exists",
                    function.identity_arguments
                ))
            }
            None => self.catalog.functions.push(function),
        }
        Ok(())
    }

    fn create_trigger(&mut self, s: &pb::CreateTrigStmt, at: &Location) -> Applied {
        let q = range_var(s.relation.as_ref());
        let function = qualified(&strings(&s.funcname));
        if !self
            .catalog
            .functions
            .iter()
            .any(|f| f.schema == function.schema && f.name == function.name)
        {
            return Err(format!("function {function}() does not exist (yet)"));
        }
        // pg_trigger.tgtype bits: 2 before, 64 instead of; 4 insert, 8 delete, 16 update, 32 truncate.
        let timing = if s.timing & 2 != 0 {
            TriggerTiming::Before
        } else if s.timing & 64 != 0 {
            TriggerTiming::InsteadOf
        } else {
            TriggerTiming::After
        };
        let events: Vec<TriggerEvent> = [
            (4, TriggerEvent::Insert),
            (16, TriggerEvent::Update),
            (8, TriggerEvent::Delete),
            (32, TriggerEvent::Truncate),
        ]
        .into_iter()
        .filter(|(bit, _)| s.events & bit != 0)
        .map(|(_, e)| e)
        .collect();
        let when = s.when_clause.as_deref().map(expression);
        let table = self
            .relation(&q)
            .cloned()
            .ok_or_else(|| format!("relation {q} does not exist (yet)"))?;
        let mut trigger = Trigger {
            name: s.trigname.clone(),
            timing,
            events,
            level: if s.row {
                TriggerLevel::Row
            } else {
                TriggerLevel::Statement
            },
            function,
            enabled: TriggerEnabled::Origin,
            definition: String::new(),
            provenance: defined(at),
        };
        trigger.definition = text::trigger(&trigger, &table, when.as_deref());
        let r = self.relation_mut(&q)?;
        match r.triggers.iter().position(|t| t.name == trigger.name) {
            Some(i) if s.replace => r.triggers[i] = trigger,
            Some(_) => return Err(format!("trigger {} on {q} already exists", trigger.name)),
            None => r.triggers.push(trigger),
        }
        Ok(())
    }

    // ----- policies ----------------------------------------------------------------------

    fn create_policy(&mut self, s: &pb::CreatePolicyStmt, at: &Location) -> Applied {
        let q = range_var(s.table.as_ref());
        let policy = Policy {
            name: s.policy_name.clone(),
            command: match s.cmd_name.as_str() {
                "select" => PolicyCommand::Select,
                "insert" => PolicyCommand::Insert,
                "update" => PolicyCommand::Update,
                "delete" => PolicyCommand::Delete,
                _ => PolicyCommand::All,
            },
            permissive: s.permissive,
            roles: role_names(&s.roles),
            using: s.qual.as_deref().map(expression),
            with_check: s.with_check.as_deref().map(expression),
            provenance: defined(at),
        };
        let r = self.relation_mut(&q)?;
        if r.policies.iter().any(|p| p.name == policy.name) {
            return Err(format!("policy \"{}\" for {q} already exists", policy.name));
        }
        r.policies.push(policy);
        Ok(())
    }

    fn alter_policy(&mut self, s: &pb::AlterPolicyStmt, at: &Location) -> Applied {
        let q = range_var(s.table.as_ref());
        let r = self.relation_mut(&q)?;
        let p = r
            .policies
            .iter_mut()
            .find(|p| p.name == s.policy_name)
            .ok_or_else(|| format!("policy \"{}\" for {q} does not exist", s.policy_name))?;
        if !s.roles.is_empty() {
            p.roles = role_names(&s.roles);
        }
        if let Some(e) = &s.qual {
            p.using = Some(expression(e));
        }
        if let Some(e) = &s.with_check {
            p.with_check = Some(expression(e));
        }
        p.provenance.altered.push(at.clone());
        Ok(())
    }

    // ----- comments and grants -----------------------------------------------------------

    fn comment(&mut self, s: &pb::CommentStmt) -> Applied {
        let text = (!s.comment.is_empty()).then(|| s.comment.clone());
        let object = s.object.as_deref();
        let names = match object.and_then(|o| o.node.as_ref()) {
            Some(N::List(l)) => strings(&l.items),
            Some(N::String(x)) => vec![x.sval.clone()],
            _ => Vec::new(),
        };
        use pb::ObjectType as O;
        match O::try_from(s.objtype).map_err(|e| e.to_string())? {
            O::ObjectTable | O::ObjectView | O::ObjectMatview | O::ObjectForeignTable => {
                self.relation_mut(&qualified(&names))?.comment = text;
            }
            O::ObjectColumn => {
                let (column, table) = names
                    .split_last()
                    .ok_or("column comment without a column")?;
                let r = self.relation_mut(&qualified(table))?;
                column_mut(r, column)?.comment = text;
            }
            O::ObjectSchema => {
                let name = names.first().cloned().unwrap_or_default();
                if let Some(schema) = self.catalog.schemas.iter_mut().find(|x| x.name == name) {
                    schema.comment = text;
                }
            }
            O::ObjectFunction => {
                if let Some(N::ObjectWithArgs(o)) = object.and_then(|o| o.node.as_ref()) {
                    let q = qualified(&strings(&o.objname));
                    for f in self
                        .catalog
                        .functions
                        .iter_mut()
                        .filter(|f| f.schema == q.schema && f.name == q.name)
                    {
                        f.comment = text.clone();
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn grant(&mut self, s: &pb::GrantStmt) -> Applied {
        let grantees: Vec<String> = role_names(&s.grantees)
            .into_iter()
            .map(|r| if r == "public" { "PUBLIC".into() } else { r })
            .filter(|r| API_ROLES.contains(&r.as_str()))
            .collect();
        if grantees.is_empty() {
            return Ok(());
        }
        let all_in_schema = s.targtype == pb::GrantTargetType::AclTargetAllInSchema as i32;
        use pb::ObjectType as O;
        match O::try_from(s.objtype).map_err(|e| e.to_string())? {
            O::ObjectTable => {
                let privileges = privilege_names(&s.privileges, &TABLE_PRIVILEGES);
                let targets: Vec<QualifiedName> = if all_in_schema {
                    let schemas = strings(&s.objects);
                    self.catalog
                        .relations
                        .iter()
                        .filter(|r| schemas.contains(&r.schema))
                        .map(Relation::qualified_name)
                        .collect()
                } else {
                    s.objects
                        .iter()
                        .filter_map(|o| match &o.node {
                            Some(N::RangeVar(rv)) => Some(range_var(Some(rv))),
                            _ => None,
                        })
                        .collect()
                };
                for q in targets {
                    let r = self.relation_mut(&q)?;
                    for g in &grantees {
                        change_grant(&mut r.grants, g, &privileges, s.is_grant);
                    }
                }
            }
            O::ObjectFunction | O::ObjectRoutine | O::ObjectProcedure => {
                let privileges = vec!["EXECUTE".to_string()];
                let names: Vec<QualifiedName> = s
                    .objects
                    .iter()
                    .filter_map(|o| match &o.node {
                        Some(N::ObjectWithArgs(w)) => Some(qualified(&strings(&w.objname))),
                        _ => None,
                    })
                    .collect();
                let schemas = if all_in_schema {
                    strings(&s.objects)
                } else {
                    Vec::new()
                };
                for f in self.catalog.functions.iter_mut().filter(|f| {
                    schemas.contains(&f.schema)
                        || names
                            .iter()
                            .any(|q| q.schema == f.schema && q.name == f.name)
                }) {
                    for g in &grantees {
                        change_grant(&mut f.grants, g, &privileges, s.is_grant);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn default_privileges(&mut self, s: &pb::AlterDefaultPrivilegesStmt) -> Applied {
        let Some(action) = &s.action else {
            return Ok(());
        };
        let schemas: Vec<String> = def_elems(&s.options)
            .filter(|(name, _)| name == "schemas")
            .flat_map(|(_, arg)| match arg.and_then(|a| a.node.as_ref()) {
                Some(N::List(l)) => strings(&l.items),
                _ => Vec::new(),
            })
            .collect();
        let functions = action.objtype == pb::ObjectType::ObjectFunction as i32;
        let tables = action.objtype == pb::ObjectType::ObjectTable as i32;
        if !functions && !tables {
            return Ok(());
        }
        let all: &[&str] = if functions {
            &["EXECUTE"]
        } else {
            &TABLE_PRIVILEGES
        };
        let privileges = privilege_names(&action.privileges, all);
        for grantee in role_names(&action.grantees) {
            let grantee = if grantee == "public" {
                "PUBLIC".to_string()
            } else {
                grantee
            };
            for schema in schemas
                .iter()
                .map(|s| Some(s.clone()))
                .chain(schemas.is_empty().then_some(None))
            {
                if action.is_grant {
                    self.defaults.push(DefaultGrant {
                        schema,
                        functions,
                        grantee: grantee.clone(),
                        privileges: privileges.clone(),
                    });
                } else {
                    self.defaults.retain(|d| {
                        !(d.schema == schema && d.functions == functions && d.grantee == grantee)
                    });
                }
            }
        }
        Ok(())
    }

    fn default_grants(&self, schema: &str, functions: bool) -> Vec<Grant> {
        let mut grants = Vec::new();
        for d in self
            .defaults
            .iter()
            .filter(|d| d.functions == functions && d.schema.as_deref().is_none_or(|s| s == schema))
        {
            change_grant(&mut grants, &d.grantee, &d.privileges, true);
        }
        grants
    }

    fn function_grants(&self, schema: &str) -> Vec<Grant> {
        let mut grants = self.default_grants(schema, true);
        change_grant(&mut grants, "PUBLIC", &["EXECUTE".to_string()], true);
        grants
    }

    // ----- drops and renames -------------------------------------------------------------

    fn drop(&mut self, s: &pb::DropStmt, out: &mut Outcome) -> Applied {
        use pb::ObjectType as O;
        let kind = O::try_from(s.remove_type).map_err(|e| e.to_string())?;
        for object in &s.objects {
            let names = match &object.node {
                Some(N::List(l)) => strings(&l.items),
                Some(N::String(x)) => vec![x.sval.clone()],
                Some(N::ObjectWithArgs(w)) => strings(&w.objname),
                Some(N::TypeName(t)) => strings(&t.names),
                _ => Vec::new(),
            };
            out.object = Some(match kind {
                O::ObjectPolicy
                | O::ObjectTrigger
                | O::ObjectTable
                | O::ObjectView
                | O::ObjectIndex => {
                    let (name, table) = match names.split_last() {
                        Some((n, t)) => (n.as_str(), t),
                        None => ("", &[][..]),
                    };
                    if matches!(kind, O::ObjectPolicy | O::ObjectTrigger) {
                        format!("{}.{name}", qualified(table))
                    } else {
                        qualified(&names).to_string()
                    }
                }
                _ => names.join("."),
            });
            let found = match kind {
                O::ObjectTable | O::ObjectView | O::ObjectMatview | O::ObjectForeignTable => {
                    let q = qualified(&names);
                    let before = self.catalog.relations.len();
                    self.catalog.relations.retain(|r| r.qualified_name() != q);
                    before != self.catalog.relations.len()
                }
                O::ObjectIndex => {
                    let q = qualified(&names);
                    let mut found = false;
                    for r in self
                        .catalog
                        .relations
                        .iter_mut()
                        .filter(|r| r.schema == q.schema)
                    {
                        let before = r.indexes.len();
                        r.indexes.retain(|i| i.name != q.name);
                        found |= before != r.indexes.len();
                    }
                    found
                }
                O::ObjectPolicy | O::ObjectTrigger => {
                    let (name, table) = names.split_last().ok_or("nothing to drop")?;
                    match self.relation_mut(&qualified(table)) {
                        Ok(r) if kind == O::ObjectPolicy => {
                            let before = r.policies.len();
                            r.policies.retain(|p| &p.name != name);
                            before != r.policies.len()
                        }
                        Ok(r) => {
                            let before = r.triggers.len();
                            r.triggers.retain(|t| &t.name != name);
                            before != r.triggers.len()
                        }
                        Err(_) => false,
                    }
                }
                O::ObjectFunction | O::ObjectProcedure | O::ObjectRoutine => {
                    let q = qualified(&names);
                    let before = self.catalog.functions.len();
                    self.catalog
                        .functions
                        .retain(|f| !(f.schema == q.schema && f.name == q.name));
                    before != self.catalog.functions.len()
                }
                O::ObjectType => {
                    let q = qualified(&names);
                    let before = self.catalog.enums.len();
                    self.catalog
                        .enums
                        .retain(|e| !(e.schema == q.schema && e.name == q.name));
                    before != self.catalog.enums.len()
                }
                O::ObjectSchema => {
                    let name = names.first().cloned().unwrap_or_default();
                    let before = self.catalog.schemas.len();
                    self.catalog.schemas.retain(|x| x.name != name);
                    before != self.catalog.schemas.len()
                }
                O::ObjectExtension => {
                    let name = names.first().cloned().unwrap_or_default();
                    let before = self.catalog.extensions.len();
                    self.catalog.extensions.retain(|x| x.name != name);
                    before != self.catalog.extensions.len()
                }
                O::ObjectSequence => {
                    let q = qualified(&names);
                    let before = self.catalog.sequences.len();
                    self.catalog
                        .sequences
                        .retain(|x| !(x.schema == q.schema && x.name == q.name));
                    before != self.catalog.sequences.len()
                }
                _ => return Err(format!("{} is not modelled by pglens", out.command)),
            };
            if !found && !s.missing_ok {
                return Err(format!("{} does not exist", names.join(".")));
            }
        }
        Ok(())
    }

    fn rename(&mut self, s: &pb::RenameStmt, at: &Location) -> Applied {
        use pb::ObjectType as O;
        let q = range_var(s.relation.as_ref());
        match O::try_from(s.rename_type).map_err(|e| e.to_string())? {
            O::ObjectTable | O::ObjectView | O::ObjectMatview => {
                let new = QualifiedName::new(&q.schema, &s.newname);
                if self.relation(&q).is_none() {
                    return if s.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("relation {q} does not exist (yet)"))
                    };
                }
                for r in &mut self.catalog.relations {
                    if r.qualified_name() == q {
                        r.name = s.newname.clone();
                        r.provenance.altered.push(at.clone());
                    }
                    for c in &mut r.constraints {
                        if let Some(fk) =
                            c.foreign_key.as_mut().filter(|fk| fk.referenced_table == q)
                        {
                            fk.referenced_table = new.clone();
                        }
                    }
                    for read in r.reads.iter_mut().filter(|x| **x == q) {
                        *read = new.clone();
                    }
                }
            }
            O::ObjectColumn => {
                let r = self.relation_mut(&q)?;
                column_mut(r, &s.subname)?.name = s.newname.clone();
                for c in &mut r.constraints {
                    for col in c.columns.iter_mut().filter(|c| **c == s.subname) {
                        *col = s.newname.clone();
                    }
                }
                for i in &mut r.indexes {
                    for k in i
                        .keys
                        .iter_mut()
                        .filter(|k| k.column.as_deref() == Some(&s.subname))
                    {
                        k.column = Some(s.newname.clone());
                    }
                }
                r.provenance.altered.push(at.clone());
            }
            O::ObjectIndex => {
                for r in self
                    .catalog
                    .relations
                    .iter_mut()
                    .filter(|r| r.schema == q.schema)
                {
                    for i in r.indexes.iter_mut().filter(|i| i.name == q.name) {
                        i.name = s.newname.clone();
                    }
                }
            }
            O::ObjectPolicy => {
                let r = self.relation_mut(&q)?;
                let p = r
                    .policies
                    .iter_mut()
                    .find(|p| p.name == s.subname)
                    .ok_or_else(|| format!("policy \"{}\" for {q} does not exist", s.subname))?;
                p.name = s.newname.clone();
            }
            O::ObjectTabconstraint => {
                let r = self.relation_mut(&q)?;
                let c = r
                    .constraints
                    .iter_mut()
                    .find(|c| c.name == s.subname)
                    .ok_or_else(|| format!("constraint {} of {q} does not exist", s.subname))?;
                c.name = s.newname.clone();
            }
            other => return Err(format!("renaming a {other:?} is not modelled by pglens")),
        }
        Ok(())
    }
}

// ----- helpers over the parse tree --------------------------------------------------------

fn defined(at: &Location) -> Provenance {
    Provenance {
        defined: Some(at.clone()),
        altered: Vec::new(),
    }
}

/// Positions as `attnum` numbers them (dropped columns leave no gap offline).
fn renumber(columns: &mut [Column]) {
    for (i, c) in columns.iter_mut().enumerate() {
        c.position = i32::try_from(i + 1).unwrap_or(i32::MAX);
    }
}

fn column_mut<'a>(r: &'a mut Relation, name: &str) -> Result<&'a mut Column, String> {
    let table = r.qualified_name();
    r.columns
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("column {name} of {table} does not exist"))
}

/// The index behind a primary key or unique constraint.
fn key_index(name: &str, c: &Constraint) -> Index {
    Index {
        name: name.to_string(),
        method: "btree".into(),
        keys: c
            .columns
            .iter()
            .map(|col| IndexKey {
                column: Some(col.clone()),
                expression: None,
                descending: false,
                nulls: None,
                opclass: None,
                collation: None,
            })
            .collect(),
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

fn index_key(e: &pb::IndexElem) -> IndexKey {
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

fn is_builtin_opclass(name: &str) -> bool {
    name.ends_with("_pattern_ops")
        || name.ends_with("_ops") && (name.starts_with("jsonb_") || name.starts_with("array_"))
        || matches!(name, "text_ops" | "int4_ops" | "int8_ops" | "uuid_ops")
}

/// The word PostgreSQL uses for an index key in a made-up index name.
fn index_column_name(e: &pb::IndexElem) -> String {
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

fn partition_key(spec: &pb::PartitionSpec) -> String {
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

fn partition_bound(b: &pb::PartitionBoundSpec) -> String {
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

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

fn change_grant(grants: &mut Vec<Grant>, grantee: &str, privileges: &[String], grant: bool) {
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
fn privilege_names(privileges: &[pb::Node], all: &[&str]) -> Vec<String> {
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

fn role_names(roles: &[pb::Node]) -> Vec<String> {
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
fn qualified(parts: &[String]) -> QualifiedName {
    match parts {
        [.., schema, name] => QualifiedName::new(schema, name),
        [name] => QualifiedName::new(DEFAULT_SCHEMA, name),
        [] => QualifiedName::new(DEFAULT_SCHEMA, ""),
    }
}

fn range_var(rv: Option<&pb::RangeVar>) -> QualifiedName {
    match rv {
        Some(rv) if !rv.schemaname.is_empty() => QualifiedName::new(&rv.schemaname, &rv.relname),
        Some(rv) => QualifiedName::new(DEFAULT_SCHEMA, &rv.relname),
        None => QualifiedName::new(DEFAULT_SCHEMA, ""),
    }
}

/// The string values of a list of `String` nodes.
fn strings(nodes: &[pb::Node]) -> Vec<String> {
    nodes.iter().filter_map(string_value).collect()
}

fn string_value(n: &pb::Node) -> Option<String> {
    match &n.node {
        Some(N::String(s)) => Some(s.sval.clone()),
        Some(N::AConst(c)) => match &c.val {
            Some(pb::a_const::Val::Sval(s)) => Some(s.sval.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn boolean_value(n: &pb::Node) -> bool {
    match &n.node {
        Some(N::Boolean(b)) => b.boolval,
        Some(N::Integer(i)) => i.ival != 0,
        _ => false,
    }
}

/// `(name, argument)` of each `DefElem` in a list.
fn def_elems(nodes: &[pb::Node]) -> impl Iterator<Item = (String, Option<&pb::Node>)> {
    nodes.iter().filter_map(|n| match &n.node {
        Some(N::DefElem(d)) => Some((d.defname.clone(), d.arg.as_deref())),
        _ => None,
    })
}

/// A `SET search_path = ...` value as `proconfig` stores it: `""` for an empty string.
fn config_value(n: &pb::Node) -> String {
    match string_value(n) {
        Some(s) if s.is_empty() => "\"\"".into(),
        Some(s) => s,
        None => expression(n),
    }
}

/// A storage or view option's value as `reloptions` stores it: `true`, `70`, `on`.
fn option_value(n: &pb::Node) -> String {
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
        .map(|s| s.strip_prefix("SELECT ").unwrap_or(&s).to_string())
        .unwrap_or_default()
}

/// A whole statement (a view's query, a function's SQL body) as SQL text.
fn statement_text(n: &pb::Node) -> String {
    n.node
        .as_ref()
        .and_then(|node| node.deparse(Default::default()).ok())
        .unwrap_or_default()
}

/// What an ALTER TABLE does that the migration rules care about.
fn alter_traits(s: &pb::AlterTableStmt) -> Vec<StatementTrait> {
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
fn command_name(node: &N) -> String {
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
        N::CreateEnumStmt(_) => "CREATE TYPE",
        N::CommentStmt(_) => "COMMENT",
        N::GrantStmt(g) if g.is_grant => "GRANT",
        N::GrantStmt(_) => "REVOKE",
        N::AlterDefaultPrivilegesStmt(_) => "ALTER DEFAULT PRIVILEGES",
        N::DropStmt(d) => match pb::ObjectType::try_from(d.remove_type) {
            Ok(pb::ObjectType::ObjectTable) => "DROP TABLE",
            Ok(pb::ObjectType::ObjectView) => "DROP VIEW",
            Ok(pb::ObjectType::ObjectIndex) => "DROP INDEX",
            Ok(pb::ObjectType::ObjectPolicy) => "DROP POLICY",
            Ok(pb::ObjectType::ObjectTrigger) => "DROP TRIGGER",
            Ok(pb::ObjectType::ObjectFunction) => "DROP FUNCTION",
            Ok(pb::ObjectType::ObjectType) => "DROP TYPE",
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
        other => {
            return format!("{other:?}")
                .split('(')
                .next()
                .unwrap_or("statement")
                .to_string()
        }
    };
    name.to_string()
}
