//! Whether a control operates with fresh evidence, as of the judging date: the one place this rule
//! lives (`check` reports it, the matrix and the site show it).
//!
//! A planned control does not operate. An implemented or partial one needs evidence, and its latest
//! record (collected on or before the judging date) must fall within one period of its effective
//! frequency before that date (quarterly as of 2026-11-24: on or after 2026-08-24; a continuous
//! control's `max_gap` is its period here).

use super::{Cadence, Doc, Evidence, Status};

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

impl<'m> Freshness<'m> {
    /// The freshness of a control with this status whose effective frequency allows `period`
    /// (a continuous control's is its `max_gap`) and whose latest evidence on or before `as_of` is
    /// `latest`.
    pub fn of(
        status: Status,
        period: &Cadence,
        latest: Option<&'m Doc<Evidence>>,
        as_of: jiff::civil::Date,
    ) -> Freshness<'m> {
        match (status, latest) {
            (Status::Planned, _) => Freshness::Planned,
            (_, None) => Freshness::NoEvidence,
            (_, Some(record))
                if record.data.collected.get_ref().0 >= period.window_start(as_of) =>
            {
                Freshness::Fresh(record)
            }
            (_, Some(record)) => Freshness::Stale(record),
        }
    }
}
