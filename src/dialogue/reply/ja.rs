//! The Japanese words: the reply as it always was (`tests/golden/replies_ja.txt` pins every
//! byte), the Japanese names of the closed sets and the renderer's labels.

use std::fmt::Write;
use std::sync::Arc;

use crate::corpus::{Applicant, Date, Disaster, Kind, SourceInfo, Stage, TermLabel, Theme};
use crate::text::Lang;

use super::super::Recommendation;
use super::super::compose::{Estimate, yen};
use super::super::reason::{Cond, Why};
use super::Words;
use crate::sessions::SessionStatus;

/// Japanese, the document's language and the default.
pub(super) struct Ja;

fn cond(c: &Cond) -> String {
    match c {
        Cond::Disaster(ds) => {
            let names: Vec<&str> = ds.iter().map(|d| d.as_str()).collect();
            format!("{}で被災した事業者", names.join("・"))
        }
        Cond::Stage(s) => Ja.stage(*s).to_string(),
        Cond::AnyStage => "事業承継の段階が合う場合".to_string(),
        Cond::Manufacturer => "製造業の事業者".to_string(),
        Cond::Other => "条件に当てはまる事業者".to_string(),
    }
}

impl Words for Ja {
    fn lang(&self) -> Lang {
        Lang::Ja
    }

