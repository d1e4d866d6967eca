//! Stage 3, check: rules over the model that yield diagnostics.
//!
//! Takes a [`Model`] and the date to judge freshness as of; gives findings, never errors. Each rule
//! family lives in its own module: [`ids`] (uniqueness and catalog integrity), [`references`] (every
//! person, policy, control, framework and requirement named exists and is in scope), [`coverage`]
//! (every in-scope requirement is covered by an implemented control or justifiably excluded),
//! [`evidence`] (attachments exist inside the repository with the recorded hash; frequencies meet
//! what the frameworks expect; evidence is fresh), [`suggestions`] (hints from the crosswalks)
//! and [`history`] (on the review trail: complete history, reviews on time, every change approved).

pub mod codeowners;
pub mod coverage;
pub mod crosswalks;
pub mod evidence;
pub mod history;
pub mod ids;
pub mod references;
pub mod suggestions;

use crate::diag::Diagnostic;
use crate::model::Model;

/// What a check run judges by.
#[derive(Clone, Debug)]
pub struct Options {
    /// Evidence freshness and review cadences are judged as of this date.
    pub as_of: jiff::civil::Date,
    /// Whether to judge git history, and with which forge reviews; `None` skips it (`--no-history`).
    pub history: Option<HistoryOptions>,
}

/// How history is judged.
#[derive(Clone, Debug, Default)]
pub struct HistoryOptions {
    /// Forge review records imported with `--reviews`.
    pub reviews: Option<crate::history::reviews::Reviews>,
}

/// Runs every rule. Rules that need a valid `crosswalk.toml` are skipped when it is not, and rules
/// that judge the repository as a whole are skipped while some file could not be read or typed.
pub fn run(model: &Model, options: &Options) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    ids::check(model, &mut found);
    crosswalks::check(model, &mut found);
    evidence::check_attachments(model, &mut found);
    if model.config.is_none() {
        return found;
    }
    references::check(model, &mut found);
    if !model.incomplete {
        coverage::check(model, &mut found);
        evidence::check_frequencies(model, &mut found);
        evidence::check_freshness(model, options.as_of, &mut found);
        suggestions::check(model, &mut found);
    }
    found
}
