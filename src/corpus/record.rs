//! One program record file (`corpus/programs/<id>.toml`): its raw TOML shape and the parse
//! into a checked [`Program`], quoting every term against the source.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::error::Errors;
use super::model::{
    Applicant, Disaster, Kind, Program, ProgramId, Quote, Size, Stage, TermLabel, Theme,
};
use super::source::Source;
use super::translated::Translated;

/// A record as written; nothing in it is trusted until [`RawRecord::check`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecord {
    pub(crate) id: String,
    /// The id of the source document (a `[[source]]` of corpus.toml) the terms are quoted from.
    pub(crate) source: String,
    #[serde(default)]
    parent: Option<String>,
    name: String,
    /// The name's gloss in English and in Chinese: shown after the Japanese name in 「」.
    gloss_en: Option<String>,
    gloss_zh: Option<String>,
    name_line: u32,
    division: String,
    /// What the division is, in English and in Chinese (the Japanese name stays in 「」).
    division_en: Option<String>,
    division_zh: Option<String>,
    pages: Vec<u32>,
    kind: String,
    purpose: String,
    themes: Vec<String>,
    #[serde(default)]
    disasters: Vec<String>,
    #[serde(default)]
    sizes: Vec<String>,
    #[serde(default)]
    industries: Vec<String>,
    #[serde(default)]
    succession_stages: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    /// What a person is after when this program fits (words of its own text).
    #[serde(default)]
    needs: Vec<String>,
    /// Themes one of which the situation must be about.
    #[serde(default)]
    requires: Vec<String>,
    /// Kinds of help besides `kind`.
    #[serde(default)]
    offers: Vec<String>,
    /// Ids of the programs this one accompanies (checked to exist once all are loaded).
    #[serde(default)]
    accompanies: Vec<String>,
    lines: Vec<[u32; 2]>,
    /// Who applies: 事業者 | 商工会経由 | 商工団体 | 市町村 | 県 | 県・商工会経由.
    #[serde(default)]
    applicant: Option<String>,
    /// The line of the quoted term (補助対象者, 対象者, 事業主体, 要件 or 概要) that says who applies.
    #[serde(default)]
    applicant_from: Option<u32>,
    terms: Vec<RawTerm>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    label: String,
    text: String,
    page: u32,
    line: u32,
}

/// What the fixed list says of an id.
#[derive(Debug, Clone)]
pub(crate) struct Fixed {
    pub(crate) division: String,
    pub(crate) pages: Vec<u32>,
}

