"""Smoke test of the benchmark harness (bench/) with tiny counts: signed requests reach the
real app over HTTP and are answered, the load generator counts them, the report renders."""

from __future__ import annotations

import threading
from pathlib import Path

from bench import http_bench, load, seed
from bench.__main__ import _cells
from bench.report import write_report
from bench.servers import SECRET, TOKEN, StandIn
from bot.config import Settings
from handlers.bootstrap import bootstrap
from handlers.slack.serve import build_wsgi, make_dev_server


def test_harness_measures_the_app_and_writes_a_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'klu.db'}"
    seeded = seed.committee_db(url, seed.utcnow())
    seed.add_topics(seeded._engine, 30, seed.utcnow())
    seed.add_meetings(seeded._engine, 4, seed.utcnow())
    seeded.close()
    standin = StandIn()
    settings = Settings(
        database_url=url,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=standin.base_url,
    )
    container = bootstrap(settings, migrate=False)
    server = make_dev_server(build_wsgi(container), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_port
        rows = []
        for sc in http_bench.klu_scenarios():
            load.check_once(port, sc.make, sc.expect)
            result = load.run(port, sc.make, clients=2, per_client=3, warmup=1)
            assert (result.errors, len(result.latencies)) == (0, 6), result.error_sample
            assert 0 < result.pct(50) <= result.pct(99) and result.rps > 0
            rows.append(http_bench.Row("KLU-bot", sc.name, result))
        board = load.check_once(port, load.command("bruttoliste", seed.SECRETARY[0]), "")
        # 15 seeded topics on the list, plus those `/klu emne` added: two pages of 20
        assert "Side 1 af 2" in board and "klu_board_page_next" in board
    finally:
        server.shutdown()
        server.server_close()
        container.close()
        standin.finish()
    out = {"http": _cells(rows, "SQLite"), "load": {"start": [0.0, 0.0, 0.0]}, "seconds": 1.0}
    report = tmp_path / "RESULTS.md"
    write_report(report, out, None)
    text = report.read_text()
    assert "## Targets" in text and "| KLU-bot | SQLite | /klu emne | 2 | 6 |" in text
