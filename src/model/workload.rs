//! The recorded workload: what `pg_stat_statements` says the application runs against each
//! table, read from a live database and parsed with PostgreSQL's parser (`sql::workload`).
//!
//! Plain data like the rest of the model, so a snapshot keeps the evidence it was judged
//! on. Statements are the server's normalized texts (`WHERE id = $1`), grouped by query id
//! across roles, the heaviest by total time first.

use serde::{Deserialize, Serialize};

use super::QualifiedName;

/// What the source could say about the recorded workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum WorkloadRecord {
    /// `pg_stat_statements` was read.
    Recorded(Workload),
    /// It could not be read, and why, in words for the report ("pg_stat_statements is not
    /// installed in this database").
    Unavailable { reason: String },
}

impl WorkloadRecord {
    /// The workload, when it was read.
    pub fn recorded(&self) -> Option<&Workload> {
        match self {
            WorkloadRecord::Recorded(w) => Some(w),
            WorkloadRecord::Unavailable { .. } => None,
        }
    }
}

/// `pg_stat_statements` for this database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// The schema the extension's view lives in (`extensions` on Supabase).
    pub schema: String,
    /// The heaviest statements by total execution time, at most [`STATEMENT_LIMIT`].
    pub statements: Vec<RecordedStatement>,
    /// Statements in this database whose text the reading role may not see: another role
    /// ran them and the reader lacks `pg_read_all_stats`.
    #[serde(default)]
    pub hidden: u64,
    /// When the extension's counters were last reset (PostgreSQL 14 and later say), as the
    /// server printed it; older servers count since the server started at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<String>,
    /// What the planner said about the indexes the workload suggests, when HypoPG is
    /// installed in the database (pglens installs nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypothetical: Option<Vec<HypotheticalIndex>>,
}

/// At most this many statements are read, the heaviest first.
pub const STATEMENT_LIMIT: usize = 500;

/// One normalized statement and its counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordedStatement {
    /// The normalized text, constants replaced by `$1`, `$2`...
    pub query: String,
    pub calls: i64,
    /// Total execution time in milliseconds.
    pub total_ms: f64,
    /// Rows returned or changed, over all calls.
    pub rows: i64,
    pub kind: StatementKind,
    /// The relations the statement reads or writes, resolved against the catalog.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<QualifiedName>,
    /// The columns it filters, joins and sorts on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnUse>,
    /// Whether the statement ends in `LIMIT` (a sort can then stop early on an index).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub limited: bool,
}

impl RecordedStatement {
    /// Mean execution time in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        if self.calls > 0 {
            self.total_ms / self.calls as f64
        } else {
            0.0
        }
    }

    /// Whether the statement touches `table`.
    pub fn touches(&self, table: &QualifiedName) -> bool {
        self.relations.contains(table)
    }

    /// The text on one line, whitespace collapsed, cut to `width` characters with `…`.
    pub fn one_line(&self, width: usize) -> String {
        one_line(&self.query, width)
    }

    /// Its calls in words: "1 call", "1,204 calls".
    pub fn calls_words(&self) -> String {
        format!(
            "{} call{}",
            grouped(self.calls),
            if self.calls == 1 { "" } else { "s" }
        )
    }

    /// Its counters, as evidence reads them: "1,204 calls, 3.1 ms mean, 3.7 s in all".
    pub fn counters(&self) -> String {
        format!(
            "{}, {} mean, {} in all",
            self.calls_words(),
            duration(self.mean_ms()),
            duration(self.total_ms)
        )
    }
}

/// A statement's text on one line, whitespace collapsed, cut to `width` characters with `…`.
pub fn one_line(query: &str, width: usize) -> String {
    let mut line = query.split_whitespace().collect::<Vec<_>>().join(" ");
    // PostgREST wraps every request alike: the request inside is what tells them apart.
    if let Some(request) = line.strip_prefix("WITH pgrst_source AS (") {
        line = format!("PostgREST: {request}");
    }
    if line.chars().count() <= width {
        return line;
    }
    let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `1234567` as `1,234,567`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Milliseconds as people read them: `0.42 ms`, `12 ms`, `3.4 s`, `2.1 min`.
pub fn duration(ms: f64) -> String {
    match ms {
        m if m < 10.0 => format!("{m:.2} ms"),
        m if m < 1_000.0 => format!("{m:.0} ms"),
        m if m < 60_000.0 => format!("{:.1} s", m / 1_000.0),
        m if m < 3_600_000.0 => format!("{:.1} min", m / 60_000.0),
        m => format!("{:.1} h", m / 3_600_000.0),
    }
}

/// What kind of statement it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    /// Anything else (utility statements, text the parser rejects).
    #[default]
    Other,
}

