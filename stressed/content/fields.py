"""Small typed readers for parsed YAML mappings that report problems instead of raising."""

import datetime
import math
import re

from stressed.content.yamlio import MARKERS, line_of
from stressed.markdown import MAX_FRAGMENT_LENGTH

MAX_INTEGER = 2_147_483_647  # the largest value every database takes in an integer column
MAX_ITEM_LENGTH = 2_000  # one item of a list of text (objectives, aliases, key points…)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Fields:
    """Reads one YAML mapping, recording a `file:line` problem for each bad or missing field."""

    def __init__(self, mapping, path, problems, offset=0, what="entry"):
        self.path, self.problems, self.offset, self.what = path, problems, offset, what
        self.ok = isinstance(mapping, dict)
        self.data = mapping if self.ok else {}
        self.line = line_of(mapping, offset=offset) if self.ok else 1 + offset
        if not self.ok:
            self.problem(f"expected a mapping of fields for this {what}")

    def problem(self, message, key=None):
        """Record a problem at the line of `key` if given and present, else of the mapping."""
        line = line_of(self.data, offset=self.offset, key=key) if self.data else self.line
        self.problems.add(self.path, line, message)
        self.ok = False

    def unknown(self, allowed):
        extra = sorted(set(self.data) - set(allowed) - MARKERS)
        if extra:
            self.problem(f"unknown field(s) {', '.join(extra)} in {self.what}", extra[0])

    def text(self, name, required=True, max_length=MAX_FRAGMENT_LENGTH):
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.problem(f"missing required field '{name}'", name)
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(f"'{name}' must be text", name)
            return ""
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.problem(
                f"'{name}' is {len(value):,} characters; the limit is {max_length:,}", name
            )
        return value

    def slug(self, name, required=True):
        value = self.text(name, required)
        if value and not SLUG.match(value):
            self.problem(
                f"'{name}' must be a lowercase slug like 'some-words', not {value!r}", name
            )
        return value

    def boolean(self, name, default=None):
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.problem(f"'{name}' must be true or false", name)
            return bool(default)
        return value

    def number(self, name, required=True, default=None):
        value = self.data.get(name, default)
        if value is None:
            if required:
                self.problem(f"missing required number '{name}'", name)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"'{name}' must be a number, not {str(value)[:40]!r}", name)
            return 0.0  # reported above; a number keeps later checks from tripping on None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.problem(f"'{name}' must be a finite number", name)
            return 0.0
        return number

    def integer(self, name, min_value=0, max_value=MAX_INTEGER):
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"'{name}' must be a whole number", name)
            return 0
        if not min_value <= value <= max_value:
            self.problem(f"'{name}' must be between {min_value} and {max_value:,}", name)
            return 0
        return value

    def date(self, name):
        value = self.data.get(name)
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.problem(f"'{name}' must be a date like 2026-11-22", name)
            return None

    def list(self, name, required=True, min_items=0):
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(f"missing required list '{name}'", name)
            return []
        if not isinstance(value, list):
            self.problem(f"'{name}' must be a list", name)
            return []
        if len(value) < min_items:
            self.problem(f"'{name}' needs at least {min_items} item(s), has {len(value)}", name)
        return value

    def text_list(self, name, required=True, min_items=0, max_items=None):
        items = self.list(name, required, min_items)
        if max_items is not None and len(items) > max_items:
            self.problem(f"'{name}' allows at most {max_items} items, has {len(items)}", name)
        result = []
        for item in items:
            if isinstance(item, dict | list) or item is None or str(item).strip() == "":
                self.problem(f"every item of '{name}' must be non-empty text", name)
                continue
            if len(str(item)) > MAX_ITEM_LENGTH:
                self.problem(
                    f"an item of '{name}' is {len(str(item)):,} characters; "
                    f"the limit is {MAX_ITEM_LENGTH:,}",
                    name,
                )
                continue
            result.append(str(item).strip())
        return result
