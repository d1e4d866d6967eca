//! Coverage: every in-scope requirement is covered by an implemented control or, where its group
//! allows, excluded with a justification; exclusions do not contradict claims; planned controls are
//! gaps. Controls decide coverage: a policy's `[satisfies]` is documentation, not coverage.

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic};
use crate::model::{Control, Doc, Framework, FrameworkScope, Model, Status, Text};

/// A control's claim of one requirement.
struct Claim<'a> {
    control: &'a Doc<Control>,
    id: &'a Text,
}

/// Runs the coverage rules for every framework in scope.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    let Some(config) = &model.config else { return };
    for doc in &model.controls {
        if *doc.data.status.get_ref() == Status::Planned {
            found.push(
                Diagnostic::new(
                    Code::ControlPlanned,
                    doc.file,
                    doc.span(&doc.data.status),
                    format!(
                        "control `{}` is planned: until it operates it covers nothing",
                        doc.data.id.get_ref()
                    ),
                )
                .with_help(
                    "set `status = \"implemented\"` once it operates and evidence of it exists",
                ),
            );
        }
    }
    for (framework_id, scope) in &config.data.frameworks {
        let Some(framework) = model.framework(framework_id.get_ref()) else {
            continue;
        };
        let claims = claims_of(model, framework_id.get_ref());
        check_exclusions(model, framework, scope, &claims, found);
        check_requirements(model, framework_id, framework, scope, &claims, found);
    }
}

fn claims_of<'a>(model: &'a Model, framework_id: &str) -> HashMap<&'a str, Vec<Claim<'a>>> {
    let mut claims: HashMap<&str, Vec<Claim>> = HashMap::new();
    for control in &model.controls {
        let ids = control
            .data
            .satisfies
            .iter()
            .filter(|(framework, _)| framework.get_ref() == framework_id)
            .flat_map(|(_, ids)| ids);
        for id in ids {
            claims
                .entry(id.get_ref())
                .or_default()
                .push(Claim { control, id });
        }
    }
    claims
}

fn check_exclusions(
    model: &Model,
    framework: &Framework,
    scope: &FrameworkScope,
    claims: &HashMap<&str, Vec<Claim>>,
    found: &mut Vec<Diagnostic>,
) {
    let Some(config) = &model.config else { return };
    for (id, justification) in &scope.excluded {
        let Some(requirement) = framework.requirement(id.get_ref()) else {
            continue;
        };
        let excludable = framework
            .group(requirement.group.get_ref())
            .is_some_and(|g| g.excludable);
        if !excludable {
            found.push(
                Diagnostic::new(
                    Code::RequirementNotExcludable,
                    config.file,
                    config.span(id),
                    format!(
                        "{} `{}` ({}) cannot be excluded: its group `{}` is mandatory",
                        framework.title(),
                        id.get_ref(),
                        requirement.title,
                        requirement.group.get_ref()
                    ),
                )
                .with_help("map a control to it instead"),
            );
        }
        if justification.get_ref().trim().is_empty() {
            found.push(
                Diagnostic::new(
                    Code::ExclusionWithoutJustification,
                    config.file,
                    config.span(justification),
                    format!("the exclusion of `{}` has no justification", id.get_ref()),
                )
                .with_help("say why the control does not apply: an auditor reads this in the Statement of Applicability"),
            );
        }
        for claim in claims.get(id.get_ref().as_str()).into_iter().flatten() {
            found.push(
                Diagnostic::new(
                    Code::ExcludedRequirementClaimed,
                    claim.control.file,
                    claim.control.span(claim.id),
                    format!(
                        "control `{}` claims `{}`, which crosswalk.toml excludes",
                        claim.control.data.id.get_ref(),
                        id.get_ref()
                    ),
                )
                .with_related(config.file, config.span(id), "excluded here")
                .with_help(
                    "remove the claim, or remove the exclusion if the control applies after all",
                ),
            );
        }
    }
}

fn check_requirements(
    model: &Model,
    framework_id: &Text,
    framework: &Framework,
    scope: &FrameworkScope,
    claims: &HashMap<&str, Vec<Claim>>,
    found: &mut Vec<Diagnostic>,
) {
    let Some(config) = &model.config else { return };
    for requirement in &framework.catalog.requirements {
        let id = requirement.id.get_ref();
        if !scope.includes_group(framework, requirement.group.get_ref())
            || scope.excluded.keys().any(|k| k.get_ref() == id)
        {
            continue;
        }
        let statuses: Vec<Status> = claims
            .get(id.as_str())
            .into_iter()
            .flatten()
            .map(|c| *c.control.data.status.get_ref())
            .collect();
        if statuses.contains(&Status::Implemented) {
            continue;
        }
        let described = format!("{} `{id}` ({})", framework.title(), requirement.title);
        let diagnostic = if statuses.is_empty() {
            let excludable = framework
                .group(requirement.group.get_ref())
                .is_some_and(|g| g.excludable);
            let help = if excludable {
                format!(
                    "claim it in a control's `[satisfies]`, or exclude it under `[frameworks.{}.excluded]` with a justification",
                    framework_id.get_ref()
                )
            } else {
                "claim it in the `[satisfies]` of a control that addresses it".to_string()
            };
            Diagnostic::new(
                Code::RequirementUncovered,
                config.file,
                config.span(framework_id),
                format!("{described} is not covered by any control"),
            )
            .with_help(help)
        } else {
            Diagnostic::new(
                Code::RequirementPartiallyCovered,
                config.file,
                config.span(framework_id),
                format!("{described} is claimed only by partial or planned controls"),
            )
            .with_help("it is covered once one of its controls is implemented")
        };
        found.push(diagnostic);
    }
}
