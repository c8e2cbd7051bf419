//! References to the schema's objects in the application's source code (`--code DIR`):
//! evidence a cleanup rests on beside the database's own statistics. Found by
//! `source::code`; plain data here, so rules, the explorer and the plan read it alike.

use serde::{Deserialize, Serialize};

use super::QualifiedName;

/// What one scan of the application's code found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeReferences {
    /// The folders (or files) scanned, as given.
    pub roots: Vec<String>,
    /// How many files were read (ignored, binary, vendored and migration files aside).
    pub files: usize,
    /// Every table, view and function the scan looked for, with what it found, sorted by
    /// schema and name. An object with an empty list has no reference in the code.
    pub objects: Vec<ObjectReferences>,
}

/// The references to one table, view or function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectReferences {
    pub schema: String,
    pub name: String,
    pub kind: ReferencedKind,
    /// One per line: uses first (client calls, ORM declarations, SQL, strings), then the
    /// rest, each kind in file and line order.
    pub references: Vec<CodeReference>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferencedKind {
    Table,
    View,
    Function,
}

/// One line of code that names an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeReference {
    /// The file's path below the root it was found in (the root's own name first when
    /// several roots were scanned).
    pub file: String,
    /// 1-based.
    pub line: u32,
    pub how: ReferenceKind,
}

/// How a line names the object, from the most to the least certain. The first four are
/// uses: the code breaks when the object is gone. The last three are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// A Supabase client call: `.from('leads')`, `.rpc('accept_invite')`.
    Client,
    /// An ORM's declaration of the table's name: Prisma `@@map`, Drizzle `pgTable`, Django
    /// `db_table`, Rails `self.table_name`, SQLAlchemy `__tablename__`.
    Orm,
    /// In SQL: after `FROM`, `JOIN`, `INTO`, `UPDATE`, `TABLE` and the like, or called.
    Sql,
    /// A string in code that is exactly the name (`'book_notes'` handed to a helper).
    String,
    /// The name as a word anywhere else: an identifier, prose, a comment. Not a use, but a
    /// cleanup should look before it drops.
    Mention,
    /// A type naming it: Supabase's generated `Database` types, `Tables<'leads'>`.
    Type,
    /// SQL that defines it rather than uses it: `CREATE TABLE`, `ALTER TABLE`, `GRANT ... ON`.
    Definition,
}

impl ReferenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Client => "client",
            ReferenceKind::Orm => "orm",
            ReferenceKind::Sql => "sql",
            ReferenceKind::String => "string",
            ReferenceKind::Mention => "mention",
            ReferenceKind::Type => "type",
            ReferenceKind::Definition => "definition",
        }
    }

    /// True when the code would break without the object.
    pub fn is_use(self) -> bool {
        self <= ReferenceKind::String
    }
}

impl ObjectReferences {
    /// The order of [`CodeReferences::objects`]: a table or view before a function of the
    /// same name.
    fn order(&self) -> (&str, &str, bool) {
        (
            &self.schema,
            &self.name,
            self.kind == ReferencedKind::Function,
        )
    }
}

impl CodeReferences {
    /// Puts `objects` in the order lookups rely on.
    pub fn sort(&mut self) {
        self.objects.sort_by(|a, b| a.order().cmp(&b.order()));
    }

    /// The references to a table or view, or None when the object was not looked for
    /// (no scan, or an object the scan did not know).
    pub fn of(&self, table: &QualifiedName) -> Option<&[CodeReference]> {
        self.objects
            .binary_search_by(|o| o.order().cmp(&(&table.schema, &table.name, false)))
            .ok()
            .map(|i| self.objects[i].references.as_slice())
    }

    /// How many of a table's references are uses, or None when it was not looked for.
    pub fn uses_of(&self, table: &QualifiedName) -> Option<usize> {
        self.of(table).map(uses)
    }

    /// "no references in code", "3 references in code (2 files)", for messages.
    pub fn summary(&self, table: &QualifiedName) -> Option<String> {
        let refs = self.of(table)?;
        Some(summary(refs, self.files))
    }
}

