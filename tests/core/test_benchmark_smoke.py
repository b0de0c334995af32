"""The pure pieces of `python -m bench` (the full run is `make bench`, and CI runs
`--smoke`; neither belongs in pytest): wrk output parsing, percentiles, and reading the
question forms off an attempt page, so a template change can't silently break the benchmark."""

import re
import socket
import threading

import pytest

from bench import run as benchmark
from bench.client import Client
from bench.drivers import Answer
from bench.parse import (
    attempt_and_question,
    css_resources,
    page_resources,
    parse_wrk,
    percentile,
    question_forms,
    start_form,
    to_ms,
)
from bench.students import answer_all

# Captured from `wrk -t2 -c8 -d2s --latency` on this project's CI machine.
WRK_OK = """\
Running 2s test @ http://127.0.0.1:18123/index.html
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.90ms    2.03ms  20.97ms   78.62%
    Req/Sec   604.00    195.27     1.03k    75.00%
  Latency Distribution
     50%    4.28ms
     75%    5.76ms
     90%    7.61ms
     99%   11.66ms
  2406 requests in 2.00s, 446.43KB read
Requests/sec:   1200.36
Transfer/sec:    222.72KB
"""

# The same run against a struggling server: error lines and other time units.
WRK_ERRORS = """\
Running 1s test @ http://127.0.0.1:18123/missing
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   912.00us    1.28ms    1.02s    93.52%
    Req/Sec     1.31k   307.22     1.84k    70.00%
  Latency Distribution
     50%  912.00us
     75%    1.59ms
     90%    2.22ms
     99%    1.02s
  1307 requests in 1.00s, 663.89KB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 1307
Requests/sec:   1302.79
Transfer/sec:    661.75KB
"""


# Seconds-long latencies: wrk pads "1.50s" with a trailing space (kept here on purpose).
WRK_SLOW = (
    "Running 4s test @ http://127.0.0.1:18124/\n"
    "  2 threads and 8 connections\n"
    "  Latency Distribution\n"
    "     50%    3.61ms\n"
    "     75%  670.70ms\n"
    "     90%    1.22s \n"
    "     99%    1.50s \n"
    "  236 requests in 4.02s, 26.04KB read\n"
    "Requests/sec:     58.77\n"
)


def test_parse_wrk_reads_throughput_and_percentiles():
    result = parse_wrk(WRK_OK)
    assert result.requests_per_sec == 1200.36
    assert result.requests == 2406
    assert result.p50_ms == pytest.approx(4.28)
    assert result.p99_ms == pytest.approx(11.66)
    assert result.errors == 0


def test_parse_wrk_counts_errors_and_converts_units():
    result = parse_wrk(WRK_ERRORS)
    assert result.p50_ms == pytest.approx(0.912)
    assert result.p99_ms == pytest.approx(1020.0)
    assert result.non_2xx_3xx == 1307
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 2}
    assert result.errors == 1312


def test_parse_wrk_reads_padded_seconds():
    result = parse_wrk(WRK_SLOW)
    assert result.p50_ms == pytest.approx(3.61)
    assert result.p99_ms == pytest.approx(1500.0)


