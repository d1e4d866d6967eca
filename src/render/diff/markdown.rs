//! The diff report as Markdown, for a pull request comment.

use std::fmt::Write;

use super::{
    ApprovalNeed, CoverageChange, DiffReport, DocumentChange, FindingView, RequirementChange,
    SoaChange, change_name,
};
use crate::history::ChangeKind;
use crate::render::gaps::Headline;
use crate::render::{count, markdown_cell, markdown_code, markdown_message};

/// The report as Markdown.
pub fn to_markdown(report: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Compliance impact\n");
    let [(base, base_name), (head, head_name)] = report.revisions();
    let as_of = &report.as_of;
    let _ = writeln!(
        out,
        "{} ({}) → {} ({}); evidence judged as of {as_of}.\n",
        markdown_code(base),
        markdown_cell(base_name),
        markdown_code(head),
        markdown_cell(head_name)
    );
    let uncovered: Vec<&RequirementChange> = report
        .requirements
        .iter()
        .filter(|r| r.left_uncovered)
        .collect();
    if !uncovered.is_empty() {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> **{} left with no control at all:**",
            count(uncovered.len(), "requirement is", "requirements are")
        );
        for r in uncovered {
            let _ = writeln!(
                out,
                "> - {} {} {} (was claimed by {})",
                markdown_cell(&r.framework),
                markdown_code(&r.id),
                markdown_cell(&r.title),
                markdown_cell(&r.lost.join(", "))
            );
        }
        out.push('\n');
    }
    markdown_coverage(&mut out, &report.coverage);
    markdown_documents(&mut out, &report.documents);
    markdown_requirements(&mut out, &report.requirements);
    markdown_soa(&mut out, &report.soa);
    markdown_findings(&mut out, "Findings introduced", &report.introduced);
    markdown_findings(&mut out, "Findings fixed", &report.fixed);
    markdown_approvals(&mut out, &report.approvals);
    out
}

/// The headline coverage of each framework, before and after: the evidenced share, with the claimed
/// share beside it (never counted as covered).
fn markdown_coverage(out: &mut String, coverage: &[CoverageChange]) {
    if coverage.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| Framework | Evidenced before | Evidenced after | Claimed without evidence (after) |\n|---|---|---|---|"
    );
    let figure = |h: &Option<Headline>| {
        h.as_ref().map_or("not in scope".to_string(), |h| {
            format!("{}% ({} of {})", h.percent, h.evidenced, h.applicable)
        })
    };
    for c in coverage {
        let claimed = c
            .after
            .as_ref()
            .map_or(String::new(), |h| h.claimed.to_string());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            markdown_cell(&c.title),
            figure(&c.before),
            figure(&c.after),
            claimed
        );
    }
    out.push('\n');
}

/// A section of the Markdown report: a heading with the number of items, then `empty` when there
/// are none, else `header` (a table's first two lines, if any) and the lines of each item.
fn markdown_section<T>(
    out: &mut String,
    title: &str,
    items: &[T],
    empty: &str,
    header: &str,
    lines: impl Fn(&T) -> Vec<String>,
) {
    let _ = writeln!(out, "### {title} ({})\n", items.len());
    if items.is_empty() {
        let _ = writeln!(out, "{empty}\n");
        return;
    }
    if !header.is_empty() {
        let _ = writeln!(out, "{header}");
    }
    for line in items.iter().flat_map(lines) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

fn markdown_documents(out: &mut String, documents: &[DocumentChange]) {
    let header = "| document | kind | change | what changed |\n|---|---|---|---|";
    markdown_section(
        out,
        "Documents",
        documents,
        "No compliance document changes.",
        header,
        |d| {
            let change = match &d.change {
                ChangeKind::Renamed { from } => format!("renamed from {}", markdown_code(from)),
                other => change_name(other).to_string(),
            };
            let (id, what) = (markdown_cell(&d.id), markdown_message(&d.describe()));
            vec![format!(
                "| {id} {} | {} | {change} | {what} |",
                markdown_code(&d.path),
                d.kind.name()
            )]
        },
    );
}

fn markdown_requirements(out: &mut String, requirements: &[RequirementChange]) {
    let header = "| requirement | gains | loses | claimed by now |\n|---|---|---|---|";
    let empty = "No requirement gains or loses a control.";
    markdown_section(out, "Requirements", requirements, empty, header, |r| {
        let now = match (r.now.is_empty(), r.left_uncovered) {
            (true, true) => "**no control**".to_string(),
            (true, false) => "no control".to_string(),
            _ => r.now.join(", "),
        };
        let now = match r.now.is_empty() {
            true => now,
            false => markdown_cell(&now),
        };
        let (gained, lost) = (
            markdown_cell(&r.gained.join(", ")),
            markdown_cell(&r.lost.join(", ")),
        );
        let title = markdown_cell(&r.title);
        vec![format!(
            "| {} {} {title} | {gained} | {lost} | {now} |",
            markdown_cell(&r.framework),
            markdown_code(&r.id)
        )]
    });
}

fn markdown_soa(out: &mut String, rows: &[SoaChange]) {
    let header = "| control | field | before | after |\n|---|---|---|---|";
    let title = "Statement of Applicability";
    markdown_section(out, title, rows, "No row changes.", header, |row| {
        row.fields
            .iter()
            .map(|f| {
                let before = markdown_cell(f.before.as_deref().unwrap_or("(new row)"));
                let after = markdown_cell(f.after.as_deref().unwrap_or(""));
                let control = format!("{} {}", markdown_cell(&row.id), markdown_cell(&row.title));
                format!(
                    "| {control} | {} | {before} | {after} |",
                    markdown_cell(&f.key)
                )
            })
            .collect()
    });
}

fn markdown_findings(out: &mut String, title: &str, findings: &[FindingView]) {
    markdown_section(out, title, findings, "None.", "", |f| {
        vec![format!(
            "- **{}** {} {} at {}: {}",
            f.severity,
            f.code,
            f.name,
            markdown_code(&format!("{}:{}:{}", f.path, f.line, f.column)),
            markdown_message(&f.message)
        )]
    });
}

fn markdown_approvals(out: &mut String, approvals: &[ApprovalNeed]) {
    let header = "| document | may approve (any one) | approval in this change |\n|---|---|---|";
    let empty = "No document needs approval.";
    markdown_section(out, "Approvals", approvals, empty, header, |a| {
        let approved = match (a.approved_by.is_empty(), &a.blocked) {
            (true, Some(why)) => markdown_message(why),
            (true, None) => "not yet".to_string(),
            (false, _) => format!("approved by {}", markdown_cell(&a.approved_by.join(", "))),
        };
        let (document, people) = (
            markdown_cell(&a.document),
            markdown_cell(&a.may_approve.join(", ")),
        );
        vec![format!("| {document} | {people} | {approved} |")]
    });
}
