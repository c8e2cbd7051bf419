//! A finding as the Findings tab, the findings list and the full-text view show it: the
//! message, the rule, why it matters, and the whole fix with its notes.

use super::{Doc, Kind};
use crate::audit::{find_rule, Finding};

pub fn doc(f: &Finding) -> Doc {
    let mut doc = Doc::new(f.rule);
    let (kind, mark) = Kind::of_severity(f.severity);
    doc.line(kind, &format!("{mark} {}", f.message));
    doc.line(
        Kind::Accent,
        &format!(
            "{} ({}, {})",
            f.rule,
            f.severity.as_str(),
            f.category.as_str()
        ),
    );
    if let Some(reason) = &f.suppressed {
        doc.line(Kind::Muted, &format!("suppressed: {reason}"));
    }
    if let Some(entry) = find_rule(f.rule) {
        if let Some(why) = section(&entry.docs(), "## Why it matters") {
            doc.line(Kind::Muted, &why);
        }
    }
    match &f.fix {
        Some(fix) => {
            doc.line(
                Kind::Label,
                if fix.safe {
                    "fix (safe to paste):"
                } else {
                    "fix (REVIEW first):"
                },
            );
            for s in &fix.statements {
                doc.lines(Kind::Sql, &format!("{};", s.sql));
            }
            for n in &fix.notes {
                doc.line(Kind::Muted, &format!("note: {n}"));
            }
            doc.line(
                Kind::Muted,
                "y copies this fix, s suppresses the finding, S its whole rule",
            );
        }
        None => doc.line(Kind::Muted, "no fix SQL for this finding"),
    }
    doc
}

/// A doc section's text, joined into one paragraph.
pub fn section(docs: &str, heading: &str) -> Option<String> {
    let start = docs.find(heading)? + heading.len();
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "))
}
