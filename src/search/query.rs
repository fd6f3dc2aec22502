//! Query construction: a message becomes a boolean query of `Should` term queries over the
//! analyzed words (with their field boosts), the words and facts added by the vocabulary, and
//! the character bigrams. No `QueryParser`: unspaced Japanese would become phrase queries.

use std::collections::{BTreeSet, HashSet};

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{IndexReader, Term};

use crate::corpus::{Disaster, Kind, Size, Stage, Theme};
use crate::text::{Japanese, bigrams};

use super::schema::*;

/// The (field, term) pairs present in the word and bigram fields of any shard.
pub(crate) type Known = HashSet<(Field, String)>;

/// Reads every term of the word and bigram fields from the shards' term dictionaries.
pub(crate) fn known_terms(shards: &[IndexReader], f: &Fields) -> Known {
    let mut known = Known::new();
    for reader in shards {
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            for field in f.analyzed() {
                let Ok(index) = segment.inverted_index(field) else {
                    continue;
                };
                let Ok(mut stream) = index.terms().stream() else {
                    continue;
                };
                while stream.advance() {
                    if let Ok(term) = std::str::from_utf8(stream.key()) {
                        known.insert((field, term.to_string()));
                    }
                }
            }
        }
    }
    known
}

/// What a message asks for, after analysis and expansion.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryPlan {
    /// The person's own content words (base forms).
    pub words: BTreeSet<String>,
    /// Words the vocabulary added.
    pub added: BTreeSet<String>,
    /// Character bigrams of the message.
    pub bigrams: BTreeSet<String>,
    pub themes: BTreeSet<Theme>,
    pub disasters: BTreeSet<Disaster>,
    pub stages: BTreeSet<Stage>,
    pub kinds: BTreeSet<Kind>,
    pub industries: BTreeSet<String>,
    pub sizes: BTreeSet<Size>,
}

impl QueryPlan {
    /// True when nothing in the message can match anything.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.added.is_empty() && self.bigrams.is_empty()
    }

    pub(crate) fn analyze_words(&mut self, japanese: &Japanese, text: &str) {
        self.words
            .extend(japanese.terms(text).into_iter().map(|t| t.text));
        self.bigrams
            .extend(bigrams(text).into_iter().map(|t| t.text));
    }

    /// Analyzes the `add` words of every vocabulary rule once, at index build, so a query
    /// only copies them (analysing them per message was most of a query's analysis time).
    pub(crate) fn analyze_additions(japanese: &Japanese, words: &[String]) -> Vec<String> {
        let mut out: Vec<String> = words
            .iter()
            .flat_map(|w| japanese.terms(w).into_iter().map(|t| t.text))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A query over the person's own words only, on the word fields: how much of what they
    /// said the corpus speaks of, without help from the vocabulary or bigrams.
    pub(crate) fn own_words_query(&self, f: &Fields, known: &Known) -> BooleanQuery {
        let own = QueryPlan {
            words: self.words.clone(),
            ..QueryPlan::default()
        };
        own.to_query(f, known)
    }

    /// The tantivy query for this plan.
    pub(crate) fn to_query(&self, f: &Fields, known: &Known) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let word_fields = f.analyzed();
        let mut push = |field: Field, text: &str, boost: f32| {
            if word_fields.contains(&field) && !known.contains(&(field, text.to_string())) {
                return;
            }
            let term = Term::from_field_text(field, text);
            let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
        };
        let text_fields = [
            (f.name, BOOST_NAME),
            (f.topics, BOOST_TOPICS),
            (f.terms, BOOST_TERMS),
            (f.body, BOOST_BODY),
        ];
        for w in &self.words {
            for (field, boost) in text_fields {
                push(field, w, boost);
            }
        }
        for w in self.added.difference(&self.words) {
            for (field, boost) in text_fields {
                push(field, w, boost * EXPANSION_WEIGHT);
            }
        }
        for g in &self.bigrams {
            push(f.name_bigram, g, BOOST_NAME_BIGRAM);
            push(f.body_bigram, g, BOOST_BODY_BIGRAM);
        }
        for t in &self.themes {
            push(f.theme, t.as_str(), BOOST_THEME);
        }
        for d in &self.disasters {
            push(f.disaster, d.as_str(), BOOST_DISASTER);
        }
        for s in &self.stages {
            push(f.stage, s.as_str(), BOOST_STAGE);
        }
        for k in &self.kinds {
            push(f.kind, k.as_str(), BOOST_KIND);
        }
        for i in &self.industries {
            push(f.industry, i, BOOST_INDUSTRY);
        }
        for s in &self.sizes {
            push(f.size, s.as_str(), BOOST_SIZE);
        }
        BooleanQuery::new(clauses)
    }
}
