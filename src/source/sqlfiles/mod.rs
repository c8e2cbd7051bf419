//! Migration folders and `.sql` files read offline, with PostgreSQL's own grammar
//! (libpg_query, through the `pg_query` crate): the statements that shape a schema are
//! applied to a model in migration order, and every object remembers the file and line
//! that created it and those that altered it.
//!
//! - this file: finding the files, ordering them, cutting them into statements with their
//!   line numbers, and recording what could not be applied;
//! - `apply/`: one statement at a time, the parse tree onto the model (one file per
//!   family of statements, `tree.rs` for reading the parse tree);
//! - `baseline.rs`: what the files start from (Supabase's platform, for its projects);
//! - `names.rs`: the names PostgreSQL gives unnamed constraints and indexes;
//! - `types.rs`: type names as the server prints them (`int` is `integer`).
//!
//! A statement that does not parse, or names something that does not exist yet, becomes a
//! problem with its file and line (the audit reports it); the rest of the file still
//! applies. DO blocks and data statements are recorded and skipped.

mod apply;
mod baseline;
mod names;
mod types;

pub use baseline::Base;

use std::path::{Path, PathBuf};

use crate::model::migrations::{
    AssumedObject, FileNaming, MigrationProblem, MigrationStatement, Migrations, RERUN_MARKER,
};
use crate::model::{Catalog, Location, Meta, SourceKind};
use crate::source::live::Progress;
use crate::sql::parse::with_deep_stack;

#[derive(Debug, thiserror::Error)]
pub enum SqlFilesError {
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{0} has no .sql files")]
    Empty(String),
    #[error("cannot read the Supabase config {0}")]
    Config(String),
}

/// One file, read.
struct SqlFile {
    /// As shown to the user: the path as given, or relative to the folder given.
    label: String,
    text: String,
    /// In a Supabase project's migrations folder, but named so that the Supabase CLI skips
    /// it: not applied here either.
    skipped_by_tool: bool,
}

/// Reads the files and folders given, in migration order, into a catalog.
pub fn load(paths: &[PathBuf]) -> Result<Catalog, SqlFilesError> {
    load_with_progress(paths, Base::Auto, &mut |_| {})
}

