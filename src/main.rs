//! The `pglens` command line. Parses arguments, loads a source, and hands over to the
//! library; everything interesting lives in `pglens::*`.

mod cli;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use pglens::audit::{self, Severity};
use pglens::categorize::{self, CategoryConfig};
use pglens::cleanup;
use pglens::source::{self, SourceSpec};
use pglens::text::{visible, visible_lines};
use pglens::tui;

use cli::{Cli, Command, DiffFormat, Format, PlanCommand, RefsFormat, RlsFormat, RulesFormat};

/// Keeps every thread's allocations in one glibc arena. The model is read on one thread,
/// audited on another and indexed on a third; with an arena each, the memory one freed
/// (the catalog queries' results) was not reused by the others: on 5,000 tables the
/// explorer peaked 9 MB higher. The threads are few and allocate in bursts, so sharing
/// one arena costs them little.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator setting; called first thing in main,
    // before any thread of ours exists.
    unsafe {
        let _ = libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

fn main() -> ExitCode {
    one_malloc_arena();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pglens: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pglens: {}", visible_lines(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ask = Reading {
        ask_password: cli.ask_password,
        base: cli.base.into(),
    };
    if cli.command.is_none() && cli.source.is_empty() && !cli.demo {
        if let Some(advice) = local_supabase_advice() {
            eprintln!("pglens: {advice}");
            return Ok(ExitCode::from(2));
        }
    }
    match cli.command {
        Some(Command::Audit {
            source,
            demo,
            format,
            min_severity,
            fail_on,
            rules,
            skip,
            ignore_file,
        }) => {
            for id in rules.iter().chain(&skip) {
                if audit::find_rule(id).is_none() {
                    anyhow::bail!("unknown rule \"{id}\" (see `pglens rules`)");
                }
            }
            let ignores = audit::ignore::load(ignore_file.as_deref())?;
            let mut catalog = load(&source, demo, ask, &cli.code).await?;
            let selection = audit::Selection { only: rules, skip };
            let mut findings = audit::run(&catalog, &selection);
            let not_evaluated = audit::not_evaluated(&catalog, &selection);
            let unused: Vec<String> = ignores
                .apply(&mut findings)
                .iter()
                .map(|e| e.target())
                .collect();
            let min: Severity = min_severity.into();
            findings.retain(|f| f.severity >= min);
            // The findings own what they show: the model is no longer needed, and on a big
            // schema it is most of the memory.
            let label = std::mem::take(&mut catalog.meta.source_label);
            drop(catalog);
            let report = audit::format::Report {
                source: &label,
                findings: &findings,
                unused_ignores: &unused,
                not_evaluated: &not_evaluated,
            };
            let text = match format {
                Format::Text => audit::format::text(&report, colour_stdout()),
                // Streamed: tens of thousands of findings never sit in memory as one text.
                Format::Json => {
                    written(audit::format::write_json(&report, std::io::stdout().lock()))?;
                    String::new()
                }
                Format::Sarif => audit::format::sarif(&report),
                Format::Markdown => audit::format::markdown(&report),
            };
            emit(&text)?;
            let threshold: Severity = fail_on.into();
            let failing = findings
                .iter()
                .any(|f| f.suppressed.is_none() && f.severity >= threshold);
            Ok(if failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Some(Command::Rules { id, format }) => {
            let text = match (id, format) {
                (Some(id), _) => {
                    let entry = audit::find_rule(&id).ok_or_else(|| {
                        anyhow::anyhow!("unknown rule \"{id}\" (see `pglens rules`)")
                    })?;
                    match format {
                        RulesFormat::Text => entry.docs() + "\n",
                        RulesFormat::Json => rules_json(&[entry]),
                    }
                }
                (None, RulesFormat::Json) => {
                    rules_json(&audit::all_rules().iter().collect::<Vec<_>>())
                }
                (None, RulesFormat::Text) => rules_table(),
            };
            emit(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Snapshot {
            source,
            demo,
            output,
        }) => {
            let catalog = load(&source, demo, ask, &[]).await?;
            source::snapshot::save(&catalog, &output)?;
            eprintln!(
                "pglens: wrote {} ({} relations)",
                visible(&output.display().to_string()),
                catalog.relations.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Plan {
            command:
                PlanCommand::Export {
                    source,
                    demo,
                    plan,
                    output_dir,
                },
        }) => {
            let config = tui::config::Config::load().map_err(anyhow::Error::msg)?;
            let code = code_roots(&cli.code, &config);
            let configured = config.plan_file;
            let plan_path = plan
                .or(configured)
                .unwrap_or_else(|| PathBuf::from(cleanup::DEFAULT_PLAN_FILE));
            if !plan_path.is_file() {
                anyhow::bail!(
                    "no plan file at {} (mark tables with `m` in the explorer, or pass --plan)",
                    plan_path.display()
                );
            }
            let plan = cleanup::read(&plan_path)?;
            let catalog = load(&source, demo, ask, &code).await?;
            if let Some(m) = plan.mismatch(&catalog) {
                eprintln!("pglens: warning: {}", visible(&m));
            }
            let (md, sql) =
                cleanup::export_files(&catalog, &plan, &plan_path, output_dir.as_deref())?;
            eprintln!(
                "pglens: wrote {} and {} ({} decisions)",
                visible(&md.display().to_string()),
                visible(&sql.display().to_string()),
                plan.marks.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Diff { old, new, format }) => {
            let a = load(std::slice::from_ref(&old), false, ask, &[]).await?;
            let b = load(std::slice::from_ref(&new), false, ask, &[]).await?;
            let differences = pglens::diff::diff(&a, &b);
            let progress = pglens::diff::migration_progress(&a, &b);
            let (la, lb) = (&a.meta.source_label, &b.meta.source_label);
            let p = progress.as_ref();
            let text = match format {
                DiffFormat::Text => pglens::diff::text(&differences, p, la, lb),
                DiffFormat::Json => pglens::diff::json(&differences, p),
                DiffFormat::Markdown => pglens::diff::markdown(&differences, p, la, lb),
            };
            emit(&text)?;
            Ok(if !pglens::diff::drifted(&differences) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "pglens", &mut script);
            emit(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { dir: None }) => {
            emit(&man_page(Cli::command())?)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { dir: Some(dir) }) => {
            let written = write_man_pages(&dir)?;
            eprintln!(
                "pglens: wrote {} manual pages into {}",
                written,
                visible(&dir.display().to_string())
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Refs {
            source,
            demo,
            format,
        }) => {
            if cli.code.is_empty() {
                anyhow::bail!("pglens refs needs --code DIR: the application's source to search");
            }
            let catalog = load(&source, demo, ask, &cli.code).await?;
            // Objects a failed statement would have created are missing from the list.
            let problems = catalog.migrations.as_ref().map_or(0, |m| m.problems.len());
            if problems > 0 {
                let statements = if problems == 1 {
                    "statement"
                } else {
                    "statements"
                };
                eprintln!(
                    "pglens: warning: {problems} migration {statements} did not apply, so what they create is not listed (`pglens audit` on the same files names them)"
                );
            }
            let code = catalog.code.unwrap_or_default();
            let text = match format {
                RefsFormat::Text => pglens::report::code::text(&code),
                RefsFormat::Json => pglens::report::code::json(&code),
            };
            emit(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Rls {
            source,
            as_user,
            role,
            claims,
            timeout,
            format,
        }) => rls(&source, as_user, role, claims, timeout, format, ask).await,
        Some(Command::Doctor) => {
            emit(&doctor())?;
            Ok(ExitCode::SUCCESS)
        }
        None if cli.summary || !std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            let catalog = load(&cli.source, cli.demo, ask, &[]).await?;
            emit(&pglens::report::summary(&catalog))?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let options = explorer_options(&cli)?;
            // The explorer runs its own loader thread; leave this runtime idle meanwhile.
            match tokio::task::block_in_place(|| tui::run(options)) {
                Ok(()) => Ok(ExitCode::SUCCESS),
                // Ended by SIGTERM / SIGHUP / SIGINT: the terminal is back; exit as shells expect.
                Err(e) => match e.downcast_ref::<tui::Stopped>() {
                    Some(tui::Stopped(signal)) => {
                        Ok(ExitCode::from(u8::try_from(128 + signal).unwrap_or(255)))
                    }
                    None => Err(e),
                },
            }
        }
    }
}

/// With no source named, in a Supabase project folder and no database named by the PG*
/// environment: how to open the project's local database or its files.
fn local_supabase_advice() -> Option<String> {
    use pglens::source::local_stack;
    let env = |v: &str| std::env::var(v).ok();
    if local_stack::environment_names_a_database(&env) {
        return None;
    }
    let project = local_stack::project_in(&std::env::current_dir().ok()?)?;
    let running = local_stack::listening(project.db_port);
    Some(local_stack::advice(&project, running))
}

/// Gathers the explorer's settings: config file, then command-line overrides. Errors in
/// any of them stop here, before the terminal is taken over.
/// The application's code to search: `--code`, or else the config's `code`.
fn code_roots(given: &[PathBuf], config: &tui::config::Config) -> Vec<PathBuf> {
    if given.is_empty() {
        config.code.clone()
    } else {
        given.to_vec()
    }
}

fn explorer_options(cli: &Cli) -> anyhow::Result<tui::Options> {
    let config = tui::config::Config::load().map_err(anyhow::Error::msg)?;
    let mut spec = SourceSpec::parse_all(&cli.source, cli.demo)?.with_base(cli.base.into());
    if cli.ask_password {
        spec = with_typed_password(spec)?;
    }
    let label = spec.label();
    let theme = tui::theme::Theme::load(
        cli.theme
            .as_deref()
            .or(config.theme.as_deref())
            .unwrap_or("default"),
    )
    .map_err(anyhow::Error::msg)?;
    let keymap =
        tui::action::Keymap::with_overrides(&config.key_overrides()).map_err(anyhow::Error::msg)?;
    let categories_file = cli.categories.clone().or(config.categories_file.clone());
    let mut categories = match (&categories_file, &spec) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!("cannot read categories file {}: {e}", path.display())
            })?;
            CategoryConfig::parse(&text, &path.display().to_string()).map_err(anyhow::Error::msg)?
        }
        (None, SourceSpec::Demo) => {
            CategoryConfig::parse(categorize::DEMO_CATEGORIES, "demo categories")
                .map_err(anyhow::Error::msg)?
        }
        (None, _) => CategoryConfig::default(),
    };
    categories
        .categories
        .extend(config.categories.iter().cloned());
    let ignore_arg = cli.ignore_file.clone().or(config.ignore_file.clone());
    let ignores = audit::ignore::load(ignore_arg.as_deref())?;
    let ignore_path = ignore_arg
        .or_else(|| ignores.path.clone())
        .unwrap_or_else(|| PathBuf::from(audit::ignore::DEFAULT_PATHS[0]));
    let plan_path = cli
        .plan
        .clone()
        .or(config.plan_file.clone())
        .unwrap_or_else(|| PathBuf::from(cleanup::DEFAULT_PLAN_FILE));
    let plan = cleanup::read(&plan_path)?;
    let code = code_roots(&cli.code, &config);
    // Said now, not as a notice on a screen the user may be reading something else on.
    for root in &code {
        if let Err(e) = std::fs::metadata(root) {
            anyhow::bail!("cannot read the code folder {}: {e}", root.display());
        }
    }
    Ok(tui::Options {
        spec,
        label,
        theme,
        keymap,
        categories,
        ignores,
        ignore_path,
        plan_path,
        plan,
        schemas: pglens::categorize::SchemaFilter {
            include: if cli.schemas.is_empty() {
                config.schemas.include.clone()
            } else {
                cli.schemas.clone()
            },
            exclude: config.schemas.exclude.clone(),
            hide_platform: config.schemas.hide_platform,
        },
        code,
        rls_scopes: config.rls.clone(),
        drift: cli
            .drift
            .as_deref()
            .map(|d| SourceSpec::parse(Some(d), false).map(|s| s.with_base(cli.base.into())))
            .transpose()?,
    })
}

/// What `pglens doctor` prints.
fn doctor() -> String {
    let env = tui::clipboard::Environment::detect();
    let clip = tui::clipboard::Clipboard::new(env.clone(), tui::config::state_dir());
    let mut out = String::new();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    out.push_str(&format!(
        "terminal:     TERM={}\n",
        env.term.as_deref().unwrap_or("(unset)")
    ));
    out.push_str(&format!(
        "stdout tty:   {}\n",
        yes_no(std::io::IsTerminal::is_terminal(&std::io::stdout()))
    ));
    out.push_str(&format!("tmux:         {}\n", yes_no(env.in_tmux)));
    if env.in_tmux {
        let setting = std::process::Command::new("tmux")
            .args(["show-options", "-gv", "set-clipboard"])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unknown (tmux did not answer)".into());
        out.push_str(&format!("              set-clipboard = {setting} (\"on\" lets OSC 52 through to the outer terminal)\n"));
    }
    out.push_str(&format!("ssh session:  {}\n", yes_no(env.over_ssh)));
    out.push_str(&format!(
        "display:      {}\n",
        env.display.as_deref().unwrap_or("(none)")
    ));
    out.push_str("clipboard routes, in order:\n");
    for r in clip.routes() {
        out.push_str(&format!("  - {r}\n"));
    }
    let config = std::env::var_os("PGLENS_CONFIG")
        .map(PathBuf::from)
        .or_else(tui::config::default_path);
    match config {
        Some(p) => out.push_str(&format!(
            "config file:  {} ({})\n",
            p.display(),
            if p.is_file() {
                "found"
            } else {
                "not present; defaults apply"
            }
        )),
        None => out.push_str("config file:  (no HOME or XDG_CONFIG_HOME)\n"),
    }
    match tui::config::Config::load() {
        Ok(c) => out.push_str(&format!(
            "theme:        {}\n",
            c.theme.as_deref().unwrap_or("default")
        )),
        Err(e) => out.push_str(&format!("config error: {e}\n")),
    }
    out
}

/// Writes `text` to standard output and flushes it. A failed write (a full disk, a closed
/// file) is an error and exits 2: a CI job must not pass on a report that was never
/// written. A reader that went away (`pglens audit | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    written(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// A write to standard output: a closed pipe (`| head`) is no error, anything else is.
fn written(result: std::io::Result<()>) -> anyhow::Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow::anyhow!("cannot write the output: {e}")),
    }
}

