//! Stage 2, model: typed documents, frameworks and configuration.
//!
//! Takes the loaded files; parses each TOML text once into a spanned tree, validates it against its
//! kind's JSON Schema (every violation reported, each at its key or value), and deserialises the
//! valid ones into the typed structs of [`types`]. Gives a [`Model`] plus the diagnostics of files
//! that did not make it in. Documents with errors are left out of the model; the rest still are.

pub mod catalog;
pub mod crosswalk;
pub mod schema;
pub mod types;

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeTable;

pub use catalog::Framework;
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
    /// The repository's crosswalks between catalogs, by path.
    pub crosswalks: Vec<Doc<crosswalk::Crosswalk>>,
    /// Ids of documents that have errors and so are not in the model, so that references to them
    /// are not reported as dangling too.
    pub unparsed: Vec<(Kind, String)>,
    /// Whether some file could not be read or typed: rules that need the whole repository
    /// (coverage, freshness) would then report consequences, not causes, and are skipped.
    pub incomplete: bool,
}

impl Model {
    /// A framework by catalog id (the first, if a user catalog clashes with a built-in one).
    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id() == id)
    }

    /// The frameworks `crosswalk.toml` puts in scope that have a catalog, in its order.
    pub fn frameworks_in_scope(&self) -> Vec<&Framework> {
        self.config
            .iter()
            .flat_map(|c| c.data.frameworks.keys())
            .filter_map(|id| self.framework(id.get_ref()))
            .collect()
    }

    /// A policy by id.
    pub fn policy(&self, id: &str) -> Option<&Doc<Policy>> {
        self.policies.iter().find(|p| p.data.id.get_ref() == id)
    }

    /// A control by id.
    pub fn control(&self, id: &str) -> Option<&Doc<Control>> {
        self.controls.iter().find(|c| c.data.id.get_ref() == id)
    }

    /// Each control's most recent evidence record collected on or before `as_of`, by control id.
    pub fn latest_evidence(&self, as_of: jiff::civil::Date) -> HashMap<&str, &Doc<Evidence>> {
        let mut latest: HashMap<&str, &Doc<Evidence>> = HashMap::new();
        for record in &self.evidence {
            let collected = record.data.collected.get_ref().0;
            if collected > as_of {
                continue;
            }
            for control in &record.data.controls {
                let entry = latest.entry(control.get_ref()).or_insert(record);
                if entry.data.collected.get_ref().0 < collected {
                    *entry = record;
                }
            }
        }
        latest
    }

    /// The path of the document with this id, of any kind.
    pub fn document_path(&self, id: &str) -> Option<String> {
        let paths = self
            .policies
            .iter()
            .map(|d| (d.data.id.get_ref(), &d.path))
            .chain(self.controls.iter().map(|d| (d.data.id.get_ref(), &d.path)))
            .chain(self.evidence.iter().map(|d| (d.data.id.get_ref(), &d.path)))
            .chain(self.risks.iter().map(|d| (d.data.id.get_ref(), &d.path)));
        paths
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|(_, path)| path.clone())
    }

    /// The id of the document at a path, of any kind.
    pub fn document_id(&self, path: &str) -> Option<String> {
        let ids = self
            .policies
            .iter()
            .map(|d| (&d.path, d.data.id.get_ref()))
            .chain(self.controls.iter().map(|d| (&d.path, d.data.id.get_ref())))
            .chain(self.evidence.iter().map(|d| (&d.path, d.data.id.get_ref())))
            .chain(self.risks.iter().map(|d| (&d.path, d.data.id.get_ref())));
        ids.into_iter()
            .find(|(p, _)| *p == path)
            .map(|(_, id)| id.clone())
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

/// Parses and validates `crosswalk.toml`.
pub fn parse_config(
    loaded: &Loaded,
    validators: &Validators,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Doc<Config>> {
    let source = loaded.config.as_ref()?;
    parse(&loaded.files, source, validators, diagnostics).ok()
}

/// The layout `crosswalk.toml` declares, with a diagnostic for each invalid glob.
pub fn layout(config: Option<&Doc<Config>>, diagnostics: &mut Vec<Diagnostic>) -> Layout {
    let mut layout = Layout::default();
    let Some(config) = config else {
        return layout;
    };
    let declared = &config.data.layout;
    let kinds = [
        (Kind::Policy, &declared.policies),
        (Kind::Control, &declared.controls),
        (Kind::Evidence, &declared.evidence),
        (Kind::Risk, &declared.risks),
        (Kind::Catalog, &declared.frameworks),
        (Kind::Crosswalk, &declared.crosswalks),
    ];
    for (kind, globs) in kinds {
        let Some(globs) = globs else { continue };
        for glob in globs {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                diagnostics.push(Diagnostic::new(
                    Code::InvalidValue,
                    config.file,
                    config.span(glob),
                    format!("invalid glob `{}`: {}", glob.get_ref(), e.kind()),
                ));
            }
        }
        layout.set(kind, globs.iter().map(|g| g.get_ref().clone()).collect());
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
                Kind::Crosswalk => parse(files, source, validators, diagnostics)
                    .map(|doc| model.crosswalks.push(doc)),
                Kind::Config => Ok(()),
            };
        if let Err(Some(id)) = unparsed {
            model.unparsed.push((source.kind, id));
        }
    }
    model.incomplete = diagnostics.len() > before || !loaded.diagnostics.is_empty();
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
    let (table, errors) = DeTable::parse_recoverable(&text[source.toml.clone()]);
    let id = table
        .get_ref()
        .get("id")
        .and_then(|v| v.get_ref().as_str())
        .map(str::to_string);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().map_or(place.header.clone(), |s| place.shift(s));
            diagnostics.push(Diagnostic::new(
                Code::TomlSyntax,
                source.file,
                span,
                toml_message("invalid TOML", &e),
            ));
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
            let span = e.span().map_or(place.header.clone(), |s| place.shift(s));
            diagnostics.push(Diagnostic::new(
                Code::InvalidValue,
                source.file,
                span,
                toml_message("invalid value", &e),
            ));
            Err(id)
        }
    }
}

fn toml_message(what: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    let message = message.lines().next().unwrap_or(message);
    format!("{what}: {message}")
}
