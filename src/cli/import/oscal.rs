//! `crosswalk import oscal-catalog FILE` and `import oscal-mapping FILE`: NIST OSCAL 1.x JSON into a
//! catalog (`frameworks/ID.toml`) and a crosswalk (`frameworks/ID.crosswalk.toml`).
//!
//! A catalog: its top-level `groups` become the catalog's groups (every one `required`: scope is
//! chosen by putting the framework in scope); a group nested in a group (a NIST CSF category)
//! becomes a requirement whose items are what it holds; a control becomes a requirement, and a
//! control inside a control (an SP 800-53 enhancement) an item of it. A requirement's id is the
//! control's `label` (`AC-2(1)`), or its OSCAL id when it has none; the OSCAL id (`ac-2.1`) and a
//! zero-padded label (`AC-02(01)`) become aliases, so references in either form resolve. A control
//! whose `status` is `withdrawn` is left out and counted.
//!
//! A mapping: each `maps` entry of each mapping becomes one relation per source × target, its
//! OSCAL `relationship` read as a set-theory type (`equal-to` and `equivalent-to` → `equal`,
//! `subset-of` → `subset`, `superset-of` → `superset`, `intersects-with` → `intersect`);
//! `no-relationship` entries are counted and left out. Ids are resolved in the two catalogs named
//! by `--from` and `--to` (by id, alias or spelling); an id neither knows is reported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{Catalog, Group, Report, Requirement};

/// The largest OSCAL file read (the SP 800-53 rev5 catalog is about 10 MB).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads an OSCAL JSON file, refusing one too large.
fn read_json(file: &Path) -> Result<Value> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        bail!(
            "{} is {size} bytes, more than the {MAX_FILE_BYTES} an OSCAL file may have here",
            file.display()
        );
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not JSON (OSCAL XML and YAML are not read: convert it with NIST's oscal-cli)",
            file.display()
        )
    })
}

/// `crosswalk import oscal-catalog FILE [--id ID]`.
pub fn catalog(directory: &Path, file: &Path, id: Option<&str>) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    let json = read_json(file)?;
    let Some(root) = json.get("catalog") else {
        bail!(
            "{} is not an OSCAL catalog: it has no top-level `catalog` (a profile or a mapping is imported otherwise)",
            file.display()
        );
    };
    let title = text(&root["metadata"]["title"]).unwrap_or_else(|| "Imported catalog".into());
    let version = text(&root["metadata"]["version"]).unwrap_or_else(|| "1".into());
    let id = match id {
        Some(id) => id.to_string(),
        None => slug(&title),
    };
    if !valid_catalog_id(&id) {
        bail!(
            "`{id}` cannot be a catalog id: use lower-case letters, digits, `_` and `-`, e.g. --id nist-800-53"
        );
    }
    if model.framework(&id).is_some() {
        bail!("a catalog `{id}` exists already; choose another with --id");
    }
    let mut walk = Walk::default();
    for group in array(&root["groups"]) {
        let group_id = group_id(group, walk.groups.len());
        walk.groups.push(Group {
            id: group_id.clone(),
            title: text(&group["title"]).unwrap_or_else(|| group_id.clone()),
            required: true,
        });
        walk.group(group, &group_id, None);
    }
    if !array(&root["controls"]).is_empty() {
        walk.groups.push(Group {
            id: "controls".into(),
            title: "Controls".into(),
            required: true,
        });
        for control in array(&root["controls"]) {
            walk.control(control, "controls", None);
        }
    }
    let mut report = Report::default();
    walk.deduplicate(&mut report);
    if walk.requirements.is_empty() {
        bail!("{} holds no controls", file.display());
    }
    if walk.withdrawn > 0 {
        report.notes.push(format!(
            "{} withdrawn controls left out (their ids are not requirements of `{id}`)",
            walk.withdrawn
        ));
    }
    let count = walk.requirements.len();
    let catalog = Catalog {
        id: id.clone(),
        version,
        title,
        groups: walk.groups,
        requirements: walk.requirements,
    };
    let text = format!(
        "# Imported from the OSCAL catalog {} by `crosswalk import oscal-catalog`.\n\n{}",
        file.file_name().unwrap_or_default().to_string_lossy(),
        toml::to_string(&catalog)?
    );
    let relative = PathBuf::from("frameworks").join(format!("{id}.toml"));
    if report.create(&model.root, &relative, &text, &file.display().to_string())? {
        report.notes.push(format!(
            "wrote {} ({count} requirements); add `[frameworks.{id}]` to crosswalk.toml to bring it into scope",
            relative.display()
        ));
    }
    report.finish(
        directory,
        &format!("imported {count} requirements of {}", file.display()),
    )
}