/// One command's manual page, in roff.
fn man_page(command: clap::Command) -> anyhow::Result<String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|e| anyhow::anyhow!("cannot render the manual page: {e}"))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// Writes `pglens.1` and one page per subcommand (`pglens-audit.1`, `pglens-plan-export.1`)
/// into `dir`, as git and cargo ship theirs. Returns how many pages were written.
fn write_man_pages(dir: &Path) -> anyhow::Result<usize> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a folder", dir.display());
    }
    let mut pending = vec![Cli::command().name("pglens")];
    let mut written = 0;
    while let Some(command) = pending.pop() {
        let name = command.get_name().to_string();
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            pending.push(sub.clone().name(format!("{name}-{}", sub.get_name())));
        }
        let path = dir.join(format!("{name}.1"));
        pglens::files::write(&path, man_page(command)?.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        written += 1;
    }
    Ok(written)
}

/// Colour only for a terminal, and never when NO_COLOR is set (no-color.org).
fn colour_stdout() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none()
}

fn rules_table() -> String {
    let mut out = String::new();
    for e in audit::all_rules() {
        let m = e.rule.meta();
        out.push_str(&format!(
            "{:<40} {:<8} {:<15} {}\n",
            m.id,
            m.severity.as_str(),
            m.category.as_str(),
            m.summary
        ));
    }
    out
}

