"""YAML parsing that remembers line numbers, so errors can point at `file:line`."""

import yaml

LINE = "__line__"


class LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
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


def line_of(mapping, default=1, offset=0):
    if isinstance(mapping, dict):
        return mapping.get(LINE, default) + offset
    return default + offset


def strip_lines(value):
    """A copy of parsed YAML without the line markers (for hashing and storing)."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
