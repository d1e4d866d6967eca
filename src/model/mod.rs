//! Stage 2, model: typed documents, frameworks and configuration.
//!
//! Takes the loaded files; parses each TOML text once into a spanned tree, validates it against its
//! kind's JSON Schema (every violation reported, each at its key or value), and deserialises the
//! valid ones into the typed structs of [`types`]. Gives a [`Model`] plus the diagnostics of files
//! that did not make it in. Documents with errors are left out of the model; the rest still are.

pub mod approvers;
pub mod canonical;
pub mod catalog;
pub mod coverage;
pub mod crosswalk;
pub mod freshness;
pub mod isms;
pub mod judging;
pub mod nonconformity;
pub mod operation;
pub mod risk;
pub mod schema;
pub mod types;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeTable;

pub use catalog::{Framework, Lookup};
pub use coverage::{Coverage, Implementation};
pub use freshness::Freshness;
pub use nonconformity::NcState;
pub use operation::{CellState, Operation, Operations};
pub use risk::{Band, HeatMap, Position};
use schema::{Place, Validators};
pub use types::*;

use crate::diag::{Code, Diagnostic, FileId, Files};
use crate::load::{Kind, Layout, Loaded, Source};

/// A parsed document or TOML file, with where it came from.
#[derive(Clone, Debug)]
pub struct Doc<T> {
    /// The file.
    pub file: FileId,
    /// Its path relative to the repository root, with `/` separators.
    pub path: String,
    /// Offset of the TOML in the file: add it to a [`Spanned`] span to point into the file.
    pub offset: usize,
    /// The Markdown body (empty for TOML files).
    pub body: String,
    /// The typed content.
    pub data: T,
}

impl<T> Doc<T> {
    /// The span of a value of this document, as a byte range of its file.
    pub fn span<U>(&self, value: &Spanned<U>) -> Range<usize> {
        let span = value.span();
        span.start + self.offset..span.end + self.offset
    }

    /// A finding at a value of this document.
    pub fn finding<U>(
        &self,
        code: Code,
        at: &Spanned<U>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, self.file, self.span(at), message)
    }
}

/// A typed document of any kind, as [`Model::documents`] lists it.
#[derive(Clone, Debug)]
pub struct Listed<'m> {
    /// Its kind.
    pub kind: Kind,
    /// Its id.
    pub id: &'m Text,
    /// Its path.
    pub path: &'m String,
    /// Its file.
    pub file: FileId,
    /// Where its id is, in the file.
    pub span: Range<usize>,
}

/// The whole repository, typed.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The repository root.
    pub root: PathBuf,
    /// `crosswalk.toml`, if it is valid.
    pub config: Option<Doc<Config>>,
    /// Built-in catalogs first, then the repository's own.
    pub frameworks: Vec<Framework>,
    /// Policies, by path.
    pub policies: Vec<Doc<Policy>>,
    /// Controls, by path.
    pub controls: Vec<Doc<Control>>,
    /// Evidence records, by path.
    pub evidence: Vec<Doc<Evidence>>,
    /// Risks, by path.
    pub risks: Vec<Doc<Risk>>,
    /// The register of nonconformities (ISO 27001 10.2), by file path.
    pub nonconformities: Vec<Doc<Nonconformity>>,
    /// The repository's crosswalks between catalogs, by path.
    pub crosswalks: Vec<Doc<crosswalk::Crosswalk>>,
    /// The built-in crosswalks.
    pub built_in_crosswalks: Vec<crosswalk::Crosswalk>,
    /// Ids of documents that have errors and so are not in the model, so that references to them
    /// are not reported as dangling too.
    pub unparsed: Vec<(Kind, String)>,
    /// The references of documents that did not type (a missing key, a bad value elsewhere), read
    /// key by key, so that one error in a file never hides the reference checks of the rest of it.
    pub partial: Vec<(Kind, Doc<References>)>,
    /// Requirement ids written as aliases, each read as the catalog's id (see [`canonical`]).
    pub aliases: Vec<canonical::AliasUse>,
    /// Whether some file could not be read or typed: rules that need the whole repository
    /// (coverage, freshness) would then report consequences, not causes, and are skipped.
    pub incomplete: bool,
    /// Policies and controls by id, built on first look-up (the model is not changed once built).
    ids: std::sync::OnceLock<Ids>,
    /// The controls claiming each requirement, built on first look-up.
    claim_index: std::sync::OnceLock<coverage::ClaimIndex>,
}

