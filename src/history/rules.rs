//! The rules a change is judged by, read from the repository as it stood before the change (its
//! first parent), never from HEAD: who the people are, which files are compliance files, where the
//! judged window starts, whether merged pull requests count, and signed mode. And the documents of
//! that version as the approval rule reads them ([`Version`], a [`Library`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use git2::{Oid, Repository};
use serde::Deserialize;

use super::approval::People;
use super::signing::AllowedSigners;
use crate::load::{CONFIG_FILE, Kind, Matcher, TEMPLATES_DIR};
use crate::model::Config;
use crate::model::approvers::{Facts, Library};

/// The rules of one version of `crosswalk.toml`.
pub(super) struct Rules {
    /// How identities map to people.
    pub(super) people: People,
    /// Which files are which kind.
    pub(super) matcher: Matcher,
    /// Folders of evidence records: every file in them is evidence material (attachments).
    evidence_folders: Vec<String>,
    /// Every folder a compliance file can be in (`""` when a layout pattern starts with a wildcard).
    folders: Vec<String>,
    /// The first day of the judged window, if any.
    pub(super) window_start: Option<jiff::civil::Date>,
    /// Whether a merged pull request the forge made counts as an approval.
    pub(super) merged_pull_requests: bool,
    /// The committer emails of the forge (whose merges and squash commits count).
    pub(super) forge_emails: Vec<String>,
    /// Signed mode: the allowed-signers file (relative to the root), when required.
    pub(super) allowed_signers: Option<String>,
}

impl Rules {
    /// The rules of a `crosswalk.toml` text; `None` when it does not type (such a version judges
    /// nothing, and the change that follows is judged by its own rules).
    pub(super) fn of(text: &str) -> Option<Rules> {
        let config: Config = toml::from_str(text).ok()?;
        let layout = crate::model::layout_of(&config.layout);
        let evidence_folders = crate::load::walk_prefixes(layout.patterns(Kind::Evidence))
            .into_iter()
            .filter(|folder| !folder.is_empty())
            .collect();
        let history = &config.history;
        let mut folders = layout.folders();
        folders.push(TEMPLATES_DIR.to_string());
        Some(Rules {
            folders,
            people: People::new(&config),
            matcher: layout.matcher(),
            evidence_folders,
            window_start: config.judged_since(),
            merged_pull_requests: history.merged_pull_requests
                == crate::model::MergedPullRequests::Approved,
            forge_emails: history.forge_emails(),
            allowed_signers: history
                .require_signed
                .then(|| history.allowed_signers.clone())
                .flatten(),
        })
    }

    /// Whether a change to `path` (relative to the root) is a change to a compliance file: a file
    /// the layout selects, evidence material beside the records, `crosswalk.toml`, a template, or
    /// the allowed-signers file.
    pub(super) fn judges(&self, path: &str) -> bool {
        path == CONFIG_FILE
            || super::tree_diff::is_within(path, TEMPLATES_DIR)
            || self.allowed_signers.as_deref() == Some(path)
            || self.matcher.kind_of(path).is_some()
            || self
                .evidence_folders
                .iter()
                .any(|folder| super::tree_diff::is_within(path, folder))
    }

    /// Whether the folder `dir` (relative to the root) may hold compliance files: it lies inside a
    /// folder of the layout or of templates, or holds one.
    pub(super) fn may_hold(&self, dir: &str) -> bool {
        let dir = dir.trim_end_matches('/');
        self.folders.iter().any(|folder| {
            folder.is_empty()
                || super::tree_diff::is_within(dir, folder)
                || super::tree_diff::is_within(folder, dir)
        })
    }
}

/// The fields of a document the approval rule reads; unknown keys are ignored here (the model
/// stage reports them).
#[derive(Debug, Default, Deserialize)]
struct RawFacts {
    #[serde(default)]
    id: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    approvers: Vec<String>,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    controls: Vec<String>,
    #[serde(default)]
    attachments: Vec<RawAttachment>,
}

#[derive(Debug, Default, Deserialize)]
struct RawAttachment {
    #[serde(default)]
    path: String,
}

/// A document blob's facts, and the paths (relative to the record) of its attachments.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub(super) facts: Facts,
    attachments: Vec<String>,
}

/// How many parsed documents [`Blobs`] keeps at most.
const PARSED_CACHE_LIMIT: usize = 8_192;

/// Reads and parses document blobs once each.
pub(super) struct Blobs<'r> {
    repo: &'r Repository,
    parsed: RefCell<HashMap<Oid, Option<Rc<Parsed>>>>,
    configs: RefCell<HashMap<Oid, Option<Rc<Rules>>>>,
    signers: RefCell<HashMap<Oid, Rc<AllowedSigners>>>,
}

impl<'r> Blobs<'r> {
    pub(super) fn new(repo: &'r Repository) -> Self {
        Blobs {
            repo,
            parsed: RefCell::default(),
            configs: RefCell::default(),
            signers: RefCell::default(),
        }
    }

    fn text(&self, id: Oid) -> Option<String> {
        let blob = self.repo.find_blob(id).ok()?;
        std::str::from_utf8(blob.content()).ok().map(str::to_string)
    }

