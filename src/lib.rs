//! `crosswalk`: git-native compliance as code.
//!
//! A pipeline, one module per stage, data flowing one way:
//! [`load`] (walk the repository, split front matter, keep spans) → [`model`] (typed documents,
//! frameworks, configuration, and every domain rule: scope, coverage, who may approve, the judging
//! date) → [`history`] (git history → the review trail) → [`check`] (rules over the model and the
//! trail → [`diag::Diagnostic`]s) → [`render`] (model and trail → files) → [`cli`] (arguments and
//! output formats). [`plan`] is the orchestration the commands share (what `build` writes, how the
//! judging date is resolved, how `diff` reads two revisions). The library never prints; the binary
//! in `main.rs` tunes libgit2 and calls [`cli::main`]. `docs/ARCHITECTURE.md` says where each rule
//! lives.

#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod atomic;
pub mod check;
pub mod cli;
pub mod diag;
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod load;
pub mod model;
mod names;
pub mod plan;
pub mod render;

use std::path::Path;

use diag::{Diagnostic, Files};
use history::{HistoryError, Trail};
use load::{Layout, LoadError, Loaded};
use model::Model;
use model::schema::Validators;

/// Failures that stop a run (exit code 2); findings are not errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The repository could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The git history could not be read.
    #[error(transparent)]
    History(#[from] HistoryError),
}

/// A repository read and typed, with the diagnostics of reading and typing it.
#[derive(Debug)]
pub struct Workspace {
    /// Every file read, for rendering diagnostics.
    pub files: Files,
    /// The typed repository.
    pub model: Model,
    /// Findings of the load and model stages.
    pub diagnostics: Vec<Diagnostic>,
    /// Where each kind of file lives.
    pub layout: Layout,
}

/// Loads and types the repository at `start` or its nearest parent holding `crosswalk.toml`.
pub fn open(start: &Path) -> Result<Workspace, LoadError> {
    let root = load::find_root(start)?;
    let mut loaded = Loaded::default();
    load::load_config(&root, &mut loaded)?;
    let validators = Validators::new();
    let mut diagnostics = std::mem::take(&mut loaded.diagnostics);
    let config = model::parse_config(&loaded, &validators, &mut diagnostics);
    let layout = model::layout(config.as_ref(), &mut diagnostics);
    load::load_documents(&mut loaded, &layout);
    diagnostics.append(&mut loaded.diagnostics);
    let model = model::build(&loaded, config, &validators, &mut diagnostics);
    Ok(Workspace {
        files: loaded.files,
        model,
        diagnostics,
        layout,
    })
}

/// Reads the review trail of a loaded repository: every change to its compliance files (the folders
/// of `[layout]` and `crosswalk.toml`), with reviews recorded by `crosswalk review` attached.
pub fn trail(
    workspace: &Workspace,
    reviews: Option<&history::reviews::Reviews>,
) -> Result<Trail, HistoryError> {
    trail_of(workspace, &workspace.model.root, None, reviews)
}

/// The review trail as it stood at `commit` (a full id) of the repository holding `root`, for a
/// workspace loaded from that commit's tree (`--at REV`): only the commit's ancestors are read, and
/// no working tree.
pub fn trail_at(workspace: &Workspace, root: &Path, commit: &str) -> Result<Trail, HistoryError> {
    trail_of(workspace, root, Some(commit.to_string()), None)
}

fn trail_of(
    workspace: &Workspace,
    root: &Path,
    tip: Option<String>,
    reviews: Option<&history::reviews::Reviews>,
) -> Result<Trail, HistoryError> {
    let model = &workspace.model;
    let hint = model
        .documents()
        .map(|d| (d.id.get_ref().clone(), d.path.clone()))
        .collect();
    let options = history::ReadOptions { reviews, hint, tip };
    history::read(root, &options)
}

/// Loads, types and checks the repository, history included unless `options.history` is `None`;
/// every finding, sorted by file and position.
pub fn check(
    start: &Path,
    options: &check::Options,
) -> Result<(Workspace, Vec<Diagnostic>), Error> {
    let mut workspace = open(start)?;
    let mut findings = std::mem::take(&mut workspace.diagnostics);
    findings.extend(check::run(&mut workspace, options)?);
    sort(&workspace.files, &mut findings);
    Ok((workspace, findings))
}

/// Orders findings by file path, position, code and message, so output is deterministic; the
/// findings of one group (every uncovered requirement of a framework) keep the order they were
/// found in, which is catalog order (`4.1` before `10.1`, `6.1` before `6.1.1`).
pub fn sort(files: &Files, findings: &mut [Diagnostic]) {
    findings.sort_by(|a, b| {
        files
            .get(a.file)
            .path
            .cmp(&files.get(b.file).path)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.code.cmp(&b.code))
            .then_with(|| match (&a.group, &b.group) {
                // The lines of one group stay in the order they were found (catalog order).
                (Some(_), Some(_)) => std::cmp::Ordering::Equal,
                (x, y) => (x.is_some(), &a.message).cmp(&(y.is_some(), &b.message)),
            })
    });
}
