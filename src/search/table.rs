//! The term table: for every term of every scored field, each document's BM25 score, read once
//! from tantivy's postings, field norms and statistics when the index is built. A query then
//! costs one hash lookup per clause and a few additions, instead of a term-dictionary lookup,
//! a weight and a scorer per clause. Each score is computed by tantivy's own `Bm25Weight` with
//! the clause's boost, so it is the number tantivy's `TermQuery` under a `BoostQuery` gives
//! (`tests/retrieval.rs` checks whole rankings against tantivy's).

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, IndexReader, Searcher, TERMINATED, Term};

use super::SearchError;
use super::query::Clause;
use super::schema::Fields;

/// One document's score for one term, at the field's boost for own and for added words.
#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    own: f32,
    added: f32,
}

/// The table of one shard (one source document).
#[derive(Debug)]
pub(crate) struct ShardTable {
    /// Program ord of each document, in tantivy's document order (segment by segment).
    pub(crate) ords: Vec<u32>,
    /// Per field id, term → postings. Keys are our own index's terms, not user input, so a
    /// fast non-keyed hash is safe here.
    fields: Vec<FxHashMap<Box<str>, Box<[Posting]>>>,
}

/// Scores of one shard's documents for a query.
#[derive(Debug)]
pub(crate) struct Scores {
    /// Full score per document, `None` when no clause matched it.
    pub(crate) total: Vec<Option<f32>>,
    /// The best score the evidence clauses (own words) reach on any document.
    pub(crate) evidence: f32,
}

impl ShardTable {
    /// Reads every term of the scored fields of `reader`, scored with `stats` (the primary
    /// document's statistics, so scores are comparable across shards).
    pub(crate) fn build(
        reader: &IndexReader,
        stats: &Searcher,
        primary: bool,
        f: &Fields,
    ) -> Result<Self, SearchError> {
        let searcher = reader.searcher();
        let n_docs = stats.total_num_docs()?;
        let mut ords = Vec::new();
        let width = f
            .scored()
            .iter()
            .map(|x| x.field_id() as usize)
            .max()
            .unwrap_or(0)
            + 1;
        let mut fields: Vec<HashMap<Box<str>, Vec<Posting>>> = vec![HashMap::new(); width];
        let one_segment = searcher.segment_readers().len() == 1;
        for segment in searcher.segment_readers() {
            let base = ords.len() as u32;
            let ord = segment.fast_fields().u64("ord")?;
            ords.extend((0..segment.max_doc()).map(|d| ord.first(d).unwrap_or(u64::MAX) as u32));
            for field in f.scored() {
                let avg = stats.total_num_tokens(field)? as f32 / n_docs as f32;
                let (own_boost, added_boost) = (f.boost(field, true), f.boost(field, false));
                let norms = segment
                    .fieldnorms_readers()
                    .get_field(field)?
                    .unwrap_or_else(|| FieldNormReader::constant(segment.max_doc(), 1));
                let index = segment.inverted_index(field)?;
                // Weights differ only by document frequency: a handful of values per field.
                let mut weights: HashMap<u64, (Bm25Weight, Bm25Weight)> = HashMap::new();
                let mut stream = index.terms().stream()?;
                while stream.advance() {
                    let Ok(text) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let info = stream.value().clone();
                    let df = if one_segment && primary {
                        u64::from(info.doc_freq)
                    } else {
                        stats.doc_freq(&Term::from_field_text(field, text))?
                    };
                    let (own, added) = weights.entry(df).or_insert_with(|| {
                        let w = Bm25Weight::for_one_term_without_explain(df, n_docs, avg);
                        (w.boost_by(own_boost), w.boost_by(added_boost))
                    });
                    let mut postings =
                        index.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                    let list = fields[field.field_id() as usize]
                        .entry(text.into())
                        .or_default();
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        let (norm, tf) = (norms.fieldnorm_id(doc), postings.term_freq());
                        list.push(Posting {
                            doc: base + doc,
                            own: own.score(norm, tf),
                            added: added.score(norm, tf),
                        });
                        doc = postings.advance();
                    }
                }
            }
        }
        Ok(Self {
            ords,
            fields: fields
                .into_iter()
                .map(|m| {
                    m.into_iter()
                        .map(|(k, v)| (k, v.into_boxed_slice()))
                        .collect()
                })
                .collect(),
        })
    }

    /// The terms of one field.
    pub(crate) fn terms(&self, field: tantivy::schema::Field) -> impl Iterator<Item = &str> + '_ {
        self.fields
            .get(field.field_id() as usize)
            .into_iter()
            .flat_map(|m| m.keys().map(|k| &**k))
    }

    /// Scores every document of the shard for the clauses, summed in clause order.
    pub(crate) fn score(&self, clauses: &[Clause<'_>]) -> Scores {
        let mut total: Vec<Option<f32>> = vec![None; self.ords.len()];
        let mut own: Vec<f32> = vec![0.0; self.ords.len()];
        for c in clauses {
            let Some(list) = self
                .fields
                .get(c.field.field_id() as usize)
                .and_then(|m| m.get(c.text))
            else {
                continue;
            };
            for p in list.iter() {
                let s = if c.own { p.own } else { p.added };
                let slot = &mut total[p.doc as usize];
                *slot = Some(slot.unwrap_or(0.0) + s);
                if c.evidence {
                    own[p.doc as usize] += s;
                }
            }
        }
        Scores {
            total,
            evidence: own.into_iter().fold(0.0, f32::max),
        }
    }
}