fn rules_json(entries: &[&audit::RuleEntry]) -> String {
    let rules: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let m = e.rule.meta();
            serde_json::json!({
                "id": m.id,
                "severity": m.severity,
                "category": m.category,
                "summary": m.summary,
                "counterparts": m.counterparts,
                "docs": e.docs(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n"
}

/// How the headless commands read their sources: `-W` (prompt for the password first) and
/// `--base` (what migration files start from).
#[derive(Clone, Copy)]
struct Reading {
    ask_password: bool,
    base: source::sqlfiles::Base,
}

/// `pglens rls`: the catalog first (for scopes and names), then the counts as the user.
async fn rls(
    source: &str,
    as_user: Option<String>,
    role: Option<String>,
    claims: Option<String>,
    timeout: u64,
    format: RlsFormat,
    reading: Reading,
) -> anyhow::Result<ExitCode> {
    use pglens::source::live::rls::{self as live_rls, Who};
    let who = match (as_user.as_deref(), role) {
        (Some("anon"), _) => Who::Anon,
        (Some(user), _) => Who::User(user.to_string()),
        (None, Some(role)) => Who::Role(role),
        (None, None) => {
            anyhow::bail!("pglens rls needs --as USER (an id or e-mail, or anon) or --role ROLE")
        }
    };
    let claims = claims
        .map(|c| {
            serde_json::from_str::<serde_json::Value>(&c)
                .ok()
                .filter(serde_json::Value::is_object)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--claims must be a JSON object, such as '{{\"sub\": \"...\"}}'"
                    )
                })
        })
        .transpose()?;
    let mut spec = SourceSpec::parse_all(&[source.to_string()], false)?;
    if !matches!(spec, SourceSpec::Live(_)) {
        anyhow::bail!(
            "pglens rls reads as a user on a live database: give a connection string or URL"
        );
    }
    if reading.ask_password {
        spec = with_typed_password(spec)?;
    }
    let catalog = source::load(&spec, &mut |_| {}, &mut |w| {
        eprintln!("pglens: warning: {}", visible(&w))
    })
    .await?;
    let SourceSpec::Live(conninfo) = &spec else {
        anyhow::bail!("pglens rls needs a live database");
    };
    let params =
        source::live::conninfo::resolve(conninfo, &source::live::conninfo::ProcessEnvironment)
            .map_err(|e| anyhow::anyhow!("{}", e.0))?;
    let timeout = std::time::Duration::from_secs(timeout.max(1));
    let config = tui::config::Config::load().map_err(anyhow::Error::msg)?;
    let scopes = pglens::rls::scopes_with(&catalog, &config.rls).map_err(anyhow::Error::msg)?;
    let report = live_rls::run(&params, &catalog, &scopes, &who, claims, timeout).await?;
    let text = match format {
        RlsFormat::Text => pglens::rls::report::text(&report),
        RlsFormat::Json => pglens::rls::report::json(&report),
        RlsFormat::Markdown => pglens::rls::report::markdown(&report),
    };
    emit(&text)?;
    Ok(if report.leaks.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads a source for a headless command.
async fn load(
    source: &[String],
    demo: bool,
    reading: Reading,
    code: &[PathBuf],
) -> anyhow::Result<pglens::model::Catalog> {
    let mut spec = SourceSpec::parse_all(source, demo)?.with_base(reading.base);
    if reading.ask_password {
        spec = with_typed_password(spec)?;
    }
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |p: source::live::Progress| {
        if interactive {
            eprint!("\r\x1b[K{}", p.describe());
        }
    };
    let mut warn = |w: String| eprintln!("pglens: warning: {}", visible(&w));
    let mut result = source::load(&spec, &mut progress, &mut warn).await;
    if interactive && matches!(spec, SourceSpec::Live(_) | SourceSpec::SqlFiles(..)) {
        eprint!("\r\x1b[K");
    }
    // As psql does: asked for a password that was not given, ask the person at the terminal.
    let wants_password = matches!(
        result,
        Err(source::SourceError::Live(
            source::live::LiveError::PasswordMissing { .. }
        ))
    );
    if wants_password && std::io::IsTerminal::is_terminal(&std::io::stdin()) && interactive {
        spec = with_typed_password(spec)?;
        result = source::load(&spec, &mut progress, &mut warn).await;
        eprint!("\r\x1b[K");
    }
    let mut catalog = result?;
    if !code.is_empty() {
        for warning in source::code::attach(&mut catalog, &spec, code)? {
            eprintln!("pglens: warning: {}", visible(&warning));
        }
    }
    Ok(catalog)
}

/// A live source with the password typed at a prompt; other sources as they are.
fn with_typed_password(spec: SourceSpec) -> anyhow::Result<SourceSpec> {
    let SourceSpec::Live(conninfo) = &spec else {
        return Ok(spec);
    };
    let label = spec.label();
    let password = tui::prompt::password(&format!("Password for {label}: "))
        .map_err(|e| anyhow::anyhow!("cannot read the password: {e}"))?;
    Ok(SourceSpec::Live(source::live::conninfo::with_password(
        conninfo, &password,
    )))
}
