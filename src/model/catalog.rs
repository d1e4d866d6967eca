//! Framework catalogs: the built-in ones embedded in the binary and users' `frameworks/*.toml`.
//!
//! A catalog has an id, a version, a title, requirement groups and requirements; it may list the ids
//! of an older version it supersedes, so that `A.9.2.3` is answered with the 2022 control that
//! replaced it.
//!
//! Requirements nest: one may name a `parent` (ISO 27001 clause `6.1.3` has the items `6.1.3.a` to
//! `6.1.3.f`; a NIST CSF category has subcategories). A requirement may also be written other ways:
//! its `aliases` (ISO 27002 numbering, `5.15` for `A.5.15`), and any spelling with the same
//! letters and digits in the same order (`6.1.3(c)`, `6.1.3 c)` for `6.1.3.c`;
//! `164.308.a.1` for `164.308(a)(1)`), unless two requirements share that spelling.
//! [`Framework::lookup`] is the one place a written id is read.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::types::Text;

use crate::diag::FileId;

/// The built-in catalogs, as TOML text.
pub const BUILT_IN: [(&str, &str); 2] = [
    (
        "iso27001",
        include_str!("../../data/frameworks/iso27001.toml"),
    ),
    ("soc2", include_str!("../../data/frameworks/soc2.toml")),
];

/// A group of requirements: an ISO 27001 theme or a SOC 2 category.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Id, e.g. `organizational` or `availability`.
    #[schemars(with = "String")]
    pub id: Text,
    /// Display title.
    pub title: String,
    /// Always in scope when the framework is (SOC 2 security); otherwise chosen with `categories`.
    #[serde(default)]
    pub required: bool,
    /// Whether a requirement of this group may be excluded with a justification (ISO Annex A).
    #[serde(default)]
    pub excludable: bool,
}

/// One requirement of a catalog.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Id, e.g. `A.5.15` or `CC6.1`.
    #[schemars(with = "String")]
    pub id: Text,
    /// Short title.
    pub title: String,
    /// The id of its group.
    #[schemars(with = "String")]
    pub group: Text,
    /// How often the activity it requires is expected to recur (e.g. an access review), if the
    /// framework or its auditors expect a cadence: a control claiming it operates at least this often.
    #[serde(default)]
    pub cadence: Option<super::types::Cadence>,
    /// Where the expected cadence comes from, in one line.
    #[serde(default)]
    pub cadence_basis: Option<String>,
    /// The id of the requirement it is an item of (`6.1.3` for `6.1.3.c`). A parent is covered
    /// when it is claimed itself or when all its in-scope items are; claiming a parent covers its
    /// items.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub parent: Option<Text>,
    /// Other ids it is written as (`5.15` for `A.5.15`): accepted, with a warning naming this id.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub aliases: Vec<Text>,
}

