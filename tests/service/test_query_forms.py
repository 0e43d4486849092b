"""Canned-query forms for policy staff: iri parameters are picked by name (suggestions from
the search index, or the typed name looked up without script) and result tables show every
thing by its label, linked to its page."""

from __future__ import annotations

import re

import pytest

from beleidsgraaf.queries import registry

HTML = {"Accept": "text/html"}
TACTUS = "https://w3id.org/beleidsgraaf/id/organisatie/tactus"
IRI_PARAMS = [(q.name, p) for q in registry() for p in q.parameters if p.type.name == "iri"]


@pytest.mark.slow
@pytest.mark.parametrize("name, param", IRI_PARAMS, ids=lambda x: x if isinstance(x, str) else x.name)
def test_every_iri_parameter_is_picked_by_name(client, name, param):
    page = client.get(f"/queries/{name}", params={"format": "html"}, headers=HTML)
    assert page.status_code == 200
    box = re.search(rf'<input id="p-{param.name}" name="{param.name}-naam"[^>]*>', page.text)
    assert box and "data-suggest" in box.group(0) and f'data-suggest-target="{param.name}"' in box.group(0)
    assert re.search(rf'<input type="hidden" name="{param.name}"', page.text)
    if param.default:  # the default is shown by its name, not its IRI
        assert 'value="https://' not in box.group(0)
        assert box.group(0).split('value="')[1].split('"')[0], "the default's name is shown"


@pytest.mark.parametrize("name, param", [(n, p) for n, p in IRI_PARAMS if p.pick_class and p.default],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_suggestions_for_a_parameter_are_members_of_its_class(client, name, param):
    default_label = client.get(f"/queries/{name}", params={"format": "html"}, headers=HTML).text
    shown = re.search(rf'name="{param.name}-naam" value="([^"]*)"', default_label).group(1)
    found = client.get("/zoeken/suggesties", params={"q": shown, "klasse": param.pick_class}).json()
    assert param.default in {s["iri"] for s in found["suggestions"]}
    others = client.get("/zoeken/suggesties", params={"q": shown[:4], "klasse": param.pick_class}).json()
    members = {m["iri"] for m in client.get(f"/klassen/{param.pick_class}", headers={"Accept": "application/json"})
               .json()["members"]}
    assert others["suggestions"] and {s["iri"] for s in others["suggestions"]} <= members


def test_a_typed_name_is_looked_up_without_script(client):
    r = client.get("/queries/actions-for-organisation",
                   params={"format": "html", "organisation": "", "organisation-naam": "tactus"}, headers=HTML)
    assert r.status_code == 200
    assert f'name="organisation" value="{TACTUS}"' in r.text
    assert '<a href="/id/voorziening/preventiespreekuur-tactus">Preventiespreekuur (Tactus)</a>' in r.text


def test_an_unknown_name_is_a_clear_422(client):
    r = client.get("/queries/actions-for-organisation", params={"organisation-naam": "qqqqqq zzzzzz"})
    assert r.status_code == 422 and r.json()["parameter"] == "organisation"
    assert "qqqqqq zzzzzz" in r.json()["message"] and "/zoeken" in r.json()["message"]


def test_result_tables_link_every_thing_by_its_label(client):
    r = client.get("/queries/actions-for-goal", params={"format": "html"}, headers=HTML)
    table = re.search(r'<table class="results">.*?</table>', r.text, re.S).group(0)
    header = re.findall(r'<th scope="col">(.*?)</th>', table)
    # Dutch headings, and a label column folds into its thing's column.
    assert header[:3] == ["doel", "nummer", "actie"] and not {"action", "actionLabel", "goal"} & set(header)
    cells = re.findall(r"<td>(.*?)</td>", table)
    assert not any(c.startswith("https://") or re.search(r">\w+:[\w/-]+<", c) for c in cells), \
        "an IRI or CURIE shown where a label would do"
    assert any(re.match(r'<a href="/id/actie/[^"]+">', c) for c in cells)
