//! `crosswalk diff BASE HEAD`: what a change does to compliance, for the reviewer of a pull
//! request. Compares two versions of the repository (each loaded and checked on its own) and reports
//! documents added, removed, renamed and changed (front matter fields, body lines), requirements
//! that gain or lose a control (loudly those left with none), changed Statement of Applicability
//! rows, findings introduced and fixed, and whose approval the changed documents need.
//!
//! This module is the analysis; [`markdown`] and [`text`] write the report.

mod markdown;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use markdown::to_markdown;
pub use text::to_text;

use super::gaps::{Headline, headlines};
use super::views::{SoaRow, soa_rows};
use crate::Workspace;
use crate::diag::{Code, Diagnostic, Severity};
use crate::history::ChangeKind;
use crate::history::approval::{People, Verdict, judge};
use crate::history::snapshot::{Range, Revision};
use crate::load::Kind;
use crate::model::approvers::{Library, who_may_approve};
use crate::model::{Model, Operations};

/// One version of the repository, loaded and checked.
pub struct Version<'a> {
    /// The repository as read from that revision.
    pub workspace: &'a Workspace,
    /// Its findings (history left out: a diff judges content).
    pub findings: &'a [Diagnostic],
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// The base revision.
    pub base: Revision,
    /// The head revision.
    pub head: Revision,
    /// The date evidence freshness is judged as of, in both versions.
    pub as_of: String,
    /// The headline coverage of each framework in scope, in the base and in the head: the evidenced
    /// share, with the claimed one beside it.
    pub coverage: Vec<CoverageChange>,
    /// Documents and configuration files that differ.
    pub documents: Vec<DocumentChange>,
    /// Requirements whose claiming controls differ.
    pub requirements: Vec<RequirementChange>,
    /// Statement of Applicability rows that differ.
    pub soa: Vec<SoaChange>,
    /// Findings of the head that the base does not have.
    pub introduced: Vec<FindingView>,
    /// Findings of the base that the head does not have.
    pub fixed: Vec<FindingView>,
    /// For each changed document, who may approve it and whether the change carries an approval.
    pub approvals: Vec<ApprovalNeed>,
}

impl DiffReport {
    /// The short commit id and the name of the base and of the head.
    pub fn revisions(&self) -> [(&str, &str); 2] {
        [&self.base, &self.head].map(|r| (crate::history::short(&r.commit), r.name.as_str()))
    }
}

/// A document or configuration file that differs.
#[derive(Clone, Debug)]
pub struct DocumentChange {
    /// What the file is.
    pub kind: Kind,
    /// The document id, or the path of a configuration file.
    pub id: String,
    /// Added, deleted (serialised `removed`), renamed (from the base's path) or modified.
    pub change: ChangeKind,
    /// The path in the head (in the base, when removed).
    pub path: String,
    /// Front matter (or TOML) values that differ, as dotted keys.
    pub fields: Vec<FieldChange>,
    /// Lines of the Markdown body added and removed.
    pub body_lines: (usize, usize),
}

impl DocumentChange {
    /// The path in the base, when renamed.
    pub fn old_path(&self) -> Option<&str> {
        match &self.change {
            ChangeKind::Renamed { from } => Some(from),
            _ => None,
        }
    }
}

/// The name of a change in the report: `added`, `removed`, `renamed` or `modified`.
pub fn change_name(change: &ChangeKind) -> &'static str {
    match change {
        ChangeKind::Deleted => "removed",
        other => other.name(),
    }
}

impl Serialize for DocumentChange {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            kind: Kind,
            id: &'a str,
            change: &'static str,
            path: &'a str,
            old_path: Option<&'a str>,
            fields: &'a [FieldChange],
            body_lines: (usize, usize),
        }
        Json {
            kind: self.kind,
            id: &self.id,
            change: change_name(&self.change),
            path: &self.path,
            old_path: self.old_path(),
            fields: &self.fields,
            body_lines: self.body_lines,
        }
        .serialize(serializer)
    }
}

