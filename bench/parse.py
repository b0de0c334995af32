"""Pure parsing helpers for the benchmark: no I/O, so they can be unit-tested on samples."""

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

# --- wrk ---------------------------------------------------------------------------------

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class WrkResult:
    requests_per_sec: float
    requests: int
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int = 0
    socket_errors: dict = field(default_factory=dict)

    @property
    def errors(self):
        return self.non_2xx_3xx + sum(self.socket_errors.values())


def to_ms(text):
    """'4.28ms' -> 4.28, '912.00us' -> 0.912, '1.02s' -> 1020.0 (wrk's own units)."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _TIME_UNITS_MS[match.group(2)]


def parse_wrk(output):
    """Read the figures we report from `wrk --latency` output. Raises ValueError if a figure
    is missing (wrk failed, or its format changed), so a broken run can't pass silently."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not rps:
        raise ValueError("wrk output has no Requests/sec line")
    total = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    # wrk pads durations of a second or more with a trailing space ("1.50s ").
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise ValueError("wrk output has no 50%/99% latency lines (was --latency passed?)")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = {}
    if sockets:
        names = ("connect", "read", "write", "timeout")
        socket_errors = {
            name: int(value) for name, value in zip(names, sockets.groups(), strict=True)
        }
    return WrkResult(
        requests_per_sec=float(rps.group(1)),
        requests=int(total.group(1)) if total else 0,
        p50_ms=to_ms(percentiles["50"]),
        p99_ms=to_ms(percentiles["99"]),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
    )


# --- statistics --------------------------------------------------------------------------


def percentile(values, pct):
    """Nearest-rank percentile (the smallest value with at least pct% of values at or below
    it), as load tools report it; no interpolation between samples. None for no values."""
    if not values:
        return None
    if not 0 <= pct <= 100:
        raise ValueError("pct must be between 0 and 100")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# --- HTML forms --------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    classes: list
    hidden: list = field(default_factory=list)  # [(name, value)]
    choices: dict = field(default_factory=dict)  # radio/checkbox name -> [values]
    texts: list = field(default_factory=list)  # text input names
    selects: dict = field(default_factory=dict)  # select name -> [non-empty option values]

    def answer_fields(self):
        """A complete answer, as a student who picks the first of everything would send it:
        the first option of each radio/checkbox group and of each select, and "1" in every
        text box (valid for both short-answer and numeric questions). An ordering question's
        steps (selects named position-…) get places 1, 2, 3… in turn: a place given twice is
        an incomplete answer."""
        data = list(self.hidden)
        data += [(name, values[0]) for name, values in self.choices.items() if values]
        data += [(name, "1") for name in self.texts]
        places = 0
        for name, values in self.selects.items():
            if not values:
                continue
            if name.startswith("position-"):
                data.append((name, values[places % len(values)]))
                places += 1
            else:
                data.append((name, values[0]))
        return data

    def hidden_value(self, name):
        return next((value for key, value in self.hidden if key == name), None)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("class", "").split())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            self._add_input(attrs)
        elif tag == "select" and attrs.get("name"):
            self._select = self._form.selects.setdefault(attrs["name"], [])
        elif tag == "option" and self._select is not None and attrs.get("value"):
            self._select.append(attrs["value"])  # the empty "Choose…" option is skipped

    def _add_input(self, attrs):
        kind, name = attrs.get("type", "text").lower(), attrs["name"]
        if kind == "hidden":
            self._form.hidden.append((name, attrs.get("value", "")))
        elif kind in ("radio", "checkbox"):
            self._form.choices.setdefault(name, []).append(attrs.get("value", "on"))
        elif kind in ("text", "number", "search"):
            self._form.texts.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form, self._select = None, None
        elif tag == "select":
            self._select = None


def parse_forms(html):
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def question_forms(html):
    """The unanswered question cards of an attempt page (forms with class question-form)."""
    return [form for form in parse_forms(html) if "question-form" in form.classes]


def start_form(html):
    """The 'Start the quiz' (or 'Start again') form of a quiz page."""
    return next((f for f in parse_forms(html) if f.action.rstrip("/").endswith("/start")), None)


ANSWER_ACTION = re.compile(r"/attempts/(\d+)/questions/(\d+)/")


def attempt_and_question(action):
    """(attempt_id, question_id) from an answer form's action URL."""
    match = ANSWER_ACTION.search(action)
    if not match:
        raise ValueError(f"not an answer URL: {action!r}")
    return int(match.group(1)), int(match.group(2))


# --- resources a page references ---------------------------------------------------------


class _ResourceParser(HTMLParser):
    """What a browser downloads to show the page: stylesheets, scripts, icons and images."""

    LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "apple-touch-icon"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "link" and self.LINK_RELS & set(attrs.get("rel", "").lower().split()):
            self.urls.append(attrs.get("href", ""))
        elif tag in ("script", "img", "source") and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "object" and attrs.get("data"):
            self.urls.append(attrs["data"])


def _keep(urls, base):
    """Absolute same-kind URLs, first occurrence only, without data: URIs or fragments."""
    seen, kept = set(), []
    for url in urls:
        if not url or url.startswith(("data:", "#")):
            continue
        absolute = urljoin(base, url).split("#", 1)[0]
        if absolute not in seen:
            seen.add(absolute)
            kept.append(absolute)
    return kept


def page_resources(html, base):
    parser = _ResourceParser()
    parser.feed(html)
    parser.close()
    return _keep(parser.urls, base)


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")


def css_resources(css, base):
    """Fonts, images and imports a stylesheet pulls in (relative to the stylesheet)."""
    urls = [m.group(2) for m in CSS_URL.finditer(css)] + [
        m.group(2) for m in CSS_IMPORT.finditer(css)
    ]
    return _keep(urls, base)