/// [`load`], telling `progress` how far it is (a percentage of the bytes, in steps of 1%),
/// since a large dump takes seconds.
pub fn load_with_progress(
    paths: &[PathBuf],
    base: Base,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Catalog, SqlFilesError> {
    with_deep_stack(|| load_here(paths, base, progress))
}

fn load_here(
    paths: &[PathBuf],
    base: Base,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Catalog, SqlFilesError> {
    let files = discover(paths)?;
    let total: usize = files.iter().map(|f| f.text.len()).sum::<usize>().max(1);
    let mut before = 0;
    let mut last_percent = usize::MAX;
    let mut builder = apply::Builder::default();
    let mut migrations = Migrations::default();
    let (skipped, files): (Vec<SqlFile>, Vec<SqlFile>) =
        files.into_iter().partition(|f| f.skipped_by_tool);
    migrations.unapplied_files = skipped.into_iter().map(|f| f.label).collect();
    let texts: Vec<&str> = files.iter().map(|f| f.text.as_str()).collect();
    if base.wants_supabase(paths, &texts) {
        apply_baseline(&mut builder, &mut migrations);
    }
    for file in &files {
        migrations.files.push(file.label.clone());
        if file.text.contains(RERUN_MARKER) {
            migrations.rerun_files.push(file.label.clone());
        }
        // psql meta-commands (`\restrict`, `\connect`, ...) are for psql, not the server:
        // blanked out (line numbers stay) and recorded.
        let (text, meta) = without_psql_commands(&file.text);
        for (line, command) in meta {
            migrations.statements.push(MigrationStatement {
                location: Location {
                    file: file.label.clone(),
                    line,
                },
                command,
                object: None,
                guarded: false,
                skipped: true,
                table: None,
                traits: Vec::new(),
                text: String::new(),
            });
        }
        for_each_statement(&text, &mut |piece| {
            let at = (piece.text.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
            let percent = (before + at) * 100 / total;
            if percent != last_percent {
                last_percent = percent;
                progress(Progress::sql_files(percent));
            }
            let location = Location {
                file: file.label.clone(),
                line: piece.line,
            };
            match piece.parsed {
                Ok(tree) => {
                    let mut outcome = builder.apply(&tree, &location);
                    // A DO block's guarded DDL, as it runs on a fresh database.
                    let inner = do_block_statements(&tree);
                    for (stmt, guards) in &inner {
                        let applied = builder.apply(stmt, &location);
                        outcome.assumed.extend(applied.assumed);
                        let failed = applied.problem;
                        // "already exists" is what the block's guard is there for; under a
                        // condition, or a handler that catches the failure, the block decides.
                        let reported = failed.filter(|m| {
                            !m.contains("already exists") && guards.raises(condition_of(m))
                        });
                        if let Some(message) = reported {
                            migrations.problems.push(problem(
                                location.clone(),
                                message,
                                piece.text,
                            ));
                        }
                    }
                    migrations
                        .assumed
                        .extend(outcome.assumed.iter().map(|object| AssumedObject {
                            location: location.clone(),
                            object: object.clone(),
                        }));
                    migrations.statements.push(MigrationStatement {
                        location: location.clone(),
                        command: outcome.command,
                        object: outcome.object,
                        guarded: outcome.guarded,
                        skipped: outcome.skipped && inner.is_empty(),
                        table: outcome.table,
                        traits: outcome.traits,
                        text: piece.text.trim().to_string(),
                    });
                    if let Some(message) = outcome.problem {
                        migrations
                            .problems
                            .push(problem(location, message, piece.text));
                    }
                }
                Err(message) => migrations
                    .problems
                    .push(problem(location, message, piece.text)),
            }
        });
        before += file.text.len();
    }
    let label = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut catalog = builder.finish();
    catalog.meta = Meta {
        source: SourceKind::SqlFiles,
        source_label: label,
        ..Meta::default()
    };
    catalog.migrations = Some(migrations);
    catalog.exposed_schemas = baseline::exposed_schemas(paths).map_err(SqlFilesError::Config)?;
    Ok(catalog)
}

/// Applies the Supabase platform baseline. Its statements are not the project's, so they are
/// not recorded as migration statements; a problem in it would be pglens's bug, and is
/// reported like any other so that it cannot hide.
fn apply_baseline(builder: &mut apply::Builder, migrations: &mut Migrations) {
    for_each_statement(baseline::SUPABASE_SQL, &mut |piece| {
        let location = Location {
            file: baseline::SUPABASE_LABEL.into(),
            line: piece.line,
        };
        let message = match piece.parsed {
            Ok(tree) => builder.apply(&tree, &location).problem,
            Err(message) => Some(message),
        };
        if let Some(message) = message {
            migrations
                .problems
                .push(problem(location, message, piece.text));
        }
    });
}

/// The DDL statements a PL/pgSQL `DO` block runs on a fresh database (see
/// [`crate::sql::do_block`]), parsed; empty for any other statement.
fn do_block_statements(
    tree: &pg_query::protobuf::Node,
) -> Vec<(
    pg_query::protobuf::Node,
    crate::sql::do_block::BlockStatement,
)> {
    use pg_query::protobuf::node::Node as N;
    let Some(N::DoStmt(d)) = &tree.node else {
        return Vec::new();
    };
    let mut body = None;
    for arg in &d.args {
        let Some(N::DefElem(e)) = &arg.node else {
            continue;
        };
        let value = match e.arg.as_deref().and_then(|a| a.node.as_ref()) {
            Some(N::String(v)) => v.sval.as_str(),
            _ => continue,
        };
        match e.defname.as_str() {
            "as" => body = Some(value),
            "language" if !value.eq_ignore_ascii_case("plpgsql") => return Vec::new(),
            _ => {}
        }
    }
    let Some(body) = body else {
        return Vec::new();
    };
    crate::sql::do_block::statements(body)
        .into_iter()
        .filter_map(|s| Some((parse_one(&s.sql).ok()?, s)))
        // Data and queries stay out: only the block's schema changes are applied.
        .filter(|(stmt, _)| {
            stmt.node.as_ref().is_some_and(|node| {
                !apply::is_recorded_and_skipped(node) && !matches!(node, N::InsertStmt(_))
            })
        })
        .collect()
}

/// PostgreSQL's name for the error a statement failed with, as an exception handler
/// names it (`EXCEPTION WHEN undefined_table`).
fn condition_of(message: &str) -> &'static str {
    let missing = message.contains("does not exist");
    if missing && message.starts_with("relation") {
        "undefined_table"
    } else if missing && message.starts_with("column") {
        "undefined_column"
    } else if missing && message.starts_with("function") {
        "undefined_function"
    } else if missing {
        "undefined_object"
    } else if message.contains("already exists") {
        "duplicate_object"
    } else {
        "others"
    }
}

fn problem(location: Location, message: String, text: &str) -> MigrationProblem {
    let excerpt = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("--"))
        .unwrap_or("")
        .chars()
        .take(120)
        .collect();
    MigrationProblem {
        location,
        message,
        excerpt,
    }
}

/// The `.sql` files under the paths given (a folder's own files, not its subfolders), in
/// migration order: by numeric prefix (`001_`, `20240101120000_`), then by name; files
/// without a prefix come last. Files from several folders interleave by that order. A
/// Supabase CLI folder is in file-name order, as the CLI applies it.
fn discover(paths: &[PathBuf]) -> Result<Vec<SqlFile>, SqlFilesError> {
    let read_err = |p: &Path, e: std::io::Error| SqlFilesError::Read {
        path: p.display().to_string(),
        detail: e.to_string(),
    };
    // Each file with its sort key, and whether the Supabase CLI would skip it.
    type Key = (bool, u128, usize, String, PathBuf);
    let mut found: Vec<(Key, PathBuf, bool)> = Vec::new();
    for (arg, path) in paths.iter().enumerate() {
        if path.is_dir() {
            let path = &migrations_folder(path);
            let cli_folder = baseline::is_supabase_cli_folder(path);
            let before = found.len();
            for entry in std::fs::read_dir(path).map_err(|e| read_err(path, e))? {
                let p = entry.map_err(|e| read_err(path, e))?.path();
                if is_sql_file(&p) {
                    let skipped =
                        cli_folder && !FileNaming::applied_by_supabase_cli(&p.to_string_lossy());
                    // The CLI applies its folder in file-name order, so `20251212_x.sql` runs
                    // before `20250922000000_y.sql` though its version is the smaller number.
                    let key = if cli_folder {
                        (false, 0, arg, file_name(&p), p.clone())
                    } else {
                        order_key(&p, arg)
                    };
                    found.push((key, p, skipped));
                }
            }
            if found.len() == before {
                return Err(SqlFilesError::Empty(path.display().to_string()));
            }
        } else {
            // A file named on its own is applied whatever its name: the user asked for it.
            found.push((order_key(path, arg), path.clone(), false));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
        .into_iter()
        .map(|(_, p, skipped_by_tool)| {
            let text = std::fs::read_to_string(&p).map_err(|e| read_err(&p, e))?;
            Ok(SqlFile {
                label: p.display().to_string(),
                text,
                skipped_by_tool,
            })
        })
        .collect()
}

/// The folder whose files are read when `dir` is given: a Supabase project's
/// `supabase/migrations` (the project's root or its `supabase/` folder given; `seed.sql`
/// beside the migrations is data, not schema), otherwise `dir` itself.
fn migrations_folder(dir: &Path) -> PathBuf {
    let supabase = dir.join("supabase/migrations");
    if supabase.is_dir() {
        return supabase;
    }
    let has_sql = std::fs::read_dir(dir)
        .is_ok_and(|mut entries| entries.any(|e| e.is_ok_and(|e| is_sql_file(&e.path()))));
    // A Supabase `supabase/` folder holds seed.sql beside its migrations.
    let migrations = dir.join("migrations");
    if migrations.is_dir() && (!has_sql || dir.join("config.toml").is_file()) {
        return migrations;
    }
    dir.to_path_buf()
}

fn is_sql_file(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|x| x == "sql")
}

/// `(has no prefix, prefix as a number, argument position, file name, full path)`, the
/// prefix as [`FileNaming`] reads it (`001_`, Flyway's `V2__`). Files without one keep the
/// order they were given in (`stubs.sql schema.sql`).
fn order_key(path: &Path, arg: usize) -> (bool, u128, usize, String, PathBuf) {
    let name = file_name(path);
    let prefix = match FileNaming::of(&name) {
        FileNaming::Versioned(version) => Some(version),
        FileNaming::Repeatable | FileNaming::Unversioned => None,
    };
    let position = if prefix.is_some() { 0 } else { arg };
    (
        prefix.is_none(),
        prefix.unwrap_or(0),
        position,
        name,
        path.to_path_buf(),
    )
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A statement cut from a file: its text, first line, and parse tree or parse error.
struct Piece<'a> {
    text: &'a str,
    line: u32,
    parsed: Result<pg_query::protobuf::Node, String>,
}

/// Bytes of SQL parsed at once. Parsing a whole dump in one go held its entire parse tree
/// (well over a hundred times the size of the text) in memory; in chunks, only one chunk's
/// tree is alive at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// Cuts a file into statements, for tests and small inputs; see [`for_each_statement`].
#[cfg(test)]
fn statements(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for_each_statement(text, &mut |p| out.push(p));
    out
}

/// Hands each statement of a file to `f`, in order. The scanner cuts the text into
/// statements; consecutive ones are parsed together in chunks of about [`CHUNK_BYTES`].
/// A chunk that does not parse is tried once more joined with the next (a function body
/// with `BEGIN ATOMIC` holds semicolons the scanner cuts at), and otherwise each of its
/// statements is parsed alone, so one bad statement does not hide the others. Text the
/// scanner could not place in any statement is reported, never dropped.
fn for_each_statement<'a>(text: &'a str, f: &mut dyn FnMut(Piece<'a>)) {
    cut(text, CHUNK_BYTES, f);
}

fn cut<'a>(text: &'a str, chunk_bytes: usize, f: &mut dyn FnMut(Piece<'a>)) {
    let lines = Lines::new(text);
    let pieces = match pg_query::split_with_scanner(text) {
        Ok(p) => p,
        Err(e) => {
            return f(Piece {
                text,
                line: 1,
                parsed: Err(format!("the file cannot be read as SQL: {e}")),
            })
        }
    };
    let offset = |piece: &str| piece.as_ptr() as usize - text.as_ptr() as usize;
    let span = |from: usize, to: usize| {
        (
            offset(pieces[from]),
            offset(pieces[to - 1]) + pieces[to - 1].len(),
        )
    };
    let chunk_end = |from: usize| {
        let start = offset(pieces[from]);
        let mut to = from + 1;
        while to < pieces.len()
            && offset(pieces[to - 1]) + pieces[to - 1].len() - start < chunk_bytes
        {
            to += 1;
        }
        to
    };
    let mut covered = 0;
    let mut i = 0;
    while i < pieces.len() {
        let j = chunk_end(i);
        let (start, end) = span(i, j);
        // Text between chunks that the scanner put in no statement.
        if let Some(gap) = text.get(covered..start).filter(|g| !is_noise(g)) {
            f(unparsed(&lines, covered, gap));
        }
        covered = start;
        if parse_chunk(text, start, end, &lines, f) {
            covered = end;
            i = j;
            continue;
        }
        if j < pieces.len() {
            let joined = chunk_end(j);
            let (_, joined_end) = span(i, joined);
            if parse_chunk(text, start, joined_end, &lines, f) {
                covered = joined_end;
                i = joined;
                continue;
            }
        }
        // One by one. A statement that fails alone is tried joined with the ones after it
        // (a bounded number): a `BEGIN ATOMIC` body holds semicolons the scanner cut at.
        let mut k = i;
        while k < j {
            let at = offset(pieces[k]);
            if let Some(gap) = text.get(covered..at).filter(|g| !is_noise(g)) {
                f(unparsed(&lines, covered, gap));
            }
            let mut last = k;
            let mut parsed = parse_one(pieces[k]);
            // Only a body the scanner cut short can be mended by joining: the parser ran
            // out of input, or the piece opens BEGIN ATOMIC.
            let cut_short = parsed.as_ref().err().is_some_and(|e| {
                e.contains("end of input") || pieces[k].to_ascii_uppercase().contains("ATOMIC")
            });
            if cut_short {
                for m in k + 1..pieces.len().min(k + MAX_JOINED) {
                    let (_, to) = span(k, m + 1);
                    if let Ok(tree) = parse_one(&text[at..to]) {
                        (parsed, last) = (Ok(tree), m);
                        break;
                    }
                }
            }
            let (_, to) = span(k, last + 1);
            covered = to;
            let piece = &text[at..to];
            f(Piece {
                text: piece,
                line: lines.of(at + leading_noise(piece)),
                parsed,
            });
            k = last + 1;
        }
        i = k;
    }
    if let Some(rest) = text.get(covered..).filter(|g| !is_noise(g)) {
        f(unparsed(&lines, covered, rest));
    }
}

/// Parses `text[start..end]` and hands over its statements; false (and nothing handed
/// over) when it does not parse.
fn parse_chunk<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    lines: &Lines,
    f: &mut dyn FnMut(Piece<'a>),
) -> bool {
    let Some(chunk) = text.get(start..end) else {
        return false;
    };
    let Ok(result) = pg_query::parse(chunk, pg_query::ParserOptions::DEFAULT) else {
        return false;
    };
    for raw in result.protobuf.stmts {
        let from = usize::try_from(raw.stmt_location).unwrap_or(0);
        let len = usize::try_from(raw.stmt_len).unwrap_or(0);
        let to = if len == 0 {
            chunk.len()
        } else {
            (from + len).min(chunk.len())
        };
        let piece = chunk.get(from..to).unwrap_or(&chunk[..0]);
        if let Some(stmt) = raw.stmt {
            f(Piece {
                text: piece,
                line: lines.of(start + from + leading_noise(piece)),
                parsed: Ok(*stmt),
            });
        }
    }
    true
}

/// How many scanner pieces a statement that fails alone may be joined with.
const MAX_JOINED: usize = 64;

/// Exactly one statement, parsed alone.
fn parse_one(piece: &str) -> Result<pg_query::protobuf::Node, String> {
    let result =
        pg_query::parse(piece, pg_query::ParserOptions::DEFAULT).map_err(|e| e.to_string())?;
    let mut stmts = result.protobuf.stmts.into_iter();
    match (stmts.next().and_then(|s| s.stmt), stmts.next()) {
        (Some(stmt), None) => Ok(*stmt),
        (None, _) => Err("empty statement".into()),
        (Some(_), Some(_)) => Err("more than one statement".into()),
    }
}

fn unparsed<'a>(lines: &Lines, at: usize, gap: &'a str) -> Piece<'a> {
    Piece {
        text: gap,
        line: lines.of(at + leading_noise(gap)),
        parsed: Err("syntax error: this text is not a statement PostgreSQL can parse".into()),
    }
}