    fn status(&self, status: SessionStatus) -> &'static str {
        match status {
            SessionStatus::Expired => {
                "（前回のご相談から時間がたったため、新しくお伺いします。）\n"
            }
            SessionStatus::Unknown => {
                "（以前のご相談の記録が見つからないため、新しくお伺いします。）\n"
            }
            SessionStatus::TurnLimit => {
                "（ご相談が長くなったため、いったん最初からお伺いします。）\n"
            }
            SessionStatus::Degraded => {
                "（ただいま会話の記録を読み書きできないため、これまでの内容を引き継がず、このご質問だけにお答えします。）\n"
            }
            SessionStatus::New | SessionStatus::Continued => "",
        }
    }

    fn ask_more(&self) -> &'static str {
        "どのようなことでお困りか、もう少し詳しく教えてください。"
    }

    fn answer_intro(&self) -> &'static str {
        "ご状況に合いそうな支援制度は次のとおりです。\n"
    }

    fn clarify_intro(&self) -> &'static str {
        "候補になりそうな支援制度は次のとおりです。\n"
    }

    fn clarify_ask(&self) -> &'static str {
        "より合う制度をご案内するために、一つ教えてください。\n"
    }

    fn program_line(&self, n: usize, p: &Recommendation) -> String {
        let mut out = format!("{n}. {}（{}）", p.name, p.kind.japanese());
        if let Some(reason) = &p.reason {
            let _ = write!(out, "：{reason}");
        }
        out.push('\n');
        out
    }

    fn ended(&self, which: &[String], all: bool) -> String {
        let which = if all {
            "いずれの制度も".to_string()
        } else {
            format!("{}の制度は", which.join("・"))
        };
        format!(
            "※{which}資料の事業期間が終わっており、終了している可能性があります（各担当課にご確認ください）。\n"
        )
    }

    fn next_step(&self, first: &Recommendation, has_phone: bool) -> String {
        if has_phone {
            format!(
                "まずは「{}」について、{}にお問い合わせください（連絡先は引用の「窓口」をご覧ください）。",
                first.name, first.division
            )
        } else {
            format!(
                "まずは「{}」について、担当の{}、またはお近くの商工会・商工会議所にご相談ください。",
                first.name, first.division
            )
        }
    }

    fn estimate(&self, p: &Recommendation, e: &Estimate) -> String {
        format!(
            "\n目安：「{}」では、経費{}に補助率{}/{}をかけた額と上限{}の小さい方、約{}です（引用の補助率・上限額による概算で、実際の額は審査で決まります）。",
            p.name,
            yen(e.expense),
            e.rate.num,
            e.rate.den,
            yen(e.cap),
            yen(e.amount)
        )
    }

    fn private(&self, label: &str) -> String {
        format!(
            "申し訳ありません。{label}は、この窓口でご案内している熊本県の事業者向け（商工関係）の支援制度の対象ではありません。"
        )
    }

    fn elsewhere(&self, prefecture: &str) -> String {
        format!(
            "申し訳ありません。熊本県外（{prefecture}）の事業所は、この窓口でご案内している熊本県の支援制度の対象ではありません。"
        )
    }

    fn elsewhere_refer(&self, pref: &str) -> String {
        format!(
            "{pref}のよろず支援拠点や、事業所のある地域の商工会・商工会議所、{pref}の商工担当課"
        )
    }

    fn other_topic(&self, topic: &str) -> String {
        format!(
            "申し訳ありません。{topic}のご質問は別の話題のため、この窓口（熊本県の商工関係の支援制度）ではお答えできません。"
        )
    }

    fn not_covered(&self) -> &'static str {
        "申し訳ありません。ご質問の内容に当てはまる制度は、この資料の商工関係の支援制度には見当たりませんでした。"
    }

    fn language(&self) -> &'static str {
        "申し訳ありません。この窓口では、日本語・英語・中国語でのご相談をお受けしています。お手数ですが、いずれかの言語でお書きください。"
    }

    fn refer(&self, refer: &[String]) -> String {
        format!(
            "\nこの件は、{}にお問い合わせください。",
            refer.join("、または")
        )
    }

    fn general_desk(&self) -> &'static str {
        // The general places to ask, named in the source document's own terms.
        "\n熊本県内での事業の経営に関するご相談でしたら、お近くの商工会・商工会議所、または熊本県の商工振興金融課でも承っています。"
    }

    fn year_note(&self, document_year: i32, today: Date) -> String {
        format!(
            "\n※この資料は令和{}年度のものです。現在は令和{}年度です。",
            document_year - 2018,
            today.reiwa_fiscal_year()
        )
    }

    fn deadline_note(&self) -> &'static str {
        "\n※この資料には申請の締め切り（受付期間）は書かれていません。掲載している「事業期間」をご覧のうえ、受付の状況は各制度の窓口にご確認ください。"
    }

    fn documents_note(&self, sources: &[Arc<SourceInfo>]) -> String {
        let documents: Vec<String> = sources
            .iter()
            .map(|d| format!("{}の資料「{}」", d.year, d.title))
            .collect();
        format!(
            "\n※{}に基づく内容です。現在の受付状況は各窓口にご確認ください。",
            documents.join("、")
        )
    }

    fn reason(&self, why: &Why) -> String {
        match why {
            Why::Named => "お尋ねの制度です。".to_string(),
            Why::MayFit(c) => format!("{}であれば対象になります。", cond(c)),
            Why::Need {
                who,
                word,
                at: Some(label),
                own,
            } => {
                // 「ご相談の」 only for words the person used; a word the vocabulary read into
                // the message is said to be the program's.
                let need = if *own {
                    format!("ご相談の「{word}」が、この制度の{label}にあります。")
                } else {
                    format!("この制度の{label}に「{word}」とあります。")
                };
                match who {
                    Some(c) => format!("{}向けです。{need}", cond(c)),
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
                    format!("ご相談の「{word}」に当たる制度です。")
                } else {
                    format!("「{word}」の制度です。")
                };
                match who {
                    Some(c) => format!("{}向けで、{need}", cond(c)),
                    None => need,
                }
            }
            Why::Who(c) => format!("{}向けの制度です。", cond(c)),
            Why::Theme(t) => format!("「{}」のご相談に当たる制度です。", t.as_str()),
            Why::Matches => "ご相談の内容に当たる制度です。".to_string(),
        }
    }

    fn kind(&self, kind: Kind) -> &'static str {
        kind.japanese()
    }

    fn label(&self, label: TermLabel) -> &'static str {
        label.as_str()
    }

    fn theme(&self, theme: Theme) -> &'static str {
        theme.as_str()
    }

    fn disaster(&self, disaster: Disaster) -> &'static str {
        disaster.as_str()
    }

    fn stage(&self, stage: Stage) -> &'static str {
        match stage {
            Stage::Preparing => "事業を引き継ぐ前（準備段階）の事業者・後継ぎ",
            Stage::Succeeded => "事業を引き継いだ後の後継ぎ",
            Stage::Consulting => "事業承継の相談先を探している事業者",
        }
    }

    fn applicant_how(&self, applicant: Applicant) -> &'static str {
        applicant.how()
    }

    fn terms_heading(&self) -> &'static str {
        "【制度と条件】（「」内は資料からの引用、「p.N l.M」は資料のページと行）"
    }

    fn program_heading(&self, n: usize, p: &Recommendation, ids: bool) -> String {
        if ids {
            format!("[{n}] {}（id: {}・{}）", p.name, p.id, p.kind.japanese())
        } else {
            format!("[{n}] {}（{}）", p.name, p.kind.japanese())
        }
    }

    fn division_line(&self, p: &Recommendation) -> String {
        format!("担当：{}", p.division)
    }

    fn reason_label(&self, fits: bool) -> &'static str {
        if fits { "合う理由" } else { "条件" }
    }

    fn follow_up_heading(&self) -> &'static str {
        "【絞り込むための質問】"
    }

    fn options_inline(&self, options: &[String]) -> String {
        format!("選択肢：{}", options.join("／"))
    }

    fn no_match_heading(&self) -> &'static str {
        "【該当なし】"
    }

    fn refer_inline(&self, refer: &[String]) -> String {
        format!("問い合わせ先：{}。", refer.join("、"))
    }

    fn colon(&self) -> &'static str {
        "："
    }
}
