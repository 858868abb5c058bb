"""The Slack Web API stand-in in its own process, so it never competes with the load
generator for the GIL. Prints its base URL on the first line; on stdin EOF it prints a JSON
summary of the chat.postMessage calls (count, distinct channels, repeated channels)."""

from __future__ import annotations

import json
import sys
from collections import Counter

from bench.seed import MEMBER, SECRETARY
from handlers.slack.standin import SlackStandIn


def main() -> None:
    """Serve until stdin closes, then report."""
    with SlackStandIn() as slack:
        for user_id, email, name in (SECRETARY, MEMBER):
            slack.add_user(user_id, email, name)
        print(slack.base_url, flush=True)
        sys.stdin.read()
        posts = slack.calls_to("chat.postMessage")
        channels = Counter(str(c.args.get("channel")) for c in posts)
        summary = {
            "posts": len(posts),
            "channels": len(channels),
            "repeated": sum(1 for n in channels.values() if n > 1),
            "calls": len(slack.calls),
        }
        print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