/// What a written requirement id is, in one catalog.
#[derive(Clone, Copy, Debug)]
pub enum Lookup<'f> {
    /// The catalog's own id.
    Exact(&'f Requirement),
    /// An alias, or another spelling, of this requirement.
    Alias(&'f Requirement),
    /// An id of an older version.
    Superseded(&'f Superseded),
    /// Not an id of this catalog.
    Unknown,
}

impl<'f> Lookup<'f> {
    /// The requirement meant, written exactly or as an alias.
    pub fn requirement(self) -> Option<&'f Requirement> {
        match self {
            Lookup::Exact(r) | Lookup::Alias(r) => Some(r),
            Lookup::Superseded(_) | Lookup::Unknown => None,
        }
    }
}

/// The letters and digits of an id in order, each run one part: `6.1.3(c)`, `6.1.3 c)` and
/// `6.1.3.c` are all `6.1.3.c`.
pub fn spelling(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// An id of an older version and what replaced it.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    /// The old id, e.g. `A.9.2.3`.
    pub id: String,
    /// Its old title.
    pub title: String,
    /// The version it belongs to, e.g. `2013`.
    pub version: String,
    /// The ids of this version that replace it.
    #[schemars(with = "Vec<String>")]
    pub replaced_by: Vec<Text>,
}

/// A framework catalog, as written in TOML.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk framework catalog")]
pub struct Catalog {
    /// The id used in `[satisfies]` and `[frameworks.ID]`, e.g. `iso27001`.
    #[schemars(with = "String", regex(pattern = "^[a-z0-9][a-z0-9_-]*$"))]
    pub id: Text,
    /// The version, e.g. `2022`.
    pub version: String,
    /// Display title.
    pub title: String,
    /// A longer description.
    #[serde(default)]
    pub description: Option<String>,
    /// Requirement groups.
    pub groups: Vec<Group>,
    /// Requirements, in the catalog's order.
    pub requirements: Vec<Requirement>,
    /// Ids of older versions.
    #[serde(default)]
    pub superseded: Vec<Superseded>,
}

/// A catalog ready for look-ups.
#[derive(Clone, Debug)]
pub struct Framework {
    /// The catalog.
    pub catalog: Catalog,
    /// Where it came from: `None` for a built-in one.
    pub file: Option<FileId>,
    /// Offset of the catalog's TOML in its file.
    pub offset: usize,
    requirement_index: HashMap<String, usize>,
    superseded_index: HashMap<String, usize>,
    /// Aliases and spellings, to the requirement they stand for (`None`: two share it).
    alias_index: HashMap<String, Option<usize>>,
    /// The items of each requirement that has some, in catalog order.
    children: HashMap<String, Vec<usize>>,
}

impl Framework {
    /// Indexes a catalog.
    pub fn new(catalog: Catalog, file: Option<FileId>, offset: usize) -> Self {
        let mut requirement_index = HashMap::new();
        for (i, requirement) in catalog.requirements.iter().enumerate() {
            requirement_index
                .entry(requirement.id.get_ref().clone())
                .or_insert(i);
        }
        let superseded_index = catalog
            .superseded
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut alias_index: HashMap<String, Option<usize>> = HashMap::new();
        let mut children: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, requirement) in catalog.requirements.iter().enumerate() {
            let written = requirement
                .aliases
                .iter()
                .map(|a| a.get_ref().clone())
                .chain(std::iter::once(requirement.id.get_ref().clone()));
            for alias in written
                .flat_map(|a| [spelling(&a), a])
                .filter(|a| !a.is_empty())
            {
                let entry = alias_index.entry(alias).or_insert(Some(i));
                if *entry != Some(i) {
                    *entry = None;
                }
            }
            if let Some(parent) = &requirement.parent {
                children
                    .entry(parent.get_ref().clone())
                    .or_default()
                    .push(i);
            }
        }
        Framework {
            catalog,
            file,
            offset,
            requirement_index,
            superseded_index,
            alias_index,
            children,
        }
    }

    /// What a written id is: the catalog's own id, an alias or other spelling of one, an id of an
    /// older version, or none of these.
    pub fn lookup(&self, id: &str) -> Lookup<'_> {
        if let Some(requirement) = self.requirement(id) {
            return Lookup::Exact(requirement);
        }
        let alias = |key: &str| self.alias_index.get(key).copied().flatten();
        // Space around an id is a slip, not a way of writing it: `check` says so.
        let spelled = || (id.trim() == id).then(|| alias(&spelling(id))).flatten();
        if let Some(i) = alias(id).or_else(spelled) {
            return Lookup::Alias(&self.catalog.requirements[i]);
        }
        match self.superseded(id) {
            Some(old) => Lookup::Superseded(old),
            None => Lookup::Unknown,
        }
    }

    /// The catalog's id for a written id (itself, or what its alias stands for).
    pub fn canonical<'a>(&'a self, id: &'a str) -> Option<&'a str> {
        self.lookup(id)
            .requirement()
            .map(|r| r.id.get_ref().as_str())
    }

    /// The items of a requirement, in catalog order.
    pub fn children(&self, id: &str) -> impl Iterator<Item = &Requirement> {
        self.children
            .get(id)
            .into_iter()
            .flatten()
            .map(|&i| &self.catalog.requirements[i])
    }

    /// The requirements a requirement is an item of, nearest first; stops at an unknown parent or
    /// a cycle (both reported by `check`).
    pub fn ancestors(&self, id: &str) -> Vec<&Requirement> {
        let mut out: Vec<&Requirement> = Vec::new();
        let mut current = self.requirement(id);
        while let Some(parent) = current
            .and_then(|r| r.parent.as_ref())
            .and_then(|p| self.requirement(p.get_ref()))
        {
            if parent.id.get_ref() == id || out.iter().any(|r| std::ptr::eq(*r, parent)) {
                break;
            }
            out.push(parent);
            current = Some(parent);
        }
        out
    }

    /// The catalog id.
    pub fn id(&self) -> &str {
        self.catalog.id.get_ref()
    }

    /// A requirement by id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirement_index
            .get(id)
            .map(|&i| &self.catalog.requirements[i])
    }

    /// An old id this catalog supersedes.
    pub fn superseded(&self, id: &str) -> Option<&Superseded> {
        self.superseded_index
            .get(id)
            .map(|&i| &self.catalog.superseded[i])
    }

    /// A group by id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.catalog.groups.iter().find(|g| g.id.get_ref() == id)
    }

    /// All requirement ids, in order.
    pub fn requirement_ids(&self) -> impl Iterator<Item = &str> {
        self.catalog
            .requirements
            .iter()
            .map(|r| r.id.get_ref().as_str())
    }

    /// Display name with version, e.g. "ISO/IEC 27001:2022".
    pub fn title(&self) -> &str {
        &self.catalog.title
    }
}

/// Parses the built-in catalogs. They are tested data embedded at compile time.
pub fn built_in() -> Vec<Framework> {
    BUILT_IN
        .iter()
        .map(|(id, text)| {
            let catalog: Catalog = toml::from_str(text)
                .unwrap_or_else(|e| panic!("built-in catalog {id} is invalid: {e}"));
            Framework::new(catalog, None, 0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_catalogs_are_complete() {
        let frameworks = built_in();
        let iso = &frameworks[0];
        assert_eq!(iso.id(), "iso27001");
        let annex_a = iso
            .catalog
            .requirements
            .iter()
            .filter(|r| r.id.get_ref().starts_with("A."))
            .count();
        assert_eq!(annex_a, 93);
        assert_eq!(iso.catalog.requirements.len(), 247);
        assert_eq!(
            iso.superseded("A.9.2.3").unwrap().replaced_by[0].get_ref(),
            "A.8.2"
        );
        let soc2 = &frameworks[1];
        assert_eq!(soc2.catalog.requirements.len(), 61);
        assert_eq!(
            soc2.requirement("CC6.1").unwrap().group.get_ref(),
            "security"
        );
        for framework in &frameworks {
            for requirement in &framework.catalog.requirements {
                assert!(framework.group(requirement.group.get_ref()).is_some());
            }
        }
    }
}