impl DocumentChange {
    /// Field changes and body line counts in one line.
    pub fn describe(&self) -> String {
        let d = self;
        let mut parts: Vec<String> = Vec::new();
        if matches!(d.change, ChangeKind::Modified | ChangeKind::Renamed { .. }) {
            parts.extend(d.fields.iter().map(|f| match (&f.before, &f.after) {
                (Some(b), Some(a)) => format!("`{}`: {b} → {a}", f.key),
                (None, Some(a)) => format!("`{}` added: {a}", f.key),
                (Some(b), None) => format!("`{}` removed (was {b})", f.key),
                (None, None) => String::new(),
            }));
        }
        match d.body_lines {
            (0, 0) => {}
            (added, removed) => parts.push(format!("body +{added} −{removed} lines")),
        }
        parts.join("; ")
    }
}

/// One TOML value that differs.
#[derive(Clone, Debug, Serialize)]
pub struct FieldChange {
    /// Dotted key, e.g. `satisfies.iso27001`.
    pub key: String,
    /// The base's value, as TOML.
    pub before: Option<String>,
    /// The head's value, as TOML.
    pub after: Option<String>,
}

/// A requirement whose claiming controls differ.
#[derive(Clone, Debug, Serialize)]
pub struct RequirementChange {
    /// Catalog id.
    pub framework: String,
    /// Requirement id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Controls that claim it in the head and not in the base.
    pub gained: Vec<String>,
    /// Controls that claimed it in the base and not in the head.
    pub lost: Vec<String>,
    /// The controls that claim it in the head.
    pub now: Vec<String>,
    /// In scope, not excluded, and no control claims it any more.
    pub left_uncovered: bool,
}

/// A framework's headline coverage before and after the change.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageChange {
    /// Catalog id.
    pub framework: String,
    /// Its title.
    pub title: String,
    /// In the base, when the base has it in scope.
    pub before: Option<Headline>,
    /// In the head, when the head has it in scope.
    pub after: Option<Headline>,
}

/// A Statement of Applicability row that differs.
#[derive(Clone, Debug, Serialize)]
pub struct SoaChange {
    /// Annex A control id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The fields that differ.
    pub fields: Vec<FieldChange>,
}

/// A finding, located.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingView {
    /// Path.
    pub path: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// error, warning or hint.
    pub severity: Severity,
    /// `CW020`.
    pub code: Code,
    /// `requirement-uncovered`.
    pub name: &'static str,
    /// The message.
    pub message: String,
}

/// Who may approve a changed document, and the approvals the change carries.
#[derive(Clone, Debug, Serialize)]
pub struct ApprovalNeed {
    /// The document id (or path).
    pub document: String,
    /// The path.
    pub path: String,
    /// The people who may approve it: owners and approvers (names).
    pub may_approve: Vec<String>,
    /// The people whose valid approval the change's commits carry (names), with the commit.
    pub approved_by: Vec<String>,
    /// Why no approval counts yet, when a commit's approvals cannot count at all (its author is
    /// no person of `[people]`).
    pub blocked: Option<String>,
}

/// Compares two versions.
/// Compares two versions; `identities` is `[people]` of the repository the diff runs in, by which
/// commit identities are recognised (as the history checks recognise them), else the head's.
pub fn compare(
    base: &Version,
    head: &Version,
    range: &Range,
    as_of: jiff::civil::Date,
    identities: Option<&crate::model::Config>,
) -> DiffReport {
    let documents = documents(base.workspace, head.workspace);
    let approvals = approvals(
        base.workspace,
        head.workspace,
        &documents,
        range,
        identities,
    );
    let (mut introduced, mut fixed) = findings(base, head);
    // Suggestions are reported for what the change touched, not for the whole repository.
    let touched: BTreeSet<&str> = documents
        .iter()
        .flat_map(|d| std::iter::once(d.path.as_str()).chain(d.old_path()))
        .collect();
    for list in [&mut introduced, &mut fixed] {
        list.retain(|f| f.severity != Severity::Hint || touched.contains(f.path.as_str()));
    }
    let (base_operations, head_operations) = (
        base.workspace.model.operations(as_of),
        head.workspace.model.operations(as_of),
    );
    DiffReport {
        base: range.base.clone(),
        head: range.head.clone(),
        as_of: as_of.to_string(),
        coverage: coverage(&base_operations, &head_operations),
        requirements: requirements(&base.workspace.model, &head.workspace.model),
        soa: soa(&soa_rows(&base_operations), &soa_rows(&head_operations)),
        documents,
        introduced,
        fixed,
        approvals,
    }
}

