//! Stage 4, check: rules over the model (and the review trail) that yield diagnostics.
//!
//! Takes a [`Model`] and the date to judge freshness as of; gives findings, never errors. Each rule
//! family lives in its own module: [`ids`] (uniqueness and catalog integrity), [`references`] (every
//! person, policy, control, framework and requirement named exists and is in scope), [`coverage`]
//! (every in-scope requirement is covered by an implemented control or justifiably excluded),
//! [`evidence`] (attachments exist inside the repository with the recorded hash; frequencies meet
//! what the frameworks expect; every operating control operated, period by period), [`suggestions`] (hints from the crosswalks)
//! and [`history`] (on the review trail: complete history, reviews on time, every change approved).

pub mod codeowners;
pub mod coverage;
pub mod crosswalks;
pub mod evidence;
pub mod history;
pub mod ids;
pub mod isms;
pub mod nonconformities;
pub mod references;
pub mod risks;
pub mod suggestions;

use crate::Workspace;
use crate::diag::Diagnostic;
use crate::model::Model;

/// What a check run judges by.
#[derive(Clone, Debug)]
pub struct Options {
    /// Evidence freshness and review cadences are judged as of this date.
    pub as_of: jiff::civil::Date,
    /// Whether to judge git history, and with which forge reviews; `None` skips it (`--no-history`).
    pub history: Option<HistoryOptions>,
    /// Whether to report crosswalk suggestions (`--no-hints` turns them off; so does
    /// `[check] hints = false`).
    pub hints: bool,
}

/// How history is judged.
#[derive(Clone, Debug, Default)]
pub struct HistoryOptions {
    /// Forge review records imported with `--reviews`.
    pub reviews: Option<crate::history::reviews::Reviews>,
}

/// Runs every rule on a loaded repository: the rules over the model, the CODEOWNERS block, and the
/// history rules on the review trail unless `options.history` is `None`. Rules that need a valid
/// `crosswalk.toml` are skipped when it is not, and rules that judge the repository as a whole are
/// skipped while some file could not be read or typed. Gives the findings of the rules only (the
/// workspace's own load and model findings are not repeated); fails only when git cannot be read.
pub fn run(
    workspace: &mut Workspace,
    options: &Options,
) -> Result<Vec<Diagnostic>, crate::history::HistoryError> {
    let mut found = model_rules(&workspace.model, options);
    let model = &workspace.model;
    if model.config.is_some() && !model.incomplete {
        codeowners::check(model, &mut workspace.files, &mut found);
    }
    if let Some(history) = &options.history {
        let trail = crate::trail(workspace, history.reviews.as_ref())?;
        history::check(
            &workspace.model,
            &trail,
            &mut workspace.files,
            options.as_of,
            &mut found,
        );
    }
    Ok(found)
}

/// Every rule, on a review trail already read (the outputs' open findings): the model rules, the
/// CODEOWNERS block and the history rules; `files` gains the paths findings point at that were not
/// loaded. Gives the findings of the rules only, sorted.
pub fn run_on_trail(
    model: &Model,
    files: &mut crate::diag::Files,
    trail: &crate::history::Trail,
    as_of: jiff::civil::Date,
) -> Vec<Diagnostic> {
    let options = Options {
        as_of,
        history: None,
        hints: false,
    };
    let mut found = model_rules(model, &options);
    if model.config.is_some() && !model.incomplete {
        codeowners::check(model, files, &mut found);
    }
    history::check(model, trail, files, as_of, &mut found);
    crate::sort(files, &mut found);
    found
}

/// The rules over the model alone.
fn model_rules(model: &Model, options: &Options) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    ids::check(model, &mut found);
    crosswalks::check(model, &mut found);
    evidence::check_attachments(model, &mut found);
    references::check(model, &mut found);
    if model.config.is_none() {
        return found;
    }
    codeowners::check_entries(model, &mut found);
    risks::check(model, &mut found);
    nonconformities::check(model, options.as_of, &mut found);
    evidence::check_periods(model, &mut found);
    evidence::check_future(model, options.as_of, &mut found);
    if !model.incomplete {
        let operations = model.operations(options.as_of);
        coverage::check(&operations, &mut found);
        isms::check(model, &mut found);
        evidence::check_frequencies(model, &mut found);
        evidence::check_operation(&operations, &mut found);
        let hints = model.config.as_ref().is_some_and(|c| c.data.check.hints);
        if options.hints && hints {
            suggestions::check(model, &mut found);
        }
    }
    found
}