/// The requirements and groups found so far.
#[derive(Default)]
struct Walk {
    groups: Vec<Group>,
    requirements: Vec<Requirement>,
    withdrawn: usize,
}

impl Walk {
    /// A group's contents: its subgroups as requirements (under `parent`), its controls.
    fn group(&mut self, group: &Value, group_id: &str, parent: Option<&str>) {
        for sub in array(&group["groups"]) {
            let id = label(sub).unwrap_or_else(|| group_id_of(sub));
            self.requirements.push(Requirement {
                id: id.clone(),
                title: text(&sub["title"]).unwrap_or_else(|| id.clone()),
                group: group_id.to_string(),
                parent: parent.map(str::to_string),
                aliases: aliases(sub, &id),
            });
            self.group(sub, group_id, Some(&id));
        }
        for control in array(&group["controls"]) {
            self.control(control, group_id, parent);
        }
    }

    /// A control and its enhancements.
    fn control(&mut self, control: &Value, group_id: &str, parent: Option<&str>) {
        if withdrawn(control) {
            self.withdrawn += 1;
            return;
        }
        let Some(oscal_id) = text(&control["id"]) else {
            return;
        };
        let id = label(control).unwrap_or_else(|| oscal_id.clone());
        self.requirements.push(Requirement {
            id: id.clone(),
            title: text(&control["title"]).unwrap_or_else(|| id.clone()),
            group: group_id.to_string(),
            parent: parent.map(str::to_string),
            aliases: aliases(control, &id),
        });
        for enhancement in array(&control["controls"]) {
            self.control(enhancement, group_id, Some(&id));
        }
    }

    /// Two requirements with one id: the second is renamed to its OSCAL id, or left out; an alias
    /// that is an id, or that two share, is dropped. Each is noted.
    fn deduplicate(&mut self, report: &mut Report) {
        let mut ids = BTreeSet::new();
        self.requirements.retain(|r| {
            let fresh = ids.insert(r.id.clone());
            if !fresh {
                report.problems.push(format!(
                    "two controls have the id `{}`; the second is left out",
                    r.id
                ));
            }
            fresh
        });
        let mut aliases = BTreeSet::new();
        for requirement in &mut self.requirements {
            requirement
                .aliases
                .retain(|a| !ids.contains(a) && aliases.insert(a.clone()));
        }
    }
}

/// A string field, trimmed; `None` when missing or empty.
fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// An array field, or nothing.
fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

/// The `label` prop a person reads (`AC-2(1)`), not the zero-padded one.
fn label(value: &Value) -> Option<String> {
    let labels: Vec<&Value> = array(&value["props"])
        .iter()
        .filter(|p| p["name"] == "label")
        .collect();
    labels
        .iter()
        .find(|p| p["class"] != "zero-padded")
        .or_else(|| labels.first())
        .and_then(|p| text(&p["value"]))
}

/// The OSCAL id and the other labels of a control or group, besides the id it is given.
fn aliases(value: &Value, id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let others = array(&value["props"])
        .iter()
        .filter(|p| p["name"] == "label")
        .filter_map(|p| text(&p["value"]));
    for alias in text(&value["id"]).into_iter().chain(others) {
        if alias != id && !out.contains(&alias) {
            out.push(alias);
        }
    }
    out
}

/// Whether a control is marked withdrawn.
fn withdrawn(control: &Value) -> bool {
    array(&control["props"])
        .iter()
        .any(|p| p["name"] == "status" && p["value"] == "withdrawn")
}

/// A top-level group's id in the catalog: its OSCAL id, else a slug of its title, else its place.
fn group_id(group: &Value, index: usize) -> String {
    let id = slug(&group_id_of(group));
    if id.is_empty() {
        format!("group-{}", index + 1)
    } else {
        id
    }
}

fn group_id_of(group: &Value) -> String {
    text(&group["id"])
        .or_else(|| text(&group["title"]))
        .unwrap_or_default()
}

/// Lower-case letters, digits and `-`, at most 40 characters: a catalog or group id.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    out.trim_matches('-').to_string()
}

