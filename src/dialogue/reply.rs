//! The reply text: plain, polite Japanese that names the programs, says whom to call, asks the
//! question when there is one, and says which document the terms come from. It states no term
//! itself: rates, caps and periods are only ever shown as quotes beside it.

use std::fmt::Write;
use std::sync::Arc;

use crate::corpus::{Date, SourceInfo, Status, TermLabel, period};

use super::compose::yen;
use super::{NoMatchReason, Recommendation, Reply};
use crate::sessions::SessionStatus;

/// The general places to ask, named in the source document's own terms.
const GENERAL_DESK: &str = "お近くの商工会・商工会議所、または熊本県の商工振興金融課";

pub(super) fn text(
    reply: &Reply,
    status: SessionStatus,
    sources: &[Arc<SourceInfo>],
    today: Date,
    asks_time: bool,
) -> String {
    let mut out = String::new();
    match status {
        SessionStatus::Expired => {
            out.push_str("（前回のご相談から時間がたったため、新しくお伺いします。）\n")
        }
        SessionStatus::Unknown => {
            out.push_str("（以前のご相談の記録が見つからないため、新しくお伺いします。）\n")
        }
        SessionStatus::TurnLimit => {
            out.push_str("（ご相談が長くなったため、いったん最初からお伺いします。）\n")
        }
        SessionStatus::Degraded => out.push_str(
            "（ただいま会話の記録を読み書きできないため、これまでの内容を引き継がず、このご質問だけにお答えします。）\n",
        ),
        SessionStatus::New | SessionStatus::Continued => {}
    }
    match reply {
        Reply::Answer { programs } if programs.is_empty() => {
            let _ = write!(
                out,
                "どのようなことでお困りか、もう少し詳しく教えてください。"
            );
        }
        Reply::Answer { programs } => {
            out.push_str("ご状況に合いそうな支援制度は次のとおりです。\n");
            list(&mut out, programs);
            next_step(&mut out, &programs[0]);
            estimates(&mut out, programs);
        }
        Reply::Clarify {
            follow_up,
            programs,
        } => {
            if !programs.is_empty() {
                out.push_str("候補になりそうな支援制度は次のとおりです。\n");
                list(&mut out, programs);
                out.push_str("より合う制度をご案内するために、一つ教えてください。\n");
            }
            out.push_str(&follow_up.question);
            estimates(&mut out, programs);
        }
        Reply::NoMatch { reason, refer } => {
            // Why, in one short phrase, before where to ask instead.
            match reason {
                NoMatchReason::Private { label } => {
                    let _ = write!(
                        out,
                        "申し訳ありません。{label}は、この窓口でご案内している熊本県の事業者向け（商工関係）の支援制度の対象ではありません。"
                    );
                }
                NoMatchReason::Elsewhere { prefecture } => {
                    let _ = write!(
                        out,
                        "申し訳ありません。熊本県外（{prefecture}）の事業所は、この窓口でご案内している熊本県の支援制度の対象ではありません。"
                    );
                }
                NoMatchReason::OtherTopic { topic } => {
                    let _ = write!(
                        out,
                        "申し訳ありません。{topic}のご質問は別の話題のため、この窓口（熊本県の商工関係の支援制度）ではお答えできません。"
                    );
                }
                NoMatchReason::NotCovered => out.push_str(
                    "申し訳ありません。ご質問の内容に当てはまる制度は、この資料の商工関係の支援制度には見当たりませんでした。",
                ),
            }
            if !refer.is_empty() {
                let _ = write!(
                    out,
                    "\nこの件は、{}にお問い合わせください。",
                    refer.join("、または")
                );
            }
            // The general desks are Kumamoto's: no use to a business elsewhere.
            if !matches!(reason, NoMatchReason::Elsewhere { .. }) {
                let _ = write!(
                    out,
                    "\n熊本県内での事業の経営に関するご相談でしたら、{GENERAL_DESK}でも承っています。"
                );
            }
        }
    }
    if !matches!(reply, Reply::NoMatch { .. }) {
        // Once per reply: the documents' year against today's, when today is later.
        let document_year = sources
            .iter()
            .filter_map(|d| period::parse(&d.year).map(|(first, ..)| first))
            .max();
        if let Some(year) = document_year.filter(|y| today.fiscal_year() > *y) {
            let _ = write!(
                out,
                "\n※この資料は令和{}年度のものです。現在は令和{}年度です。",
                year - 2018,
                today.reiwa_fiscal_year()
            );
            // Which programs' periods have ended the list says once; that the desks know
            // today's state, the last note says.
        }
        if asks_time {
            out.push_str(
                "\n※この資料には申請の締め切り（受付期間）は書かれていません。掲載している「事業期間」をご覧のうえ、受付の状況は各制度の窓口にご確認ください。",
            );
        }
        let documents: Vec<String> = sources
            .iter()
            .map(|d| format!("{}の資料「{}」", d.year, d.title))
            .collect();
        let documents = documents.join("、");
        let _ = write!(
            out,
            "\n※{documents}に基づく内容です。現在の受付状況は各窓口にご確認ください。"
        );
    }
    out
}

fn list(out: &mut String, programs: &[Recommendation]) {
    for (i, p) in programs.iter().enumerate() {
        let _ = write!(out, "{}. {}（{}）", i + 1, p.name, p.kind.japanese());
        if let Some(reason) = &p.reason {
            let _ = write!(out, "：{reason}");
        }
        out.push('\n');
    }
    // Once per answer, not after each program: which of them the document says have ended.
    let ended: Vec<String> = programs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.period.status == Status::After)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !ended.is_empty() {
        let which = if ended.len() == programs.len() && programs.len() > 1 {
            "いずれの制度も".to_string()
        } else {
            format!("{}の制度は", ended.join("・"))
        };
        let _ = writeln!(
            out,
            "※{which}資料の事業期間が終わっており、終了している可能性があります（各担当課にご確認ください）。"
        );
    }
}

/// The one next step: whom to call about the best program.
fn next_step(out: &mut String, first: &Recommendation) {
    let has_phone = first.quotes.iter().any(|q| {
        q.label == TermLabel::Contact && q.text.chars().filter(char::is_ascii_digit).count() >= 9
    });
    if has_phone {
        let _ = write!(
            out,
            "まずは「{}」について、{}にお問い合わせください（連絡先は引用の「窓口」をご覧ください）。",
            first.name, first.division
        );
    } else {
        let _ = write!(
            out,
            "まずは「{}」について、担当の{}、またはお近くの商工会・商工会議所にご相談ください。",
            first.name, first.division
        );
    }
}

fn estimates(out: &mut String, programs: &[Recommendation]) {
    for p in programs {
        if let Some(e) = &p.estimate {
            let _ = write!(
                out,
                "\n目安：「{}」では、経費{}に補助率{}/{}をかけた額と上限{}の小さい方、約{}です（引用の補助率・上限額による概算で、実際の額は審査で決まります）。",
                p.name,
                yen(e.expense),
                e.rate.num,
                e.rate.den,
                yen(e.cap),
                yen(e.amount)
            );
        }
    }
}