/// A file of one version: kind, id (or path), path and its TOML and body text.
struct FileVersion {
    kind: Kind,
    id: String,
    path: String,
    toml: String,
    body: String,
}

fn file_versions(workspace: &Workspace) -> Vec<FileVersion> {
    let model = &workspace.model;
    let files = &workspace.files;
    let mut versions = Vec::new();
    let mut document = |kind, id: &str, path: &str, file| {
        let text = &files.get(file).text;
        let (toml, body) = match crate::load::split_front_matter(text) {
            Ok((toml, body)) => (text[toml].to_string(), text[body].to_string()),
            Err(_) => (text.clone(), String::new()),
        };
        versions.push(FileVersion {
            kind,
            id: id.to_string(),
            path: path.to_string(),
            toml,
            body,
        });
    };
    for d in &model.policies {
        document(Kind::Policy, d.data.id.get_ref(), &d.path, d.file);
    }
    for d in &model.controls {
        document(Kind::Control, d.data.id.get_ref(), &d.path, d.file);
    }
    for d in &model.evidence {
        document(Kind::Evidence, d.data.id.get_ref(), &d.path, d.file);
    }
    for d in &model.risks {
        document(Kind::Risk, d.data.id.get_ref(), &d.path, d.file);
    }
    for d in &model.nonconformities {
        document(Kind::Nonconformity, d.data.id.get_ref(), &d.path, d.file);
    }
    let whole = |kind, file: crate::diag::FileId| {
        let source = files.get(file);
        FileVersion {
            kind,
            id: source.path.clone(),
            path: source.path.clone(),
            toml: source.text.clone(),
            body: String::new(),
        }
    };
    if let Some(config) = &model.config {
        versions.push(whole(Kind::Config, config.file));
    }
    versions.extend(
        model
            .frameworks
            .iter()
            .filter_map(|f| f.file)
            .map(|f| whole(Kind::Catalog, f)),
    );
    versions.extend(
        model
            .crosswalks
            .iter()
            .map(|c| whole(Kind::Crosswalk, c.file)),
    );
    versions
}

fn documents(base: &Workspace, head: &Workspace) -> Vec<DocumentChange> {
    let before = file_versions(base);
    let after = file_versions(head);
    let mut changes = Vec::new();
    for new in &after {
        match before
            .iter()
            .find(|old| old.kind == new.kind && old.id == new.id)
        {
            Some(old) => changes.extend(changed(old, new)),
            None => changes.push(one_sided(new, ChangeKind::Added)),
        }
    }
    for old in &before {
        if !after
            .iter()
            .any(|new| new.kind == old.kind && new.id == old.id)
        {
            changes.push(one_sided(old, ChangeKind::Deleted));
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}

fn changed(old: &FileVersion, new: &FileVersion) -> Option<DocumentChange> {
    let fields = field_changes(&flatten(&old.toml), &flatten(&new.toml));
    let body_lines = line_counts(&old.body, &new.body);
    let renamed = old.path != new.path;
    if !renamed && fields.is_empty() && body_lines == (0, 0) {
        return None;
    }
    Some(DocumentChange {
        kind: new.kind,
        id: new.id.clone(),
        change: match renamed {
            true => ChangeKind::Renamed {
                from: old.path.clone(),
            },
            false => ChangeKind::Modified,
        },
        path: new.path.clone(),
        fields,
        body_lines,
    })
}

fn one_sided(file: &FileVersion, change: ChangeKind) -> DocumentChange {
    let (values, empty) = (flatten(&file.toml), BTreeMap::new());
    let lines = file.body.lines().count();
    let (fields, body_lines) = match change {
        ChangeKind::Added => (field_changes(&empty, &values), (lines, 0)),
        _ => (field_changes(&values, &empty), (0, lines)),
    };
    DocumentChange {
        kind: file.kind,
        id: file.id.clone(),
        change,
        path: file.path.clone(),
        fields,
        body_lines,
    }
}

/// Every leaf value of a TOML text by dotted key (arrays are leaves), as TOML.
fn flatten(text: &str) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    if let Ok(table) = text.parse::<toml::Table>() {
        flatten_into(&table, "", &mut values);
    }
    values
}

fn flatten_into(table: &toml::Table, prefix: &str, values: &mut BTreeMap<String, String>) {
    for (key, value) in table {
        let key = match prefix.is_empty() {
            true => key.clone(),
            false => format!("{prefix}.{key}"),
        };
        match value {
            toml::Value::Table(inner) => flatten_into(inner, &key, values),
            leaf => {
                values.insert(key, leaf.to_string());
            }
        }
    }
}

fn field_changes(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<FieldChange> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| FieldChange {
            key: k.clone(),
            before: before.get(k).cloned(),
            after: after.get(k).cloned(),
        })
        .collect()
}

