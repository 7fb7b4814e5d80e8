"""Settings forms from Config defaults: one field per default, checked before any write."""

from __future__ import annotations

import pytest

from plughost.web.forms import Field, FormError, Section, changes, fields_of, walk

DEFAULTS = {
    "on": True,
    "count": 3,
    "ratio": 0.5,
    "name": "x",
    "ids": [1, 2],
    "tags": [],
    "channel": None,
    "nested": {"deep": {"level": 1}},
    "map": {},
}


def test_each_default_gets_the_field_of_its_json_type() -> None:
    form = fields_of(DEFAULTS, {"count": 7, "nested": {"deep": {"level": 9}}})
    kinds = {f.name: (f.kind, f.value) for f in walk(form)}
    assert kinds == {
        "on": ("bool", True),
        "count": ("int", 7),
        "ratio": ("float", 0.5),
        "name": ("str", "x"),
        "ids": ("list", [1, 2]),
        "tags": ("list", []),
        "channel": ("optional", None),
        "nested.deep.level": ("int", 9),
    }
    section = next(item for item in form if isinstance(item, Section))
    assert section.label == "nested"
    ids = next(f for f in walk(form) if f.name == "ids")
    assert isinstance(ids, Field)
    assert ids.item_kind == "int"
    assert ids.text == "1\n2"


def test_only_changed_values_come_back_typed() -> None:
    form = fields_of(DEFAULTS, {})
    submitted = {
        "count": "3",
        "ratio": "0.75",
        "name": "x",
        "ids": "1\n2\n3",
        "tags": " a \n\nb",
        "channel": "123",
        "nested.deep.level": "1",
    }  # "on" unticked: False
    assert changes(form, submitted) == {
        ("on",): False,
        ("ratio",): 0.75,
        ("ids",): [1, 2, 3],
        ("tags",): ["a", "b"],
        ("channel",): 123,
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("count", "many", "count must be a whole number, not 'many'"),
        ("count", "", "count must be a whole number, not ''"),
        ("ratio", "inf", "ratio must be a finite number"),
        ("ids", "1\ntwo", "ids: each line must be a whole number, not 'two'"),
    ],
)
def test_a_bad_value_names_its_field(name: str, value: str, message: str) -> None:
    form = fields_of(DEFAULTS, {})
    good = {"count": "3", "ratio": "0.5", "name": "x", "ids": "1", "nested.deep.level": "1"}
    with pytest.raises(FormError) as caught:
        changes(form, {**good, name: value})
    assert str(caught.value) == message
