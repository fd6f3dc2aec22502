//! The Traditional Chinese words (as written in Taiwan): the reply, the closed sets' names and
//! the renderer's labels, in the plain, polite register of a public help desk. Every Japanese
//! word stays in 「…」 with what it is beside it: a program's name with its gloss, an office
//! with what it does, a quote with its label in Chinese.

use std::fmt::Write;
use std::sync::Arc;

use crate::corpus::{Applicant, Date, Disaster, Kind, SourceInfo, Stage, TermLabel, Theme};
use crate::text::Lang;

use super::super::Recommendation;
use super::super::compose::{Estimate, group};
use super::super::reason::{Cond, Why};
use super::{Words, year_of};
use crate::sessions::SessionStatus;

/// Traditional Chinese.
pub(super) struct Zh;

/// A local chamber of commerce and industry, as the document names it and as it is.
const CHAMBER: &str = "當地的「商工会・商工会議所」（工商會）";

/// 「name」（gloss）.
fn named(p: &Recommendation) -> String {
    format!("「{}」（{}）", p.name, p.gloss.zh)
}

/// 「division」（what it is）.
fn division(p: &Recommendation) -> String {
    format!("「{}」（{}）", p.division, p.division_gloss.zh)
}

/// Yen as people in Taiwan read it: 2,000,000 → 200萬日圓.
fn yen(n: u64) -> String {
    let (man, rest) = (n / 10_000, n % 10_000);
    match (man, rest) {
        (0, r) => format!("{}日圓", group(r)),
        (m, 0) => format!("{}萬日圓", group(m)),
        (m, r) => format!("{}萬{}日圓", group(m), group(r)),
    }
}

fn cond(c: &Cond) -> String {
    match c {
        Cond::Disaster(ds) => {
            let names: Vec<&str> = ds.iter().map(|d| Zh.disaster(*d)).collect();
            format!("因{}受災的事業者", names.join("或"))
        }
        Cond::Stage(s) => Zh.stage(*s).to_string(),
        Cond::AnyStage => "處於本制度所支援之事業承繼階段的事業者".to_string(),
        Cond::Manufacturer => "製造業事業者".to_string(),
        Cond::Other => "符合條件的事業者".to_string(),
    }
}

impl Words for Zh {
    fn lang(&self) -> Lang {
        Lang::Zh
    }

