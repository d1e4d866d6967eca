//! Crosswalk integrity: both catalogs exist, every related requirement exists in its catalog (in
//! the current numbering), and no pair is related twice.

use std::collections::HashMap;

use super::references::{Suggestions, requirement_in};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::model::crosswalk::Crosswalk;
use crate::model::{Doc, Framework, Model, Text};

/// Checks every crosswalk of the repository.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    for doc in &model.crosswalks {
        let from = catalog(model, doc, &doc.data.from, found);
        let to = catalog(model, doc, &doc.data.to, found);
        let mut seen: HashMap<(&str, &str), std::ops::Range<usize>> = HashMap::new();
        let mut suggestions = Suggestions::per_file();
        for relation in &doc.data.relations {
            for (framework, id) in [(from, &relation.from), (to, &relation.to)] {
                if let Some(framework) = framework {
                    requirement_in(doc, framework, id, &mut suggestions, found);
                }
            }
            let pair = (
                relation.from.get_ref().as_str(),
                relation.to.get_ref().as_str(),
            );
            let span = doc.span(&relation.from);
            match seen.get(&pair) {
                Some(first) => found.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        doc.file,
                        span,
                        format!("`{}` and `{}` are related twice", pair.0, pair.1),
                    )
                    .with_related(doc.file, first.clone(), "first related here")
                    .with_help("keep one relation per pair of requirements"),
                ),
                None => {
                    seen.insert(pair, span);
                }
            }
        }
    }
}

fn catalog<'m>(
    model: &'m Model,
    doc: &Doc<Crosswalk>,
    id: &Text,
    found: &mut Vec<Diagnostic>,
) -> Option<&'m Framework> {
    let framework = model.framework(id.get_ref());
    if framework.is_none() {
        let ids = model.frameworks.iter().map(Framework::id);
        found.push(
            doc.finding(
                Code::UnknownFramework,
                id,
                format!(
                    "crosswalk relates catalog `{}`, which does not exist",
                    id.get_ref()
                ),
            )
            .with_optional_help(did_you_mean(id.get_ref(), ids)),
        );
    }
    framework
}
