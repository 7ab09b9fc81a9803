"""The database relay carries events between processes when there is no Redis."""

import asyncio

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from gongzhi.realtime import relay, services
from gongzhi.realtime.models import RelayEvent

from .conftest import run_async


@pytest.fixture
def relay_on(settings):
    settings.REALTIME_DB_RELAY = True
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def test_publish_stores_the_event_in_the_writers_transaction(db, relay_on):
    services.publish("resident.7", {"type": "escalated", "call": 1})
    row = RelayEvent.objects.get()
    assert (row.group, row.event, row.origin) == (
        "resident.7",
        {"type": "escalated", "call": 1},
        relay.origin(),
    )


def test_a_rolled_back_write_relays_nothing(db, relay_on):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish("resident.7", {"type": "escalated", "call": 1})
        raise RuntimeError("the write failed")
    assert not RelayEvent.objects.exists()


def test_with_the_relay_off_nothing_is_stored(db, settings):
    settings.REALTIME_DB_RELAY = False
    services.publish("resident.7", {"type": "escalated", "call": 1})
    assert not RelayEvent.objects.exists()


def test_the_poller_forwards_other_processes_events_once_and_skips_its_own(
    transactional_db, django_db_serialized_rollback, relay_on
):
    from django.utils import timezone

    now = timezone.now()
    theirs = {"type": "escalated", "call": 5}
    RelayEvent.objects.create(group="resident.9", event=theirs, origin="999-worker", created_at=now)
    RelayEvent.objects.create(
        group="resident.9", event={"type": "own"}, origin=relay.origin(), created_at=now
    )

    async def run():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add("resident.9", channel)
        poller = relay.Poller()
        since = now - relay.WINDOW
        first = await poller.poll_once(since)
        second = await poller.poll_once(since)  # the same rows again: already seen
        received = await asyncio.wait_for(layer.receive(channel), 2)
        try:
            await asyncio.wait_for(layer.receive(channel), 0.2)
            extra = True
        except TimeoutError:
            extra = False
        return first, second, received, extra

    first, second, received, extra = run_async(run)
    assert (first, second) == (1, 0)
    assert received == {"type": "relay", "event": theirs}
    assert extra is False


def test_old_rows_are_pruned(db, relay_on):
    import datetime as dt

    from django.utils import timezone

    old = timezone.now() - relay.KEEP - dt.timedelta(seconds=1)
    RelayEvent.objects.create(group="g", event={}, origin="x", created_at=old)
    RelayEvent.objects.create(group="g", event={}, origin="x", created_at=timezone.now())
    assert relay.prune() == 1
    assert RelayEvent.objects.count() == 1


@pytest.mark.parametrize("event", [{"text": "\x01" + "长" * 5000}, {"nested": [[[]]]}, {}])
def test_odd_events_round_trip(db, relay_on, event):
    services.publish("live.1", event)
    assert RelayEvent.objects.get().event == event


def test_nul_characters_are_dropped_so_postgresql_accepts_the_row(db, relay_on):
    services.publish("live.1", {"text": "a\x00b"})
    assert RelayEvent.objects.get().event == {"text": "ab"}
