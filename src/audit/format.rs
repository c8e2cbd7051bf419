//! Audit output: text for people (grouped by table, coloured on a terminal), JSON for tools,
//! SARIF 2.1.0 for code-scanning services, Markdown that reads like the seed documents.
//! All functions are pure: they return the text.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};

use super::{find_rule, Finding, Fix, Severity};
use crate::sql;
use crate::text::{visible, visible_lines};

/// Everything a report shows.
pub struct Report<'a> {
    /// Safe label of the source (never a password).
    pub source: &'a str,
    pub findings: &'a [Finding],
    /// Ignore-file entries that matched nothing, described.
    pub unused_ignores: &'a [String],
    /// Selected rules the source could not feed, so their silence is no all-clear.
    pub not_evaluated: &'a [super::NotEvaluated],
}

impl Report<'_> {
    fn counts(&self) -> (usize, usize, usize, usize) {
        let open = |s: Severity| {
            self.findings
                .iter()
                .filter(|f| f.severity == s && f.suppressed.is_none())
                .count()
        };
        let suppressed = self
            .findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .count();
        (
            open(Severity::Critical),
            open(Severity::Warning),
            open(Severity::Info),
            suppressed,
        )
    }

    fn summary_line(&self) -> String {
        let (c, w, i, s) = self.counts();
        format!(
            "{} findings: {c} critical, {w} warning, {i} info{}",
            c + w + i,
            if s > 0 {
                format!(" ({s} suppressed)")
            } else {
                String::new()
            }
        )
    }
}

/// Where a finding's object belongs when grouping: its table, or the object itself.
fn group_of(f: &Finding) -> String {
    match (&f.object.schema, &f.object.table, &f.object.name) {
        (Some(s), Some(t), _) => format!("{s}.{t}"),
        (Some(s), None, Some(n)) => format!("{s}.{n}"),
        (None, _, Some(n)) => format!("{} {n}", f.object.kind.as_str()),
        _ => "(database)".into(),
    }
}

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;31m",
        Severity::Warning => "\x1b[33m",
        Severity::Info => "\x1b[36m",
    }
}

fn severity_tag(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRIT",
        Severity::Warning => "WARN",
        Severity::Info => "INFO",
    }
}

/// Plain text grouped by table; ANSI colours when `colour` is set.
pub fn text(report: &Report<'_>, colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut groups: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in report.findings {
        groups.entry(group_of(f)).or_default().push(f);
    }
    // Natural order, so `012_x.sql:9` comes before `012_x.sql:40`.
    let mut groups: Vec<(String, Vec<&Finding>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| crate::text::natural_cmp(&a.0, &b.0));
    let mut out = String::new();
    let _ = writeln!(out, "pglens audit of {}", visible(report.source));
    for (group, findings) in &groups {
        let _ = writeln!(out, "\n{}", paint(BOLD, &visible(group)));
        for f in findings {
            let tag = paint(severity_colour(f.severity), severity_tag(f.severity));
            let line = format!(
                "{}  {}",
                visible(&f.message),
                paint(DIM, &format!("[{}]", f.rule))
            );
            match &f.suppressed {
                Some(reason) => {
                    let _ = writeln!(
                        out,
                        "  {}  {}",
                        paint(DIM, "SUPP"),
                        paint(DIM, &format!("{line} (suppressed: {})", visible(reason)))
                    );
                }
                None => {
                    let _ = writeln!(out, "  {tag}  {line}");
                }
            }
        }
    }
    for u in report.unused_ignores {
        let _ = writeln!(out, "\nunused ignore entry: {}", visible(u));
    }
    if !report.not_evaluated.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "not evaluated"));
        for n in report.not_evaluated {
            let _ = writeln!(out, "  {}: {}", n.rule, visible(&n.reason));
        }
    }
    let _ = writeln!(out, "\n{}", report.summary_line());
    out
}

