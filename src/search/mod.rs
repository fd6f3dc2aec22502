//! The search index: tantivy in RAM, built from the corpus at start-up, and ranked retrieval of
//! program ids for a [`Query`]. Built once per process and shared behind an `Arc`.
//!
//! tantivy holds the documents, their analysis and the BM25 statistics; at build every term's
//! per-document score is read into a term table ([`table`]), and a query is scored from it.
//! `search_with_tantivy` runs the same query through tantivy itself, as the reference.

mod query;
mod schema;
mod table;

use tantivy::collector::TopDocs;
use tantivy::{IndexReader, TantivyDocument};

pub use query::Query;

use crate::corpus::{Corpus, ProgramId};
use crate::text::{BigramTokenizer, Japanese, JapaneseTokenizer};
use schema::Fields;
use table::ShardTable;

/// The tantivy writer's memory budget. The corpus is small; 50 MB is tantivy's usual default
/// and leaves room for the synthetic 100k-program corpora of the scale benchmark.
const WRITER_MEMORY: usize = 50_000_000;

/// From this many programs a shard is indexed by one thread per core (at most four), each with
/// `WRITER_MEMORY`: the analysis of the programs' text is most of a large corpus's start-up.
/// Below it one thread, one segment: the shipped corpus's index does not depend on the machine.
const PARALLEL_FROM: usize = 1_000;

/// A ranked program.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: ProgramId,
    /// The program's position in `Corpus::programs`.
    pub ord: usize,
    pub score: f32,
}

/// The result of one search: the best programs, and the evidence that the person's own words
/// concern these programs at all (the best score their own words reach on any program, 0 when
/// none matches).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub evidence: f32,
}

/// Why the index could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("reading the index: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Text(#[from] crate::text::TextError),
}

/// The index over every program and menu.
pub struct Index {
    /// One reader per source document that has programs, in manifest order.
    shards: Vec<IndexReader>,
    /// The term table of each shard, in the same order.
    tables: Vec<ShardTable>,
    fields: Fields,
    /// Program ids by ord.
    ids: Vec<ProgramId>,
    /// Size of the index in bytes (for `madoguchi check`).
    bytes: usize,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

/// One tantivy index over the programs of one source document.
fn build_shard(
    programs: &[(usize, &crate::corpus::Program)],
    japanese: &Japanese,
) -> Result<IndexReader, SearchError> {
    let (schema, f) = schema::schema();
    let index = tantivy::Index::create_in_ram(schema);
    index
        .tokenizers()
        .register(schema::JA, JapaneseTokenizer::new(japanese.clone()));
    index
        .tokenizers()
        .register(schema::BIGRAM, BigramTokenizer::default());
    let threads = if programs.len() >= PARALLEL_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let mut writer = index.writer_with_num_threads(threads, threads * WRITER_MEMORY)?;
    for &(ord, p) in programs {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.ord, ord as u64);
        doc.add_text(f.name, &p.name);
        doc.add_text(f.name_bigram, &p.name);
        for t in &p.themes {
            doc.add_text(f.topics, t.as_str());
            doc.add_text(f.theme, t.as_str());
        }
        for k in &p.keywords {
            doc.add_text(f.topics, k);
        }
        doc.add_text(f.terms, &p.purpose);
        for q in &p.terms {
            doc.add_text(f.terms, &q.text);
        }
        doc.add_text(f.body, &p.body);
        doc.add_text(f.body_bigram, &p.body);
        for d in &p.disasters {
            doc.add_text(f.disaster, d.as_str());
        }
        for s in &p.stages {
            doc.add_text(f.stage, s.as_str());
        }
        doc.add_text(f.kind, p.kind.as_str());
        for i in &p.industries {
            doc.add_text(f.industry, i);
        }
        for s in &p.sizes {
            doc.add_text(f.size, s.as_str());
        }
        writer.add_document(doc)?;
    }
    writer.commit()?;
    Ok(index.reader()?)
}

