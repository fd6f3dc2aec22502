//! The English words: the reply, the closed sets' names and the renderer's labels, in the
//! plain, polite register of a public help desk. Every Japanese word stays in 「…」 with what it
//! is beside it: a program's name with its gloss, an office with what it does, a quote with its
//! label in English.

use std::fmt::Write;
use std::sync::Arc;

use crate::corpus::{Applicant, Date, Disaster, Kind, SourceInfo, Stage, TermLabel, Theme};
use crate::text::Lang;

use super::super::Recommendation;
use super::super::compose::{Estimate, group};
use super::super::reason::{Cond, Why};
use super::{Words, year_of};
use crate::sessions::SessionStatus;

/// English.
pub(super) struct En;

/// A local chamber of commerce and industry, as the document names it and as it is.
const CHAMBER: &str = "your local 「商工会・商工会議所」 (chamber of commerce and industry)";

/// 「name」 (gloss).
fn named(p: &Recommendation) -> String {
    format!("「{}」 ({})", p.name, p.gloss.en)
}

/// 「division」 (what it is).
fn division(p: &Recommendation) -> String {
    format!("「{}」 ({})", p.division, p.division_gloss.en)
}

fn yen(n: u64) -> String {
    format!("¥{}", group(n))
}

/// "a, b or c".
fn either(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn cond(c: &Cond) -> String {
    match c {
        Cond::Disaster(ds) => {
            let names: Vec<&str> = ds.iter().map(|d| En.disaster(*d)).collect();
            format!("businesses damaged by {}", either(&names))
        }
        Cond::Stage(s) => En.stage(*s).to_string(),
        Cond::AnyStage => "businesses at the stage of succession it supports".to_string(),
        Cond::Manufacturer => "manufacturers".to_string(),
        Cond::Other => "businesses that meet its conditions".to_string(),
    }
}

impl Words for En {
    fn lang(&self) -> Lang {
        Lang::En
    }

    fn status(&self, status: SessionStatus) -> &'static str {
        match status {
            SessionStatus::Expired => {
                "(Some time has passed since your last question, so we are starting afresh.)\n"
            }
            SessionStatus::Unknown => {
                "(We could not find the record of your earlier conversation, so we are starting afresh.)\n"
            }
            SessionStatus::TurnLimit => {
                "(Our conversation has become long, so we are starting again from the beginning.)\n"
            }
            SessionStatus::Degraded => {
                "(We cannot read or save conversation records right now, so this answers only this question, without what was said before.)\n"
            }
            SessionStatus::New | SessionStatus::Continued => "",
        }
    }

    fn ask_more(&self) -> &'static str {
        "Could you tell us a little more about what you need help with?"
    }

    fn answer_intro(&self) -> &'static str {
        "These support programs may fit your situation:\n"
    }

    fn clarify_intro(&self) -> &'static str {
        "These support programs may be candidates:\n"
    }

    fn clarify_ask(&self) -> &'static str {
        "To suggest the programs that fit best, please tell us one thing.\n"
    }

    fn program_line(&self, n: usize, p: &Recommendation) -> String {
        let mut out = format!(
            "{n}. 「{}」 ({}; {})",
            p.name,
            p.gloss.en,
            self.kind(p.kind)
        );
        if let Some(reason) = &p.reason {
            let _ = write!(out, ": {reason}");
        }
        out.push('\n');
        out
    }

    fn ended(&self, which: &[String], all: bool) -> String {
        let which = if all {
            "all of these programs".to_string()
        } else if which.len() == 1 {
            format!("program {}", which[0])
        } else {
            let numbers: Vec<&str> = which.iter().map(String::as_str).collect();
            format!("programs {}", either(&numbers).replace(" or ", " and "))
        };
        format!(
            "Note: the program period in the document has ended for {which}, so they may have closed (please check with the division in charge).\n"
        )
    }

    fn next_step(&self, first: &Recommendation, has_phone: bool) -> String {
        if has_phone {
            format!(
                "As a first step, please contact {} about {} (the contact details are in the quoted 「窓口」, the contact desk).",
                division(first),
                named(first)
            )
        } else {
            format!(
                "As a first step, please ask {}, which is in charge, or {CHAMBER} about {}.",
                division(first),
                named(first)
            )
        }
    }

    fn estimate(&self, p: &Recommendation, e: &Estimate) -> String {
        format!(
            "\nEstimate for {}: the smaller of your expense of {} times the subsidy rate {}/{} and the upper limit of {}, about {} (a rough figure from the quoted rate and upper limit; the actual amount is decided when the application is reviewed).",
            named(p),
            yen(e.expense),
            e.rate.num,
            e.rate.den,
            yen(e.cap),
            yen(e.amount)
        )
    }

    fn private(&self, label: &str) -> String {
        format!(
            "We are sorry, but {label} is not covered by the support programs for Kumamoto businesses (commerce and industry) that this desk advises on."
        )
    }

    fn elsewhere(&self, prefecture: &str) -> String {
        format!(
            "We are sorry, but a business located outside Kumamoto (in 「{prefecture}」) is not covered by the Kumamoto support programs this desk advises on."
        )
    }

    fn elsewhere_refer(&self, pref: &str) -> String {
        format!(
            "the 「よろず支援拠点」 (free business advice center) of 「{pref}」, the 「商工会・商工会議所」 (chamber of commerce and industry) where your business is, or the commerce and industry section of 「{pref}」"
        )
    }

    fn other_topic(&self, topic: &str) -> String {
        format!(
            "We are sorry, but questions about {topic} are a different subject, which this desk (Kumamoto's support programs for commerce and industry) cannot answer."
        )
    }

    fn not_covered(&self) -> &'static str {
        "We are sorry, but we could not find a program matching your question among the commerce and industry support programs in this document."
    }

    fn language(&self) -> &'static str {
        "We are sorry, but this desk can read questions in Japanese, English and Chinese only. Please write to us in one of these languages."
    }

    fn refer(&self, refer: &[String]) -> String {
        format!("\nFor this, please contact {}.", refer.join("; or "))
    }

    fn general_desk(&self) -> &'static str {
        "\nFor advice on running a business in Kumamoto, you can also ask your local 「商工会・商工会議所」 (chamber of commerce and industry) or the prefecture's 「商工振興金融課」 (Commerce, Industry and Finance Division)."
    }

    fn year_note(&self, document_year: i32, today: Date) -> String {
        format!(
            "\nNote: this document is for fiscal year {document_year} (「令和{}年度」); it is now fiscal year {}.",
            document_year - 2018,
            today.fiscal_year()
        )
    }

    fn deadline_note(&self) -> &'static str {
        "\nNote: this document does not give application deadlines. Please see the quoted 「事業期間」 (program period), and check with each program's desk whether applications are being accepted."
    }

    fn documents_note(&self, sources: &[Arc<SourceInfo>]) -> String {
        let documents: Vec<String> = sources
            .iter()
            .map(|d| match year_of(d) {
                Some(y) => format!(
                    "「{}」 ({}, fiscal year {y})",
                    d.title, d.title_translated.en
                ),
                None => format!(
                    "「{}」 ({}, 「{}」)",
                    d.title, d.title_translated.en, d.year
                ),
            })
            .collect();
        format!(
            "\nNote: this is based on the document {}. Please check with each desk whether applications are being accepted now.",
            documents.join(" and ")
        )
    }

    fn reason(&self, why: &Why) -> String {
        match why {
            Why::Named => "This is the program you asked about.".to_string(),
            Why::MayFit(c) => format!(
                "It is for {}: you can use it if that is your case.",
                cond(c)
            ),
            Why::Need {
                who,
                word,
                at: Some(label),
                own,
            } => {
                let need = if *own {
                    // The label is named, not run into the sentence: "its who is eligible"
                    // and "its what the program does" are not English.
                    format!(
                        "What you asked about, 「{word}」, appears under “{}”.",
                        self.label(*label)
                    )
                } else {
                    format!("Its “{}” mentions 「{word}」.", self.label(*label))
                };
                match who {
                    Some(c) => format!("It is for {}. {need}", cond(c)),
                    None => need,
                }
            }
            Why::Need {
                who,
                word,
                at: None,
                own,
            } => {
                let need = if *own {
                    format!("It is a program for what you asked about, 「{word}」.")
                } else {
                    format!("It is a program for 「{word}」.")
                };
                match who {
                    Some(c) => format!("It is for {}. {need}", cond(c)),
                    None => need,
                }
            }
            Why::Who(c) => format!("It is a program for {}.", cond(c)),
            Why::Theme(t) => format!("It is a program for questions about {}.", self.theme(*t)),
            Why::Matches => "It is a program that matches your question.".to_string(),
        }
    }

    fn kind(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Subsidy => "subsidy",
            Kind::Loan => "loan",
            Kind::Expert => "expert advice and support",
            Kind::Seminar => "seminars and courses",
            Kind::Event => "business meetings and events",
            Kind::Network => "networking and matching",
            Kind::Promotion => "publicity",
        }
    }

    fn label(&self, label: TermLabel) -> &'static str {
        match label {
            TermLabel::Overview => "Overview",
            TermLabel::Purpose => "Purpose",
            TermLabel::Eligible => "Who is eligible",
            TermLabel::Recipient => "Who can receive the subsidy",
            TermLabel::Requirement => "Requirements",
            TermLabel::Rate => "Subsidy rate",
            TermLabel::Share => "Cost sharing",
            TermLabel::Cap => "Upper limit",
            TermLabel::LoanLimit => "Loan limit",
            TermLabel::Interest => "Interest rate",
            TermLabel::Expenses => "Eligible expenses",
            TermLabel::Content => "What the program does",
            TermLabel::Period => "Program period",
            TermLabel::Intake => "Application period",
            TermLabel::Operator => "Run by",
            TermLabel::Contact => "Contact desk",
            TermLabel::Fee => "Membership fee",
            TermLabel::Cost => "Program cost",
            TermLabel::Budget => "Budget",
            TermLabel::Other => "Other",
        }
    }

    fn theme(&self, theme: Theme) -> &'static str {
        match theme {
            Theme::Disaster => "recovery from a disaster",
            Theme::Succession => "business succession",
            Theme::Taiwan => "Taiwan and exports",
            Theme::Dx => "digital transformation (DX)",
            Theme::Finance => "cash flow and loans",
            Theme::Sales => "finding new customers and sales channels",
            Theme::ShoppingStreet => "shopping streets",
            Theme::Revival => "rebuilding a business",
            Theme::Productivity => "productivity and wages",
            Theme::People => "skilled people",
            Theme::Decarbonization => "decarbonization",
            Theme::Startup => "starting a business",
            Theme::Management => "improving management",
            Theme::Childcare => "child-rearing",
        }
    }

    fn disaster(&self, disaster: Disaster) -> &'static str {
        match disaster {
            Disaster::Earthquake2016 => "the 2016 Kumamoto earthquakes",
            Disaster::Flood2020 => "the July 2020 heavy rain",
        }
    }

    fn stage(&self, stage: Stage) -> &'static str {
        match stage {
            Stage::Preparing => "businesses and successors preparing a handover",
            Stage::Succeeded => "successors who have taken over a business",
            Stage::Consulting => "businesses looking for advice on succession",
        }
    }

    fn applicant_how(&self, applicant: Applicant) -> &'static str {
        match applicant {
            Applicant::Business => "The business applies directly.",
            Applicant::ViaAssociation => {
                "You make a plan together with your local 「商工会・商工会議所」 (chamber of commerce and industry) and apply."
            }
            Applicant::Association => {
                "A business association such as a 「商工会・商工会議所」 (chamber of commerce and industry) applies and runs it; businesses take part in what the association organises."
            }
            Applicant::Municipality => {
                "A city, town or village applies and runs it; businesses use it through what the municipality organises."
            }
            Applicant::Prefecture => {
                "The prefecture runs it; businesses answer its calls and take part in its support, seminars or business meetings."
            }
            Applicant::PrefectureViaAssociation => {
                "The prefecture runs it through the 「商工会」 and similar bodies; businesses use it through their local 「商工会・商工会議所」 (chamber of commerce and industry)."
            }
        }
    }

    fn terms_heading(&self) -> &'static str {
        "[Programs and terms] (text in 「」 is quoted from the document; 「p.N l.M」 is its page and line)"
    }

    fn program_heading(&self, n: usize, p: &Recommendation, ids: bool) -> String {
        if ids {
            format!(
                "[{n}] 「{}」 ({}; id: {}; {})",
                p.name,
                p.gloss.en,
                p.id,
                self.kind(p.kind)
            )
        } else {
            format!(
                "[{n}] 「{}」 ({}; {})",
                p.name,
                p.gloss.en,
                self.kind(p.kind)
            )
        }
    }

    fn division_line(&self, p: &Recommendation) -> String {
        format!("In charge: {}", division(p))
    }

    fn reason_label(&self, fits: bool) -> &'static str {
        if fits { "Why it fits" } else { "Condition" }
    }

    fn follow_up_heading(&self) -> &'static str {
        "[A question to narrow it down] "
    }

    fn options_inline(&self, options: &[String]) -> String {
        format!("Options: {}", options.join(" / "))
    }

    fn no_match_heading(&self) -> &'static str {
        "[No matching program] "
    }

    fn refer_inline(&self, refer: &[String]) -> String {
        format!(" Where to ask: {}.", refer.join("; "))
    }

    fn colon(&self) -> &'static str {
        ": "
    }
}
