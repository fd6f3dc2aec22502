//! The source document: its lines, its pages, and the check that a quote is a verbatim slice
//! of it starting at a given line (ignoring only whitespace and line breaks).

/// How far past its first line a quote may run. The independent checker
/// (`shared/eval/verify_quotes.py`) looks this far, so a longer quote would fail there.
pub const QUOTE_WINDOW_LINES: usize = 40;

/// How many leading characters of a quote must lie on its first line or the next one, again
/// matching the independent checker, which looks for them there.
const QUOTE_HEAD_CHARS: usize = 8;

/// The source text with its whitespace-free index.
#[derive(Debug, Clone)]
pub struct Source {
    lines: Vec<String>,
    pages: Vec<u32>,
    /// The whole text with every whitespace character removed.
    compact: Vec<char>,
    /// For each line, the range of `compact` it covers.
    line_spans: Vec<(usize, usize)>,
}

/// Why a quote does not match the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    LineOutOfRange { lines: usize },
    BlankLine,
    Empty,
    NotAtLine { found_at: Option<u32> },
    HeadSplit,
    TooLong,
    WrongPage { actual: u32 },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::LineOutOfRange { lines } => write!(f, "a line outside 1..={lines}"),
            Mismatch::BlankLine => f.write_str("a blank line"),
            Mismatch::Empty => f.write_str("empty text"),
            Mismatch::NotAtLine { found_at: Some(l) } => {
                write!(f, "text that starts at line {l}, not at this line")
            }
            Mismatch::NotAtLine { found_at: None } => {
                f.write_str("text that does not occur in the source")
            }
            Mismatch::HeadSplit => write!(
                f,
                "text that neither starts the line nor has its first {QUOTE_HEAD_CHARS} characters on it and the next"
            ),
            Mismatch::TooLong => write!(
                f,
                "text running more than {QUOTE_WINDOW_LINES} lines past its first line"
            ),
            Mismatch::WrongPage { actual } => write!(f, "that line on page {actual}"),
        }
    }
}

fn compact(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_whitespace())
}

impl Source {
    /// Splits the document into lines and pages: a page starts at a line that begins with a
    /// space, and line 1 starts page 1.
    pub fn new(text: &str) -> Self {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut pages = Vec::with_capacity(lines.len());
        let mut page = 0;
        let mut all = Vec::new();
        let mut line_spans = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            if i == 0 || line.starts_with(' ') {
                page += 1;
            }
            pages.push(page);
            let start = all.len();
            all.extend(compact(line));
            line_spans.push((start, all.len()));
        }
        Self {
            lines,
            pages,
            compact: all,
            line_spans,
        }
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Pages with any text (the document ends with a lone space, which the page rule would
    /// count as an empty last page).
    pub fn page_count(&self) -> u32 {
        self.lines
            .iter()
            .zip(&self.pages)
            .filter(|(l, _)| !l.trim().is_empty())
            .map(|(_, &p)| p)
            .max()
            .unwrap_or(0)
    }

    /// The page of a 1-based line, if the line exists.
    pub fn page_of(&self, line: u32) -> Option<u32> {
        self.pages.get((line as usize).checked_sub(1)?).copied()
    }

    /// Lines `from..=to` (1-based), joined with newlines; clamped to the document.
    pub fn lines(&self, from: u32, to: u32) -> String {
        let a = (from.max(1) as usize - 1).min(self.lines.len());
        let b = (to as usize).min(self.lines.len()).max(a);
        self.lines[a..b].join("\n")
    }

    /// Checks that `text` is a verbatim slice of the source (modulo whitespace) that starts on
    /// 1-based `line`, which lies on `page`.
    pub fn check_quote(&self, text: &str, page: u32, line: u32) -> Result<(), Mismatch> {
        let idx = (line as usize)
            .checked_sub(1)
            .filter(|&i| i < self.lines.len())
            .ok_or(Mismatch::LineOutOfRange {
                lines: self.lines.len(),
            })?;
        let needle: Vec<char> = compact(text).collect();
        if needle.is_empty() {
            return Err(Mismatch::Empty);
        }
        let (start, end) = self.line_spans[idx];
        if start == end {
            return Err(Mismatch::BlankLine);
        }
        let at = (start..end).find(|&k| self.compact[k..].starts_with(&needle));
        let Some(at) = at else {
            return Err(Mismatch::NotAtLine {
                found_at: self.find(&needle),
            });
        };
        let head_end = at + needle.len().min(QUOTE_HEAD_CHARS);
        let next_line_end = self.line_spans.get(idx + 1).map_or(end, |s| s.1);
        let window_end = self
            .line_spans
            .get(idx + QUOTE_WINDOW_LINES)
            .map_or(self.compact.len(), |s| s.1);
        if at != start && head_end > next_line_end.max(end) {
            return Err(Mismatch::HeadSplit);
        }
        if at + needle.len() > window_end {
            return Err(Mismatch::TooLong);
        }
        match self.pages[idx] {
            p if p == page => Ok(()),
            actual => Err(Mismatch::WrongPage { actual }),
        }
    }

    /// The first line where the whitespace-free `needle` starts, for error messages.
    fn find(&self, needle: &[char]) -> Option<u32> {
        let at = self
            .compact
            .windows(needle.len())
            .position(|w| w == needle)?;
        let line = self.line_spans.partition_point(|&(_, e)| e <= at);
        Some(line as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::{Mismatch, Source};

    fn doc() -> Source {
        Source::new("\nタイトル\n○補助率：\n２/３\n ページ2\n○上限")
    }

    #[test]
    fn pages_start_at_lines_beginning_with_a_space() {
        let s = doc();
        assert_eq!(s.page_of(1), Some(1));
        assert_eq!(s.page_of(4), Some(1));
        assert_eq!(s.page_of(5), Some(2));
        assert_eq!(s.page_of(99), None);
    }

    #[test]
    fn quotes_may_span_lines_and_start_mid_line() {
        let s = doc();
        assert_eq!(s.check_quote("○補助率： ２/３", 1, 3), Ok(()));
        assert_eq!(s.check_quote("補助率：２/３", 1, 3), Ok(()));
        assert_eq!(s.check_quote("上限", 2, 6), Ok(()));
    }

    #[test]
    fn wrong_line_page_or_text_is_reported() {
        let s = doc();
        assert_eq!(
            s.check_quote("２/３", 1, 3),
            Err(Mismatch::NotAtLine { found_at: Some(4) })
        );
        assert_eq!(
            s.check_quote("上限", 1, 6),
            Err(Mismatch::WrongPage { actual: 2 })
        );
        assert_eq!(
            s.check_quote("3/4", 1, 3),
            Err(Mismatch::NotAtLine { found_at: None })
        );
        assert_eq!(s.check_quote("x", 1, 1), Err(Mismatch::BlankLine));
    }
}
