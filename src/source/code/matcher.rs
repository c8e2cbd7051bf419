//! Finding the schema's names in one file's text: every name at word boundaries (one
//! Aho-Corasick automaton over all of them, ASCII case-insensitive as SQL's unquoted names
//! are), attributed to the schema a qualifier names, and classified by what surrounds it.
//! Pure: the walker in `mod.rs` feeds it bytes.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::model::code::{ReferenceKind, ReferencedKind};

/// An object the scan looks for.
#[derive(Debug, Clone)]
pub struct Target {
    pub schema: String,
    pub name: String,
    pub kind: ReferencedKind,
}

/// One line naming one target: `(target index, 1-based line, how)`.
pub type Hit = (usize, u32, ReferenceKind);

/// Names of one character are left out: a table called `t` would "appear" in every file.
const SHORTEST_NAME: usize = 2;

/// How far back, in bytes, the word before a name is looked for (`FROM` on the line
/// above counts; a keyword three paragraphs up does not).
const LOOK_BACK: usize = 120;

/// SQL keywords after which a name is a table or view: `FROM leads`, `JOIN leads`,
/// `INSERT INTO leads`, `UPDATE leads`, `TRUNCATE TABLE leads` (`ONLY` is looked past).
const TABLE_KEYWORDS: [&str; 6] = ["from", "join", "into", "update", "table", "truncate"];

/// SQL keywords after which a name is a function call: `SELECT f(`, `CALL p(`,
/// `PERFORM f(`, `FROM f(` (a set-returning function).
const CALL_KEYWORDS: [&str; 4] = ["select", "call", "perform", "from"];

/// Words that make the statement a definition, not a use, when they come just before the
/// name: `CREATE TABLE`, `ALTER TABLE ONLY`, `CREATE INDEX i ON`, `GRANT SELECT ON`,
/// `COMMENT ON TABLE`, `REFERENCES`.
const DEFINING_WORDS: [&str; 7] = [
    "create",
    "alter",
    "drop",
    "grant",
    "revoke",
    "comment",
    "references",
];

/// Supabase client calls that take a table (`.from`, supabase-py's `.table` and `.from_`)
/// or a function (`.rpc`) by name; the name may be on the next line, and a type argument
/// may come first (`.rpc<number>(`).
const CLIENT_TABLE_CALLS: [&str; 3] = ["from", "from_", "table"];
const CLIENT_FUNCTION_CALLS: [&str; 1] = ["rpc"];

/// ORM calls whose first argument is the table's name: Drizzle `pgTable("t"`, SQLAlchemy
/// Core `Table("t", metadata`, TypeORM `@Entity("t")`.
const ORM_CALLS: [&str; 3] = ["pgTable", "Table", "Entity"];

/// ORM declarations of a table's name, before the quoted name on its line: Prisma
/// `@@map("t")`, JPA `@Table(name = "t")`, Django `db_table = "t"`, Rails
/// `self.table_name = "t"`, SQLAlchemy `__tablename__ = "t"`, Sequelize `tableName: "t"`.
/// (A bare `table_name` is information_schema's column.)
const ORM_ASSIGNMENTS: [&str; 6] = [
    "@@map(",
    "@Table(",
    "db_table",
    "self.table_name",
    "__tablename__",
    "tableName",
];

/// Type-level names in TypeScript: `Tables<'leads'>`, `Database['public']['Tables']['leads']`.
const TYPE_MARKERS: [&str; 10] = [
    "Tables<",
    "TablesInsert<",
    "TablesUpdate<",
    "Enums<",
    "['Tables'][",
    "[\"Tables\"][",
    "['Views'][",
    "[\"Views\"][",
    "['Functions'][",
    "[\"Functions\"][",
];

/// What kind of file a hit is in, which decides what a keyword or a quote means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `.sql`: every keyword is SQL.
    Sql,
    /// A programming language: SQL lives in its strings; a quoted name is a value.
    Code,
    /// Supabase's generated `Database` types: every name in it is a type.
    GeneratedTypes,
    /// Documents and data (Markdown, JSON, YAML): names there are mentions.
    Other,
}

