//! `crosswalk import comply DIR`: a strongdm/comply repository into policies and controls.
//!
//! comply keeps each document as YAML metadata, a line `---`, then Markdown (a `---` line before
//! the metadata is allowed). What becomes what:
//!
//! - `policies/*.md` become policies, with the id `POL-` and the document's `acronym`.
//! - `narratives/*.md` become policies too, with the id `NAR-` and the acronym: a narrative is a
//!   document that is approved and reviewed like a policy, describing the system; it is not an
//!   activity that leaves evidence.
//! - `procedures/*.md` become controls, with the id `PRO-` and comply's `id`. The `cron` schedule
//!   becomes the frequency, rounded to the nearest cadence that is not stricter than the
//!   schedule, so that no imported control claims more runs than it had. The status is `planned`
//!   until evidence of its operation is recorded. Each control implements the imported policy that
//!   shares most of its claims, or else of its title's words; the note says which was chosen.
//! - `satisfies:` keys name comply standards. A key is read as the framework whose id it is, or
//!   else as the catalog that knows at least half of the ids claimed under it (`TSC` as `soc2`).
//!   A standard in `standards/*.yml` that no catalog knows is written as `frameworks/ID.toml`.
//! - Bodies: headings go one level down (a crosswalk document's top-level sections are `##`),
//!   pandoc's lettered and roman lists (`a.`, `i.`) become numbered Markdown lists, `{{.Name}}`
//!   becomes the organisation's name, and `majorRevisions` are kept in a table of earlier
//!   revisions (later ones are read from git).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use yaml_rust2::Yaml;

use super::super::new::{Claim, Fields, NewKind, document, folder_for};
use super::{Catalog, Group, Report, Requirement, reference};
use crate::model::Model;

/// The largest comply file read; a larger one is reported and left out.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// Which folder of a comply repository a document comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Policy,
    Narrative,
    Procedure,
}

impl Source {
    const ALL: [Source; 3] = [Source::Policy, Source::Narrative, Source::Procedure];

    fn folder(self) -> &'static str {
        match self {
            Source::Policy => "policies",
            Source::Narrative => "narratives",
            Source::Procedure => "procedures",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Source::Policy => "POL-",
            Source::Narrative => "NAR-",
            Source::Procedure => "PRO-",
        }
    }

    /// The comply metadata key the id is made from.
    fn id_key(self) -> &'static str {
        match self {
            Source::Policy | Source::Narrative => "acronym",
            Source::Procedure => "id",
        }
    }
}

/// One comply document, read.
#[derive(Debug)]
struct Document {
    source: Source,
    /// Its path inside the comply repository, for messages.
    path: String,
    /// Its file name without `.md`, made safe for a file name.
    stem: String,
    name: Option<String>,
    /// `acronym` (policies, narratives) or `id` (procedures).
    key: Option<String>,
    cron: Option<String>,
    /// Claimed ids per comply standard key, in the order written.
    satisfies: Vec<(String, Vec<String>)>,
    /// `majorRevisions`: date and comment.
    revisions: Vec<(String, String)>,
    body: String,
    /// Metadata keys this import does not read.
    ignored: Vec<String>,
}

/// A comply standard, `standards/*.yml`: its name and its controls' ids, families and names.
#[derive(Debug)]
struct Standard {
    name: String,
    path: String,
    controls: Vec<(String, String, String)>,
}

/// What the claims under one comply standard key are read as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A catalog crosswalk has (built in, or in `frameworks/`).
    Framework(String),
    /// A catalog this import writes from a comply standard.
    Catalog(String),
    /// Nothing: the claims are left out.
    Dropped,
}

