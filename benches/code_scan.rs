//! `pglens refs` on a generated application tree (50,000 files of 20 lines: 1,000,000 lines
//! in TypeScript, Python, Ruby and SQL; `PGLENS_BENCH_FILES` for another size) against a
//! 5,000-table migration file, next to `rg -c -w -i -F` looking for the same names in the
//! same tree: wall time (median of 3, page cache warm) and peak memory, at the full tree
//! and at half of it, so memory that grows with the tree shows. Run with `scripts/bench`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark fails loudly by design.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pglens");
const TABLES: usize = 5000;
const LINES_PER_FILE: usize = 20;

fn files() -> usize {
    std::env::var("PGLENS_BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000)
}

fn table(i: usize) -> String {
    const WORDS: [&str; 8] = [
        "orders", "invoice", "lead", "event", "member", "asset", "report", "task",
    ];
    format!("{}_{}", WORDS[i % WORDS.len()], i)
}

/// One file of the tree: code that names a few tables the ways applications do, and
/// ordinary lines around them.
fn file_text(n: usize) -> (String, &'static str) {
    let a = table((n * 7) % TABLES);
    let b = table((n * 13 + 1) % TABLES);
    let mut out = String::new();
    let ext = match n % 4 {
        0 => {
            let _ = writeln!(out, "import {{ supabase }} from '../lib/client'");
            let _ = writeln!(out, "export async function load{n}(id: string) {{");
            let _ = writeln!(
                out,
                "  const {{ data }} = await supabase.from('{a}').select('*').eq('id', id)"
            );
            "ts"
        }
        1 => {
            let _ = writeln!(out, "class Model{n}(models.Model):");
            let _ = writeln!(out, "    class Meta:");
            let _ = writeln!(out, "        db_table = '{a}'");
            "py"
        }
        2 => {
            let _ = writeln!(out, "class Record{n} < ApplicationRecord");
            let _ = writeln!(out, "  self.table_name = \"{a}\"");
            let _ = writeln!(out, "end");
            "rb"
        }
        _ => {
            let _ = writeln!(out, "-- report {n}");
            let _ = writeln!(out, "SELECT count(*)");
            let _ = writeln!(out, "FROM {a} JOIN {b} USING (id);");
            "sql"
        }
    };
    for line in 3..LINES_PER_FILE {
        let _ = writeln!(
            out,
            "    let value_{line} = compute(input, {line}); // keeps the orders in step with the ledger"
        );
    }
    (out, ext)
}

fn generate(root: &Path, files: usize) {
    for n in 0..files {
        let dir = root.join(format!("src/module_{}", n / 500));
        if n % 500 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let (text, ext) = file_text(n);
        std::fs::write(dir.join(format!("file_{n}.{ext}")), text).unwrap();
    }
}

/// Runs a command to /dev/null: wall time and the child's peak RSS (VmHWM, sampled every
/// 5 ms), or None when it cannot start.
fn measure(program: &str, args: &[&str]) -> Option<(Duration, u64)> {
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    loop {
        if let Some(kb) = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        }) {
            peak_kb = std::cmp::max(peak_kb, kb);
        }
        if child.try_wait().ok()?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Some((start.elapsed(), peak_kb))
}

/// The median of three runs after one to warm the page cache.
fn median(program: &str, args: &[&str]) -> Option<(Duration, u64)> {
    measure(program, args)?;
    let mut runs: Vec<(Duration, u64)> = (0..3).filter_map(|_| measure(program, args)).collect();
    runs.sort();
    runs.get(1).copied()
}

fn report(label: &str, result: Option<(Duration, u64)>) {
    match result {
        Some((time, kb)) => println!(
            "{label}: {:.0} ms, peak RSS {:.0} MB",
            time.as_secs_f64() * 1000.0,
            kb as f64 / 1024.0
        ),
        None => {
            println!("{label}: not measured (cannot run it; rg comes with `apt install ripgrep`)")
        }
    }
}

fn main() {
    let work = tempfile::tempdir().unwrap();
    let schema = work.path().join("schema.sql");
    let names = work.path().join("names.txt");
    let mut sql = String::new();
    let mut list = String::new();
    for i in 0..TABLES {
        let _ = writeln!(
            sql,
            "CREATE TABLE {} (id bigint PRIMARY KEY, note text);",
            table(i)
        );
        let _ = writeln!(list, "{}", table(i));
    }
    std::fs::write(&schema, sql).unwrap();
    std::fs::write(&names, list).unwrap();
    let empty = work.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let (schema, names, empty) = (
        schema.to_str().unwrap(),
        names.to_str().unwrap(),
        empty.to_str().unwrap(),
    );

    report(
        &format!("pglens refs, {TABLES}-table schema, no code (reading the schema alone)"),
        median(BIN, &["refs", schema, "--code", empty, "--format", "json"]),
    );
    let total = files();
    for size in [total / 2, total] {
        let tree = work.path().join(format!("tree_{size}"));
        generate(&tree, size);
        let tree = tree.to_str().unwrap();
        let lines = size * LINES_PER_FILE;
        println!("tree: {size} files, {lines} lines, {TABLES} table names");
        report(
            "  pglens refs --format json",
            median(BIN, &["refs", schema, "--code", tree, "--format", "json"]),
        );
        report(
            "  rg -c -w -i -F -f names (yardstick)",
            median("rg", &["-c", "-w", "-i", "-F", "-f", names, tree]),
        );
    }
}
