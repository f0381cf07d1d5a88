"""No lost updates: two officers saving the same action at the same moment, each in their own
session and database connection, never silently overwrite each other (PostgreSQL, and SQLite on a
file database with IMMEDIATE transactions)."""

import threading

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action, StatusUpdate
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sessions_saving_at_once_one_wins_the_other_is_told(settings):
    lead = factories.officer()
    delegate = factories.officer()
    action = factories.action(lead=lead.person)
    action.delegates.add(delegate.person)
    url = reverse("actions:update", kwargs={"pk": action.pk})
    barrier = threading.Barrier(2)
    results = {}

    def officer_saves(user, rating, words):
        from django.db import connections

        client = Client()
        client.force_login(user)
        form_version = Action.objects.get(pk=action.pk).version  # "opening the form"
        barrier.wait()
        response = client.post(
            url,
            {
                "rating": rating,
                "commentary": words,
                "version": form_version,
                "issue": "i",
                "mitigation": "m",
                "resolve_by": "31/03/2027",
            },
        )
        results[words] = (response.status_code, response.content.decode())
        connections.close_all()

    threads = [
        threading.Thread(target=officer_saves, args=(lead, "green", "Lead says green")),
        threading.Thread(target=officer_saves, args=(delegate, "red", "Delegate says red")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    statuses = sorted(code for code, _ in results.values())
    assert statuses == [302, 409], results
    assert StatusUpdate.objects.filter(action=action).count() == 1
    winner = StatusUpdate.objects.get(action=action)
    loser_words = next(w for w, (code, _) in results.items() if code == 409)
    loser_html = results[loser_words][1]
    assert winner.commentary in loser_html  # the newer update is shown
    assert loser_words in loser_html  # what the officer typed is kept
    action.refresh_from_db()
    assert action.rating == winner.rating and action.version == 1


def test_many_rounds_of_racing_saves_lose_nothing():
    """Repeated races: every accepted save is in the history, and the action's rating is the
    latest accepted one."""
    lead = factories.officer()
    action = factories.action(lead=lead.person)
    accepted = []
    lock = threading.Lock()

    def save(rating, i, version, barrier):
        from django.db import connections

        from actions.services import StaleUpdateError, status_update_record

        barrier.wait()
        try:
            status_update_record(
                action=Action.objects.get(pk=action.pk),
                lifecycle="in_progress",
                confidence=rating,
                commentary=f"round {i}",
                expected_version=version,
            )
            with lock:
                accepted.append(i)
        except StaleUpdateError:
            pass
        finally:
            connections.close_all()

    for i in range(10):
        version = Action.objects.get(pk=action.pk).version
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=save, args=(r, i, version, barrier)) for r in ("green", "amber")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert len(accepted) == 10  # exactly one winner per round
    assert StatusUpdate.objects.filter(action=action).count() == 10
    action.refresh_from_db()
    assert action.version == 10
