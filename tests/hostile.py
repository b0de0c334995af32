"""A corpus of hostile Markdown/HTML, and a check that rendered HTML holds nothing executable."""

import re

HOSTILE = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<img src="/static/x.png" onload=alert(1)>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<a href="javascript&colon;alert(1)">x</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x><button>go</button></form>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<p onclick="alert(1)" onmouseover=alert(2)>hover</p>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://ok.example" target="_blank">ok</a>',
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    "<style>body{display:none}</style>",
    "<img src=x\nonerror=alert(1)>",
    "unclosed <b>bold <i>and <a href='#'>broken",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
]
HOSTILE_TEXT = "\n\n".join(HOSTILE)

TAG = re.compile(r"<[a-zA-Z][^>]*>")
# Checked against real tags only: escaped text such as "&lt;svg onload=...&gt;" is harmless.
DANGEROUS_TAG = (
    r"^<\s*(script|iframe|object|embed|form|input|button|meta|base|link|style|svg|math)\b"
)
EXECUTABLE = [
    re.compile(DANGEROUS_TAG, re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"(href|src|xlink:href|action)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I),
    re.compile(r"\sstyle\s*=", re.I),
]


SITE_FORM = re.compile(r'<form\b[^>]*\saction="/[^"]*"[^>]*>.*?</form>', re.S)


def executable_bits(html):
    """Every match of a pattern that could run code or restyle the page, ignoring the site's
    own forms (they post to the site's own paths; sanitized content has no forms at all)."""
    tags = TAG.findall(SITE_FORM.sub("", html))
    return [tag for tag in tags if any(pattern.search(tag) for pattern in EXECUTABLE)]
