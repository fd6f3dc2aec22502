//! The MCP edge: madoguchi's tools for AI assistants — `find_programs`, `get_program`,
//! `list_programs` — over the official Rust SDK (`rmcp`), served on stdio by `madoguchi mcp`
//! and as streamable HTTP at `/mcp`, which `http::app` mounts under the API's own layers (rate
//! limit, body limit, concurrency, timeout). Like `http` and `cli` it is an edge, so it knows
//! JSON: each tool answers with a Japanese text a model can read ([`text`]) and structured
//! content with the chat API's keys ([`wire`]).
//!
//! `find_programs` goes through [`Dialogue::respond_once`], a turn that is a whole conversation
//! (nothing kept in the session store, so MCP calls cannot fill it), so it gets the same
//! understanding, scope judgement and ranking as the chat API. A bad argument is an MCP
//! tool error (`isError`) with a Japanese and English message, never a protocol failure or a
//! panic.

pub mod input;
pub mod text;
pub mod wire;

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use serde::Serialize;

use crate::corpus::Program;
use crate::dialogue::Dialogue;
use crate::wire::ProgramDetail;

use crate::wire::ApiError;
use input::{FindPrograms, GetProgram, ListPrograms};

/// What the server tells a client about itself at `initialize`.
const INSTRUCTIONS: &str = "熊本県の中小企業・小規模事業者向け支援制度（県の令和7年度の公式資料）を案内するサーバーです。条件は資料の原文の引用で、「p.N l.M」は資料のページと行です。引用は言い換えずにそのまま伝え、申請の前に各制度の窓口で最新の受付状況と条件を確認するよう案内してください。 / Kumamoto prefecture's support programs for small businesses (the prefecture's official FY2025 document). Every term is a verbatim quote cited by page and line: pass quotes on exactly as given, and tell people to confirm with the program's 窓口 (contact desk) before applying.";

/// The MCP server: the tools over the shared dialogue (the same one the HTTP API uses, so a
/// corpus reload reaches both).
#[derive(Debug, Clone)]
pub struct McpServer {
    dialogue: Arc<Dialogue>,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl McpServer {
    pub fn new(dialogue: Arc<Dialogue>) -> Self {
        Self {
            dialogue,
            tool_router: Self::tool_router(),
        }
    }

    /// Finds the programs that fit a situation, as one turn of the chat.
    #[tool(
        annotations(
            title = "支援制度を探す / Find support programs",
            read_only_hint = true
        ),
        description = "相談者の状況（日本語・英語・中国語で可。回答は同じ言語、または lang で指定した言語）に合う熊本県の中小企業向け支援制度を、チャットAPIと同じ理解・対象判断・順位づけで探します。各制度の条件（補助率・上限額・対象経費・期間・窓口など）は県の資料からの原文の引用で、ページと行「p.N l.M」、資料名と年度が付きます。条件は言い換えず引用のとおりに伝え、申請前に必ず各制度の窓口で確認するよう案内してください。当てはまる制度がなければ no_match と問い合わせ先を返します。絞り込みの質問（follow_up）が返ったら、答えを situation に書き足して再度呼んでください。 / Finds the Kumamoto prefecture support programs for small businesses that fit a situation described in Japanese, English or Chinese (answered in the same language, or in the one `lang` names: ja, en, zh-Hant; the result's `lang` says which), with the same understanding, scope judgement and ranking as the chat API. Every term (rate, cap, eligible costs, period, contact) is a verbatim quote from the prefecture's document with its page and line, the document and its fiscal year. Quote terms exactly as given, never paraphrase or recompute them, and tell the person to confirm with the program's 窓口 (contact desk) before applying. When nothing fits it returns no_match and where to ask instead; when it returns a follow_up question, add the answer to the situation and call again."
    )]
    pub async fn find_programs(
        &self,
        Parameters(args): Parameters<FindPrograms>,
    ) -> Result<CallToolResult, ErrorData> {
        let situation = match input::situation(&args.situation) {
            Ok(s) => s,
            Err(e) => return Ok(failed(&e)),
        };
        let lang = match input::parse_lang(args.lang.as_deref()) {
            Ok(l) => l,
            Err(e) => return Ok(failed(&e)),
        };
        let turn = self
            .dialogue
            .respond_once_in(situation.as_str(), lang)
            .await;
        Ok(answer(text::found(&turn), &wire::Found::new(&turn)))
    }

    /// One program's whole record.
    #[tool(
        annotations(title = "制度の詳細 / Get a program", read_only_hint = true),
        description = "制度1件の全記録（名称、担当課、種類、テーマ、メニュー、すべての条件の引用と「p.N l.M」、窓口、資料名と年度）を返します。構造化データは GET /api/v1/programs/{id} と同じです。条件は引用のとおりに伝え、申請前に窓口で確認するよう案内してください。 / Returns one program's whole record: name, division, kind, themes, menus, every term as a verbatim quote with page and line, the contacts, and the source document with its fiscal year (the same JSON as GET /api/v1/programs/{id}). Quote terms exactly as given and tell the person to confirm with the 窓口 (contact desk)."
    )]
    pub async fn get_program(
        &self,
        Parameters(args): Parameters<GetProgram>,
    ) -> Result<CallToolResult, ErrorData> {
        let engine = self.dialogue.engine();
        let corpus = &engine.corpus;
        let id = args.id.trim();
        let Some(p) = corpus.get(id) else {
            return Ok(failed(&ApiError::UnknownProgramId(id.to_string())));
        };
        let period = crate::dialogue::compose::period_note(p, self.dialogue.today());
        Ok(answer(
            text::program(p, corpus),
            &ProgramDetail::new(p, corpus, &period),
        ))
    }

    /// Every program and menu, or those of one theme.
    #[tool(
        annotations(title = "制度の一覧 / List programs", read_only_hint = true),
        description = "支援制度とメニューの一覧（id、名称、種類、テーマ、担当課）を返します。theme を指定するとそのテーマの制度だけを返します。条件は get_program で、状況に合う制度は find_programs で取得してください。条件を伝えるときは引用のとおりに伝え、申請前に各制度の窓口で確認するよう案内してください。 / Lists the support programs and their menus (id, name, kind, themes, division), optionally only those of one theme. Get a program's quoted terms with get_program, and the programs that fit a situation with find_programs; pass terms on exactly as quoted and tell people to confirm with the program's 窓口 (contact desk)."
    )]
    pub async fn list_programs(
        &self,
        Parameters(args): Parameters<ListPrograms>,
    ) -> Result<CallToolResult, ErrorData> {
        let theme = match input::parse_theme(args.theme.as_deref()) {
            Ok(t) => t,
            Err(e) => return Ok(failed(&e)),
        };
        let engine = self.dialogue.engine();
        let corpus = &engine.corpus;
        let listed = wire::Listed::new(corpus, theme);
        let programs: Vec<&Program> = corpus
            .programs
            .iter()
            .filter(|p| theme.is_none_or(|t| p.themes.contains(&t)))
            .collect();
        Ok(answer(text::listed(&programs, theme, corpus), &listed))
    }
}

