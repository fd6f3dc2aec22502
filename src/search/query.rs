//! The search-only query: the words, bigrams and structured values to look for. It carries no
//! facts and no reasoning: the dialogue decides what goes in, the index only scores it. Words
//! borrow from the understandings they came from, so building a query copies no text.

use std::collections::BTreeSet;

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::corpus::{Disaster, Kind, Size, Stage, Theme};

use super::schema::*;

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query<'a> {
    /// The person's own content words (base forms), sorted, each once.
    pub words: Vec<&'a str>,
    /// Words the vocabulary added, sorted, each once; they weigh less than the person's own.
    pub added: Vec<&'a str>,
    /// Character bigrams of the messages, sorted, each once.
    pub bigrams: Vec<&'a str>,
    pub themes: BTreeSet<Theme>,
    pub disasters: BTreeSet<Disaster>,
    pub stages: BTreeSet<Stage>,
    pub kinds: BTreeSet<Kind>,
    pub industries: BTreeSet<&'a str>,
    pub sizes: BTreeSet<Size>,
}

/// One scoring clause: a term in a field with its boost. Both the term table and the tantivy
/// reference query are built from the same list, in the same order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clause<'q> {
    pub(crate) field: Field,
    pub(crate) text: &'q str,
    /// Whether the boost is the field's boost for the person's own words (else for added words).
    pub(crate) own: bool,
    /// The clause belongs to the own-words part that measures evidence.
    pub(crate) evidence: bool,
}

impl<'a> Query<'a> {
    /// True when nothing in the query can match a word of a program: bigrams alone match
    /// noise like です, so a query without words or added words finds nothing.
    pub fn has_no_words(&self) -> bool {
        self.words.is_empty() && self.added.is_empty()
    }

    /// Every clause, in a fixed order: own words in the text fields, added words in the text
    /// fields, bigrams, then the structured fields.
    pub(crate) fn clauses(&self, f: &Fields) -> Vec<Clause<'_>> {
        let mut out = Vec::new();
        let text = f.text_fields();
        for w in &self.words {
            out.extend(text.iter().map(|&field| Clause {
                field,
                text: w,
                own: true,
                evidence: true,
            }));
        }
        let added = self
            .added
            .iter()
            .filter(|w| self.words.binary_search(w).is_err());
        for w in added {
            out.extend(text.iter().map(|&field| Clause {
                field,
                text: w,
                own: false,
                evidence: false,
            }));
        }
        let plain = |field: Field, text: &'a str| Clause {
            field,
            text,
            own: true,
            evidence: false,
        };
        for g in &self.bigrams {
            out.push(plain(f.name_bigram, g));
            out.push(plain(f.body_bigram, g));
        }
        out.extend(self.themes.iter().map(|t| plain(f.theme, t.as_str())));
        out.extend(self.disasters.iter().map(|d| plain(f.disaster, d.as_str())));
        out.extend(self.stages.iter().map(|s| plain(f.stage, s.as_str())));
        out.extend(self.kinds.iter().map(|k| plain(f.kind, k.as_str())));
        out.extend(self.industries.iter().map(|i| plain(f.industry, i)));
        out.extend(self.sizes.iter().map(|s| plain(f.size, s.as_str())));
        out
    }

    /// The same query as a tantivy `BooleanQuery` of boosted term queries: the reference the
    /// term table is checked against (`tests/retrieval.rs`), not the serving path.
    pub(crate) fn to_tantivy(&self, f: &Fields, evidence_only: bool) -> BooleanQuery {
        let clauses = self
            .clauses(f)
            .into_iter()
            .filter(|c| c.evidence || !evidence_only)
            .map(|c| {
                let q = TermQuery::new(
                    Term::from_field_text(c.field, c.text),
                    IndexRecordOption::WithFreqs,
                );
                let boost = f.boost(c.field, c.own);
                let boosted: Box<dyn TantivyQuery> = Box::new(BoostQuery::new(Box::new(q), boost));
                (Occur::Should, boosted)
            })
            .collect();
        BooleanQuery::new(clauses)
    }
}
