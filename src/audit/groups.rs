//! Findings at volume: on a schema of thousands of alike tables, one rule says the same thing
//! about each of them (`{table}.email has no CHECK constraint`). Reports show such findings
//! as one group with its members, so a reader sees one decision to make, not five thousand.

use super::Finding;

/// The fewest alike findings that are shown as a group.
pub const MIN_GROUP: usize = 5;

/// Findings of one rule that read the same once their table's name is set aside, or a
/// single finding. `T` is how the caller holds a finding: a reference, or an index.
pub struct Group<T> {
    /// The message with the table's name written `{table}`.
    pub pattern: String,
    pub members: Vec<T>,
}

impl<T> Group<T> {
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

/// Groups `items` (each read as a finding through `finding`) by rule and pattern, in the
/// order each pattern first appears; a pattern with fewer than [`MIN_GROUP`] members gives
/// one single group per finding, with its own message.
pub fn by_pattern<'a, T: Copy>(items: &[T], finding: impl Fn(T) -> &'a Finding) -> Vec<Group<T>> {
    let patterns: Vec<String> = items.iter().map(|&t| pattern(finding(t))).collect();
    let positions: Vec<usize> = (0..items.len()).collect();
    rows(&positions, |i| {
        (finding(items[i]).rule, patterns[i].as_str())
    })
    .into_iter()
    .map(|members| Group {
        pattern: if members.len() >= MIN_GROUP {
            patterns[members[0]].clone()
        } else {
            finding(items[members[0]]).message.clone()
        },
        members: members.iter().map(|&i| items[i]).collect(),
    })
    .collect()
}

/// The rows a report shows: `items` split by `key` (see [`alike`]), each split of at least
/// [`MIN_GROUP`] one row, any smaller one a row per item.
pub fn rows<T: Copy, K: std::hash::Hash + Eq>(items: &[T], key: impl Fn(T) -> K) -> Vec<Vec<T>> {
    alike(items, key)
        .into_iter()
        .flat_map(|members| {
            if members.len() >= MIN_GROUP {
                vec![members]
            } else {
                members.into_iter().map(|m| vec![m]).collect()
            }
        })
        .collect()
}

/// `items` split by `key`, in the order each key first appears. Callers that keep patterns
/// (the explorer computes them once per load) group through this directly.
pub fn alike<T: Copy, K: std::hash::Hash + Eq>(items: &[T], key: impl Fn(T) -> K) -> Vec<Vec<T>> {
    let mut slot: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut out: Vec<Vec<T>> = Vec::new();
    for &item in items {
        let next = out.len();
        let at = *slot.entry(key(item)).or_insert(next);
        if at == next {
            out.push(Vec::new());
        }
        out[at].push(item);
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
        let groups = by_pattern(&refs, |f| f);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].pattern, "{table}.email has no CHECK constraint");
        assert_eq!(groups[0].members.len(), 6);
        assert!(!groups[1].is_group());
    }
}
