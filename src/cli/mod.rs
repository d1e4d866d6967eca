//! Stage 4, cli: commands, arguments and output formats.
//!
//! Takes the command line; runs the pipeline stages and prints their results in the chosen format.
//! This is the only module that writes to the terminal. Exit codes: 0 clean, 1 findings at or above
//! `--deny`, 2 usage or I/O failure.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod frameworks;
mod init;
mod report;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::Severity;
use crate::load::Kind;
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
    /// Print the JSON Schema of a front matter kind, of crosswalk.toml or of a catalog.
    Schema {
        /// policy, control, evidence, risk, config or catalog; all of them when omitted.
        #[arg(value_parser = kind_name)]
        kind: Option<Kind>,
    },
    /// Write a starter repository (the example company) into DIR.
    Init {
        /// Where to write it; created if missing. Existing files are never overwritten.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
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
    /// Judge evidence freshness as of this date (YYYY-MM-DD); by default today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<jiff::civil::Date>,
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

fn kind_name(text: &str) -> Result<Kind, String> {
    SCHEMA_KINDS
        .iter()
        .copied()
        .find(|k| k.name() == text)
        .ok_or_else(|| {
            let names: Vec<&str> = SCHEMA_KINDS.iter().map(|k| k.name()).collect();
            format!("expected one of: {}", names.join(", "))
        })
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check(&cli.directory, &args),
        Command::Frameworks { action, format } => {
            let id = action.map(|FrameworksAction::Show { id }| id);
            frameworks::run(&cli.directory, id.as_deref(), format == ListFormat::Json)
        }
        Command::Schema { kind } => schema(kind),
        Command::Init { dir } => init::run(&cli.directory.join(dir)),
    }
}

fn check(directory: &std::path::Path, args: &CheckArgs) -> Result<ExitCode> {
    let as_of = match args.as_of {
        Some(date) => date,
        None => jiff::ZonedDateTime::now().date(),
    };
    let options = crate::check::Options { as_of };
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
    let failed = findings.iter().any(|f| f.severity >= threshold);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn schema(kind: Option<Kind>) -> Result<ExitCode> {
    let value = match kind {
        Some(kind) => schema_for(kind),
        None => serde_json::Value::Object(
            SCHEMA_KINDS
                .iter()
                .map(|&k| (k.name().to_string(), schema_for(k)))
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
