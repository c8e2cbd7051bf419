//! The loader: reads the source on a worker thread, sends its progress, the tree's model,
//! then the audit's findings, so the tree is usable while a big schema is audited.

use std::sync::mpsc::Sender;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::action::Action;
use super::model::{Drift, Model};
use super::Options;
use crate::audit;
use crate::source;

/// Counts the frames drawn right after a loaded model was applied, so the loader can wait
/// for the tree to be on screen before it starts the background work.
pub(super) struct FrameCounter {
    drawn: Mutex<u64>,
    changed: Condvar,
}

/// The tree frames of this process (one explorer runs per process).
pub(super) static TREE_FRAMES: FrameCounter = FrameCounter::new();

impl FrameCounter {
    const fn new() -> Self {
        FrameCounter {
            drawn: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    /// How many tree frames have been drawn so far.
    pub(super) fn count(&self) -> u64 {
        *self.drawn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records that a frame showing a newly loaded model is on screen.
    pub(super) fn drawn(&self) {
        let mut drawn = self.drawn.lock().unwrap_or_else(|e| e.into_inner());
        *drawn += 1;
        self.changed.notify_all();
    }

    /// Waits until more than `seen` tree frames have been drawn, or `limit` has passed (a
    /// screen that never draws must not hold the audit back for ever).
    pub(super) fn wait_past(&self, seen: u64, limit: Duration) {
        let drawn = self.drawn.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self
            .changed
            .wait_timeout_while(drawn, limit, |n| *n <= seen);
    }
}

/// Loads the source on a worker thread and sends progress, warnings and the result.
pub(super) fn spawn(options: &Options, tx: Sender<Action>) {
    let spec = options.spec.clone();
    let categories = options.categories.clone();
    let ignores = options.ignores.clone();
    let drift = options.drift.clone();
    let code = options.code.clone();
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                let _ = tx.send(Action::LoadFailed(format!("cannot start: {e}")));
                return;
            }
        };
        let progress_tx = tx.clone();
        let warn_tx = tx.clone();
        let result = runtime.block_on(source::load(
            &spec,
            &mut |p| {
                let _ = progress_tx.send(Action::Progress(p));
            },
            &mut |w| {
                let _ = warn_tx.send(Action::Notice(format!("warning: {w}")));
            },
        ));
        let action = match result {
            Ok(mut catalog) => {
                // Before the tree: the audit and the Usage tab cite what the code says.
                match source::code::attach(&mut catalog, &spec, &code) {
                    Ok(warnings) => {
                        if let Some(first) = warnings.first() {
                            let _ = tx.send(Action::Notice(format!(
                                "warning: {} files or folders of the code could not be read; first: {first}",
                                warnings.len()
                            )));
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Action::Failure(e.to_string()));
                    }
                }
                let drift = drift.and_then(|spec| {
                    let other = runtime.block_on(source::load(&spec, &mut |_| {}, &mut |_| {}));
                    match other {
                        Ok(other) => {
                            let drift = Drift {
                                against: spec.label(),
                                differences: crate::diff::diff(&other, &catalog),
                                progress: crate::diff::migration_progress(&other, &catalog),
                            };
                            // Compared with migration files: the tree can group by the
                            // file that created each object.
                            crate::diff::adopt_provenance(&mut catalog, &other);
                            Some(drift)
                        }
                        Err(e) => {
                            let _ = tx.send(Action::Failure(format!(
                                "cannot compare with {}: {e}",
                                spec.label()
                            )));
                            None
                        }
                    }
                });
                // The tree first; the audit's findings follow on this thread, so a big
                // schema can be browsed while it is audited.
                let catalog = std::sync::Arc::new(catalog);
                let mut model = Model::unaudited(catalog.clone(), categories);
                model.drift = drift;
                let warm_up = model.warm_up();
                let frames = TREE_FRAMES.count();
                if tx.send(Action::Loaded(Box::new(model))).is_err() {
                    return;
                }
                // The connections' read buffers grew to the largest query result (tens of
                // MB on a big schema); they go with the runtime, before the audit's peak.
                drop(runtime);
                // On two cores the audit would halve the speed of the tree's first frame
                // (grouping 5,000 tables, drawing): it starts once that frame is up.
                TREE_FRAMES.wait_past(frames, Duration::from_secs(1));
                // The finder's and Usage tab's indexes are built beside the audit; both
                // yield to the screen, which has a tree to draw.
                std::thread::spawn(move || {
                    yield_to_the_screen();
                    warm_up();
                });
                yield_to_the_screen();
                let mut findings = audit::run(&catalog, &audit::Selection::default());
                ignores.apply(&mut findings);
                Action::FindingsArrived(findings)
            }
            Err(source::SourceError::Live(source::live::LiveError::PasswordMissing { .. })) => {
                Action::PasswordNeeded
            }
            Err(e) => Action::LoadFailed(e.to_string()),
        };
        let _ = tx.send(action);
    });
}

/// Lowers the calling thread's scheduling priority, for background work (the audit, the
/// finder's index) that would otherwise share the cores equally with the thread that
/// builds and draws the first tree, which the user is waiting for. Linux sets the nice
/// value per thread; elsewhere this does nothing, because the same call would lower the
/// whole process.
fn yield_to_the_screen() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid has no preconditions; setpriority on our own thread id only changes
    // this thread's nice value, and a failure (a sandbox refusing it) is harmless.
    unsafe {
        let tid = libc::gettid();
        let _ = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// Reads the first rows of `table` on a worker thread of its own, so a slow view or a
/// locked table never holds the screen; the result arrives as [`Action::PeekArrived`].
/// Only a live source is peeked at (the update never asks otherwise).
pub(super) fn spawn_peek(
    options: &Options,
    table: crate::model::QualifiedName,
    tx: Sender<Action>,
) {
    let source::SourceSpec::Live(conninfo) = options.spec.clone() else {
        return;
    };
    std::thread::spawn(move || {
        let result = peek(&conninfo, &table);
        let _ = tx.send(Action::PeekArrived {
            table,
            result: Box::new(result),
        });
    });
}

/// Reads every API table as `who` on a worker thread of its own; the report arrives as
/// [`Action::RlsArrived`]. Only a live source is read (the update never asks otherwise).
pub(super) fn spawn_read_as(options: &Options, who: String, tx: Sender<Action>) {
    let source::SourceSpec::Live(conninfo) = options.spec.clone() else {
        return;
    };
    let overrides = options.rls_scopes.clone();
    std::thread::spawn(move || {
        let result = read_as(&conninfo, &who, &overrides);
        let _ = tx.send(Action::RlsArrived {
            who,
            result: Box::new(result),
        });
    });
}

/// Runs `work` on a runtime of this worker thread's own, against the source's server.
fn on_worker<T, F>(
    conninfo: &str,
    work: impl FnOnce(source::live::ConnParams) -> F,
) -> Result<T, String>
where
    F: std::future::Future<Output = Result<T, String>>,
{
    use source::live::conninfo;
    let params =
        conninfo::resolve(conninfo, &conninfo::ProcessEnvironment).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(work(params))
}

fn read_as(
    conninfo: &str,
    who: &str,
    overrides: &crate::rls::ScopeOverrides,
) -> Result<crate::rls::RlsReport, String> {
    use source::live::rls;
    on_worker(conninfo, |params| async move {
        // The catalog again, as the report needs it fresh: a reload may have changed it.
        let catalog = source::live::load(&params, &mut |_| {})
            .await
            .map_err(|e| e.to_string())?;
        let who = if who == "anon" {
            rls::Who::Anon
        } else {
            rls::Who::User(who.to_string())
        };
        let scopes = crate::rls::scopes_with(&catalog, overrides)?;
        rls::run(
            &params,
            &catalog,
            &scopes,
            &who,
            None,
            rls::STATEMENT_TIMEOUT,
        )
        .await
        .map_err(|e| e.to_string())
    })
}

/// Reads the users the `U` prompt offers on a worker thread of its own; they arrive as
/// [`Action::UsersArrived`].
pub(super) fn spawn_list_users(options: &Options, tx: Sender<Action>) {
    let source::SourceSpec::Live(conninfo) = options.spec.clone() else {
        return;
    };
    std::thread::spawn(move || {
        let result = on_worker(&conninfo, |params| async move {
            source::live::rls::users(&params, source::live::rls::STATEMENT_TIMEOUT)
                .await
                .map_err(|e| e.to_string())
        });
        let users = result.map(|users| {
            users
                .into_iter()
                .map(|(id, email)| crate::tui::state::UserChoice { id, email })
                .collect()
        });
        let _ = tx.send(Action::UsersArrived(users));
    });
}

fn peek(
    conninfo: &str,
    table: &crate::model::QualifiedName,
) -> Result<source::live::peek::Peek, String> {
    use source::live::peek;
    on_worker(conninfo, |params| async move {
        peek::peek(&params, table, peek::PEEK_TIMEOUT).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn the_wait_ends_when_the_tree_frame_is_drawn() {
        let frames = std::sync::Arc::new(FrameCounter::new());
        let seen = frames.count();
        let screen = std::sync::Arc::clone(&frames);
        let drawer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            screen.drawn();
        });
        let start = Instant::now();
        frames.wait_past(seen, Duration::from_secs(60));
        // Woken by the frame, not by the limit (which would take a minute).
        assert!(start.elapsed() < Duration::from_secs(30));
        assert_eq!(frames.count(), seen + 1);
        drawer.join().unwrap();
    }

    #[test]
    fn a_frame_drawn_before_the_wait_is_not_waited_for_again() {
        let frames = FrameCounter::new();
        let seen = frames.count();
        frames.drawn();
        let start = Instant::now();
        frames.wait_past(seen, Duration::from_secs(60));
        assert!(start.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn a_screen_that_never_draws_holds_the_wait_only_until_the_limit() {
        let frames = FrameCounter::new();
        frames.wait_past(frames.count(), Duration::from_millis(10));
        assert_eq!(frames.count(), 0);
    }
}
