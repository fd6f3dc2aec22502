//! Several source documents: the real corpus plus a second, invented document (the test fixture
//! in `tests/fixtures/second-source/`, clearly marked as not real) loads and verifies, its
//! citations carry its own source id and title, and no answer about the real document changes.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use madoguchi::Engine;
use madoguchi::dialogue::{Dialogue, SessionLimits};
use madoguchi::http::{AppState, app};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::retrieval::SITUATIONS;
use crate::support::{copy_dir, engine, root};

/// The real corpus plus the fixture document, in a temporary directory.
fn two_documents() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("corpus"), dir.path());
    let fixture = root().join("tests/fixtures/second-source");
    let copy =
        |from: &str, to: &str| std::fs::copy(fixture.join(from), dir.path().join(to)).unwrap();
    copy("source.txt", "source/fixture-kakuu.txt");
    copy("program-ids.md", "fixture-program-ids.md");
    for f in ["test-kakuu-drone.toml", "test-kakuu-yoho.toml"] {
        copy(&format!("programs/{f}"), &format!("programs/{f}"));
    }
    let sha: String = Sha256::digest(std::fs::read(fixture.join("source.txt")).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = dir.path().join("corpus.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(&format!(
        "\n[[source]]\nid = \"fixture-kakuu\"\nfile = \"source/fixture-kakuu.txt\"\nsha256 = \"{sha}\"\n\
         title = \"【テスト用フィクスチャ】架空町 商工施策の概要\"\ntitle_en = \"Test fixture: an invented town's measures\"\ntitle_zh = \"測試用：虛構鎮的工商施策\"\nissuer = \"架空町\"\nyear = \"令和8年度\"\n\
         ids = \"fixture-program-ids.md\"\n"
    ));
    std::fs::write(manifest, text).unwrap();
    dir
}

fn load(dir: &Path) -> Engine {
    Engine::load(dir).unwrap_or_else(|e| panic!("two documents load: {e}"))
}

#[test]
fn a_second_document_loads_and_is_verified() {
    let dir = two_documents();
    let e = load(dir.path());
    assert_eq!(e.corpus.documents.len(), 2);
    assert_eq!(e.corpus.programs.len(), 31);
    let drone = e.corpus.get("test-kakuu-drone").unwrap();
    assert_eq!(&*e.corpus.document_of(drone).info.id, "fixture-kakuu");
    // A fixture quote cited at the wrong line is refused like any other.
    let f = dir.path().join("programs/test-kakuu-drone.toml");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replacen("line = 7", "line = 8", 1)).unwrap();
    let err = Engine::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("test-kakuu-drone.toml") && err.contains("terms[1].text"),
        "{err}"
    );
}

/// The real document's programs come back in exactly the same order with the same scores:
/// each document is its own index shard, so a new document can only add candidates of its own.
#[test]
fn no_answer_about_the_real_document_changes() {
    let dir = two_documents();
    let both = load(dir.path());
    for (situation, _) in SITUATIONS {
        let real_only = |e: &Engine| -> Vec<(String, u32)> {
            e.ask(situation, 10)
                .iter()
                .filter(|(_, p)| &*e.corpus.document_of(p).info.id == "kumamoto-r7-shoko")
                .map(|(h, _)| (h.id.as_str().to_string(), h.score.to_bits()))
                .take(5)
                .collect()
        };
        assert_eq!(real_only(&both), real_only(engine()), "{situation}");
        let first = both.ask(situation, 1);
        assert_eq!(
            first[0].1.source, 0,
            "{situation}: a fixture program ranked first"
        );
    }
}

#[test]
fn citations_carry_their_document() {
    let dir = two_documents();
    let dialogue = Dialogue::in_memory(Arc::new(load(dir.path())), SessionLimits::default());
    let router = app(AppState::new(Arc::new(dialogue)));
    let ask = |message: &str| {
        let router = router.clone();
        let body = serde_json::json!({ "message": message }).to_string();
        async move {
            let req = Request::post("/api/v1/chat")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        }
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let v = rt.block_on(ask("ドローンで測量の実証をしたい"));
    let first = &v["programs"][0];
    assert_eq!(first["id"], "test-kakuu-drone", "{v}");
    assert_eq!(first["source"], "fixture-kakuu");
    assert!(
        first["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["source"] == "fixture-kakuu")
    );
    assert!(v["as_of"].as_str().unwrap().contains("令和8年度"), "{v}");
    let titles: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("テスト用フィクスチャ")),
        "{titles:?}"
    );
    let real = rt.block_on(ask("台湾の食品見本市に出たい"));
    assert_eq!(real["programs"][0]["source"], "kumamoto-r7-shoko");
    assert_eq!(real["as_of"], "令和7年度");
}