impl McpServer {
    /// The tools this server offers, as `tools/list` describes them.
    pub fn tools(&self) -> Vec<rmcp::model::Tool> {
        self.tool_router.list_all()
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("madoguchi", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

/// A successful result: the text for a model, and the same content as JSON.
fn answer(text: String, structured: &impl Serialize) -> CallToolResult {
    match serde_json::to_value(structured) {
        Ok(value) => {
            let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
            result.structured_content = Some(value);
            result
        }
        Err(e) => {
            // Our wire types always serialize; should one ever fail, the client gets a tool
            // error rather than a dropped request.
            tracing::error!("serializing an MCP result failed: {e}");
            CallToolResult::error(vec![ContentBlock::text(
                "内部エラーが発生しました。 / An internal error occurred.",
            )])
        }
    }
}

/// A tool error: both languages in the text, the chat API's error shape as structured content.
fn failed(e: &ApiError) -> CallToolResult {
    let d = e.describe();
    let mut result = CallToolResult::error(vec![ContentBlock::text(format!("{}\n{}", d.ja, d.en))]);
    result.structured_content = serde_json::to_value(e.body()).ok();
    result
}

/// The streamable HTTP service `http::app` mounts at `/mcp`. Stateless, answering in JSON: each
/// MCP request is one HTTP request, so the API's rate limit, concurrency limit and timeout count
/// and bound it, and no server-side MCP session outlives it. `allowed_hosts` are the `Host`
/// names it answers to (DNS-rebinding protection); empty means any.
pub fn http_service(
    dialogue: Arc<Dialogue>,
    allowed_hosts: &[String],
) -> StreamableHttpService<McpServer, LocalSessionManager> {
    let server = McpServer::new(dialogue);
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(crate::wire::MAX_BODY_BYTES)
        .with_allowed_hosts(allowed_hosts.iter().cloned());
    StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    )
}

/// Why the stdio server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    /// Boxed: the handshake error carries a whole message and is rare.
    #[error("the MCP client did not complete the handshake: {0}")]
    Handshake(Box<rmcp::service::ServerInitializeError>),
    #[error("the MCP service task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Serves the tools on stdin/stdout until the client closes them. stdout carries only the
/// protocol: logs go to stderr.
pub async fn serve_stdio(dialogue: Arc<Dialogue>) -> Result<(), StdioError> {
    let running = McpServer::new(dialogue)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| StdioError::Handshake(Box::new(e)))?;
    let reason = running.waiting().await?;
    tracing::info!("MCP client gone ({reason:?})");
    Ok(())
}
