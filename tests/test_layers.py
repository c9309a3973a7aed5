"""The layer rule: lower layers emit events, higher ones listen; every event has a receiver."""

from signals import events


def test_every_event_has_a_receiver(app):
    for event in events.ALL:
        assert event.receivers, f"event {event.name!r} has no receiver"


def test_events_are_documented():
    for event in events.ALL:
        assert event.__doc__ and len(event.__doc__) > 20, event.name