/// What the code says about one object, for messages: "no references in 120 files of
/// code", "3 uses in code (2 files; first src/a.ts:12) and 1 mention", or "no uses in 120
/// files of code; 1 type, 2 mentions (first docs/a.md:3)".
pub fn summary(refs: &[CodeReference], files_scanned: usize) -> String {
    let uses: Vec<&CodeReference> = refs.iter().filter(|r| r.how.is_use()).collect();
    let others = not_uses(refs);
    match (uses.first(), refs.first()) {
        (_, None) => format!(
            "no references in {files_scanned} {} of code",
            plural(files_scanned, "file", "files")
        ),
        (None, Some(first)) => format!(
            "no uses in {files_scanned} {} of code; {others} (first {}:{})",
            plural(files_scanned, "file", "files"),
            first.file,
            first.line
        ),
        (Some(first), _) => {
            let mut files: Vec<&str> = uses.iter().map(|r| r.file.as_str()).collect();
            files.sort_unstable();
            files.dedup();
            let also = if others.is_empty() {
                String::new()
            } else {
                format!(" and {others}")
            };
            format!(
                "{} {} in code ({} {}; first {}:{}){also}",
                uses.len(),
                plural(uses.len(), "use", "uses"),
                files.len(),
                plural(files.len(), "file", "files"),
                first.file,
                first.line
            )
        }
    }
}

/// The references that are not uses, counted by kind: "2 mentions, 1 type".
fn not_uses(refs: &[CodeReference]) -> String {
    let count = |kind: ReferenceKind| refs.iter().filter(|r| r.how == kind).count();
    [
        (ReferenceKind::Mention, "mention", "mentions"),
        (ReferenceKind::Type, "type", "types"),
        (ReferenceKind::Definition, "definition", "definitions"),
    ]
    .into_iter()
    .filter_map(|(kind, one, many)| {
        let n = count(kind);
        (n > 0).then(|| format!("{n} {}", plural(n, one, many)))
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// How many of the references are uses.
pub fn uses(refs: &[CodeReference]) -> usize {
    refs.iter().filter(|r| r.how.is_use()).count()
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(file: &str, line: u32, how: ReferenceKind) -> CodeReference {
        CodeReference {
            file: file.into(),
            line,
            how,
        }
    }

    #[test]
    fn lookups_find_tables_and_not_functions_of_the_same_name() {
        let object = |name: &str, kind, references| ObjectReferences {
            schema: "public".into(),
            name: name.into(),
            kind,
            references,
        };
        let code = CodeReferences {
            roots: vec!["app".into()],
            files: 7,
            objects: vec![
                object("a", ReferencedKind::Table, vec![]),
                object("leads", ReferencedKind::Function, vec![]),
                object(
                    "leads",
                    ReferencedKind::Table,
                    vec![
                        r("src/a.ts", 3, ReferenceKind::Client),
                        r("src/a.ts", 9, ReferenceKind::Mention),
                        r("src/b.py", 1, ReferenceKind::Orm),
                    ],
                ),
            ],
        };
        let mut code = code;
        code.sort();
        let leads = QualifiedName::new("public", "leads");
        assert_eq!(code.of(&leads).map(<[_]>::len), Some(3));
        assert_eq!(
            code.summary(&leads).as_deref(),
            Some("2 uses in code (2 files; first src/a.ts:3) and 1 mention")
        );
        assert_eq!(
            code.summary(&QualifiedName::new("public", "a")).as_deref(),
            Some("no references in 7 files of code")
        );
        assert_eq!(code.of(&QualifiedName::new("public", "zzz")), None);
        assert_eq!(
            summary(
                &[
                    r("x.rb", 2, ReferenceKind::Mention),
                    r("y.ts", 1, ReferenceKind::Type)
                ],
                1
            ),
            "no uses in 1 file of code; 1 mention, 1 type (first x.rb:2)"
        );
        assert_eq!(
            summary(&[r("x.rb", 2, ReferenceKind::String)], 4),
            "1 use in code (1 file; first x.rb:2)"
        );
    }
}
