//! Stage 6, cli: commands, arguments and output formats.
//!
//! Takes the command line; runs the pipeline (through [`crate::plan`] where a command needs more than
//! one stage) and prints the results in the chosen format.
//! This is the only module that writes to the terminal. Exit codes: 0 clean, 1 findings at or above
//! `--deny`, 2 usage or I/O failure.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bundle;
mod codeowners;
mod diff;
mod frameworks;
mod history;
mod import;
mod init;
mod migrate;
mod new;
mod render;
mod report;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::Severity;
use crate::model::judging::Basis;
use crate::model::schema::{SCHEMA_KINDS, schema_for};

/// Git-native compliance as code: one control library for ISO 27001:2022 and SOC 2.
#[derive(Debug, Parser)]
#[command(name = "crosswalk", version, about, long_about = None)]
pub struct Cli {
    /// Run as if started in DIR (the repository is DIR or its nearest parent with crosswalk.toml).
    #[arg(
        short = 'C',
        long = "directory",
        global = true,
        value_name = "DIR",
        default_value = "."
    )]
    directory: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate every document, reference, mapping and piece of evidence.
    Check(CheckArgs),
    /// List framework catalogs, or show one's requirements.
    Frameworks {
        #[command(subcommand)]
        action: Option<FrameworksAction>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human, global = true)]
        format: ListFormat,
    },
    /// The review trail of one document: every change, its author and its approvals.
    History {
        /// A document id (POL-ACCESS) or a path relative to the repository root.
        document: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = history::TrailFormat::Md)]
        format: history::TrailFormat,
        /// Forge reviews: the JSON of `gh pr list --state merged --json number,mergeCommit,reviews,author`.
        #[arg(long, value_name = "FILE")]
        reviews: Option<PathBuf>,
    },
    /// Every change to a compliance file in a window, with its approvals (a SOC 2 Type II population).
    Log {
        /// First day (YYYY-MM-DD), inclusive.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        since: Option<jiff::civil::Date>,
        /// Last day (YYYY-MM-DD), inclusive.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        until: Option<jiff::civil::Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = history::TrailFormat::Md)]
        format: history::TrailFormat,
        /// Forge reviews: the JSON of `gh pr list --state merged --json number,mergeCommit,reviews,author`.
        #[arg(long, value_name = "FILE")]
        reviews: Option<PathBuf>,
    },
    /// Record a periodic review with no content change: a commit with an Approved-by trailer.
    Review {
        /// Document ids.
        #[arg(required = true)]
        documents: Vec<String>,
        /// The person (a key of [people]) who approved the review.
        #[arg(long, value_name = "PERSON")]
        approved_by: String,
    },
    /// Render the Statement of Applicability, the mapping matrix and the other outputs into a folder.
    Build {
        /// The folder; `out/` at the repository root by default. Files in it that crosswalk does not
        /// write are left alone.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        point: PointArgs,
    },
    /// Coverage per framework: covered, partial, excluded, uncovered; single points of failure;
    /// controls without fresh evidence; the overlap between frameworks.
    Gaps {
        /// Only this framework (a catalog id in scope).
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::plan::GapsFormat::Md)]
        format: crate::plan::GapsFormat,
        #[command(flatten)]
        point: PointArgs,
    },
    /// What a change does to compliance, between two git revisions (read from git objects, no
    /// checkout): documents, requirements gaining or losing controls, SoA rows, findings introduced
    /// and fixed, approvals needed.
    Diff {
        /// The base revision, e.g. `origin/main`; compared from its merge base with HEAD.
        base: String,
        /// The head revision.
        #[arg(default_value = "HEAD")]
        head: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Md)]
        format: diff::DiffFormat,
        /// Judge evidence freshness as of this date; by default the head commit's date.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<jiff::civil::Date>,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write CODEOWNERS from document owners and approvers, so GitHub requests the right reviewers.
    /// Only the block between the crosswalk marker lines is written; other lines are kept.
    Codeowners {
        /// The file; by default the CODEOWNERS in use (.github/, the root or docs/ of the git work
        /// tree), else .github/CODEOWNERS.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write nothing; exit 1 when the file is not up to date.
        #[arg(long)]
        check: bool,
    },
    /// Everything connected to a requirement, control, policy, evidence record or risk, across
    /// frameworks: requirements, controls, policies, evidence, risks and crosswalk relations.
    Trace {
        /// `iso27001:A.5.18`, a requirement id that one catalog has (`CC6.1`), or a document id.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = render::TraceFormat::Text)]
        format: render::TraceFormat,
        /// Judge evidence freshness as of this date; by default today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<jiff::civil::Date>,
    },
    /// The ISO 27001 Statement of Applicability: every Annex A control, applicable or excluded.
    Soa {
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::plan::SoaFormat::Md)]
        format: crate::plan::SoaFormat,
        #[command(flatten)]
        table: TableArgs,
    },
    /// The risk register with its heat maps, or the risk treatment plan (ISO 27001 6.1.2, 6.1.3).
    Risks {
        /// Output format (a PDF has the heat maps; XLSX has the register and the plan).
        #[arg(long, value_enum, default_value_t = crate::plan::SoaFormat::Md)]
        format: crate::plan::SoaFormat,
        /// The risk treatment plan instead of the register.
        #[arg(long)]
        plan: bool,
        #[command(flatten)]
        table: TableArgs,
    },
    /// The register of nonconformities (ISO 27001 10.2): each one's cause, corrective action, due
    /// date, closing and verification, and its state as of the judging date.
    Nonconformities {
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::plan::SoaFormat::Md)]
        format: crate::plan::SoaFormat,
        #[command(flatten)]
        table: TableArgs,
    },
    /// The mapping matrix: each control, the requirements it satisfies per framework, its evidence.
    Matrix {
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::plan::TableFormat::Md)]
        format: crate::plan::TableFormat,
        #[command(flatten)]
        table: TableArgs,
    },
    /// Print the JSON Schema of a front matter kind, of crosswalk.toml or of a catalog.
    Schema {
        /// policy, control, evidence, risk, config, catalog, crosswalk, or model (of
        /// out/model.json); all of them when omitted.
        #[arg(value_parser = schema_name)]
        kind: Option<String>,
    },
    /// Write a starter repository into DIR: the example company, or with --minimal a skeleton to
    /// make your own.
    Init {
        /// Where to write it; created if missing. Existing files are never overwritten.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// A skeleton for one company instead of the example: crosswalk.toml with placeholders,
        /// one policy, control, evidence record and risk, and a README of next steps.
        #[arg(long)]
        minimal: bool,
    },
    /// Write a new policy, control, evidence record or risk with every required key, from
    /// `templates/new/KIND.md` when the repository has one.
    New {
        /// What to write.
        #[arg(value_enum)]
        kind: new::NewKind,
        /// Its id, e.g. AC-03 (letters, digits, `.`, `_`, `-`); the file is named after it.
        id: String,
        /// Its title.
        #[arg(long)]
        title: Option<String>,
    },
    /// Import a control spreadsheet (one row per control, into controls/), a strongdm/comply
    /// repository (policies, narratives and procedures), an OSCAL catalog (into frameworks/ID.toml)
    /// or an OSCAL mapping (into a crosswalk): never overwrites, ends with a check.
    Import {
        /// What to import.
        #[arg(value_enum)]
        format: import::ImportFormat,
        /// The spreadsheet (with a header row), the comply repository's folder, or the OSCAL JSON
        /// file.
        #[arg(value_name = "SOURCE")]
        file: PathBuf,
        /// Which column fills which field, e.g. --map "Control ID=id" --map "ISO 27001=iso27001";
        /// without it, columns named after a field (id, title, owner, policy, frequency, status,
        /// description, or a framework id) are used.
        #[arg(long, value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        /// The sheet of a workbook to read; the first by default.
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// The id of the catalog or crosswalk an OSCAL import writes (a slug of its title, or
        /// FROM-TO, by default).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// For oscal-mapping: the catalog its sources are requirements of.
        #[arg(long, value_name = "ID", required_if_eq("format", "oscal-mapping"))]
        from: Option<String>,
        /// For oscal-mapping: the catalog its targets are requirements of.
        #[arg(long, value_name = "ID", required_if_eq("format", "oscal-mapping"))]
        to: Option<String>,
    },
    /// The auditor's package for one framework and period: the SoA, matrix, gaps, policies and
    /// registers as of the period's end, the change population of the period with its
    /// reconciliation, the period's evidence with its attachments, an index page and a SHA-256
    /// manifest naming the commit. Deterministic: the same inputs give byte-identical files.
    Bundle {
        /// The framework (a catalog id in scope), e.g. soc2 or iso27001.
        #[arg(long, value_name = "ID")]
        framework: String,
        /// The period's first day.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: jiff::civil::Date,
        /// The period's last day: the repository as it stood then (the last commit landed by then),
        /// judged as of then.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: jiff::civil::Date,
        /// A new or empty folder to write the bundle into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Re-check a bundle against the repository: every file's hash against the manifest, and every
    /// file rebuilt from the repository at the manifest's commit. Exit 1 when anything differs.
    Verify {
        /// The bundle's folder (holding MANIFEST.sha256).
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = bundle::VerifyFormat::Text)]
        format: bundle::VerifyFormat,
    },
    /// Export the repository in a standard format: OSCAL 1.2.1 JSON, a component definition (each
    /// control and the requirements it implements) or a system security plan.
    Export {
        /// The format.
        #[arg(value_enum)]
        format: render::ExportFormat,
        /// Which OSCAL model.
        #[arg(long, value_enum)]
        model: crate::plan::OscalModel,
        #[command(flatten)]
        table: TableArgs,
    },
    /// Rewrite references of an older numbering to the current one (ISO/IEC 27001:2013 Annex A ids
    /// to their 2022 successors), as a unified diff; only with --write are files changed, and then
    /// only those references.
    Migrate {
        /// Which numbering to migrate from.
        #[arg(value_enum)]
        from: migrate::Migration,
        /// Rewrite the files (atomically) instead of printing the diff only.
        #[arg(long)]
        write: bool,
    },
    /// Print a shell completion script, e.g. `crosswalk completions bash > ~/.local/share/bash-completion/completions/crosswalk`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff, for `man -l -`), or write one page per command into a folder.
    Man {
        /// Write `crosswalk.1` and `crosswalk-COMMAND.1` for every command into DIR (created if
        /// missing; existing pages are replaced).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// When and where `soa` and `matrix` write their table.
#[derive(Debug, clap::Args)]
pub(super) struct TableArgs {
    #[command(flatten)]
    point: PointArgs,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Which state of the repository a rendering command reads, and the date it judges as of.
#[derive(Debug, clap::Args)]
pub(super) struct PointArgs {
    /// Judge evidence freshness as of this date; by default the date of the commit rendered.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<jiff::civil::Date>,
    /// The repository as it stood at a tag, a commit or a date (YYYY-MM-DD: the last commit of
    /// HEAD's first-parent line by the end of that day), read from git objects; the working tree
    /// is untouched.
    #[arg(long, value_name = "REV")]
    at: Option<String>,
}

#[derive(Debug, Subcommand)]
enum FrameworksAction {
    /// Show one catalog's groups and requirements.
    Show {
        /// Catalog id, e.g. iso27001 or soc2.
        id: String,
    },
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = report::Format::Human)]
    format: report::Format,
    /// Fail (exit 1) on findings of this severity or worse.
    #[arg(long, value_enum, default_value_t = Deny::Error)]
    deny: Deny,
    /// Judge evidence (freshness, the periods so far) and review cadences as of this date
    /// (YYYY-MM-DD); by default today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<jiff::civil::Date>,
    /// Skip the git history checks (approvals, reviews, uncommitted changes).
    #[arg(long)]
    no_history: bool,
    /// Leave out the crosswalk suggestions (CW026 hints); `[check] hints = false` does the same.
    #[arg(long)]
    no_hints: bool,
    /// Forge reviews: the JSON of `gh pr list --state merged --json number,mergeCommit,reviews,author`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_history")]
    reviews: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Deny {
    /// Fail on errors only.
    Error,
    /// Fail on warnings too.
    #[value(alias = "warning")]
    Warnings,
}

/// Output format of listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    /// Aligned text.
    Human,
    /// JSON.
    Json,
}

fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    text.parse::<jiff::civil::Date>()
        .map_err(|e| format!("expected a date such as 2026-11-24: {e}"))
}

/// The names `crosswalk schema` knows: every file kind, and `model` for `out/model.json`.
fn schema_names() -> Vec<&'static str> {
    SCHEMA_KINDS
        .iter()
        .map(|k| k.name())
        .chain(["model"])
        .collect()
}

fn schema_name(text: &str) -> Result<String, String> {
    let names = schema_names();
    names
        .contains(&text)
        .then(|| text.to_string())
        .ok_or_else(|| format!("expected one of: {}", names.join(", ")))
}

fn schema_of(name: &str) -> serde_json::Value {
    match SCHEMA_KINDS.iter().find(|k| k.name() == name) {
        Some(&kind) => schema_for(kind),
        None => crate::render::export::schema(),
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A reader that stopped reading (`crosswalk log | head`) is not a failure.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check(&cli.directory, &args),
        Command::Frameworks { action, format } => {
            let id = action.map(|FrameworksAction::Show { id }| id);
            frameworks::run(&cli.directory, id.as_deref(), format == ListFormat::Json)
        }
        Command::History {
            document,
            format,
            reviews,
        } => history::history(&cli.directory, &document, format, reviews.as_deref()),
        Command::Log {
            since,
            until,
            format,
            reviews,
        } => history::log(&cli.directory, since, until, format, reviews.as_deref()),
        Command::Review {
            documents,
            approved_by,
        } => history::review(&cli.directory, &documents, &approved_by),
        Command::Gaps {
            framework,
            format,
            point,
        } => render::gaps(&cli.directory, framework.as_deref(), format, &point),
        Command::Build { out, point } => render::build(&cli.directory, out, &point),
        Command::Diff {
            base,
            head,
            format,
            as_of,
            out,
        } => diff::run(&cli.directory, &base, &head, format, as_of, out.as_deref()),
        Command::Codeowners { out, check } => codeowners::run(&cli.directory, out, check),
        Command::Trace { id, format, as_of } => render::trace(&cli.directory, &id, format, as_of),
        Command::Soa { format, table } => {
            render::table(&cli.directory, render::Table::Soa(format), &table)
        }
        Command::Risks {
            format,
            plan,
            table,
        } => render::table(&cli.directory, render::Table::Risks(format, plan), &table),
        Command::Nonconformities { format, table } => render::table(
            &cli.directory,
            render::Table::Nonconformities(format),
            &table,
        ),
        Command::Matrix { format, table } => {
            render::table(&cli.directory, render::Table::Matrix(format), &table)
        }
        Command::Schema { kind } => schema(kind),
        Command::Init { dir, minimal } => init::run(&cli.directory.join(dir), minimal),
        Command::New { kind, id, title } => new::run(&cli.directory, kind, &id, title.as_deref()),
        Command::Import {
            format,
            file,
            map,
            sheet,
            id,
            from,
            to,
        } => import::run(
            &cli.directory,
            format,
            &file,
            &import::Options {
                maps: &map,
                sheet: sheet.as_deref(),
                id: id.as_deref(),
                from: from.as_deref(),
                to: to.as_deref(),
            },
        ),
        Command::Export {
            format: render::ExportFormat::Oscal,
            model,
            table,
        } => render::export(&cli.directory, model, &table),
        Command::Bundle {
            framework,
            from,
            to,
            out,
        } => bundle::bundle(&cli.directory, framework, from, to, &out),
        Command::Verify { dir, format } => bundle::verify(&cli.directory, &dir, format),
        Command::Migrate { from, write } => migrate::run(&cli.directory, from, write),
        Command::Completions { shell } => completions(shell),
        Command::Man { out } => man(&cli.directory, out.as_deref()),
    }
}

fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "crosswalk", &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The manual page of `command`, in roff.
fn page(command: clap::Command) -> Result<Vec<u8>> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command).render(&mut roff)?;
    Ok(roff)
}

fn man(directory: &std::path::Path, out: Option<&std::path::Path>) -> Result<ExitCode> {
    let command = <Cli as clap::CommandFactory>::command();
    let Some(out) = out else {
        std::io::stdout().lock().write_all(&page(command)?)?;
        return Ok(ExitCode::SUCCESS);
    };
    let folder = directory.join(out);
    let mut pages = vec![("crosswalk.1".to_string(), page(command.clone())?)];
    for sub in command.get_subcommands().filter(|c| c.get_name() != "help") {
        let name = format!("crosswalk-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("crosswalk {}", sub.get_name()));
        pages.push((format!("{name}.1"), page(sub)?));
    }
    for (name, roff) in &pages {
        let path = folder.join(name);
        crate::atomic::write(&path, roff)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    writeln!(
        std::io::stdout().lock(),
        "Wrote {} manual pages to {}.",
        pages.len(),
        folder.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn check(directory: &std::path::Path, args: &CheckArgs) -> Result<ExitCode> {
    let root = crate::load::find_root(directory)?;
    let as_of = crate::plan::judging_date(&root, args.as_of, Basis::Today)?.date;
    let history = match args.no_history {
        true => None,
        false => Some(crate::check::HistoryOptions {
            reviews: history::load_reviews(args.reviews.as_deref())?,
        }),
    };
    let options = crate::check::Options {
        as_of,
        history,
        hints: !args.no_hints,
    };
    let (workspace, findings) = crate::check(directory, &options)?;
    let threshold = match args.deny {
        Deny::Error => Severity::Error,
        Deny::Warnings => Severity::Warning,
    };
    let summary = report::Summary::new(&workspace.model, &findings, as_of);
    let mut out = std::io::stdout().lock();
    report::write(&mut out, args.format, &workspace.files, &findings, &summary)
        .context("cannot write the report")?;
    out.flush().ok();
    let failed = findings
        .iter()
        .any(|f| f.severity() >= threshold && f.accepted.is_none());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn schema(name: Option<String>) -> Result<ExitCode> {
    let value = match name {
        Some(name) => schema_of(&name),
        None => serde_json::Value::Object(
            schema_names()
                .into_iter()
                .map(|n| (n.to_string(), schema_of(n)))
                .collect(),
        ),
    };
    let text = serde_json::to_string_pretty(&value)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(ExitCode::SUCCESS)
}

/// Fails with the usage exit code.
fn usage(message: String) -> Result<ExitCode> {
    bail!(message)
}
