//! CSV (RFC 4180, CRLF line ends), safe to open in a spreadsheet.

/// A header row and records as CSV text.
pub fn write(header: &[String], records: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    push_record(&mut out, header);
    for record in records {
        push_record(&mut out, &record);
    }
    out
}

/// A table as CSV text.
pub fn table(table: &super::Table) -> String {
    write(&table.header, table.rows.iter().cloned())
}

fn push_record(out: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// One cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`, `@`, tab
/// or carriage return is prefixed with `'` so that a spreadsheet never runs a cell as a formula
/// (CSV injection: spreadsheets skip a leading tab or CR and read the `=` after it).
pub fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_injection() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("\t=cmd|' /C calc'!A0"), "'\t=cmd|' /C calc'!A0");
        assert_eq!(cell("\r=1+1"), "\"'\r=1+1\"");
    }
}
