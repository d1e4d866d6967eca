//! `crosswalk import`: bringing in what a company already has, without overwriting anything.
//!
//! `import csv|xlsx FILE` reads a control spreadsheet, one row per control, into `controls/`.
//! Columns map to fields by `--map COLUMN=FIELD` or, without one, by a header that names the field
//! (`id`, `title`, `owner`, `policy`, `frequency`, `status`, `description`, or a framework id such
//! as `iso27001` or `soc2`). Requirement references are read in the free forms people write
//! (`A.9.2.3; A.5.15`, `CC6.1, CC6.2`, one per line); an id of an earlier numbering is migrated
//! to its successors with a note in the control. Every row that cannot be read is reported with its
//! row number and left out. `import comply DIR` reads a strongdm/comply repository ([`comply`]);
//! `import oscal-catalog FILE` and `import oscal-mapping FILE` read NIST OSCAL JSON ([`oscal`]).
//!
//! No file that exists is overwritten; each import ends with a check of the repository.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::new::{Claim, Fields, NewKind, document};
use crate::model::Model;

mod comply;
mod oscal;

/// The spreadsheet formats `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// Comma-separated values, with a header row.
    Csv,
    /// An Excel workbook: the first sheet (or `--sheet`), with a header row.
    Xlsx,
    /// A strongdm/comply repository (the folder holding `policies/`, `procedures/`,
    /// `narratives/` and `standards/`): policies and narratives become policies, procedures
    /// become controls.
    Comply,
    /// An OSCAL 1.x catalog in JSON (NIST SP 800-53, CSF 2.0 as NIST publishes them), into
    /// `frameworks/ID.toml` with its groups and hierarchy.
    OscalCatalog,
    /// An OSCAL 1.x control mapping in JSON, into `frameworks/ID.crosswalk.toml` (with --from and
    /// --to naming the catalogs).
    OscalMapping,
}

/// The fields a column can fill, besides framework ids.
const FIELDS: [&str; 7] = [
    "id",
    "title",
    "owner",
    "policy",
    "frequency",
    "status",
    "description",
];

/// A header row and the rows below it, each cell as text.
struct Sheet {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// What `import` is told besides the format and the source.
pub struct Options<'a> {
    /// `--map COLUMN=FIELD` of a spreadsheet import.
    pub maps: &'a [String],
    /// `--sheet` of a workbook.
    pub sheet: Option<&'a str>,
    /// `--id` of the catalog or crosswalk an OSCAL import writes.
    pub id: Option<&'a str>,
    /// `--from` and `--to`: the catalogs of an OSCAL mapping's sources and targets.
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// `crosswalk import FORMAT SOURCE`.
pub fn run(
    directory: &Path,
    format: ImportFormat,
    file: &Path,
    options: &Options,
) -> Result<ExitCode> {
    let sheet = match format {
        ImportFormat::Comply => return comply::run(directory, file),
        ImportFormat::OscalCatalog => return oscal::catalog(directory, file, options.id),
        ImportFormat::OscalMapping => {
            let (Some(from), Some(to)) = (options.from, options.to) else {
                bail!(
                    "import oscal-mapping needs --from ID and --to ID: the catalogs of its sources and targets"
                );
            };
            return oscal::mapping(directory, file, from, to, options.id);
        }
        ImportFormat::Xlsx => read_xlsx(file, options.sheet)?,
        ImportFormat::Csv => read_csv(file)?,
    };
    spreadsheet(directory, &sheet, options.maps)
}

/// A control spreadsheet into `controls/`.
fn spreadsheet(directory: &Path, sheet: &Sheet, maps: &[String]) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    let columns = columns(&sheet.header, maps, model)?;
    let mut report = Report::default();
    let year = jiff::ZonedDateTime::now().date();
    let folder = super::new::folder_for(&workspace.layout, NewKind::Control);
    for (index, row) in sheet.rows.iter().enumerate() {
        // Row numbers as the spreadsheet shows them: the header is row 1.
        let number = index + 2;
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        match control(model, &columns, row, &year.to_string()) {
            Err(why) => report
                .problems
                .push(format!("row {number}: {why}; left out")),
            Ok((id, text, notes)) => {
                let relative = folder.join(format!("{}.md", id.to_lowercase()));
                if report.create(&model.root, &relative, &text, &format!("row {number}"))? {
                    report
                        .notes
                        .extend(notes.into_iter().map(|n| format!("row {number}: {n}")));
                }
            }
        }
    }
    let summary = format!(
        "imported {} of {} rows into {}/",
        report.written.len(),
        sheet.rows.len(),
        folder.display()
    );
    report.finish(directory, &summary)
}

/// A catalog an import writes as `frameworks/ID.toml`, in the format of the built-in ones.
#[derive(serde::Serialize)]
struct Catalog {
    id: String,
    version: String,
    title: String,
    groups: Vec<Group>,
    requirements: Vec<Requirement>,
}

