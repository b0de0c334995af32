"""One meaning per label: the content loader refuses a name or alias that another term uses
(after normalisation), and a short definition longer than a popover holds."""

import pytest

from stressed.content.errors import ContentError
from stressed.content.loader import load_content
from stressed.glossary.labels import clashes, taken_labels
from stressed.glossary.models import Term
from tests.content.test_loader import GLOSSARY, write_tree

SECOND = """\
- slug: other-term
  name: Other term
  aliases: [{alias}]
  category: process
  short: {short}
  definition: Another one.
"""


def test_a_clash_between_files_names_the_other_term(tmp_path, db):
    tree = write_tree(tmp_path, glossary=GLOSSARY + SECOND.format(alias="t.t.", short="Short."))
    with pytest.raises(
        ContentError,
        match=r"terms.yaml:\d+: term 'other-term': 't.t.' is already"
        r" used by the term 'Test term' \(its alias 'TT'\)",
    ):
        load_content(tree)
    assert not Term.objects.exists()


def test_a_clash_with_a_term_made_in_the_admin(tmp_path, make_term):
    make_term("admin-made", "Admin made", aliases="Test-Term")
    with pytest.raises(ContentError, match="already used by the term 'Admin made'"):
        load_content(write_tree(tmp_path))


def test_reloading_the_same_terms_is_no_clash(tmp_path, db):
    tree = write_tree(tmp_path)
    load_content(tree)
    load_content(tree)
    assert Term.objects.count() == 1


def test_short_definition_is_limited(tmp_path, db):
    glossary = GLOSSARY + SECOND.format(alias="OT", short="x" * 201)
    with pytest.raises(ContentError, match="short"):
        load_content(write_tree(tmp_path, glossary=glossary))


def test_one_term_may_list_spellings_that_normalise_alike(db):
    assert clashes("Muscle pump", ["muscle-pump"], taken_labels()) == []
