//! `pglens audit` and `pglens rules` as a user (or CI) runs them.

use serde_json::Value;

use crate::run_pglens as pglens;

/// The whole demo audit, reviewed by eye when it changes: every line must be a finding a
/// reviewer would agree with.
#[test]
fn demo_audit_snapshot() {
    let (code, out, err) = pglens(&["audit", "--demo"]);
    assert_eq!(
        code, 1,
        "criticals exist, so the default --fail-on critical fails: {err}"
    );
    insta::assert_snapshot!("demo_audit", out);
}

#[test]
fn exit_status_follows_fail_on_and_filters() {
    let (code, out, _) = pglens(&["audit", "--demo", "--rule", "unindexed-foreign-key"]);
    assert_eq!(
        code, 0,
        "info findings do not fail at the default threshold"
    );
    assert!(out.contains("[unindexed-foreign-key]") && !out.contains("[dual-tenant-scope]"));
    let (code, _, _) = pglens(&[
        "audit",
        "--demo",
        "--rule",
        "unindexed-foreign-key",
        "--fail-on",
        "info",
    ]);
    assert_eq!(code, 1);
    let (code, out, _) = pglens(&[
        "audit",
        "--demo",
        "--min-severity",
        "critical",
        "--skip",
        "rls-disabled-in-exposed-schema",
    ]);
    assert_eq!(code, 1);
    assert!(
        !out.contains("INFO")
            && !out.contains("WARN")
            && !out.contains("rls-disabled-in-exposed-schema]")
    );
    let (code, _, err) = pglens(&["audit", "--demo", "--rule", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule \"no-such-rule\""), "{err}");
}

#[test]
fn json_has_the_documented_shape() {
    let (_, out, _) = pglens(&["audit", "--demo", "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["source"], "demo");
    assert!(doc["pglens_version"].is_string());
    let findings = doc["findings"].as_array().expect("findings");
    assert!(findings.len() > 100);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "dual-tenant-scope" && f["object"]["table"] == "brands")
        .expect("brands is dual-scoped");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["category"], "security");
    assert_eq!(f["object"]["kind"], "table");
    assert_eq!(f["object"]["schema"], "public");
    assert_eq!(f["key"], "dual-tenant-scope:table:public.brands");
    assert_eq!(f["fix"]["safe"], false);
    assert!(f["fix"]["sql"]
        .as_str()
        .unwrap()
        .contains("DROP COLUMN IF EXISTS tenant_id"));
    assert_eq!(f["suppressed"], false);
}

