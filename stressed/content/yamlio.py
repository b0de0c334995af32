"""YAML parsing that remembers line numbers, so errors can point at `file:line`."""

import yaml

LINE = "__line__"
KEY_LINES = "__key_lines__"
MARKERS = {LINE, KEY_LINES}


class LineLoader(yaml.SafeLoader):
    """Adds the line of each mapping, and of each of its keys, to the parsed mapping."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        mapping[KEY_LINES] = {
            key.value: key.start_mark.line + 1
            for key, _value in node.value
            if hasattr(key, "value")
        }
        return mapping


def load_yaml(text, path, problems, line_offset=0):
    """Parse YAML; on a syntax error record it (with its line) and return None."""
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 - LineLoader is a SafeLoader
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
