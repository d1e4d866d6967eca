//! The register of nonconformities (ISO 27001 10.2): an open nonconformity's corrective action is
//! not overdue (CW074), a closed one was verified effective, on or after its closing (CW075), and
//! by someone other than its owner (CW076).

use crate::diag::{Code, Diagnostic};
use crate::model::{Doc, Model, NcState, Nonconformity};

/// Every nonconformity, as of the judging date.
pub fn check(model: &Model, as_of: jiff::civil::Date, found: &mut Vec<Diagnostic>) {
    for nc in &model.nonconformities {
        check_due(nc, as_of, found);
        check_verification(nc, as_of, found);
    }
}

/// An open nonconformity whose corrective action was due before the judging date.
fn check_due(nc: &Doc<Nonconformity>, as_of: jiff::civil::Date, found: &mut Vec<Diagnostic>) {
    let data = &nc.data;
    if data.state(as_of) != NcState::Overdue {
        return;
    }
    let due = data.due.get_ref().0;
    let days = (as_of - due).get_days();
    found.push(
        nc.finding(
            Code::NonconformityOverdue,
            &data.due,
            format!(
                "nonconformity `{}` ({}) is open and its corrective action was due {due}: {days} days overdue as of {as_of}",
                data.id.get_ref(),
                data.severity.get_ref()
            ),
        )
        .with_help("take the corrective action and record `closed = DATE`, or agree a new `due` date (the change is approved like any other)"),
    );
}

/// A closed nonconformity is verified effective by someone other than its owner, on or after the
/// day it was closed.
fn check_verification(
    nc: &Doc<Nonconformity>,
    as_of: jiff::civil::Date,
    found: &mut Vec<Diagnostic>,
) {
    let data = &nc.data;
    let id = data.id.get_ref();
    let Some(closed) = &data.closed else {
        if let Some(verified) = &data.verified {
            found.push(
                nc.finding(
                    Code::NonconformityClosedUnverified,
                    verified,
                    format!("nonconformity `{id}` is verified but not closed: a corrective action is verified once it is taken"),
                )
                .with_help("record `closed = DATE` (the day the action was taken), or remove the verification"),
            );
        }
        return;
    };
    if closed.get_ref().0 < data.raised.get_ref().0 {
        found.push(
            nc.finding(
                Code::NonconformityClosedUnverified,
                closed,
                format!(
                    "nonconformity `{id}` is closed on {}, before it was raised on {}",
                    closed.get_ref().0,
                    data.raised.get_ref().0
                ),
            )
            .with_help("correct the dates"),
        );
    }
    let (Some(verifier), Some(verified)) = (&data.verified_by, &data.verified) else {
        found.push(
            nc.finding(
                Code::NonconformityClosedUnverified,
                closed,
                format!(
                    "nonconformity `{id}` is closed on {}, but nobody verified that its corrective action was effective",
                    closed.get_ref().0
                ),
            )
            .with_help("record `verified_by = \"PERSON\"` (not its owner) and `verified = DATE`, as ISO 27001 10.2 d) asks, or reopen it by removing `closed`"),
        );
        return;
    };
    // Attack: a verification dated ahead, which hides the missing one now and becomes "verified"
    // later with nobody doing anything.
    if closed.get_ref().0 <= as_of && verified.get_ref().0 > as_of {
        found.push(
            nc.finding(
                Code::NonconformityClosedUnverified,
                verified,
                format!(
                    "nonconformity `{id}` is closed on {}, and its verification is dated {}, after {as_of}: it is not verified yet",
                    closed.get_ref().0,
                    verified.get_ref().0
                ),
            )
            .with_help("record the verification when it is done, with the day it was done"),
        );
    }
    if verified.get_ref().0 < closed.get_ref().0 {
        found.push(
            nc.finding(
                Code::NonconformityClosedUnverified,
                verified,
                format!(
                    "nonconformity `{id}` is verified on {}, before it was closed on {}: an action cannot be verified effective before it is taken",
                    verified.get_ref().0,
                    closed.get_ref().0
                ),
            )
            .with_help("correct the dates, or verify the corrective action again now that it is taken"),
        );
    }
    if verifier.get_ref() == data.owner.get_ref() {
        found.push(
            nc.finding(
                Code::NonconformityVerifiedByOwner,
                verifier,
                format!(
                    "nonconformity `{id}` is verified by its own owner `{}`: the owner of a correction cannot judge its effectiveness",
                    verifier.get_ref()
                ),
            )
            .with_help("have someone other than the owner (an internal auditor, the ISMS manager) verify it and record them in `verified_by`"),
        );
    }
}
