//! One parsed statement at a time onto the model, the way the server would apply it:
//! objects are created, altered, renamed and dropped; unnamed constraints and indexes get
//! the names PostgreSQL would give them; a statement that names something that does not
//! exist yet is not applied and says why.

mod assumed;
mod composites;
mod drops;
mod extension_members;
mod indexes;
mod like;
mod lookup;
mod privileges;
mod publications;
mod routines;
mod schema_objects;
mod tables;
mod tree;
mod type_changes;
mod views;

use pg_query::protobuf::{self as pb, node::Node as N};

use self::tree::*;

use crate::model::migrations::StatementTrait;
use crate::model::{
    Catalog, Constraint, Extension, Index, Location, QualifiedName, Relation, RelationKind,
    SchemaDef, API_ROLES,
};

/// The schema unqualified names resolve to (`search_path`'s first writable schema).
pub(super) const DEFAULT_SCHEMA: &str = "public";

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
    /// Objects the statement uses that nothing created, assumed to exist.
    pub assumed: Vec<String>,
}

/// The model being built, and what later statements need to know.
pub struct Builder {
    catalog: Catalog,
    lookup: std::cell::RefCell<lookup::Lookup>,
    /// What the statement being applied assumed exists (see `assumed.rs`).
    assumed: Vec<String>,
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
            lookup: Default::default(),
            assumed: Vec::new(),
        }
    }
}

pub(super) type Applied = Result<(), String>;

