//! The checked domain types of the corpus: programs, their quoted terms, and the closed sets of
//! labels, themes, kinds, disasters, sizes and succession stages that records may use.
//!
//! These types are not `Serialize`: the wire format belongs to `http`/`cli`, which convert by
//! hand, so a field renamed here cannot silently change the API.

use std::sync::Arc;

/// Defines a closed set of values that records write in Japanese, with parsing and the list of
/// every value (used in error messages and by the tests).
macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The Japanese label records use.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses the Japanese label; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($label => Some($name::$variant),)+ _ => None }
            }

            /// The allowed labels, for error messages.
            pub fn expected() -> String {
                let all: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!("one of {}", all.join(", "))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

labelled_enum! {
    /// What a quoted term is about. The order is the order a business owner reads them in.
    TermLabel {
        Overview => "概要",
        Purpose => "目的",
        Eligible => "対象者",
        Recipient => "補助対象者",
        Requirement => "要件",
        Rate => "補助率",
        Share => "負担割合",
        Cap => "上限額",
        LoanLimit => "融資枠",
        Interest => "利率",
        Expenses => "対象経費",
        Content => "事業内容",
        Period => "事業期間",
        Intake => "受付期間",
        Operator => "事業主体",
        Contact => "窓口",
        Fee => "会費",
        Cost => "事業費",
        Budget => "予算額",
        Other => "その他",
    }
}

labelled_enum! {
    /// The situations a program serves.
    Theme {
        Disaster => "被災・復旧",
        Succession => "事業承継",
        Taiwan => "台湾・輸出",
        Dx => "DX",
        Finance => "資金繰り・融資",
        Sales => "販路開拓",
        ShoppingStreet => "商店街",
        Revival => "事業再生",
        Productivity => "生産性・賃上げ",
        People => "人材",
        Decarbonization => "脱炭素",
        Startup => "創業",
        Management => "経営改善",
        Childcare => "子育て",
    }
}

labelled_enum! {
    /// What a business owner gets from a program.
    Kind {
        Subsidy => "subsidy",
        Loan => "loan",
        Expert => "expert",
        Seminar => "seminar",
        Event => "event",
        Network => "network",
        Promotion => "promotion",
    }
}

labelled_enum! {
    /// The disasters some programs are reserved for.
    Disaster {
        Earthquake2016 => "熊本地震",
        Flood2020 => "令和2年7月豪雨",
    }
}

labelled_enum! {
    /// Whom a program is aimed at.
    Size {
        Small => "小規模事業者",
        Sme => "中小企業",
        MidSized => "中堅企業",
        Association => "商工団体",
    }
}

labelled_enum! {
    /// The stage of a business succession a program serves.
    Stage {
        Preparing => "準備段階",
        Succeeded => "承継後",
        Consulting => "相談",
    }
}

labelled_enum! {
    /// Who applies for a program, as its quoted 補助対象者 (or 対象者, 事業主体) says.
    Applicant {
        Business => "事業者",
        ViaAssociation => "商工会経由",
        Association => "商工団体",
        Municipality => "市町村",
        Prefecture => "県",
        PrefectureViaAssociation => "県・商工会経由",
    }
}

impl Applicant {
    /// How an individual business owner takes part, in one sentence for the program's card.
    pub fn how(self) -> &'static str {
        match self {
            Applicant::Business => "事業者が直接申し込む制度です。",
            Applicant::ViaAssociation => {
                "お近くの商工会・商工会議所と一緒に計画を作り、申し込む制度です。"
            }
            Applicant::Association => {
                "商工会・商工会議所などの団体が申請・実施する事業です。事業者は団体の取組に参加する形で利用します。"
            }
            Applicant::Municipality => {
                "市町村が申請・実施する事業です。事業者は市町村の取組を通じて利用します。"
            }
            Applicant::Prefecture => {
                "県が実施する事業です。事業者は県の募集に応じて、その支援やセミナー・商談会などに参加します。"
            }
            Applicant::PrefectureViaAssociation => {
                "県が商工会等に委託して実施する事業です。事業者はお近くの商工会・商工会議所を通じて利用します。"
            }
        }
    }

    /// True when an individual owner takes part themselves (applying alone or with the
    /// 商工会's help, or joining what the prefecture runs), not through an organisation's
    /// own project.
    pub fn is_direct(self) -> bool {
        !matches!(self, Applicant::Association | Applicant::Municipality)
    }
}

