//! Findings at volume: on a schema of thousands of alike tables, one rule says the same thing
//! about each of them (`{table}.email has no CHECK constraint`). Reports show such findings
//! as one group with its members, so a reader sees one decision to make, not five thousand.

use super::Finding;

/// The fewest alike findings that are shown as a group.
pub const MIN_GROUP: usize = 5;

/// Findings of one rule that read the same once their table's name is set aside, or a
/// single finding.
pub struct Group<'a> {
    /// The message with the table's name written `{table}`.
    pub pattern: String,
    pub members: Vec<&'a Finding>,
}

impl Group<'_> {
    pub fn is_group(&self) -> bool {
        self.members.len() >= MIN_GROUP
    }
}

/// A finding's message with its own table's qualified and bare name written `{table}`.
pub fn pattern(f: &Finding) -> String {
    let mut message = f.message.clone();
    if let (Some(schema), Some(table)) = (&f.object.schema, &f.object.table) {
        message = message.replace(&format!("{schema}.{table}"), "{table}");
        // A bare name only when it is long enough not to be part of every other word.
        if table.chars().count() >= 3 {
            message = message.replace(table.as_str(), "{table}");
        }
    }
    message
}

/// Groups `findings` by rule and pattern, in the order each pattern first appears; a
/// pattern with fewer than [`MIN_GROUP`] members gives one single group per finding.
pub fn by_pattern<'a>(findings: &[&'a Finding]) -> Vec<Group<'a>> {
    let mut order: Vec<(&'static str, String)> = Vec::new();
    let mut members: std::collections::HashMap<(&'static str, String), Vec<&'a Finding>> =
        std::collections::HashMap::new();
    for f in findings {
        let key = (f.rule, pattern(f));
        let entry = members.entry(key.clone()).or_default();
        if entry.is_empty() {
            order.push(key);
        }
        entry.push(f);
    }
    let mut out = Vec::new();
    for key in order {
        let found = members.remove(&key).unwrap_or_default();
        if found.len() >= MIN_GROUP {
            out.push(Group {
                pattern: key.1,
                members: found,
            });
        } else {
            out.extend(found.into_iter().map(|f| Group {
                pattern: f.message.clone(),
                members: vec![f],
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Category, ObjectKind, ObjectRef, Severity};

    fn finding(table: &str, message: &str) -> Finding {
        Finding {
            key: format!("r:{table}"),
            rule: "unconstrained-value-column",
            severity: Severity::Info,
            category: Category::Integrity,
            object: ObjectRef::part(ObjectKind::Column, "app", table, "email"),
            message: message.replace("{t}", table),
            related: None,
            fix: None,
            suppressed: None,
        }
    }

    #[test]
    fn alike_findings_group_and_the_rest_stay_single() {
        let mut all: Vec<Finding> = (0..6)
            .map(|i| finding(&format!("crm_{i}"), "app.{t}.email has no CHECK constraint"))
            .collect();
        all.push(finding("leads", "app.leads.email is odd"));
        let refs: Vec<&Finding> = all.iter().collect();
        let groups = by_pattern(&refs);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].pattern, "{table}.email has no CHECK constraint");
        assert_eq!(groups[0].members.len(), 6);
        assert!(!groups[1].is_group());
    }
}
