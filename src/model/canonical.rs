//! Requirement ids read as their catalog writes them, once, when the model is built.
//!
//! A claim, an exclusion, a reason or a crosswalk relation may name a requirement by an alias or
//! another spelling (`5.18` for `A.5.18`, `6.1.3(c)` for `6.1.3.c`). Every rule then reads the
//! catalog's id, so that no rule (the observation window, the expected cadences, the contradiction
//! of claiming an excluded control, the SoA, trace) can see a claim under a name it does not look
//! for. What was written, and where, is kept in [`Model::aliases`] for the CW027 warning.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{Framework, Lookup, Model, Satisfies, Text};
use crate::diag::FileId;

/// A requirement id written as an alias: where, as what, and what it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasUse {
    /// The file it is written in.
    pub file: FileId,
    /// Its span in that file.
    pub span: Range<usize>,
    /// As written.
    pub written: String,
    /// The catalog it was read in.
    pub framework: String,
    /// The catalog's id it was read as.
    pub canonical: String,
}

impl Model {
    /// Replaces every requirement id written as an alias with the catalog's id, recording each.
    pub(super) fn canonicalize(&mut self) {
        let mut uses = Vec::new();
        let frameworks = &self.frameworks;
        let documents = self
            .policies
            .iter_mut()
            .map(|d| (d.file, d.offset, &mut d.data.satisfies))
            .chain(
                self.controls
                    .iter_mut()
                    .map(|d| (d.file, d.offset, &mut d.data.satisfies)),
            )
            .chain(
                self.nonconformities
                    .iter_mut()
                    .map(|d| (d.file, d.offset, &mut d.data.requirements)),
            );
        for (file, offset, satisfies) in documents {
            claims(frameworks, file, offset, satisfies, &mut uses);
        }
        if let Some(config) = &mut self.config {
            let (file, offset) = (config.file, config.offset);
            for (framework, scope) in &mut config.data.frameworks {
                let Some(catalog) = find(frameworks, framework.get_ref()) else {
                    continue;
                };
                scope.excluded = keys(
                    catalog,
                    file,
                    offset,
                    std::mem::take(&mut scope.excluded),
                    &mut uses,
                );
                scope.reasons = keys(
                    catalog,
                    file,
                    offset,
                    std::mem::take(&mut scope.reasons),
                    &mut uses,
                );
            }
        }
        for crosswalk in &mut self.crosswalks {
            let (file, offset) = (crosswalk.file, crosswalk.offset);
            let data = &mut crosswalk.data;
            let (from, to) = (
                find(frameworks, data.from.get_ref()),
                find(frameworks, data.to.get_ref()),
            );
            for relation in &mut data.relations {
                if let Some(from) = from {
                    read(from, file, offset, &mut relation.from, &mut uses);
                }
                if let Some(to) = to {
                    read(to, file, offset, &mut relation.to, &mut uses);
                }
            }
        }
        self.aliases = uses;
    }
}

fn find<'f>(frameworks: &'f [Framework], id: &str) -> Option<&'f Framework> {
    frameworks.iter().find(|f| f.id() == id)
}

/// The claims of one document.
fn claims(
    frameworks: &[Framework],
    file: FileId,
    offset: usize,
    satisfies: &mut Satisfies,
    uses: &mut Vec<AliasUse>,
) {
    for (framework, ids) in satisfies.iter_mut() {
        let Some(catalog) = find(frameworks, framework.get_ref()) else {
            continue;
        };
        for id in ids {
            read(catalog, file, offset, id, uses);
        }
    }
}

/// One written id: replaced by the catalog's id (keeping its place) when it is an alias.
fn read(catalog: &Framework, file: FileId, offset: usize, id: &mut Text, uses: &mut Vec<AliasUse>) {
    let Lookup::Alias(requirement) = catalog.lookup(id.get_ref()) else {
        return;
    };
    let span = id.span();
    uses.push(AliasUse {
        file,
        span: span.start + offset..span.end + offset,
        written: id.get_ref().clone(),
        framework: catalog.id().to_string(),
        canonical: requirement.id.get_ref().clone(),
    });
    *id = Text::new(span, requirement.id.get_ref().clone());
}

/// The keys of an `excluded` or `reasons` table, read as the catalog's ids; the first of two keys
/// naming one requirement wins (the other is still recorded as an alias use).
fn keys<V>(
    catalog: &Framework,
    file: FileId,
    offset: usize,
    table: BTreeMap<Text, V>,
    uses: &mut Vec<AliasUse>,
) -> BTreeMap<Text, V> {
    let mut out = BTreeMap::new();
    for (mut key, value) in table {
        read(catalog, file, offset, &mut key, uses);
        out.entry(key).or_insert(value);
    }
    out
}
