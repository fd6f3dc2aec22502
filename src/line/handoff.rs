//! 「窓口に相談する」 from LINE: the same consultation request as the widget's form, asked for in
//! the chat one thing at a time — consent (what is sent, to whom, for how long it is kept), the
//! name, a phone number or e-mail address — then stored with the conversation's session, so the
//! desk sees the questions and the programs shown, like a request from the widget. 「やめる」
//! ends it at any step; the name and contact never go through the dialogue or its records.

use crate::database::{NewConsultation, now};
use crate::text::{contact, strip_hidden};

use super::client::Outgoing;
use super::{Conversation, Line};

/// The quick reply (and the words) that start the handoff.
pub(super) const START: &str = "窓口に相談する";
const AGREE: &str = "同意する";
const CANCEL: &str = "やめる";

/// Longest name accepted, as the consultation API's.
const NAME_CHARS: usize = 50;
/// Longest message of a request, as the consultation API's.
const MESSAGE_CHARS: usize = 2_000;

/// Where a conversation is in the handoff.
#[derive(Debug, Default)]
pub(super) enum Step {
    #[default]
    Idle,
    Consent,
    Name,
    Contact {
        name: String,
    },
}

/// That a person may write in English or Chinese and is answered in kind: the greeting's last
/// lines, before anyone has written (a turn's own text is in the language it was asked in).
pub(super) const OTHER_LANGUAGES: &str = "You may also write in English: we will answer in English.\n\
     也可以用中文提問，我們會以繁體中文回答。";

/// What a new friend (`follow`), or a group the bot joins, is told first.
pub(super) fn greeting(follow: bool) -> Outgoing {
    let thanks = if follow {
        "友だち追加ありがとうございます。"
    } else {
        "グループへの招待ありがとうございます。"
    };
    Outgoing::text(format!(
        "{thanks}熊本県の中小企業・小規模事業者向けの支援制度をご案内します。\n\
         お困りのことや、やりたいことを、ふだんの言葉でお送りください。\n\
         例：「店を改装したい」「地震で設備が壊れた」「台湾に商品を売り込みたい」\n\
         制度の条件は県の資料からそのまま引用し、資料のページと行「p.N l.M」を添えてお示しします。\n\
         担当者との相談をご希望のときは「{START}」とお送りください。\n\n\
         {OTHER_LANGUAGES}"
    ))
}

/// The handoff's answer to a message, or `None` when the message is not part of it (it then
/// goes to the dialogue, and a handoff waiting for consent is dropped).
pub(super) async fn step(
    line: &Line,
    c: &mut Conversation,
    user: &str,
    raw: &str,
) -> Option<Outgoing> {
    let text = strip_hidden(raw);
    let text = text.trim();
    if text == START {
        return Some(start(line, c));
    }
    match std::mem::take(&mut c.handoff) {
        Step::Idle => None,
        Step::Consent if text == AGREE => {
            c.handoff = Step::Name;
            Some(
                Outgoing::text("ありがとうございます。お名前をお送りください（事業所名を添えていただいても構いません）。")
                    .with_options(&[CANCEL]),
            )
        }
        Step::Consent => (text == CANCEL).then(cancelled),
        _ if text == CANCEL => Some(cancelled()),
        Step::Name => Some(name(c, text)),
        Step::Contact { name } => Some(submit(line, c, user, name, text).await),
    }
}

/// Asks for consent, saying what is sent and for how long it is kept.
fn start(line: &Line, c: &mut Conversation) -> Outgoing {
    if line.database.is_none() {
        c.handoff = Step::Idle;
        return Outgoing::text(
            "申し訳ありません。このLINEでは窓口へのご相談の受付を行っていません。お近くの商工会・商工会議所へ直接ご連絡ください。",
        );
    }
    c.handoff = Step::Consent;
    Outgoing::text(format!(
        "窓口の担当者から、お電話かメールでご連絡します。そのため、次の内容をこの窓口（このLINE公式アカウントの運営者）へお送りします。\n\
         ・お名前とご連絡先（このあとお伺いします）\n\
         ・このLINEでのご相談の内容（ご質問と、ご案内した制度）\n\
         お送りした内容は、{}日後に削除されます。よろしければ「{AGREE}」を押してください。",
        line.retention_days
    ))
    .with_options(&[AGREE, CANCEL])
}

fn cancelled() -> Outgoing {
    Outgoing::text("窓口へのご相談の受付をやめました。引き続き、ご質問をお送りください。")
}

/// The name: not blank, not too long.
fn name(c: &mut Conversation, text: &str) -> Outgoing {
    let chars = text.chars().count();
    if text.is_empty() || chars > NAME_CHARS {
        c.handoff = Step::Name;
        return Outgoing::text(format!("お名前を{NAME_CHARS}文字以内でお送りください。"))
            .with_options(&[CANCEL]);
    }
    c.handoff = Step::Contact {
        name: text.to_string(),
    };
    Outgoing::text("ご連絡先として、電話番号（例 096-333-2323）かメールアドレスをお送りください。")
        .with_options(&[CANCEL])
}

/// The contact, then the request: stored with the conversation's session.
async fn submit(
    line: &Line,
    c: &mut Conversation,
    user: &str,
    name: String,
    text: &str,
) -> Outgoing {
    let Some(contact) = contact(text) else {
        c.handoff = Step::Contact { name };
        return Outgoing::text("電話番号（例 096-333-2323）かメールアドレスの形でお送りください。")
            .with_options(&[CANCEL]);
    };
    let Some(db) = &line.database else {
        return start(line, c);
    };
    if let Err(refused) = line.budgets.request(user) {
        return Outgoing::text(format!(
            "短い時間に多くのご相談の受付がありました。{}秒ほど待ってから、もう一度「{START}」とお送りください。",
            refused.retry_after
        ));
    }
    let question = c
        .first_question
        .as_deref()
        .unwrap_or("（ご質問はまだありません）");
    let message: String = format!("（LINEから）{question}")
        .chars()
        .take(MESSAGE_CHARS)
        .collect();
    let request = NewConsultation {
        name,
        organization: None,
        contact,
        preferred_time: None,
        message,
        session_id: c.session.clone(),
    };
    match db.add_consultation(&request, now()).await {
        Ok(_) => Outgoing::text(
            "窓口へのご相談を受け付けました。担当者から、いただいたご連絡先へご連絡します。\n\
             お急ぎの場合は、お近くの商工会・商工会議所へ直接お問い合わせください。",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "a consultation request from LINE was not stored");
            Outgoing::text(format!(
                "申し訳ありません。ただいま受付を保存できませんでした（{}）。時間をおいて、もう一度「{START}」とお送りいただくか、窓口へ直接お電話ください。",
                e.kind().reason_ja()
            ))
        }
    }
}
