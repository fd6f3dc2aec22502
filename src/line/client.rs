//! The reply API: `POST {base}/v2/bot/message/reply` with the channel access token, the event's
//! reply token and at most [`MAX_MESSAGES`] text messages of at most [`MAX_CHARS`] characters
//! each, the options as quick replies on the last one. A rendered turn is packed into messages
//! between its blocks (a long block between its lines), so a quote is never cut; when it does
//! not fit, the last programs give way to a note, never the question the quick replies answer.
//! A failed call is returned to be logged and counted: it is never retried, since a reply token
//! is good for one reply and a retry could only duplicate.

use std::time::Duration;

use serde::Serialize;

use crate::render::{Block, Part};

/// Messages in one reply (the Messaging API's limit).
pub const MAX_MESSAGES: usize = 5;
/// Characters in one text message (the Messaging API's limit; counted here in UTF-16 code
/// units, which is never fewer than LINE's count).
pub const MAX_CHARS: usize = 5_000;
/// Quick reply buttons on a message (the Messaging API's limit).
pub const MAX_QUICK_REPLIES: usize = 13;
/// Characters of a quick reply button's label (the Messaging API's limit).
pub const MAX_LABEL_CHARS: usize = 20;
/// Characters of the text a message action sends (the Messaging API's limit).
const MAX_ACTION_TEXT: usize = 300;

/// A reply call taking longer has failed: LINE answers in well under a second.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What stands in for the programs that did not fit.
const MORE: &str = "※ほかにも候補の制度があります（LINEの1回の返信に収まりませんでした）。\
                    ご相談の内容を少し詳しくお送りいただくと、絞り込んでご案内できます。\n";

/// What to send back: text blocks in reading order, and the options as quick replies.
#[derive(Debug, Clone, Default)]
pub(super) struct Outgoing {
    pub(super) blocks: Vec<Block>,
    pub(super) options: Vec<String>,
}

impl Outgoing {
    /// One plain text.
    pub(super) fn text(text: impl Into<String>) -> Outgoing {
        Outgoing {
            blocks: vec![Block {
                part: Part::Reply,
                text: text.into(),
            }],
            options: Vec::new(),
        }
    }

    /// The same text with quick replies.
    pub(super) fn with_options(mut self, options: &[&str]) -> Outgoing {
        self.options = options.iter().map(|o| o.to_string()).collect();
        self
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplyRequest<'a> {
    reply_token: &'a str,
    messages: Vec<TextMessage>,
}

/// A text message object of the Messaging API.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TextMessage {
    #[serde(rename = "type")]
    kind: &'static str,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    quick_reply: Option<QuickReply>,
}

#[derive(Debug, Serialize)]
struct QuickReply {
    items: Vec<QuickReplyItem>,
}

#[derive(Debug, Serialize)]
struct QuickReplyItem {
    #[serde(rename = "type")]
    kind: &'static str,
    action: MessageAction,
}

/// A message action: tapping it sends `text` as the person's own message.
#[derive(Debug, Serialize)]
struct MessageAction {
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    text: String,
}

/// Why a reply was not delivered.
#[derive(Debug, thiserror::Error)]
pub(super) enum ReplyError {
    #[error("the reply API answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the reply API could not be reached: {0}")]
    Transport(#[from] reqwest::Error),
}

/// The reply API's client.
pub(super) struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token never reaches a log.
        f.debug_struct("Client").field("url", &self.url).finish()
    }
}

impl Client {
    pub(super) fn new(base: &str, token: &str) -> Result<Client, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT / 2)
            .user_agent(concat!("madoguchi/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client {
            http,
            url: format!("{base}/v2/bot/message/reply"),
            token: token.to_string(),
        })
    }

    /// Sends `outgoing` as the reply to `reply_token`, once.
    pub(super) async fn reply(
        &self,
        reply_token: &str,
        outgoing: &Outgoing,
    ) -> Result<(), ReplyError> {
        let body = ReplyRequest {
            reply_token,
            messages: messages(outgoing),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let res = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json)
            .send()
            .await?;
        if res.status().is_success() {
            return Ok(());
        }
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        Err(ReplyError::Status {
            status,
            body: text.chars().take(300).collect(),
        })
    }
}

/// The messages of a reply: the text packed, the quick replies on the last message.
fn messages(outgoing: &Outgoing) -> Vec<TextMessage> {
    let texts = pack(&outgoing.blocks, MAX_MESSAGES, MAX_CHARS);
    let n = texts.len();
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| TextMessage {
            kind: "text",
            text,
            quick_reply: (i + 1 == n)
                .then(|| quick_reply(&outgoing.options))
                .flatten(),
        })
        .collect()
}

