//! Whether a control operates with fresh evidence, as of the judging date: the one place this rule
//! lives (`check` reports it, the matrix and the site show it).
//!
//! A planned control does not operate. An implemented or partial one needs evidence, and its latest
//! record (collected on or before the judging date) must fall within one period of its effective
//! frequency before that date (quarterly as of 2026-11-24: on or after 2026-08-24; a continuous
//! control's `max_gap` is its period here).

use super::{Control, Doc, Evidence, Model, Status};

/// A control's evidence state as of a date.
#[derive(Clone, Copy, Debug)]
pub enum Freshness<'m> {
    /// Planned: not operating, so no evidence is expected yet.
    Planned,
    /// Implemented or partial, and no evidence record proves it.
    NoEvidence,
    /// Its latest evidence is older than its effective frequency allows.
    Stale(&'m Doc<Evidence>),
    /// Its latest evidence is within one period of its effective frequency.
    Fresh(&'m Doc<Evidence>),
}

impl Model {
    /// The freshness of a control whose latest evidence on or before `as_of` is `latest` (from
    /// [`Model::latest_evidence`]).
    pub fn freshness<'m>(
        &'m self,
        control: &'m Control,
        latest: Option<&'m Doc<Evidence>>,
        as_of: jiff::civil::Date,
    ) -> Freshness<'m> {
        match (*control.status.get_ref(), latest) {
            (Status::Planned, _) => Freshness::Planned,
            (_, None) => Freshness::NoEvidence,
            (_, Some(record)) => match self.is_fresh(control, record, as_of) {
                true => Freshness::Fresh(record),
                false => Freshness::Stale(record),
            },
        }
    }

    /// Whether an evidence record of a control falls within one period of the control's effective
    /// frequency before `as_of`.
    pub fn is_fresh(
        &self,
        control: &Control,
        record: &Doc<Evidence>,
        as_of: jiff::civil::Date,
    ) -> bool {
        let window_start = self
            .effective_frequency(control)
            .pace
            .cadence()
            .window_start(as_of);
        record.data.collected.get_ref().0 >= window_start
    }
}
