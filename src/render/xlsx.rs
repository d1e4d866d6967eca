//! XLSX workbooks of tables, one worksheet each: a bold frozen header row, filters, wrapped text and column widths.
//! The document's creation date is the judging date, so the same commit gives the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};

use super::{RenderError, Table};

/// A workbook of one worksheet per `(name, table)`, in order.
pub fn xlsx(
    sheets: &[(&str, &Table)],
    title: &str,
    date: jiff::civil::Date,
) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    let created =
        ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&created),
    );
    let header_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color("#DCE6F1");
    let cell_format = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (sheet, table) in sheets {
        add_sheet(&mut workbook, sheet, table, &header_format, &cell_format)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The most characters an Excel cell holds.
const CELL_LIMIT: usize = 32_767;

/// A cell's text cut to what Excel holds, saying so: one huge cell must not stop the workbook.
fn fitted(text: &str) -> std::borrow::Cow<'_, str> {
    let count = text.chars().count();
    if count <= CELL_LIMIT {
        return text.into();
    }
    let note = format!(" … (cut: {count} characters; the CSV has them all)");
    let keep = CELL_LIMIT - note.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(&note);
    cut.into()
}

fn add_sheet(
    workbook: &mut Workbook,
    sheet: &str,
    table: &Table,
    header_format: &Format,
    cell_format: &Format,
) -> Result<(), RenderError> {
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet)?;
    for (column, (name, width)) in table.header.iter().zip(&table.widths).enumerate() {
        let column = column as u16;
        worksheet.set_column_width(column, *width)?;
        worksheet.write_string_with_format(0, column, name, header_format)?;
    }
    for (row, cells) in table.rows.iter().enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            let text = fitted(cell);
            worksheet.write_string_with_format(
                row as u32 + 1,
                column as u16,
                &*text,
                cell_format,
            )?;
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    let last_column = table.header.len().saturating_sub(1) as u16;
    worksheet.autofilter(0, 0, table.rows.len() as u32, last_column)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_longer_than_excel_holds_is_cut_and_says_so() {
        let long = "x".repeat(100_000);
        let cut = fitted(&long);
        assert_eq!(cut.chars().count(), CELL_LIMIT);
        assert!(cut.ends_with("(cut: 100000 characters; the CSV has them all)"));
        assert_eq!(fitted("short"), "short");
    }
}
