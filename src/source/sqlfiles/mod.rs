//! Migration folders and `.sql` files read offline, with PostgreSQL's own grammar
//! (libpg_query, through the `pg_query` crate): the statements that shape a schema are
//! applied to a model in migration order, and every object remembers the file and line
//! that created it and those that altered it.
//!
//! - this file: finding the files, ordering them, cutting them into statements with their
//!   line numbers, and recording what could not be applied;
//! - `apply/`: one statement at a time, the parse tree onto the model (one file per
//!   family of statements, `tree.rs` for reading the parse tree);
//! - `names.rs`: the names PostgreSQL gives unnamed constraints and indexes;
//! - `types.rs`: type names as the server prints them (`int` is `integer`).
//!
//! A statement that does not parse, or names something that does not exist yet, becomes a
//! problem with its file and line (the audit reports it); the rest of the file still
//! applies. DO blocks and data statements are recorded and skipped.

mod apply;
mod names;
mod types;

use std::path::{Path, PathBuf};

use crate::model::migrations::{MigrationProblem, MigrationStatement, Migrations};
use crate::model::{Catalog, Location, Meta, SourceKind};

#[derive(Debug, thiserror::Error)]
pub enum SqlFilesError {
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{0} has no .sql files")]
    Empty(String),
}

/// One file, read.
struct SqlFile {
    /// As shown to the user: the path as given, or relative to the folder given.
    label: String,
    text: String,
}

/// Reads the files and folders given, in migration order, into a catalog.
pub fn load(paths: &[PathBuf]) -> Result<Catalog, SqlFilesError> {
    let files = discover(paths)?;
    let mut builder = apply::Builder::default();
    let mut migrations = Migrations::default();
    for file in &files {
        migrations.files.push(file.label.clone());
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
        for piece in statements(&text) {
            let location = Location {
                file: file.label.clone(),
                line: piece.line,
            };
            match piece.parsed {
                Ok(tree) => {
                    let outcome = builder.apply(&tree, &location);
                    migrations.statements.push(MigrationStatement {
                        location: location.clone(),
                        command: outcome.command,
                        object: outcome.object,
                        guarded: outcome.guarded,
                        skipped: outcome.skipped,
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
        }
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
    Ok(catalog)
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
/// without a prefix come last. Files from several folders interleave by that order.
fn discover(paths: &[PathBuf]) -> Result<Vec<SqlFile>, SqlFilesError> {
    let read_err = |p: &Path, e: std::io::Error| SqlFilesError::Read {
        path: p.display().to_string(),
        detail: e.to_string(),
    };
    // Each file with the position of the argument that named it.
    let mut found: Vec<(usize, PathBuf)> = Vec::new();
    for (arg, path) in paths.iter().enumerate() {
        if path.is_dir() {
            let before = found.len();
            for entry in std::fs::read_dir(path).map_err(|e| read_err(path, e))? {
                let p = entry.map_err(|e| read_err(path, e))?.path();
                if p.is_file() && p.extension().is_some_and(|x| x == "sql") {
                    found.push((arg, p));
                }
            }
            if found.len() == before {
                return Err(SqlFilesError::Empty(path.display().to_string()));
            }
        } else {
            found.push((arg, path.clone()));
        }
    }
    found.sort_by_cached_key(|(arg, p)| order_key(p, *arg));
    found
        .into_iter()
        .map(|(_, p)| {
            let text = std::fs::read_to_string(&p).map_err(|e| read_err(&p, e))?;
            Ok(SqlFile {
                label: p.display().to_string(),
                text,
            })
        })
        .collect()
}

/// `(has no prefix, prefix as a number, argument position, file name, full path)`. Files
/// without a numeric prefix keep the order they were given in (`stubs.sql schema.sql`).
fn order_key(path: &Path, arg: usize) -> (bool, u128, usize, String, PathBuf) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    let prefix = digits.parse::<u128>().ok();
    let position = if prefix.is_some() { 0 } else { arg };
    (
        prefix.is_none(),
        prefix.unwrap_or(0),
        position,
        name,
        path.to_path_buf(),
    )
}

/// A statement cut from a file: its text, first line, and parse tree or parse error.
struct Piece<'a> {
    text: &'a str,
    line: u32,
    parsed: Result<pg_query::protobuf::Node, String>,
}

/// Cuts a file into statements. A file that parses is cut by the parser; one that does not
/// is cut by the scanner and each piece parsed alone, so one bad statement does not hide
/// the others. Text the scanner could not place in any statement is reported, never
/// dropped.
fn statements(text: &str) -> Vec<Piece<'_>> {
    let lines = Lines::new(text);
    let line_of = |_: &str, offset: usize| lines.of(offset);
    if let Ok(result) = pg_query::parse(text, pg_query::ParserOptions::DEFAULT) {
        return result
            .protobuf
            .stmts
            .into_iter()
            .filter_map(|raw| {
                let start = usize::try_from(raw.stmt_location).unwrap_or(0);
                let len = usize::try_from(raw.stmt_len).unwrap_or(0);
                let end = if len == 0 {
                    text.len()
                } else {
                    (start + len).min(text.len())
                };
                let piece = text.get(start..end).unwrap_or("");
                Some(Piece {
                    text: piece,
                    line: line_of(text, start + leading_noise(piece)),
                    parsed: Ok(*raw.stmt?),
                })
            })
            .collect();
    }
    let pieces = match pg_query::split_with_scanner(text) {
        Ok(p) => p,
        Err(e) => {
            return vec![Piece {
                text,
                line: 1,
                parsed: Err(format!("the file cannot be read as SQL: {e}")),
            }]
        }
    };
    let mut out = Vec::new();
    let mut covered = 0;
    for piece in pieces {
        let start = piece.as_ptr() as usize - text.as_ptr() as usize;
        if let Some(gap) = text.get(covered..start).filter(|g| !is_noise(g)) {
            out.push(unparsed(&lines, covered, gap));
        }
        covered = start + piece.len();
        let parsed = pg_query::parse(piece, pg_query::ParserOptions::DEFAULT)
            .map_err(|e| e.to_string())
            .and_then(|r| {
                r.protobuf
                    .stmts
                    .into_iter()
                    .next()
                    .and_then(|s| s.stmt)
                    .map(|b| *b)
                    .ok_or_else(|| "empty statement".to_string())
            });
        out.push(Piece {
            text: piece,
            line: line_of(text, start + leading_noise(piece)),
            parsed,
        });
    }
    if let Some(rest) = text.get(covered..).filter(|g| !is_noise(g)) {
        out.push(unparsed(&lines, covered, rest));
    }
    out
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
    fn a_bad_statement_is_reported_and_the_rest_still_parse() {
        let text = "-- header\nCREATE TABLE a (id int);\n\nCREATE TABLE b (id int,,);\nCREATE TABLE c (id int);\n";
        let pieces = statements(text);
        let summary: Vec<(u32, bool)> = pieces.iter().map(|p| (p.line, p.parsed.is_ok())).collect();
        assert_eq!(summary, [(2, true), (4, false), (5, true)]);
        let good = statements("CREATE TABLE a (id int);\n  CREATE INDEX ON a (id);");
        assert_eq!(good.iter().map(|p| p.line).collect::<Vec<_>>(), [1, 2]);
    }
}