/// The JSON document described in the README.
pub fn json(report: &Report<'_>) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_json(report, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON document, written to `out` one finding at a time: memory stays flat however
/// many findings there are. Keys are in alphabetical order, as they always were.
pub fn write_json(report: &Report<'_>, out: impl std::io::Write) -> std::io::Result<()> {
    use serde::Serialize;
    let formatter = crate::text::EscapingFormatter(serde_json::ser::PrettyFormatter::new());
    let mut out = std::io::BufWriter::new(out);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    JsonDocument {
        findings: Streamed(report.findings),
        not_evaluated: report.not_evaluated,
        pglens_version: env!("CARGO_PKG_VERSION"),
        source: report.source,
        unused_ignores: report.unused_ignores,
    }
    .serialize(&mut serializer)
    // Keep the kind, so that a closed pipe stays a closed pipe.
    .map_err(|e| match e.io_error_kind() {
        Some(kind) => std::io::Error::from(kind),
        None => std::io::Error::other(e),
    })?;
    std::io::Write::write_all(&mut out, b"\n")?;
    std::io::Write::flush(&mut out)
}

#[derive(serde::Serialize)]
struct JsonDocument<'a> {
    findings: Streamed<'a>,
    not_evaluated: &'a [super::NotEvaluated],
    pglens_version: &'static str,
    source: &'a str,
    unused_ignores: &'a [String],
}

/// The findings, each turned into its JSON shape only while it is written.
struct Streamed<'a>(&'a [Finding]);

impl serde::Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(JsonFinding::from))
    }
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    category: super::Category,
    fix: Option<JsonFix<'a>>,
    key: &'a str,
    message: &'a str,
    object: JsonObject<'a>,
    rule: &'a str,
    severity: Severity,
    suppressed: bool,
    suppression_reason: &'a Option<String>,
}

#[derive(serde::Serialize)]
struct JsonObject<'a> {
    kind: super::ObjectKind,
    name: &'a Option<String>,
    schema: &'a Option<String>,
    table: &'a Option<String>,
}

#[derive(serde::Serialize)]
struct JsonFix<'a> {
    notes: &'a [std::borrow::Cow<'static, str>],
    safe: bool,
    sql: String,
    statements: Vec<JsonStatement<'a>>,
}

#[derive(serde::Serialize)]
struct JsonStatement<'a> {
    outside_transaction: bool,
    sql: &'a str,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            category: f.category,
            fix: f.fix.as_ref().map(|x| JsonFix {
                notes: &x.notes,
                safe: x.safe,
                sql: x.script(),
                statements: x
                    .statements
                    .iter()
                    .map(|s| JsonStatement {
                        outside_transaction: s.outside_transaction,
                        sql: &s.sql,
                    })
                    .collect(),
            }),
            key: &f.key,
            message: &f.message,
            object: JsonObject {
                kind: f.object.kind,
                name: &f.object.name,
                schema: &f.object.schema,
                table: &f.object.table,
            },
            rule: f.rule,
            severity: f.severity,
            suppressed: f.suppressed.is_some(),
            suppression_reason: &f.suppressed,
        }
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0. A schema has no source file, so each result's location is a stable
/// repository-relative path naming the object (`schema/public/brands`), plus a logical
/// location; code-scanning services need a physical one.
pub fn sarif(report: &Report<'_>) -> String {
    let mut rule_ids: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids
        .iter()
        .filter_map(|id| find_rule(id))
        .map(|e| {
            let m = e.rule.meta();
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "help": { "text": e.docs(), "markdown": e.docs() },
                "defaultConfiguration": { "level": sarif_level(m.severity) },
                "properties": { "category": m.category, "counterparts": m.counterparts },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            // A migration finding points at a real file and line, which code-scanning
            // tools annotate; other findings get a logical place in the schema.
            let (uri, line) = match (
                f.object.kind,
                f.object.name.as_deref().and_then(|n| n.rsplit_once(':')),
            ) {
                (crate::audit::ObjectKind::Migration, Some((file, line))) => {
                    (file.to_string(), line.parse::<u32>().unwrap_or(1))
                }
                _ => {
                    let mut uri = format!(
                        "schema/{}",
                        f.object.schema.as_deref().unwrap_or("database")
                    );
                    for part in [&f.object.table, &f.object.name].into_iter().flatten() {
                        uri.push('/');
                        uri.push_str(&uri_safe(part));
                    }
                    (uri, 1)
                }
            };
            let mut result = json!({
                "ruleId": f.rule,
                "level": sarif_level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": line },
                    },
                    "logicalLocations": [{
                        "fullyQualifiedName": f.object.path(),
                        "kind": f.object.kind,
                    }],
                }],
                "partialFingerprints": { "pglensFindingKey/v1": f.key },
            });
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{ "kind": "external", "justification": reason }]);
            }
            if let Some(fix) = &f.fix {
                result["properties"] =
                    json!({ "fixSql": fix.script(), "fixNotes": fix.notes, "fixSafe": fix.safe });
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pglens",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/pglens/pglens",
                "rules": rules,
            }},
            "results": results,
            // Rules the source could not feed: a code-scanning upload must not read their
            // silence as an all-clear.
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": report.not_evaluated.iter().map(|n| json!({
                    "level": "note",
                    "descriptor": { "id": n.rule },
                    "message": { "text": format!("{} not evaluated: {}", n.rule, n.reason) },
                })).collect::<Vec<Value>>(),
            }],
        }],
    });
    crate::text::json_escaped(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")
}