/// Schemas a qualifier may name besides the catalog's own: `FROM realtime.messages` is
/// not the application's `messages`.
const OTHER_SCHEMAS: [&str; 11] = [
    "pg_catalog",
    "information_schema",
    "auth",
    "storage",
    "realtime",
    "extensions",
    "graphql",
    "graphql_public",
    "vault",
    "net",
    "cron",
];

pub struct Matcher {
    automaton: AhoCorasick,
    /// Lowercased schema names a qualifier may name.
    schemas: std::collections::HashSet<String>,
    /// For each pattern, the targets of that name (a table and a function, or tables of
    /// several schemas).
    targets_of: Vec<Vec<usize>>,
    targets: Vec<Target>,
}

impl Matcher {
    /// None when there is nothing to look for. `schemas` are the catalog's, so that a name
    /// qualified by another schema is left alone.
    pub fn new(targets: Vec<Target>, schemas: &[String]) -> Option<Matcher> {
        let mut patterns: Vec<String> = Vec::new();
        let mut targets_of: Vec<Vec<usize>> = Vec::new();
        let mut by_name = std::collections::HashMap::new();
        for (i, t) in targets.iter().enumerate() {
            if t.name.chars().count() < SHORTEST_NAME {
                continue;
            }
            let lower = t.name.to_ascii_lowercase();
            let pattern = *by_name.entry(lower.clone()).or_insert_with(|| {
                patterns.push(lower);
                targets_of.push(Vec::new());
                patterns.len() - 1
            });
            targets_of[pattern].push(i);
        }
        if patterns.is_empty() {
            return None;
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok()?;
        let schemas = schemas
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .chain(OTHER_SCHEMAS.iter().map(|s| s.to_string()))
            .collect();
        Some(Matcher {
            automaton,
            schemas,
            targets_of,
            targets,
        })
    }

    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Every line of `text` that names a target, one hit per target and line (the most
    /// certain kind wins), in line order.
    pub fn scan(&self, text: &[u8], file: FileKind) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut lines = LineCounter::default();
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            if !boundary_before(text, start) || !boundary_after(text, end) {
                continue;
            }
            let candidates = &self.targets_of[m.pattern().as_usize()];
            let qualifier = qualifier(text, start);
            let qualified: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| {
                    qualifier
                        .as_deref()
                        .is_some_and(|q| q.eq_ignore_ascii_case(&self.targets[i].schema))
                })
                .collect();
            // `billing.invoices` is billing's; `invoices` or `this.invoices` is any of them;
            // `realtime.messages` is none of the application's.
            let other_schema = qualifier
                .as_deref()
                .is_some_and(|q| self.schemas.contains(&q.to_ascii_lowercase()));
            let chosen = match (qualified.is_empty(), other_schema) {
                (false, _) => qualified.as_slice(),
                (true, true) => continue,
                (true, false) => candidates.as_slice(),
            };
            let line = lines.line_of(text, start);
            for &i in chosen {
                let how = classify(text, start..end, &self.targets[i], file);
                hits.push((i, line, how));
            }
        }
        hits.sort_unstable();
        hits.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
        hits
    }
}

/// Counts lines forward from the last position asked about; overlapping matches arrive in
/// order of their ends, so a start can step back a little.
#[derive(Default)]
struct LineCounter {
    position: usize,
    line: u32,
}

impl LineCounter {
    fn line_of(&mut self, text: &[u8], at: usize) -> u32 {
        let newlines = |a: usize, b: usize| {
            u32::try_from(memchr::memchr_iter(b'\n', &text[a..b]).count()).unwrap_or(u32::MAX)
        };
        if at >= self.position {
            self.line = self.line.saturating_add(newlines(self.position, at));
        } else {
            self.line = self.line.saturating_sub(newlines(at, self.position));
        }
        self.position = at;
        self.line + 1
    }
}

/// Letters, digits, `_` and any non-ASCII byte (a UTF-8 letter) continue a word.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn boundary_before(text: &[u8], start: usize) -> bool {
    start == 0 || !is_word(text[start - 1])
}

fn boundary_after(text: &[u8], end: usize) -> bool {
    end == text.len() || !is_word(text[end])
}