/// A group of a catalog an import writes.
#[derive(serde::Serialize)]
struct Group {
    id: String,
    title: String,
    required: bool,
}

/// A requirement of a catalog an import writes.
#[derive(serde::Serialize)]
struct Requirement {
    id: String,
    title: String,
    group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
}

/// What an import wrote, what it noted, and what it could not bring in.
#[derive(Default)]
struct Report {
    /// The files written, relative to the repository root.
    written: Vec<PathBuf>,
    /// What was changed on the way in (a migrated id, a chosen default); the import still succeeds.
    notes: Vec<String>,
    /// What was left out or could not be read; the import exits with 1.
    problems: Vec<String>,
}

impl Report {
    /// Writes `text` to `relative` under `root` unless a file is there already; an existing file
    /// is reported (as coming from `source`) and left as it is. Whether it was written.
    fn create(&mut self, root: &Path, relative: &Path, text: &str, source: &str) -> Result<bool> {
        let path = root.join(relative);
        match crate::atomic::create_new(&path, text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                self.problems.push(format!(
                    "{source}: {} already exists; left as it is",
                    relative.display()
                ));
                Ok(false)
            }
            Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
            Ok(()) => {
                self.written.push(relative.to_path_buf());
                Ok(true)
            }
        }
    }

    /// Prints the notes, the problems and `summary`, then checks the repository as the user will
    /// check it next. Exits with 1 when anything was left out, else with the check's code.
    fn finish(&self, directory: &Path, summary: &str) -> Result<ExitCode> {
        let mut out = std::io::stdout().lock();
        for note in &self.notes {
            writeln!(out, "note: {note}")?;
        }
        for problem in &self.problems {
            writeln!(out, "{problem}")?;
        }
        writeln!(
            out,
            "{summary} ({} noted, {} left out or not read: see above)",
            self.notes.len(),
            self.problems.len()
        )?;
        drop(out);
        let code = super::check(
            directory,
            &super::CheckArgs {
                format: super::report::Format::Human,
                deny: super::Deny::Error,
                as_of: None,
                no_history: true,
                no_hints: true,
                reviews: None,
            },
        )?;
        Ok(if self.problems.is_empty() {
            code
        } else {
            ExitCode::from(1)
        })
    }
}

/// Which column fills which field: `--map COLUMN=FIELD`, else the headers that name a field.
fn columns(header: &[String], maps: &[String], model: &Model) -> Result<BTreeMap<String, usize>> {
    let frameworks: Vec<&str> = model.frameworks.iter().map(|f| f.id()).collect();
    let known = |field: &str| FIELDS.contains(&field) || frameworks.contains(&field);
    let find = |column: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(column.trim()))
    };
    let mut columns = BTreeMap::new();
    for map in maps {
        let Some((column, field)) = map.rsplit_once('=') else {
            bail!("--map {map}: write COLUMN=FIELD, e.g. --map \"Control ID=id\"");
        };
        let field = field.trim().to_lowercase();
        if !known(&field) {
            bail!(
                "--map {map}: `{field}` is not a field; fields are {} and the framework ids {}",
                FIELDS.join(", "),
                frameworks.join(", ")
            );
        }
        let Some(index) = find(column) else {
            bail!(
                "--map {map}: the sheet has no column `{column}`; its columns are {}",
                header.join(", ")
            );
        };
        columns.insert(field, index);
    }
    for (index, name) in header.iter().enumerate() {
        let field = name.trim().to_lowercase();
        if known(&field) && !columns.contains_key(&field) {
            columns.insert(field, index);
        }
    }
    if !columns.contains_key("id") {
        bail!(
            "no column gives the control id: name one `id` or map it with --map \"COLUMN=id\" (the columns are {})",
            header.join(", ")
        );
    }
    Ok(columns)
}