impl StatementKind {
    /// Whether the planner can be asked about it with `EXPLAIN` (a plan, never a run).
    pub fn explainable(self) -> bool {
        matches!(
            self,
            StatementKind::Select | StatementKind::Update | StatementKind::Delete
        )
    }
}

/// A column a statement uses, and how.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ColumnUse {
    pub relation: QualifiedName,
    pub column: String,
    pub role: ColumnRole,
}

/// How a statement uses a column: what an index leading with it could serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// `col = $1`, `col IN (...)`, `col = ANY($1)`.
    Equality,
    /// `col < $1`, `col BETWEEN $1 AND $2`.
    Range,
    /// `a.col = b.other` in a join condition.
    Join,
    /// `ORDER BY col`.
    Sort,
}

/// An index the workload suggests, as the planner judged it with HypoPG: the cost of the
/// heaviest statement it serves without it and with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HypotheticalIndex {
    pub relation: QualifiedName,
    pub columns: Vec<String>,
    /// The statement the planner was asked about.
    pub query: String,
    /// The planner's total cost estimates without and with the index; None when asking
    /// failed (`error` says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_before: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_after: Option<f64>,
    /// Whether the plan with the index uses it.
    #[serde(default)]
    pub used: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Workload {
    /// The statements that touch `table`, heaviest first.
    pub fn statements_on<'a>(
        &'a self,
        table: &'a QualifiedName,
    ) -> impl Iterator<Item = &'a RecordedStatement> + 'a {
        self.statements.iter().filter(move |s| s.touches(table))
    }

    /// Execution time of the recorded statements that touch `table`, in milliseconds; None
    /// when none of them does.
    pub fn time_on(&self, table: &QualifiedName) -> Option<f64> {
        let mut on = self.statements_on(table).peekable();
        on.peek()?;
        Some(on.map(|s| s.total_ms).sum())
    }

    /// What the workload says about `table`, in a line: "4 statements: 1,204 calls, 3.7 s
    /// (of 500 recorded)".
    pub fn summary_of(&self, table: &QualifiedName) -> String {
        let on: Vec<&RecordedStatement> = self.statements_on(table).collect();
        if on.is_empty() {
            return format!(
                "none of the {} statements recorded touches it",
                self.statements.len()
            );
        }
        let calls: i64 = on.iter().map(|s| s.calls).sum();
        let total: f64 = on.iter().map(|s| s.total_ms).sum();
        let hidden = if self.hidden > 0 {
            format!(
                "; {} more hidden from this role",
                grouped(self.hidden as i64)
            )
        } else {
            String::new()
        };
        format!(
            "{} statement{}: {} calls, {} (of {} recorded{hidden})",
            on.len(),
            if on.len() == 1 { "" } else { "s" },
            grouped(calls),
            duration(total),
            self.statements.len(),
        )
    }

    /// The planner's verdict on an index over `columns` of `table`, when it was asked.
    pub fn hypothetical_for(
        &self,
        table: &QualifiedName,
        columns: &[String],
    ) -> Option<&HypotheticalIndex> {
        self.hypothetical
            .as_ref()?
            .iter()
            .find(|h| &h.relation == table && h.columns == columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_reads_as_words() {
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(-1_000), "-1,000");
        assert_eq!(grouped(12), "12");
        assert_eq!(duration(0.4213), "0.42 ms");
        assert_eq!(duration(3_400.0), "3.4 s");
        let s = RecordedStatement {
            query: "SELECT *\n  FROM leads\n WHERE status = $1".into(),
            calls: 1_204,
            total_ms: 3_700.0,
            ..RecordedStatement::default()
        };
        assert_eq!(s.one_line(80), "SELECT * FROM leads WHERE status = $1");
        assert_eq!(s.one_line(12), "SELECT * FR…");
        assert_eq!(s.counters(), "1,204 calls, 3.07 ms mean, 3.7 s in all");
        assert_eq!(
            one_line(
                r#"WITH pgrst_source AS (SELECT "public"."leads".* FROM "public"."leads") SELECT 1"#,
                48
            ),
            r#"PostgREST: SELECT "public"."leads".* FROM "publ…"#
        );
    }
}
