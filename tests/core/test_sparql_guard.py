"""The query check remembers texts that passed, never a refusal, and never across settings."""

from __future__ import annotations

import pytest

from beleidsgraaf import sparql_guard
from beleidsgraaf.sparql_guard import NetworkAccessRefused, UpdateRefused, check_query

FEDERATED = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"


def test_a_refusal_is_given_again_every_time():
    for _ in range(3):
        with pytest.raises(NetworkAccessRefused):
            check_query(FEDERATED, allow_service=False)


def test_what_was_allowed_with_service_on_is_refused_with_it_off():
    check_query(FEDERATED, allow_service=True)
    with pytest.raises(NetworkAccessRefused):
        check_query(FEDERATED, allow_service=False)


def test_an_update_is_refused_after_a_query_of_the_same_length_passed():
    check_query("SELECT * WHERE { ?s ?p ?o }", allow_service=False)
    with pytest.raises(UpdateRefused):
        check_query("CLEAR ALL", allow_service=False)


def test_a_long_text_is_checked_but_not_remembered():
    padding = "#" + "x" * sparql_guard.REMEMBERED_TEXT + "\n"
    sparql_guard._check_remembered.cache_clear()
    check_query(padding + "ASK {}", allow_service=False)
    assert sparql_guard._check_remembered.cache_info().currsize == 0
    with pytest.raises(NetworkAccessRefused):
        check_query(padding + FEDERATED, allow_service=False)
    check_query("ASK {}", allow_service=False)
    assert sparql_guard._check_remembered.cache_info().currsize == 1