impl Index {
    /// Indexes every program of the corpus: one shard per source document. Every shard is
    /// scored with the BM25 statistics (document frequencies, lengths) of the primary
    /// document's shard, so scores stay comparable across documents and adding a document never
    /// changes a score of the primary document's programs (a 商工会 adding its municipal programs
    /// does not reorder the prefecture's).
    pub fn build(corpus: &Corpus, japanese: &Japanese) -> Result<Index, SearchError> {
        let (_, f) = schema::schema();
        let mut shards = Vec::with_capacity(corpus.documents.len());
        for source in 0..corpus.documents.len() {
            let programs: Vec<(usize, &crate::corpus::Program)> = corpus
                .programs
                .iter()
                .enumerate()
                .filter(|(_, p)| p.source == source)
                .collect();
            if !programs.is_empty() {
                shards.push(build_shard(&programs, japanese)?);
            }
        }
        let bytes = shards
            .iter()
            .filter_map(|r| r.searcher().space_usage().ok())
            .map(|u| u.total().get_bytes() as usize)
            .sum();
        let mut tables = Vec::with_capacity(shards.len());
        if let Some(stats) = shards.first().map(IndexReader::searcher) {
            for (i, reader) in shards.iter().enumerate() {
                tables.push(ShardTable::build(reader, &stats, i == 0, &f)?);
            }
        }
        Ok(Index {
            ids: corpus.programs.iter().map(|p| p.id.clone()).collect(),
            shards,
            tables,
            fields: f,
            bytes,
        })
    }

    /// Size of the index in bytes.
    pub fn size_bytes(&self) -> usize {
        self.bytes
    }

    /// Every word of the word fields (name, topics, terms, body) of every shard, sorted, each
    /// once: the words a query can match other than through bigrams and structured values.
    pub fn words(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .tables
            .iter()
            .flat_map(|t| self.fields.text_fields().map(|f| t.terms(f)))
            .flatten()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The hit for the program at `ord` (none for an ord the corpus does not have).
    fn hit(&self, ord: usize, score: f32) -> Option<Hit> {
        Some(Hit {
            id: self.ids.get(ord)?.clone(),
            ord,
            score,
        })
    }

    /// The best programs for a query, best first, at most `limit`, merged over the shards, and
    /// the own-word evidence, from one pass over the term table. Never fails on any input.
    pub fn search(&self, query: &Query<'_>, limit: usize) -> Found {
        if query.has_no_words() || limit == 0 {
            return Found::default();
        }
        let clauses = query.clauses(&self.fields);
        let mut found = Found::default();
        for table in &self.tables {
            let scores = table.score(&clauses);
            found.evidence = found.evidence.max(scores.evidence);
            // (score, program ord) of every document that matched.
            let mut top: Vec<(f32, u32)> = scores
                .total
                .iter()
                .zip(&table.ords)
                .filter_map(|(s, &ord)| s.map(|s| (s, ord)))
                .collect();
            // Score, then the programs' order on ties: tantivy's document order when the shard
            // is one segment, and the same order whatever segments a parallel build made. Only
            // the best `limit` are sorted: at 100k programs most of them match a common word.
            let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if top.len() > limit {
                top.select_nth_unstable_by(limit, order);
                top.truncate(limit);
            }
            top.sort_by(order);
            found.hits.extend(
                top.into_iter()
                    .filter_map(|(score, ord)| self.hit(ord as usize, score)),
            );
        }
        sort_hits(&mut found.hits, limit);
        found
    }

    /// The same search run through tantivy's own query engine (a `BooleanQuery` of boosted
    /// `TermQuery`s per shard, scored with the primary document's statistics): the reference
    /// the term table is tested against. Not used when serving.
    pub fn search_with_tantivy(&self, query: &Query<'_>, limit: usize) -> Found {
        if query.has_no_words() || limit == 0 {
            return Found::default();
        }
        let Some(stats) = self.shards.first().map(IndexReader::searcher) else {
            return Found::default();
        };
        let mut found = Found::default();
        for (evidence_only, reader) in self.shards.iter().flat_map(|r| [(false, r), (true, r)]) {
            let q = query.to_tantivy(&self.fields, evidence_only);
            let searcher = reader.searcher();
            let collector = TopDocs::with_limit(limit).order_by_score();
            let Ok(top) = searcher.search_with_statistics_provider(&q, &collector, &stats) else {
                continue;
            };
            if evidence_only {
                if let Some((s, _)) = top.first() {
                    found.evidence = found.evidence.max(*s);
                }
                continue;
            }
            found
                .hits
                .extend(top.into_iter().filter_map(|(score, addr)| {
                    let ords = searcher
                        .segment_reader(addr.segment_ord)
                        .fast_fields()
                        .u64("ord")
                        .ok()?;
                    self.hit(ords.first(addr.doc_id)? as usize, score)
                }));
        }
        sort_hits(&mut found.hits, limit);
        found
    }
}

/// Best first; equal scores in id order, so results never depend on shard order.
fn sort_hits(hits: &mut Vec<Hit>, limit: usize) {
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(limit);
}
