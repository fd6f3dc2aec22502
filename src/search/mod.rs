//! The search index: tantivy in RAM, built from the corpus at start-up, and ranked retrieval of
//! program ids for a message. Built once per process and shared behind an `Arc`.

mod query;
mod schema;

use tantivy::collector::TopDocs;
use tantivy::{IndexReader, TantivyDocument};

pub use query::QueryPlan;

use crate::corpus::{Corpus, ProgramId, Vocabulary};
use crate::text::{BigramTokenizer, Expander, Japanese, JapaneseTokenizer};
use schema::Fields;

/// The tantivy writer's memory budget. The corpus is small; 50 MB is tantivy's usual default
/// and leaves room for the synthetic 100k-program corpora of the scale benchmark.
const WRITER_MEMORY: usize = 50_000_000;

/// A ranked program.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: ProgramId,
    pub score: f32,
}

/// Why the index could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Text(#[from] crate::text::TextError),
}

/// The index over every program and menu, with the analysis it was built with.
pub struct Index {
    /// One reader per source document that has programs, in manifest order.
    shards: Vec<IndexReader>,
    fields: Fields,
    japanese: Japanese,
    expander: Expander,
    vocabulary: Vocabulary,
    /// Every (field, term) present in some shard's word or bigram fields: a clause for any
    /// other term could only score zero, so the query leaves it out (the ranking is the same;
    /// term lookups were most of a query's time).
    known: query::Known,
    /// Program ids by the `ord` fast field.
    ids: Vec<ProgramId>,
    /// For each vocabulary rule, its `add` words already analyzed.
    additions: Vec<Vec<String>>,
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
    let mut writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
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
    pub fn build(corpus: &Corpus, japanese: Japanese) -> Result<Index, SearchError> {
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
                shards.push(build_shard(&programs, &japanese)?);
            }
        }
        let bytes = shards
            .iter()
            .filter_map(|r| r.searcher().space_usage().ok())
            .map(|u| u.total().get_bytes() as usize)
            .sum();
        let triggers: Vec<Vec<String>> = corpus
            .vocabulary
            .expansions
            .iter()
            .map(|e| e.when.clone())
            .collect();
        let additions = corpus
            .vocabulary
            .expansions
            .iter()
            .map(|e| QueryPlan::analyze_additions(&japanese, &e.add))
            .collect();
        let known = query::known_terms(&shards, &f);
        Ok(Index {
            known,
            ids: corpus.programs.iter().map(|p| p.id.clone()).collect(),
            additions,
            shards,
            fields: f,
            expander: Expander::new(&triggers)?,
            japanese,
            vocabulary: corpus.vocabulary.clone(),
            bytes,
        })
    }

    /// Size of the index in bytes.
    pub fn size_bytes(&self) -> usize {
        self.bytes
    }

    /// The analyzer the index was built with.
    pub fn japanese(&self) -> &Japanese {
        &self.japanese
    }

    /// Analyzes a message and expands it with the vocabulary.
    pub fn plan(&self, message: &str) -> QueryPlan {
        let mut plan = QueryPlan::default();
        plan.analyze_words(&self.japanese, message);
        for i in self.expander.fired(message) {
            let e = &self.vocabulary.expansions[i];
            plan.added.extend(self.additions[i].iter().cloned());
            plan.themes.extend(e.themes.iter().copied());
            plan.disasters.extend(e.disaster);
            plan.stages.extend(e.stage);
            plan.kinds.extend(e.kind);
            plan.industries.extend(e.industry.clone());
            plan.sizes.extend(e.size);
        }
        plan
    }

    /// The best programs for a plan, best first, at most `limit`, merged over the shards.
    /// Never fails on any input: a search error (which would be a bug in index construction)
    /// yields no hits from that shard.
    pub fn search(&self, plan: &QueryPlan, limit: usize) -> Vec<Hit> {
        // Bigrams alone (from a message with no content word) match noise like です.
        if plan.words.is_empty() && plan.added.is_empty() || limit == 0 {
            return Vec::new();
        }
        let query = plan.to_query(&self.fields, &self.known);
        let Some(stats) = self.shards.first().map(IndexReader::searcher) else {
            return Vec::new();
        };
        let mut hits: Vec<Hit> = Vec::new();
        for reader in &self.shards {
            let searcher = reader.searcher();
            let collector = TopDocs::with_limit(limit).order_by_score();
            let Ok(top) = searcher.search_with_statistics_provider(&query, &collector, &stats)
            else {
                continue;
            };
            hits.extend(top.into_iter().filter_map(|(score, addr)| {
                let ords = searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .u64("ord")
                    .ok()?;
                let id = self.ids.get(ords.first(addr.doc_id)? as usize)?;
                Some(Hit {
                    id: id.clone(),
                    score,
                })
            }));
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }

    /// The best score the person's own words reach on any program (0 when none matches):
    /// the evidence that a message is about these programs at all.
    pub fn evidence(&self, plan: &QueryPlan) -> f32 {
        if plan.words.is_empty() {
            return 0.0;
        }
        let query = plan.own_words_query(&self.fields, &self.known);
        let Some(stats) = self.shards.first().map(IndexReader::searcher) else {
            return 0.0;
        };
        self.shards
            .iter()
            .filter_map(|r| {
                let top = r
                    .searcher()
                    .search_with_statistics_provider(
                        &query,
                        &TopDocs::with_limit(1).order_by_score(),
                        &stats,
                    )
                    .ok()?;
                top.first().map(|(s, _)| *s)
            })
            .fold(0.0, f32::max)
    }

    /// Convenience: plan and search a message.
    pub fn ask(&self, message: &str, limit: usize) -> Vec<Hit> {
        self.search(&self.plan(message), limit)
    }
}