/// `crosswalk import comply DIR`.
pub fn run(directory: &Path, source: &Path) -> Result<ExitCode> {
    if !source.is_dir() {
        bail!(
            "{} is not a folder: give the root of a comply repository (the folder that holds policies/, procedures/ and narratives/)",
            source.display()
        );
    }
    if !Source::ALL.iter().any(|s| source.join(s.folder()).is_dir()) {
        bail!(
            "{} has none of policies/, narratives/ and procedures/: it is not a comply repository",
            source.display()
        );
    }
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    let mut report = Report::default();
    let organization = organization(source, model);
    let standards = standards(source, &mut report);
    let mut documents = Vec::new();
    let mut found = 0;
    for kind in Source::ALL {
        documents.extend(documents_of(source, kind, &mut found, &mut report));
    }
    let today = jiff::ZonedDateTime::now().date().to_string();
    let targets = targets(model, &documents, &standards, &mut report);
    for (key, target) in &targets {
        if let Target::Catalog(id) = target {
            let standard = standards.iter().find(|s| &s.name == key);
            if let Some(standard) = standard {
                write_catalog(model, standard, id, &today, &mut report)?;
            }
        }
    }
    let people = model.person_keys();
    let owner = people.first().copied().unwrap_or("CHANGE-ME").to_string();
    let approver = people.get(1).copied().unwrap_or(&owner).to_string();
    let mut ids: BTreeSet<String> = model.document_ids().map(str::to_string).collect();
    let mut policies: Vec<(String, Vec<Claim>, String)> = Vec::new();
    let mut lists = 0;
    for doc in &documents {
        let Some(id) = unique_id(doc, &mut ids, &mut report) else {
            continue;
        };
        if !doc.ignored.is_empty() {
            report.notes.push(format!(
                "{}: metadata not imported: {}",
                doc.path,
                doc.ignored.join(", ")
            ));
        }
        let satisfies = claims(model, doc, &targets, &standards, &mut report);
        // A procedure's body goes under the control's `## Description`: two levels down.
        let shift = if doc.source == Source::Procedure {
            2
        } else {
            1
        };
        let (body, converted) = markdown(&doc.body, &organization, shift, doc, &mut report);
        lists += usize::from(converted);
        let mut fields = Fields {
            title: doc.name.clone().unwrap_or_else(|| doc.stem.clone()),
            owner: owner.clone(),
            owner_name: model.person_name(&owner),
            approver: approver.clone(),
            policy: String::new(),
            control: String::new(),
            today: today.clone(),
            frequency: String::new(),
            status: "planned".into(),
            satisfies,
            id: id.clone(),
        };
        let (kind, file) = match doc.source {
            Source::Policy => (NewKind::Policy, format!("{}.md", doc.stem)),
            Source::Narrative => (NewKind::Policy, format!("narrative-{}.md", doc.stem)),
            Source::Procedure => (NewKind::Control, format!("procedure-{}.md", doc.stem)),
        };
        if doc.source == Source::Procedure {
            fields.frequency = frequency(doc, &mut report);
            fields.policy = policy_for(doc, &fields, &policies, model, &mut report);
        }
        let template =
            document(kind, &fields, Some(&model.root)).map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let text = compose(doc, &template, &body, &today);
        let relative = folder_for(&workspace.layout, kind).join(file);
        if report.create(&model.root, &relative, &text, &doc.path)? && doc.source == Source::Policy
        {
            policies.push((id, fields.satisfies, fields.title));
        }
    }
    if lists > 0 {
        report.notes.push(format!(
            "{lists} documents: pandoc's lettered and roman lists (`a.`, `i.`) became numbered Markdown lists"
        ));
    }
    let summary = format!(
        "imported {} of the {found} comply documents of {}",
        report
            .written
            .iter()
            .filter(|p| !p.starts_with("frameworks"))
            .count(),
        source.display()
    );
    report.finish(directory, &summary)
}

/// The organisation's name for `{{.Name}}`: comply.yml's `name`, else crosswalk.toml's.
fn organization(source: &Path, model: &Model) -> String {
    let from_comply = read(&source.join("comply.yml"))
        .ok()
        .and_then(|text| yaml(&text).ok())
        .and_then(|y| scalar(&y["name"]));
    from_comply
        .or_else(|| {
            model
                .config
                .as_ref()
                .map(|c| c.data.organization.name.clone())
        })
        .unwrap_or_else(|| "the organisation".into())
}

/// A file as text, refusing one too large to be a document.
fn read(path: &Path) -> Result<String, String> {
    let metadata = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if metadata.file_type().is_symlink() {
        return Err("it is a symbolic link, which an import does not follow".into());
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!(
            "it is {} bytes, more than the {MAX_FILE_BYTES} a document may have",
            metadata.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not UTF-8 (the first bad byte is at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n"))
}

/// YAML text as one value. Aliases are refused: one alias can stand for a copy of a whole tree,
/// and nested ones multiply, so a few lines could fill the memory.
fn yaml(text: &str) -> Result<Yaml, (usize, usize, String)> {
    let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Err(e) => return Err((e.marker().line(), e.marker().col() + 1, e.info().into())),
            Ok((yaml_rust2::parser::Event::StreamEnd, _)) => break,
            Ok((yaml_rust2::parser::Event::Alias(_), mark)) => {
                return Err((
                    mark.line(),
                    mark.col() + 1,
                    "an alias (`*name`) is not read: write the value out".into(),
                ));
            }
            Ok(_) => {}
        }
    }
    let documents = yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| {
        (
            e.marker().line(),
            e.marker().col() + 1,
            e.info().to_string(),
        )
    })?;
    Ok(documents.into_iter().next().unwrap_or(Yaml::Null))
}