def test_parse_wrk_refuses_output_without_a_result():
    with pytest.raises(ValueError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")
    without_latency = "\n".join(x for x in WRK_OK.splitlines() if "%  " not in x)
    with pytest.raises(ValueError):
        parse_wrk(without_latency)


@pytest.mark.parametrize(
    "text, expected", [("750us", 0.75), ("4.28ms", 4.28), ("1.5s", 1500.0), ("2.00m", 120_000.0)]
)
def test_to_ms(text, expected):
    assert to_ms(text) == pytest.approx(expected)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile(values, 0) == 1
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0  # unsorted input
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_percentile_p99_of_few_samples_is_the_worst():
    # With under 100 samples the 99th percentile is the slowest request: nothing hidden.
    assert percentile([1.0] * 49 + [80.0], 99) == 80.0


def test_percentile_rejects_nonsense():
    with pytest.raises(ValueError):
        percentile([1.0], 101)


# An attempt page as rendered (trimmed): four unanswered cards of different types, one
# answered card (no form any more), and the finish form, which is not a question.
ATTEMPT_PAGE = """
<section class="question-card" id="q-47">
  <form method="post" action="/attempts/68/questions/47/" hx-post="/attempts/68/questions/47/"
        hx-target="closest .question-card" hx-swap="outerHTML" class="question-form" novalidate>
    <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
    <fieldset>
      <legend class="prompt"><p>What do SNRIs act on directly?</p></legend>
      <div class="options">
        <div class="option"><input type="radio" name="choice" value="2513cc29d90a3f02" id="q-47-1">
          <label for="q-47-1">NET &amp; SERT</label></div>
        <div class="option"><input type="radio" name="choice" value="3a98493b0ef46876" id="q-47-2">
          <label for="q-47-2">MAO</label></div>
      </div>
    </fieldset>
    <button type="submit" class="button">Check answer</button>
  </form>
</section>
<section class="question-card" id="q-48">
  <form method="post" action="/attempts/68/questions/48/" class="question-form" novalidate>
    <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
    <label class="field-label" for="q-48-number">Your answer (a number)</label>
    <input type="text" inputmode="decimal" name="number" id="q-48-number" maxlength="50" value="">
    <button type="submit" class="button">Check answer</button>
  </form>
</section>
<section class="question-card" id="q-49">
  <form method="post" action="/attempts/68/questions/49/" class="question-form" novalidate>
    <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
    <div class="option"><input type="checkbox" name="choice" value="64bad9704958bdf9"></div>
    <div class="option"><input type="checkbox" name="choice" value="847ef00dea652522"></div>
    <button type="submit" class="button">Check answer</button>
  </form>
</section>
<section class="question-card" id="q-50">
  <form method="post" action="/attempts/68/questions/50/" class="question-form" novalidate>
    <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
    <div class="match-row"><label for="q-50-m1">Venlafaxine</label>
      <select name="match-207" id="q-50-m1">
        <option value="">Choose…</option>
        <option value="4b47b5fa9e5bafd8">2013</option><option value="2a1db1961a4544e7">1993</option>
      </select></div>
    <div class="match-row"><label for="q-50-m2">Duloxetine</label>
      <select name="match-208" id="q-50-m2">
        <option value="">Choose…</option>
        <option value="4b47b5fa9e5bafd8">2013</option><option value="2a1db1961a4544e7">1993</option>
      </select></div>
    <button type="submit" class="button">Check answer</button>
  </form>
</section>
<section class="question-card is-answered" id="q-51">
  <div class="feedback feedback-correct"><p class="verdict"><strong>Correct</strong>.</p></div>
</section>
<form method="post" action="/attempts/68/finish/" class="finish-form">
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
  <button type="submit" class="button button-primary">Finish and see my score</button>
</form>
"""


def test_question_forms_finds_only_unanswered_cards():
    forms = question_forms(ATTEMPT_PAGE)
    assert [attempt_and_question(f.action) for f in forms] == [
        (68, 47),
        (68, 48),
        (68, 49),
        (68, 50),
    ]


def test_answer_fields_pick_the_first_of_everything():
    single, numeric, multiple, matching = question_forms(ATTEMPT_PAGE)
    token = ("csrfmiddlewaretoken", "TOKEN")
    assert single.answer_fields() == [token, ("choice", "2513cc29d90a3f02")]
    assert numeric.answer_fields() == [token, ("number", "1")]
    assert multiple.answer_fields() == [token, ("choice", "64bad9704958bdf9")]
    # The empty "Choose…" option is not an answer.
    assert matching.answer_fields() == [
        token,
        ("match-207", "4b47b5fa9e5bafd8"),
        ("match-208", "4b47b5fa9e5bafd8"),
    ]


def test_answer_fields_give_ordering_steps_distinct_places():
    page = """<form method="post" action="/attempts/9/questions/27/" class="question-form">
      <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
      <select name="position-aa"><option value="">Place…</option><option value="1">1</option>
        <option value="2">2</option><option value="3">3</option></select>
      <select name="position-bb"><option value="">Place…</option><option value="1">1</option>
        <option value="2">2</option><option value="3">3</option></select>
      <select name="position-cc"><option value="">Place…</option><option value="1">1</option>
        <option value="2">2</option><option value="3">3</option></select></form>"""
    (ordering,) = question_forms(page)
    assert ordering.answer_fields() == [
        ("csrfmiddlewaretoken", "TOKEN"),
        ("position-aa", "1"),
        ("position-bb", "2"),
        ("position-cc", "3"),
    ]


def test_start_form_and_its_token():
    page = """<form method="post" action="/quizzes/snris-quiz/start/" class="inline-form">
      <input type="hidden" name="csrfmiddlewaretoken" value="abc123">
      <button type="submit" class="button button-primary">Start the quiz</button></form>"""
    form = start_form(page)
    assert form.action == "/quizzes/snris-quiz/start/"
    assert form.hidden_value("csrfmiddlewaretoken") == "abc123"
    assert start_form("<p>No form here</p>") is None


def test_attempt_and_question_rejects_other_urls():
    with pytest.raises(ValueError):
        attempt_and_question("/attempts/68/finish/")


def test_page_resources_are_absolute_and_unique():
    head = """<link rel="stylesheet" href="/static/css/site.abc.css">
      <link rel="stylesheet" href="/static/css/print.def.css" media="print">
      <link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">
      <link rel="canonical" href="/lessons/snris/">
      <script src="/static/js/site.js" defer></script><script>inline()</script>
      <img src="/static/img/favicon.svg" alt=""><img src="data:image/png;base64,xyz" alt="">
      <img src="../img/figure.svg#part" alt="">"""
    assert page_resources(head, "http://127.0.0.1:8000/lessons/snris/") == [
        "http://127.0.0.1:8000/static/css/site.abc.css",
        "http://127.0.0.1:8000/static/css/print.def.css",
        "http://127.0.0.1:8000/static/img/favicon.svg",
        "http://127.0.0.1:8000/static/js/site.js",
        "http://127.0.0.1:8000/lessons/img/figure.svg",
    ]


def test_css_resources_resolve_against_the_stylesheet():
    css = """@import "base.css"; body { background: url(../img/bg.png) }
      @font-face { src: url('../fonts/a.woff2') format("woff2") } .x { mask: url(data:x) }"""
    assert css_resources(css, "http://h:1/static/css/site.css") == [
        "http://h:1/static/img/bg.png",
        "http://h:1/static/fonts/a.woff2",
        "http://h:1/static/css/base.css",
    ]


def test_command_line_defaults_and_smoke():
    full = benchmark.parse_args([])
    assert (full.duration, full.students, full.connections) == (10, 32, 32)
    smoke = benchmark.parse_args(["--smoke"])
    assert (smoke.duration, smoke.students, smoke.quizzes) == (1, 4, 1)
    assert (full.think, full.quizzes, smoke.think) == (1.0, 2, 0.1)
    assert benchmark.parse_args(["--smoke", "--students", "8"]).students == 8
    with pytest.raises(SystemExit):
        benchmark.parse_args(["--duration", "0"])


def test_table_lines_up_columns():
    text = benchmark.table(["phase", "req/s"], [["(a) static", "1,200.0"], ["(b)", "3.0"]])
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1  # every row the same width
    assert lines[2].endswith("1,200.0") and lines[3].endswith("    3.0")


# --- the asyncio student driver, against a stand-in server on loopback -------------------


class FakeSite:
    """A loopback server that answers each POST like gunicorn's sync worker (one response,
    then close), remembering what it was sent; a request for /fail/ gets a 409."""

    def __init__(self):
        self.requests = []

    def __enter__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()
        return self

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                head, body = data.split(b"\r\n\r\n", 1)
                length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
                while len(body) < length:
                    body += connection.recv(65536)
                self.requests.append((head.decode(), body.decode()))
                status = b"409 Conflict" if b" /fail/ " in head else b"200 OK"
                reply = b"<section>card</section>"
                connection.sendall(
                    b"HTTP/1.1 " + status + b"\r\nContent-Length: "
                    + str(len(reply)).encode() + b"\r\n\r\n" + reply
                )  # fmt: skip

    def __exit__(self, *exc):
        self.server.close()


def plan(*actions):
    fields = [("csrfmiddlewaretoken", "TOKEN"), ("choice", "abc123")]
    return [Answer(0, 1, n, action, fields) for n, action in enumerate(actions)]


def test_students_send_each_answer_once_with_their_own_cookies():
    with FakeSite() as site:
        plans = [plan("/attempts/1/questions/1/", "/fail/"), plan("/attempts/2/questions/9/")]
        clients = [Client("127.0.0.1", site.port) for _ in plans]
        clients[0].cookies, clients[1].cookies = {"sessionid": "one"}, {"sessionid": "two"}
        seconds = answer_all("127.0.0.1", site.port, clients, plans, think=0, timeout=10)
    assert seconds > 0
    assert sorted(head.split()[1] for head, _ in site.requests) == [
        "/attempts/1/questions/1/",
        "/attempts/2/questions/9/",
        "/fail/",
    ]
    for head, body in site.requests:
        assert "HX-Request: true" in head and "X-CSRFToken: TOKEN" in head
        assert body == "csrfmiddlewaretoken=TOKEN&choice=abc123"
    cookies = {
        head.split()[1]: re.search(r"Cookie: ([^\r]*)", head).group(1) for head, _ in site.requests
    }
    assert cookies["/attempts/2/questions/9/"] == "sessionid=two"
    first, failed = plans[0]
    assert first.ok and first.status == 200 and first.seconds > 0
    assert not failed.ok and failed.error == "HTTP 409"


def test_a_refused_connection_is_an_error_not_a_crash():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens here once closed
    answers = plan("/attempts/1/questions/1/")
    answer_all("127.0.0.1", port, [Client("127.0.0.1", port)], [answers], think=0, timeout=10)
    assert not answers[0].ok and "Error" in answers[0].error
