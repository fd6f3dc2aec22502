//! The loaded engine: the checked corpus, the understanding stage and the index, built once at
//! start-up (and again on a reload) and shared behind an `Arc` by the CLI and the server. It
//! joins the two halves that know nothing of each other: understandings become search queries,
//! and ranked ids become program records.

mod links;
mod needs;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::corpus::{Corpus, CorpusError, Program};
use crate::search::{Found, Hit, Index, Query, SearchError};
use crate::text::Lang;
use crate::text::{Japanese, TextError};
use crate::understand::{Searchable, Understander, Understanding};

pub use links::Links;
pub use needs::{Needs, Stated};

/// How many extra candidates to fetch so that dropping ruled-out programs still fills a page.
const FILTER_HEADROOM: usize = 10;

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("building the automaton of the programs' needs: {0}")]
    Needs(#[from] aho_corasick::BuildError),
}

/// How long each start-up stage took.
#[derive(Debug, Clone, Copy)]
pub struct LoadTimes {
    pub corpus: Duration,
    pub dictionary: Duration,
    pub index: Duration,
}

impl LoadTimes {
    pub fn total(&self) -> Duration {
        self.corpus + self.dictionary + self.index
    }
}

/// Corpus + understanding + index, ready to answer.
#[derive(Debug)]
pub struct Engine {
    pub corpus: Corpus,
    pub understander: Understander,
    pub index: Index,
    /// For each program (by position), the expense kinds its quoted 対象経費 pays for.
    pub kinds_paid: Vec<u32>,
    /// For each program (by position), its needs, each as the words it analyses into, matched
    /// by one automaton.
    pub needs: Needs,
    /// Each program's parent, menus and the programs that accompany it, by position.
    pub links: Links,
    pub load_times: LoadTimes,
}

/// Ranked programs with their records, and the own-word evidence of the search.
#[derive(Debug, Clone, Default)]
pub struct Ranked<'e> {
    pub hits: Vec<(Hit, &'e Program)>,
    pub evidence: f32,
}

/// The search query for a set of understood messages: the union of their words and signals.
pub fn query_of<'a>(messages: impl IntoIterator<Item = &'a Searchable>) -> Query<'a> {
    let mut q = Query::default();
    for u in messages {
        q.words.extend(u.words.iter());
        q.added.extend(u.added.iter());
        q.bigrams.extend(u.bigrams.iter());
        let s = &u.signals;
        q.themes.extend(s.themes.iter().copied());
        q.disasters.extend(s.disasters.iter().copied());
        q.stages.extend(s.stages.iter().copied());
        q.kinds.extend(s.kinds.iter().copied());
        q.industries.extend(s.industries.iter().map(String::as_str));
        q.sizes.extend(s.sizes.iter().copied());
    }
    for list in [&mut q.words, &mut q.added, &mut q.bigrams] {
        list.sort_unstable();
        list.dedup();
    }
    q
}

impl Engine {
    /// Loads and checks the corpus in `dir`, loads the dictionary, builds the understanding
    /// stage and the index.
    pub fn load(dir: &Path) -> Result<Engine, LoadError> {
        let t0 = Instant::now();
        let corpus = Corpus::load(dir)?;
        let t1 = Instant::now();
        let japanese = Japanese::new()?;
        let t2 = Instant::now();
        let index = Index::build(&corpus, &japanese)?;
        let understander = Understander::new(&corpus, japanese, &index.words())?;
        let links = Links::new(&corpus.programs);
        let mut kinds_paid: Vec<u32> = corpus
            .programs
            .iter()
            .map(|p| understander.kinds_paid(&corpus, p))
            .collect();
        // A program that quotes no 対象経費 of its own pays for what its menus pay for.
        for (i, p) in corpus.programs.iter().enumerate() {
            if p.terms_labelled(crate::corpus::TermLabel::Expenses)
                .next()
                .is_none()
            {
                let menus = links
                    .menus(i)
                    .iter()
                    .fold(0, |mask, &j| mask | kinds_paid[j]);
                kinds_paid[i] |= menus;
            }
        }
        let needs: Vec<Vec<Vec<String>>> = corpus
            .programs
            .iter()
            .map(|p| {
                p.needs
                    .iter()
                    .map(|n| understander.phrase_terms(n))
                    .collect()
            })
            .collect();
        let t3 = Instant::now();
        Ok(Engine {
            corpus,
            understander,
            index,
            kinds_paid,
            needs: Needs::new(&needs)?,
            links,
            load_times: LoadTimes {
                corpus: t1 - t0,
                dictionary: t2 - t1,
                index: t3 - t2,
            },
        })
    }

    /// Understands one message.
    pub fn understand(&self, message: &str) -> Understanding {
        self.understander.understand(message)
    }

    /// Understands one message written in `lang`: Japanese as it is; English and Chinese
    /// through their bilingual tables into the document's words first, then the same stage.
    pub fn understand_in(&self, message: &str, lang: Lang) -> Understanding {
        self.understander.understand_in(message, lang)
    }

    /// The language a message is written in, by its script (`None`: it does not say).
    pub fn detect(&self, message: &str) -> Option<Lang> {
        self.understander.detect(message)
    }

    /// The best programs for one message on its own, best first (retrieval only: no dialogue,
    /// no out-of-scope judgement). For tests and tools; a conversation goes through `Dialogue`.
    pub fn ask(&self, message: &str, limit: usize) -> Vec<(Hit, &Program)> {
        let u = self.understand(message);
        self.rank(&query_of([&u.search]), limit).hits
    }

    /// The best programs for a query, best first, without the programs its disasters rule out
    /// (a program reserved for one disaster is dropped when the query names only the other).
    pub fn rank(&self, query: &Query<'_>, limit: usize) -> Ranked<'_> {
        let Found { hits, evidence } = self
            .index
            .search(query, limit.saturating_add(FILTER_HEADROOM));
        let hits = hits
            .into_iter()
            .filter_map(|h| {
                let p = self.corpus.programs.get(h.ord)?;
                Some((h, p))
            })
            .filter(|(_, p)| {
                query.disasters.is_empty()
                    || p.disasters.is_empty()
                    || p.disasters.iter().any(|d| query.disasters.contains(d))
            })
            .take(limit)
            .collect();
        Ranked { hits, evidence }
    }
}
