//! The loaded engine: the checked corpus, the analyzer and the index, built once at start-up
//! and shared (behind an `Arc`) by the CLI and the server.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::corpus::{Corpus, CorpusError, Program};
use crate::search::{Hit, Index, QueryPlan, SearchError};

/// How many extra candidates to fetch so that dropping ruled-out programs still fills a page.
const FILTER_HEADROOM: usize = 10;

/// False when the program is reserved for disasters none of which the person named, while
/// they did name one.
fn fits_disaster(p: &Program, plan: &QueryPlan) -> bool {
    plan.disasters.is_empty()
        || p.disasters.is_empty()
        || p.disasters.iter().any(|d| plan.disasters.contains(d))
}
use crate::text::{Japanese, TextError};

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Search(#[from] SearchError),
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

/// Corpus + index, ready to answer.
#[derive(Debug)]
pub struct Engine {
    pub corpus: Corpus,
    pub index: Index,
    pub load_times: LoadTimes,
}

impl Engine {
    /// Loads and checks the corpus in `dir`, loads the dictionary and builds the index.
    pub fn load(dir: &Path) -> Result<Engine, LoadError> {
        let t0 = Instant::now();
        let corpus = Corpus::load(dir)?;
        let t1 = Instant::now();
        let japanese = Japanese::new()?;
        let t2 = Instant::now();
        let index = Index::build(&corpus, japanese)?;
        let t3 = Instant::now();
        Ok(Engine {
            corpus,
            index,
            load_times: LoadTimes {
                corpus: t1 - t0,
                dictionary: t2 - t1,
                index: t3 - t2,
            },
        })
    }

    /// The best programs for a message with their records, best first.
    pub fn ask(&self, message: &str, limit: usize) -> Vec<(Hit, &Program)> {
        self.rank(&self.index.plan(message), limit)
    }

    /// The best programs for a plan, best first, without the programs its facts rule out: a
    /// program reserved for one disaster is dropped when the person names only the other.
    pub fn rank(&self, plan: &QueryPlan, limit: usize) -> Vec<(Hit, &Program)> {
        // Ask for more than `limit` so that filtering still leaves enough.
        self.index
            .search(plan, limit.saturating_add(FILTER_HEADROOM))
            .into_iter()
            .filter_map(|h| {
                let p = self.corpus.get(h.id.as_str())?;
                Some((h, p))
            })
            .filter(|(_, p)| fits_disaster(p, plan))
            .take(limit)
            .collect()
    }
}
