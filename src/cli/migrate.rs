//! `crosswalk migrate iso27001-2013 [--write]`: every ISO/IEC 27001:2013 reference rewritten to the
//! 2022 control(s) that replaced it, from the correspondence table of the built-in catalog.
//!
//! What is rewritten: the `iso27001` claims of policies and controls (`[satisfies]`, as a table or
//! an inline table), the keys of `[frameworks.iso27001.excluded]` and `[frameworks.iso27001.reasons]`
//! in `crosswalk.toml`, and the ISO ids of the repository's crosswalks. The TOML is edited in place
//! (`toml_edit`), so every other byte of each file (comments, spacing, order, the Markdown body)
//! stays as it was. A 2013 id that several 2022 controls replaced becomes all of them, and the
//! output says so; one whose successor is already claimed is dropped, and the output says that too.
//!
//! Without `--write` the changes are printed as a unified diff and nothing is written; with it each
//! changed file is replaced atomically.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use toml_edit::{DocumentMut, Item, Key, Value};

use crate::model::Framework;

/// The migrations `migrate` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Migration {
    /// ISO/IEC 27001:2013 Annex A ids to their ISO/IEC 27001:2022 successors.
    #[value(name = "iso27001-2013")]
    Iso27001From2013,
}

impl Migration {
    /// The catalog whose superseded ids it rewrites, and their version.
    fn catalog(self) -> (&'static str, &'static str) {
        match self {
            Migration::Iso27001From2013 => ("iso27001", "2013"),
        }
    }
}

/// One file's migration: its text before and after, and what a reader should know.
struct Change {
    path: String,
    before: String,
    after: String,
    notes: Vec<String>,
}

/// `crosswalk migrate`.
pub fn run(directory: &Path, migration: Migration, write: bool) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    let (framework_id, version) = migration.catalog();
    let framework = model
        .framework(framework_id)
        .context("the built-in catalog is missing")?;
    let rewrite = Rewrite { framework, version };
    let mut changes = Vec::new();
    let mut skipped = Vec::new();
    let documents = model
        .policies
        .iter()
        .map(|d| d.path.as_str())
        .chain(model.controls.iter().map(|d| d.path.as_str()));
    for path in documents {
        match rewrite.file(&model.root, path, Shape::Document, |doc, notes| {
            rewrite.claims(doc, framework_id, notes)
        }) {
            Ok(change) => changes.extend(change),
            Err(why) => skipped.push(format!("{path}: {why:#}")),
        }
    }
    if model.config.is_some() {
        let path = crate::load::CONFIG_FILE;
        match rewrite.file(&model.root, path, Shape::Toml, |doc, notes| {
            rewrite.config(doc, framework_id, notes)
        }) {
            Ok(change) => changes.extend(change),
            Err(why) => skipped.push(format!("{path}: {why:#}")),
        }
    }
    for crosswalk in &model.crosswalks {
        let sides = (
            crosswalk.data.from.get_ref() == framework_id,
            crosswalk.data.to.get_ref() == framework_id,
        );
        if sides == (false, false) {
            continue;
        }
        match rewrite.file(&model.root, &crosswalk.path, Shape::Toml, |doc, notes| {
            rewrite.relations(doc, sides, notes)
        }) {
            Ok(change) => changes.extend(change),
            Err(why) => skipped.push(format!("{}: {why:#}", crosswalk.path)),
        }
    }
    report(&model.root, &changes, &skipped, write)
}

