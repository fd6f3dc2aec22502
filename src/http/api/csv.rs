//! CSV exports for the desk: UTF-8 with a byte-order mark and CRLF lines, so Excel opens the
//! Japanese text as it is; no cell holds a hidden character (`text::strip_hidden`), and a cell
//! that a spreadsheet would run as a formula (=, +, -, @, a tab first) is prefixed with an
//! apostrophe.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::http::ApiError;
use crate::text::strip_hidden;

/// A CSV download named `name-YYYYMMDD.csv` (today, Japan time).
pub(in crate::http) fn download(
    name: &str,
    header_row: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Response, ApiError> {
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let failed = |e: csv::Error| {
            tracing::error!("writing a CSV export failed: {e}");
            ApiError::Internal
        };
        w.write_record(header_row).map_err(failed)?;
        for row in rows {
            w.write_record(row.iter().map(|c| guard(c).into_owned().into_bytes()))
                .map_err(failed)?;
        }
        w.flush().map_err(|e| failed(e.into()))?;
    }
    let today = datetime(crate::database::now());
    let disposition = format!(
        "attachment; filename=\"{name}-{}.csv\"",
        today[..10].replace('-', "")
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        out,
    )
        .into_response())
}

/// A cell as written: without hidden characters (a row stored before they were removed at
/// the edge shows none either), and an apostrophe before what a spreadsheet would take for a
/// formula.
fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    let cell = strip_hidden(cell);
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell,
    }
}

/// `YYYY-MM-DD HH:MM` in Japan time.
pub(in crate::http) fn datetime(at: i64) -> String {
    let d = crate::dialogue::japan_date(at);
    let secs = (at + crate::dialogue::JST_OFFSET_SECS).rem_euclid(86_400);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.year,
        d.month,
        d.day,
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_times_are_japan_time() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("-1"), "'-1");
        assert_eq!(guard("熊本"), "熊本");
        // 2026-11-29 15:30 UTC is 2026-11-30 00:30 in Japan.
        assert_eq!(datetime(1_795_966_200), "2026-11-30 00:30");
    }
}
