#!/usr/bin/env python3
"""The MCP client test: the official Python SDK (PyPI `mcp`, pinned in .ci/run) talks to madoguchi
over stdio (the SDK starts `BINARY mcp` itself) and/or over streamable HTTP (a server already
running), lists the tools, calls each, and checks a cited Taiwan export program, a no-match
referral, tool errors for an unknown id, an empty situation and an unknown theme. Every structured
result that carries quotes is piped through SHARED/eval/verify_quotes.py; one unverified quote
fails the test.

Usage: mcp-test.py [--stdio BINARY] [--http URL] [--shared DIR]
  e.g. mcp-test.py --stdio target/release/madoguchi --http http://127.0.0.1:8080/mcp"""
import argparse
import asyncio
import json
import re
import subprocess
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

TOOLS = {"find_programs", "get_program", "list_programs"}
# Our own wording (not a sentence of the shared question sets): a food export to Taiwan.
TAIWAN = "台湾のデパートで県産の菓子を売り込みたい"
OUT_OF_SCOPE = "明日の天気を教えて"
THEME = "台湾・輸出"
SEED = "seed/000_e7ee304dbc0e60c0.txt"


class Run:
    """Checks of one transport: failures, and the quotes verify_quotes.py accepted."""

    def __init__(self, transport, shared):
        self.transport, self.shared = transport, shared
        self.failures, self.checks = [], 0
        self.quotes_verified, self.results_verified = 0, 0

    def check(self, ok, what, got=""):
        self.checks += 1
        if not ok:
            self.failures.append(f"{what}: got {str(got)[:400]}")
        return ok

    def verify(self, what, structured):
        """Pipes one structured result through verify_quotes.py; it prints 'N/N quotes verified'."""
        out = subprocess.run([sys.executable, f"{self.shared}/eval/verify_quotes.py", f"{self.shared}/{SEED}"],
                             input=json.dumps(structured, ensure_ascii=False).encode(), capture_output=True)
        text = out.stdout.decode().strip()
        m = re.search(r"(\d+)/(\d+) quotes verified", text)
        if self.check(out.returncode == 0 and m is not None, f"verify_quotes {what}", text):
            self.quotes_verified += int(m.group(1))
            self.results_verified += 1


