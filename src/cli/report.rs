//! Output formats of findings: human (rustc-like), JSON, GitHub workflow commands and SARIF 2.1.0.

use std::io::{IsTerminal, Write};

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label};
use codespan_reporting::term::{self, termcolor};
use serde_json::{Value, json};

use crate::diag::{Code, Diagnostic, Files, Severity};
use crate::model::Model;
use crate::render::count;

/// How findings are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like, with the source line and a caret; colour only on a terminal (NO_COLOR respected).
    Human,
    /// One JSON document.
    Json,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// Counts shown after the findings.
pub struct Summary {
    accepted: usize,
    errors: usize,
    warnings: usize,
    hints: usize,
    /// Documents checked by kind: count, singular, plural, and whether shown when none.
    counts: [(usize, &'static str, &'static str, bool); 5],
    as_of: jiff::civil::Date,
    /// Why checks that need every document typed did not run, when they did not.
    waited: Option<String>,
}

impl Summary {
    /// Counts the findings and the documents checked.
    pub fn new(model: &Model, findings: &[Diagnostic], as_of: jiff::civil::Date) -> Self {
        let accepted = findings.iter().filter(|f| f.accepted.is_some()).count();
        let findings: Vec<&Diagnostic> = findings.iter().filter(|f| f.accepted.is_none()).collect();
        Summary {
            accepted,
            errors: findings
                .iter()
                .filter(|f| f.severity() == Severity::Error)
                .count(),
            warnings: findings
                .iter()
                .filter(|f| f.severity() == Severity::Warning)
                .count(),
            hints: findings
                .iter()
                .filter(|f| f.severity() == Severity::Hint)
                .count(),
            counts: [
                (model.policies.len(), "policy", "policies", true),
                (model.controls.len(), "control", "controls", true),
                (
                    model.evidence.len(),
                    "evidence record",
                    "evidence records",
                    true,
                ),
                (model.risks.len(), "risk", "risks", true),
                // A register the repository does not keep yet is not listed.
                (
                    model.nonconformities.len(),
                    "nonconformity",
                    "nonconformities",
                    false,
                ),
            ],
            as_of,
            waited: waited(model, &findings),
        }
    }

    fn line(&self) -> String {
        let waited = self
            .waited
            .as_ref()
            .map_or_else(String::new, |why| format!("note: {why}\n"));
        let checked: Vec<String> = self
            .counts
            .iter()
            .filter(|&&(n, _, _, always)| n > 0 || always)
            .map(|&(n, one, many, _)| count(n, one, many))
            .collect();
        let hints = count(self.hints, "hint", "hints");
        let result = match (self.errors, self.warnings, self.hints) {
            (0, 0, 0) => "no findings".to_string(),
            (0, 0, _) => format!("no errors or warnings, {hints}"),
            (e, w, 0) => format!(
                "{} and {}",
                count(e, "error", "errors"),
                count(w, "warning", "warnings")
            ),
            (e, w, _) => format!(
                "{}, {} and {hints}",
                count(e, "error", "errors"),
                count(w, "warning", "warnings")
            ),
        };
        let accepted = match self.accepted {
            0 => String::new(),
            n => format!(
                " ({} signed off in crosswalk.toml `[[accepted]]`)",
                count(n, "accepted finding", "accepted findings")
            ),
        };
        format!(
            "{waited}{result}{accepted} in {}; evidence judged as of {}",
            checked.join(", "),
            self.as_of
        )
    }
}

/// The checks that wait for every document to type (coverage, evidence of operation, crosswalk
/// hints, CODEOWNERS), and why, when some did not: a gap must not look like a pass.
fn waited(model: &Model, findings: &[&Diagnostic]) -> Option<String> {
    if model.config.is_none() {
        return Some("crosswalk.toml did not load or type (the errors above), so people, scope, coverage, evidence of operation, crosswalk hints and CODEOWNERS were not checked; every other reference was; fix it and run again".into());
    }
    if !model.incomplete {
        return None;
    }
    let mut files: Vec<crate::diag::FileId> = findings
        .iter()
        .filter(|f| f.code.is_load_or_typing())
        .map(|f| f.file)
        .collect();
    files.sort();
    files.dedup();
    Some(format!(
        "coverage, evidence of operation, crosswalk hints and CODEOWNERS were not checked: {} did not load or type (the errors above), so any figure would be wrong; fix them and run again",
        count(files.len().max(1), "file", "files")
    ))
}

