//! The real binary on the benchmark database, measured from outside as a user meets it:
//! the explorer in tmux (time to the first screen that lists tables, time until the audit's
//! findings are in, peak memory) and `pglens audit --format json` (time, peak memory).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pglens");

/// A first screen in a 160x48 tmux session: prints medians of three rounds.
pub fn explorer_first_frame(conninfo: &str, table_marker: &str) {
    let mut rounds = Vec::new();
    for round in 0..3 {
        match explorer_once(conninfo, table_marker, round) {
            Ok(r) => rounds.push(r),
            Err(e) => {
                println!("explorer in tmux: not measured ({e})");
                return;
            }
        }
    }
    let median = |f: fn(&(Duration, Duration, u64)) -> f64| {
        let mut v: Vec<f64> = rounds.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "explorer in tmux (3 rounds, medians): tables listed after {:.0} ms, findings in after {:.0} ms, peak RSS {:.0} MB",
        median(|r| r.0.as_secs_f64() * 1000.0),
        median(|r| r.1.as_secs_f64() * 1000.0),
        median(|r| r.2 as f64 / 1024.0),
    );
}

/// One start: (tables listed, findings in, VmHWM in kB).
fn explorer_once(
    conninfo: &str,
    table_marker: &str,
    round: usize,
) -> Result<(Duration, Duration, u64), String> {
    let socket = format!("pglens-bench-{}-{round}", std::process::id());
    let tmux = |args: &[&str]| -> Result<String, String> {
        let out = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .map_err(|e| format!("tmux: {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let start = Instant::now();
    // The binary and its argument directly, not through a shell.
    tmux(&[
        "new-session",
        "-d",
        "-s",
        "bench",
        "-x",
        "160",
        "-y",
        "48",
        BIN,
        conninfo,
    ])?;
    let pid = tmux(&["list-panes", "-t", "bench", "-F", "#{pane_pid}"])?;
    let (mut listed, mut audited) = (None, None);
    while start.elapsed() < Duration::from_secs(60) {
        let screen = tmux(&["capture-pane", "-p", "-t", "bench"])?;
        if listed.is_none() && screen.contains(table_marker) {
            listed = Some(start.elapsed());
        }
        if listed.is_some() && !screen.contains("auditing") {
            audited = Some(start.elapsed());
            break;
        }
        // Each look is a tmux process; looking every 5 ms took a core's worth of the
        // machine from the explorer and added ~150 ms on 2 cores. 25 ms costs little and
        // still places the frame within 25 ms.
        std::thread::sleep(Duration::from_millis(25));
    }
    let peak = std::fs::read_to_string(format!("/proc/{}/status", pid.trim()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        });
    let _ = tmux(&["kill-server"]);
    match (listed, audited, peak) {
        (Some(l), Some(a), Some(p)) => Ok((l, a, p)),
        _ => Err("the explorer did not list the tables within a minute".into()),
    }
}

/// `pglens audit --format json` to /dev/null: wall time, and peak memory as the child's
/// own VmHWM, read every 10 ms while it runs. (The peak wait4 reports is no good here: a
/// process spawned from this one, which holds the whole benchmark schema, starts its count
/// from this process's size.)
pub fn audit_json(conninfo: &str) {
    let start = Instant::now();
    let child = Command::new(BIN)
        .args(["audit", "--format", "json", conninfo])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        println!("pglens audit --format json: not measured (cannot start it)");
        return;
    };
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb: u64 = 0;
    let status = loop {
        if let Some(kb) = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        }) {
            peak_kb = peak_kb.max(kb);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => {
                println!("pglens audit --format json: not measured (wait failed)");
                return;
            }
        }
    };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "pglens audit --format json: {ms:.0} ms, peak RSS {:.0} MB (exit status {})",
        peak_kb as f64 / 1024.0,
        status.code().unwrap_or(-1)
    );
}
