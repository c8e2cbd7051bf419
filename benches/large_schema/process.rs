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
        std::thread::sleep(Duration::from_millis(5));
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

/// `pglens audit --format json` to /dev/null: wall time and peak memory, from wait4.
pub fn audit_json(conninfo: &str) {
    let start = Instant::now();
    let child = Command::new(BIN)
        .args(["audit", "--format", "json", conninfo])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(child) = child else {
        println!("pglens audit --format json: not measured (cannot start it)");
        return;
    };
    let Ok(pid) = i32::try_from(child.id()) else {
        return;
    };
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if waited != pid {
        println!("pglens audit --format json: not measured (wait4 failed)");
        return;
    }
    println!(
        "pglens audit --format json: {ms:.0} ms, peak RSS {:.0} MB (exit status {})",
        usage.ru_maxrss as f64 / 1024.0,
        libc::WEXITSTATUS(status)
    );
}