/// Writes the findings in a format.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    files: &Files,
    findings: &[Diagnostic],
    summary: &Summary,
) -> std::io::Result<()> {
    match format {
        Format::Human => human(out, files, findings, summary),
        Format::Json => pretty(out, &to_json(files, findings, summary)),
        Format::Github => github(out, files, findings, summary),
        Format::Sarif => pretty(out, &sarif(files, findings)),
    }
}

/// Writes a JSON document, pretty-printed, straight to `out` (buffered): the findings are
/// serialised one at a time as they are written, so 100,000 of them never sit in memory as JSON.
fn pretty(out: &mut dyn Write, document: &impl serde::Serialize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, document)?;
    writeln!(out)?;
    out.flush()
}

/// A JSON array whose items are made one at a time, while it is serialised.
struct Each<'a, T, F>(&'a [T], F);

impl<T, F: Fn(&T) -> Value> serde::Serialize for Each<'_, T, F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(&self.1))
    }
}

fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn human(
    out: &mut dyn Write,
    files: &Files,
    findings: &[Diagnostic],
    summary: &Summary,
) -> std::io::Result<()> {
    let config = term::Config::default();
    let mut buffer = if use_color() {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let (groups, singles) = grouped(findings);
    let shown = Shown::of(singles.iter().copied());
    let mut entries: Vec<(usize, Rendered<crate::diag::FileId>)> = shown
        .findings()
        .map(|f| (index_of(findings, f), rendered(files, f)))
        .collect();
    entries.extend(
        groups
            .iter()
            .map(|group| (index_of(findings, group[0]), rendered_group(files, group))),
    );
    entries.sort_by_key(|(index, _)| *index);
    for (_, entry) in &entries {
        term::emit_to_write_style(&mut buffer, &config, files, entry)
            .map_err(std::io::Error::other)?;
    }
    out.write_all(buffer.as_slice())?;
    for (code, file, more) in &shown.held_back {
        writeln!(
            out,
            "note[{}/{}]: {more} more such finding{} in {} not shown (at most {SHOWN_PER_FILE} of one kind per file are printed; `--format json` or `sarif` lists them all)\n",
            code.id(),
            code.name(),
            if *more == 1 { "" } else { "s" },
            files.get(*file).path
        )?;
    }
    for finding in findings.iter().filter(|f| f.accepted.is_some()) {
        let (start, _) = files.range(finding.file, &finding.span);
        writeln!(
            out,
            "accepted[{}/{}]: {}:{}:{}: {}\n  = {}",
            finding.code.id(),
            finding.code.name(),
            files.get(finding.file).path,
            start.line,
            start.column,
            finding.message,
            finding.accepted.as_deref().unwrap_or_default()
        )?;
    }
    writeln!(out, "{}", summary.line())
}

/// The most findings of one code in one file that the human and github formats print: the output
/// stays linear in the input however many findings one file has (a list of 100,000 unknown ids on
/// one line would otherwise print that line 100,000 times). The count, the summary and the exit code
/// include every finding; JSON and SARIF list them all.
pub const SHOWN_PER_FILE: usize = 20;

/// The unaccepted findings a terse format prints, and how many of each (code, file) it holds back.
struct Shown<'a> {
    findings: Vec<&'a Diagnostic>,
    held_back: Vec<(Code, crate::diag::FileId, usize)>,
}

impl<'a> Shown<'a> {
    fn of(findings: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut counts: std::collections::HashMap<(Code, crate::diag::FileId), usize> =
            std::collections::HashMap::new();
        let mut shown = Vec::new();
        let mut capped = Vec::new();
        for finding in findings.into_iter().filter(|f| f.accepted.is_none()) {
            let key = (finding.code, finding.file);
            let count = counts.entry(key).or_default();
            *count += 1;
            match (*count).cmp(&(SHOWN_PER_FILE + 1)) {
                std::cmp::Ordering::Less => shown.push(finding),
                std::cmp::Ordering::Equal => capped.push(key),
                std::cmp::Ordering::Greater => {}
            }
        }
        let held_back = capped
            .into_iter()
            .map(|(code, file)| (code, file, counts[&(code, file)] - SHOWN_PER_FILE))
            .collect();
        Shown {
            findings: shown,
            held_back,
        }
    }

    fn findings(&self) -> impl Iterator<Item = &'a Diagnostic> + '_ {
        self.findings.iter().copied()
    }
}