/// The name's qualifier: `billing` in `billing.invoices`, `"Billing"."invoices"` or
/// `billing."invoices"`.
fn qualifier(text: &[u8], start: usize) -> Option<String> {
    let mut at = start;
    if at > 0 && text[at - 1] == b'"' {
        at -= 1;
    }
    if at == 0 || text[at - 1] != b'.' {
        return None;
    }
    let end = at - 1;
    let (from, to) = if end > 0 && text[end - 1] == b'"' {
        let open = memchr::memrchr(b'"', &text[..end - 1])?;
        (open + 1, end - 1)
    } else {
        let from = text[..end]
            .iter()
            .rposition(|&b| !is_word(b))
            .map_or(0, |p| p + 1);
        (from, end)
    };
    (from < to).then(|| String::from_utf8_lossy(&text[from..to]).into_owned())
}

/// How the text around a name at `at` uses it.
fn classify(text: &[u8], at: Range<usize>, target: &Target, file: FileKind) -> ReferenceKind {
    if file == FileKind::GeneratedTypes {
        return ReferenceKind::Type;
    }
    let (start, end) = (at.start, at.end);
    let line_start = memchr::memrchr(b'\n', &text[..start]).map_or(0, |p| p + 1);
    let before = &text[line_start..start];
    if is_comment(before) || has_trailing_comment(before) {
        return ReferenceKind::Mention;
    }
    let function = target.kind == ReferencedKind::Function;
    let quote = before
        .last()
        .copied()
        .filter(|b| matches!(b, b'\'' | b'"' | b'`'));
    if quote.is_some() {
        if let Some(kind) = quoted(text, start, before, function) {
            return kind;
        }
    }
    if !matches!(file, FileKind::Sql | FileKind::Code) {
        return ReferenceKind::Mention;
    }
    // A string of its own that is exactly the name: `'book_notes'` handed to a helper,
    // `.rpc(cond ? 'a' : 'b')`. Unless SQL below says it is a quoted identifier.
    let exact = &text[start..end] == target.name.as_bytes();
    let string = file == FileKind::Code
        && exact
        && quote.is_some()
        && text.get(end).copied() == quote
        && !value_not_table(text, end, before);
    let otherwise = if string {
        ReferenceKind::String
    } else {
        ReferenceKind::Mention
    };
    // In code, SQL names a table as it was created (`leads`) or shouts (`LEADS`);
    // `Books/` in a sentence is not the table `books`.
    let shouted = !text[start..end].iter().any(u8::is_ascii_lowercase);
    if file == FileKind::Code && !exact && !shouted {
        return otherwise;
    }
    match sql(text, start..end, function, file) {
        // SQL quotes identifiers with `"`: `CREATE TABLE "leads"` is still a definition.
        Some(ReferenceKind::Definition) if string && quote != Some(b'"') => otherwise,
        Some(kind) => kind,
        None => otherwise,
    }
}

/// A quoted name that a call or a declaration makes certain: a client call (or a storage
/// bucket that only looks like one), an ORM's table name, a type.
fn quoted(text: &[u8], start: usize, before: &[u8], function: bool) -> Option<ReferenceKind> {
    if let Some(callee) = callee(text, start - 1) {
        let calls: &[&str] = if function {
            &CLIENT_FUNCTION_CALLS
        } else {
            &CLIENT_TABLE_CALLS
        };
        if callee.dotted && calls.contains(&callee.name.as_str()) {
            // `supabase.storage.from('avatars')` is a storage bucket.
            if callee.receiver.as_deref() == Some("storage") {
                return Some(ReferenceKind::Mention);
            }
            return Some(ReferenceKind::Client);
        }
        if !function && ORM_CALLS.contains(&callee.name.as_str()) {
            return Some(ReferenceKind::Orm);
        }
    }
    let opening = &before[..before.len() - 1];
    if TYPE_MARKERS.iter().any(|m| opening.ends_with(m.as_bytes())) {
        return Some(ReferenceKind::Type);
    }
    let declared = ORM_ASSIGNMENTS
        .iter()
        .any(|d| memchr::memmem::find(before, d.as_bytes()).is_some());
    (!function && declared).then_some(ReferenceKind::Orm)
}

