//! The dialogue's own cue words: commands (start over), ways of asking about a kind of term
//! (いくら, いつまで), and the phrases that name an unknown disaster. These are ways of speaking,
//! not domain vocabulary, so they live in code; the domain's words live in `corpus/`.

use crate::corpus::TermLabel;

/// The industry the one industry-restricted program family is for.
pub const MANUFACTURING: &str = "製造業";

/// Words that ask to start the conversation over.
pub(crate) const RESET_WORDS: &[&str] = &[
    "最初から",
    "はじめから",
    "始めから",
    "リセット",
    "reset",
    "やり直し",
    "やりなおし",
    "最初に戻",
];

/// Phrases naming a disaster other than the two the programs know.
pub(crate) const OTHER_DISASTER: &[&str] = &[
    "以外の災害",
    "その他の災害",
    "ほかの災害",
    "他の災害",
    "別の災害",
];

/// Words that show which term a person is asking about, and the labels they mean, in the
/// order the labels are shown when several cues occur.
pub(crate) const LABEL_CUES: &[(&str, &[TermLabel])] = &[
    ("補助率", &[TermLabel::Rate, TermLabel::Share]),
    ("何割", &[TermLabel::Rate, TermLabel::Share]),
    ("負担", &[TermLabel::Share, TermLabel::Rate]),
    ("上限", &[TermLabel::Cap]),
    ("限度", &[TermLabel::Cap]),
    ("最大", &[TermLabel::Cap]),
    (
        "いくら",
        &[
            TermLabel::Cap,
            TermLabel::Rate,
            TermLabel::LoanLimit,
            TermLabel::Fee,
        ],
    ),
    ("金額", &[TermLabel::Cap, TermLabel::LoanLimit]),
    ("枠", &[TermLabel::LoanLimit]),
    ("金利", &[TermLabel::Interest]),
    ("利率", &[TermLabel::Interest]),
    ("経費", &[TermLabel::Expenses]),
    ("何に使", &[TermLabel::Expenses]),
    (
        "対象",
        &[
            TermLabel::Eligible,
            TermLabel::Recipient,
            TermLabel::Expenses,
        ],
    ),
    ("誰が", &[TermLabel::Eligible, TermLabel::Recipient]),
    ("条件", &[TermLabel::Requirement, TermLabel::Eligible]),
    ("要件", &[TermLabel::Requirement, TermLabel::Eligible]),
    ("期間", &[TermLabel::Period, TermLabel::Intake]),
    ("いつ", &[TermLabel::Period, TermLabel::Intake]),
    ("締切", &[TermLabel::Intake, TermLabel::Period]),
    ("窓口", &[TermLabel::Contact]),
    ("問い合わせ", &[TermLabel::Contact]),
    ("問合せ", &[TermLabel::Contact]),
    ("連絡先", &[TermLabel::Contact]),
    ("電話", &[TermLabel::Contact]),
    ("会費", &[TermLabel::Fee]),
    ("費用", &[TermLabel::Fee, TermLabel::Expenses]),
    ("予算", &[TermLabel::Budget, TermLabel::Cost]),
];
