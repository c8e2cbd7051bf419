//! pglens: a terminal schema explorer and auditor for PostgreSQL and Supabase.
//!
//! # Map
//!
//! ```text
//! source/            where a model comes from (all input I/O lives here)
//!   live/            a running server: conninfo (libpq rules), tls (sslmode), connect
//!                    (errors users can act on), introspect (one read-only transaction,
//!                    one catalog query per object kind, in live/sql/*.sql)
//!   snapshot.rs      versioned JSON snapshots; demo.rs the embedded demo
//!   sqlfiles/        migration folders and .sql files through PostgreSQL's own parser
//!                    (pg_query), applied in order with file:line provenance
//!   code/            the application's source (--code): a parallel, .gitignore-aware
//!                    walk and a pure matcher for every table, view and function name
//! model/             the schema model: plain serde data, no I/O
//! audit/             rules (one file each, pure functions of the model), findings, the
//!                    ignore file, and text / JSON / SARIF / Markdown output
//! categorize.rs      which tree group each object belongs to
//! cleanup/           the cleanup review: usage evidence and dependents, the plan file
//!                    (keep / drop / merge / investigate), its Markdown and SQL export
//! tui/               the explorer: app (state + pure update), action (keymap), view
//!                    (render), runtime (terminal, loader thread, clipboard, effects)
//! diff.rs            drift between two schemas (`pglens diff`)
//! report/            the plain-text summary for piped output; `pglens refs` output
//! sql/               the only place SQL text is built: identifier / literal quoting,
//!                    comments, CREATE INDEX rendering, fix statements
//! text.rs            text from a schema made safe to show (control, bidi, zero-width
//!                    characters as escapes) for terminals and Markdown
//! files.rs           writing output files atomically, never through a planted link
//! main.rs            the command line
//! ```
//!
//! # Data flow
//!
//! `source (live | snapshot | demo | sql files) -> model::Catalog -> audit -> findings ->
//! tui | output`; `diff` compares two catalogs.
//!
//! The model is the contract: whatever a rule or a view needs is read into it once, so
//! nothing downstream talks to the database. The price is that the model must be complete,
//! and that a live capture is a snapshot in time: reload to see changes.

pub mod audit;
pub mod categorize;
pub mod cleanup;
pub mod diff;
pub mod files;
pub mod model;
pub mod report;
pub mod rls;
pub mod source;
pub mod sql;
pub mod text;
pub mod tui;