    fn status(&self, status: SessionStatus) -> &'static str {
        match status {
            SessionStatus::Expired => "（距離上次諮詢已有一段時間，我們將重新為您服務。）\n",
            SessionStatus::Unknown => "（找不到先前的諮詢紀錄，我們將重新為您服務。）\n",
            SessionStatus::TurnLimit => "（由於諮詢內容已相當長，我們將從頭重新為您服務。）\n",
            SessionStatus::Degraded => {
                "（目前無法讀寫對話紀錄，因此不延續先前的內容，僅回答這個問題。）\n"
            }
            SessionStatus::New | SessionStatus::Continued => "",
        }
    }

    fn ask_more(&self) -> &'static str {
        "請再稍微詳細告訴我們，您遇到了什麼樣的困難。"
    }

    fn answer_intro(&self) -> &'static str {
        "可能符合您情況的支援制度如下：\n"
    }

    fn clarify_intro(&self) -> &'static str {
        "可能適合的支援制度如下：\n"
    }

    fn clarify_ask(&self) -> &'static str {
        "為了介紹更適合的制度，想請教您一件事。\n"
    }

    fn program_line(&self, n: usize, p: &Recommendation) -> String {
        let mut out = format!(
            "{n}. 「{}」（{}；{}）",
            p.name,
            p.gloss.zh,
            self.kind(p.kind)
        );
        if let Some(reason) = &p.reason {
            let _ = write!(out, "：{reason}");
        }
        out.push('\n');
        out
    }

    fn ended(&self, which: &[String], all: bool) -> String {
        let which = if all {
            "以上所有制度".to_string()
        } else {
            format!("第{}項制度", which.join("、"))
        };
        format!("※{which}在資料中的事業期間已經結束，可能已經終止（請向各承辦課確認）。\n")
    }

    fn next_step(&self, first: &Recommendation, has_phone: bool) -> String {
        if has_phone {
            format!(
                "關於{}，請先洽詢{}（聯絡方式請見引用的「窓口」，即洽詢窗口）。",
                named(first),
                division(first)
            )
        } else {
            format!(
                "關於{}，請先向承辦的{}或{CHAMBER}諮詢。",
                named(first),
                division(first)
            )
        }
    }

    fn estimate(&self, p: &Recommendation, e: &Estimate) -> String {
        format!(
            "\n估算：{}的金額為經費{}乘以補助比例{}/{}所得的金額與上限{}兩者中較小者，約{}（依引用的補助比例與補助上限概算，實際金額依審查結果而定）。",
            named(p),
            yen(e.expense),
            e.rate.num,
            e.rate.den,
            yen(e.cap),
            yen(e.amount)
        )
    }

    fn private(&self, label: &str) -> String {
        format!("很抱歉，{label}不在本窗口所介紹的熊本縣事業者（工商相關）支援制度的範圍內。")
    }

    fn elsewhere(&self, prefecture: &str) -> String {
        format!(
            "很抱歉，位於熊本縣以外（「{prefecture}」）的事業所，不在本窗口所介紹的熊本縣支援制度的範圍內。"
        )
    }

    fn elsewhere_refer(&self, pref: &str) -> String {
        format!(
            "「{pref}」的「よろず支援拠点」（免費的經營諮詢中心）、事業所所在地的「商工会・商工会議所」（工商會），或「{pref}」的工商承辦課"
        )
    }

    fn other_topic(&self, topic: &str) -> String {
        format!("很抱歉，關於{topic}的問題屬於其他主題，本窗口（熊本縣工商相關支援制度）無法回答。")
    }

    fn not_covered(&self) -> &'static str {
        "很抱歉，在本資料的工商相關支援制度中，找不到符合您問題的制度。"
    }

    fn language(&self) -> &'static str {
        "很抱歉，本窗口僅受理日文、英文及中文的諮詢。請使用其中一種語言輸入，謝謝。"
    }

    fn refer(&self, refer: &[String]) -> String {
        format!("\n這件事請洽詢{}。", refer.join("；或"))
    }

    fn general_desk(&self) -> &'static str {
        "\n若是關於在熊本縣內經營事業的諮詢，也可以洽詢當地的「商工会・商工会議所」（工商會）或熊本縣的「商工振興金融課」（工商振興金融課）。"
    }

    fn year_note(&self, document_year: i32, today: Date) -> String {
        format!(
            "\n※本資料為{document_year}年度（「令和{}年度」）的內容，目前為{}年度。",
            document_year - 2018,
            today.fiscal_year()
        )
    }

    fn deadline_note(&self) -> &'static str {
        "\n※本資料並未記載申請截止日期（受理期間）。請參考引用的「事業期間」，並向各制度的窗口確認受理狀況。"
    }

    fn documents_note(&self, sources: &[Arc<SourceInfo>]) -> String {
        let documents: Vec<String> = sources
            .iter()
            .map(|d| match year_of(d) {
                Some(y) => format!("{y}年度的資料「{}」（{}）", d.title, d.title_translated.zh),
                None => format!(
                    "「{}」的資料「{}」（{}）",
                    d.year, d.title, d.title_translated.zh
                ),
            })
            .collect();
        format!(
            "\n※以上內容依據{}。目前的受理狀況請向各窗口確認。",
            documents.join("及")
        )
    }

    fn reason(&self, why: &Why) -> String {
        match why {
            Why::Named => "這是您詢問的制度。".to_string(),
            Why::MayFit(c) => format!("本制度以{}為對象，若您符合即可適用。", cond(c)),
            Why::Need {
                who,
                word,
                at: Some(label),
                own,
            } => {
                let need = if *own {
                    format!("您諮詢的「{word}」出現在本制度的{}中。", self.label(*label))
                } else {
                    format!("本制度的{}提到「{word}」。", self.label(*label))
                };
                match who {
                    Some(c) => format!("本制度以{}為對象。{need}", cond(c)),
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
                    format!("這是與您諮詢的「{word}」相符的制度。")
                } else {
                    format!("這是關於「{word}」的制度。")
                };
                match who {
                    Some(c) => format!("本制度以{}為對象。{need}", cond(c)),
                    None => need,
                }
            }
            Why::Who(c) => format!("這是以{}為對象的制度。", cond(c)),
            Why::Theme(t) => format!("這是與{}相關諮詢相符的制度。", self.theme(*t)),
            Why::Matches => "這是與您諮詢內容相符的制度。".to_string(),
        }
    }

    fn kind(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Subsidy => "補助金",
            Kind::Loan => "融資",
            Kind::Expert => "專家派遣與陪伴支援",
            Kind::Seminar => "講座與研習會",
            Kind::Event => "商談會與活動",
            Kind::Network => "交流網絡與媒合",
            Kind::Promotion => "宣傳與推廣",
        }
    }

    fn label(&self, label: TermLabel) -> &'static str {
        match label {
            TermLabel::Overview => "概要",
            TermLabel::Purpose => "目的",
            TermLabel::Eligible => "適用對象",
            TermLabel::Recipient => "補助對象",
            TermLabel::Requirement => "要件",
            TermLabel::Rate => "補助比例",
            TermLabel::Share => "負擔比例",
            TermLabel::Cap => "補助上限",
            TermLabel::LoanLimit => "融資額度",
            TermLabel::Interest => "利率",
            TermLabel::Expenses => "補助對象經費",
            TermLabel::Content => "事業內容",
            TermLabel::Period => "事業期間",
            TermLabel::Intake => "受理期間",
            TermLabel::Operator => "執行單位",
            TermLabel::Contact => "洽詢窗口",
            TermLabel::Fee => "會費",
            TermLabel::Cost => "事業費",
            TermLabel::Budget => "預算額",
            TermLabel::Other => "其他",
        }
    }

    fn theme(&self, theme: Theme) -> &'static str {
        match theme {
            Theme::Disaster => "災後復原",
            Theme::Succession => "事業承繼",
            Theme::Taiwan => "台灣與出口",
            Theme::Dx => "數位轉型",
            Theme::Finance => "資金周轉與融資",
            Theme::Sales => "拓展通路",
            Theme::ShoppingStreet => "商店街",
            Theme::Revival => "事業再生",
            Theme::Productivity => "生產力與加薪",
            Theme::People => "人才",
            Theme::Decarbonization => "減碳",
            Theme::Startup => "創業",
            Theme::Management => "經營改善",
            Theme::Childcare => "育兒",
        }
    }

    fn disaster(&self, disaster: Disaster) -> &'static str {
        match disaster {
            Disaster::Earthquake2016 => "2016年熊本地震",
            Disaster::Flood2020 => "2020年7月豪雨",
        }
    }

    fn stage(&self, stage: Stage) -> &'static str {
        match stage {
            Stage::Preparing => "正在準備交接（承繼前）的事業者與接班人",
            Stage::Succeeded => "已接手事業的接班人",
            Stage::Consulting => "正在尋找事業承繼諮詢對象的事業者",
        }
    }

    fn applicant_how(&self, applicant: Applicant) -> &'static str {
        match applicant {
            Applicant::Business => "由事業者直接申請的制度。",
            Applicant::ViaAssociation => {
                "與當地的「商工会・商工会議所」（工商會）一起擬定計畫後申請的制度。"
            }
            Applicant::Association => {
                "由「商工会・商工会議所」（工商會）等團體申請並執行的事業，事業者以參加團體活動的方式利用。"
            }
            Applicant::Municipality => "由市町村申請並執行的事業，事業者透過市町村的措施利用。",
            Applicant::Prefecture => {
                "由縣政府執行的事業，事業者依縣政府的招募參加其支援、講座或商談會等。"
            }
            Applicant::PrefectureViaAssociation => {
                "由縣政府委託「商工会」等單位執行的事業，事業者透過當地的「商工会・商工会議所」（工商會）利用。"
            }
        }
    }

    fn terms_heading(&self) -> &'static str {
        "【制度與條件】（「」內為資料原文引用，「p.N l.M」為資料的頁碼與行數）"
    }

    fn program_heading(&self, n: usize, p: &Recommendation, ids: bool) -> String {
        if ids {
            format!(
                "[{n}] 「{}」（{}；id: {}；{}）",
                p.name,
                p.gloss.zh,
                p.id,
                self.kind(p.kind)
            )
        } else {
            format!(
                "[{n}] 「{}」（{}；{}）",
                p.name,
                p.gloss.zh,
                self.kind(p.kind)
            )
        }
    }

    fn division_line(&self, p: &Recommendation) -> String {
        format!("承辦單位：{}", division(p))
    }

    fn reason_label(&self, fits: bool) -> &'static str {
        if fits { "符合的理由" } else { "條件" }
    }

    fn follow_up_heading(&self) -> &'static str {
        "【縮小範圍的問題】"
    }

    fn options_inline(&self, options: &[String]) -> String {
        format!("選項：{}", options.join("／"))
    }

    fn no_match_heading(&self) -> &'static str {
        "【無符合的制度】"
    }

    fn refer_inline(&self, refer: &[String]) -> String {
        format!("洽詢單位：{}。", refer.join("；"))
    }

    fn colon(&self) -> &'static str {
        "："
    }
}
