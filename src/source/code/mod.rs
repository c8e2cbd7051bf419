//! Reading the application's code for references to the schema (`--code DIR`).
//!
//! The tree is walked as ripgrep walks it (the `ignore` crate: `.gitignore`, `.ignore`,
//! hidden files, on every core), whether or not it is a git checkout. Vendored and build
//! folders, migrations (they define the schema, they do not use it), translations, lock
//! files, minified bundles and one-line data files, SVG and CSV, files over 4 MiB and
//! binary files are skipped. A file's extension says whether its words are SQL, code, or
//! prose and data; Supabase's generated types are recognised by their content. Each file is read once and
//! searched for every name at once ([`matcher`]); only the hits are kept, so memory does
//! not grow with the tree.

pub mod matcher;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::model::code::{CodeReference, CodeReferences, ObjectReferences, ReferencedKind};
use crate::model::{platform, Catalog, RelationKind};
use matcher::{FileKind, Hit, Matcher, Target};

/// Folders that hold other people's code, generated code, or the schema's own history.
const SKIPPED_FOLDERS: [&str; 17] = [
    "node_modules",
    "bower_components",
    "vendor",
    "third_party",
    "dist",
    "build",
    "out",
    "target",
    "coverage",
    ".next",
    ".nuxt",
    "__pycache__",
    "venv",
    "site-packages",
    // Django, Prisma and Supabase migrations, Alembic's, and Rails' db/migrate.
    "migrations",
    "alembic",
    "migrate",
];

/// Folders of translations and generated files, whose words are not code.
const SKIPPED_DATA_FOLDERS: [&str; 3] = ["locales", "i18n", "translations"];

/// Files that name tables without using them: dumps of the schema and lock files.
const SKIPPED_FILES: [&str; 6] = [
    "schema.rb",
    "structure.sql",
    "package-lock.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "Cargo.lock",
];

const SKIPPED_SUFFIXES: [&str; 6] = [".min.js", ".map", ".lock", ".svg", ".csv", ".tsv"];

/// Extensions of programming languages, where SQL lives in strings and a quoted name is a
/// value the code passes around.
const CODE_EXTENSIONS: [&str; 27] = [
    "ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts", "vue", "svelte", "astro", "py", "rb",
    "go", "java", "kt", "kts", "scala", "cs", "php", "rs", "ex", "exs", "swift", "dart", "lua",
    "sh",
];

/// Files bigger than this whose lines average more than [`DATA_LINE`] bytes are data or
/// bundles (a one-line dictionary, minified code), not something a person wrote.
const DATA_FILE: usize = 64 * 1024;
const DATA_LINE: usize = 500;

/// Larger files are generated (bundles, fixtures), not written.
const LARGEST_FILE: u64 = 4 * 1024 * 1024;

/// A NUL in the first 8 KiB makes a file binary, as git and ripgrep decide.
const BINARY_PROBE: usize = 8 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    #[error("cannot read the code folder {path}: {source}")]
    Root {
        path: String,
        source: std::io::Error,
    },
}

/// What a scan found, and what it could not read.
pub struct Scan {
    pub references: CodeReferences,
    /// Files or folders that could not be read, as sentences.
    pub warnings: Vec<String>,
}

/// The tables, views and functions worth looking for: the application's, not the
/// platform's (`auth.users` is Supabase's to keep) and not an extension's.
pub fn targets(catalog: &Catalog) -> Vec<Target> {
    let relations = catalog
        .relations
        .iter()
        .filter(|r| !platform::is_platform_schema(&r.schema))
        .map(|r| Target {
            schema: r.schema.clone(),
            name: r.name.clone(),
            kind: match r.kind {
                RelationKind::View | RelationKind::MaterializedView => ReferencedKind::View,
                _ => ReferencedKind::Table,
            },
        });
    let mut functions: Vec<Target> = catalog
        .functions
        .iter()
        .filter(|f| !platform::is_platform_schema(&f.schema) && f.extension.is_none())
        .map(|f| Target {
            schema: f.schema.clone(),
            name: f.name.clone(),
            kind: ReferencedKind::Function,
        })
        .collect();
    // Overloads share a name: one target for them all.
    functions.dedup_by(|a, b| a.schema == b.schema && a.name == b.name);
    relations.chain(functions).collect()
}

/// Scans `roots` for references to the catalog's objects. `exclude` holds paths that are
/// the schema's definition (the migration folder being read as the source), wherever
/// they sit in the tree.
pub fn scan(catalog: &Catalog, roots: &[PathBuf], exclude: &[PathBuf]) -> Result<Scan, CodeError> {
    let mut canonical_roots = Vec::new();
    for root in roots {
        let canonical = std::fs::canonicalize(root).map_err(|source| CodeError::Root {
            path: root.display().to_string(),
            source,
        })?;
        canonical_roots.push(canonical);
    }
    let targets = targets(catalog);
    let mut references = CodeReferences {
        roots: roots.iter().map(|r| r.display().to_string()).collect(),
        files: 0,
        objects: targets
            .iter()
            .map(|t| ObjectReferences {
                schema: t.schema.clone(),
                name: t.name.clone(),
                kind: t.kind,
                references: Vec::new(),
            })
            .collect(),
    };
    let schemas: Vec<String> = catalog.schemas.iter().map(|s| s.name.clone()).collect();
    let Some(matcher) = Matcher::new(targets, &schemas) else {
        references.sort();
        return Ok(Scan {
            references,
            warnings: Vec::new(),
        });
    };
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let found = walk(&matcher, &canonical_roots, roots, exclude);
    references.files = found.files;
    let mut by_file = found.hits;
    by_file.sort_by(|a, b| a.0.cmp(&b.0));
    for (file, hits) in by_file {
        for (target, line, how) in hits {
            references.objects[target].references.push(CodeReference {
                file: file.clone(),
                line,
                how,
            });
        }
    }
    for o in &mut references.objects {
        o.references
            .sort_by(|a, b| (a.how, &a.file, a.line).cmp(&(b.how, &b.file, b.line)));
    }
    references.sort();
    Ok(Scan {
        references,
        warnings: found.warnings,
    })
}