/// The unaccepted findings that share a [`Group`](crate::diag::Group) title, a code and a place,
/// in groups of two or more (in the order of their first finding), and every other unaccepted
/// finding.
fn grouped(findings: &[Diagnostic]) -> (Vec<Vec<&Diagnostic>>, Vec<&Diagnostic>) {
    type Key<'a> = (Code, crate::diag::FileId, usize, &'a str);
    let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
    let mut index: std::collections::HashMap<Key<'_>, usize> = std::collections::HashMap::new();
    let mut singles = Vec::new();
    for finding in findings.iter().filter(|f| f.accepted.is_none()) {
        let Some(group) = &finding.group else {
            singles.push(finding);
            continue;
        };
        let key = (
            finding.code,
            finding.file,
            finding.span.start,
            group.title.as_str(),
        );
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(finding);
    }
    let (groups, lone): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| g.len() > 1);
    singles.extend(lone.into_iter().flatten());
    singles.sort_by_key(|f| index_of(findings, f));
    (groups, singles)
}

/// The position of `finding` in `findings` (it is one of them).
fn index_of(findings: &[Diagnostic], finding: &Diagnostic) -> usize {
    let size = std::mem::size_of::<Diagnostic>();
    (finding as *const Diagnostic as usize - findings.as_ptr() as usize) / size
}

/// The most lines of a group the human format lists; the count says how many there are.
pub const SHOWN_PER_GROUP: usize = 40;

/// A group of findings as one: its count and title, the place they share, and the list of them
/// (each line its item), with their distinct helps.
fn rendered_group(files: &Files, group: &[&Diagnostic]) -> Rendered<crate::diag::FileId> {
    let first = group[0];
    let title = first.group.as_ref().map_or("", |g| g.title.as_str());
    let mut rendered = rendered(files, first);
    rendered.message = format!("{} {title}", group.len());
    let mut items: Vec<String> = group
        .iter()
        .filter_map(|f| f.group.as_ref().map(|g| g.item.clone()))
        .take(SHOWN_PER_GROUP)
        .collect();
    if group.len() > SHOWN_PER_GROUP {
        items.push(format!(
            "… and {} more (`--format json` lists every one; `crosswalk gaps` too, for coverage)",
            group.len() - SHOWN_PER_GROUP
        ));
    }
    let mut helps: Vec<&str> = Vec::new();
    for help in group.iter().filter_map(|f| f.help.as_deref()) {
        if !helps.contains(&help) {
            helps.push(help);
        }
    }
    rendered.notes = std::iter::once(items.join("\n"))
        .chain(helps.iter().map(|h| format!("help: {h}")))
        .collect();
    rendered
}

/// The longest source excerpt the human format prints, in bytes: a finding on a longer line (a
/// minified or generated file, 100,000 ids on one line) names its place in a note instead, so the
/// output stays bounded by the number of findings, not by their lines' lengths.
pub const SHOWN_LINE_BYTES: usize = 1_000;

fn rendered(files: &Files, finding: &Diagnostic) -> Rendered<crate::diag::FileId> {
    let severity = match finding.severity() {
        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        Severity::Hint => codespan_reporting::diagnostic::Severity::Help,
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    let mut place = |file, span: &std::ops::Range<usize>, label: Label<_>, message: &str| {
        let long = files.get(file).longest_line(span);
        if long <= SHOWN_LINE_BYTES {
            labels.push(label);
            return;
        }
        let (start, _) = files.range(file, span);
        let what = if message.is_empty() {
            String::new()
        } else {
            format!(": {message}")
        };
        notes.push(format!(
            "at {}:{}:{}{what} (the line is {long} bytes long, too long to show)",
            files.get(file).path,
            start.line,
            start.column
        ));
    };
    place(
        finding.file,
        &finding.span,
        Label::primary(finding.file, finding.span.clone()),
        "",
    );
    for r in &finding.related {
        let label = Label::secondary(r.file, r.span.clone()).with_message(r.message.clone());
        place(r.file, &r.span, label, &r.message);
    }
    notes.extend(finding.help.iter().map(|h| format!("help: {h}")));
    Rendered::new(severity)
        .with_code(format!("{}/{}", finding.code.id(), finding.code.name()))
        .with_message(&finding.message)
        .with_labels(labels)
        .with_notes(notes)
}

fn location(files: &Files, finding: &Diagnostic) -> Value {
    let (start, end) = files.range(finding.file, &finding.span);
    json!({
        "file": files.get(finding.file).path,
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
    })
}

fn to_json(files: &Files, findings: &[Diagnostic], summary: &Summary) -> impl serde::Serialize {
    #[derive(serde::Serialize)]
    // Fields in the order `serde_json` writes an object's keys (sorted), as before streaming.
    struct Report<'a, D> {
        accepted: usize,
        as_of: String,
        diagnostics: D,
        errors: usize,
        waited: Option<&'a str>,
        warnings: usize,
    }
    Report {
        as_of: summary.as_of.to_string(),
        errors: summary.errors,
        waited: summary.waited.as_deref(),
        warnings: summary.warnings,
        accepted: summary.accepted,
        diagnostics: Each(findings, move |f: &Diagnostic| json_finding(files, f)),
    }
}