def text_of(result):
    return "".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def exercise(session, run):
    await session.initialize()

    tools = await session.list_tools()
    names = {t.name for t in tools.tools}
    run.check(names == TOOLS, "tools/list names the three tools", sorted(names))
    for t in tools.tools:
        run.check("窓口" in (t.description or ""), f"{t.name}: the description sends people to the 窓口")

    # A cited Taiwan export program.
    r = await session.call_tool("find_programs", {"situation": TAIWAN})
    sc = r.structured_content or {}
    run.check(not r.is_error, "find_programs (Taiwan) is not an error", text_of(r))
    run.check(sc.get("no_match") is False, "find_programs (Taiwan) finds programs", sc.get("reply"))
    ids = [p.get("id", "") for p in sc.get("programs", [])]
    taiwan = [p for p in sc.get("programs", []) if p.get("id", "").startswith("taiwan-")]
    run.check("taiwan-yushutsu" in ids or taiwan, "a taiwan- program comes back", ids)
    for p in taiwan:
        quotes = p.get("quotes", [])
        run.check(quotes and all(isinstance(q.get("page"), int) and q["page"] > 0 and isinstance(q.get("line"), int)
                                 and q["line"] > 0 and q.get("text") for q in quotes),
                  f"{p['id']}: quotes with text, page and line", quotes)
    run.check(re.search(r"「p\.\d+ l\.\d+」", text_of(r)) is not None, "the text cites 「p.N l.M」", text_of(r)[:300])
    run.check("年度" in sc.get("as_of", "") and sc.get("sources"), "the 年度 and the document", sc.get("as_of"))
    run.verify("find_programs (Taiwan)", sc)
    print(f"[{run.transport}] find_programs {TAIWAN!r}: {ids[:5]}")

    # Nothing fits: a plain no match with where to ask instead.
    r = await session.call_tool("find_programs", {"situation": OUT_OF_SCOPE})
    sc = r.structured_content or {}
    run.check(not r.is_error and sc.get("no_match") is True and sc.get("programs") == [],
              "find_programs (out of scope) is a no match", sc)
    reply = sc.get("reply", "")
    run.check(sc.get("refer") or "お問い合わせ" in reply or "承っています" in reply,
              "the no match refers the person elsewhere", reply)
    print(f"[{run.transport}] find_programs {OUT_OF_SCOPE!r}: no_match={sc.get('no_match')} refer={sc.get('refer')}")

    # Tool errors, not crashes.
    for tool, args, code in [("find_programs", {"situation": "  "}, "empty_situation"),
                             ("get_program", {"id": "no-such-program"}, "unknown_id"),
                             ("list_programs", {"theme": "宇宙開発"}, "unknown_theme")]:
        r = await session.call_tool(tool, args)
        got = (r.structured_content or {}).get("error", {}).get("code")
        run.check(r.is_error and got == code and text_of(r), f"{tool} {args} is a tool error {code}",
                  f"is_error={r.is_error} code={got} {text_of(r)}")
        print(f"[{run.transport}] {tool} {json.dumps(args, ensure_ascii=False)}: is_error={r.is_error} {text_of(r).splitlines()[0]}")

    # The list, all and by theme.
    r = await session.call_tool("list_programs", {})
    every = [p["id"] for p in (r.structured_content or {}).get("programs", [])]
    run.check(not r.is_error and len(every) > 0, "list_programs lists programs", text_of(r)[:200])
    r = await session.call_tool("list_programs", {"theme": THEME})
    themed = (r.structured_content or {}).get("programs", [])
    run.check(not r.is_error and themed and all(THEME in p.get("themes", []) for p in themed)
              and "taiwan-yushutsu" in [p["id"] for p in themed], f"list_programs {THEME}", themed)
    print(f"[{run.transport}] list_programs: {len(every)} programs; theme {THEME}: {[p['id'] for p in themed]}")

    # Every program's record, every quote verified.
    for pid in every:
        r = await session.call_tool("get_program", {"id": pid})
        sc = r.structured_content or {}
        run.check(not r.is_error and sc.get("id") == pid, f"get_program {pid}", text_of(r)[:200])
        run.check(len(re.findall(r"「p\.\d+ l\.\d+」", text_of(r))) == len(sc.get("quotes", [])),
                  f"get_program {pid}: every quote in the text cites 「p.N l.M」")
        run.verify(f"get_program {pid}", sc)


async def over_stdio(binary, run):
    params = StdioServerParameters(command=binary, args=["mcp"], env={"RUST_LOG": "warn"})
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await exercise(session, run)


async def over_http(url, run):
    async with streamable_http_client(url) as (read, write):
        async with ClientSession(read, write) as session:
            await exercise(session, run)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stdio", metavar="BINARY", help="start BINARY mcp through the SDK's stdio client")
    ap.add_argument("--http", metavar="URL", help="the /mcp URL of a running server")
    ap.add_argument("--shared", default="../shared", help="the shared directory (eval/, seed/)")
    a = ap.parse_args()
    if not a.stdio and not a.http:
        ap.error("give --stdio, --http or both")
    runs = []
    for transport, target, fn in [("stdio", a.stdio, over_stdio), ("http", a.http, over_http)]:
        if target:
            run = Run(transport, a.shared)
            try:
                asyncio.run(fn(target, run))
            except Exception as e:  # a transport that fails to connect is a failure, reported as such
                run.failures.append(f"the session failed: {e!r}")
            runs.append(run)
    failed = False
    for run in runs:
        print(f"[{run.transport}] {run.checks - len(run.failures)}/{run.checks} checks passed; "
              f"verify_quotes: {run.quotes_verified} quotes verified in {run.results_verified} results")
        for f in run.failures:
            print(f"[{run.transport}] FAILED {f}")
        failed = failed or bool(run.failures) or run.checks == 0
    print("mcp test FAILED" if failed else "mcp test passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
