//! The risk register's rules (ISO 27001 6.1.2 and 6.1.3): a residual score is never above the
//! inherent one, a risk treated by mitigation names controls and not only planned ones, and a risk
//! is accepted only at or under the acceptance criterion of `[risk] accept_max_score`.
//!
//! Scores are likelihood × impact, each 1–5 (the schema holds the range). An unknown control of a
//! risk is CW017, raised with the other references. With history, an accepted risk's latest change
//! must be approved by its owner ([`check_owner_acceptance`], ISO 27001 6.1.3 f).

use crate::diag::{Code, Diagnostic};
use crate::history::approval::{People, approved_by_owner};
use crate::history::{Trail, short};
use crate::model::{Doc, Model, Risk, Status, Treatment};

/// Every risk's scores, treatment and acceptance.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    let threshold = model
        .config
        .as_ref()
        .and_then(|c| c.data.risk.accept_max_score);
    for risk in &model.risks {
        check_scores(risk, found);
        check_treatment(model, risk, found);
        check_acceptance(risk, threshold, found);
    }
}

/// Treatment cannot make a risk worse: a residual score above the inherent one is a slip in the
/// register (or a treatment that does not work).
fn check_scores(risk: &Doc<Risk>, found: &mut Vec<Diagnostic>) {
    let data = &risk.data;
    let (Some(residual), Some(rating)) = (data.residual_score(), data.residual.as_ref()) else {
        return;
    };
    let inherent = data.inherent_score();
    if residual <= inherent {
        return;
    }
    found.push(
        Diagnostic::new(
            Code::RiskResidualAboveInherent,
            risk.file,
            risk.span(rating),
            format!(
                "risk `{}` has a residual score of {residual} ({} × {}) above its inherent score of {inherent} ({} × {})",
                data.id.get_ref(),
                rating.get_ref().likelihood,
                rating.get_ref().impact,
                data.likelihood,
                data.impact
            ),
        )
        .with_help("the residual rating is the risk after its treatment: at most the inherent likelihood and impact; correct the scores, or the treatment if it does not reduce the risk"),
    );
}

/// A mitigated risk is mitigated by controls that operate, or at least are being built.
fn check_treatment(model: &Model, risk: &Doc<Risk>, found: &mut Vec<Diagnostic>) {
    let data = &risk.data;
    if *data.treatment.get_ref() != Treatment::Mitigate {
        return;
    }
    let id = data.id.get_ref();
    let span = risk.span(&data.treatment);
    if data.controls.is_empty() {
        found.push(
            Diagnostic::new(
                Code::RiskTreatmentWithoutControls,
                risk.file,
                span,
                format!("risk `{id}` is treated by mitigation but names no control"),
            )
            .with_help("list the controls that reduce it in `controls = [...]`, or choose the treatment it really has (`accept`, `transfer`, `avoid`)"),
        );
        return;
    }
    let known: Vec<_> = data
        .controls
        .iter()
        .filter_map(|c| model.control(c.get_ref()))
        .collect();
    // Unknown controls are CW017; judge the treatment by the controls that exist.
    if known.is_empty() {
        return;
    }
    if known
        .iter()
        .all(|c| *c.data.status.get_ref() == Status::Planned)
    {
        let ids: Vec<String> = known
            .iter()
            .map(|c| format!("`{}`", c.data.id.get_ref()))
            .collect();
        found.push(
            Diagnostic::new(
                Code::RiskTreatmentWithoutControls,
                risk.file,
                span,
                format!(
                    "risk `{id}` is treated by mitigation, but its controls ({}) are all planned: nothing reduces it yet",
                    ids.join(", ")
                ),
            )
            .with_help("until a control operates, the risk stands at its inherent score: implement one of them, or record the risk's treatment as it is today"),
        );
    }
}

/// A risk is retained only at or under the acceptance criterion, and only if there is one.
fn check_acceptance(risk: &Doc<Risk>, threshold: Option<u8>, found: &mut Vec<Diagnostic>) {
    let data = &risk.data;
    if *data.treatment.get_ref() != Treatment::Accept {
        return;
    }
    let id = data.id.get_ref();
    let score = data.retained_score();
    let span = risk.span(&data.treatment);
    let (message, help) = match threshold {
        None => (
            format!("risk `{id}` is accepted, but `crosswalk.toml` sets no risk acceptance criterion"),
            "set `[risk] accept_max_score` (the highest likelihood × impact the organisation retains without treatment), as ISO 27001 6.1.2 a) asks".to_string(),
        ),
        Some(max) if score > max => (
            format!(
                "risk `{id}` is accepted at a score of {score}, above the acceptance criterion of {max}"
            ),
            format!(
                "a risk scored above {max} must be treated (mitigate, transfer or avoid) until its residual score is at most {max}"
            ),
        ),
        Some(_) => return,
    };
    found.push(
        Diagnostic::new(Code::RiskAcceptedAboveThreshold, risk.file, span, message).with_help(help),
    );
}

/// The risk owner accepts the residual risk (ISO 27001 6.1.3 f): the latest change of an accepted
/// risk, which set what is retained as it stands, is approved by the owner, or authored by the owner
/// (who could approve the risk before the change) and approved by someone else. A new owner named by
/// the change itself cannot accept through authorship, and a merged pull request names nobody.
pub fn check_owner_acceptance(model: &Model, trail: &Trail, found: &mut Vec<Diagnostic>) {
    let Some(config) = &model.config else { return };
    let people = People::new(&config.data);
    for risk in &model.risks {
        let data = &risk.data;
        if *data.treatment.get_ref() != Treatment::Accept {
            continue;
        }
        // Never committed: CW042 says so; there is no change to judge.
        let Some(change) = trail.of(&risk.path).last() else {
            continue;
        };
        let owner = data.owner.get_ref();
        let commit = &trail.commits[change.commit];
        if approved_by_owner(change, commit, owner, &people) {
            continue;
        }
        let id = data.id.get_ref();
        found.push(
            risk.finding(
                Code::RiskAcceptanceNotApprovedByOwner,
                &data.treatment,
                format!(
                    "risk `{id}` is accepted, but its latest change ({} on {}, \"{}\") is not approved by its owner `{owner}`",
                    short(&commit.id),
                    commit.date,
                    commit.summary
                ),
            )
            .with_help(format!(
                "the risk owner accepts the residual risk: have `{owner}` approve the change (an `Approved-by:` trailer or `crosswalk review {id} --approved-by {owner}`); every change to an accepted risk needs the owner's approval again"
            )),
        );
    }
}