pub(super) const TABLE_PRIVILEGES: [&str; 7] = [
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
        if c.is_supabase() {
            c.roles = crate::model::platform::supabase_api_roles();
        }
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
            N::CompositeTypeStmt(s) => self.create_composite_type(s, at, &mut out),
            N::CreateStmt(s) => {
                let q = range_var(s.relation.as_ref());
                out.object = Some(q.to_string());
                out.guarded = s.if_not_exists;
                self.create_table(s, q, at)
            }
            N::CreateForeignTableStmt(s) => match s.base_stmt.as_ref() {
                Some(base) => {
                    let q = range_var(base.relation.as_ref());
                    out.object = Some(q.to_string());
                    out.guarded = base.if_not_exists;
                    self.create_foreign_table(base, q, at)
                }
                None => Err("CREATE FOREIGN TABLE names no table".into()),
            },
            N::AlterTableStmt(s) => {
                let q = range_var(s.relation.as_ref());
                out.object = Some(q.to_string());
                out.table = Some(q.to_string());
                out.traits = alter_traits(s);
                out.traits
                    .retain(|t| !self.changes_type_without_rewrite(&q, s, t));
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
            N::AlterObjectSchemaStmt(s) => self.set_schema(s),
            N::AlterEnumStmt(s) => self.alter_enum(s, at),
            N::AlterDomainStmt(s) => self.alter_domain(s),
            N::AlterFunctionStmt(s) => self.alter_function(s, at),
            N::CreateSeqStmt(s) => {
                let q = range_var(s.sequence.as_ref());
                out.object = Some(q.to_string());
                out.guarded = s.if_not_exists;
                self.add_sequence(&q, "bigint", None, at);
                Ok(())
            }
            N::AlterSeqStmt(s) => self.alter_sequence(s),
            N::CreatePublicationStmt(s) => {
                out.object = Some(s.pubname.clone());
                self.create_publication(s)
            }
            N::AlterPublicationStmt(s) => {
                out.object = Some(s.pubname.clone());
                self.alter_publication(s)
            }
            N::InsertStmt(s) => {
                out.skipped = !self.insert(s);
                Ok(())
            }
            node if is_recorded_and_skipped(node) => {
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
            | N::AlterExtensionStmt(_)
            | N::AlterDatabaseSetStmt(_)
            // Foreign servers, wrappers and user mappings: the model has their tables only.
            | N::CreateFdwStmt(_)
            | N::AlterFdwStmt(_)
            | N::CreateForeignServerStmt(_)
            | N::AlterForeignServerStmt(_)
            | N::CreateUserMappingStmt(_)
            | N::AlterUserMappingStmt(_)
            | N::DropUserMappingStmt(_)
            | N::AlterRoleSetStmt(_)
            // Notifications (`NOTIFY pgrst, 'reload schema'`), maintenance and locks.
            | N::NotifyStmt(_)
            | N::ListenStmt(_)
            | N::UnlistenStmt(_)
            | N::VacuumStmt(_)
            | N::RefreshMatViewStmt(_)
            | N::LockStmt(_)
            | N::DiscardStmt(_)
            | N::CheckPointStmt(_) => Ok(()),
            _ => Err(format!(
                "{}; the schema may lack what it does",
                crate::model::migrations::not_modelled(&out.command)
            )),
        };
        if let Err(message) = result {
            out.problem = Some(message);
        }
        out.assumed = std::mem::take(&mut self.assumed);
        out
    }

    /// The lookup indexes, brought up to date with the catalog.
    fn lookup(&self) -> std::cell::Ref<'_, lookup::Lookup> {
        self.lookup.borrow_mut().refresh(&self.catalog);
        self.lookup.borrow()
    }

    /// Say so after removing or renaming a relation, an index, a constraint or a sequence.
    fn names_changed(&mut self) {
        self.lookup.get_mut().invalidate();
    }

    /// Adds an index to a relation, recording its name.
    fn push_index(&mut self, q: &QualifiedName, index: Index) -> Result<(), String> {
        self.lookup.get_mut().note_index(&q.schema, &index.name);
        self.relation_mut(q)?.indexes.push(index);
        Ok(())
    }

    /// Adds a constraint to a relation, recording its name.
    fn push_constraint(&mut self, q: &QualifiedName, c: Constraint) -> Result<(), String> {
        self.lookup.get_mut().note_constraint(&q.schema, &c.name);
        self.relation_mut(q)?.constraints.push(c);
        Ok(())
    }

    fn relation_index(&self, q: &QualifiedName) -> Option<usize> {
        let found = self.lookup().relation(q);
        debug_assert_eq!(
            found,
            self.catalog
                .relations
                .iter()
                .position(|r| r.schema == q.schema && r.name == q.name),
            "lookup out of date for {q}"
        );
        found
    }

    fn sequence_index(&self, q: &QualifiedName) -> Option<usize> {
        let found = self.lookup().sequence(q);
        debug_assert_eq!(
            found,
            self.catalog
                .sequences
                .iter()
                .position(|s| s.schema == q.schema && s.name == q.name),
            "lookup out of date for sequence {q}"
        );
        found
    }

    /// An empty relation as a CREATE makes it: no columns yet, the schema's default grants.
    fn new_relation(&self, q: &QualifiedName, kind: RelationKind, at: &Location) -> Relation {
        Relation {
            grants: self.default_grants(&q.schema, false),
            provenance: defined(at),
            ..Relation::empty(&q.schema, &q.name, kind)
        }
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

    /// Positions in `catalog.functions` of the functions called `q` (all overloads).
    fn functions_named(&self, q: &QualifiedName) -> Vec<usize> {
        let found = self.lookup().functions(q).to_vec();
        debug_assert_eq!(
            found,
            (0..self.catalog.functions.len())
                .filter(|&i| {
                    let f = &self.catalog.functions[i];
                    f.schema == q.schema && f.name == q.name
                })
                .collect::<Vec<_>>(),
            "lookup out of date for function {q}"
        );
        found
    }

    /// Whether a name is taken in a schema's relation namespace (tables, views, indexes,
    /// sequences).
    fn name_taken(&self, schema: &str, name: &str) -> bool {
        let taken = self.lookup().name_taken(schema, name);
        debug_assert_eq!(
            taken,
            self.catalog.relations.iter().any(|r| {
                r.schema == schema && (r.name == name || r.indexes.iter().any(|i| i.name == name))
            }) || self
                .catalog
                .sequences
                .iter()
                .any(|s| s.schema == schema && s.name == name),
            "lookup out of date for {schema}.{name}"
        );
        taken
    }

    fn constraint_taken(&self, schema: &str, name: &str) -> bool {
        let taken = self.lookup().constraint_taken(schema, name);
        debug_assert_eq!(
            taken,
            self.catalog
                .relations
                .iter()
                .filter(|r| r.schema == schema)
                .any(|r| r.constraints.iter().any(|c| c.name == name)),
            "lookup out of date for constraint {schema}.{name}"
        );
        taken
    }
}

/// Statements recorded but not applied: DO blocks and data statements other than `INSERT`
/// (which may fill what the model holds, such as Storage buckets).
pub(super) fn is_recorded_and_skipped(node: &N) -> bool {
    matches!(
        node,
        N::DoStmt(_)
            | N::UpdateStmt(_)
            | N::DeleteStmt(_)
            | N::SelectStmt(_)
            | N::CopyStmt(_)
            | N::TruncateStmt(_)
            | N::MergeStmt(_)
    )
}