    /// The facts of a document blob, if it has front matter that parses.
    pub(super) fn document(&self, id: Oid, kind: Kind) -> Option<Rc<Parsed>> {
        if let Some(known) = self.parsed.borrow().get(&id) {
            return known.clone().map(|p| with_kind(p, kind));
        }
        let parsed = self.text(id).and_then(|text| {
            let (toml, _) = crate::load::split_front_matter(&text).ok()?;
            let raw: RawFacts = toml::from_str(&text[toml]).ok()?;
            Some(Rc::new(Parsed {
                facts: Facts {
                    kind: None,
                    id: raw.id,
                    owner: raw.owner,
                    approvers: raw.approvers,
                    policy: raw.policy,
                    controls: raw.controls,
                },
                attachments: raw.attachments.into_iter().map(|a| a.path).collect(),
            }))
        });
        let mut cache = self.parsed.borrow_mut();
        // Most blobs are read once (the version a change replaces); keep memory bounded by
        // starting over when the cache is large (the documents looked up often are read again).
        if cache.len() >= PARSED_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(id, parsed.clone());
        parsed.map(|p| with_kind(p, kind))
    }

    /// The rules of a `crosswalk.toml` blob.
    pub(super) fn rules(&self, id: Oid) -> Option<Rc<Rules>> {
        if let Some(known) = self.configs.borrow().get(&id) {
            return known.clone();
        }
        let rules = self.text(id).and_then(|text| Rules::of(&text)).map(Rc::new);
        self.configs.borrow_mut().insert(id, rules.clone());
        rules
    }

    /// An allowed-signers blob, parsed.
    pub(super) fn signers(&self, id: Oid) -> Rc<AllowedSigners> {
        if let Some(known) = self.signers.borrow().get(&id) {
            return known.clone();
        }
        let signers = Rc::new(AllowedSigners::parse(&self.text(id).unwrap_or_default()));
        self.signers.borrow_mut().insert(id, signers.clone());
        signers
    }
}

fn with_kind(parsed: Rc<Parsed>, kind: Kind) -> Rc<Parsed> {
    if parsed.facts.kind == Some(kind) {
        return parsed;
    }
    Rc::new(Parsed {
        facts: Facts {
            kind: Some(kind),
            ..parsed.facts.clone()
        },
        attachments: parsed.attachments.clone(),
    })
}

/// The files of one version of the compliance root: path (relative to the root) → blob.
pub(super) type Files = HashMap<Rc<str>, Oid>;

/// One version of the repository, as the approval rule reads it.
pub(super) struct Version<'a> {
    pub(super) files: &'a Files,
    pub(super) rules: &'a Rules,
    pub(super) blobs: &'a Blobs<'a>,
    /// Where documents are now, by id: where to look first for a document named by id.
    pub(super) hint: &'a HashMap<String, String>,
    /// The earlier names of renamed files (new path → the paths it had before), so that a
    /// document is found under the name it had in an older version.
    pub(super) aliases: &'a HashMap<String, Vec<String>>,
}

impl Version<'_> {
    fn document(&self, path: &str) -> Option<Rc<Parsed>> {
        let kind = self.rules.matcher.kind_of(path)?;
        if !Kind::DOCUMENTS.contains(&kind) {
            return None;
        }
        self.blobs.document(*self.files.get(path)?, kind)
    }

    fn documents_of(&self, kind: Kind) -> impl Iterator<Item = Rc<Parsed>> + '_ {
        let mut paths: Vec<&Rc<str>> = self
            .files
            .keys()
            .filter(|p| self.rules.matcher.kind_of(p) == Some(kind))
            .collect();
        paths.sort();
        paths.into_iter().filter_map(move |p| self.document(p))
    }
}

impl Library for Version<'_> {
    fn at(&self, path: &str) -> Option<Facts> {
        self.document(path).map(|p| p.facts.clone())
    }

    fn by_id(&self, kind: Kind, id: &str) -> Option<Facts> {
        let mut candidates: Vec<&str> = self.hint.get(id).map(String::as_str).into_iter().collect();
        let mut next = 0;
        while next < candidates.len() && candidates.len() < 64 {
            if let Some(earlier) = self.aliases.get(candidates[next]) {
                candidates.extend(earlier.iter().map(String::as_str));
            }
            next += 1;
        }
        let hinted = candidates
            .into_iter()
            .filter_map(|path| self.document(path))
            .find(|p| p.facts.id == id && p.facts.kind == Some(kind));
        hinted
            .or_else(|| self.documents_of(kind).find(|p| p.facts.id == id))
            .map(|p| p.facts.clone())
    }

    fn record_of_attachment(&self, path: &str) -> Option<Facts> {
        let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let candidates: Vec<Rc<str>> = self
            .files
            .keys()
            .filter(|p| p.rsplit_once('/').map_or("", |(f, _)| f) == folder)
            .cloned()
            .collect();
        let mut candidates = candidates;
        candidates.sort();
        candidates
            .iter()
            .filter(|p| self.rules.matcher.kind_of(p) == Some(Kind::Evidence))
            .filter_map(|p| self.document(p).map(|parsed| (p, parsed)))
            .find(|(record, parsed)| {
                parsed.attachments.iter().any(|written| {
                    crate::model::attachment_path(record, written).as_deref() == Some(path)
                })
            })
            .map(|(_, parsed)| parsed.facts.clone())
    }

    fn policies(&self) -> Vec<Facts> {
        self.documents_of(Kind::Policy)
            .map(|p| p.facts.clone())
            .collect()
    }
}