/// Positions of policies and controls in the model's lists, by id (the first of a duplicated id).
#[derive(Clone, Debug, Default)]
struct Ids {
    policies: HashMap<String, usize>,
    controls: HashMap<String, usize>,
}

impl Ids {
    fn of(model: &Model) -> Ids {
        fn index<T>(docs: &[Doc<T>], id: impl Fn(&T) -> &String) -> HashMap<String, usize> {
            let mut index = HashMap::new();
            for (i, doc) in docs.iter().enumerate() {
                index.entry(id(&doc.data).clone()).or_insert(i);
            }
            index
        }
        Ids {
            policies: index(&model.policies, |p| p.id.get_ref()),
            controls: index(&model.controls, |c| c.id.get_ref()),
        }
    }
}

impl Model {
    /// A framework by catalog id (the first, if a user catalog clashes with a built-in one).
    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id() == id)
    }

    /// Every crosswalk: the repository's own first, then the built-in ones.
    pub fn all_crosswalks(&self) -> impl Iterator<Item = &crosswalk::Crosswalk> {
        self.crosswalks
            .iter()
            .map(|doc| &doc.data)
            .chain(&self.built_in_crosswalks)
    }

    /// The requirements the crosswalks relate to a requirement (see [`crosswalk::related`]).
    pub fn related(&self, framework_id: &str, requirement_id: &str) -> Vec<crosswalk::Related<'_>> {
        crosswalk::related(self.all_crosswalks(), framework_id, requirement_id)
    }

    /// The cadences that the in-scope requirements a control claims expect, in claim order. An
    /// item expects the cadence of the nearest requirement it belongs to that has one: covering
    /// `9.3` through its items must not escape the cadence `9.3` expects.
    pub fn expected_cadences<'m>(&'m self, control: &'m Control) -> Vec<Expectation<'m>> {
        let mut expected = Vec::new();
        for (framework_id, ids) in &control.satisfies {
            let Some(framework) = self.framework(framework_id.get_ref()) else {
                continue;
            };
            for id in ids {
                let in_scope = self.requirement_in_scope(framework_id.get_ref(), id.get_ref());
                let requirement = framework.requirement(id.get_ref()).filter(|_| in_scope);
                let with_cadence = requirement.and_then(|r| {
                    std::iter::once(r)
                        .chain(framework.ancestors(r.id.get_ref()))
                        .find_map(|r| r.cadence.as_ref().map(|c| (r, c)))
                });
                if let Some((requirement, cadence)) = with_cadence {
                    expected.push(Expectation {
                        framework,
                        requirement,
                        claim: id,
                        cadence,
                    });
                }
            }
        }
        expected
    }

    /// A control's effective frequency: the strictest of its declared `frequency` and the cadences
    /// its in-scope requirements expect (on a tie, the declared one; continuous is the strictest).
    pub fn effective_frequency<'m>(&'m self, control: &'m Control) -> EffectiveFrequency<'m> {
        let declared = match control.frequency.get_ref() {
            Frequency::Every(cadence) => Pace::Every(cadence),
            Frequency::Continuous => Pace::Continuous {
                max_gap: control
                    .max_gap
                    .as_ref()
                    .map_or(&*operation::DEFAULT_MAX_GAP, |gap| gap.get_ref()),
            },
        };
        let mut effective = EffectiveFrequency {
            pace: declared,
            expected_by: None,
        };
        for expectation in self.expected_cadences(control) {
            if let Pace::Every(cadence) = effective.pace
                && expectation.cadence.is_stricter_than(cadence)
            {
                effective = EffectiveFrequency {
                    pace: Pace::Every(expectation.cadence),
                    expected_by: Some(expectation),
                };
            }
        }
        effective
    }

    /// Every requirement every control claims: (catalog id, requirement id, control), in control
    /// order.
    pub fn claims(&self) -> impl Iterator<Item = (&str, &Text, &Doc<Control>)> {
        self.controls.iter().flat_map(|control| {
            control
                .data
                .satisfies
                .iter()
                .flat_map(move |(framework, ids)| {
                    ids.iter()
                        .map(move |id| (framework.get_ref().as_str(), id, control))
                })
        })
    }

    /// The name of a person of `[people]` by key; the key itself when there is no such person.
    pub fn person_name(&self, key: &str) -> String {
        self.config
            .as_ref()
            .and_then(|c| c.data.people.iter().find(|(k, _)| k.get_ref() == key))
            .map_or_else(|| key.to_string(), |(_, person)| person.name.clone())
    }

    /// A policy by id.
    pub fn policy(&self, id: &str) -> Option<&Doc<Policy>> {
        let ids = self.ids.get_or_init(|| Ids::of(self));
        ids.policies.get(id).map(|&i| &self.policies[i])
    }

    /// A control by id.
    pub fn control(&self, id: &str) -> Option<&Doc<Control>> {
        let ids = self.ids.get_or_init(|| Ids::of(self));
        ids.controls.get(id).map(|&i| &self.controls[i])
    }

    /// The keys of `[people]`, in order; none without a configuration.
    pub fn person_keys(&self) -> Vec<&str> {
        self.config
            .iter()
            .flat_map(|c| c.data.people.keys())
            .map(|k| k.get_ref().as_str())
            .collect()
    }

    /// Every typed document, of every kind, in kind order then file order: the one list the
    /// look-ups by id and path, the history hints and the findings' locations are made from.
    pub fn documents(&self) -> impl Iterator<Item = Listed<'_>> {
        fn listed<T>(
            kind: Kind,
            docs: &[Doc<T>],
            id: fn(&T) -> &Text,
        ) -> impl Iterator<Item = Listed<'_>> {
            docs.iter().map(move |d| Listed {
                kind,
                id: id(&d.data),
                path: &d.path,
                file: d.file,
                span: d.span(id(&d.data)),
            })
        }
        listed(Kind::Policy, &self.policies, |p| &p.id)
            .chain(listed(Kind::Control, &self.controls, |c| &c.id))
            .chain(listed(Kind::Evidence, &self.evidence, |e| &e.id))
            .chain(listed(Kind::Risk, &self.risks, |r| &r.id))
            .chain(listed(Kind::Nonconformity, &self.nonconformities, |n| {
                &n.id
            }))
    }

    /// The id of every typed document, of every kind.
    pub fn document_ids(&self) -> impl Iterator<Item = &str> {
        self.documents().map(|d| d.id.get_ref().as_str())
    }

    /// The path of the document with this id, of any kind.
    pub fn document_path(&self, id: &str) -> Option<String> {
        self.documents()
            .find(|d| d.id.get_ref() == id)
            .map(|d| d.path.clone())
    }

    /// The id of the document at a path, of any kind.
    pub fn document_id(&self, path: &str) -> Option<String> {
        self.documents()
            .find(|d| d.path == path)
            .map(|d| d.id.get_ref().clone())
    }

    /// Whether a document of this kind and id exists, typed or not.
    pub fn exists(&self, kind: Kind, id: &str) -> bool {
        let typed = match kind {
            Kind::Policy => self.policy(id).is_some(),
            Kind::Control => self.control(id).is_some(),
            _ => false,
        };
        typed || self.unparsed.iter().any(|(k, i)| *k == kind && i == id)
    }
}

