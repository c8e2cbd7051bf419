//! The Markdown plan: summary, phases, each table with its evidence and dependents, risks.

use std::fmt::Write;

use crate::text::visible;

use super::{Merge, Resolved};
use crate::cleanup::evidence;
use crate::cleanup::{Decision, Mark};
use crate::model::{Catalog, QualifiedName, Relation};
use crate::sql::cleanup::{self as statements, MergeValue};
use crate::sql::fix;
use crate::sql::fix::BACKUP_SCHEMA;

/// The plan as Markdown. Names and notes come from the schema and the plan file, so the
/// finished text shows any control or invisible character in them as an escape.
pub(super) fn markdown(x: &Resolved<'_>, plan_file: &str) -> String {
    crate::text::visible_lines(&document(x, plan_file)).into_owned()
}

fn document(x: &Resolved<'_>, plan_file: &str) -> String {
    let mut out = String::new();
    let meta = &x.catalog.meta;
    let _ = writeln!(
        out,
        "{} {}\n",
        super::MARKDOWN_TITLE,
        visible(&meta.source_label)
    );
    let _ = writeln!(
        out,
        "Written by pglens from `{}`{}. The SQL script beside this file carries it out; pglens never runs it.\n",
        visible(plan_file),
        meta.captured_at
            .as_deref()
            .map(|t| format!(" against the schema as of {}", evidence::short_time(t)))
            .unwrap_or_default()
    );
    summary(&mut out, x);
    out.push_str("## Phase 1: Prepare\n\n");
    out.push_str("- [ ] Review this plan with the team; every decision below carries its note.\n");
    out.push_str("- [ ] Take a full backup (`pg_dump --format=custom`), and one per table that goes:\n\n```sh\n");
    for r in x.drop_order.iter().filter(|r| r.kind.is_table()) {
        let file = statements::dump_file_name(&fix::backup_of(r).name);
        let _ = writeln!(out, "{}", statements::pg_dump_command(r, &file));
    }
    out.push_str("```\n\n");
    match meta.statistics_window().map(|(age, _)| age) {
        Some(age) => {
            let _ = writeln!(
                out,
                "- [ ] Usage below was counted over {} of statistics; make sure that window covers monthly jobs and reports.",
                evidence::age_words(age)
            );
        }
        None => out.push_str(
            "- [ ] The source does not say how long statistics have been counting: confirm usage on production (`pg_stat_user_tables`) over a full business cycle before dropping anything.\n",
        ),
    }
    for (q, m) in x.plan.with_tag("investigate") {
        let _ = writeln!(out, "- [ ] Investigate `{}`{}", shown(q), note_suffix(m));
    }
    out.push('\n');
    let mut phase = 2;
    if !x.merges.is_empty() {
        let _ = writeln!(out, "## Phase {phase}: Consolidate\n");
        phase += 1;
        for m in &x.merges {
            merge_section(&mut out, x, m);
        }
    }
    let drops: Vec<&&Relation> = x
        .drop_order
        .iter()
        .filter(|r| {
            matches!(
                x.plan.mark(&r.qualified_name()).map(|m| &m.decision),
                Some(Decision::Drop)
            )
        })
        .collect();
    if !drops.is_empty() {
        let _ = writeln!(out, "## Phase {phase}: Drop\n");
        phase += 1;
        out.push_str(
            "| table | rows | size | use | dependents | note |\n|---|---|---|---|---|---|\n",
        );
        for r in drops {
            let q = r.qualified_name();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                cell(&q.to_string()),
                rows(r),
                size(r),
                use_cell(x.catalog, r),
                dependents_cell(x, &q),
                x.plan.mark(&q).map(|m| cell(&m.note)).unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Phase {phase}: Validate\n");
    out.push_str("- [ ] Row counts: every merged table's rows are in its new table; every dropped table's rows are in `pglens_backup`.\n");
    out.push_str("- [ ] Watch error logs for 48 hours for SQL naming a dropped table.\n");
    out.push_str("- [ ] Drop the `pglens_backup` schema once the team signs off (keep it at least 30 days).\n\n");
    risks(&mut out, x);
    code_section(&mut out, x);
    let kept: Vec<(&QualifiedName, &Mark)> = x.plan.with_tag("keep").collect();
    if !kept.is_empty() {
        out.push_str("## Kept\n\n");
        for (q, m) in kept {
            let _ = writeln!(out, "- `{}`{}", shown(q), note_suffix(m));
        }
        out.push('\n');
    }
    out
}

fn summary(out: &mut String, x: &Resolved<'_>) {
    let count = |tag| x.plan.with_tag(tag).count();
    let tables_now = x
        .catalog
        .relations
        .iter()
        .filter(|r| r.kind.is_table() && r.partition_of.is_none() && r.extension.is_none())
        .filter(|r| r.schema != BACKUP_SCHEMA)
        .count();
    let going = x.drop_order.iter().filter(|r| r.kind.is_table()).count();
    out.push_str("## Summary\n\n");
    let _ = writeln!(
        out,
        "- Tables: {tables_now} today, {} after this plan.",
        tables_now.saturating_sub(going)
    );
    let _ = writeln!(
        out,
        "- Decisions: {} drop, {} merge, {} keep, {} investigate.",
        count("drop"),
        count("merge"),
        count("keep"),
        count("investigate")
    );
    let bytes: i64 = x
        .drop_order
        .iter()
        .filter_map(|r| r.stats.as_ref()?.total_bytes)
        .sum();
    if bytes > 0 {
        let _ = writeln!(
            out,
            "- Space the removed tables use today: {}.",
            evidence::human_bytes(bytes)
        );
    }
    out.push('\n');
}

fn merge_section(out: &mut String, x: &Resolved<'_>, m: &Merge<'_>) {
    let (from, into) = (m.from.qualified_name(), m.into.qualified_name());
    let _ = writeln!(out, "### `{}` into `{}`\n", shown(&from), shown(&into));
    if let Some(mark) = x.plan.mark(&from).filter(|m| !m.note.is_empty()) {
        let _ = writeln!(out, "{}\n", visible(&mark.note));
    }
    let _ = writeln!(
        out,
        "- Evidence: {} rows, {}; {}.",
        rows(m.from),
        size(m.from),
        evidence::usage_summary(x.catalog, m.from)
    );
    let mapping: Vec<String> = m
        .values
        .iter()
        .map(|v| match v {
            MergeValue::Column { name, .. } => format!("`{}`", shown(name)),
            MergeValue::Expression { target, sql } => {
                format!("`{}` = `{}`", shown(target), shown(sql))
            }
        })
        .collect();
    let _ = writeln!(out, "- Copies: {}.", mapping.join(", "));
    if !m.lost.is_empty() {
        let _ = writeln!(
            out,
            "- Not copied (only in `{}`; kept in the backup): {}.",
            shown(&from),
            m.lost
                .iter()
                .map(|c| format!("`{}`", shown(c)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !m.unfilled.is_empty() {
        let _ = writeln!(
            out,
            "- **Will fail:** `{}` requires {} and nothing fills it; add a `map` entry to the plan.",
            shown(&into),
            m.unfilled.iter().map(|c| format!("`{}`", shown(c))).collect::<Vec<_>>().join(", ")
        );
    }
    let _ = writeln!(
        out,
        "- Dependents to move first: {}.",
        dependents_cell(x, &from)
    );
    if m.ledger.is_none() {
        let _ = writeln!(
            out,
            "- `{}` has no primary key: the rollback cannot pick out the merged rows.",
            shown(&into)
        );
    }
    out.push('\n');
}

fn risks(out: &mut String, x: &Resolved<'_>) {
    out.push_str("## Risks\n\n");
    let mut any = false;
    for (table, deps) in &x.blockers {
        for d in deps {
            any = true;
            let _ = writeln!(
                out,
                "- **Blocker:** {} {} uses `{}`; the script stops at its drop until that is changed or removed.",
                d.kind.label(),
                shown(&d.label),
                shown(table)
            );
        }
    }
    for d in &x.detached {
        any = true;
        let _ = writeln!(
            out,
            "- Foreign key `{}` on `{}` points at `{}`; the script detaches it (the rollback puts it back). Repoint the column or drop it.",
            shown(&d.name),
            shown(&d.table.qualified_name()),
            shown(&d.target)
        );
    }
    for (table, deps) in &x.runtime {
        for d in deps.iter().filter(|d| !d.goes_with_table) {
            any = true;
            let _ = writeln!(
                out,
                "- {} {} mentions `{}`: it will fail when it runs after the drop.",
                d.kind.label(),
                shown(&d.label),
                shown(table)
            );
        }
    }
    for m in &x.merges {
        if !m.lost.is_empty() {
            any = true;
            let _ = writeln!(
                out,
                "- Data loss: `{}` has {} that `{}` has no place for.",
                shown(&m.from.qualified_name()),
                shown(&m.lost.join(", ")),
                shown(&m.into.qualified_name())
            );
        }
    }
    for r in x
        .drop_order
        .iter()
        .filter(|r| r.stats.is_none() && r.kind.is_table())
    {
        any = true;
        let _ = writeln!(
            out,
            "- Unknown usage: `{}` has no statistics in this source.",
            shown(&r.qualified_name())
        );
    }
    for q in &x.missing {
        any = true;
        let _ = writeln!(
            out,
            "- `{}` is in the plan but not in this source; it was left out.",
            shown(q)
        );
    }
    if let Some(code) = &x.catalog.code {
        for r in x.drop_order.iter().filter(|r| r.kind.is_table()) {
            let q = r.qualified_name();
            let used: Vec<String> = code
                .of(&q)
                .unwrap_or_default()
                .iter()
                .filter(|c| c.how.is_use())
                .map(|c| format!("`{}:{}`", shown(&c.file), c.line))
                .collect();
            if let Some(first) = used.first() {
                any = true;
                let more = match used.len() {
                    1 => String::new(),
                    n => format!(" and {} more places", n - 1),
                };
                let _ = writeln!(
                    out,
                    "- **Code:** the application still uses `{}` ({first}{more}); it breaks when the table is gone.",
                    shown(&q)
                );
            }
        }
    }
    if !any {
        match &x.catalog.code {
            Some(code) => {
                let _ = writeln!(
                    out,
                    "- None found in the schema, nor in the {} files of code searched (see References in code).",
                    code.files
                );
            }
            None => out.push_str("- None found in the schema. Application code can still name these tables: search the code base before running (or export with `--code DIR`).\n"),
        }
    }
    out.push('\n');
}

fn dependents_cell(x: &Resolved<'_>, q: &QualifiedName) -> String {
    let deps: Vec<String> = x
        .dependents
        .of(q)
        .iter()
        .filter(|d| !d.goes_with_table)
        .map(|d| format!("{} {}", d.kind.label(), shown(&d.label)))
        .collect();
    if deps.is_empty() {
        "none".into()
    } else {
        cell(&deps.join("; "))
    }
}

/// The usage summary, with when a scan last read the table where the server records it.
fn use_cell(catalog: &Catalog, r: &Relation) -> String {
    let last = r
        .stats
        .as_ref()
        .and_then(|s| s.last_read.as_deref())
        .map(|t| format!(" (last read {})", evidence::short_time(t)))
        .unwrap_or_default();
    let code = catalog
        .code
        .as_ref()
        .and_then(|c| c.summary(&r.qualified_name()))
        .map(|c| format!("; {c}"))
        .unwrap_or_default();
    cell(&format!(
        "{}{last}{code}",
        evidence::usage_summary(catalog, r)
    ))
}

/// References listed per table in the plan; the rest are counted.
const REFERENCES_LISTED: usize = 20;

/// Where the application's code names the tables the plan removes (`--code`), per table.
fn code_section(out: &mut String, x: &Resolved<'_>) {
    let Some(code) = &x.catalog.code else { return };
    let going: Vec<QualifiedName> = x
        .drop_order
        .iter()
        .filter(|r| r.kind.is_table())
        .map(|r| r.qualified_name())
        .collect();
    if going.is_empty() {
        return;
    }
    out.push_str(
        "## References in code

",
    );
    let _ = writeln!(
        out,
        "Searched {} files in {}; bare mentions (comments, identifiers) are listed as such.\n",
        code.files,
        code.roots
            .iter()
            .map(|r| format!("`{}`", shown(r)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for q in &going {
        let refs = code.of(q).unwrap_or_default();
        if refs.is_empty() {
            let _ = writeln!(out, "- `{}`: no references.", shown(q));
            continue;
        }
        let _ = writeln!(
            out,
            "- `{}`: {}",
            shown(q),
            cell(&crate::model::code::summary(refs, code.files))
        );
        for r in refs.iter().take(REFERENCES_LISTED) {
            let _ = writeln!(
                out,
                "  - `{}:{}` ({})",
                shown(&r.file),
                r.line,
                r.how.as_str()
            );
        }
        if refs.len() > REFERENCES_LISTED {
            let _ = writeln!(
                out,
                "  - and {} more (`pglens refs` lists them all)",
                refs.len() - REFERENCES_LISTED
            );
        }
    }
    out.push('\n');
}

fn rows(r: &Relation) -> String {
    r.stats
        .as_ref()
        .and_then(|s| s.estimated_rows)
        .map(evidence::human_count)
        .unwrap_or_else(|| "unknown".into())
}

fn size(r: &Relation) -> String {
    r.stats
        .as_ref()
        .and_then(|s| s.total_bytes)
        .map(evidence::human_bytes)
        .unwrap_or_else(|| "size unknown".into())
}

/// A name or note as one line of Markdown: control and invisible characters (line breaks
/// too, which would start a heading or a checklist item of their own) as escapes.
fn shown(text: &impl std::fmt::Display) -> String {
    visible(&text.to_string()).into_owned()
}

fn note_suffix(m: &Mark) -> String {
    if m.note.is_empty() {
        String::new()
    } else {
        format!(": {}", visible(&m.note))
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    visible(&text.replace('|', "\\|")).into_owned()
}