/// Prints the diff (and writes the files with `write`).
fn report(root: &Path, changes: &[Change], skipped: &[String], write: bool) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for change in changes {
        for note in &change.notes {
            writeln!(out, "# {}: {note}", change.path)?;
        }
        let diff = similar::TextDiff::from_lines(&change.before, &change.after);
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(2)
                .header(&format!("a/{}", change.path), &format!("b/{}", change.path))
        )?;
    }
    for why in skipped {
        writeln!(out, "# not migrated: {why}")?;
    }
    if write {
        for change in changes {
            let path = root.join(&change.path);
            crate::atomic::write(&path, change.after.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        writeln!(out, "rewrote {} files", changes.len())?;
    } else if changes.is_empty() {
        writeln!(out, "nothing to migrate")?;
    } else {
        writeln!(
            out,
            "{} files would change; run `crosswalk migrate` again with --write to rewrite them",
            changes.len()
        )?;
    }
    Ok(if skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// How a file holds its TOML.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Markdown with TOML front matter between `+++` lines.
    Document,
    /// A TOML file.
    Toml,
}

/// The superseded ids of one catalog version, and how they are rewritten.
struct Rewrite<'m> {
    framework: &'m Framework,
    version: &'static str,
}

impl Rewrite<'_> {
    /// What a written id becomes: `None` when it is not an id of the old version.
    fn successors(&self, id: &str) -> Option<Vec<String>> {
        if self.framework.requirement(id).is_some() {
            return None;
        }
        let old = self.framework.superseded(id)?;
        (old.version == self.version).then(|| {
            old.replaced_by
                .iter()
                .map(|r| r.get_ref().clone())
                .collect()
        })
    }

    /// One file, edited by `edit`: `None` when nothing changed.
    fn file(
        &self,
        root: &Path,
        path: &str,
        shape: Shape,
        edit: impl FnOnce(&mut DocumentMut, &mut Vec<String>),
    ) -> Result<Option<Change>> {
        let before = std::fs::read_to_string(root.join(path)).context("cannot be read")?;
        let range = match shape {
            Shape::Toml => 0..before.len(),
            Shape::Document => {
                crate::load::split_front_matter(&before)
                    .map_err(|p| anyhow::anyhow!("{}", p.message))?
                    .0
            }
        };
        let mut doc: DocumentMut = before[range.clone()]
            .parse()
            .context("its TOML cannot be read (run `crosswalk check`)")?;
        let mut notes = Vec::new();
        edit(&mut doc, &mut notes);
        let toml = doc.to_string();
        if toml == before[range.clone()] {
            return Ok(None);
        }
        let after = format!("{}{toml}{}", &before[..range.start], &before[range.end..]);
        Ok(Some(Change {
            path: path.to_string(),
            before,
            after,
            notes,
        }))
    }

    /// The `framework_id` claims of a document's `[satisfies]`.
    fn claims(&self, doc: &mut DocumentMut, framework_id: &str, notes: &mut Vec<String>) {
        let Some(satisfies) = doc.get_mut("satisfies").and_then(Item::as_table_like_mut) else {
            return;
        };
        if let Some(array) = satisfies
            .get_mut(framework_id)
            .and_then(Item::as_value_mut)
            .and_then(Value::as_array_mut)
        {
            self.array(array, notes);
        }
    }

    /// Rewrites the old ids of an array of ids in place, each element keeping its spacing.
    fn array(&self, array: &mut toml_edit::Array, notes: &mut Vec<String>) {
        let mut index = 0;
        while index < array.len() {
            let Some(id) = array.get(index).and_then(Value::as_str).map(str::to_string) else {
                index += 1;
                continue;
            };
            let Some(successors) = self.successors(&id) else {
                index += 1;
                continue;
            };
            let present =
                |array: &toml_edit::Array, new: &str| array.iter().any(|v| v.as_str() == Some(new));
            let fresh: Vec<&String> = successors
                .iter()
                .filter(|new| !present(array, new))
                .collect();
            notes.push(self.note(&id, &successors, successors.len() - fresh.len()));
            let Some((first, rest)) = fresh.split_first() else {
                array.remove(index);
                continue;
            };
            let decor = array.get(index).map(|v| v.decor().clone());
            let mut value = Value::from(first.as_str());
            if let Some(decor) = decor {
                *value.decor_mut() = decor;
            }
            array.replace_formatted(index, value);
            for (offset, new) in rest.iter().enumerate() {
                array.insert(index + 1 + offset, new.as_str());
            }
            index += fresh.len();
        }
    }

    /// `crosswalk.toml`: the keys of the framework's `excluded` and `reasons`.
    fn config(&self, doc: &mut DocumentMut, framework_id: &str, notes: &mut Vec<String>) {
        let Some(scope) = doc
            .get_mut("frameworks")
            .and_then(Item::as_table_like_mut)
            .and_then(|t| t.get_mut(framework_id))
            .and_then(Item::as_table_like_mut)
        else {
            return;
        };
        for table in ["excluded", "reasons"] {
            if let Some(table) = scope.get_mut(table).and_then(Item::as_table_like_mut) {
                self.keys(table, notes);
            }
        }
    }

    /// Renames the old-id keys of a table, in place and in order; a key several ids replaced
    /// becomes one key each, with the same value.
    fn keys(&self, table: &mut dyn toml_edit::TableLike, notes: &mut Vec<String>) {
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
        if keys.iter().all(|k| self.successors(k).is_none()) {
            return;
        }
        let mut entries: Vec<(Key, Item)> = Vec::new();
        for key in &keys {
            let Some((old_key, item)) = table.get_key_value(key) else {
                continue;
            };
            let (old_key, item) = (old_key.clone(), item.clone());
            let Some(successors) = self.successors(key) else {
                entries.push((old_key, item));
                continue;
            };
            let taken = |new: &str| keys.iter().any(|k| k == new);
            let fresh: Vec<&String> = successors.iter().filter(|new| !taken(new)).collect();
            notes.push(self.note(key, &successors, successors.len() - fresh.len()));
            for new in fresh {
                let mut renamed = Key::new(new.as_str());
                *renamed.leaf_decor_mut() = old_key.leaf_decor().clone();
                entries.push((renamed, item.clone()));
            }
        }
        table.clear();
        for (key, item) in entries {
            table.insert(key.get(), item);
            if let Some(mut written) = table.key_mut(key.get()) {
                *written.leaf_decor_mut() = key.leaf_decor().clone();
            }
        }
    }

    /// A crosswalk's relations: the `from` (and/or `to`) ids on the migrated catalog's side. A
    /// relation of an id several ids replaced becomes one relation each.
    fn relations(&self, doc: &mut DocumentMut, sides: (bool, bool), notes: &mut Vec<String>) {
        let Some(relations) = doc
            .get_mut("relations")
            .and_then(Item::as_array_of_tables_mut)
        else {
            return;
        };
        let mut rewritten = toml_edit::ArrayOfTables::new();
        let mut changed = false;
        for relation in relations.iter() {
            let mut copies = vec![relation.clone()];
            for (side, on) in [("from", sides.0), ("to", sides.1)] {
                let old = relation
                    .get(side)
                    .and_then(Item::as_str)
                    .map(str::to_string);
                let Some((old, successors)) = old.and_then(|o| self.successors(&o).map(|s| (o, s)))
                else {
                    continue;
                };
                if !on {
                    continue;
                }
                changed = true;
                notes.push(self.note(&old, &successors, 0));
                copies = copies
                    .into_iter()
                    .flat_map(|copy| {
                        successors.iter().map(move |new| {
                            let mut copy = copy.clone();
                            let decor = copy
                                .get(side)
                                .and_then(Item::as_value)
                                .map(|v| v.decor().clone());
                            let mut value = Value::from(new.as_str());
                            if let Some(decor) = decor {
                                *value.decor_mut() = decor;
                            }
                            copy.insert(side, Item::Value(value));
                            copy
                        })
                    })
                    .collect();
            }
            for copy in copies {
                rewritten.push(copy);
            }
        }
        if changed {
            *relations = rewritten;
        }
    }

    /// What became of one old id.
    fn note(&self, old: &str, successors: &[String], already: usize) -> String {
        let title = self
            .framework
            .superseded(old)
            .map_or("", |s| s.title.as_str());
        let list = successors
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let mut note = format!("`{old}` ({title}, {}) became {list}", self.version);
        if successors.len() > 1 {
            note.push_str(&format!(
                ": one {} control is {} in {}; keep each only where it applies",
                self.version,
                successors.len(),
                self.framework.title()
            ));
        }
        if already > 0 {
            note.push_str(if already == successors.len() {
                " (already there, so the old id is removed)"
            } else {
                " (some already there)"
            });
        }
        note
    }
}
