//! `pglens rls` output: text for people, JSON (top-level `leaks`) for CI, Markdown for a
//! review document. Names from the database go through `text::visible` (text, Markdown) or
//! `text::json_escaped` (JSON).

use std::fmt::Write as _;

use super::{CommandResult, RlsReport, ROW_BOUND};
use crate::text::visible;

/// Who the report is about, in words: `user 1b2c… (a@example.com) as authenticated`.
fn subject_line(r: &RlsReport) -> String {
    let s = &r.subject;
    match (&s.user_id, &s.email) {
        (Some(id), Some(email)) => format!("user {id} ({email}) as role {}", s.role),
        (Some(id), None) => format!("user {id} as role {}", s.role),
        _ => format!("role {} (no user)", s.role),
    }
}

/// A count as a number: `3`, or `10000+` where the count stopped.
fn count(n: i64, bounded: bool) -> String {
    if bounded {
        format!("{ROW_BOUND}+")
    } else {
        n.to_string()
    }
}

/// A number of rows in words: `1 row`, `3 rows`, `10000+ rows` where the count stopped.
pub fn rows(n: i64, bounded: bool) -> String {
    match (n, bounded) {
        (1, false) => "1 row".into(),
        _ => format!("{} rows", count(n, bounded)),
    }
}

/// What a leak reaches: rows of someone else's, or for INSERT the row it would admit.
pub fn leak_rows(l: &super::Leak) -> String {
    if l.command == "INSERT" {
        "a new row of someone else's".into()
    } else {
        format!("{} of someone else's", rows(l.rows, l.bounded))
    }
}

/// What a table showed, in a few words.
pub fn select_words(c: &CommandResult) -> String {
    match c {
        CommandResult::NotGranted => "no SELECT privilege".into(),
        CommandResult::Counted {
            rows,
            foreign,
            bounded,
        } => match foreign {
            _ if *rows == 0 => "0 rows visible".into(),
            Some(0) => format!("{} visible, all its own", self::rows(*rows, *bounded)),
            Some(f) => format!(
                "{} visible, {} of them someone else's",
                self::rows(*rows, *bounded),
                count(*f, *bounded && *f >= ROW_BOUND)
            ),
            None => format!(
                "{} visible (no scope to judge by)",
                self::rows(*rows, *bounded)
            ),
        },
        CommandResult::Failed { error } => format!("cannot read: {error}"),
    }
}

/// What UPDATE, DELETE and INSERT allow, for the roles that hold those privileges.
pub fn write_words(t: &super::TableResult) -> String {
    use super::InsertResult;
    let mut parts = Vec::new();
    for (command, result) in [("UPDATE", &t.update), ("DELETE", &t.delete)] {
        match result {
            CommandResult::NotGranted => {}
            CommandResult::Counted {
                rows,
                foreign,
                bounded,
            } => parts.push(match foreign {
                Some(f) if *f > 0 => format!(
                    "{command} {}, {} someone else's",
                    self::rows(*rows, *bounded),
                    count(*f, *bounded && *f >= ROW_BOUND)
                ),
                _ => format!("{command} {}", self::rows(*rows, *bounded)),
            }),
            CommandResult::Failed { error } => {
                parts.push(format!("{command} not counted: {error}"))
            }
        }
    }
    match &t.insert {
        InsertResult::NotGranted => {}
        InsertResult::NotJudged => parts.push("INSERT allowed, not judged".into()),
        InsertResult::Probed {
            admits_foreign_row, ..
        } => parts.push(
            if *admits_foreign_row {
                "INSERT admits someone else's row"
            } else {
                "INSERT refuses someone else's row"
            }
            .into(),
        ),
        InsertResult::Failed { error } => parts.push(format!("INSERT not judged: {error}")),
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join("; "))
    }
}

pub fn text(r: &RlsReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pglens rls on {} for {}",
        visible(&r.source),
        visible(&subject_line(r))
    );
    let _ = writeln!(out);
    if r.leaks.is_empty() {
        let _ = writeln!(out, "No leak: nothing visible belongs to someone else.");
    } else {
        let _ = writeln!(out, "LEAKS ({})", r.leaks.len());
        for l in &r.leaks {
            let _ = writeln!(
                out,
                "  {}.{} {}: {} ({}); {}",
                visible(&l.schema),
                visible(&l.table),
                l.command,
                leak_rows(l),
                visible(&l.scope),
                visible(&l.why)
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Tables and views the role can reach");
    for t in &r.tables {
        if t.select == CommandResult::NotGranted {
            continue;
        }
        let _ = writeln!(
            out,
            "  {}.{} ({}): {}{}",
            visible(&t.schema),
            visible(&t.table),
            t.kind,
            visible(&select_words(&t.select)),
            visible(&write_words(t))
        );
    }
    let hidden = r
        .tables
        .iter()
        .filter(|t| t.select == CommandResult::NotGranted)
        .count();
    if hidden > 0 {
        let _ = writeln!(out, "  ({hidden} more without a SELECT privilege)");
    }
    if !r.bypasses.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Ways around row security the role can take");
        for b in &r.bypasses {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                b.kind,
                visible(&b.name),
                visible(&b.why)
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Limits");
    for l in &r.limits {
        let _ = writeln!(out, "  {l}");
    }
    out
}

pub fn json(r: &RlsReport) -> String {
    let value = serde_json::to_string_pretty(r).unwrap_or_else(|_| "{}".into());
    crate::text::json_escaped(value) + "\n"
}

pub fn markdown(r: &RlsReport) -> String {
    let md = |s: &str| visible(s).replace('|', "\\|");
    let mut out = String::new();
    let _ = writeln!(out, "# RLS as {}\n", md(&subject_line(r)));
    let _ = writeln!(out, "Source: {}\n", md(&r.source));
    if r.leaks.is_empty() {
        let _ = writeln!(
            out,
            "**No leak**: nothing visible belongs to someone else.\n"
        );
    } else {
        let _ = writeln!(out, "## Leaks\n");
        let _ = writeln!(out, "| table | command | rows | scope | why |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for l in &r.leaks {
            let _ = writeln!(
                out,
                "| {}.{} | {} | {} | {} | {} |",
                md(&l.schema),
                md(&l.table),
                l.command,
                if l.command == "INSERT" {
                    "1 (new)".to_string()
                } else {
                    rows(l.rows, l.bounded)
                },
                md(&l.scope),
                md(&l.why)
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Tables\n");
    let reachable: Vec<_> = r
        .tables
        .iter()
        .filter(|t| t.select != CommandResult::NotGranted)
        .collect();
    if reachable.is_empty() {
        let _ = writeln!(out, "None: the role holds SELECT on none of them.");
    } else {
        let _ = writeln!(out, "| table | kind | SELECT | writes |");
        let _ = writeln!(out, "|---|---|---|---|");
    }
    for t in reachable {
        let _ = writeln!(
            out,
            "| {}.{} | {} | {} | {} |",
            md(&t.schema),
            md(&t.table),
            t.kind,
            md(&select_words(&t.select)),
            md(write_words(t).trim_start_matches("; "))
        );
    }
    if !r.bypasses.is_empty() {
        let _ = writeln!(out, "\n## Ways around row security\n");
        for b in &r.bypasses {
            let _ = writeln!(out, "- {} `{}`: {}", b.kind, md(&b.name), md(&b.why));
        }
    }
    let _ = writeln!(out, "\n## Limits\n");
    for l in &r.limits {
        let _ = writeln!(out, "- {l}");
    }
    out
}
