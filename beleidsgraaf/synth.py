"""A deterministic synthetic dataset shaped like the real one, for scale tests and benchmarks.

For N municipalities (grouped in regions of five) it writes, per municipality, a local
action plan with goals, indicators, strands, actions, posts and partner organisations, and
per region a regional vision with movements, objectives and action lines, all sharing one
register of laws, programmes and target groups. The output conforms to our shapes; quotes
are synthetic (there is no source text to check them against).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .config import DEFAULT_BASE

BG = DEFAULT_BASE + "def#"
ID = DEFAULT_BASE + "id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
ELI = "http://data.europa.eu/eli/ontology#"

WORDS = ("wonen begeleiding herstel preventie opvang schulden werk dagbesteding jongeren zorg "
         "toegang netwerk wijk veiligheid participatie inclusie mantelzorg vrijwilligers "
         "huisvesting ondersteuning gezondheid armoede onderwijs sport").split()
STATUSES = ("doorlopend", "gereed", "lopend", "gepland")
ORG_KINDS = ("zorgaanbieder", "woningcorporatie", "welzijnsorganisatie", "toegang", "netwerk")
LAWS = ("wmo-2015", "jeugdwet", "participatiewet", "wet-gemeentelijke-schuldhulpverlening", "wlz")


@dataclass(frozen=True)
class Fanout:
    """Entities per municipality, chosen so one municipality is about the size of the
    shipped graph."""

    goals: int = 6
    indicators_per_goal: int = 2
    strands: int = 12
    actions_per_strand: int = 14
    posts: int = 25
    organisations: int = 40
    region_actions: int = 40


def nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=nn(XSD + datatype)) if datatype else ox.Literal(value)


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.triples: list[ox.Triple] = []

    def add(self, s: str, p: str, o) -> None:
        self.triples.append(ox.Triple(nn(s), nn(p), o if not isinstance(o, str) else nn(o)))

    def entity(self, iri: str, cls: str, label: str, doc: str, notation: str | None = None) -> None:
        self.add(iri, RDF_TYPE, cls)
        self.add(iri, SKOS + "prefLabel", lit(label, lang="nl"))
        self.add(iri, DCT + "source", doc)
        self.add(iri, BG + "quote", lit(f"{label}: {self.sentence(12)}"))
        if notation:
            self.add(iri, SKOS + "notation", lit(notation))

    def sentence(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))


def generate(municipalities: int, out_dir: Path, seed: int = 42, fanout: Fanout = Fanout()) -> dict[str, int]:
    """Write synthetic N-Triples files to out_dir; return triples per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    register = Writer(random.Random(seed))
    register_doc = ID + "document/synth-register"
    _document(register, register_doc, "Synthetisch register", "nota")
    for law in LAWS:
        register.entity(ID + f"wet/synth-{law}", ELI + "LegalResource", law.replace("-", " ").title(), register_doc)
    for i in range(10):
        register.entity(ID + f"doelgroep/synth-{i}", BG + "TargetGroup", f"Doelgroep {i}", register_doc)
    counts["register.nt"] = _write(register, out_dir / "register.nt")
    regions = max(1, (municipalities + 4) // 5)
    for r in range(regions):
        members = [m for m in range(r * 5, min(municipalities, r * 5 + 5))]
        writer = Writer(random.Random(seed * 7919 + r))
        _region(writer, r, members, fanout)
        counts[f"regio-{r}.nt"] = _write(writer, out_dir / f"regio-{r}.nt")
        for m in members:
            writer = Writer(random.Random(seed * 104729 + m))
            _municipality(writer, m, r, fanout)
            counts[f"gemeente-{m}.nt"] = _write(writer, out_dir / f"gemeente-{m}.nt")
    return counts


def _write(writer: Writer, path: Path) -> int:
    ox.serialize(writer.triples, str(path), format=ox.RdfFormat.N_TRIPLES)
    return len(writer.triples)


def _document(w: Writer, doc: str, title: str, kind: str) -> None:
    w.entity(doc, BG + "PolicyDocument", title, doc)
    w.add(doc, BG + "documentKind", BG + f"doc-{kind}")
    w.add(doc, BG + "periodStart", lit("2024", "gYear"))
    w.add(doc, BG + "periodEnd", lit("2026", "gYear"))


def _region(w: Writer, r: int, members: list[int], f: Fanout) -> None:
    doc = ID + f"document/synth-regiovisie-{r}"
    region = ID + f"organisatie/synth-regio-{r}"
    _document(w, doc, f"Regiovisie synthetische regio {r}", "regiovisie")
    w.entity(region, ORG + "Organization", f"Regio {r}", doc)
    w.add(region, ORG + "classification", BG + "org-samenwerkingsverband")
    w.add(doc, DCT + "publisher", region)
    goals = []
    for g in range(2):
        goal = ID + f"doel/synth-regiovisie-{r}/doelstelling-{g + 1}"
        w.entity(goal, BG + "Goal", f"Doelstelling {g + 1}: {w.sentence(6)}", doc, str(g + 1))
        w.add(goal, BG + "goalLevel", BG + "niveau-doelstelling")
        goals.append(goal)
    for s in range(5):
        strand = ID + f"actielijn/synth-regiovisie-{r}/actielijn-{s + 1}"
        w.entity(strand, BG + "Strand", f"Actielijn {s + 1}: {w.sentence(4)}", doc, str(s + 1))
        w.add(strand, BG + "strandKind", BG + "strand-actielijn")
        w.add(strand, BG + "servesStated", goals[s % 2])
        for a in range(f.region_actions // 5):
            action = ID + f"actie/synth-regiovisie-{r}/{s + 1}.{a + 1}"
            w.entity(action, BG + "Action", w.sentence(10).capitalize(), doc, f"{s + 1}.{a + 1}")
            w.add(action, BG + "partOfStrand", strand)
            w.add(action, BG + "actorScope", BG + w.rng.choice(("scope-elke-gemeente", "scope-regio-als-geheel")))
            w.add(action, BG + "legalBasis", ID + f"wet/synth-{w.rng.choice(LAWS)}")
            w.add(action, BG + "deadline", lit(str(w.rng.randint(2024, 2026)), "gYear"))


def _municipality(w: Writer, m: int, r: int, f: Fanout) -> None:
    doc = ID + f"document/synth-actieplan-{m}"
    gemeente = ID + f"organisatie/synth-gemeente-{m}"
    _document(w, doc, f"Actieplan synthetische gemeente {m}", "actieplan")
    w.entity(gemeente, ORG + "Organization", f"Gemeente {m}", doc)
    w.add(gemeente, ORG + "classification", BG + "org-gemeente")
    w.add(gemeente, ORG + "memberOf", ID + f"organisatie/synth-regio-{r}")
    w.add(doc, DCT + "publisher", gemeente)
    w.add(doc, BG + "implements", ID + f"document/synth-regiovisie-{r}")
    orgs = []
    for o in range(f.organisations):
        org = ID + f"organisatie/synth-{m}-org-{o}"
        w.entity(org, ORG + "Organization", f"Organisatie {m}-{o} {w.rng.choice(WORDS)}", doc)
        w.add(org, ORG + "classification", BG + f"org-{w.rng.choice(ORG_KINDS)}")
        orgs.append(org)
    posts = []
    for p in range(f.posts):
        post = ID + f"functie/synth-{m}-{p}"
        w.entity(post, ORG + "Post", f"Functie {m}-{p} {w.rng.choice(WORDS)}", doc)
        w.add(post, ORG + "postIn", gemeente)
        posts.append(post)
    goals = []
    for g in range(f.goals):
        goal = ID + f"doel/synth-actieplan-{m}/doel-{g + 1}"
        w.entity(goal, BG + "Goal", f"Doel {g + 1}: {w.sentence(6)}", doc, str(g + 1))
        w.add(goal, BG + "goalLevel", BG + ("niveau-hoofddoel" if g == 0 else "niveau-subdoel"))
        if g:
            w.add(goal, BG + "broaderGoal", goals[0])
        for i in range(f.indicators_per_goal):
            ind = ID + f"indicator/synth-actieplan-{m}/{g + 1}.{i + 1}"
            w.entity(ind, BG + "Indicator", w.sentence(6).capitalize(), doc, f"{g + 1}.{i + 1}")
            w.add(goal, BG + "hasIndicator", ind)
            w.add(ind, BG + "baselineValue", lit(str(w.rng.randint(10, 500)), "decimal"))
            w.add(ind, BG + "baselineDate", lit("2024-01-01", "date"))
            w.add(ind, BG + "targetRelativeChange", lit("-0.20", "decimal"))
            w.add(ind, BG + "unit", lit("cliënten"))
        goals.append(goal)
    for s in range(f.strands):
        strand = ID + f"actielijn/synth-actieplan-{m}/thema-{s + 1}"
        w.entity(strand, BG + "Strand", f"Thema {s + 1}: {w.sentence(3)}", doc, str(s + 1))
        w.add(strand, BG + "strandKind", BG + "strand-thema")
        w.add(strand, BG + "servesStated", goals[1 + s % (f.goals - 1)])
        for a in range(f.actions_per_strand):
            action = ID + f"actie/synth-actieplan-{m}/{s + 1}.{a + 1}"
            w.entity(action, BG + "Action", w.sentence(12).capitalize(), doc, f"{s + 1}.{a + 1}")
            w.add(action, BG + "partOfStrand", strand)
            w.add(action, BG + "initiator", w.rng.choice(posts))
            for partner in w.rng.sample(orgs, 2):
                w.add(action, BG + "partner", partner)
            w.add(action, BG + "actorScope", BG + "scope-gemeente")
            w.add(action, BG + "targetGroup", ID + f"doelgroep/synth-{w.rng.randrange(10)}")
            if w.rng.random() < 0.7:
                w.add(action, BG + "deadline", lit(f"{w.rng.randint(2018, 2027)}-{w.rng.randint(1, 12):02d}", "gYearMonth"))
            else:
                w.add(action, BG + "status", BG + f"status-{w.rng.choice(STATUSES)}")
