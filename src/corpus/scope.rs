//! `corpus/places.toml` and `corpus/scope.toml`: the reviewed tables behind the judgement of
//! who is asking, from where, and for what (Kumamoto's municipalities and the other
//! prefectures; phrases of business owners, of 商工団体 and 市町村 staff, of private persons and
//! private purposes, and of business premises), checked on load.

use std::path::Path;

use serde::Deserialize;

use super::error::Errors;
use super::translated::Translated;

/// A Kumamoto municipality (or the prefecture itself), with the short forms people use.
#[derive(Debug, Clone)]
pub struct KumamotoPlace {
    pub name: String,
    pub short: Vec<String>,
}

/// Another prefecture, its short forms and the cities people name most often.
#[derive(Debug, Clone)]
pub struct Prefecture {
    pub name: String,
    pub short: Vec<String>,
    pub cities: Vec<String>,
}

/// The place tables.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub kumamoto: Vec<KumamotoPlace>,
    pub prefectures: Vec<Prefecture>,
}

/// How a person speaks for a business of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusinessRole {
    Owner,
    Successor,
    Founder,
}

/// People who run programs for businesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StaffRole {
    Association,
    Municipality,
}

/// A private person or purpose: what it is, how a reply names it, where to ask instead.
#[derive(Debug, Clone)]
pub struct PrivateRule {
    pub kind: String,
    pub label: String,
    pub refer: String,
    /// `label` and `refer` in English and in Chinese.
    pub label_translated: Translated,
    pub refer_translated: Translated,
    pub when: Vec<String>,
}

/// The phrase tables of the scope judgement.
#[derive(Debug, Clone, Default)]
pub struct ScopeRules {
    pub business: Vec<(BusinessRole, Vec<String>)>,
    pub staff: Vec<(StaffRole, Vec<String>)>,
    pub private: Vec<PrivateRule>,
    pub purposes: Vec<PrivateRule>,
    pub premises: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlaces {
    #[serde(default)]
    kumamoto: Vec<RawKumamoto>,
    #[serde(default)]
    prefecture: Vec<RawPrefecture>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKumamoto {
    name: String,
    #[serde(default)]
    short: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrefecture {
    name: String,
    #[serde(default)]
    short: Vec<String>,
    #[serde(default)]
    cities: Vec<String>,
}

/// The suffixes a place's full name ends with.
const SUFFIXES: &[char] = &['都', '道', '府', '県', '市', '町', '村'];

impl RawPlaces {
    pub(crate) fn check(self, file: &Path, errors: &mut Errors) -> Places {
        let mut full = |name: &str, field: String| {
            if !name.ends_with(SUFFIXES) {
                errors.push(
                    file,
                    "places",
                    field,
                    "a full name ending in 都/道/府/県/市/町/村",
                    name,
                );
            }
        };
        for (i, k) in self.kumamoto.iter().enumerate() {
            full(&k.name, format!("kumamoto[{i}].name"));
        }
        for (i, p) in self.prefecture.iter().enumerate() {
            full(&p.name, format!("prefecture[{i}].name"));
            for (j, c) in p.cities.iter().enumerate() {
                full(c, format!("prefecture[{i}].cities[{j}]"));
            }
        }
        // 45 municipalities and the prefecture itself; 46 other prefectures.
        if self.kumamoto.len() != 46 {
            errors.push(
                file,
                "places",
                "kumamoto",
                "熊本県 and its 45 municipalities (46 entries)",
                self.kumamoto.len().to_string(),
            );
        }
        if self.prefecture.len() != 46 {
            errors.push(
                file,
                "places",
                "prefecture",
                "the 46 prefectures other than 熊本県",
                self.prefecture.len().to_string(),
            );
        }
        Places {
            kumamoto: self
                .kumamoto
                .into_iter()
                .map(|k| KumamotoPlace {
                    name: k.name,
                    short: k.short,
                })
                .collect(),
            prefectures: self
                .prefecture
                .into_iter()
                .map(|p| Prefecture {
                    name: p.name,
                    short: p.short,
                    cities: p.cities,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScope {
    #[serde(default)]
    business: Vec<RawRole>,
    #[serde(default)]
    staff: Vec<RawRole>,
    #[serde(default)]
    private: Vec<RawPrivate>,
    #[serde(default)]
    purpose: Vec<RawPrivate>,
    #[serde(default)]
    premises: Vec<RawPremises>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    role: String,
    when: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivate {
    kind: String,
    label: String,
    refer: String,
    label_en: Option<String>,
    label_zh: Option<String>,
    refer_en: Option<String>,
    refer_zh: Option<String>,
    when: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPremises {
    when: Vec<String>,
}

impl RawScope {
    pub(crate) fn check(self, file: &Path, errors: &mut Errors) -> ScopeRules {
        let mut rules = ScopeRules::default();
        for (i, b) in self.business.into_iter().enumerate() {
            let role = match b.role.as_str() {
                "owner" => BusinessRole::Owner,
                "successor" => BusinessRole::Successor,
                "founder" => BusinessRole::Founder,
                other => {
                    let field = format!("business[{i}].role");
                    errors.push(file, "scope", field, "owner | successor | founder", other);
                    continue;
                }
            };
            rules.business.push((role, b.when));
        }
        for (i, s) in self.staff.into_iter().enumerate() {
            let role = match s.role.as_str() {
                "association" => StaffRole::Association,
                "municipality" => StaffRole::Municipality,
                other => {
                    let field = format!("staff[{i}].role");
                    errors.push(file, "scope", field, "association | municipality", other);
                    continue;
                }
            };
            rules.staff.push((role, s.when));
        }
        for (table, raw, out) in [
            ("private", self.private, &mut rules.private),
            ("purpose", self.purpose, &mut rules.purposes),
        ] {
            for (i, p) in raw.into_iter().enumerate() {
                if p.when.iter().all(|w| w.trim().is_empty())
                    || p.label.trim().is_empty()
                    || p.refer.trim().is_empty()
                {
                    errors.push(
                        file,
                        "scope",
                        format!("{table}[{i}]"),
                        "trigger phrases, a label and a place to refer to",
                        p.kind.clone(),
                    );
                    continue;
                }
                let field = format!("{table}[{i}]");
                let id = format!("scope {}", p.kind);
                let label_translated = Translated::check(
                    p.label_en,
                    p.label_zh,
                    file,
                    &id,
                    &format!("{field}.label"),
                    errors,
                );
                let refer_translated = Translated::check(
                    p.refer_en,
                    p.refer_zh,
                    file,
                    &id,
                    &format!("{field}.refer"),
                    errors,
                );
                out.push(PrivateRule {
                    kind: p.kind,
                    label: p.label,
                    refer: p.refer,
                    label_translated,
                    refer_translated,
                    when: p.when,
                });
            }
        }
        rules.premises = self.premises.into_iter().flat_map(|p| p.when).collect();
        rules
    }
}