/// Lines added and removed between two texts.
fn line_counts(before: &str, after: &str) -> (usize, usize) {
    let diff = similar::TextDiff::from_lines(before, after);
    diff.iter_all_changes()
        .fold((0, 0), |(added, removed), change| match change.tag() {
            similar::ChangeTag::Insert => (added + 1, removed),
            similar::ChangeTag::Delete => (added, removed + 1),
            similar::ChangeTag::Equal => (added, removed),
        })
}

/// For each in-scope framework of either version, requirement → the controls claiming it.
fn claims(model: &Model) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut claims: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (framework, id, control) in model.claims() {
        claims
            .entry((framework.to_string(), id.get_ref().clone()))
            .or_default()
            .insert(control.data.id.get_ref().clone());
    }
    claims
}

fn requirements(base: &Model, head: &Model) -> Vec<RequirementChange> {
    let (before, after) = (claims(base), claims(head));
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    let empty = BTreeSet::new();
    let mut changes: Vec<RequirementChange> = keys
        .into_iter()
        .filter_map(|key| {
            let (old, new) = (
                before.get(key).unwrap_or(&empty),
                after.get(key).unwrap_or(&empty),
            );
            if old == new {
                return None;
            }
            let (framework, id) = key;
            let title = head
                .framework(framework)
                .or_else(|| base.framework(framework))
                .and_then(|f| f.requirement(id))
                .map_or(String::new(), |r| r.title.clone());
            Some(RequirementChange {
                framework: framework.clone(),
                id: id.clone(),
                title,
                gained: new.difference(old).cloned().collect(),
                lost: old.difference(new).cloned().collect(),
                now: new.iter().cloned().collect(),
                left_uncovered: new.is_empty() && head.requirement_in_scope(framework, id),
            })
        })
        .collect();
    // Loud first: requirements left with no control.
    changes.sort_by_key(|c| !c.left_uncovered);
    changes
}

/// Each framework in scope in either version, with its headline in each.
fn coverage(base: &Operations, head: &Operations) -> Vec<CoverageChange> {
    let (before, after) = (headlines(base), headlines(head));
    let mut changes: Vec<CoverageChange> = after
        .iter()
        .map(|h| CoverageChange {
            framework: h.framework.clone(),
            title: h.title.clone(),
            before: before.iter().find(|b| b.framework == h.framework).cloned(),
            after: Some(h.clone()),
        })
        .collect();
    for b in before
        .iter()
        .filter(|b| !after.iter().any(|a| a.framework == b.framework))
    {
        changes.push(CoverageChange {
            framework: b.framework.clone(),
            title: b.title.clone(),
            before: Some(b.clone()),
            after: None,
        });
    }
    changes
}

fn soa(before: &[SoaRow], after: &[SoaRow]) -> Vec<SoaChange> {
    after
        .iter()
        .filter_map(|new| {
            let old = before.iter().find(|o| o.id == new.id);
            let value = |row: Option<&SoaRow>, field: fn(&SoaRow) -> String| row.map(field);
            let fields: Vec<FieldChange> = [
                (
                    "applicable",
                    (|r: &SoaRow| if r.applicable { "yes" } else { "no" }.to_string())
                        as fn(&SoaRow) -> String,
                ),
                ("justification", |r: &SoaRow| r.justification.clone()),
                ("controls", |r: &SoaRow| r.controls.join(", ")),
                ("status", |r: &SoaRow| r.status.to_string()),
            ]
            .into_iter()
            .map(|(key, field)| FieldChange {
                key: key.to_string(),
                before: value(old, field),
                after: value(Some(new), field),
            })
            .filter(|f| f.before != f.after)
            .collect();
            (!fields.is_empty()).then(|| SoaChange {
                id: new.id.clone(),
                title: new.title.clone(),
                fields,
            })
        })
        .collect()
}

