//! The gap analysis: per framework in scope, which requirements implemented controls cover, which
//! only partial or planned controls claim, which are excluded and which nothing covers; the
//! requirements that rest on a single control; the controls without fresh evidence; and the overlap
//! between frameworks (how much of one the controls serving the other already meet).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::views::MatrixRow;
use crate::model::{Model, Status};

/// One requirement in the analysis.
#[derive(Clone, Debug, Serialize)]
pub struct RequirementGap {
    /// Requirement id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// covered, partial, excluded or uncovered.
    pub status: &'static str,
    /// The controls that claim it.
    pub controls: Vec<String>,
    /// For excluded requirements, the justification.
    pub justification: String,
}

/// The analysis of one framework.
#[derive(Clone, Debug, Serialize)]
pub struct FrameworkGaps {
    /// Catalog id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// In-scope requirements that are not excluded.
    pub applicable: usize,
    /// Of those, covered by an implemented control.
    pub covered: usize,
    /// Claimed only by partial or planned controls.
    pub partial: usize,
    /// Excluded with a justification.
    pub excluded: usize,
    /// Claimed by nothing.
    pub uncovered: usize,
    /// `covered` as a whole percentage of `applicable`.
    pub percent: usize,
    /// Every in-scope requirement, in catalog order.
    pub requirements: Vec<RequirementGap>,
    /// Covered requirements that rest on a single implemented control.
    pub single_points: Vec<RequirementGap>,
}

/// How much of one framework the controls serving another already meet.
#[derive(Clone, Debug, Serialize)]
pub struct Overlap {
    /// The framework whose requirements are counted.
    pub framework: String,
    /// The framework the controls also serve.
    pub through: String,
    /// Applicable requirements of `framework` covered by implemented controls that also satisfy a
    /// requirement of `through`.
    pub met: usize,
    /// Applicable requirements of `framework`.
    pub applicable: usize,
}

/// The whole analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Gaps {
    /// Per framework in scope.
    pub frameworks: Vec<FrameworkGaps>,
    /// Per ordered pair of frameworks in scope.
    pub overlaps: Vec<Overlap>,
    /// Controls that are not operating with fresh evidence (the matrix's gap column).
    pub controls: Vec<MatrixRow>,
}

/// Analyses the model; `matrix` gives each control's gap as of the judging date.
pub fn analyse(model: &Model, matrix: &[MatrixRow]) -> Gaps {
    let frameworks: Vec<FrameworkGaps> = model
        .frameworks_in_scope()
        .into_iter()
        .map(|f| analyse_one(model, f.id()))
        .collect();
    let mut overlaps = Vec::new();
    for a in &frameworks {
        for b in frameworks.iter().filter(|b| b.id != a.id) {
            overlaps.push(overlap(model, a, b));
        }
    }
    let controls = matrix
        .iter()
        .filter(|r| !r.gap.is_empty())
        .cloned()
        .collect();
    Gaps {
        frameworks,
        overlaps,
        controls,
    }
}

/// The controls (of any status) by the requirement ids of one framework they claim.
fn claims_by_requirement<'m>(model: &'m Model, framework: &str) -> HashMap<&'m str, Vec<&'m str>> {
    let mut claims: HashMap<&str, Vec<&str>> = HashMap::new();
    for (_, id, control) in model.claims().filter(|(f, _, _)| *f == framework) {
        claims
            .entry(id.get_ref().as_str())
            .or_default()
            .push(control.data.id.get_ref().as_str());
    }
    claims
}

/// A requirement's coverage: `excluded`; `covered` when an implemented control claims it;
/// `partial` when only partial or planned ones do; else `uncovered`.
pub fn coverage(model: &Model, excluded: bool, controls: &[String]) -> &'static str {
    let implemented = controls.iter().any(|c| {
        model
            .control(c)
            .is_some_and(|c| *c.data.status.get_ref() == Status::Implemented)
    });
    match (excluded, implemented, controls.is_empty()) {
        (true, _, _) => "excluded",
        (false, true, _) => "covered",
        (false, false, false) => "partial",
        (false, false, true) => "uncovered",
    }
}

fn analyse_one(model: &Model, id: &str) -> FrameworkGaps {
    let framework = model.framework(id).expect("frameworks in scope exist");
    let scope = model
        .config
        .as_ref()
        .and_then(|c| c.data.frameworks.iter().find(|(k, _)| k.get_ref() == id))
        .map(|(_, scope)| scope)
        .expect("frameworks in scope are configured");
    let claims = claims_by_requirement(model, id);
    let status_of = |control: &str| model.control(control).map(|c| *c.data.status.get_ref());
    let mut requirements = Vec::new();
    for requirement in &framework.catalog.requirements {
        if !scope.includes_group(framework, requirement.group.get_ref()) {
            continue;
        }
        let rid = requirement.id.get_ref().as_str();
        let controls: Vec<String> = claims
            .get(rid)
            .into_iter()
            .flatten()
            .map(|c| c.to_string())
            .collect();
        let exclusion = scope
            .excluded
            .iter()
            .find(|(k, _)| k.get_ref() == rid)
            .map(|(_, v)| v.get_ref().clone());
        let status = coverage(model, exclusion.is_some(), &controls);
        requirements.push(RequirementGap {
            id: rid.to_string(),
            title: requirement.title.clone(),
            status,
            controls,
            justification: exclusion.unwrap_or_default(),
        });
    }
    let count = |status: &str| requirements.iter().filter(|r| r.status == status).count();
    let (covered, partial, excluded, uncovered) = (
        count("covered"),
        count("partial"),
        count("excluded"),
        count("uncovered"),
    );
    let applicable = requirements.len() - excluded;
    let single_points = requirements
        .iter()
        .filter(|r| {
            r.status == "covered"
                && r.controls
                    .iter()
                    .filter(|c| status_of(c) == Some(Status::Implemented))
                    .count()
                    == 1
        })
        .cloned()
        .collect();
    FrameworkGaps {
        id: id.to_string(),
        title: framework.title().to_string(),
        applicable,
        covered,
        partial,
        excluded,
        uncovered,
        percent: (covered * 100).checked_div(applicable).unwrap_or(100),
        requirements,
        single_points,
    }
}

/// Of `a`'s covered requirements, those covered by a control that also claims something in `b`.
fn overlap(model: &Model, a: &FrameworkGaps, b: &FrameworkGaps) -> Overlap {
    let serving_b: BTreeSet<&str> = model
        .controls
        .iter()
        .filter(|c| *c.data.status.get_ref() == Status::Implemented)
        .filter(|c| {
            c.data
                .satisfies
                .iter()
                .any(|(f, ids)| f.get_ref() == &b.id && !ids.is_empty())
        })
        .map(|c| c.data.id.get_ref().as_str())
        .collect();
    let met = a
        .requirements
        .iter()
        .filter(|r| {
            r.status == "covered" && r.controls.iter().any(|c| serving_b.contains(c.as_str()))
        })
        .count();
    Overlap {
        framework: a.title.clone(),
        through: b.title.clone(),
        met,
        applicable: a.applicable,
    }
}
