//! The links between programs, by position, resolved once at load: each program's parent (the
//! program a menu belongs to), its menus, and the programs that accompany it (the つなぎ融資
//! of a subsidy). A turn follows them in constant time instead of searching the corpus by id,
//! which at 100k programs was most of a turn.

use std::collections::HashMap;

use crate::corpus::Program;

/// Each program's links, indexed by its position in `Corpus::programs`.
#[derive(Debug, Clone, Default)]
pub struct Links {
    parent: Vec<Option<usize>>,
    menus: Vec<Vec<usize>>,
    accompanied_by: Vec<Vec<usize>>,
}

impl Links {
    /// Resolves every `parent` and `accompanies` id; an id no program has links nothing (the
    /// corpus check refuses such ids before this is built).
    pub fn new(programs: &[Program]) -> Links {
        let ord: HashMap<&str, usize> = programs
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let mut links = Links {
            parent: vec![None; programs.len()],
            menus: vec![Vec::new(); programs.len()],
            accompanied_by: vec![Vec::new(); programs.len()],
        };
        for (i, p) in programs.iter().enumerate() {
            if let Some(&parent) = p.parent.as_ref().and_then(|id| ord.get(id.as_str())) {
                links.parent[i] = Some(parent);
                links.menus[parent].push(i);
            }
            for &host in p.accompanies.iter().filter_map(|id| ord.get(id.as_str())) {
                if links.accompanied_by[host].last() != Some(&i) {
                    links.accompanied_by[host].push(i);
                }
            }
        }
        links
    }

    /// The position of the program `ord` belongs to, when it is a menu.
    pub fn parent(&self, ord: usize) -> Option<usize> {
        self.parent.get(ord).copied().flatten()
    }

    /// The menus of the program at `ord`, in corpus order.
    pub fn menus(&self, ord: usize) -> &[usize] {
        self.menus.get(ord).map_or(&[], Vec::as_slice)
    }

    /// The programs that accompany the one at `ord`, in corpus order (each listed once even if
    /// its record names the host twice).
    pub fn accompanied_by(&self, ord: usize) -> &[usize] {
        self.accompanied_by.get(ord).map_or(&[], Vec::as_slice)
    }
}
