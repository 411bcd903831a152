from django import forms

from crm.widgets import QuickSelect


class ColourForm(forms.Form):
    colour = forms.ChoiceField(
        choices=[("", "Any"), ("red", "Red <warm>"), ("blue", "Blue")],
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )


def test_quick_select_marks_the_bound_value_and_escapes_labels():
    html = str(ColourForm({"colour": "blue"})["colour"])

    assert html.startswith('<select name="colour" class="form-select" id="id_colour">')
    assert '<option value="blue" selected>Blue</option>' in html
    assert '<option value="red">Red &lt;warm&gt;</option>' in html
    assert html.count(" selected") == 1


def test_quick_select_renders_like_djangos_select_apart_from_whitespace():
    ours = str(ColourForm({"colour": "red"})["colour"])
    stock_form = ColourForm({"colour": "red"})
    stock_form.fields["colour"].widget = forms.Select(
        attrs={"class": "form-select"}, choices=stock_form.fields["colour"].choices
    )
    stock = str(stock_form["colour"])

    def squash(html: str) -> str:
        return "".join(html.split())

    assert squash(ours) == squash(stock)