/// At most [`MAX_QUICK_REPLIES`] buttons, each labelled with its option (shortened with … to
/// [`MAX_LABEL_CHARS`]) and sending the option itself; none when there are no options.
fn quick_reply(options: &[String]) -> Option<QuickReply> {
    let items: Vec<QuickReplyItem> = options
        .iter()
        .filter(|o| !o.trim().is_empty())
        .take(MAX_QUICK_REPLIES)
        .map(|o| QuickReplyItem {
            kind: "action",
            action: MessageAction {
                kind: "message",
                label: shorten(o, MAX_LABEL_CHARS),
                text: o.chars().take(MAX_ACTION_TEXT).collect(),
            },
        })
        .collect();
    (!items.is_empty()).then_some(QuickReply { items })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Length as LINE may count it: UTF-16 code units.
fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Packs blocks into at most `max_messages` texts of at most `max_chars` each: greedily, a
/// blank line between blocks, a block too long for one message split between its lines (a line
/// too long, between its characters). When everything does not fit, pieces are dropped from the
/// end of the body (the last programs first) and [`MORE`] says so; the follow-up question is
/// always kept, last.
pub(super) fn pack(blocks: &[Block], max_messages: usize, max_chars: usize) -> Vec<String> {
    let mut body = Vec::new();
    let mut tail = Vec::new();
    for b in blocks {
        let target = if b.part == Part::FollowUp {
            &mut tail
        } else {
            &mut body
        };
        target.extend(pieces(&b.text, max_chars));
    }
    for keep in (0..=body.len()).rev() {
        let mut all: Vec<&str> = body[..keep].iter().map(String::as_str).collect();
        let more = pieces(MORE, max_chars);
        if keep < body.len() {
            all.extend(more.iter().map(String::as_str));
        }
        all.extend(tail.iter().map(String::as_str));
        let packed = greedy(&all, max_chars);
        if packed.len() <= max_messages {
            return packed;
        }
    }
    // Only when the question alone fills every message: its first messages.
    let all: Vec<&str> = tail.iter().map(String::as_str).collect();
    greedy(&all, max_chars)
        .into_iter()
        .take(max_messages)
        .collect()
}

/// Fills messages in order, a blank line between two pieces.
fn greedy(pieces: &[&str], max_chars: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for p in pieces {
        let p = p.trim_end_matches('\n');
        if p.is_empty() {
            continue;
        }
        let joined = units(&current) + 2 + units(p);
        if current.is_empty() {
            current.push_str(p);
        } else if joined <= max_chars {
            current.push_str("\n\n");
            current.push_str(p);
        } else {
            out.push(std::mem::take(&mut current));
            current.push_str(p);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A block as pieces of at most `max_chars`: whole lines where they fit.
fn pieces(text: &str, max_chars: usize) -> Vec<String> {
    if units(text.trim_end_matches('\n')) <= max_chars {
        return vec![text.to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        for part in split_line(line, max_chars) {
            if !current.is_empty() && units(&current) + 1 + units(&part) > max_chars {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(&part);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A line longer than `max_chars` cut between characters (the last resort: no source line
/// is that long).
fn split_line(line: &str, max_chars: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in line.chars() {
        let last = out
            .last_mut()
            .filter(|s| units(s) + c.len_utf16() <= max_chars);
        match last {
            Some(s) => s.push(c),
            None => out.push(c.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(part: Part, text: String) -> Block {
        Block { part, text }
    }

    #[test]
    fn packing_keeps_the_limits_and_the_question() {
        let mut blocks = vec![block(Part::Reply, "回答\n".to_string())];
        for i in 0..40 {
            blocks.push(block(
                Part::Program,
                format!("[{i}] 制度\n{}\n", "「引用」".repeat(200)),
            ));
        }
        blocks.push(block(
            Part::FollowUp,
            "【絞り込むための質問】どちらですか\n".into(),
        ));
        let packed = pack(&blocks, MAX_MESSAGES, MAX_CHARS);
        assert!(packed.len() <= MAX_MESSAGES);
        assert!(packed.iter().all(|m| units(m) <= MAX_CHARS));
        let last = packed.last().unwrap();
        assert!(last.ends_with("どちらですか"), "{last}");
        assert!(packed.concat().contains("ほかにも候補"));
        assert!(packed[0].starts_with("回答"));
    }

    #[test]
    fn a_long_block_is_split_between_lines_and_a_long_line_between_characters() {
        let line = "あ".repeat(30);
        let text = format!("{line}\n{line}\n{line}\n");
        let p = pieces(&text, 70);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p.iter().all(|s| units(s) <= 70));
        let long = split_line(&"い".repeat(25), 10);
        assert_eq!(
            long.iter().map(|s| s.chars().count()).collect::<Vec<_>>(),
            [10, 10, 5]
        );
        // Short texts stay one message.
        let packed = pack(&[block(Part::Reply, "こんにちは\n".into())], 5, 100);
        assert_eq!(packed, ["こんにちは"]);
    }

    #[test]
    fn quick_replies_are_at_most_thirteen_with_short_labels() {
        let options: Vec<String> = (0..20)
            .map(|i| format!("選択肢{i}：とても長い説明のついた答えの候補です"))
            .collect();
        let q = quick_reply(&options).unwrap();
        assert_eq!(q.items.len(), MAX_QUICK_REPLIES);
        for item in &q.items {
            assert!(item.action.label.chars().count() <= MAX_LABEL_CHARS);
            assert!(item.action.text.starts_with("選択肢"));
        }
        assert!(quick_reply(&[]).is_none());
    }
}