/// Percent-encodes what a URI path segment cannot hold, so odd identifiers stay valid.
fn uri_safe(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Markdown grouped by severity, each finding with its fix in a fenced block. Every field
/// is shown with escapes for control characters; a last pass catches any that slipped by.
pub fn markdown(report: &Report<'_>) -> String {
    visible_lines(&markdown_document(report)).into_owned()
}

/// `schema.table` of a finding, or its object's path.
fn object_label(f: &Finding) -> String {
    match (&f.object.schema, &f.object.table) {
        (Some(s), Some(t)) => format!("{s}.{t}"),
        _ => f.object.path(),
    }
}

/// A group's heading and its members: the first twenty, then how many more.
fn markdown_group_heading(out: &mut String, group: &super::groups::Group<&Finding>) {
    const SHOWN: usize = 20;
    let _ = writeln!(
        out,
        "### {} ({} tables)\n",
        visible(&group.pattern),
        group.members.len()
    );
    let names = crate::text::first_and_more(
        group
            .members
            .iter()
            .map(|f| format!("`{}`", visible(&object_label(f)))),
        SHOWN,
    );
    let _ = writeln!(out, "{names}\n");
}

fn markdown_document(report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Schema audit: {}\n", visible(report.source));
    let _ = writeln!(out, "{}\n", report.summary_line());
    if !report.not_evaluated.is_empty() {
        out.push_str("Not evaluated (the source lacks what these rules read):\n\n");
        for n in report.not_evaluated {
            let _ = writeln!(out, "- `{}`: {}", n.rule, visible(&n.reason));
        }
        out.push('\n');
    }
    let sections = [
        (Severity::Critical, "🔴 Critical"),
        (Severity::Warning, "🟡 Important"),
        (Severity::Info, "🟢 Nice to have"),
    ];
    for (severity, title) in sections {
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity && f.suppressed.is_none())
            .collect();
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for group in super::groups::by_pattern(&findings, |f| f) {
            let f = group.members[0];
            if group.is_group() {
                markdown_group_heading(&mut out, &group);
            } else {
                let _ = writeln!(out, "### {}\n", visible(&f.message));
            }
            let summary = find_rule(f.rule)
                .map(|e| e.rule.meta().summary)
                .unwrap_or("");
            let _ = writeln!(out, "`{}` ({}): {summary}\n", f.rule, f.category.as_str());
            // Up to this many members, the group's fix is every member's statements.
            const FIXES_SHOWN: usize = 50;
            if group.is_group() && f.fix.is_some() {
                let fixes: Vec<&Fix> = group
                    .members
                    .iter()
                    .filter_map(|m| m.fix.as_ref())
                    .collect();
                if fixes.len() <= FIXES_SHOWN {
                    let script: Vec<String> = fixes.iter().map(|x| x.script()).collect();
                    let _ = writeln!(out, "{}\n", sql_block(&script.join("\n")));
                } else {
                    let _ = writeln!(
                        out,
                        "The fix for {}; the others are alike (`pglens audit --format json` lists each):\n",
                        visible(&object_label(f))
                    );
                    let _ = writeln!(out, "{}\n", sql_block(&fixes[0].script()));
                }
                for note in f.fix.iter().flat_map(|x| &x.notes) {
                    let _ = writeln!(out, "- {}", visible(note));
                }
                if f.fix.as_ref().is_some_and(|x| !x.notes.is_empty()) {
                    out.push('\n');
                }
                continue;
            }
            if let Some(fix) = &f.fix {
                let _ = writeln!(out, "{}\n", sql_block(&fix.script()));
                for note in &fix.notes {
                    let _ = writeln!(out, "- {}", visible(note));
                }
                if !fix.notes.is_empty() {
                    out.push('\n');
                }
            }
        }
    }
    let suppressed: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .collect();
    if !suppressed.is_empty() {
        let _ = writeln!(out, "## Suppressed\n");
        for f in suppressed {
            let _ = writeln!(
                out,
                "- {} (`{}`): {}",
                visible(&f.message),
                f.rule,
                visible(f.suppressed.as_deref().unwrap_or(""))
            );
        }
    }
    out
}