impl Kind {
    /// The kind in Japanese, for replies.
    pub fn japanese(self) -> &'static str {
        match self {
            Kind::Subsidy => "補助金",
            Kind::Loan => "融資",
            Kind::Expert => "専門家派遣・伴走支援",
            Kind::Seminar => "セミナー・講習会",
            Kind::Event => "商談会・イベント",
            Kind::Network => "ネットワーク・マッチング",
            Kind::Promotion => "広報・周知",
        }
    }
}

/// A program id from the fixed list (`corpus/program-ids.md`). Only the loader makes these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
/// Shared, not copied: every answer carries the ids of its programs.
pub struct ProgramId(Arc<str>);

impl ProgramId {
    pub(crate) fn new_unchecked(s: &str) -> Self {
        Self(s.into())
    }

    /// An id for comparisons in tests and tools. It is not checked against the fixed list, so
    /// it can only be compared with, never used to look up, what the corpus holds.
    pub fn from_fixed(s: &str) -> Self {
        Self(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The program a menu belongs to (`shokei-atotsugi` for `shokei-atotsugi.oen`).
    pub fn parent(&self) -> Option<ProgramId> {
        self.0.split_once('.').map(|(p, _)| ProgramId(p.into()))
    }

    /// True when `self` and `other` are equal or one is a menu of the other.
    pub fn related(&self, other: &ProgramId) -> bool {
        let (a, b) = (self.as_str(), other.as_str());
        a == b
            || a.strip_prefix(b).is_some_and(|r| r.starts_with('.'))
            || b.strip_prefix(a).is_some_and(|r| r.starts_with('.'))
    }
}

impl std::fmt::Display for ProgramId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A verbatim slice of the source with its citation. Checked against the source on load. The
/// text is shared, so an answer that shows a quote copies no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub label: TermLabel,
    pub text: Arc<str>,
    pub page: u32,
    pub line: u32,
}

/// One program or menu, as checked by the loader.
#[derive(Debug, Clone)]
pub struct Program {
    pub id: ProgramId,
    /// Index of the source document in `Corpus::documents`.
    pub source: usize,
    pub parent: Option<ProgramId>,
    /// 事業名 exactly as printed, with the line it is printed on.
    pub name: Arc<str>,
    /// What the name means, in English and in Chinese (replies keep the name in 「」 before it).
    pub gloss: super::Translated,
    pub name_line: u32,
    pub division: Arc<str>,
    /// What the division is, in English and in Chinese.
    pub division_gloss: super::Translated,
    pub pages: Vec<u32>,
    pub kind: Kind,
    /// One line in our words; carries no figures (those only ever come from quotes).
    pub purpose: String,
    pub themes: Vec<Theme>,
    pub disasters: Vec<Disaster>,
    pub sizes: Vec<Size>,
    pub industries: Vec<String>,
    pub stages: Vec<Stage>,
    pub keywords: Vec<String>,
    /// What a person is after when this program fits: words of the program's own text (its
    /// name, purpose, lines or quotes), each checked against them at load. The fit stage
    /// tells a program that serves the person's need from one that only shares a theme.
    pub needs: Vec<String>,
    /// Themes one of which the situation must be about for the program to fit at all (台湾 for
    /// the Taiwan programs, 商店街 for the shopping-street ones); empty: no such condition.
    pub requires: Vec<Theme>,
    /// Kinds of help the program gives besides its `kind` (an expert programme that also
    /// holds seminars).
    pub offers: Vec<Kind>,
    /// Programs this one accompanies (the つなぎ融資 of a subsidy): it fits wherever they do.
    pub accompanies: Vec<ProgramId>,
    /// The source lines that describe this program, joined: the searchable body.
    pub body: String,
    pub terms: Vec<Quote>,
    /// Who applies, and the index in `terms` of the quote that says so.
    pub applicant: Option<(Applicant, usize)>,
    /// The period its 事業期間 quote states; `None` without such a quote, or when the quote
    /// cannot be read (then `period_unreadable` says so).
    pub period: Option<super::period::Period>,
    /// A 事業期間 quote whose years could not be read (listed by `madoguchi check`).
    pub period_unreadable: bool,
}

impl Program {
    /// The terms with a given label, in record order.
    pub fn terms_labelled(&self, label: TermLabel) -> impl Iterator<Item = &Quote> {
        self.terms.iter().filter(move |q| q.label == label)
    }

    pub fn is_menu(&self) -> bool {
        self.parent.is_some()
    }
}