/// `folder/path` resolved lexically, if it stays inside the repository (no absolute path, no `..`
/// above the root).
pub fn inside(folder: &Path, path: &Path) -> Option<PathBuf> {
    let mut resolved: Vec<Component> = folder.components().collect();
    for component in path.components() {
        match component {
            Component::Normal(_) => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(resolved.iter().collect())
}

/// A path with `/` separators.
pub fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The path, relative to the root, of an attachment written as `written` in the evidence record at
/// `record_path`; `None` when it would leave the repository.
pub fn attachment_path(record_path: &str, written: &str) -> Option<String> {
    let folder = Path::new(record_path).parent().unwrap_or(Path::new(""));
    inside(folder, Path::new(written)).map(|p| slash(&p))
}

/// Whether a text says nothing a reader can see: empty, white space, or invisible characters only
/// (zero-width spaces and joiners, the byte-order mark, soft hyphens, bidirectional marks). A
/// justification made of them is no justification.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{00AD}'
                    | '\u{034F}'
                    | '\u{061C}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{17B4}'
                    | '\u{17B5}'
                    | '\u{180E}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'..='\u{206F}'
                    | '\u{3164}'
                    | '\u{FE00}'..='\u{FE0F}'
                    | '\u{FEFF}'
                    | '\u{FFA0}'
            )
    })
}

