//! Office documents: Word (`word/document.xml` of a DOCX, read with `quick-xml`) and spreadsheets
//! (XLSX, ODS, read with `calamine` once the sheets are known to be of a sane size), as text.
//!
//! An archive is weighed before anything inflates: at most 10,000 members, each at most
//! [`MAX_INFLATED_BYTES`] and all together [`MAX_INFLATED_TOTAL`] as the archive declares them —
//! and `zip` refuses to inflate a member past its declared size, so a zip bomb is refused unread.

use super::{MAX_INFLATED_BYTES, MAX_INFLATED_TOTAL, MAX_TEXT_BYTES, Reading};
use calamine::{Data, DataType, Reader};
use quick_xml::events::Event;
use std::io::{Cursor, Read};

const MAX_MEMBERS: usize = 10_000;
/// Rows of one sheet read (the text is cut at 64 KiB anyway).
const MAX_ROWS: usize = 5_000;

pub fn read_archive(bytes: &[u8]) -> Reading {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(_) => return Reading::none("not read: the archive is damaged"),
    };
    if archive.len() > MAX_MEMBERS {
        return Reading::none(format!("not read: an archive of {} members", archive.len()));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(member) = archive.by_index_raw(i) else {
            return Reading::none("not read: the archive is damaged");
        };
        if member.size() > MAX_INFLATED_BYTES {
            return Reading::none(format!(
                "not read: a member inflates to {} bytes (a zip bomb?)",
                member.size()
            ));
        }
        total = total.saturating_add(member.size());
    }
    if total > MAX_INFLATED_TOTAL {
        return Reading::none(format!(
            "not read: the archive inflates to {total} bytes (a zip bomb?)"
        ));
    }
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("word/document.xml") {
        return read_docx(&mut archive);
    }
    if has("xl/workbook.xml") {
        if let Some(refusal) = oversized_sheets(&mut archive, false) {
            return refusal;
        }
        return spreadsheet(calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(
            Cursor::new(bytes),
        ));
    }
    if has("content.xml") && mimetype(&mut archive).contains("spreadsheet") {
        if let Some(refusal) = oversized_sheets(&mut archive, true) {
            return refusal;
        }
        return spreadsheet(calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(
            Cursor::new(bytes),
        ));
    }
    Reading::none("not read: an archive, not a Word document or a spreadsheet")
}

/// The cells a sheet may span (calamine lays a sheet out as one rectangle from its first to its
/// last filled cell: `A1` and `XFD1048576` in a few bytes would ask for 1.7e10 cells).
const MAX_SHEET_CELLS: u64 = 2_000_000;

/// A refusal when a sheet's filled cells span more than [`MAX_SHEET_CELLS`], read from the sheet
/// XML as it streams (XLSX: the `r` references of `row` and `c`; ODS: rows and typed cells with
/// their repeat counts), before calamine lays anything out.
fn oversized_sheets(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, ods: bool) -> Option<Reading> {
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .filter(|n| {
            if ods {
                n == "content.xml"
            } else {
                n.starts_with("xl/worksheets/") && n.ends_with(".xml")
            }
        })
        .collect();
    for name in names {
        let mut xml = Vec::new();
        let member = archive.by_name(&name).ok()?;
        if member
            .take(MAX_INFLATED_BYTES)
            .read_to_end(&mut xml)
            .is_err()
        {
            return Some(Reading::none("not read: the spreadsheet is damaged"));
        }
        let span = if ods { ods_span(&xml) } else { xlsx_span(&xml) };
        if span > MAX_SHEET_CELLS {
            return Some(Reading::none(format!(
                "not read: a sheet spans {span} cells (at most {MAX_SHEET_CELLS})"
            )));
        }
    }
    None
}

