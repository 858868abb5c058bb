"""The Slack stand-in, exercised through the real slack_sdk WebClient over HTTP."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.models.blocks import SectionBlock

from tests.slack_standin import UPLOAD_METHOD, Call, SlackStandIn

BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Møde* på torsdag"}},
    {"type": "divider"},
    {
        "type": "actions",
        "block_id": "rsvp",
        "elements": [
            {"type": "button", "action_id": "yes", "text": {"type": "plain_text", "text": "Ja"}},
        ],
    },
]
TS_PATTERN = re.compile(r"^\d{10}\.\d{6}$")


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        yield slack


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.base_url, timeout=5)


def test_base_url_and_identity(standin: SlackStandIn, client: WebClient) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", standin.base_url)
    response = client.auth_test()
    assert response["ok"] is True
    assert response["user_id"] == standin.bot_user_id == "U0BOT"
    assert response["bot_id"] == standin.bot_id
    assert response["team_id"] == standin.team_id
    (call,) = standin.calls_to("auth.test")
    assert call.token == "xoxb-test"
    assert call.status == 200
    assert call.ok


def test_post_message_blocks_round_trip(standin: SlackStandIn, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C0KLU", text="Møde", blocks=BLOCKS)
    second = client.chat_postMessage(channel="C0KLU", text="igen", thread_ts=first["ts"])

    assert first["channel"] == "C0KLU"
    assert first["message"]["blocks"] == BLOCKS
    assert first["message"]["user"] == "U0BOT"
    assert TS_PATTERN.match(first["ts"])
    assert TS_PATTERN.match(second["ts"])
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])

    calls = standin.calls_to("chat.postMessage")
    assert [c.args["text"] for c in calls] == ["Møde", "igen"]
    assert calls[0].args["blocks"] == BLOCKS
    assert calls[1].args["thread_ts"] == first["ts"]
    assert calls[0].response is not None
    assert calls[0].response["ts"] == first["ts"]
    assert [m["text"] for m in standin.messages("C0KLU")] == ["Møde", "igen"]


def test_post_message_with_block_objects(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="x", blocks=[SectionBlock(text="hej")])
    (call,) = standin.calls_to("chat.postMessage")
    assert call.args["blocks"] == [{"type": "section", "text": {"type": "mrkdwn", "text": "hej"}}]


def test_form_encoded_json_fields_are_decoded(standin: SlackStandIn, client: WebClient) -> None:
    client.api_call(
        "chat.postMessage", params={"channel": "C1", "text": "t", "blocks": json.dumps(BLOCKS)}
    )
    (call,) = standin.calls_to("chat.postMessage")
    assert call.args["blocks"] == BLOCKS
    assert "token" not in call.args


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")
def test_post_message_validation(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1")
    assert info.value.response["error"] == "no_text"


def test_update_and_delete(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="før")
    updated = client.chat_update(channel="C1", ts=posted["ts"], text="efter", blocks=BLOCKS)
    assert updated["ts"] == posted["ts"]
    assert updated["message"]["text"] == "efter"
    (message,) = standin.messages("C1")
    assert message["text"] == "efter"
    assert message["blocks"] == BLOCKS

    client.chat_delete(channel="C1", ts=posted["ts"])
    assert standin.messages("C1") == []

    ephemeral = client.chat_postEphemeral(channel="C1", user="U123", text="kun til dig")
    assert TS_PATTERN.match(ephemeral["message_ts"])


def test_conversations_open_is_deterministic(standin: SlackStandIn, client: WebClient) -> None:
    first = client.conversations_open(users="U123")
    again = client.conversations_open(users=["U123"])
    assert first["channel"]["id"] == "DU123"
    assert again["channel"]["id"] == "DU123"
    assert first["already_open"] is False
    assert again["already_open"] is True
    assert standin.calls_to("conversations.open")[0].args["users"] == "U123"

    posted = client.chat_postMessage(channel="U123", text="dm")
    assert posted["channel"] == "DU123"
    info = client.conversations_info(channel="DU123")
    assert info["channel"]["is_im"] is True
    assert info["channel"]["user"] == "U123"


def test_conversations_info_seeded(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("C0KLU", "klu-udvalget", is_private=True)
    channel = client.conversations_info(channel="C0KLU")["channel"]
    assert channel["name"] == "klu-udvalget"
    assert channel["is_private"] is True


def test_users_lookup_by_email_hit_and_miss(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U123", "anna@example.dk", "anna", real_name="Anna Hansen")

    hit = client.users_lookupByEmail(email="Anna@Example.DK")
    assert hit["user"]["id"] == "U123"
    assert hit["user"]["profile"]["email"] == "anna@example.dk"
    assert hit["user"]["real_name"] == "Anna Hansen"
    assert hit["user"]["tz"] == "Europe/Copenhagen"

    with pytest.raises(SlackApiError) as info:
        client.users_lookupByEmail(email="nobody@example.dk")
    assert info.value.response.status_code == 200
    assert info.value.response["error"] == "users_not_found"

    calls = standin.calls_to("users.lookupByEmail")
    assert [c.ok for c in calls] == [True, False]
    assert calls[1].error == "users_not_found"


def test_users_info(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U123", "anna@example.dk", "anna")
    assert client.users_info(user="U123")["user"]["name"] == "anna"
    assert client.users_info(user="U0BOT")["user"]["is_bot"] is True
    with pytest.raises(SlackApiError) as info:
        client.users_info(user="not-a-user")
    assert info.value.response["error"] == "user_not_found"


def test_views_publish_open_update(standin: SlackStandIn, client: WebClient) -> None:
    home = {"type": "home", "blocks": BLOCKS}
    published = client.views_publish(user_id="U123", view=home)
    view_id = published["view"]["id"]
    assert view_id.startswith("V")
    assert published["view"]["blocks"] == BLOCKS
    assert standin.calls_to("views.publish")[0].args["view"] == home
    home_view = standin.home_view("U123")
    assert home_view is not None
    assert home_view["id"] == view_id

    republished = client.views_publish(user_id="U123", view=home)
    assert republished["view"]["id"] == view_id

    modal = {
        "type": "modal",
        "callback_id": "meeting",
        "title": {"type": "plain_text", "text": "Møde"},
        "blocks": [],
    }
    opened = client.views_open(trigger_id="123.456.abc", view=modal)
    modal_id = opened["view"]["id"]
    assert opened["view"]["callback_id"] == "meeting"
    assert opened["view"]["hash"]

    updated = client.views_update(
        view_id=modal_id, hash=opened["view"]["hash"], view={**modal, "blocks": BLOCKS}
    )
    assert updated["view"]["id"] == modal_id
    stored = standin.view(modal_id)
    assert stored is not None
    assert stored["blocks"] == BLOCKS

    with pytest.raises(SlackApiError) as info:
        client.views_update(view_id=modal_id, hash="stale", view=modal)
    assert info.value.response["error"] == "hash_conflict"

    pushed = client.views_push(trigger_id="123.456.def", view=modal)
    assert pushed["view"]["id"] not in (modal_id, view_id)


def test_files_upload_v2_keeps_bytes(standin: SlackStandIn, client: WebClient) -> None:
    content = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\x00\xff"
    response = client.files_upload_v2(
        channel="C0KLU",
        content=content,
        filename="mode.ics",
        title="Mødeindkaldelse",
        initial_comment="Her er kalenderen",
    )
    assert response["file"]["id"].startswith("F")
    assert response["file"]["name"] == "mode.ics"

    (upload,) = standin.uploads
    assert upload.content == content
    assert upload.filename == "mode.ics"
    assert upload.title == "Mødeindkaldelse"
    assert upload.channel_id == "C0KLU"
    assert upload.initial_comment == "Her er kalenderen"
    assert upload.file_id == response["file"]["id"]

    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        UPLOAD_METHOD,
        "files.completeUploadExternal",
    ]
    (get_url,) = standin.calls_to("files.getUploadURLExternal")
    assert get_url.args["length"] == str(len(content))
    (complete,) = standin.calls_to("files.completeUploadExternal")
    assert complete.args["files"] == [{"id": upload.file_id, "title": "Mødeindkaldelse"}]


def test_rate_limit_is_retried_by_client(standin: SlackStandIn) -> None:
    client = WebClient(
        token="xoxb-test",
        base_url=standin.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    standin.fail_next("chat.postMessage", status=429, retry_after=1)

    started = time.monotonic()
    response = client.chat_postMessage(channel="C1", text="efter pause")
    elapsed = time.monotonic() - started

    assert response["ok"] is True
    attempts = standin.calls_to("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].error == "ratelimited"
    assert elapsed >= 1.0


def test_rate_limit_without_retry_handler(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert info.value.response["error"] == "ratelimited"


def test_server_error_then_recovery(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("chat.postMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="C1", text="x")
        assert info.value.response.status_code == 500
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [500, 500, 200]
    assert client.auth_test()["ok"] is True  # other methods never were affected


def test_fail_next_with_slack_error_and_any_method(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail_next("conversations.open", error="user_disabled")
    with pytest.raises(SlackApiError) as info:
        client.conversations_open(users="U1")
    assert info.value.response.status_code == 200
    assert info.value.response["error"] == "user_disabled"

    standin.fail_next(None, status=503)
    with pytest.raises(SlackApiError) as info:
        client.auth_test()
    assert info.value.response.status_code == 503
    assert client.auth_test()["ok"] is True


def test_upload_step_can_fail(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next(UPLOAD_METHOD, status=500)
    with pytest.raises(Exception, match="500"):
        client.files_upload_v2(channel="C1", content=b"data", filename="a.txt")
    assert standin.uploads == []


def test_tokens_are_required(standin: SlackStandIn) -> None:
    for token in (None, "not-a-slack-token"):
        anonymous = WebClient(token=token, base_url=standin.base_url)
        with pytest.raises(SlackApiError) as info:
            anonymous.chat_postMessage(channel="C1", text="x")
        assert info.value.response.status_code == 200
        assert info.value.response["error"] == "not_authed"
    assert [c.token for c in standin.calls_to("chat.postMessage")] == [None, "not-a-slack-token"]
    assert standin.messages() == []


def test_unknown_method_is_recorded(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.api_call("admin.teams.create", params={"team_name": "x"})
    assert info.value.response["error"] == "unknown_method"
    (call,) = standin.calls_to("admin.teams.create")
    assert call.args == {"team_name": "x"}
    assert call.error == "unknown_method"


def test_reactions_add(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="x")
    client.reactions_add(channel="C1", timestamp=posted["ts"], name="white_check_mark")
    with pytest.raises(SlackApiError) as info:
        client.reactions_add(channel="C1", timestamp=posted["ts"], name="white_check_mark")
    assert info.value.response["error"] == "already_reacted"


def test_wait_for(standin: SlackStandIn, client: WebClient) -> None:
    def post_later() -> None:
        time.sleep(0.05)
        client.chat_postMessage(channel="C1", text="a")
        client.chat_postMessage(channel="C1", text="b")

    worker = threading.Thread(target=post_later)
    worker.start()
    calls: list[Call] = standin.wait_for("chat.postMessage", count=2, timeout=5)
    worker.join()
    assert [c.args["text"] for c in calls] == ["a", "b"]

    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"views\.open"):
        standin.wait_for("views.open", timeout=0.1)
    assert time.monotonic() - started < 1


def test_delay(standin: SlackStandIn, client: WebClient) -> None:
    standin.delay("auth.test", 0.3)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.3

    standin.delay("auth.test", 0)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started < 0.3


def test_reset_keeps_directory(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U123", "anna@example.dk", "anna")
    client.chat_postMessage(channel="C1", text="x")
    standin.fail_next("auth.test")
    standin.reset()
    assert standin.calls == []
    assert standin.messages() == []
    assert client.auth_test()["ok"] is True
    assert client.users_lookupByEmail(email="anna@example.dk")["user"]["id"] == "U123"


def test_stop_releases_and_restart(standin: SlackStandIn) -> None:
    standin.stop()
    standin.stop()
    with pytest.raises(RuntimeError):
        _ = standin.base_url
    standin.start()
    client = WebClient(token="xoxb-test", base_url=standin.base_url)
    assert client.auth_test()["ok"] is True


def test_history_lists_channel_messages_newest_first_with_metadata_on_request(
    standin: SlackStandIn, client: WebClient
) -> None:
    meta = {"event_type": "klu_delivery", "event_payload": {"key": "reminder:1"}}
    first = client.chat_postMessage(channel="C0KLU", text="et", metadata=meta)
    reply = client.chat_postMessage(channel="C0KLU", text="svar", thread_ts=first["ts"])
    second = client.chat_postMessage(channel="C0KLU", text="to")
    client.chat_postMessage(channel="C0OTHER", text="andet sted")

    plain = client.conversations_history(channel="C0KLU")
    assert [m["text"] for m in plain["messages"]] == ["to", "et"]  # no thread replies
    assert all("metadata" not in m for m in plain["messages"])
    full = client.conversations_history(channel="C0KLU", include_all_metadata=True)
    assert full["messages"][1]["metadata"] == meta
    assert "metadata" not in full["messages"][0]

    after_first = client.conversations_history(channel="C0KLU", oldest=first["ts"])
    assert [m["ts"] for m in after_first["messages"]] == [second["ts"]]
    before_second = client.conversations_history(channel="C0KLU", latest=second["ts"])
    assert [m["ts"] for m in before_second["messages"]] == [first["ts"]]

    page = client.conversations_history(channel="C0KLU", limit=1)
    assert page["has_more"] and [m["text"] for m in page["messages"]] == ["to"]
    cursor = page["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel="C0KLU", limit=1, cursor=cursor)
    assert not rest["has_more"] and [m["text"] for m in rest["messages"]] == ["et"]

    thread = client.conversations_replies(channel="C0KLU", ts=first["ts"])
    assert [m["ts"] for m in thread["messages"]] == [first["ts"], reply["ts"]]


def test_ts_follows_the_given_clock() -> None:
    with SlackStandIn(ts_clock=lambda: 1_777_629_600.5) as slack:
        other = WebClient(token="xoxb-test", base_url=slack.base_url, timeout=5)
        one = other.chat_postMessage(channel="C1", text="a")["ts"]
        two = other.chat_postMessage(channel="C1", text="b")["ts"]
    assert (one, two) == ("1777629600.500000", "1777629600.500100")