/// Calls whose string arguments are values, messages or keys, never a table: a filter's
/// value (`.eq('config_key', 'oauth_providers')`), a Realtime channel, a log line, an
/// error, a translation, `includes`.
const VALUE_CALLS: [&str; 17] = [
    "eq",
    "neq",
    "like",
    "ilike",
    "channel",
    "includes",
    "Error",
    "log",
    "warn",
    "error",
    "info",
    "debug",
    "t",
    "_",
    "alert",
    "toast",
    "translate",
];

/// True when a quoted name is plainly a value: `'books' in item`, a type union
/// `'posts' | 'users'`, or an argument of one of [`VALUE_CALLS`].
fn value_not_table(text: &[u8], end: usize, before: &[u8]) -> bool {
    let after = text.get(end + 1..).unwrap_or_default().trim_ascii_start();
    let opening = before[..before.len() - 1].trim_ascii_end();
    if after.starts_with(b"in ") || after.starts_with(b"|") || opening.ends_with(b"|") {
        return true;
    }
    // The call the string is an argument of: the nearest unclosed `(` on the line.
    let mut depth = 0usize;
    for (i, &b) in opening.iter().enumerate().rev() {
        match b {
            b')' => depth += 1,
            b'(' if depth > 0 => depth -= 1,
            b'(' => {
                let name_end = i;
                let name_start = opening[..name_end]
                    .iter()
                    .rposition(|&c| !is_word(c))
                    .map_or(0, |p| p + 1);
                let name = &opening[name_start..name_end];
                return VALUE_CALLS.iter().any(|c| c.as_bytes() == name);
            }
            _ => {}
        }
    }
    false
}

/// What SQL around a name says: used (`FROM leads`), defined (`CREATE TABLE leads`), or
/// nothing. In `.sql` files every keyword counts; in code a lowercase keyword counts only
/// with its statement's verb (`select ... from`, `insert into`, `update ... set`), so
/// "import books from files" is prose.
fn sql(text: &[u8], at: Range<usize>, function: bool, file: FileKind) -> Option<ReferenceKind> {
    let (start, end) = (at.start, at.end);
    let words = words_before(text, start, 4);
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let word = |i: usize| lower.get(i).map(String::as_str).unwrap_or("");
    if lower.iter().any(|w| DEFINING_WORDS.contains(&w.as_str())) {
        return Some(ReferenceKind::Definition);
    }
    let k = usize::from(word(0) == "only");
    let keyword = word(k);
    let called = text[end..].trim_ascii_start().first() == Some(&b'(');
    let is_keyword = if function {
        called && CALL_KEYWORDS.contains(&keyword)
    } else {
        TABLE_KEYWORDS.contains(&keyword)
    };
    if !is_keyword {
        return None;
    }
    let shouted = words
        .get(k)
        .is_some_and(|w| !w.bytes().any(|b| b.is_ascii_lowercase()));
    if file == FileKind::Sql || shouted {
        return Some(ReferenceKind::Sql);
    }
    let window = &text[start.saturating_sub(LOOK_BACK)..start];
    let confirmed = match keyword {
        "from" | "join" => has_word(window, "select") || has_word(window, "delete"),
        "into" => word(k + 1) == "insert",
        "update" => has_word(&text[end..text.len().min(end + 60)], "set"),
        "table" => word(k + 1) == "truncate",
        _ => true,
    };
    confirmed.then_some(ReferenceKind::Sql)
}

/// `word` in `text` as a whole word, ASCII case-insensitively.
fn has_word(text: &[u8], word: &str) -> bool {
    let w = word.len();
    (0..text.len().saturating_sub(w - 1)).any(|i| {
        text[i..i + w].eq_ignore_ascii_case(word.as_bytes())
            && (i == 0 || !is_word(text[i - 1]))
            && text.get(i + w).is_none_or(|&b| !is_word(b))
    })
}

/// A comment after code on the line: `x = 1 // from leads`, `# ...`, `-- ...`.
fn has_trailing_comment(before: &[u8]) -> bool {
    [&b" // "[..], b"\t// ", b" # ", b" -- "]
        .iter()
        .any(|m| memchr::memmem::find(before, m).is_some())
}

