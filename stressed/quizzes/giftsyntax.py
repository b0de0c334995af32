"""GIFT's text syntax, shared by the GIFT reader (stressed.quizzes.gift) and the question types
that read and write their own answer blocks (stressed.quizzes.types)."""

import re

FORMATS = ("moodle", "html", "plain", "markdown")
DEFAULT_FORMAT = "moodle"  # Moodle's FORMAT_MOODLE, used when text carries no [format]
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}

# While the structure is parsed, escaped characters are swapped for private-use characters
# (Moodle swaps them for "&&058;"-style placeholders) so that an escaped "{" or "~" can never
# be taken for syntax; each piece of text is swapped back once it has been cut out.
PLACEHOLDER = {char: chr(0xE000 + i) for i, char in enumerate("\\:#={}~n")}
RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in PLACEHOLDER.items()})
BLANK = "\ue010"  # where a missing-word answer block was
NO_PLACEHOLDERS = str.maketrans(dict.fromkeys([*PLACEHOLDER.values(), BLANK]))
ESCAPE = re.compile(r"\\([\\:#={}~n])")
WEIGHT = re.compile(r"%(-?(?:\d+(?:\.\d*)?|\.\d+))%")
NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def protect(line):
    return ESCAPE.sub(lambda m: PLACEHOLDER[m.group(1)], line)


def restore(text):
    return text.translate(RESTORE)


def split_format(raw, default):
    """Moodle's parse_text_with_format: an optional leading [format], then the text."""
    raw = raw.strip()
    if raw.startswith("["):
        end = raw.find("]")
        if end > 0 and raw[1:end] in FORMATS:
            return raw[1:end], restore(raw[end + 1 :]).strip()
    return default, restore(raw).strip()


def plain_to_markdown(text):
    """Markdown that shows `text` as typed, one line per line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"([\\`*_{}\[\]|])", r"\\\1", line.strip())
        line = re.sub(r"^([#>+-])", r"\\\1", line)  # headings, quotes, list items
        line = re.sub(r"^(\d+)\.", r"\1\\.", line)  # numbered list items
        line = re.sub(r"^=(?==*$)", "&#61;", line)  # only a line of "=" underlines a heading
        lines.append(line)
    for i in range(len(lines) - 1):
        if lines[i] and lines[i + 1]:
            lines[i] += "  "  # a Markdown hard line break
    return "\n".join(lines)


def text(raw, default):
    """(format, Markdown) for a piece of question, option or feedback text."""
    fmt, value = split_format(raw, default)
    return fmt, (value if fmt in ("markdown", "html") else plain_to_markdown(value))


def pieces(value, start, separators, keep=""):
    """Split `value` (found at `start` in the block) at each separator character, as Moodle's
    explode does; returns (position, piece). Separators in `keep` stay at the piece start.
    A blank leading piece is dropped, as Moodle drops an empty first answer."""
    found, begin = [], 0
    for i, char in enumerate(value):
        if char in separators:
            found.append((start + begin, value[begin:i]))
            begin = i if char in keep else i + 1
    found.append((start + begin, value[begin:]))
    if found and not found[0][1].strip():
        found.pop(0)
    return found


# Export ------------------------------------------------------------------------------------


def escape(value):
    """Moodle's repchar: escape GIFT's special characters; newlines become \\n."""
    return re.sub(r"([\\#=~{}:])", r"\\\1", value.replace("\r", "")).replace("\n", "\\n")


def percent(fraction):
    value = f"{fraction * 100:.7f}".rstrip("0").rstrip(".")
    return "0" if value in ("", "-0") else value


def number(value):
    return repr(float(value)).removesuffix(".0")


def feedback(value):
    return f"#{escape(value)}" if value else ""


def weight(fraction, value, implicit):
    """The %n% weight of an answer; left out when `implicit` (what the mark alone means),
    unless the text starts with "%", which would then be read as a weight."""
    if implicit and not value.startswith("%"):
        return ""
    return f"%{percent(fraction)}%"
