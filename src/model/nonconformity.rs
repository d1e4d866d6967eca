//! Where a nonconformity stands as of a date: the one place the register, the site and the checks
//! ask.

use super::Nonconformity;

/// A nonconformity's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NcState {
    /// Open, its corrective action not yet due.
    Open,
    /// Open, its corrective action due before the judging date.
    Overdue,
    /// Closed, its effectiveness not (validly) verified by someone other than its owner.
    ClosedUnverified,
    /// Closed and verified effective by someone other than its owner, on or after closing.
    Verified,
}

crate::names!(serialize NcState {
    Open => "open",
    Overdue => "overdue",
    ClosedUnverified => "closed, not verified",
    Verified => "closed and verified",
});

impl Nonconformity {
    /// Its state as of `as_of`. A closing or verification dated after `as_of` has not happened yet.
    pub fn state(&self, as_of: jiff::civil::Date) -> NcState {
        let closed = self
            .closed
            .as_ref()
            .map(|c| c.get_ref().0)
            .filter(|d| *d <= as_of);
        let Some(closed) = closed else {
            return match self.due.get_ref().0 < as_of {
                true => NcState::Overdue,
                false => NcState::Open,
            };
        };
        match (&self.verified_by, &self.verified) {
            (Some(by), Some(on))
                if by.get_ref() != self.owner.get_ref()
                    && on.get_ref().0 >= closed
                    && on.get_ref().0 <= as_of =>
            {
                NcState::Verified
            }
            _ => NcState::ClosedUnverified,
        }
    }
}