/// The text with psql's backslash commands (lines starting with `\`) blanked, and those
/// commands with their lines.
fn without_psql_commands(text: &str) -> (String, Vec<(u32, String)>) {
    let mut meta = Vec::new();
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.starts_with('\\') {
            let command = line.split_whitespace().next().unwrap_or("\\").to_string();
            meta.push((
                u32::try_from(i + 1).unwrap_or(u32::MAX),
                format!("psql {command}"),
            ));
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
        } else {
            out.push_str(line);
        }
    }
    (out, meta)
}

/// Whether text is only whitespace, semicolons and comments.
fn is_noise(text: &str) -> bool {
    leading_noise(text) >= text.len()
}

/// How many bytes of whitespace, semicolons and `--` / `/* */` comments start the text.
fn leading_noise(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b';' => i += 1,
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
            }
            _ => break,
        }
    }
    i
}

/// Byte offsets where lines start, to turn offsets into line numbers without rescanning
/// the file for every statement (a dump has tens of thousands).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    /// The 1-based line of a byte offset.
    fn of(&self, offset: usize) -> u32 {
        let line = match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        u32::try_from(line).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_sort_by_numeric_prefix_then_name() {
        let mut paths: Vec<PathBuf> = [
            "m/010_b.sql",
            "m/9_a.sql",
            "n/20240101120000_x.sql",
            "m/readme.sql",
            "n/010_a.sql",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        paths.sort_by_cached_key(|p| order_key(p, 0));
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "m/9_a.sql",
                "n/010_a.sql",
                "m/010_b.sql",
                "n/20240101120000_x.sql",
                "m/readme.sql"
            ]
        );
    }

    #[test]
    fn psql_commands_are_set_aside_and_lines_kept() {
        let (text, meta) =
            without_psql_commands("\\restrict abc\nCREATE TABLE a (id int);\n\\unrestrict abc\n");
        assert_eq!(
            meta,
            [
                (1, "psql \\restrict".to_string()),
                (3, "psql \\unrestrict".to_string())
            ]
        );
        let pieces = statements(&text);
        assert_eq!(
            pieces
                .iter()
                .map(|p| (p.line, p.parsed.is_ok()))
                .collect::<Vec<_>>(),
            [(2, true)]
        );
    }

    #[test]
    fn chunks_of_any_size_cut_the_same_statements() {
        let text = "CREATE TABLE a (id int);\n\
            CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n\
            CREATE TABLE b (id int,,);\n\
            CREATE TABLE c (id int);\n\
            garbage here;\n\
            CREATE INDEX ON c (id);\n";
        let summary = |chunk: usize| {
            let mut out = Vec::new();
            cut(text, chunk, &mut |p| out.push((p.line, p.parsed.is_ok())));
            out
        };
        let whole = summary(usize::MAX);
        assert_eq!(
            whole,
            [
                (1, true),
                (2, true),
                (3, false),
                (4, true),
                (5, false),
                (6, true)
            ]
        );
        for chunk in [1, 30, 60, 100, 200] {
            assert_eq!(summary(chunk), whole, "chunks of {chunk} bytes");
        }
    }

    #[test]
    fn deeply_nested_expressions_parse() {
        // Each chained operator nests the tree two levels deeper; protobuf decoding used
        // to give up at about 45 of them and the table was lost.
        let sum = (0..200)
            .map(|i| format!("a + {i}"))
            .collect::<Vec<_>>()
            .join(" + ");
        let text = format!("CREATE TABLE t (a int CHECK ({sum} > 0));");
        let parsed = with_deep_stack(|| {
            let pieces = statements(&text);
            assert_eq!(pieces.len(), 1);
            pieces[0].parsed.as_ref().err().cloned()
        });
        assert_eq!(parsed, None);
        // And the table is in the model with its whole CHECK.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("deep.sql");
        std::fs::write(&file, &text).unwrap();
        let catalog = load(&[file]).unwrap();
        let t = catalog.relation("public", "t").expect("table kept");
        assert!(
            t.constraints[0].definition.contains("a + 199"),
            "{}",
            t.constraints[0].definition
        );
    }

    #[test]
    fn a_bad_statement_is_reported_and_the_rest_still_parse() {
        let text = "-- header\nCREATE TABLE a (id int);\n\nCREATE TABLE b (id int,,);\nCREATE TABLE c (id int);\n";
        let pieces = statements(text);
        let summary: Vec<(u32, bool)> = pieces.iter().map(|p| (p.line, p.parsed.is_ok())).collect();
        assert_eq!(summary, [(2, true), (4, false), (5, true)]);
        let good = statements("CREATE TABLE a (id int);\n  CREATE INDEX ON a (id);");
        assert_eq!(good.iter().map(|p| p.line).collect::<Vec<_>>(), [1, 2]);
    }
}
