//! Query-time expansion: finds which phrasing rules fire in a message. A rule is a list of
//! substrings (everyday words, place names, dialect, misspellings); the caller decides what a
//! fired rule adds. Matching is on normalized text, so ＤＸ, dx and DX are one pattern.

use aho_corasick::AhoCorasick;

use super::TextError;
use super::normalize::Normalized;

/// What follows a word to deny it: "地震ではなく豪雨", "製造業じゃない", "補助金以外".
const DENIALS: &[&str] = &["ではな", "じゃな", "ではありません", "でもな", "以外"];

/// A compiled set of rules, each a list of trigger substrings.
#[derive(Debug, Clone)]
pub struct Expander {
    automaton: AhoCorasick,
    /// For each pattern of the automaton, the rule it belongs to.
    rule_of: Vec<usize>,
    rules: usize,
}

impl Expander {
    /// Compiles rules; `rules[i]` lists the substrings that fire rule `i`. Empty triggers are
    /// ignored (they would fire on everything).
    pub fn new(rules: &[Vec<String>]) -> Result<Self, TextError> {
        let mut patterns = Vec::new();
        let mut rule_of = Vec::new();
        for (i, triggers) in rules.iter().enumerate() {
            for t in triggers {
                let n = Normalized::new(t);
                if !n.as_str().trim().is_empty() {
                    patterns.push(n.as_str().to_string());
                    rule_of.push(i);
                }
            }
        }
        let automaton =
            AhoCorasick::new(&patterns).map_err(|e| TextError::Expansion(e.to_string()))?;
        Ok(Self {
            automaton,
            rule_of,
            rules: rules.len(),
        })
    }

    /// The rules that fire in `text`, each once, in rule order. An occurrence directly
    /// followed by a denial (地震ではなく, 製造業以外) does not fire its rule.
    pub fn fired(&self, text: &str) -> Vec<usize> {
        let normalized = Normalized::new(text);
        let s = normalized.as_str();
        let mut fired = vec![false; self.rules];
        for m in self.automaton.find_overlapping_iter(s) {
            let after = &s[m.end()..];
            if !DENIALS.iter().any(|d| after.starts_with(d)) {
                fired[self.rule_of[m.pattern().as_usize()]] = true;
            }
        }
        fired
            .iter()
            .enumerate()
            .filter_map(|(i, &f)| f.then_some(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Expander;

    #[test]
    fn fires_on_normalized_substrings_once_per_rule() {
        let rules = vec![
            vec!["跡継ぎ".to_string(), "後継者".to_string()],
            vec!["ＤＸ".to_string()],
            vec![String::new()],
        ];
        let e = Expander::new(&rules).unwrap();
        assert_eq!(e.fired("後継者の跡継ぎとdx"), [0, 1]);
        assert!(e.fired("天気").is_empty());
        assert_eq!(e.fired("跡継ぎではなくdxの話"), [1]);
        assert_eq!(e.fired("跡継ぎではなく後継者"), [0]);
    }
}
