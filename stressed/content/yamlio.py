"""YAML parsing that remembers line numbers, so errors can point at `file:line`.

Content files are hostile input too: the loader refuses YAML anchors and aliases (a
"billion laughs" file of a few lines expands to gigabytes), nesting deeper than MAX_DEPTH,
integers of more than MAX_INT_DIGITS digits, impossible dates, files larger than
MAX_FILE_BYTES and anything that is not UTF-8, each as a `path:line` problem.
"""

import yaml

LINE = "__line__"
KEY_LINES = "__key_lines__"
MARKERS = {LINE, KEY_LINES}
MAX_DEPTH = 20
MAX_INT_DIGITS = 30
MAX_FILE_BYTES = 2 * 1024 * 1024


class ContentYAMLError(yaml.MarkedYAMLError):
    """A rule of ours, reported with its own message (not as a YAML syntax error)."""

    def __init__(self, message, mark):
        super().__init__(problem=message, problem_mark=mark)


class LineLoader(yaml.SafeLoader):
    """Adds the line of each mapping, and of each of its keys, to the parsed mapping."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ContentYAMLError("YAML anchors and aliases are not allowed", event.start_mark)
        nested = isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ContentYAMLError(
                    f"YAML nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self.depth -= 1

    def construct_yaml_int(self, node):
        if sum(ch.isdigit() for ch in node.value) > MAX_INT_DIGITS:
            raise ContentYAMLError(
                f"number too large (more than {MAX_INT_DIGITS} digits)", node.start_mark
            )
        return super().construct_yaml_int(node)

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as error:  # e.g. a date like 2026-02-30
            message = f"invalid value {str(node.value)[:40]!r}: {error}"
            raise ContentYAMLError(message, node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        mapping[KEY_LINES] = {
            key.value: key.start_mark.line + 1
            for key, _value in node.value
            if hasattr(key, "value")
        }
        return mapping


LineLoader.add_constructor("tag:yaml.org,2002:int", LineLoader.construct_yaml_int)


def read_text(path, shown, problems):
    """The file's text if it is UTF-8 (a UTF-8 byte order mark is allowed) and not too
    large; otherwise record a `path:line` problem and return None."""
    return decode_text(path.read_bytes(), shown, problems)


def decode_text(raw, shown, problems):
    """`read_text` for bytes already read."""
    if len(raw) > MAX_FILE_BYTES:
        problems.add(shown, 1, f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(shown, 1, "not valid UTF-8 (the file is UTF-16): save it as UTF-8")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(
            shown,
            line,
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at position {error.start}): "
            "save the file as UTF-8",
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.add(shown, line, "not valid UTF-8 text (it contains NUL bytes; UTF-16?)")
        return None
    return text


def load_yaml(text, path, problems, line_offset=0):
    """Parse YAML; on a syntax error record it (with its line) and return None."""
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 - LineLoader is a SafeLoader
    except ContentYAMLError as error:
        problems.add(path, error.problem_mark.line + 1 + line_offset, error.problem)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        problems.add(path, line, f"YAML syntax error: {error.problem or error}")
    except yaml.YAMLError as error:
        problems.add(path, 1 + line_offset, f"YAML error: {error}")
    return None


def line_of(mapping, default=1, offset=0, key=None):
    if isinstance(mapping, dict):
        line = mapping.get(KEY_LINES, {}).get(key) if key else None
        return (line or mapping.get(LINE, default)) + offset
    return default + offset


def strip_lines(value):
    """A copy of parsed YAML without the line markers (for hashing and storing)."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in MARKERS}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