struct Found {
    files: usize,
    hits: Vec<(String, Vec<Hit>)>,
    warnings: Vec<String>,
}

fn walk(matcher: &Matcher, roots: &[PathBuf], shown: &[PathBuf], exclude: Vec<PathBuf>) -> Found {
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .require_git(false)
        .max_filesize(Some(LARGEST_FILE))
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !skipped(entry.path(), is_dir, &exclude)
        });
    let files = AtomicUsize::new(0);
    let hits = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let mut buffer = Vec::new();
        let (files, hits, warnings) = (&files, &hits, &warnings);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    push(warnings, e.to_string());
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            buffer.clear();
            let read = std::fs::File::open(entry.path())
                .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut buffer));
            if let Err(e) = read {
                push(warnings, format!("{}: {e}", entry.path().display()));
                return WalkState::Continue;
            }
            let probe = &buffer[..buffer.len().min(BINARY_PROBE)];
            if memchr::memchr(0, probe).is_some() {
                return WalkState::Continue;
            }
            if buffer.len() > DATA_FILE
                && memchr::memchr_iter(b'\n', &buffer).count() * DATA_LINE < buffer.len()
            {
                return WalkState::Continue;
            }
            files.fetch_add(1, Ordering::Relaxed);
            let found = matcher.scan(&buffer, file_kind(entry.path(), &buffer));
            if !found.is_empty() {
                let name = display_name(entry.path(), roots, shown);
                if let Ok(mut list) = hits.lock() {
                    list.push((name, found));
                }
            }
            WalkState::Continue
        })
    });
    Found {
        files: files.into_inner(),
        hits: hits.into_inner().unwrap_or_default(),
        warnings: warnings.into_inner().unwrap_or_default(),
    }
}

/// What a file's words mean: SQL, code, Supabase's generated types, or prose and data.
fn file_kind(path: &Path, text: &[u8]) -> FileKind {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(extension.as_str(), "sql" | "pgsql" | "psql") {
        return FileKind::Sql;
    }
    if !CODE_EXTENSIONS.contains(&extension.as_str()) {
        return FileKind::Other;
    }
    // `supabase gen types` output: a `Database` type listing every table, view and function.
    let has = |needle: &str| memchr::memmem::find(text, needle.as_bytes()).is_some();
    if has("__InternalSupabase") || (has("export type Database = {") && has("Tables: {")) {
        return FileKind::GeneratedTypes;
    }
    FileKind::Code
}

fn push(list: &Mutex<Vec<String>>, warning: String) {
    if let Ok(mut list) = list.lock() {
        list.push(warning);
    }
}

fn skipped(path: &Path, is_dir: bool, exclude: &[PathBuf]) -> bool {
    if exclude.iter().any(|e| path.starts_with(e)) {
        return true;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if is_dir {
        // Tauri's generated schemas.
        let tauri = name == "gen"
            && path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|p| p == "src-tauri");
        return SKIPPED_FOLDERS.contains(&name) || SKIPPED_DATA_FOLDERS.contains(&name) || tauri;
    }
    SKIPPED_FILES.contains(&name) || SKIPPED_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// The file's path below its root, with `/` between folders; below the root's name as
/// given when several roots were scanned, so two `src/index.ts` stay apart.
fn display_name(path: &Path, roots: &[PathBuf], shown: &[PathBuf]) -> String {
    for (root, as_given) in roots.iter().zip(shown) {
        if let Ok(rel) = path.strip_prefix(root) {
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let rel = if rel.is_empty() {
                // The root is the file itself.
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            } else {
                rel.join("/")
            };
            return if roots.len() > 1 {
                format!("{}/{rel}", as_given.display())
            } else {
                rel
            };
        }
    }
    path.display().to_string()
}

/// Scans `roots` and records the references in `catalog.code`, leaving out the files the
/// catalog was read from (a migration folder inside the application's tree defines the
/// schema; it does not use it). Returns what could not be read.
pub fn attach(
    catalog: &mut Catalog,
    spec: &super::SourceSpec,
    roots: &[PathBuf],
) -> Result<Vec<String>, CodeError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let exclude = match spec {
        super::SourceSpec::SqlFiles(paths, _) => paths.clone(),
        super::SourceSpec::Snapshot(path) => vec![path.clone()],
        super::SourceSpec::Live(_) | super::SourceSpec::Demo => Vec::new(),
    };
    let scan = scan(catalog, roots, &exclude)?;
    catalog.code = Some(scan.references);
    Ok(scan.warnings)
}