/// One row as a control document: its id, its text, and notes on what was migrated.
fn control(
    model: &Model,
    columns: &BTreeMap<String, usize>,
    row: &[String],
    today: &str,
) -> Result<(String, String, Vec<String>), String> {
    let cell = |field: &str| {
        columns
            .get(field)
            .and_then(|&i| row.get(i))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
    };
    let id = cell("id").ok_or("no control id")?;
    if !super::new::valid_id(&id) {
        return Err(format!(
            "`{id}` is not a valid id (letters, digits, `.`, `_`, `-`)"
        ));
    }
    if let Some(path) = model.document_path(&id) {
        return Err(format!("a document with id `{id}` already exists ({path})"));
    }
    let people = model.person_keys();
    let owner =
        cell("owner").unwrap_or_else(|| people.first().copied().unwrap_or("CHANGE-ME").to_string());
    let mut notes = Vec::new();
    let mut satisfies = Vec::new();
    for framework in &model.frameworks {
        let Some(text) = cell(framework.id()) else {
            continue;
        };
        let (ids, more) = references(framework, &text)?;
        notes.extend(more);
        if !ids.is_empty() {
            satisfies.push(Claim {
                framework: framework.id().to_string(),
                ids,
            });
        }
    }
    let status = cell("status").map_or("planned".to_string(), |s| s.to_lowercase());
    let frequency = cell("frequency").map_or("quarterly".to_string(), |s| s.to_lowercase());
    let fields = Fields {
        title: cell("title").unwrap_or_else(|| format!("CHANGE ME: the title of {id}")),
        owner: owner.clone(),
        owner_name: model.person_name(&owner),
        approver: String::new(),
        policy: cell("policy").unwrap_or_else(|| {
            model
                .policies
                .first()
                .map_or("CHANGE-ME".into(), |p| p.data.id.get_ref().clone())
        }),
        control: String::new(),
        today: today.to_string(),
        frequency,
        status,
        satisfies,
        id: id.clone(),
    };
    let mut text =
        document(NewKind::Control, &fields, Some(&model.root)).map_err(|e| e.to_string())?;
    if let Some(description) = cell("description") {
        text = text.replacen(
            "What is done, by whom, how often, with which tool, and what record it leaves.",
            &description,
            1,
        );
    }
    let migrated: Vec<&String> = notes.iter().filter(|n| n.contains(" became ")).collect();
    if !migrated.is_empty() {
        text.push_str("\n## Imported\n\n");
        for note in migrated {
            text.push_str(&format!("- {note}\n"));
        }
    }
    Ok((id, text, notes))
}

/// The requirement ids of a cell in the forms people write: separated by commas, semicolons,
/// slashes, spaces or lines, with an earlier numbering migrated (and noted). An id the catalog
/// does not have fails the row.
fn references(
    framework: &crate::model::Framework,
    text: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut ids = Vec::new();
    let mut notes = Vec::new();
    for token in text
        .split([',', ';', '/', '\n', '\r', '\t', ' '])
        .map(|t| t.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace()))
        .filter(|t| !t.is_empty())
    {
        let (new, note) = reference(framework, token)?;
        ids.extend(new);
        notes.extend(note);
    }
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    Ok((ids, notes))
}

/// The requirement ids one written id stands for: itself when the catalog has it, its successors
/// (with a note saying so) when it is an id of an earlier numbering, else an error naming the
/// nearest id.
fn reference(
    framework: &crate::model::Framework,
    token: &str,
) -> Result<(Vec<String>, Option<String>), String> {
    match framework.lookup(token) {
        crate::model::Lookup::Exact(requirement) => {
            return Ok((vec![requirement.id.get_ref().clone()], None));
        }
        crate::model::Lookup::Alias(requirement) => {
            let id = requirement.id.get_ref();
            let note = format!(
                "`{token}` is written as `{id}` ({}), the id {} uses",
                requirement.title,
                framework.title()
            );
            return Ok((vec![id.clone()], Some(note)));
        }
        crate::model::Lookup::Superseded(_) | crate::model::Lookup::Unknown => {}
    }
    if let Some(old) = framework.superseded(token) {
        let new: Vec<String> = old
            .replaced_by
            .iter()
            .map(|r| r.get_ref().clone())
            .collect();
        let note = format!(
            "`{token}` ({} numbering: {}) became {} in {}",
            old.version,
            old.title,
            new.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" and "),
            framework.title()
        );
        return Ok((new, Some(note)));
    }
    let help = crate::diag::did_you_mean(token, framework.requirement_ids())
        .map_or_else(String::new, |h| format!(" ({h})"));
    Err(format!(
        "`{token}` is not a requirement of {}{help}",
        framework.title()
    ))
}

fn read_csv(file: &Path) -> Result<Sheet> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let header = reader
        .headers()
        .with_context(|| format!("{}: no header row", file.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record
            .with_context(|| format!("{}: row {} cannot be read", file.display(), index + 2))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Sheet { header, rows })
}

fn read_xlsx(file: &Path, sheet: Option<&str>) -> Result<Sheet> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(file)
        .with_context(|| format!("cannot read {} as a workbook", file.display()))?;
    let range = match sheet {
        Some(name) => workbook
            .worksheet_range(name)
            .with_context(|| format!("{}: no sheet `{name}`", file.display()))?,
        None => workbook
            .worksheet_range_at(0)
            .with_context(|| format!("{}: the workbook has no sheet", file.display()))?
            .with_context(|| format!("cannot read the first sheet of {}", file.display()))?,
    };
    let mut rows = range
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let header = rows
        .next()
        .with_context(|| format!("{}: the sheet is empty", file.display()))?;
    Ok(Sheet {
        header,
        rows: rows.collect(),
    })
}