/// The widest rectangle of filled cells in one XLSX sheet part.
fn xlsx_span(xml: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let (mut rows, mut cols) = ((u64::MAX, 0u64), (u64::MAX, 0u64));
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element))
                if matches!(element.local_name().as_ref(), "c" | "row") =>
            {
                let reference = element
                    .try_get_attribute("r")
                    .ok()
                    .flatten()
                    .map(|a| a.value.to_string());
                if let Some((column, row)) = reference.as_deref().and_then(cell_position) {
                    rows = (rows.0.min(row), rows.1.max(row));
                    if element.local_name().as_ref() == "c" {
                        cols = (cols.0.min(column), cols.1.max(column));
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buffer.clear();
    }
    let extent = |(low, high): (u64, u64)| if high >= low { high - low + 1 } else { 1 };
    extent(rows).saturating_mul(extent(cols))
}

/// `XFD1048576` → (16384, 1048576); a row number alone (a `row`'s `r`) → (0, row).
fn cell_position(reference: &str) -> Option<(u64, u64)> {
    let letters = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    let mut column: u64 = 0;
    for letter in reference[..letters].bytes() {
        column = column
            .saturating_mul(26)
            .saturating_add(u64::from(letter.to_ascii_uppercase() - b'A' + 1));
    }
    let row = reference[letters..].parse::<u64>().ok()?;
    Some((column, row))
}

/// The rectangle from the first to the last row holding a typed (filled) cell, as wide as the
/// widest such row, counting repeats.
fn ods_span(xml: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let repeat = |element: &quick_xml::events::BytesStart, name: &str| -> u64 {
        element
            .try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    let (mut row, mut row_repeat, mut column) = (0u64, 1u64, 0u64);
    let (mut first_filled, mut last_filled, mut widest) = (None, 0u64, 0u64);
    let mut filled_in_row = false;
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element)) if element.name().as_ref() == "table:table" => row = 0,
            Ok(Event::Start(element)) if element.name().as_ref() == "table:table-row" => {
                row_repeat = repeat(&element, "table:number-rows-repeated");
                column = 0;
                filled_in_row = false;
            }
            Ok(Event::Start(element) | Event::Empty(element))
                if matches!(
                    element.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let columns = repeat(&element, "table:number-columns-repeated");
                column = column.saturating_add(columns);
                if element
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some()
                {
                    filled_in_row = true;
                    widest = widest.max(column);
                }
            }
            Ok(Event::End(element)) if element.name().as_ref() == "table:table-row" => {
                if filled_in_row {
                    first_filled.get_or_insert(row);
                    last_filled = row.saturating_add(row_repeat);
                }
                row = row.saturating_add(row_repeat);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buffer.clear();
    }
    match first_filled {
        Some(first) => (last_filled - first).saturating_mul(widest),
        None => 0,
    }
}

fn mimetype(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> String {
    let mut text = String::new();
    if let Ok(member) = archive.by_name("mimetype") {
        let _ = member.take(200).read_to_string(&mut text);
    }
    text
}

/// The paragraphs of a Word document, one per line (tabs and breaks kept).
fn read_docx(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Reading {
    let mut xml = Vec::new();
    match archive.by_name("word/document.xml") {
        Ok(member) => {
            if member
                .take(MAX_INFLATED_BYTES)
                .read_to_end(&mut xml)
                .is_err()
            {
                return Reading::none("not read: the document part is damaged");
            }
        }
        Err(_) => return Reading::none("not read: the archive is damaged"),
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut text = String::new();
    let mut in_text = false;
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element)) if element.local_name().as_ref() == "t" => in_text = true,
            Ok(Event::End(element)) => match element.local_name().as_ref() {
                "t" => in_text = false,
                "p" => text.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(element)) => match element.local_name().as_ref() {
                "tab" => text.push('\t'),
                "br" | "cr" => text.push('\n'),
                _ => {}
            },
            Ok(Event::Text(content)) if in_text => text.push_str(&content.xml10_content()),
            Ok(Event::GeneralRef(reference)) if in_text => {
                if let Ok(Some(c)) = reference.resolve_char_ref() {
                    text.push(c);
                } else {
                    match reference.as_ref() {
                        "amp" => text.push('&'),
                        "lt" => text.push('<'),
                        "gt" => text.push('>'),
                        "quot" => text.push('"'),
                        "apos" => text.push('\''),
                        _ => {}
                    }
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => return Reading::none("not read: the document part is damaged"),
            _ => {}
        }
        buffer.clear();
        if text.len() > MAX_TEXT_BYTES * 2 {
            break;
        }
    }
    Reading::text(text, None)
}

/// Every sheet as `Sheet: <name>` and its rows, cells separated by ` | ` (empty rows left out).
fn spreadsheet<'a, R: Reader<Cursor<&'a [u8]>>>(workbook: Result<R, R::Error>) -> Reading {
    let Ok(mut workbook) = workbook else {
        return Reading::none("not read: the spreadsheet is damaged");
    };
    let mut text = String::new();
    let mut cut_rows = false;
    for (name, range) in workbook.worksheets() {
        text.push_str(&format!("Sheet: {name}\n"));
        for (n, row) in range.rows().enumerate() {
            if n >= MAX_ROWS {
                cut_rows = true;
                break;
            }
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            text.push_str(cells.join(" | ").trim_end_matches([' ', '|']));
            text.push('\n');
            if text.len() > MAX_TEXT_BYTES * 2 {
                break;
            }
        }
        text.push('\n');
    }
    Reading::text(
        text,
        cut_rows.then(|| format!("read the first {MAX_ROWS} rows of a sheet")),
    )
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Error(error) => format!("#{error:?}"),
        Data::DateTime(_) => match cell.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.format("%Y-%m-%d").to_string(),
            Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
            None => cell.to_string(),
        },
        other => other.to_string(),
    }
}
