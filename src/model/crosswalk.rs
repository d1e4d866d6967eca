//! Crosswalks: typed relations between the requirements of two catalogs (NIST IR 8477 set-theory
//! relationships). A crosswalk never decides coverage; it powers suggestions and overlap figures.
//! Users add their own as `frameworks/NAME.crosswalk.toml`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::types::Text;

/// How the requirement `from` relates to the requirement `to` (NIST IR 8477).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelationType {
    /// The two say the same.
    Equal,
    /// `from` is contained in `to`: satisfying `to` satisfies `from`.
    Subset,
    /// `from` contains `to`: satisfying `from` satisfies `to`.
    Superset,
    /// They overlap: neither alone satisfies the other (never counts as full coverage).
    Intersect,
}

crate::names!(RelationType {
    Equal => "equal",
    Subset => "subset",
    Superset => "superset",
    Intersect => "intersect",
});

impl RelationType {
    /// The same relation read from the other side: `subset` becomes `superset` and back.
    pub fn inverse(self) -> RelationType {
        match self {
            RelationType::Subset => RelationType::Superset,
            RelationType::Superset => RelationType::Subset,
            other => other,
        }
    }

    /// Whether meeting the first requirement fully meets the second (`equal`, `superset`). An
    /// `intersect` or `subset` relation is at most partial coverage.
    pub fn fully_satisfies(self) -> bool {
        matches!(self, RelationType::Equal | RelationType::Superset)
    }
}

/// Where a relation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelationSource {
    /// A published mapping (named in the crosswalk's `sources`).
    Published,
    /// Added by the crosswalk's authors, with a rationale.
    Crosswalk,
}

/// One relation.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// A requirement id of the `from` catalog.
    #[schemars(with = "String")]
    pub from: Text,
    /// A requirement id of the `to` catalog.
    #[schemars(with = "String")]
    pub to: Text,
    /// The set-theory relationship.
    #[serde(rename = "type")]
    #[schemars(with = "RelationType")]
    pub kind: Spanned<RelationType>,
    /// Where it comes from.
    #[serde(default)]
    pub source: Option<RelationSource>,
    /// Why it holds, in one line.
    #[serde(default)]
    pub rationale: Option<String>,
}

/// A crosswalk file.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk crosswalk file")]
pub struct Crosswalk {
    /// Its id, e.g. `iso27001-soc2`.
    #[schemars(with = "String")]
    pub id: Text,
    /// Display title.
    pub title: String,
    /// The catalog the `from` ids belong to.
    #[schemars(with = "String")]
    pub from: Text,
    /// The catalog the `to` ids belong to.
    #[schemars(with = "String")]
    pub to: Text,
    /// Where the relations come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The relations.
    pub relations: Vec<Relation>,
}

/// A requirement that a crosswalk relates to a given one, seen from the given one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related<'m> {
    /// The catalog of the related requirement.
    pub framework: &'m str,
    /// The related requirement's id.
    pub requirement: &'m str,
    /// How the given requirement relates to this one.
    #[serde(rename = "type")]
    pub kind: RelationType,
    /// Why the relation holds, if the crosswalk says.
    pub rationale: Option<&'m str>,
    /// The id of the crosswalk that relates them.
    pub crosswalk: &'m str,
}

/// The requirements that `crosswalks` relate to `requirement` of catalog `framework`, in the
/// crosswalks' order; a pair related by two crosswalks is given once, as the first relates it.
pub fn related<'m>(
    crosswalks: impl IntoIterator<Item = &'m Crosswalk>,
    framework: &str,
    requirement: &str,
) -> Vec<Related<'m>> {
    let mut found: Vec<Related<'m>> = Vec::new();
    for crosswalk in crosswalks {
        let forward = crosswalk.from.get_ref() == framework;
        let backward = crosswalk.to.get_ref() == framework;
        for relation in &crosswalk.relations {
            let (this, other, kind, other_framework) = match (forward, backward) {
                (true, _) => (
                    &relation.from,
                    &relation.to,
                    *relation.kind.get_ref(),
                    &crosswalk.to,
                ),
                (_, true) => (
                    &relation.to,
                    &relation.from,
                    relation.kind.get_ref().inverse(),
                    &crosswalk.from,
                ),
                _ => break,
            };
            let duplicate = found.iter().any(|r| {
                r.framework == other_framework.get_ref() && r.requirement == other.get_ref()
            });
            if this.get_ref() == requirement && !duplicate {
                found.push(Related {
                    framework: other_framework.get_ref(),
                    requirement: other.get_ref(),
                    kind,
                    rationale: relation.rationale.as_deref(),
                    crosswalk: crosswalk.id.get_ref(),
                });
            }
        }
    }
    found
}

/// The built-in crosswalks, as TOML text.
pub const BUILT_IN: [(&str, &str); 1] = [(
    "iso27001-soc2",
    include_str!("../../data/crosswalks/iso27001-soc2.toml"),
)];

/// Parses the built-in crosswalks. They are tested data embedded at compile time.
pub fn built_in() -> Vec<Crosswalk> {
    BUILT_IN
        .iter()
        .map(|(id, text)| {
            toml::from_str(text)
                .unwrap_or_else(|e| panic!("built-in crosswalk {id} is invalid: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::model::catalog;

    #[test]
    fn the_built_in_crosswalk_relates_real_requirements_once_each() {
        let catalogs = catalog::built_in();
        let find = |id: &str| catalogs.iter().find(|f| f.id() == id).unwrap();
        for crosswalk in built_in() {
            let (from, to) = (find(crosswalk.from.get_ref()), find(crosswalk.to.get_ref()));
            let mut pairs = HashSet::new();
            for relation in &crosswalk.relations {
                assert!(
                    from.requirement(relation.from.get_ref()).is_some(),
                    "{}",
                    relation.from.get_ref()
                );
                assert!(
                    to.requirement(relation.to.get_ref()).is_some(),
                    "{}",
                    relation.to.get_ref()
                );
                assert!(
                    pairs.insert((relation.from.get_ref(), relation.to.get_ref())),
                    "duplicate pair"
                );
                assert!(
                    relation.source.is_some(),
                    "{} → {} names no source",
                    relation.from.get_ref(),
                    relation.to.get_ref()
                );
                if relation.source == Some(RelationSource::Crosswalk) {
                    assert!(
                        relation
                            .rationale
                            .as_deref()
                            .is_some_and(|r| r.trim().len() > 20),
                        "{} → {} lacks a rationale",
                        relation.from.get_ref(),
                        relation.to.get_ref()
                    );
                }
            }
            // Every SOC 2 criterion is related to something in ISO 27001.
            let related: HashSet<&str> = crosswalk
                .relations
                .iter()
                .map(|r| r.to.get_ref().as_str())
                .collect();
            assert!(to.requirement_ids().all(|id| related.contains(id)));
            // The figures of data/crosswalks/README.md: the published pairs kept after the Cisco
            // CCF review, our own relations, and those the review added.
            let count = |source| {
                crosswalk
                    .relations
                    .iter()
                    .filter(|r| r.source == Some(source))
                    .count()
            };
            let confirmed = crosswalk
                .relations
                .iter()
                .filter(|r| {
                    r.rationale
                        .as_deref()
                        .is_some_and(|r| r.starts_with("Confirmed by the Cisco CCF v3.0 join:"))
                })
                .count();
            assert_eq!(
                (
                    count(RelationSource::Published),
                    count(RelationSource::Crosswalk),
                    confirmed
                ),
                (179, 225, 49)
            );
        }
    }
}
