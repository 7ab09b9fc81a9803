"""core.states.StateTable: the shared shape of every state table."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from gongzhi.core.states import StateTable


class Light(models.TextChoices):
    RED = "red", "红灯"
    GREEN = "green", "绿灯"
    OFF = "off", "熄灭"


def _table(**over):
    kwargs = {
        "states": Light,
        "transitions": {
            (Light.RED, "go"): Light.GREEN,
            (Light.GREEN, "stop"): Light.RED,
            (Light.RED, "switch_off"): Light.OFF,
            (Light.GREEN, "switch_off"): Light.OFF,
        },
        "actions": {"go": "通行", "stop": "停止", "switch_off": "关闭"},
        "refusal": "信号灯%(name)s当前为「%(status)s」,不能%(action)s",
    }
    return StateTable(**(kwargs | over))


def test_an_allowed_move_gives_the_next_state():
    assert _table().next_status(Light.RED, "go") == Light.GREEN


def test_a_refused_move_names_the_state_the_action_and_the_context():
    with pytest.raises(ValidationError) as info:
        _table().next_status(Light.OFF, "go", name="东口")
    assert info.value.messages == ["信号灯东口当前为「熄灭」,不能通行"]


def test_a_refusal_can_belong_to_a_form_field():
    with pytest.raises(ValidationError) as info:
        _table(field="light").next_status(Light.GREEN, "go", name="东口")
    assert info.value.message_dict == {"light": ["信号灯东口当前为「绿灯」,不能通行"]}


def test_sources_and_target_read_the_table():
    table = _table()
    assert table.sources("switch_off") == [Light.RED, Light.GREEN]
    assert table.target("switch_off") == Light.OFF
    with pytest.raises(ValueError, match="not one state"):
        _table(transitions={(Light.RED, "go"): Light.GREEN, (Light.GREEN, "go"): Light.OFF}).target(
            "go"
        )


def test_a_table_naming_an_unknown_state_or_an_unlabelled_action_is_refused_at_import():
    with pytest.raises(ValueError, match="unknown state"):
        _table(transitions={(Light.RED, "go"): "blue"})
    with pytest.raises(ValueError, match="no label"):
        _table(transitions={(Light.RED, "fly"): Light.GREEN})
