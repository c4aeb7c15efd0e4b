"""The app's select writes exactly the markup WTForms' own select writes."""

import pytest
import wtforms
from wtforms.fields.choices import SelectChoice

from pathways.forms import Form, SelectField

CHOICES = [
    [("", "Any skill"), ("referencing", "Referencing"), ("wiki-basics", "Wiki basics")],
    [("a&b", 'Say "hi" <now>'), ("c'd", "l’été"), ("x", "")],
    [(1, "One"), (2, "Two")],
    [(True, "Yes"), (False, "No")],
    [SelectChoice("a", "A", render_kw={"disabled": True}), SelectChoice("b", "B")],
    {"Group": [("g1", "First"), ("g2", "Second")], "Other": [("o", "Other")]},
]


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("chosen", [None, "referencing", "a&b", "c'd", "1", "True", "b", "g2"])
def test_a_select_writes_the_markup_wtforms_writes(app, choices, chosen):
    class Ours(Form):
        class Meta:
            csrf = False

        pick = SelectField("Pick", validate_choice=False)

    class Theirs(wtforms.Form):
        pick = wtforms.SelectField("Pick", validate_choice=False)

    data = {"pick": chosen} if chosen is not None else {}
    with app.test_request_context():
        ours, theirs = Ours(data=data), Theirs(data=data)
        ours.pick.choices = theirs.pick.choices = choices  # as the views set them
        assert str(ours.pick(class_="wide")) == str(theirs.pick(class_="wide"))
        assert str(ours.pick()) == str(theirs.pick())
