//! Schema-level objects other than relations: schemas, functions, sequences, extensions and
//! user-defined types.

use serde::{Deserialize, Serialize};

use super::{Catalog, Grant, Provenance, QualifiedName};

/// A schema (namespace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaDef {
    pub name: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The extension that created this schema, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

/// A function, procedure, aggregate or window function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub schema: String,
    pub name: String,
    /// Argument types that identify the function: `uuid, text`.
    pub identity_arguments: String,
    /// Full argument list with names and defaults.
    pub arguments: String,
    /// Result type as SQL spells it (`trigger`, `SETOF uuid`, `TABLE(...)`).
    pub result: String,
    pub kind: FunctionKind,
    pub language: String,
    pub security_definer: bool,
    pub volatility: Volatility,
    /// `proconfig`: per-function settings as `name=value` (e.g. `search_path=""`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<String>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// The body for SQL and PL languages; None for C and internal functions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Grants to the API roles, including the default EXECUTE to PUBLIC.
    #[serde(default)]
    pub grants: Vec<Grant>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

impl Function {
    /// `name(argument types)`: how findings, differences and the explorer name a function
    /// within its schema, and so how one is found again from another.
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.identity_arguments)
    }

    /// The value of `search_path` pinned in the function's config, if any.
    pub fn pinned_search_path(&self) -> Option<&str> {
        self.config
            .iter()
            .find_map(|c| c.strip_prefix("search_path="))
    }

    pub fn qualified_name(&self) -> QualifiedName {
        QualifiedName::new(&self.schema, &self.name)
    }

    /// The function's identity in the explorer.
    pub fn object_id(&self) -> super::ObjectId {
        super::ObjectId::Function {
            schema: self.schema.clone(),
            name: self.name.clone(),
            arguments: self.identity_arguments.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Procedure,
    Aggregate,
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

/// A sequence, including those behind serial and identity columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub schema: String,
    pub name: String,
    /// smallint, integer or bigint.
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cycle: bool,
    /// Last value handed out; None if never used or not readable by the inspecting role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_value: Option<i64>,
    /// The inspecting role may not read the sequence (no USAGE or SELECT), so whether it
    /// was used, and how far, is unknown. Always false for offline sources.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
    /// The column that owns it (serial / identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<ColumnRef>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

/// A column of a named table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRef {
    pub table: QualifiedName,
    pub column: String,
}

/// An installed extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    pub installed_version: String,
    /// The version `CREATE EXTENSION` would install now, when the server knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version: Option<String>,
    pub relocatable: bool,
}

/// A user-defined enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub schema: String,
    pub name: String,
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

/// A composite type made with `CREATE TYPE name AS (...)` (not a table's own row type):
/// what functions return and take, and columns sometimes hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeType {
    pub schema: String,
    pub name: String,
    pub attributes: Vec<CompositeAttribute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

/// One attribute of a composite type: its name and type, as the server prints the type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeAttribute {
    pub name: String,
    pub type_name: String,
    /// `COMMENT ON COLUMN type.attribute`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A domain type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub schema: String,
    pub name: String,
    pub base_type: String,
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// CHECK constraints as the server prints them, each with its name
    /// (`CONSTRAINT email_check CHECK (...)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

/// A type the schema defines: an enum, a domain or a composite type.
#[derive(Debug, Clone, Copy)]
pub enum UserType<'a> {
    Enum(&'a EnumType),
    Domain(&'a Domain),
    Composite(&'a CompositeType),
}

impl Catalog {
    /// The enum, domain or composite type `schema.name`.
    pub fn user_type(&self, schema: &str, name: &str) -> Option<UserType<'_>> {
        let named = |s: &str, n: &str| s == schema && n == name;
        (self
            .enums
            .iter()
            .find(|e| named(&e.schema, &e.name))
            .map(UserType::Enum))
        .or_else(|| {
            (self.domains.iter())
                .find(|d| named(&d.schema, &d.name))
                .map(UserType::Domain)
        })
        .or_else(|| {
            (self.composites.iter())
                .find(|c| named(&c.schema, &c.name))
                .map(UserType::Composite)
        })
    }
}