/// Findings only the head has, and findings only the base has; compared by code, file and message
/// (lines move when text is added above a finding).
fn findings(base: &Version, head: &Version) -> (Vec<FindingView>, Vec<FindingView>) {
    let (before, after) = (views(base), views(head));
    let key = |f: &FindingView| (f.code, f.path.clone(), f.message.clone());
    let keys_before: BTreeSet<_> = before.iter().map(key).collect();
    let keys_after: BTreeSet<_> = after.iter().map(key).collect();
    let introduced = after
        .iter()
        .filter(|f| !keys_before.contains(&key(f)))
        .cloned()
        .collect();
    let fixed = before
        .iter()
        .filter(|f| !keys_after.contains(&key(f)))
        .cloned()
        .collect();
    (introduced, fixed)
}

fn views(version: &Version) -> Vec<FindingView> {
    let files = &version.workspace.files;
    let mut views: Vec<FindingView> = version
        .findings
        .iter()
        .map(|d| {
            let (start, _) = files.range(d.file, &d.span);
            FindingView {
                path: files.get(d.file).path.clone(),
                line: start.line,
                column: start.column,
                severity: d.severity(),
                code: d.code,
                name: d.code.name(),
                message: d.message.clone(),
            }
        })
        .collect();
    views.sort();
    views
}

fn approvals(
    base: &Workspace,
    head: &Workspace,
    documents: &[DocumentChange],
    range: &Range,
    identities: Option<&crate::model::Config>,
) -> Vec<ApprovalNeed> {
    let Some(config) = head.model.config.as_ref().or(base.model.config.as_ref()) else {
        return Vec::new();
    };
    let people = People::new(identities.unwrap_or(&config.data));
    let name = |key: &String| head.model.person_name(key);
    documents
        .iter()
        .map(|document| {
            // Judged by the base, as the history checks judge every change by the version before
            // it: a change cannot name its own approvers. A new document hangs from the base's.
            let looked_up = document.old_path().unwrap_or(&document.path);
            let created = match document.change {
                ChangeKind::Added => head.model.at(&document.path),
                _ => None,
            };
            let allowed = who_may_approve(&base.model, looked_up, created.as_ref());
            let touches = |paths: &[String]| {
                paths
                    .iter()
                    .any(|p| *p == document.path || Some(p.as_str()) == document.old_path())
            };
            let mut approved_by = BTreeSet::new();
            let mut blocked = None;
            for commit in range.commits.iter().filter(|c| touches(&c.paths)) {
                let verdict = judge(&commit.commit, &allowed, &people, None).verdict;
                if verdict == Verdict::UnknownAuthor {
                    blocked = Some(format!(
                        "none can count: the author of {}, {}, is no person of `[people]`",
                        crate::history::short(&commit.commit.id),
                        commit.commit.author
                    ));
                }
                if let Verdict::Approved { by, .. } = verdict {
                    let short = crate::history::short(&commit.commit.id);
                    approved_by.extend(by.iter().map(|p| {
                        let source = commit
                            .commit
                            .approvals
                            .iter()
                            .find(|a| people.resolve(&a.who) == Some(p.as_str()))
                            .map_or("approval", |a| match a.source {
                                crate::history::Source::Note { .. } => "note",
                                crate::history::Source::Review { .. } => "review",
                                _ => "trailer",
                            });
                        format!("{} ({source} in {short})", name(p))
                    }));
                }
            }
            ApprovalNeed {
                document: document.id.clone(),
                path: document.path.clone(),
                may_approve: allowed.iter().map(name).collect(),
                approved_by: approved_by.into_iter().collect(),
                blocked,
            }
        })
        .collect()
}