/// The policy a fix statement changes, as `name ON table` spelled as pglens writes it
/// (every policy statement comes from `sql::fix`, which quotes through one helper).
fn policy_target(sql: &str) -> Option<&str> {
    let rest = ["ALTER POLICY ", "DROP POLICY IF EXISTS ", "CREATE POLICY "]
        .iter()
        .find_map(|p| sql.strip_prefix(p))?;
    let name = identifier_end(rest)?;
    let table_start = name + rest[name..].strip_prefix(" ON ").map(|_| 4)?;
    let mut end = table_start + identifier_end(&rest[table_start..])?;
    if rest[end..].starts_with('.') {
        end += 1 + identifier_end(&rest[end + 1..])?;
    }
    Some(&rest[..end])
}

/// The length of the identifier `s` starts with: `"a ""quoted"" name"` or a bare word.
fn identifier_end(s: &str) -> Option<usize> {
    if let Some(quoted) = s.strip_prefix('"') {
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().is_some_and(|(_, n)| *n == '"') {
                    chars.next();
                } else {
                    return Some(i + 2);
                }
            }
        }
        None
    } else {
        let end = s.find([' ', '.', '(', ';']).unwrap_or(s.len());
        (end > 0).then_some(end)
    }
}

/// A fenced `sql` block that its content cannot close: the fence is longer than any run of
/// backticks inside, and control characters are shown as escapes.
pub fn sql_block(sql: &str) -> String {
    let longest = sql.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}sql\n{}\n{fence}", visible_lines(sql))
}

