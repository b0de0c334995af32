"""Every <form> of a page with the values a browser would submit, for tests that drive real
servers (gunicorn, nginx) through `bench.client.Client`."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """Every <form>: its action, method and the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {"action": attrs.get("action", ""), "fields": []}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.form["fields"].append([attrs["name"], attrs.get("value", default)])
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]
            self.form["fields"].append(self.textarea)
        elif tag == "select" and attrs.get("name"):
            self.select = {
                "name": attrs["name"],
                "first": None,
                "chosen": [],
                "multiple": "multiple" in attrs,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self.textarea is not None and self.textarea[1].startswith("\n"):
                self.textarea[1] = self.textarea[1][1:]  # as browsers do
            self.textarea = None
        elif tag == "select" and self.select is not None and self.form is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"]:
                chosen = [self.select["first"] or ""]
            for value in chosen:
                self.form["fields"].append([self.select["name"], value])
            self.select = None
        elif tag == "form":
            self.form = None


def forms(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms
