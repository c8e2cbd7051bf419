//! Running PostgreSQL's own parser (`pg_query`) where its recursion cannot hurt: parse trees
//! are decoded, walked and dropped recursively, and a CHECK, a view or a function with
//! thousands of chained operators nests that deep.

/// Stack for parsing. Only the pages a parse touches are ever committed.
const PARSE_STACK_BYTES: usize = 512 * 1024 * 1024;

/// Runs `work` on a thread with [`PARSE_STACK_BYTES`] of stack (or here, if no such thread
/// can be made).
pub fn with_deep_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let slot = std::sync::Mutex::new(Some(work));
    let take = || slot.lock().ok().and_then(|mut w| w.take());
    let ran = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("pglens-parse".into())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, || take().map(|w| w()));
        match spawned.map(|h| h.join()) {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => None,
        }
    });
    match ran.or_else(|| take().map(|w| w())) {
        Some(result) => result,
        None => unreachable!("the work runs on the parse thread or here"),
    }
}