fn json_finding(files: &Files, f: &Diagnostic) -> Value {
    let mut value = location(files, f);
    value["code"] = json!(f.code.id());
    value["name"] = json!(f.code.name());
    value["severity"] = json!(f.severity());
    value["message"] = json!(f.message);
    value["help"] = json!(f.help);
    if let Some(accepted) = &f.accepted {
        value["accepted"] = json!(accepted);
    }
    value["related"] = f
        .related
        .iter()
        .map(|r| {
            let (start, _) = files.range(r.file, &r.span);
            json!({"file": files.get(r.file).path, "line": start.line, "column": start.column, "message": r.message})
        })
        .collect();
    value
}

/// GitHub workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
fn github(
    out: &mut dyn Write,
    files: &Files,
    findings: &[Diagnostic],
    summary: &Summary,
) -> std::io::Result<()> {
    let shown = Shown::of(findings);
    for f in shown.findings() {
        let (start, end) = files.range(f.file, &f.span);
        let level = match f.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "notice",
        };
        let title = format!("{} {}", f.code.id(), f.code.name());
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&files.get(f.file).path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&title),
            escape_data(&message)
        )?;
    }
    for (code, file, more) in &shown.held_back {
        let path = &files.get(*file).path;
        writeln!(
            out,
            "::notice file={},title={}::{}",
            escape_property(path),
            escape_property(&format!("{} {}", code.id(), code.name())),
            escape_data(&format!(
                "{more} more {} findings in {path} are not annotated (at most {SHOWN_PER_FILE} of one kind per file); the JSON or SARIF report lists them all",
                code.id()
            ))
        )?;
    }
    if let Some(why) = &summary.waited {
        writeln!(out, "::warning title=checks not run::{}", escape_data(why))?;
    }
    writeln!(out, "{}", summary.line())
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0: one run, every code a rule, columns counted in Unicode code points; the results
/// are made one at a time as the document is written.
pub fn sarif<'a>(files: &'a Files, findings: &'a [Diagnostic]) -> impl serde::Serialize + 'a {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.id(),
                "name": code.name(),
                "shortDescription": { "text": code.description() },
                "defaultConfiguration": { "level": level(code.severity()) },
            })
        })
        .collect();
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    // Fields in the order `serde_json` writes an object's keys (sorted).
    struct Run<R> {
        column_kind: &'static str,
        original_uri_base_ids: Value,
        results: R,
        tool: Value,
    }
    #[derive(serde::Serialize)]
    struct Log<R> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run<R>; 1],
        version: &'static str,
    }
    Log {
        schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": {
                "name": "crosswalk",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }}),
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: json!({ "%SRCROOT%": { "description": { "text": "The compliance repository root." } } }),
            results: Each(findings, move |f: &Diagnostic| sarif_result(files, f)),
        }],
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "note",
    }
}

fn sarif_location(
    files: &Files,
    file: crate::diag::FileId,
    span: &std::ops::Range<usize>,
) -> Value {
    let (start, end) = files.range(file, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": files.get(file).path, "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            }
        }
    })
}

fn sarif_result(files: &Files, finding: &Diagnostic) -> Value {
    let index = Code::ALL
        .iter()
        .position(|c| *c == finding.code)
        .unwrap_or_default();
    let mut text = finding.message.clone();
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut result = json!({
        "ruleId": finding.code.id(),
        "ruleIndex": index,
        "level": level(finding.severity()),
        "message": { "text": text },
        "locations": [sarif_location(files, finding.file, &finding.span)],
    });
    if !finding.related.is_empty() {
        result["relatedLocations"] = finding
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut location = sarif_location(files, r.file, &r.span);
                location["id"] = json!(i);
                location["message"] = json!({ "text": r.message });
                location
            })
            .collect();
    }
    if let Some(accepted) = &finding.accepted {
        // SARIF's own way to show a finding that was reviewed and signed off.
        result["suppressions"] = json!([{ "kind": "external", "justification": accepted }]);
    }
    result
}