/// A catalog id as the catalog schema allows it.
fn valid_catalog_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `crosswalk import oscal-mapping FILE --from ID --to ID [--id ID]`.
pub fn mapping(
    directory: &Path,
    file: &Path,
    from: &str,
    to: &str,
    id: Option<&str>,
) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    let json = read_json(file)?;
    let Some(root) = json.get("mapping-collection") else {
        bail!(
            "{} is not an OSCAL mapping: it has no top-level `mapping-collection`",
            file.display()
        );
    };
    let catalog = |id: &str| {
        model.framework(id).with_context(|| {
            let known: Vec<&str> = model.frameworks.iter().map(|f| f.id()).collect();
            format!(
                "`{id}` is not a catalog here; known: {} (import the catalog first with `crosswalk import oscal-catalog`)",
                known.join(", ")
            )
        })
    };
    let (source, target) = (catalog(from)?, catalog(to)?);
    let id = id.map_or_else(|| format!("{from}-{to}"), str::to_string);
    if !valid_catalog_id(&id) {
        bail!("`{id}` cannot be a crosswalk id: use lower-case letters, digits, `_` and `-`");
    }
    let mut report = Report::default();
    let mut relations: Vec<Relation> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut none = 0;
    for (m, mapping) in array(&root["mappings"]).iter().enumerate() {
        for (n, map) in array(&mapping["maps"]).iter().enumerate() {
            let place = format!("mappings[{m}].maps[{n}]");
            let relationship = text(&map["relationship"]).unwrap_or_default();
            let kind = match relationship.as_str() {
                "equal-to" | "equivalent-to" => "equal",
                "subset-of" => "subset",
                "superset-of" => "superset",
                "intersects-with" => "intersect",
                "no-relationship" => {
                    none += 1;
                    continue;
                }
                other => {
                    report.problems.push(format!(
                        "{place}: the relationship `{other}` is not one of equal-to, equivalent-to, subset-of, superset-of, intersects-with, no-relationship; left out"
                    ));
                    continue;
                }
            };
            let resolve =
                |items: &Value, framework: &crate::model::Framework, report: &mut Report| {
                    array(items)
                        .iter()
                        .filter_map(|item| text(&item["id-ref"]))
                        .filter_map(|written| match framework.canonical(&written) {
                            Some(id) => Some(id.to_string()),
                            None => {
                                report.problems.push(format!(
                                    "{place}: `{written}` is not a requirement of {}; left out",
                                    framework.title()
                                ));
                                None
                            }
                        })
                        .collect::<Vec<_>>()
                };
            let sources = resolve(&map["sources"], source, &mut report);
            let targets = resolve(&map["targets"], target, &mut report);
            let rationale = text(&map["remarks"]).or_else(|| text(&map["matching-rationale"]));
            for from in &sources {
                for to in &targets {
                    if seen.insert((from.clone(), to.clone())) {
                        relations.push(Relation {
                            from: from.clone(),
                            to: to.clone(),
                            r#type: kind,
                            source: "published",
                            rationale: rationale.clone(),
                        });
                    }
                }
            }
        }
    }
    if none > 0 {
        report
            .notes
            .push(format!("{none} `no-relationship` entries left out"));
    }
    let title = text(&root["metadata"]["title"])
        .unwrap_or_else(|| format!("{} ↔ {}", source.title(), target.title()));
    let crosswalk = Crosswalk {
        id: id.clone(),
        title,
        from: from.to_string(),
        to: to.to_string(),
        sources: vec![format!(
            "OSCAL mapping {}, imported by `crosswalk import oscal-mapping`",
            file.file_name().unwrap_or_default().to_string_lossy()
        )],
        relations,
    };
    let count = crosswalk.relations.len();
    let text = toml::to_string(&crosswalk)?;
    let relative = PathBuf::from("frameworks").join(format!("{id}.crosswalk.toml"));
    report.create(&model.root, &relative, &text, &file.display().to_string())?;
    report.finish(
        directory,
        &format!("imported {count} relations of {}", file.display()),
    )
}

/// A crosswalk being written.
#[derive(serde::Serialize)]
struct Crosswalk {
    id: String,
    title: String,
    from: String,
    to: String,
    sources: Vec<String>,
    relations: Vec<Relation>,
}

/// One relation of the crosswalk being written.
#[derive(serde::Serialize)]
struct Relation {
    from: String,
    to: String,
    r#type: &'static str,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rationale: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs_and_labels_are_read_as_people_write_them() {
        assert_eq!(slug("NIST SP 800-53 Rev. 5"), "nist-sp-800-53-rev-5");
        let control = serde_json::json!({
            "id": "ac-2.1",
            "props": [
                {"name": "label", "value": "AC-2(1)"},
                {"name": "label", "class": "zero-padded", "value": "AC-02(01)"}
            ]
        });
        assert_eq!(label(&control).as_deref(), Some("AC-2(1)"));
        assert_eq!(aliases(&control, "AC-2(1)"), ["ac-2.1", "AC-02(01)"]);
        assert!(valid_catalog_id("nist-800-53") && !valid_catalog_id("NIST"));
    }
}
