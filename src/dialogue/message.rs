//! [`Message`]: the one checked user message every channel (the chat API, MCP, LINE, the CLI)
//! hands to the dialogue. Parse, don't validate: raw text becomes a `Message` once, at the edge,
//! or a [`MessageError`] that says what was wrong in Japanese and in English. A message holds no
//! hidden characters (controls, bidi overrides, zero-width: see `text::strip_hidden`), is not
//! blank, and is at most [`MAX_MESSAGE_CHARS`] characters.

use std::fmt;

use crate::text::strip_hidden;

/// Longest message accepted, in characters: far more than anyone types into a chat box, short
/// enough that analysis stays fast.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// A user message the dialogue may answer: hidden characters removed, trimmed, not empty, at
/// most [`MAX_MESSAGE_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message(String);

/// Why a raw text is not a [`Message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageError {
    /// Nothing but white space and hidden characters.
    Empty,
    /// Over [`MAX_MESSAGE_CHARS`] characters as sent.
    TooLong { chars: usize },
}

impl Message {
    /// Checks the length of what was sent (white space included: the API's `maxLength` counts
    /// every character of the string), then removes hidden characters and checks that
    /// something is left.
    pub fn parse(raw: &str) -> Result<Message, MessageError> {
        let chars = raw.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(MessageError::TooLong { chars });
        }
        let clean = strip_hidden(raw.trim());
        let text = clean.trim();
        if text.is_empty() {
            return Err(MessageError::Empty);
        }
        Ok(Message(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Message {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl MessageError {
    /// A stable machine-readable code, as the chat API's error body carries it.
    pub fn code(&self) -> &'static str {
        match self {
            MessageError::Empty => "empty_message",
            MessageError::TooLong { .. } => "message_too_long",
        }
    }

    /// What was wrong, for the person, in Japanese.
    pub fn japanese(&self) -> String {
        match self {
            MessageError::Empty => {
                "メッセージが空です。ご相談の内容を文字で入力してください。".to_string()
            }
            MessageError::TooLong { chars } => format!(
                "メッセージが長すぎます（{chars} 文字、上限 {MAX_MESSAGE_CHARS} 文字）。要点を短くまとめてください。"
            ),
        }
    }

    /// What was wrong, for the person, in Traditional Chinese.
    pub fn chinese(&self) -> String {
        match self {
            MessageError::Empty => "訊息是空的，請輸入您想諮詢的內容。".to_string(),
            MessageError::TooLong { chars } => format!(
                "訊息太長了（{chars} 個字，上限 {MAX_MESSAGE_CHARS} 個字），請精簡重點後再傳送。"
            ),
        }
    }

    /// What was wrong, for the person, in `lang` (English: [`english`](Self::english) is
    /// written for the developer of a client, this for the person typing).
    pub fn in_lang(&self, lang: crate::text::Lang) -> String {
        match (lang, self) {
            (crate::text::Lang::Ja, _) => self.japanese(),
            (crate::text::Lang::Zh, _) => self.chinese(),
            (crate::text::Lang::En, MessageError::Empty) => {
                "Your message is empty. Please type what you would like to ask.".to_string()
            }
            (crate::text::Lang::En, MessageError::TooLong { chars }) => format!(
                "Your message is too long ({chars} characters; the limit is {MAX_MESSAGE_CHARS}). Please shorten it to the main points."
            ),
        }
    }

    /// What was wrong, in English.
    pub fn english(&self) -> String {
        match self {
            MessageError::Empty => "The message is empty: send what the person typed.".to_string(),
            MessageError::TooLong { chars } => {
                format!("The message has {chars} characters; the limit is {MAX_MESSAGE_CHARS}.")
            }
        }
    }
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.japanese(), self.english())
    }
}

impl std::error::Error for MessageError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_hidden_and_long_text_is_refused_and_the_rest_is_cleaned() {
        for blank in [
            "",
            "   ",
            " \u{3000}\n\t",
            "\u{200b}\u{202e}\u{0}",
            "\r\n\u{feff}",
        ] {
            assert_eq!(Message::parse(blank), Err(MessageError::Empty), "{blank:?}");
        }
        let ok = Message::parse("  台湾に\u{202e}菓子を\u{200b}売りたい\r\n").unwrap();
        assert_eq!(ok.as_str(), "台湾に菓子を売りたい");
        let at_limit = "あ".repeat(MAX_MESSAGE_CHARS);
        assert!(Message::parse(&at_limit).is_ok());
        // The limit is on what was sent (the API describes it so): hidden characters count.
        assert_eq!(
            Message::parse(&format!("{at_limit}\u{200b}\u{200b}")),
            Err(MessageError::TooLong {
                chars: MAX_MESSAGE_CHARS + 2
            })
        );
        let over = "あ".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(
            Message::parse(&over),
            Err(MessageError::TooLong {
                chars: MAX_MESSAGE_CHARS + 1
            })
        );
    }

    #[test]
    fn errors_say_what_was_wrong_in_both_languages() {
        for e in [MessageError::Empty, MessageError::TooLong { chars: 2_345 }] {
            assert!(e.japanese().contains("メッセージ"), "{e}");
            assert!(e.english().contains("message"), "{e}");
            assert!(!e.code().is_empty());
        }
        assert!(
            MessageError::TooLong { chars: 2_345 }
                .japanese()
                .contains("2345")
        );
    }
}