/// Whether a `[satisfies]` table names a requirement of a catalog.
pub fn names_requirement(satisfies: &Satisfies, framework_id: &str, requirement_id: &str) -> bool {
    satisfies.iter().any(|(framework, ids)| {
        framework.get_ref() == framework_id && ids.iter().any(|id| id.get_ref() == requirement_id)
    })
}

/// A cadence that a requirement a control claims expects.
#[derive(Clone, Copy, Debug)]
pub struct Expectation<'m> {
    /// The requirement's framework.
    pub framework: &'m Framework,
    /// The requirement.
    pub requirement: &'m catalog::Requirement,
    /// The control's claim of it, in its `[satisfies]`.
    pub claim: &'m Text,
    /// The cadence it expects.
    pub cadence: &'m Cadence,
}

/// How often a control must operate, all frameworks considered.
#[derive(Clone, Copy, Debug)]
pub struct EffectiveFrequency<'m> {
    /// The strictest pace.
    pub pace: Pace<'m>,
    /// The requirement that demands it, when it is stricter than the control's own frequency.
    pub expected_by: Option<Expectation<'m>>,
}

/// A pace of operation: once per period of a cadence, or continuous.
#[derive(Clone, Copy, Debug)]
pub enum Pace<'m> {
    /// Once per period.
    Every(&'m Cadence),
    /// All the time, with evidence that leaves no stretch longer than `max_gap` uncovered.
    Continuous {
        /// The longest stretch allowed.
        max_gap: &'m Cadence,
    },
}

impl<'m> Pace<'m> {
    /// The period that freshness allows: the cadence, or a continuous control's `max_gap`.
    pub fn cadence(&self) -> &'m Cadence {
        match *self {
            Pace::Every(cadence) => cadence,
            Pace::Continuous { max_gap } => max_gap,
        }
    }
}

impl std::fmt::Display for Pace<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pace::Every(cadence) => cadence.fmt(f),
            Pace::Continuous { max_gap } => write!(f, "continuous (max gap {max_gap})"),
        }
    }
}

impl EffectiveFrequency<'_> {
    /// The pace, with the requirement that demands it when that is not the control's own:
    /// `quarterly (soc2 CC6.3)`.
    pub fn describe(&self) -> String {
        match &self.expected_by {
            None => self.pace.to_string(),
            Some(e) => format!(
                "{} ({} {})",
                self.pace,
                e.framework.id(),
                e.requirement.id.get_ref()
            ),
        }
    }
}