/// A scalar as text; `None` for a list, a map or nothing.
fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.trim().to_string()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// The `.md` files of one folder of the comply repository, read in name order (counted in
/// `found`); each one that cannot be read is reported and left out.
fn documents_of(
    root: &Path,
    source: Source,
    found: &mut usize,
    report: &mut Report,
) -> Vec<Document> {
    let mut out = Vec::new();
    for (path, relative) in files(root, source.folder(), &["md"], report) {
        *found += 1;
        match read(&path).and_then(|text| parse(source, &relative, &text)) {
            Ok(doc) => out.push(doc),
            Err(why) => report.problems.push(format!("{relative}: {why}; left out")),
        }
    }
    out
}

/// The files of `folder` with one of `extensions`, but README files, sorted by name: their
/// paths, and their paths inside the comply repository.
fn files(
    root: &Path,
    folder: &str,
    extensions: &[&str],
    report: &mut Report,
) -> Vec<(PathBuf, String)> {
    if std::fs::symlink_metadata(root.join(folder)).is_ok_and(|m| m.file_type().is_symlink()) {
        report.problems.push(format!(
            "{folder}/ is a symbolic link, which an import does not follow; left out"
        ));
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let readme = name.to_ascii_lowercase().starts_with("readme.");
        if readme || !extensions.contains(&extension.to_ascii_lowercase().as_str()) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            report.notes.push(format!(
                "{folder}/{name}: a folder; comply reads no subfolders, nor does this import"
            ));
            continue;
        }
        out.push((path, format!("{folder}/{name}")));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// A comply document: its metadata and its body.
fn parse(source: Source, relative: &str, text: &str) -> Result<Document, String> {
    let (meta, body, first_line) = split(text).ok_or(
        "no `---` line ends its YAML metadata (comply's form is the metadata, a line `---`, then the Markdown)",
    )?;
    let value = yaml(meta).map_err(|(line, column, info)| {
        format!(
            "line {}, column {column}: the YAML metadata cannot be read: {info}",
            line + first_line - 1
        )
    })?;
    let Yaml::Hash(map) = &value else {
        return Err("its YAML metadata is not a map of keys and values".into());
    };
    let stem = Path::new(relative)
        .file_stem()
        .map(|s| safe_name(&s.to_string_lossy()))
        .unwrap_or_default();
    let mut doc = Document {
        source,
        path: relative.to_string(),
        stem,
        name: scalar(&value["name"]),
        key: scalar(&value[source.id_key()]),
        cron: scalar(&value["cron"]),
        satisfies: satisfies(&value["satisfies"]),
        revisions: revisions(&value["majorRevisions"]),
        body: body.to_string(),
        ignored: Vec::new(),
    };
    if doc.stem.is_empty() {
        doc.stem = "document".into();
    }
    let known = [
        "name",
        "acronym",
        "id",
        "cron",
        "satisfies",
        "majorRevisions",
    ];
    let unknown: Vec<String> = map
        .keys()
        .filter_map(scalar)
        .filter(|k| !known.contains(&k.as_str()))
        .collect();
    doc.ignored = unknown;
    Ok(doc)
}

/// The metadata, the body and the line the metadata starts on: comply's form is the metadata, a
/// line `---`, then the body, with an optional `---` line before the metadata.
fn split(text: &str) -> Option<(&str, &str, usize)> {
    let (text, first_line) = match text.strip_prefix("---\n") {
        Some(rest) => (rest, 2),
        None => (text, 1),
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&text[..offset], &text[offset + line.len()..], first_line));
        }
        offset += line.len();
    }
    None
}

