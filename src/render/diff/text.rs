//! The diff report as plain text, for a terminal.

use std::fmt::Write;

use super::{DiffReport, change_name};

/// The report as plain text: the Markdown without its tables' pipes would lose columns, so the
/// text form is the same report, one item per line.
pub fn to_text(report: &DiffReport) -> String {
    let mut out = String::new();
    let [(base, base_name), (head, head_name)] = report.revisions();
    let as_of = &report.as_of;
    let _ = writeln!(
        out,
        "{base} ({base_name}) -> {head} ({head_name}), evidence judged as of {as_of}"
    );
    let _ = writeln!(out, "\ncoverage:");
    for c in &report.coverage {
        let side = |h: &Option<crate::render::gaps::Headline>| {
            h.as_ref()
                .map_or("not in scope".to_string(), |h| h.to_string())
        };
        let _ = writeln!(
            out,
            "  {}: {} -> {}",
            c.framework,
            side(&c.before),
            side(&c.after)
        );
    }
    let _ = writeln!(out, "\ndocuments: {}", report.documents.len());
    for d in &report.documents {
        let _ = writeln!(
            out,
            "  {} {} {} {}",
            change_name(&d.change),
            d.kind.name(),
            d.id,
            d.describe()
        );
    }
    let _ = writeln!(out, "\nrequirements: {}", report.requirements.len());
    for r in &report.requirements {
        let loud = if r.left_uncovered {
            "  LEFT WITH NO CONTROL"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {}:{} +[{}] -[{}]{loud}",
            r.framework,
            r.id,
            r.gained.join(", "),
            r.lost.join(", ")
        );
    }
    let _ = writeln!(out, "\nstatement of applicability: {}", report.soa.len());
    for row in &report.soa {
        for f in &row.fields {
            let _ = writeln!(
                out,
                "  {} {}: {} -> {}",
                row.id,
                f.key,
                f.before.as_deref().unwrap_or("(new row)"),
                f.after.as_deref().unwrap_or("")
            );
        }
    }
    for (title, findings) in [
        ("findings introduced", &report.introduced),
        ("findings fixed", &report.fixed),
    ] {
        let _ = writeln!(out, "\n{title}: {}", findings.len());
        for f in findings {
            let _ = writeln!(
                out,
                "  {}:{}:{}: {} {}: {}",
                f.path, f.line, f.column, f.severity, f.code, f.message
            );
        }
    }
    let _ = writeln!(out, "\napprovals: {}", report.approvals.len());
    for a in &report.approvals {
        let approved = if a.approved_by.is_empty() {
            "not yet".to_string()
        } else {
            a.approved_by.join(", ")
        };
        let _ = writeln!(
            out,
            "  {}: may approve {}; approved: {approved}",
            a.document,
            a.may_approve.join(", ")
        );
    }
    out
}