/// Parses and validates `crosswalk.toml`.
pub fn parse_config(
    loaded: &Loaded,
    validators: &Validators,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Doc<Config>> {
    let source = loaded.config.as_ref()?;
    parse(&loaded.files, source, validators, diagnostics).ok()
}

/// The layout `crosswalk.toml` declares, with a diagnostic for each glob that cannot be used.
pub fn layout(config: Option<&Doc<Config>>, diagnostics: &mut Vec<Diagnostic>) -> Layout {
    let Some(config) = config else {
        return Layout::default();
    };
    for (_, globs) in config.data.layout.kinds() {
        for glob in globs.into_iter().flatten() {
            if let Some(problem) = glob_problem(glob.get_ref()) {
                let escapes = problem.contains("leaves the repository");
                let finding = config.finding(Code::InvalidValue, glob, problem);
                diagnostics.push(match escapes {
                    true => finding.with_help("layout globs are relative to the repository root and stay inside it: no leading `/`, no `..`"),
                    false => finding,
                });
            }
        }
    }
    layout_of(&config.data.layout)
}

/// Why a layout glob cannot be used, if it cannot: globs are relative to the repository root and
/// stay inside it.
pub fn glob_problem(text: &str) -> Option<String> {
    let escapes = text.starts_with(['/', '\\'])
        || text.split(['/', '\\']).any(|part| part == "..")
        || text.get(1..2) == Some(":");
    if escapes {
        return Some(format!("the glob `{text}` leaves the repository"));
    }
    globset::Glob::new(text)
        .err()
        .map(|e| format!("invalid glob `{text}`: {}", e.kind()))
}

/// The layout a `[layout]` table declares, keeping only the globs that can be used (the
/// defaults for the kinds it leaves out).
pub fn layout_of(declared: &LayoutConfig) -> Layout {
    let mut layout = Layout::default();
    for (kind, globs) in declared.kinds() {
        let Some(globs) = globs else { continue };
        let usable = globs
            .iter()
            .map(|g| g.get_ref())
            .filter(|g| glob_problem(g).is_none())
            .cloned()
            .collect();
        layout.set(kind, usable);
    }
    layout
}

/// Types every loaded catalog and document.
pub fn build(
    loaded: &Loaded,
    config: Option<Doc<Config>>,
    validators: &Validators,
    diagnostics: &mut Vec<Diagnostic>,
) -> Model {
    let mut model = Model {
        root: loaded.root.clone(),
        config,
        frameworks: catalog::built_in(),
        built_in_crosswalks: crosswalk::built_in(),
        ..Model::default()
    };
    let before = diagnostics.len();
    for source in &loaded.sources {
        let files = &loaded.files;
        let unparsed =
            match source.kind {
                Kind::Catalog => parse::<catalog::Catalog>(files, source, validators, diagnostics)
                    .map(|doc| {
                        model
                            .frameworks
                            .push(Framework::new(doc.data, Some(doc.file), doc.offset))
                    }),
                Kind::Policy => parse(files, source, validators, diagnostics)
                    .map(|doc| model.policies.push(doc)),
                Kind::Control => parse(files, source, validators, diagnostics)
                    .map(|doc| model.controls.push(doc)),
                Kind::Evidence => parse(files, source, validators, diagnostics)
                    .map(|doc| model.evidence.push(doc)),
                Kind::Risk => {
                    parse(files, source, validators, diagnostics).map(|doc| model.risks.push(doc))
                }
                Kind::Nonconformity => parse(files, source, validators, diagnostics)
                    .map(|doc| model.nonconformities.push(doc)),
                Kind::Crosswalk => parse(files, source, validators, diagnostics)
                    .map(|doc| model.crosswalks.push(doc)),
                Kind::Config => Ok(()),
            };
        let failed = unparsed.is_err();
        if let Err(Some(id)) = unparsed {
            model.unparsed.push((source.kind, id));
        }
        if failed && Kind::DOCUMENTS.contains(&source.kind) {
            if let Some(doc) = references_of(files, source) {
                model.partial.push((source.kind, doc));
            }
        }
    }
    model.incomplete = diagnostics.len() > before || !loaded.diagnostics.is_empty();
    model.canonicalize();
    model
}

/// Parses, validates and types one file; on failure, the document's id if it can be read.
fn parse<T: DeserializeOwned>(
    files: &Files,
    source: &Source,
    validators: &Validators,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Doc<T>, Option<String>> {
    let text = &files.get(source.file).text;
    let is_document = Kind::DOCUMENTS.contains(&source.kind);
    let place = Place {
        file: source.file,
        offset: source.toml.start,
        header: if is_document { 0..3 } else { 0..0 },
    };
    let report = |code, what, e: &toml::de::Error| {
        let span = e.span().map_or(place.header.clone(), |s| place.shift(s));
        Diagnostic::new(code, source.file, span, toml_message(what, e))
    };
    let (table, errors) = DeTable::parse_recoverable(&text[source.toml.clone()]);
    let id = table
        .get_ref()
        .get("id")
        .and_then(|v| v.get_ref().as_str())
        .map(str::to_string);
    if !errors.is_empty() {
        for e in errors {
            diagnostics.push(report(Code::TomlSyntax, "invalid TOML", &e));
        }
        return Err(id);
    }
    let problems = validators.validate(source.kind, &table, &place);
    if !problems.is_empty() {
        diagnostics.extend(problems);
        return Err(id);
    }
    match T::deserialize(toml::Deserializer::from(table)) {
        Ok(data) => Ok(Doc {
            file: source.file,
            path: files.get(source.file).path.clone(),
            offset: source.toml.start,
            body: text[source.body.clone()].to_string(),
            data,
        }),
        Err(e) => {
            diagnostics.push(report(Code::InvalidValue, "invalid value", &e));
            Err(id)
        }
    }
}

/// The names a document refers to (people, policy, controls, requirements), each key read on its
/// own: a key of the wrong type is left out, the others are kept.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct References {
    /// The owner.
    #[serde(default)]
    pub owner: Option<Text>,
    /// The approvers.
    #[serde(default)]
    pub approvers: Vec<Text>,
    /// A control's policy.
    #[serde(default)]
    pub policy: Option<Text>,
    /// The controls an evidence record or a risk names.
    #[serde(default)]
    pub controls: Vec<Text>,
    /// An evidence record's collector.
    #[serde(default)]
    pub collector: Option<Text>,
    /// The requirements claimed.
    #[serde(default)]
    pub satisfies: Satisfies,
}

/// The references of a document that did not type, if its TOML parses at all.
fn references_of(files: &Files, source: &Source) -> Option<Doc<References>> {
    let text = &files.get(source.file).text;
    let (table, errors) = DeTable::parse_recoverable(&text[source.toml.clone()]);
    if !errors.is_empty() {
        return None;
    }
    let span = table.span();
    let mut references = References::default();
    for (key, value) in table.into_inner() {
        let name = key.get_ref().to_string();
        let mut single = DeTable::new();
        single.insert(key, value);
        let Ok(one) = <References as serde::Deserialize>::deserialize(toml::Deserializer::from(
            Spanned::new(span.clone(), single),
        )) else {
            continue;
        };
        match name.as_str() {
            "owner" => references.owner = one.owner,
            "approvers" => references.approvers = one.approvers,
            "policy" => references.policy = one.policy,
            "controls" => references.controls = one.controls,
            "collector" => references.collector = one.collector,
            "satisfies" => references.satisfies = one.satisfies,
            _ => {}
        }
    }
    Some(Doc {
        file: source.file,
        path: files.get(source.file).path.clone(),
        offset: source.toml.start,
        body: String::new(),
        data: references,
    })
}

fn toml_message(what: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    let message = message.lines().next().unwrap_or(message);
    format!("{what}: {message}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn invisible_text_is_blank() {
        assert!(super::is_blank(""));
        assert!(super::is_blank(" \t\u{200B}\u{FEFF}\u{2060}\u{00AD}"));
        assert!(!super::is_blank("\u{200B}Cloud only"));
    }
}