/// `satisfies:` as standard keys and ids; a key's ids may be a list or one string of ids
/// separated by commas or spaces.
fn satisfies(value: &Yaml) -> Vec<(String, Vec<String>)> {
    let Yaml::Hash(map) = value else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(key, ids)| {
            let key = scalar(key)?;
            let ids: Vec<String> = match ids {
                Yaml::Array(items) => items.iter().filter_map(scalar).collect(),
                other => scalar(other)
                    .map(|s| {
                        s.split([',', ';', ' ', '\n'])
                            .filter(|t| !t.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            Some((key, ids))
        })
        .collect()
}

/// `majorRevisions:` as dates and comments.
fn revisions(value: &Yaml) -> Vec<(String, String)> {
    let Yaml::Array(items) = value else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| {
            (
                scalar(&item["date"]).unwrap_or_default(),
                scalar(&item["comment"]).unwrap_or_default(),
            )
        })
        .filter(|(date, comment)| !date.is_empty() || !comment.is_empty())
        .collect()
}

/// Text made safe as a file name or an id: ASCII letters, digits, `.`, `_` and `-`, with every
/// other run of characters one `-`.
fn safe_name(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') || (c == '.' && !out.is_empty()) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(['-', '.']).to_string()
}

/// The standards of `standards/*.yml`; each one that cannot be read is reported.
fn standards(root: &Path, report: &mut Report) -> Vec<Standard> {
    let mut out = Vec::new();
    for (path, relative) in files(root, "standards", &["yml", "yaml"], report) {
        let value = match read(&path)
            .and_then(|text| yaml(&text).map_err(|(l, c, i)| format!("line {l}, column {c}: {i}")))
        {
            Ok(value) => value,
            Err(why) => {
                report.problems.push(format!("{relative}: {why}; left out"));
                continue;
            }
        };
        let Yaml::Hash(map) = &value else {
            report
                .problems
                .push(format!("{relative}: not a map of control ids; left out"));
            continue;
        };
        let Some(name) = scalar(&value["name"]) else {
            report.problems.push(format!(
                "{relative}: no `name`, which documents' `satisfies:` keys refer to; left out"
            ));
            continue;
        };
        let controls = map
            .iter()
            .filter(|(_, v)| matches!(v, Yaml::Hash(_)))
            .filter_map(|(k, v)| {
                let id = scalar(k)?;
                let family = scalar(&v["family"]).unwrap_or_else(|| "controls".into());
                let title = scalar(&v["name"]).unwrap_or_else(|| id.clone());
                Some((id, family, title))
            })
            .collect();
        out.push(Standard {
            name,
            path: relative,
            controls,
        });
    }
    out
}

/// What each comply standard key is read as, with a note for each key that is not a framework
/// id and for each framework that is not in scope yet.
fn targets(
    model: &Model,
    documents: &[Document],
    standards: &[Standard],
    report: &mut Report,
) -> BTreeMap<String, Target> {
    let mut claimed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for doc in documents {
        for (key, ids) in &doc.satisfies {
            claimed
                .entry(key)
                .or_default()
                .extend(ids.iter().map(String::as_str));
        }
    }
    let in_scope = |id: &str| {
        model
            .config
            .as_ref()
            .is_some_and(|c| c.data.frameworks.keys().any(|k| k.get_ref() == id))
    };
    let mut targets = BTreeMap::new();
    for (key, ids) in claimed {
        let standard = standards.iter().find(|s| s.name == key);
        let mut all: BTreeSet<&str> = ids;
        all.extend(
            standard
                .iter()
                .flat_map(|s| s.controls.iter().map(|c| c.0.as_str())),
        );
        let target = target(model, key, &all, standard, report);
        if let Target::Framework(id) | Target::Catalog(id) = &target
            && !in_scope(id)
        {
            report.notes.push(format!(
                "add `[frameworks.{id}]` to crosswalk.toml to bring the claims under `{key}` into scope"
            ));
        }
        targets.insert(key.to_string(), target);
    }
    targets
}

/// What the claims under `key` are read as: the framework of that id, else the catalog that knows
/// at least half of `ids`, else the key's comply standard as a new catalog.
fn target(
    model: &Model,
    key: &str,
    ids: &BTreeSet<&str>,
    standard: Option<&Standard>,
    report: &mut Report,
) -> Target {
    if let Some(framework) = model
        .frameworks
        .iter()
        .find(|f| f.id().eq_ignore_ascii_case(key))
    {
        return Target::Framework(framework.id().to_string());
    }
    let known = |f: &crate::model::Framework| {
        ids.iter()
            .filter(|id| !matches!(f.lookup(id), crate::model::Lookup::Unknown))
            .count()
    };
    let best = model
        .frameworks
        .iter()
        .map(|f| (known(f), f))
        .max_by_key(|(count, _)| *count);
    if let Some((count, framework)) = best
        && count > 0
        && count * 2 >= ids.len()
    {
        report.notes.push(format!(
            "claims under `{key}` are read as `{}` ({}): {count} of its {} ids are requirements of that catalog",
            framework.id(),
            framework.title(),
            ids.len()
        ));
        return Target::Framework(framework.id().to_string());
    }
    if let Some(standard) = standard {
        // A catalog id: lower-case letters, digits, `_` and `-` (no `.`: `x.crosswalk` would name
        // a crosswalk file, and a dotted key is a table path in TOML).
        let id = safe_name(&key.to_lowercase()).replace('.', "-");
        let id = if id.is_empty() { "imported".into() } else { id };
        if model.framework(&id).is_none() {
            return Target::Catalog(id);
        }
        report.problems.push(format!(
            "{}: `{key}` is not a catalog crosswalk knows, and `{id}` is taken by another; the claims under it are left out",
            standard.path
        ));
        return Target::Dropped;
    }
    report.problems.push(format!(
        "`satisfies: {key}`: no standard in standards/ is named `{key}` and no catalog knows its ids; the claims under it are left out"
    ));
    Target::Dropped
}

/// The catalog of a comply standard no built-in catalog knows, as `frameworks/ID.toml`.
fn write_catalog(
    model: &Model,
    standard: &Standard,
    id: &str,
    today: &str,
    report: &mut Report,
) -> Result<()> {
    let mut families: Vec<&str> = Vec::new();
    for (_, family, _) in &standard.controls {
        if !families.contains(&family.as_str()) {
            families.push(family);
        }
    }
    let group_id = |family: &str| {
        let id = safe_name(&family.to_lowercase());
        if id.is_empty() { "controls".into() } else { id }
    };
    let catalog = Catalog {
        id: id.to_string(),
        version: today.to_string(),
        title: standard.name.clone(),
        groups: families
            .iter()
            .map(|f| Group {
                id: group_id(f),
                title: f.to_string(),
                required: true,
            })
            .collect(),
        requirements: standard
            .controls
            .iter()
            .map(|(rid, family, title)| Requirement {
                id: rid.clone(),
                title: title.clone(),
                group: group_id(family),
                parent: None,
                aliases: Vec::new(),
            })
            .collect(),
    };
    let text = format!(
        "# Imported from comply's {} on {today}: the standard's control ids, families and names.\n\n{}",
        standard.path,
        toml::to_string(&catalog)?
    );
    let relative = PathBuf::from("frameworks").join(format!("{id}.toml"));
    if report.create(&model.root, &relative, &text, &standard.path)? {
        report.notes.push(format!(
            "{}: `{}` is not a catalog crosswalk knows; written as {} ({} requirements)",
            standard.path,
            standard.name,
            relative.display(),
            standard.controls.len()
        ));
    }
    Ok(())
}

/// A document's new id: the kind's prefix and its acronym (or comply id, or file name), unless
/// that id is taken, which is reported.
fn unique_id(doc: &Document, ids: &mut BTreeSet<String>, report: &mut Report) -> Option<String> {
    let base = doc
        .key
        .as_deref()
        .map(safe_name)
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| doc.stem.clone());
    let id = format!("{}{}", doc.source.prefix(), base.to_uppercase());
    if !ids.insert(id.clone()) {
        report.problems.push(format!(
            "{}: its id would be `{id}`, which another document has; left out (give it another `{}`)",
            doc.path,
            doc.source.id_key()
        ));
        return None;
    }
    Some(id)
}

/// A document's claims as crosswalk claims: ids of an earlier numbering migrated (noted), ids no
/// catalog has reported and left out.
fn claims(
    model: &Model,
    doc: &Document,
    targets: &BTreeMap<String, Target>,
    standards: &[Standard],
    report: &mut Report,
) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for (key, ids) in &doc.satisfies {
        let mut kept = Vec::new();
        let framework_id = match targets.get(key) {
            Some(Target::Framework(id)) => {
                let framework = model.framework(id).expect("targets name known frameworks");
                for written in ids {
                    match reference(framework, written) {
                        Ok((new, note)) => {
                            kept.extend(new);
                            report
                                .notes
                                .extend(note.map(|n| format!("{}: {n}", doc.path)));
                        }
                        Err(why) => report
                            .problems
                            .push(format!("{}: {why}; left out of its claims", doc.path)),
                    }
                }
                id
            }
            Some(Target::Catalog(id)) => {
                let standard = standards.iter().find(|s| &s.name == key);
                for written in ids {
                    if standard.is_some_and(|s| s.controls.iter().any(|c| &c.0 == written)) {
                        kept.push(written.clone());
                    } else {
                        report.problems.push(format!(
                            "{}: `{written}` is not a control of the standard `{key}`; left out of its claims",
                            doc.path
                        ));
                    }
                }
                id
            }
            Some(Target::Dropped) | None => continue,
        };
        let claim = match out.iter_mut().find(|c| &c.framework == framework_id) {
            Some(claim) => claim,
            None => {
                out.push(Claim {
                    framework: framework_id.clone(),
                    ids: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        for id in kept {
            if !claim.ids.contains(&id) {
                claim.ids.push(id);
            }
        }
    }
    out.retain(|c| !c.ids.is_empty());
    out
}

/// A procedure's frequency from its `cron`; without one, `annual`, noted.
fn frequency(doc: &Document, report: &mut Report) -> String {
    let Some(cron) = &doc.cron else {
        report.notes.push(format!(
            "{}: no `cron` schedule; its frequency is set to `annual`: change it to how often the procedure runs",
            doc.path
        ));
        return "annual".into();
    };
    match cadence_of_cron(cron) {
        Ok(cadence) => cadence,
        Err(why) => {
            report.notes.push(format!(
                "{}: the schedule `{cron}` cannot be read ({why}); its frequency is set to `annual`",
                doc.path
            ));
            "annual".into()
        }
    }
}

/// The cadence a cron schedule keeps: the longest gap between two runs, as a crosswalk cadence
/// (`daily`, `weekly`, `monthly`, `quarterly`, `semiannual`, `annual` or an ISO 8601 period such
/// as `P3D`), never stricter than the schedule. Five fields (minute hour day-of-month month
/// day-of-week), six (seconds first) or seven (a year last), or a descriptor such as `@weekly`.
fn cadence_of_cron(cron: &str) -> Result<String, String> {
    let descriptor = match cron.trim() {
        "@yearly" | "@annually" => Some("annual"),
        "@monthly" => Some("monthly"),
        "@weekly" => Some("weekly"),
        "@daily" | "@midnight" | "@hourly" => Some("daily"),
        other if other.starts_with('@') => {
            return Err(format!("`{other}` is not a descriptor this import knows"));
        }
        _ => None,
    };
    if let Some(cadence) = descriptor {
        return Ok(cadence.into());
    }
    let fields: Vec<&str> = cron.split_whitespace().collect();
    let fields = match fields.len() {
        5 => &fields[..],
        6 => &fields[1..],
        7 => &fields[1..6],
        n => return Err(format!("{n} fields, where cron has 5 or 6")),
    };
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    values(fields[0], 0, 59, &[])?;
    values(fields[1], 0, 23, &[])?;
    let months = values(fields[3], 1, 12, &MONTHS)?;
    let days_of_month = values(fields[2], 1, 31, &[])?;
    let days_of_week = values(fields[4], 0, 7, &DAYS)?
        .map(|days| days.into_iter().map(|d| d % 7).collect::<BTreeSet<_>>());
    if let Some(months) = months {
        let gap = longest_gap(&months, 12);
        return Ok(match gap {
            12 => "annual".into(),
            6 => "semiannual".into(),
            3 => "quarterly".into(),
            1 => "monthly".into(),
            n => format!("P{n}M"),
        });
    }
    let gap = match (days_of_month, days_of_week) {
        (None, None) => return Ok("daily".into()),
        // A day past the 28th is missing from some months: such a schedule skips a month.
        (Some(days), None) if days.first().is_some_and(|d| *d > 28) => return Ok("P2M".into()),
        (Some(days), None) => longest_gap(&days, 31),
        (None, Some(days)) => longest_gap(&days, 7),
        // cron runs when either matches, so the gaps are at most the shorter of the two.
        (Some(month), Some(week)) => longest_gap(&month, 31).min(longest_gap(&week, 7)),
    };
    Ok(match gap {
        1 => "daily".into(),
        7 => "weekly".into(),
        28..=31 => "monthly".into(),
        n => format!("P{n}D"),
    })
}

/// The values a cron field allows, or `None` for every value (`*`, `?`). Items are separated by
/// commas; each is a value, a name, a range `a-b`, or either with a step `/n`.
fn values(
    field: &str,
    low: u32,
    high: u32,
    names: &[&str],
) -> Result<Option<BTreeSet<u32>>, String> {
    if field == "*" || field == "?" {
        return Ok(None);
    }
    let number = |text: &str| -> Result<u32, String> {
        let upper = text.to_ascii_uppercase();
        let value = match names.iter().position(|n| *n == upper) {
            Some(i) => u32::try_from(i).map_err(|e| e.to_string())? + low,
            None => text
                .parse::<u32>()
                .map_err(|_| format!("`{text}` is not a number"))?,
        };
        if (low..=high).contains(&value) {
            Ok(value)
        } else {
            Err(format!("{value} is outside {low}–{high}"))
        }
    };
    let mut out = BTreeSet::new();
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (
                range,
                step.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("`{step}` is not a step"))?,
            ),
            None => (item, 1),
        };
        let (start, end) = match range {
            "*" => (low, high),
            _ => match range.split_once('-') {
                Some((a, b)) => (number(a)?, number(b)?),
                None if step > 1 => (number(range)?, high),
                None => (number(range)?, number(range)?),
            },
        };
        out.extend((start..=end).step_by(step as usize));
    }
    if out.is_empty() {
        return Err(format!("`{field}` allows no value"));
    }
    Ok(Some(out))
}

/// The longest gap between two successive values of a cycle of length `cycle`.
fn longest_gap(values: &BTreeSet<u32>, cycle: u32) -> u32 {
    let sorted: Vec<u32> = values.iter().copied().collect();
    let mut gap = cycle - sorted[sorted.len() - 1] + sorted[0];
    for pair in sorted.windows(2) {
        gap = gap.max(pair[1] - pair[0]);
    }
    gap
}

/// The policy a procedure's control implements: the imported policy sharing most of its claims,
/// else most of its title's words, else the first policy there is; noted either way.
fn policy_for(
    doc: &Document,
    fields: &Fields,
    policies: &[(String, Vec<Claim>, String)],
    model: &Model,
    report: &mut Report,
) -> String {
    let claimed = |claims: &[Claim]| -> BTreeSet<(String, String)> {
        claims
            .iter()
            .flat_map(|c| c.ids.iter().map(|id| (c.framework.clone(), id.clone())))
            .collect()
    };
    let ours = claimed(&fields.satisfies);
    let our_words = words(&fields.title);
    let best = policies
        .iter()
        .map(|(id, claims, title)| {
            let shared = ours.intersection(&claimed(claims)).count();
            let words = our_words.intersection(&words(title)).count();
            ((shared, words), id, title)
        })
        .filter(|((shared, words), _, _)| shared + words > 0)
        .max_by_key(|(score, _, _)| *score);
    let (id, why) = match best {
        Some(((shared, _), id, title)) if shared > 0 => (
            id.clone(),
            format!("it shares {shared} claims with {title}"),
        ),
        Some((_, id, title)) => (id.clone(), format!("its title shares words with {title}")),
        None => match policies.first() {
            Some((id, _, _)) => (
                id.clone(),
                "the first imported policy; nothing matched".into(),
            ),
            None => match model.policies.first() {
                Some(p) => (
                    p.data.id.get_ref().clone(),
                    "the first policy of the repository; no policy was imported".into(),
                ),
                None => ("CHANGE-ME".into(), "there is no policy yet".into()),
            },
        },
    };
    report.notes.push(format!(
        "{}: {} implements `{id}` ({why}): change its `policy` if another fits better",
        doc.path, fields.id
    ));
    id
}

/// The words of a title that say what it is about: four letters or more, cut to five so that
/// `onboarding` meets `onboard`, without the words every title has.
fn words(title: &str) -> BTreeSet<String> {
    const COMMON: [&str; 8] = [
        "polic", "proce", "narra", "and", "with", "apply", "the", "new",
    ];
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(|w| w.to_lowercase().chars().take(5).collect::<String>())
        .filter(|w| !COMMON.contains(&w.as_str()))
        .collect()
}

/// A comply body as a crosswalk body: `{{.Name}}` replaced, headings `shift` levels down (to
/// six at most), pandoc's lettered and roman lists as numbered lists (the flag says whether there
/// were any).
fn markdown(
    body: &str,
    organization: &str,
    shift: usize,
    doc: &Document,
    report: &mut Report,
) -> (String, bool) {
    let body = body
        .replace("{{.Name}}", organization)
        .replace("{{ .Name }}", organization);
    if body.contains("{{") {
        report.notes.push(format!(
            "{}: a template expression other than `{{{{.Name}}}}` is left as written",
            doc.path
        ));
    }
    let mut out = String::new();
    let mut fence: Option<&str> = None;
    let mut converted = false;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            out.push_str(line);
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.push_str(line);
        } else if let Some(level) = heading_level(line) {
            out.push_str(&"#".repeat((level + shift).min(6) - level));
            out.push_str(line);
        } else if let Some(item) = fancy_item(line) {
            out.push_str(&item);
            converted = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    (out.trim_matches('\n').to_string() + "\n", converted)
}

/// The level of an ATX heading line (`## Title`).
fn heading_level(line: &str) -> Option<usize> {
    let level = line.bytes().take_while(|b| *b == b'#').count();
    let rest = &line[level..];
    ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then_some(level)
}

/// A pandoc fancy list item (`a. text`, `    i. text`) as a numbered Markdown item nested by
/// its indentation (four spaces a level).
fn fancy_item(line: &str) -> Option<String> {
    let indent: usize = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let rest = line.trim_start();
    let (marker, text) = rest.split_once(['.', ')'])?;
    let lettered = marker.len() == 1 && marker.chars().all(|c| c.is_ascii_alphabetic());
    let roman = !marker.is_empty()
        && marker.len() <= 6
        && (marker.chars().all(|c| "ivxlc".contains(c))
            || marker.chars().all(|c| "IVXLC".contains(c)));
    if !(lettered || roman) || !text.starts_with([' ', '\t']) || text.trim().is_empty() {
        return None;
    }
    Some(format!(
        "{}1. {}",
        " ".repeat(3 * (indent / 4)),
        text.trim_start()
    ))
}

/// The document: the front matter of `template`, then the body, the earlier revisions and where
/// it came from.
fn compose(doc: &Document, template: &str, body: &str, today: &str) -> String {
    let front_matter = front_matter_of(template);
    let mut text = String::from(front_matter);
    if doc.source == Source::Procedure {
        let rest = &template[front_matter.len()..];
        let placeholder =
            "What is done, by whom, how often, with which tool, and what record it leaves.\n";
        if rest.contains(placeholder) {
            text.push_str(&rest.replacen(placeholder, body, 1).replacen(
                "What each evidence record of this control holds, so any reviewer can collect the next one.",
                "A record of each run of this procedure: its checklist done, and what each step produced attached.",
                1,
            ));
        } else {
            text.push_str(rest);
            text.push_str("\n## Procedure\n\n");
            text.push_str(body);
        }
    } else {
        text.push_str(body);
    }
    if !doc.revisions.is_empty() {
        text.push_str(
            "\n## Earlier revisions\n\nRecorded in comply before the import; later revisions are read from git.\n\n| Date | Change |\n|---|---|\n",
        );
        for (date, comment) in &doc.revisions {
            let cell = |s: &str| s.replace('|', "\\|");
            text.push_str(&format!("| {} | {} |\n", cell(date), cell(comment)));
        }
    }
    text.push_str(&format!(
        "\n## Imported\n\nImported from comply's `{}` on {today}.\n",
        doc.path
    ));
    text
}

/// The front matter of a rendered template, through its closing `+++` line.
fn front_matter_of(template: &str) -> &str {
    let mut offset = 0;
    for (index, line) in template.split_inclusive('\n').enumerate() {
        offset += line.len();
        if index > 0 && line.trim_end() == "+++" {
            return &template[..offset];
        }
    }
    template
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_schedules_become_cadences_never_stricter_than_the_schedule() {
        let cases = [
            ("0 0 0 15 * *", "monthly"),
            ("0 9 * * 1", "weekly"),
            ("0 9 * * MON-FRI", "P3D"),
            ("30 2 * * *", "daily"),
            ("0 0 1 */3 *", "quarterly"),
            ("0 0 1 1,7 *", "semiannual"),
            ("0 0 1 JAN *", "annual"),
            ("0 0 1,15 * *", "P17D"),
            ("0 0 31 * *", "P2M"),
            ("@weekly", "weekly"),
            ("0 0 0 1 1 * 2026", "annual"),
        ];
        for (cron, cadence) in cases {
            assert_eq!(cadence_of_cron(cron).as_deref(), Ok(cadence), "{cron}");
        }
        for bad in [
            "0 0 32 * *",
            "every day",
            "@often",
            "0 0 * * FUNDAY",
            "0 0 */0 * *",
        ] {
            assert!(cadence_of_cron(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn comply_metadata_is_split_from_the_body_with_or_without_a_leading_line() {
        assert_eq!(
            split("name: A\n---\nbody\n"),
            Some(("name: A\n", "body\n", 1))
        );
        assert_eq!(
            split("---\nname: A\n---\n# T\n---\nmore"),
            Some(("name: A\n", "# T\n---\nmore", 2))
        );
        assert_eq!(split("name: A\nno end\n"), None);
    }

    #[test]
    fn yaml_aliases_are_refused_and_errors_have_a_place() {
        let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        let (line, _, info) = yaml(bomb).unwrap_err();
        assert_eq!(line, 2);
        assert!(info.contains("alias"), "{info}");
        let (line, column, _) = yaml("name: A\nsatisfies: [\n").unwrap_err();
        assert!(line >= 2 && column >= 1, "{line}:{column}");
    }

    #[test]
    fn bodies_get_sections_numbered_lists_and_the_name() {
        let doc = Document {
            source: Source::Policy,
            path: "policies/a.md".into(),
            stem: "a".into(),
            name: None,
            key: None,
            cron: None,
            satisfies: Vec::new(),
            revisions: Vec::new(),
            body: String::new(),
            ignored: Vec::new(),
        };
        let mut report = Report::default();
        let body = "\n# Policy\n\na. {{.Name}} does it.\n\n    i. Step one.\n\n```\n# not a heading\na. not a list\n```\ne.g. prose stays.\n";
        let (text, converted) = markdown(body, "Acme", 1, &doc, &mut report);
        assert!(converted);
        assert_eq!(
            text,
            "## Policy\n\n1. Acme does it.\n\n   1. Step one.\n\n```\n# not a heading\na. not a list\n```\ne.g. prose stays.\n"
        );
        assert!(report.notes.is_empty());
    }
}
