//! The `madoguchi` binary end to end: `check` reports every id, `ask --json` has the chat
//! API's `programs` shape, and a broken corpus makes `check` fail with the precise error.

use std::process::Command;

use crate::support::{copy_dir, root};

fn madoguchi(args: &[&str], corpus: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .args(args)
        .env("MADOGUCHI_CORPUS", corpus)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

#[test]
fn check_reports_all_29_ids() {
    let out = madoguchi(&["check"], &root().join("corpus"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("29 ids"), "{stdout}");
    assert!(stdout.contains("load time"), "{stdout}");
}

#[test]
fn ask_json_has_the_chat_api_programs_shape() {
    let out = madoguchi(
        &[
            "ask",
            "--json",
            "台湾向けに食品を輸出したいので、成分分析や商品シートの準備を手伝ってほしい",
        ],
        &root().join("corpus"),
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let programs = v.as_array().expect("an array");
    assert!(!programs.is_empty());
    for p in programs {
        assert!(
            p["id"].is_string() && p["name"].is_string() && p["score"].is_number(),
            "{p}"
        );
        let quotes = p["quotes"].as_array().expect("quotes");
        assert!(!quotes.is_empty(), "{p}");
        for q in quotes {
            assert!(q["label"].is_string() && q["text"].is_string(), "{q}");
            assert!(
                q["page"].as_u64().is_some() && q["line"].as_u64().is_some(),
                "{q}"
            );
        }
    }
    assert_eq!(programs[0]["id"], "taiwan-yushutsu", "{v}");
}

#[test]
fn check_fails_on_a_broken_corpus_with_the_precise_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("corpus"), dir.path());
    let f = dir.path().join("programs/taiwan-yushutsu.toml");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replacen("label = \"", "label = \"ほげ", 1)).unwrap();
    let out = madoguchi(&["check"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("taiwan-yushutsu.toml") && stderr.contains(".label"),
        "{stderr}"
    );
}

/// `ask --json` prints exactly the chat API's `programs` for the same message: the same objects,
/// the same keys, the same values (both go through `Dialogue::respond`, one fresh session).
#[tokio::test]
async fn ask_json_prints_the_chat_apis_program_objects() {
    for message in [
        "台湾の食品見本市に出展したい",
        "父の店を継いだので新しい商品を作りたい",
        "明日の天気を教えて",
    ] {
        let out = madoguchi(&["ask", "--json", message], &root().join("corpus"));
        assert!(out.status.success(), "{message}");
        let cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        let app = crate::support::app_with(Default::default());
        let (status, api) = crate::api::call(&app, crate::api::chat(message, None)).await;
        assert_eq!(status, 200);
        assert_eq!(
            cli, api["programs"],
            "{message}: ask --json differs from the API"
        );
    }
}