/// A fix script for the clipboard: a header saying what it is, then each finding's fix with
/// its rule, message and notes as comments. Statements that must run outside a transaction
/// say so. Every fix is drafted from the schema as it is, so a second fix of a policy an
/// earlier fix in the script already changes would put back what the first one removed
/// (a policy rebuilt on `app_metadata`, then altered from its old `user_metadata` text): it
/// is left out with a comment saying to re-audit.
pub fn fix_script(findings: &[&Finding], source: &str, title: &str) -> String {
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(&sql::comment(text));
        out.push('\n');
    };
    line(&format!("pglens fix script: {title}"));
    line(&format!(
        "source: {source}; {} finding(s). Review before running.",
        findings.len()
    ));
    if findings
        .iter()
        .any(|f| f.fix.as_ref().is_some_and(|x| !x.safe))
    {
        line("Some fixes are marked REVIEW: read their notes first.");
    }
    let mut changed: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        out.push('\n');
        out.push_str(&sql::comment(&format!(
            "[{}] {}: {}",
            f.severity.as_str(),
            f.rule,
            f.message
        )));
        out.push('\n');
        let targets: Vec<&str> = fix
            .statements
            .iter()
            .filter_map(|s| policy_target(&s.sql))
            .collect();
        if let Some(again) = targets.iter().find(|t| changed.contains(*t)) {
            out.push_str(&sql::comment(&format!(
                "not included: a fix above already changes policy {again}, and this one was \
                 drafted from it as it was; run the script, then audit again"
            )));
            out.push('\n');
            continue;
        }
        changed.extend(targets);
        if !fix.safe {
            out.push_str("-- REVIEW: not safe to run unread\n");
        }
        for note in &fix.notes {
            out.push_str(&sql::comment(&format!("note: {note}")));
            out.push('\n');
        }
        for s in &fix.statements {
            if s.outside_transaction {
                out.push_str("-- (outside a transaction block)\n");
            }
            let _ = writeln!(out, "{};", s.sql);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_targets_are_read_as_pglens_writes_them() {
        assert_eq!(
            policy_target(r#"ALTER POLICY "a ""b"" c" ON public.t USING (true)"#),
            Some(r#""a ""b"" c" ON public.t"#)
        );
        assert_eq!(
            policy_target(r#"DROP POLICY IF EXISTS p ON "my schema"."t 1""#),
            Some(r#"p ON "my schema"."t 1""#)
        );
        assert_eq!(policy_target("CREATE INDEX i ON t (a)"), None);
    }

    /// `Y` on everything the demo's audit finds: every policy dropped and recreated is
    /// inside `BEGIN` / `COMMIT` (a failed CREATE must not leave the table without its
    /// policy), and every `CONCURRENTLY` statement outside any transaction block (where
    /// PostgreSQL refuses it).
    #[test]
    fn scripts_keep_policy_rebuilds_in_a_transaction_and_concurrently_outside() {
        let catalog = crate::source::snapshot::demo();
        let findings = crate::audit::run(&catalog, &crate::audit::Selection::default());
        let all: Vec<&Finding> = findings.iter().filter(|f| f.fix.is_some()).collect();
        let script = fix_script(&all, "demo", "everything");
        let (mut depth, mut rebuilt, mut concurrent) = (0, 0, 0);
        for line in script.lines().filter(|l| !l.starts_with("--")) {
            match line.trim() {
                "BEGIN;" => {
                    assert_eq!(depth, 0, "nested BEGIN in:\n{script}");
                    depth = 1;
                }
                "COMMIT;" => {
                    assert_eq!(depth, 1, "COMMIT without BEGIN in:\n{script}");
                    depth = 0;
                }
                l if l.starts_with("DROP POLICY") => {
                    assert_eq!(depth, 1, "{l} outside a transaction");
                    rebuilt += 1;
                }
                l if l.contains("CONCURRENTLY") => {
                    assert_eq!(depth, 0, "{l} inside a transaction");
                    concurrent += 1;
                }
                _ => {}
            }
        }
        assert_eq!(depth, 0, "a transaction left open");
        assert!(rebuilt > 0 && concurrent > 0, "{rebuilt} {concurrent}");
    }

    /// The demo's `public.brands`: one fix rebuilds "admins manage brands" on
    /// `app_metadata`; two more were drafted from its `user_metadata` text and would put it
    /// back if the whole table's script (`Y`) were run.
    #[test]
    fn a_script_never_changes_a_policy_again_from_its_old_text() {
        let catalog = crate::source::snapshot::demo();
        let findings = crate::audit::run(&catalog, &crate::audit::Selection::default());
        let mut brands: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.object.path().starts_with("public.brands"))
            .collect();
        brands.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let script = fix_script(&brands, "demo", "public.brands");
        let created = script
            .find(r#"CREATE POLICY "admins manage brands""#)
            .unwrap_or_else(|| panic!("the metadata fix rebuilds the policy:\n{script}"));
        assert!(
            !script[created..].contains(r#"ALTER POLICY "admins manage brands""#),
            "{script}"
        );
        assert!(
            script.contains(
                r#"not included: a fix above already changes policy "admins manage brands" ON public.brands"#
            ),
            "{script}"
        );
    }
}
