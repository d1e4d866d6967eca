//! Uniqueness of ids, and the integrity of the repository's own catalogs.

use std::collections::HashMap;
use std::ops::Range;

use crate::diag::{Code, Diagnostic, FileId, did_you_mean};
use crate::model::{Framework, Model};

/// Where an id was first defined.
type FirstSeen = (FileId, Range<usize>);

/// Duplicate document ids (one namespace for every kind, so `trace ID` is unambiguous), duplicate
/// catalog ids, and within each user catalog: duplicate requirement ids, requirements in undefined
/// groups, and superseded ids replaced by requirements that do not exist.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    check_document_ids(model, found);
    check_catalog_ids(model, found);
    for framework in &model.frameworks {
        if let Some(file) = framework.file {
            check_catalog(framework, file, found);
        }
    }
}

fn check_document_ids(model: &Model, found: &mut Vec<Diagnostic>) {
    let ids = model
        .policies
        .iter()
        .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id)))
        .chain(
            model
                .controls
                .iter()
                .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id))),
        )
        .chain(
            model
                .evidence
                .iter()
                .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id))),
        )
        .chain(
            model
                .risks
                .iter()
                .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id))),
        );
    let mut seen: HashMap<&str, FirstSeen> = HashMap::new();
    for (id, file, span) in ids {
        report_duplicate(&mut seen, id, file, span, "document", found);
    }
}

fn check_catalog_ids(model: &Model, found: &mut Vec<Diagnostic>) {
    let mut built_in: HashMap<&str, ()> = HashMap::new();
    let mut seen: HashMap<&str, FirstSeen> = HashMap::new();
    for framework in &model.frameworks {
        let Some(file) = framework.file else {
            built_in.insert(framework.id(), ());
            continue;
        };
        let span = shift(framework, framework.catalog.id.span());
        if built_in.contains_key(framework.id()) {
            found.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    file,
                    span,
                    format!(
                        "catalog id `{}` is already the id of a built-in catalog",
                        framework.id()
                    ),
                )
                .with_help("give your catalog its own id, e.g. `acme-iso27001`"),
            );
            continue;
        }
        report_duplicate(&mut seen, framework.id(), file, span, "catalog", found);
    }
}

fn check_catalog(framework: &Framework, file: FileId, found: &mut Vec<Diagnostic>) {
    let catalog = &framework.catalog;
    let mut seen: HashMap<&str, FirstSeen> = HashMap::new();
    for requirement in &catalog.requirements {
        let span = shift(framework, requirement.id.span());
        report_duplicate(
            &mut seen,
            requirement.id.get_ref(),
            file,
            span,
            "requirement",
            found,
        );
        let group = requirement.group.get_ref();
        if framework.group(group).is_none() {
            let groups = catalog.groups.iter().map(|g| g.id.get_ref().as_str());
            found.push(
                Diagnostic::new(
                    Code::UnknownCategory,
                    file,
                    shift(framework, requirement.group.span()),
                    format!(
                        "requirement `{}` is in group `{group}`, which the catalog does not define",
                        requirement.id.get_ref()
                    ),
                )
                .with_help(
                    did_you_mean(group, groups).unwrap_or_else(|| "add it under [[groups]]".into()),
                ),
            );
        }
    }
    for superseded in &catalog.superseded {
        for replacement in &superseded.replaced_by {
            if framework.requirement(replacement.get_ref()).is_none() {
                found.push(Diagnostic::new(
                    Code::UnknownRequirement,
                    file,
                    shift(framework, replacement.span()),
                    format!(
                        "superseded id `{}` is replaced by `{}`, which is not a requirement of `{}`",
                        superseded.id,
                        replacement.get_ref(),
                        framework.id()
                    ),
                ));
            }
        }
    }
}

fn report_duplicate<'a>(
    seen: &mut HashMap<&'a str, FirstSeen>,
    id: &'a str,
    file: FileId,
    span: Range<usize>,
    what: &str,
    found: &mut Vec<Diagnostic>,
) {
    match seen.get(id) {
        Some((first_file, first_span)) => found.push(
            Diagnostic::new(
                Code::DuplicateId,
                file,
                span,
                format!("duplicate {what} id `{id}`"),
            )
            .with_related(*first_file, first_span.clone(), "first defined here")
            .with_help("ids must be unique: rename one of them"),
        ),
        None => {
            seen.insert(id, (file, span));
        }
    }
}

fn shift(framework: &Framework, span: Range<usize>) -> Range<usize> {
    span.start + framework.offset..span.end + framework.offset
}
