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


def test_quick_inputs_escape_values_and_attributes_like_flatatt():
    from django.forms.utils import flatatt

    from crm.widgets import QuickTextInput, _attrs

    attrs = {"placeholder": 'Say "hi" <b>', "required": True, "disabled": False,
             "autocomplete": None, "data-x": 3, "autofocus": True}
    assert _attrs(attrs) == str(flatatt(attrs))
    html = QuickTextInput(attrs={"class": "form-control"}).render("q", "<x> & 'y'")
    assert html == ('<input type="text" name="q" value="&lt;x&gt; &amp; &#x27;y&#x27;"'
                    ' class="form-control">')
    assert QuickTextInput().render("q", None) == '<input type="text" name="q">'


def test_quick_select_takes_choices_from_a_function():
    field = forms.ChoiceField(choices=lambda: [("1", "One"), ("2", "Two & more")],
                              widget=QuickSelect)
    html = field.widget.render("n", "2")
    assert html == ('<select name="n"><option value="1">One</option>'
                    '<option value="2" selected>Two &amp; more</option></select>')