impl RawRecord {
    /// Checks every field; pushes what is wrong into `errors` and returns the program only if
    /// this record is entirely right.
    pub(crate) fn check(
        self,
        file: &Path,
        source_index: usize,
        fixed: &BTreeMap<String, Fixed>,
        source: &Source,
        errors: &mut Errors,
    ) -> Option<Program> {
        let before = errors.0.len();
        let id = self.id.clone();
        let gloss = Translated::check(self.gloss_en, self.gloss_zh, file, &id, "gloss", errors);
        let division_gloss = Translated::check(
            self.division_en,
            self.division_zh,
            file,
            &id,
            "division",
            errors,
        );
        let mut err = |field: &str, expected: String, found: String| {
            errors.push(file, &id, field, expected, found);
        };

        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != self.id {
            err(
                "id",
                format!("the file name `{stem}.toml`"),
                self.id.clone(),
            );
        }
        let Some(fix) = fixed.get(&self.id) else {
            err(
                "id",
                format!("an id listed in the id list of source {}", self.source),
                self.id.clone(),
            );
            return None;
        };
        let pid = ProgramId::new_unchecked(&self.id);
        let want_parent = pid.parent().map(|p| p.as_str().to_string());
        if self.parent != want_parent {
            err(
                "parent",
                format!("{want_parent:?} (a menu names its program; a program has none)"),
                format!("{:?}", self.parent),
            );
        }
        if self.division != fix.division {
            err("division", fix.division.clone(), self.division.clone());
        }
        if self.pages != fix.pages {
            err(
                "pages",
                format!("{:?} as in program-ids.md", fix.pages),
                format!("{:?}", self.pages),
            );
        }
        if let Err(m) = source.check_quote(
            &self.name,
            source.page_of(self.name_line).unwrap_or(0),
            self.name_line,
        ) {
            err(
                "name",
                format!("the name as printed at line {}", self.name_line),
                format!("{m} ({:?})", self.name),
            );
        }
        let kind = parse_one(&self.kind, Kind::parse, Kind::expected, "kind", &mut err);
        let themes = parse_all(
            &self.themes,
            Theme::parse,
            Theme::expected,
            "themes",
            &mut err,
        );
        if self.themes.is_empty() {
            err("themes", "at least one theme".into(), "none".into());
        }
        let disasters = parse_all(
            &self.disasters,
            Disaster::parse,
            Disaster::expected,
            "disasters",
            &mut err,
        );
        let sizes = parse_all(&self.sizes, Size::parse, Size::expected, "sizes", &mut err);
        let stages = parse_all(
            &self.succession_stages,
            Stage::parse,
            Stage::expected,
            "succession_stages",
            &mut err,
        );
        let requires = parse_all(
            &self.requires,
            Theme::parse,
            Theme::expected,
            "requires",
            &mut err,
        );
        let offers = parse_all(
            &self.offers,
            Kind::parse,
            Kind::expected,
            "offers",
            &mut err,
        );
        if self.purpose.trim().is_empty() || self.purpose.contains('\n') {
            err(
                "purpose",
                "one non-empty line".into(),
                format!("{:?}", self.purpose),
            );
        }
        if self.purpose.chars().any(|c| c.is_ascii_digit()) {
            err(
                "purpose",
                "no figures (figures are only ever quoted)".into(),
                self.purpose.clone(),
            );
        }
        let mut body = Vec::new();
        for (i, [a, b]) in self.lines.iter().copied().enumerate() {
            if a == 0 || a > b || b as usize > source.line_count() {
                err(
                    &format!("lines[{i}]"),
                    format!("a range within 1..={}", source.line_count()),
                    format!("[{a}, {b}]"),
                );
            } else {
                body.push(source.lines(a, b));
            }
        }
        if self.lines.is_empty() {
            err("lines", "at least one line range".into(), "none".into());
        }
        let mut terms = Vec::with_capacity(self.terms.len());
        for (i, t) in self.terms.into_iter().enumerate() {
            let field = format!("terms[{i}]");
            let label = parse_one(
                &t.label,
                TermLabel::parse,
                TermLabel::expected,
                &format!("{field}.label"),
                &mut err,
            );
            if !fix.pages.contains(&t.page) {
                err(
                    &format!("{field}.page"),
                    format!("one of the program's pages {:?}", fix.pages),
                    t.page.to_string(),
                );
            }
            if let Err(m) = source.check_quote(&t.text, t.page, t.line) {
                err(
                    &format!("{field}.text"),
                    format!(
                        "a verbatim slice of the source starting at p.{} l.{}",
                        t.page, t.line
                    ),
                    format!("{m}: {:?}", t.text),
                );
            }
            if let Some(label) = label {
                terms.push(Quote {
                    label,
                    text: t.text.into(),
                    page: t.page,
                    line: t.line,
                });
            }
        }
        if terms.is_empty() {
            err("terms", "at least one quoted term".into(), "none".into());
        }
        // A need is the program's own word: it occurs in its name, purpose, lines or quotes.
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let own_text = squeeze(&format!(
            "{}\n{}\n{}\n{}",
            self.name,
            self.purpose,
            body.join("\n"),
            terms
                .iter()
                .map(|q| &*q.text)
                .collect::<Vec<_>>()
                .join("\n")
        ));
        for (i, need) in self.needs.iter().enumerate() {
            let n = squeeze(need);
            if n.is_empty() || !own_text.contains(&n) {
                err(
                    &format!("needs[{i}]"),
                    "a word of the program's own name, purpose, lines or quotes".into(),
                    format!("{need:?}"),
                );
            }
        }
        if self.applicant.is_none() {
            err(
                "applicant",
                format!("who applies: {}", Applicant::expected()),
                "none".into(),
            );
        }
        let applicant = self.applicant.as_deref().and_then(|a| {
            let who = parse_one(a, Applicant::parse, Applicant::expected, "applicant", &mut err)?;
            let said = |q: &Quote| {
                matches!(
                    q.label,
                    TermLabel::Recipient
                        | TermLabel::Eligible
                        | TermLabel::Operator
                        | TermLabel::Requirement
                        | TermLabel::Overview
                )
            };
            let at = self
                .applicant_from
                .and_then(|line| terms.iter().position(|q| q.line == line && said(q)));
            if at.is_none() {
                err(
                    "applicant_from",
                    "the line of a quoted 補助対象者, 対象者, 事業主体, 要件 or 概要 term of this record"
                        .into(),
                    format!("{:?}", self.applicant_from),
                );
            }
            Some((who, at?))
        });
        if errors.0.len() != before {
            return None;
        }
        let period_quote = terms.iter().position(|q| q.label == TermLabel::Period);
        let period = period_quote.and_then(|i| {
            super::period::parse(&terms[i].text).map(|(first, last, unit, carried)| {
                super::period::Period {
                    quote: i,
                    first_year: first,
                    last_year: last,
                    unit,
                    carried_over: carried,
                }
            })
        });
        let period_unreadable = period_quote.is_some() && period.is_none();
        Some(Program {
            source: source_index,
            parent: pid.parent(),
            id: pid,
            name: self.name.into(),
            gloss,
            name_line: self.name_line,
            division: self.division.into(),
            division_gloss,
            pages: self.pages,
            kind: kind?,
            purpose: self.purpose,
            themes,
            disasters,
            sizes,
            industries: self.industries,
            stages,
            keywords: self.keywords,
            needs: self.needs,
            requires,
            offers,
            accompanies: self
                .accompanies
                .iter()
                .map(|a| ProgramId::new_unchecked(a))
                .collect(),
            body: body.join("\n"),
            terms,
            applicant,
            period,
            period_unreadable,
        })
    }
}

fn parse_one<T>(
    s: &str,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
    field: &str,
    err: &mut impl FnMut(&str, String, String),
) -> Option<T> {
    let v = parse(s);
    if v.is_none() {
        err(field, expected(), format!("{s:?}"));
    }
    v
}

fn parse_all<T>(
    values: &[String],
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
    field: &str,
    err: &mut impl FnMut(&str, String, String),
) -> Vec<T> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, s)| parse_one(s, parse, expected, &format!("{field}[{i}]"), err))
        .collect()
}