/// A line whose text so far is a comment: `//`, `#`, `--`, `/*`, `*`, `<!--`.
fn is_comment(before: &[u8]) -> bool {
    let t = before.trim_ascii_start();
    [&b"//"[..], b"#", b"--", b"/*", b"*", b"<!--"]
        .iter()
        .any(|m| t.starts_with(m))
}

/// The call a quoted argument belongs to: `from` in `supabase.from('x'`, across line
/// breaks and a type argument (`.rpc<number>(`).
struct Callee {
    name: String,
    /// Called as a method (`.from(`), not a function (`from(`).
    dotted: bool,
    /// What the method is called on, when it is a plain name: `storage` in
    /// `supabase.storage.from(`.
    receiver: Option<String>,
}

fn callee(text: &[u8], opening_quote: usize) -> Option<Callee> {
    let floor = opening_quote.saturating_sub(LOOK_BACK);
    let mut at = skip_space_back(text, opening_quote, floor);
    if at == floor || text[at - 1] != b'(' {
        return None;
    }
    at = skip_space_back(text, at - 1, floor);
    if at > floor && text[at - 1] == b'>' {
        let open = text[floor..at - 1].iter().rposition(|&b| b == b'<')?;
        at = skip_space_back(text, floor + open, floor);
    }
    let name_end = at;
    while at > floor && is_word(text[at - 1]) {
        at -= 1;
    }
    if at == name_end {
        return None;
    }
    let name = String::from_utf8_lossy(&text[at..name_end]).into_owned();
    let before_name = skip_space_back(text, at, floor);
    let dotted = before_name > floor && matches!(text[before_name - 1], b'.' | b'@');
    let receiver = dotted.then(|| {
        let end = skip_space_back(text, before_name - 1, floor);
        let mut from = end;
        while from > floor && is_word(text[from - 1]) {
            from -= 1;
        }
        String::from_utf8_lossy(&text[from..end]).into_owned()
    });
    Some(Callee {
        name,
        dotted,
        receiver: receiver.filter(|r| !r.is_empty()),
    })
}

fn skip_space_back(text: &[u8], mut at: usize, floor: usize) -> usize {
    while at > floor && text[at - 1].is_ascii_whitespace() {
        at -= 1;
    }
    at
}

