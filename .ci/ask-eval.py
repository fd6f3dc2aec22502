#!/usr/bin/env python3
"""Score `madoguchi ask --json` on the single questions of a question set (hit@1, hit@3, MRR,
quotes), the same way ../shared/eval/run_eval.py scores the chat API. Dialogues are skipped
(they need the server). Usage: .ci/ask-eval.py BINARY SET.jsonl"""
import json, subprocess, sys, unicodedata


def norm(s):
    return "".join(unicodedata.normalize("NFKC", s).split())


def related(a, b):
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def main():
    binary, path = sys.argv[1], sys.argv[2]
    rows = []
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        c = json.loads(line)
        if "q" not in c:
            continue
        out = subprocess.run([binary, "ask", "--json", c["q"]], capture_output=True, check=True)
        programs = json.loads(out.stdout)
        ids = [p["id"] for p in programs]
        exp = c["expect"]
        if not exp:
            rows.append({"q": c["q"], "kind": "oos", "got": ids[:3]})
            continue
        rank = next((i + 1 for i, x in enumerate(ids) if any(related(x, e) for e in exp)), None)
        row = {"q": c["q"], "kind": "single", "rank": rank, "got": ids[:3], "expect": exp}
        if "quote" in c:
            want = norm(c["quote"])
            quotes = [q["text"] for p in programs[:3] if any(related(p["id"], e) for e in exp)
                      for q in p["quotes"]]
            row["quote_ok"] = any(want in norm(q) for q in quotes)
        rows.append(row)
    pos = [r for r in rows if r["kind"] == "single"]
    for r in pos:
        if not r["rank"] or r["rank"] > 3 or r.get("quote_ok") is False:
            print("MISS", json.dumps(r, ensure_ascii=False))
    n = max(len(pos), 1)
    quoted = [r for r in pos if "quote_ok" in r]
    print(json.dumps({
        "single": len(pos),
        "hit@1": round(sum(r["rank"] == 1 for r in pos) / n, 3),
        "hit@3": round(sum(bool(r["rank"]) and r["rank"] <= 3 for r in pos) / n, 3),
        "mrr": round(sum(1 / r["rank"] for r in pos if r["rank"]) / n, 3),
        "quotes_ok": f"{sum(r['quote_ok'] for r in quoted)}/{len(quoted)}",
        "out_of_scope_not_scored_here": sum(r["kind"] == "oos" for r in rows),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
