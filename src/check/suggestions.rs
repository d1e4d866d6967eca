//! Suggestions from the crosswalks: a control claims requirement X, a crosswalk relates X to an
//! in-scope requirement Y of another framework, and no control claims Y. The control may also
//! satisfy Y; a hint says so, and the user confirms by adding the claim. Only the strong relations
//! suggest: `equal`, `subset` and `superset`. An `intersect` relation (the two overlap, neither
//! contains the other) says too little to suggest anything: it would offer a backup control for
//! cabling security. A `subset` relation is worded as partial: it never amounts to full coverage.
//! `[check] hints = false` or `--no-hints` turns the hints off.

use std::collections::{HashMap, HashSet};

use crate::diag::{Code, Diagnostic};
use crate::model::crosswalk::{Related, RelationType};
use crate::model::{Control, Doc, Model, Text};

/// For each claimed requirement, the related in-scope requirements no control claims.
type Relations<'m> = HashMap<(&'m str, &'m str), Vec<Related<'m>>>;

/// One suggestion for one control.
struct Suggestion<'m> {
    claim: &'m Text,
    claim_framework: &'m str,
    related: Related<'m>,
}

/// Adds a hint for every requirement a control may also satisfy.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    let claims: HashSet<(&str, &str)> = model
        .controls
        .iter()
        .flat_map(|c| &c.data.satisfies)
        .flat_map(|(f, ids)| {
            ids.iter()
                .map(move |i| (f.get_ref().as_str(), i.get_ref().as_str()))
        })
        .collect();
    // The unclaimed in-scope requirements related to each claimed one, worked out once per claim.
    let mut open: Relations = HashMap::new();
    for &(framework, id) in &claims {
        let related = model
            .related(framework, id)
            .into_iter()
            .filter(|r| {
                r.kind != RelationType::Intersect
                    && r.framework != framework
                    && model.requirement_in_scope(r.framework, r.requirement)
                    && !claims.contains(&(r.framework, r.requirement))
            })
            .collect();
        open.insert((framework, id), related);
    }
    for control in &model.controls {
        for suggestion in suggestions_for(model, control, &open) {
            found.push(hint(model, control, &suggestion));
        }
    }
}

/// A control's suggestions, one per unclaimed related requirement (the strongest relation wins).
fn suggestions_for<'m>(
    model: &'m Model,
    control: &'m Doc<Control>,
    open: &Relations<'m>,
) -> Vec<Suggestion<'m>> {
    let mut suggestions: Vec<Suggestion<'m>> = Vec::new();
    for (framework, ids) in &control.data.satisfies {
        let framework = framework.get_ref().as_str();
        if model.scope(framework).is_none() {
            continue;
        }
        for claim in ids {
            let key = (framework, claim.get_ref().as_str());
            for related in open.get(&key).into_iter().flatten().cloned() {
                let same = |s: &Suggestion| {
                    s.related.framework == related.framework
                        && s.related.requirement == related.requirement
                };
                match suggestions.iter_mut().find(|s| same(s)) {
                    Some(s)
                        if !s.related.kind.fully_satisfies() && related.kind.fully_satisfies() =>
                    {
                        *s = Suggestion {
                            claim,
                            claim_framework: framework,
                            related,
                        };
                    }
                    Some(_) => {}
                    None => suggestions.push(Suggestion {
                        claim,
                        claim_framework: framework,
                        related,
                    }),
                }
            }
        }
    }
    suggestions
}

fn hint(model: &Model, control: &Doc<Control>, suggestion: &Suggestion) -> Diagnostic {
    let related = &suggestion.related;
    let title = |framework: &str| {
        model
            .framework(framework)
            .map_or(framework.to_string(), |f| f.title().to_string())
    };
    let target = model
        .framework(related.framework)
        .and_then(|f| f.requirement(related.requirement))
        .map_or(String::new(), |r| format!(" ({})", r.title));
    let verdict = if related.kind.fully_satisfies() {
        "this control may also satisfy it"
    } else {
        "this control may satisfy part of it (a partial relation is never full coverage)"
    };
    control.finding(Code::CrosswalkSuggestion, suggestion.claim,
        format!(
            "control `{}` claims {} `{}`, which the crosswalk `{}` relates to {} `{}`{target} ({}); no control claims `{}`: {verdict}",
            control.data.id.get_ref(),
            title(suggestion.claim_framework),
            suggestion.claim.get_ref(),
            related.crosswalk,
            title(related.framework),
            related.requirement,
            related.kind.name(),
            related.requirement,
        ),
    )
    .with_help(format!(
        "if it does, add \"{}\" to `{}` under `[satisfies]`{}",
        related.requirement,
        related.framework,
        related
            .rationale
            .map_or(String::new(), |r| format!("; the crosswalk's rationale: {r}"))
    ))
}