/// Up to `n` words before a (possibly quoted, possibly qualified) name, nearest first,
/// across line breaks but no further back than [`LOOK_BACK`], and stopping at
/// punctuation: `SELECT * FROM public."leads"` gives `["FROM"]`. A quoted name counts as
/// one word (`CREATE POLICY "p" ON leads` gives `["ON", "\"p\"", "POLICY", "CREATE"]`).
fn words_before(text: &[u8], start: usize, n: usize) -> Vec<String> {
    let floor = start.saturating_sub(LOOK_BACK);
    let mut at = start;
    // Past the opening quote and the qualifier.
    while at > floor && matches!(text[at - 1], b'"' | b'\'' | b'`') {
        at -= 1;
    }
    if at > floor && text[at - 1] == b'.' {
        at -= 1;
        while at > floor && (is_word(text[at - 1]) || text[at - 1] == b'"') {
            at -= 1;
        }
    }
    let mut words = Vec::new();
    while words.len() < n {
        at = skip_space_back(text, at, floor);
        if at == floor {
            break;
        }
        let end = at;
        if text[at - 1] == b'"' {
            match memchr::memrchr(b'"', &text[floor..at - 1]) {
                Some(open) => at = floor + open,
                None => break,
            }
        } else {
            while at > floor && is_word(text[at - 1]) {
                at -= 1;
            }
            if at == end {
                break;
            }
        }
        words.push(String::from_utf8_lossy(&text[at..end]).into_owned());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferenceKind::*;

    fn target(schema: &str, name: &str, kind: ReferencedKind) -> Target {
        Target {
            schema: schema.into(),
            name: name.into(),
            kind,
        }
    }

    fn matcher() -> Matcher {
        Matcher::new(
            vec![
                target("public", "leads", ReferencedKind::Table),
                target("public", "lead_notes", ReferencedKind::Table),
                target("public", "invoices", ReferencedKind::Table),
                target("billing", "invoices", ReferencedKind::Table),
                target("public", "accept_invite", ReferencedKind::Function),
                target("public", "x", ReferencedKind::Table),
            ],
            &["public".into(), "billing".into()],
        )
        .unwrap()
    }

    fn scan_as(text: &str, file: FileKind) -> Vec<(std::string::String, u32, ReferenceKind)> {
        let m = matcher();
        m.scan(text.as_bytes(), file)
            .into_iter()
            .map(|(i, line, how)| {
                let t = &m.targets()[i];
                (format!("{}.{}", t.schema, t.name), line, how)
            })
            .collect()
    }

    fn scan(text: &str) -> Vec<(std::string::String, u32, ReferenceKind)> {
        scan_as(text, FileKind::Code)
    }

    fn one_as(text: &str, file: FileKind) -> ReferenceKind {
        let hits = scan_as(text, file);
        assert_eq!(hits.len(), 1, "{text}: {hits:?}");
        hits[0].2
    }

    fn one(text: &str) -> ReferenceKind {
        one_as(text, FileKind::Code)
    }

    #[test]
    fn names_count_only_as_whole_words() {
        assert!(scan("misleads leadsx lead_notes_v2 _leads leads2 ünleads").is_empty());
        assert_eq!(
            scan("a\n(leads)\nb lead_notes"),
            vec![
                ("public.leads".into(), 2, Mention),
                ("public.lead_notes".into(), 3, Mention)
            ]
        );
        assert!(
            scan("x = 1; let x = 2").is_empty(),
            "one-letter names are skipped"
        );
    }

    #[test]
    fn clients_orms_and_sql_are_told_apart() {
        assert_eq!(one("supabase.from('leads').select()"), Client);
        assert_eq!(one("await db.from(\"leads\")"), Client);
        assert_eq!(one("client.table(\"leads\").execute()"), Client);
        assert_eq!(one("supabase.rpc('accept_invite', { id })"), Client);
        assert_eq!(one("  @@map(\"leads\")"), Orm);
        assert_eq!(one("export const leads = pgTable('leads', {"), Orm);
        assert_eq!(one("        db_table = 'leads'"), Orm);
        assert_eq!(one("  self.table_name = \"leads\""), Orm);
        assert_eq!(one("    __tablename__ = 'leads'"), Orm);
        assert_eq!(one("@Entity('leads')"), Orm);
        assert_eq!(one("const q = `SELECT * FROM leads WHERE id = $1`"), Sql);
        assert_eq!(
            one("db.query(`select id\n  from\n    public.\"leads\" l`)"),
            Sql
        );
        assert_eq!(one("INSERT INTO leads (id) VALUES (1)"), Sql);
        assert_eq!(one("update LEADS set x = 1"), Sql);
        assert_eq!(one("DELETE FROM ONLY leads"), Sql);
        assert_eq!(one("perform accept_invite(id);"), Sql);
        assert_eq!(one("queryTables('leads', ['id'])"), String);
        assert_eq!(one("const leads = await getLeads()"), Mention);
        assert_eq!(
            one("accept_invite(id)"),
            Mention,
            "a call outside SQL may be code"
        );
    }

    /// What real applications showed: arguments on the next line, type arguments, storage
    /// buckets, generated types, prose that reads like SQL, and DDL.
    #[test]
    fn look_alikes_from_real_applications() {
        assert_eq!(
            one("supabase.rpc(\n    'accept_invite',\n    { id }"),
            Client
        );
        assert_eq!(one("supabase.rpc<number>('accept_invite')"), Client);
        assert_eq!(one("db.table(\n  \"leads\")"), Client);
        assert_eq!(one("export const t = pgTable(\n  \"leads\","), Orm);
        assert_eq!(one("supabase.storage.from('leads').upload(f)"), Mention);
        assert_eq!(one("supabase.storage\n  .from('leads')"), Mention);
        assert_eq!(one("supabase.rpc(on ? 'accept_invite' : 'other')"), String);
        assert_eq!(one("type Lead = Tables<'leads'>"), Type);
        assert_eq!(one("Database['public']['Tables']['leads']['Row']"), Type);
        assert_eq!(
            one_as("      leads: {\n        Row: {", FileKind::GeneratedTypes),
            Type
        );
        // information_schema's column, not Rails: the name is still a value in code.
        assert_eq!(
            one("WHERE table_schema = 'public' AND table_name = 'leads'"),
            String
        );
        // Prose and comments that read like SQL.
        assert_eq!(
            one("<p>Only leads imported in-place can be edited</p>"),
            Mention
        );
        assert_eq!(one(" * copies the file into Leads/<hash>/"), Mention);
        assert_eq!(one("// Insert into leads (admin client)"), Mention);
        assert_eq!(one("msg = 'Imported into Leads'"), Mention);
        assert_eq!(
            one_as(
                "The leads table holds prospects; see from leads.",
                FileKind::Other
            ),
            Mention
        );
        assert_eq!(one_as("-- select * from leads", FileKind::Sql), Mention);
        // Definitions are not uses.
        for ddl in [
            "CREATE TABLE public.leads (",
            "ALTER TABLE ONLY public.leads ENABLE ROW LEVEL SECURITY;",
            "GRANT SELECT ON leads TO anon;",
            "CREATE POLICY \"p\" ON leads FOR SELECT",
            "CREATE INDEX leads_idx ON leads (id);",
            "  lead_id uuid REFERENCES leads(id),",
            "drop table if exists leads;",
        ] {
            assert_eq!(one_as(ddl, FileKind::Sql), Definition, "{ddl}");
        }
        assert_eq!(one_as("truncate table leads;", FileKind::Sql), Sql);
        // A string is a use only when it is exactly the name, and a value of its own.
        assert_eq!(one("return 'Leads';"), Mention);
        assert_eq!(one("if ('leads' in item) {"), Mention);
        assert_eq!(one("type: 'posts' | 'leads' | 'users'"), Mention);
        assert_eq!(one("supabase.channel('leads').on(...)"), Mention);
        assert_eq!(one(".eq('config_key', 'leads')"), Mention);
        assert_eq!(
            one("throw new Error('relation \"leads\" does not exist')"),
            Mention
        );
        assert_eq!(one("updateStatus(id, 'leads', true)"), String);
        // Lowercase SQL keywords in code need their statement's verb.
        assert_eq!(one("toast('Importing books from leads...')"), Mention);
        assert_eq!(one("msg = 'Removed from leads'"), Mention);
        assert_eq!(one("msg = 'convert visitors into leads.'"), Mention);
        assert_eq!(one("msg = 'Cannot update leads now'"), Mention);
        assert_eq!(one("db.raw('select id from leads where x')"), Sql);
        assert_eq!(one("db.raw('insert into leads values (1)')"), Sql);
        assert_eq!(one("db.raw('update leads set x = 1')"), Sql);
        assert_eq!(one("totalRates: 0, // Will be updated from leads"), Mention);
        // Another schema's table of the same name is not the application's.
        assert!(scan("SELECT * FROM realtime.leads").is_empty());
        assert!(scan("SELECT * FROM auth.invoices").is_empty());
        assert_eq!(one_as("select count(*) from Leads", FileKind::Sql), Sql);
    }

    #[test]
    fn a_qualifier_picks_the_schema_and_the_strongest_kind_wins_per_line() {
        let hits = scan("SELECT * FROM billing.invoices");
        assert_eq!(hits, vec![("billing.invoices".into(), 1, Sql)]);
        let hits = scan("FROM \"Billing\".\"invoices\"");
        assert_eq!(hits, vec![("billing.invoices".into(), 1, Sql)]);
        // Unqualified, or qualified by something that is not a schema: either table.
        let hits = scan("this.invoices.push(x)");
        assert_eq!(hits.len(), 2, "{hits:?}");
        // Two uses on one line are one reference, of the more certain kind.
        let hits = scan("const leads = supabase.from('leads')");
        assert_eq!(hits, vec![("public.leads".into(), 1, Client)]);
    }
}