#[test]
fn sarif_is_what_code_scanning_accepts() {
    let (_, out, _) = pglens(&["audit", "--demo", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert!(rule_ids.contains(&id), "result's rule {id} is described");
        assert!(matches!(
            r["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.is_empty() && !uri.contains(' ') && !uri.contains(':'),
            "{uri}"
        );
        assert_eq!(loc["region"]["startLine"], 1);
        assert!(r["partialFingerprints"]["pglensFindingKey/v1"].is_string());
    }
}

#[test]
fn markdown_reads_like_the_seed_documents() {
    let (_, out, _) = pglens(&["audit", "--demo", "--format", "markdown"]);
    assert!(out.starts_with("# Schema audit: demo"));
    let critical = out.find("## 🔴 Critical").expect("critical section");
    let important = out.find("## 🟡 Important").expect("important section");
    assert!(critical < important);
    // The 41 tables without row-level security are one group, with every table's fix.
    let group = "### {table} is in exposed schema public with row-level security off (41 tables)";
    let at = out.find(group).expect("the alike criticals are one group");
    let block = &out[at..out[at..].find("\n```\n").map_or(out.len(), |e| at + e)];
    assert!(block.contains("ALTER TABLE public.asset_approvals ENABLE ROW LEVEL SECURITY;"));
    assert!(block.contains("ALTER TABLE public.user_roles ENABLE ROW LEVEL SECURITY;"));
    assert_eq!(
        out.matches("with row-level security off").count(),
        1,
        "not repeated per table"
    );
}

#[test]
fn ignore_file_suppresses_with_reasons_and_reports_unused_entries() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pglens.toml");
    let mut toml = String::new();
    let (_, out, _) = pglens(&[
        "audit",
        "--demo",
        "--format",
        "json",
        "--min-severity",
        "critical",
    ]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let mut rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    for rule in &rules {
        toml.push_str(&format!(
            "[[ignore]]\nrule = \"{rule}\"\nreason = \"accepted for the demo\"\n\n"
        ));
    }
    toml.push_str(
        "[[ignore]]\nkey = \"dual-tenant-scope:table:public.nowhere\"\nreason = \"stale\"\n",
    );
    std::fs::write(&file, toml).unwrap();
    let file = file.to_str().unwrap();

    let (code, out, err) = pglens(&["audit", "--demo", "--ignore-file", file, "--format", "json"]);
    assert_eq!(
        code, 0,
        "every critical is suppressed, so nothing fails: {err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let brands = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "dual-tenant-scope:table:public.brands")
        .expect("suppressed findings stay in the report");
    assert_eq!(brands["suppressed"], true);
    assert_eq!(brands["suppression_reason"], "accepted for the demo");
    assert_eq!(
        doc["unused_ignores"][0],
        "key dual-tenant-scope:table:public.nowhere"
    );

    let (_, text, _) = pglens(&["audit", "--demo", "--ignore-file", file]);
    assert!(text.contains("SUPP") && text.contains("suppressed: accepted for the demo"));

    std::fs::write(dir.path().join("bad.toml"), "[[ignore]]\nrule = \"x\"\n").unwrap();
    let (code, _, err) = pglens(&[
        "audit",
        "--demo",
        "--ignore-file",
        dir.path().join("bad.toml").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml") && err.contains("reason"), "{err}");
}

#[test]
fn rules_list_and_explain() {
    let (code, out, _) = pglens(&["rules"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), pglens::audit::all_rules().len());
    let (_, out, _) = pglens(&["rules", "unindexed-foreign-key"]);
    assert!(out.starts_with("# unindexed-foreign-key") && out.contains("## Why it matters"));
    let (_, out, _) = pglens(&["rules", "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let ufk = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "unindexed-foreign-key")
        .unwrap();
    assert_eq!(
        ufk["counterparts"][0],
        "splinter:0001_unindexed_foreign_keys"
    );
    let (code, _, err) = pglens(&["rules", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule"));
}

/// Rules whose evidence the source lacks are named "not evaluated", with why, in every
/// format; a live database that has the evidence gets none of that.
#[tokio::test]
async fn rules_a_source_cannot_feed_are_named_not_evaluated() {
    let files = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/shapes/erp.sql");
    let (_, out, err) = pglens(&["audit", files, "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let reasons: std::collections::BTreeMap<String, String> = doc["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["rule"].as_str().unwrap().to_string(),
                n["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        reasons.get("unused-table").map(String::as_str),
        Some("no table usage statistics in migration files"),
        "{reasons:?}"
    );
    assert!(reasons.contains_key("unused-index"), "{reasons:?}");
    assert!(
        reasons.contains_key("sequence-near-overflow"),
        "{reasons:?}"
    );
    assert!(
        !reasons.contains_key("unindexed-foreign-key"),
        "{reasons:?}"
    );

    let (_, text, _) = pglens(&["audit", files]);
    assert!(
        text.contains("\nnot evaluated\n  ")
            && text.contains("  unused-table: no table usage statistics in migration files\n"),
        "{text}"
    );
    let (_, md, _) = pglens(&["audit", files, "--format", "markdown"]);
    assert!(
        md.contains("- `unused-table`: no table usage statistics in migration files\n"),
        "{md}"
    );
    let (_, sarif, _) = pglens(&["audit", files, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["descriptor"]["id"] == "unused-table" && n["level"] == "note"),
        "{notes:?}"
    );

    // A live database counts usage: only the workload is missing, since this database has
    // no pg_stat_statements.
    let db = crate::common::TestDb::new("not_evaluated").await;
    db.exec(
        "CREATE TABLE t (id serial PRIMARY KEY, a int); CREATE INDEX t_a ON t (a);
         INSERT INTO t (a) VALUES (1);",
    )
    .await;
    let conninfo = crate::common::conninfo_string(&db.params);
    let (_, out, err) = pglens(&["audit", &conninfo, "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert_eq!(
        doc["not_evaluated"],
        serde_json::json!([{
            "rule": "workload-missing-index",
            "reason": "pg_stat_statements is not installed in this database"
        }]),
        "{out}"
    );
}
