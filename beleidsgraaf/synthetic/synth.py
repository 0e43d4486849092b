"""A deterministic synthetic dataset shaped like the real one, for scale tests and benchmarks.

One synthetic municipality is about as large as the whole shipped graph (ontology, register,
Lochem's four documents and the regiovisie: ~9.8k quads), so "N times the shipped graph" is
the shipped data plus N - 1 synthetic municipalities (`municipalities_for_size`).

Per municipality it writes one N-Triples file with what Lochem's files hold: the municipality,
its teams, partner organisations, posts, areas, target groups, programmes, provisions and a
glossary; a beleidsplan (hoofddoelen > subdoelen with indicators, speerpunten > subthema's >
actions), a lokaal actieplan implementing the regional vision (thema's > plan-van-aanpak
items > actions that refer to regional actions), a startnotitie (doelstellingen,
uitgangspunten, thema's and a development agenda), a beleidskader with illustrations, and
the documents these relate to. Every entity has a Dutch label, a source and one to three
quotes; actions have initiators, partners, target groups, deadlines or statuses, mentions
and legal bases; inferred links carry a bg:Interpretation with its reason. Per region of
five municipalities a regional vision (bewegingen, doelstellingen, actielijnen, actions),
and one register of laws, statutory tasks, national programmes and target groups.

The output conforms to our shapes (tests/core/test_synth.py). Quotes are synthetic: there is no
source text to check them against. The same arguments always give byte-identical files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import BG, DCTERMS as DCT, ELI, ID, ORG, PROV, RDF, SKOS, XSD

RDF_TYPE = str(RDF.type)

# Policy vocabulary, some with the accents real labels have (search folds them).
WORDS = ("wonen begeleiding herstel preventie opvang schulden werk dagbesteding jongeren zorg toegang "
         "netwerk wijk veiligheid participatie inclusie mantelzorg vrijwilligers huisvesting ondersteuning "
         "gezondheid armoede onderwijs sport ouderen eenzaamheid cliëntondersteuning coördinatie "
         "financiële zelfredzaamheid één ideeën geïnformeerd samenwerking integrale aanpak "
         "laagdrempelig inloop beschermd wonen maatschappelijke hulpverlening sociale kwetsbare "
         "inwoners gezinnen kinderen jeugdhulp wmo huisarts praktijkondersteuner wijkteam "
         "buurtcoach informele hulp respijtzorg uitstroom instroom monitoring").split()
VERBS = ("versterken organiseren verbeteren uitbreiden onderzoeken inrichten borgen verkennen "
         "afstemmen invoeren evalueren ontwikkelen ondersteunen stimuleren voortzetten").split()
PLACE_HEADS = ("Berkel Dinkel Eem Grave Hoog Laar Lin Maas Nij Olde Rijs Schie Slin Twel Vecht "
               "Wester Wolde Zand Zeven Eck").split()
PLACE_TAILS = ("loo veld dam berg hoven wijk horst broek haar sum kamp rade zijl beek dorp lo "
               "waarde meer").split()
STATUSES = ("doorlopend", "gereed", "lopend", "gepland", "monitoren", "geen-actie-nodig")
ORG_KINDS = ("zorgaanbieder", "woningcorporatie", "welzijnsorganisatie", "toegang", "netwerk",
             "onderwijs", "veiligheid", "adviesraad", "zorgverzekeraar", "huurdersvereniging")
PROVISION_KINDS = ("algemene-voorziening", "maatwerkvoorziening", "toegang", "regeling", "dienst")
FUNDING = ("lokaal-ingekocht", "regionaal-ingekocht", "subsidie", "offerte", "eigen-uitvoering")
PROGRAMME_KINDS = ("landelijk-programma", "akkoord", "rapport", "methode", "regeling", "convenant")
REFERENCED_KINDS = ("nota", "visiedocument", "convenant", "actieplan", "beleidsplan")
LAWS = (("wmo-2015", "Wet maatschappelijke ondersteuning 2015", "0035362"),
        ("jeugdwet", "Jeugdwet", "0034925"),
        ("participatiewet", "Participatiewet", "0015703"),
        ("wgs", "Wet gemeentelijke schuldhulpverlening", "0031343"),
        ("wlz", "Wet langdurige zorg", "0035917"),
        ("wpg", "Wet publieke gezondheid", "0024705"),
        ("zvw", "Zorgverzekeringswet", "0018450"),
        ("wvggz", "Wet verplichte geestelijke gezondheidszorg", "0040635"),
        ("woningwet", "Woningwet", "0005181"),
        ("wet-passend-onderwijs", "Wet passend onderwijs", "0033352"),
        ("avg", "Uitvoeringswet Algemene verordening gegevensbescherming", "0040940"),
        ("wet-inburgering", "Wet inburgering 2021", "0044770"))


@dataclass(frozen=True)
class Fanout:
    """Entities per municipality (and per region), after the proportions of Lochem's files,
    chosen so that one municipality is about the size of the shipped graph."""

    units: int = 3                  # gebiedsteams under the municipality, each with sub-teams
    subteams_per_unit: int = 2
    organisations: int = 64
    posts: int = 45
    kernen: int = 6
    target_groups: int = 8
    programmes: int = 6
    provisions: int = 30
    concepts: int = 16
    referenced_documents: int = 6
    hoofddoelen: int = 2
    subdoelen: int = 6
    ambities: int = 4
    indicators_per_subdoel: int = 3
    speerpunten: int = 6
    subthemas_per_speerpunt: int = 4
    actions_per_subthema: int = 11
    themas: int = 4
    items_per_thema: int = 10
    actions_per_item: int = 5
    startnotitie_doelstellingen: int = 6
    uitgangspunten: int = 8
    startnotitie_strands: int = 5
    actions_per_startnotitie_strand: int = 7
    kaders: int = 6
    illustrations: int = 4
    region_size: int = 5            # municipalities per region
    bewegingen: int = 3
    region_doelstellingen: int = 2
    actielijnen: int = 5
    actions_per_actielijn: int = 8
    statutory_tasks_per_law: int = 4
    national_programmes: int = 10
    national_target_groups: int = 12


def municipalities_for_size(size: int) -> int:
    """Synthetic municipalities to add to the shipped data for a graph `size` times as large."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return size - 1


# -- terms ---------------------------------------------------------------------------------

def nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=nn(XSD + datatype)) if datatype else ox.Literal(value)


def _p(ns: str, *names: str) -> dict[str, ox.NamedNode]:
    return {n: nn(ns + n) for n in names}


P_BG = _p(BG, "quote", "documentKind", "periodStart", "periodEnd", "spatialScope", "sourceText", "legalBasis",
          "mentions", "buildsOn", "implements", "partOfDocument", "goalLevel", "broaderGoal", "hasIndicator",
          "baselineValue", "baselineDate", "targetValue", "targetRelativeChange", "targetComparator",
          "targetDate", "unit", "strandKind", "partOfStrand", "servesStated", "servesInferred",
          "continuesInferred", "illustrates", "actorScope", "initiator", "partner", "targetGroup", "deadline",
          "startDate", "status", "timingNote", "usesConcept", "alignsWith", "refersToAction", "deliveredBy",
          "hoursPerWeek", "areaKind", "withinArea", "inhabitants", "ageMin", "ageMax", "programmeKind",
          "provisionKind", "executes", "fundingMode", "imposedBy", "article", "bwbId", "officialPage",
          "interpretedSubject", "interpretedProperty", "interpretedObject", "reason", "filePath",
          "centrumgemeente", "definedIn")
P_SKOS = _p(SKOS, "prefLabel", "altLabel", "notation", "scopeNote", "definition", "inScheme")
P_DCT = _p(DCT, "source", "publisher", "description", "relation", "title")
P_ORG = _p(ORG, "classification", "memberOf", "subOrganizationOf", "postIn")
TYPE = nn(RDF_TYPE)
C = {name: nn(iri) for name, iri in {
    "PolicyDocument": BG + "PolicyDocument", "SourceText": BG + "SourceText", "Goal": BG + "Goal",
    "Indicator": BG + "Indicator", "Strand": BG + "Strand", "Action": BG + "Action",
    "Interpretation": BG + "Interpretation", "Illustration": BG + "Illustration", "Area": BG + "Area",
    "TargetGroup": BG + "TargetGroup", "Programme": BG + "Programme", "Provision": BG + "Provision",
    "StatutoryTask": BG + "StatutoryTask", "Organization": ORG + "Organization", "Post": ORG + "Post",
    "LegalResource": ELI + "LegalResource", "Concept": SKOS + "Concept", "ConceptScheme": SKOS + "ConceptScheme",
}.items()}
WAS_REVISION_OF = nn(PROV + "wasRevisionOf")
# Things that belong to one document carry bg:definedIn (the shapes require it); register
# things (organisations, laws, ...) do not.
DEFINED_IN_A_DOCUMENT = {"Goal", "Indicator", "Strand", "Action", "Illustration", "StatutoryTask", "Concept"}


def bg(local: str) -> ox.NamedNode:
    return nn(BG + local)


# -- writing -------------------------------------------------------------------------------

class Writer:
    """Triples for one output file, with the random choices that shape them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.triples: list[ox.Triple] = []

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o) -> None:
        self.triples.append(ox.Triple(s, p, o))

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def phrase(self, n: int) -> str:
        return f"{self.words(n)} {self.rng.choice(VERBS)}".capitalize()

    def entity(self, iri: ox.NamedNode, cls: str, label: str, doc: ox.NamedNode, *,
               notation: str | None = None, quotes: tuple[int, int] = (1, 3)) -> ox.NamedNode:
        """Type, Dutch label, source and one or more verbatim-looking quotes."""
        self.add(iri, TYPE, C[cls])
        self.add(iri, P_SKOS["prefLabel"], lit(label, lang="nl"))
        self.add(iri, P_DCT["source"], doc)
        if cls in DEFINED_IN_A_DOCUMENT:
            self.add(iri, P_BG["definedIn"], doc)
        for _ in range(self.rng.randint(*quotes)):
            self.add(iri, P_BG["quote"], lit(f"{label}: {self.words(self.rng.randint(8, 18))}."))
        if notation:
            self.add(iri, P_SKOS["notation"], lit(notation))
        return iri

    def maybe(self, chance: float) -> bool:
        return self.rng.random() < chance

    def note(self, iri: ox.NamedNode, chance: float) -> None:
        if self.maybe(chance):
            self.add(iri, P_SKOS["scopeNote"], lit(f"Toelichting: {self.words(14)}.", lang="nl"))

    def alt_label(self, iri: ox.NamedNode, chance: float) -> None:
        if self.maybe(chance):
            self.add(iri, P_SKOS["altLabel"], lit(self.words(3), lang="nl"))

    def deadline(self, iri: ox.NamedNode, first: int, last: int) -> None:
        year = self.rng.randint(first, last)
        kind = self.rng.random()
        if kind < 0.5:
            self.add(iri, P_BG["deadline"], lit(f"{year}-{self.rng.randint(1, 12):02d}", "gYearMonth"))
        elif kind < 0.8:
            self.add(iri, P_BG["deadline"], lit(str(year), "gYear"))
        else:
            self.add(iri, P_BG["deadline"], lit(f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}",
                                                "date"))

    def interpretation(self, iri: ox.NamedNode, doc: ox.NamedNode, subject: ox.NamedNode, prop: str,
                       obj: ox.NamedNode) -> None:
        """An inferred link and the bg:Interpretation that gives its reason."""
        self.add(subject, P_BG[prop], obj)
        self.add(iri, TYPE, C["Interpretation"])
        self.add(iri, P_BG["interpretedSubject"], subject)
        self.add(iri, P_BG["interpretedProperty"], P_BG[prop])
        self.add(iri, P_BG["interpretedObject"], obj)
        self.add(iri, P_BG["reason"], lit(f"De tekst zegt het niet letterlijk; afgeleid uit {self.words(10)}.",
                                          lang="nl"))
        self.add(iri, P_DCT["source"], doc)
        self.add(iri, P_BG["definedIn"], doc)
        self.add(iri, P_BG["quote"], lit(f"{self.words(12)}."))


def generate(municipalities: int, out_dir: Path, seed: int = 42, fanout: Fanout = Fanout()) -> dict[str, int]:
    """Write synthetic N-Triples files to out_dir (the register, one file per region and per
    municipality); return triples per file name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    register = Writer(random.Random(seed))
    _register(register, fanout)
    counts["synth-register.nt"] = _write(register, out_dir / "synth-register.nt")
    regions = max(1, -(-municipalities // fanout.region_size))
    for r in range(regions):
        members = list(range(r * fanout.region_size, min(municipalities, (r + 1) * fanout.region_size)))
        writer = Writer(random.Random(seed * 7919 + r))
        _region(writer, r, members, fanout)
        counts[f"synth-regio-{r}.nt"] = _write(writer, out_dir / f"synth-regio-{r}.nt")
        for m in members:
            writer = Writer(random.Random(seed * 104729 + m))
            _municipality(writer, m, r, fanout)
            counts[f"synth-gemeente-{m}.nt"] = _write(writer, out_dir / f"synth-gemeente-{m}.nt")
    return counts


def _write(writer: Writer, path: Path) -> int:
    triples = list(dict.fromkeys(writer.triples))  # a random pick may repeat a link: an RDF graph is a set
    ox.serialize(triples, str(path), format=ox.RdfFormat.N_TRIPLES)
    return len(triples)


# -- IRIs ------------------------------------------------------------------------------------

def _id(path: str) -> ox.NamedNode:
    return nn(ID + path)


def _law(key: str) -> ox.NamedNode:
    return _id(f"wet/synth-{key}")


def _task(law: str, n: int) -> ox.NamedNode:
    return _id(f"taak/synth-{law}/{n + 1}")


def _regional_action(r: int, strand: int, n: int) -> ox.NamedNode:
    return _id(f"actie/synth-regiovisie-{r}/{strand + 1}.{n + 1}")


def place_name(m: int) -> str:
    """A unique, Dutch-looking municipality name."""
    head = PLACE_HEADS[m % len(PLACE_HEADS)]
    tail = PLACE_TAILS[(m // len(PLACE_HEADS)) % len(PLACE_TAILS)]
    rounds = m // (len(PLACE_HEADS) * len(PLACE_TAILS))
    return f"{head}{tail}" + (f" {rounds + 1}" if rounds else "")


# -- the shared register -------------------------------------------------------------------

def _register(w: Writer, f: Fanout) -> None:
    doc = _id("document/synth-register")
    _document(w, doc, "Synthetisch register van wetten, taken en programma's", "nota", doc)
    for key, title, bwb in LAWS:
        law = w.entity(_law(key), "LegalResource", title, doc)
        w.add(law, P_BG["bwbId"], lit(f"BWBR{bwb}"))
        w.add(law, P_BG["officialPage"], nn(f"https://wetten.overheid.nl/BWBR{bwb}"))
        w.alt_label(law, 0.6)
        for t in range(f.statutory_tasks_per_law):
            task = w.entity(_task(key, t), "StatutoryTask", f"Taak {t + 1} uit de {title}: {w.words(4)}", doc,
                            notation=str(t + 1))
            w.add(task, P_BG["imposedBy"], law)
            w.add(task, P_BG["article"], lit(f"artikel {w.rng.randint(1, 12)}.{w.rng.randint(1, 9)}"))
    for p in range(f.national_programmes):
        prog = w.entity(_id(f"programma/synth-landelijk-{p}"), "Programme",
                        f"Landelijk programma {w.words(3)} {p + 1}", doc)
        w.add(prog, P_BG["programmeKind"], bg(f"prog-{w.rng.choice(PROGRAMME_KINDS)}"))
        w.alt_label(prog, 0.5)
    for t in range(f.national_target_groups):
        _target_group(w, _id(f"doelgroep/synth-{t}"), f"Doelgroep {w.words(2)} {t + 1}", doc)


def _target_group(w: Writer, iri: ox.NamedNode, label: str, doc: ox.NamedNode) -> None:
    w.entity(iri, "TargetGroup", label, doc)
    if w.maybe(0.5):
        low = w.rng.randint(0, 60)
        w.add(iri, P_BG["ageMin"], lit(str(low), "integer"))
        w.add(iri, P_BG["ageMax"], lit(str(w.rng.randint(low, 100)), "integer"))
    w.alt_label(iri, 0.5)


def _document(w: Writer, doc: ox.NamedNode, title: str, kind: str, source: ox.NamedNode, *,
              publisher: ox.NamedNode | None = None, period: tuple[int, int] | None = None) -> None:
    w.entity(doc, "PolicyDocument", title, source)
    w.add(doc, P_BG["documentKind"], bg(f"doc-{kind}"))
    if publisher is not None:
        w.add(doc, P_DCT["publisher"], publisher)
    if period:
        w.add(doc, P_BG["periodStart"], lit(str(period[0]), "gYear"))
        w.add(doc, P_BG["periodEnd"], lit(str(period[1]), "gYear"))


# -- a region --------------------------------------------------------------------------------

def _region(w: Writer, r: int, members: list[int], f: Fanout) -> None:
    doc = _id(f"document/synth-regiovisie-{r}")
    region = _id(f"organisatie/synth-regio-{r}")
    area = _id(f"gebied/synth-regio-{r}")
    _document(w, doc, f"Regiovisie beschermd wonen en opvang, regio {r + 1}", "regiovisie", doc,
              publisher=region, period=(2024, 2026))
    w.add(doc, P_BG["spatialScope"], area)
    w.add(doc, P_BG["legalBasis"], _law("wmo-2015"))
    w.add(doc, P_DCT["description"], lit(f"Regionale visie: {w.words(20)}.", lang="nl"))
    w.entity(region, "Organization", f"Regio {r + 1} ({', '.join(place_name(m) for m in members)})", doc)
    w.add(region, P_ORG["classification"], bg("org-samenwerkingsverband"))
    if members:
        w.add(region, P_BG["centrumgemeente"], _id(f"organisatie/synth-gemeente-{members[0]}"))
    w.entity(area, "Area", f"Regio {r + 1}", doc)
    w.add(area, P_BG["areaKind"], bg("gebied-regio"))
    goals = []
    for g in range(f.bewegingen):
        goal = w.entity(_id(f"doel/synth-regiovisie-{r}/beweging-{g + 1}"), "Goal",
                        f"Beweging {g + 1}: {w.phrase(5)}", doc, notation=f"B{g + 1}")
        w.add(goal, P_BG["goalLevel"], bg("niveau-beweging"))
    for g in range(f.region_doelstellingen):
        goal = w.entity(_id(f"doel/synth-regiovisie-{r}/doelstelling-{g + 1}"), "Goal",
                        f"Doelstelling {g + 1}: {w.phrase(6)}", doc, notation=str(g + 1))
        w.add(goal, P_BG["goalLevel"], bg("niveau-doelstelling"))
        goals.append(goal)
    for s in range(f.actielijnen):
        strand = w.entity(_id(f"actielijn/synth-regiovisie-{r}/actielijn-{s + 1}"), "Strand",
                          f"Actielijn {s + 1}: {w.phrase(4)}", doc, notation=str(s + 1))
        w.add(strand, P_BG["strandKind"], bg("strand-actielijn"))
        if s % 2 == 0:
            w.add(strand, P_BG["servesStated"], goals[s % len(goals)])
        else:
            w.interpretation(_id(f"interpretatie/synth-regiovisie-{r}/actielijn-{s + 1}"), doc, strand,
                             "servesInferred", goals[s % len(goals)])
        for a in range(f.actions_per_actielijn):
            action = w.entity(_regional_action(r, s, a), "Action", w.phrase(10), doc, notation=f"{s + 1}.{a + 1}")
            w.add(action, P_BG["partOfStrand"], strand)
            w.add(action, P_BG["actorScope"], bg(w.rng.choice(("scope-elke-gemeente", "scope-regio-als-geheel",
                                                               "scope-gemeenten-en-regio"))))
            if w.maybe(0.4):
                w.add(action, P_BG["legalBasis"], _law(w.rng.choice(LAWS)[0]))
            if w.maybe(0.6):
                w.deadline(action, 2024, 2026)
            w.add(action, P_BG["mentions"], _id(f"programma/synth-landelijk-{w.rng.randrange(f.national_programmes)}"))
            w.note(action, 0.3)


# -- a municipality --------------------------------------------------------------------------

@dataclass
class Local:
    """The IRIs of one municipality's register that its documents refer to."""

    gemeente: ox.NamedNode
    area: ox.NamedNode
    units: list[ox.NamedNode]
    organisations: list[ox.NamedNode]
    posts: list[ox.NamedNode]
    kernen: list[ox.NamedNode]
    target_groups: list[ox.NamedNode]
    programmes: list[ox.NamedNode]
    concepts: list[ox.NamedNode]
    documents: dict[str, ox.NamedNode]


def _municipality(w: Writer, m: int, r: int, f: Fanout) -> None:
    name = place_name(m)
    key = f"synth-{m}"
    docs = {kind: _id(f"document/{key}-{kind}") for kind in ("beleidsplan", "actieplan", "startnotitie",
                                                               "beleidskader")}
    local = _local_register(w, m, r, name, key, docs, f)
    _documents(w, name, key, r, local, f)
    _beleidsplan(w, name, key, local, f)
    _actieplan(w, key, r, local, f)
    _startnotitie(w, key, local, f)
    _beleidskader(w, key, local, f)


def _local_register(w: Writer, m: int, r: int, name: str, key: str, docs: dict[str, ox.NamedNode],
                    f: Fanout) -> Local:
    doc = docs["beleidsplan"]
    gemeente = w.entity(_id(f"organisatie/synth-gemeente-{m}"), "Organization", f"Gemeente {name}", doc)
    w.add(gemeente, P_ORG["classification"], bg("org-gemeente"))
    w.add(gemeente, P_ORG["memberOf"], _id(f"organisatie/synth-regio-{r}"))
    area = w.entity(_id(f"gebied/{key}"), "Area", f"Gemeente {name}", doc)
    w.add(area, P_BG["areaKind"], bg("gebied-gemeente"))
    w.add(area, P_BG["withinArea"], _id(f"gebied/synth-regio-{r}"))
    w.add(area, P_BG["inhabitants"], lit(str(w.rng.randint(8_000, 180_000)), "integer"))
    w.add(gemeente, P_BG["spatialScope"], area)
    kernen = []
    for k in range(f.kernen):
        kern = w.entity(_id(f"gebied/{key}-kern-{k + 1}"), "Area", f"{w.rng.choice(PLACE_HEADS)}{w.rng.choice(PLACE_TAILS)}",
                        doc)
        w.add(kern, P_BG["areaKind"], bg("gebied-kern"))
        w.add(kern, P_BG["withinArea"], area)
        w.add(kern, P_BG["inhabitants"], lit(str(w.rng.randint(500, 30_000)), "integer"))
        kernen.append(kern)
    units = []
    for u in range(f.units):
        unit = w.entity(_id(f"organisatie/{key}-gebiedsteam-{u + 1}"), "Organization",
                        f"Gebiedsteam {name} {u + 1}", docs["startnotitie"])
        w.add(unit, P_ORG["classification"], bg("org-onderdeel"))
        w.add(unit, P_ORG["subOrganizationOf"], gemeente)
        w.add(unit, P_BG["spatialScope"], kernen[u % len(kernen)])
        units.append(unit)
        for s in range(f.subteams_per_unit):
            sub = w.entity(_id(f"organisatie/{key}-gebiedsteam-{u + 1}-{s + 1}"), "Organization",
                           f"Team {w.words(1)} {u + 1}.{s + 1}", docs["startnotitie"])
            w.add(sub, P_ORG["classification"], bg("org-onderdeel"))
            w.add(sub, P_ORG["subOrganizationOf"], unit)
            units.append(sub)
    organisations = []
    for o in range(f.organisations):
        org = w.entity(_id(f"organisatie/{key}-org-{o}"), "Organization",
                       f"{w.words(2).title()} {name} {o + 1}", w.rng.choice(list(docs.values())))
        w.add(org, P_ORG["classification"], bg(f"org-{w.rng.choice(ORG_KINDS)}"))
        w.alt_label(org, 0.7)
        w.note(org, 0.25)
        if w.maybe(0.25):
            w.add(org, P_DCT["description"], lit(f"{w.words(16)}.", lang="nl"))
        if w.maybe(0.1):
            w.add(org, P_ORG["memberOf"], _id(f"organisatie/synth-regio-{r}"))
        organisations.append(org)
    posts = []
    for p in range(f.posts):
        post = w.entity(_id(f"functie/{key}-{p}"), "Post", f"{w.words(1).capitalize()}functionaris {name} {p + 1}",
                        w.rng.choice(list(docs.values())))
        holder = w.rng.choice([gemeente] + units + organisations[:10])
        w.add(post, P_ORG["postIn"], holder)
        if w.maybe(0.3):
            w.add(post, P_BG["deliveredBy"], w.rng.choice(organisations))
        if w.maybe(0.2):
            w.add(post, P_BG["hoursPerWeek"], lit(str(w.rng.choice((8, 16, 24, 32, 36))), "decimal"))
        w.note(post, 0.45)
        w.alt_label(post, 0.45)
        posts.append(post)
    target_groups = []
    for t in range(f.target_groups):
        tg = _id(f"doelgroep/{key}-{t}")
        _target_group(w, tg, f"{w.words(2).capitalize()} in {name}", doc)
        target_groups.append(tg)
    programmes = []
    for p in range(f.programmes):
        prog = w.entity(_id(f"programma/{key}-{p}"), "Programme", f"Programma {w.words(3)} {name}", doc)
        w.add(prog, P_BG["programmeKind"], bg(f"prog-{w.rng.choice(PROGRAMME_KINDS)}"))
        programmes.append(prog)
    scheme = _id(f"begrippen/{key}")
    w.add(scheme, TYPE, C["ConceptScheme"])
    w.add(scheme, P_SKOS["prefLabel"], lit(f"Begrippenlijst {name}", lang="nl"))
    concepts = []
    for c in range(f.concepts):
        concept = w.entity(_id(f"begrip/{key}/{c + 1}"), "Concept", f"{w.words(2)} {c + 1}", doc)
        w.add(concept, P_SKOS["inScheme"], scheme)
        w.add(concept, P_SKOS["definition"], lit(f"{w.words(15)}.", lang="nl"))
        w.alt_label(concept, 0.5)
        concepts.append(concept)
    for v in range(f.provisions):
        prov = w.entity(_id(f"voorziening/{key}-{v}"), "Provision", f"{w.words(2).capitalize()} ({name})",
                        docs["beleidskader"])
        w.add(prov, P_BG["provisionKind"], bg(f"voorz-{w.rng.choice(PROVISION_KINDS)}"))
        law = w.rng.choice(LAWS[:4])[0]
        w.add(prov, P_BG["executes"], _task(law, w.rng.randrange(f.statutory_tasks_per_law)))
        for deliverer in w.rng.sample(organisations, w.rng.randint(1, 2)):
            w.add(prov, P_BG["deliveredBy"], deliverer)
        w.add(prov, P_BG["fundingMode"], bg(f"fin-{w.rng.choice(FUNDING)}"))
        if w.maybe(0.5):
            w.add(prov, P_BG["legalBasis"], _law(law))
        w.note(prov, 0.3)
    return Local(gemeente, area, units, organisations, posts, kernen, target_groups, programmes, concepts, docs)


def _documents(w: Writer, name: str, key: str, r: int, local: Local, f: Fanout) -> None:
    d = local.documents
    titles = {"beleidsplan": f"Beleidsplan Jeugdhulp en Wmo ({name})",
              "actieplan": f"Lokaal actieplan beschermd wonen en opvang ({name})",
              "startnotitie": f"Startnotitie gebiedsteams ({name})",
              "beleidskader": f"Beleidskader sociaal domein ({name})"}
    kinds = {"beleidsplan": "beleidsplan", "actieplan": "actieplan", "startnotitie": "startnotitie",
             "beleidskader": "beleidskader"}
    referenced = []
    for i in range(f.referenced_documents):
        other = _id(f"document/{key}-nota-{i + 1}")
        _document(w, other, f"{w.words(3).capitalize()} ({name})", w.rng.choice(REFERENCED_KINDS), d["beleidsplan"],
                  publisher=local.gemeente)
        referenced.append(other)
    for kind, doc in d.items():
        _document(w, doc, titles[kind], kinds[kind], doc, publisher=local.gemeente,
                  period=(2020 + w.rng.randint(0, 4), 2024 + w.rng.randint(0, 3)))
        w.add(doc, P_BG["spatialScope"], local.area)
        w.add(doc, P_DCT["description"], lit(f"{w.words(30)}.", lang="nl"))
        w.alt_label(doc, 0.8)
        w.note(doc, 0.8)
        for law in w.rng.sample(LAWS, 2):
            w.add(doc, P_BG["legalBasis"], _law(law[0]))
        for law in w.rng.sample(LAWS, 3):
            w.add(doc, P_BG["mentions"], _law(law[0]))
        for other in w.rng.sample(referenced, 3):
            w.add(doc, P_DCT["relation"], other)
        source = _id(f"brontekst/{key}-{kind}")
        w.add(doc, P_BG["sourceText"], source)
        w.add(source, TYPE, C["SourceText"])
        w.add(source, P_SKOS["prefLabel"], lit(f"Brontekst {titles[kind]}", lang="nl"))
        w.add(source, P_BG["filePath"], lit(f"sources/{key}-{kind}.txt"))
    w.add(d["beleidsplan"], P_BG["buildsOn"], d["beleidskader"])
    w.add(d["actieplan"], P_BG["implements"], _id(f"document/synth-regiovisie-{r}"))
    w.add(d["startnotitie"], P_BG["buildsOn"], d["beleidsplan"])
    w.add(referenced[0], WAS_REVISION_OF, referenced[1])
    w.add(referenced[2], P_BG["partOfDocument"], d["beleidskader"])


def _action(w: Writer, iri: ox.NamedNode, doc: ox.NamedNode, notation: str, strand: ox.NamedNode,
            local: Local, *, first_year: int, last_year: int) -> ox.NamedNode:
    """An action with the mix of actors, target groups, timing and references of the real ones."""
    w.entity(iri, "Action", w.phrase(w.rng.randint(6, 14)), doc, notation=notation)
    w.add(iri, P_BG["partOfStrand"], strand)
    w.add(iri, P_BG["actorScope"], bg("scope-gemeente"))
    if w.maybe(0.55):
        w.add(iri, P_BG["initiator"], w.rng.choice(local.posts if w.maybe(0.7) else local.units))
    for partner in w.rng.sample(local.organisations + local.posts, w.rng.choice((0, 0, 1, 1, 2, 3))):
        w.add(iri, P_BG["partner"], partner)
    if w.maybe(0.4):
        w.add(iri, P_BG["targetGroup"], w.rng.choice(local.target_groups))
    if w.maybe(0.1):
        w.add(iri, P_BG["targetGroup"], _id(f"doelgroep/synth-{w.rng.randrange(12)}"))
    timing = w.rng.random()
    if timing < 0.45:
        w.deadline(iri, first_year, last_year)
    elif timing < 0.75:
        w.add(iri, P_BG["status"], bg(f"status-{w.rng.choice(STATUSES)}"))
    else:
        w.deadline(iri, first_year, last_year)
        w.add(iri, P_BG["status"], bg(f"status-{w.rng.choice(STATUSES[:4])}"))
    if w.maybe(0.1):
        w.add(iri, P_BG["startDate"], lit(str(first_year), "gYear"))
    if w.maybe(0.2):
        w.add(iri, P_BG["timingNote"], lit(f"{w.words(6)}.", lang="nl"))
    for _ in range(w.rng.choice((0, 0, 1, 1, 2))):
        w.add(iri, P_BG["mentions"], w.rng.choice(local.organisations + local.programmes + local.posts))
    if w.maybe(0.08):
        w.add(iri, P_BG["legalBasis"], _law(w.rng.choice(LAWS)[0]))
    if w.maybe(0.06):
        w.add(iri, P_BG["usesConcept"], w.rng.choice(local.concepts))
    if w.maybe(0.06):
        w.add(iri, P_BG["alignsWith"], w.rng.choice(local.programmes))
    w.note(iri, 0.5)
    return iri


def _goal(w: Writer, iri: ox.NamedNode, doc: ox.NamedNode, level: str, label: str, notation: str) -> ox.NamedNode:
    w.entity(iri, "Goal", label, doc, notation=notation)
    w.add(iri, P_BG["goalLevel"], bg(f"niveau-{level}"))
    if w.maybe(0.4):
        w.add(iri, P_DCT["description"], lit(f"{w.words(18)}.", lang="nl"))
    w.note(iri, 0.3)
    return iri


def _strand(w: Writer, iri: ox.NamedNode, doc: ox.NamedNode, kind: str, label: str, notation: str) -> ox.NamedNode:
    w.entity(iri, "Strand", label, doc, notation=notation)
    w.add(iri, P_BG["strandKind"], bg(f"strand-{kind}"))
    w.alt_label(iri, 0.2)
    w.note(iri, 0.3)
    return iri


def _beleidsplan(w: Writer, name: str, key: str, local: Local, f: Fanout) -> None:
    doc = local.documents["beleidsplan"]
    hoofddoelen = [_goal(w, _id(f"doel/{key}-beleidsplan/hoofddoel-{h + 1}"), doc, "hoofddoel",
                         f"Hoofddoel {h + 1}: {w.phrase(6)}", f"H{h + 1}") for h in range(f.hoofddoelen)]
    subdoelen = []
    for s in range(f.subdoelen):
        goal = _goal(w, _id(f"doel/{key}-beleidsplan/subdoel-{s + 1}"), doc, "subdoel",
                     f"Subdoel {s + 1}: {w.phrase(7)}", str(s + 1))
        w.add(goal, P_BG["broaderGoal"], hoofddoelen[s % len(hoofddoelen)])
        for i in range(f.indicators_per_subdoel):
            ind = w.entity(_id(f"indicator/{key}-beleidsplan/{s + 1}.{i + 1}"), "Indicator",
                           f"Aandeel {w.words(4)}", doc, notation=f"{s + 1}.{i + 1}")
            w.add(goal, P_BG["hasIndicator"], ind)
            w.add(ind, P_BG["baselineValue"], lit(str(w.rng.randint(10, 900)), "decimal"))
            w.add(ind, P_BG["baselineDate"], lit(f"{w.rng.randint(2018, 2022)}-01-01", "date"))
            if w.maybe(0.5):
                w.add(ind, P_BG["targetRelativeChange"], lit(f"-0.{w.rng.randint(5, 30):02d}", "decimal"))
            else:
                w.add(ind, P_BG["targetValue"], lit(str(w.rng.randint(10, 900)), "decimal"))
                w.add(ind, P_BG["targetComparator"], lit(w.rng.choice(("<=", ">="))))
            w.add(ind, P_BG["targetDate"], lit(str(w.rng.randint(2024, 2028)), "gYear"))
            w.add(ind, P_BG["unit"], lit(w.rng.choice(("cliënten", "procent", "inwoners", "meldingen"))))
        subdoelen.append(goal)
    for a in range(f.ambities):
        _goal(w, _id(f"doel/{key}-beleidsplan/ambitie-{a + 1}"), doc, "ambitie", f"Ambitie: {w.phrase(5)}",
              f"A{a + 1}")
    for s in range(f.speerpunten):
        speerpunt = _strand(w, _id(f"actielijn/{key}-beleidsplan/speerpunt-{s + 1}"), doc, "speerpunt",
                            f"Speerpunt {s + 1}: {w.phrase(3)}", f"4.{s + 1}")
        w.add(speerpunt, P_BG["servesStated"], subdoelen[s % len(subdoelen)])
        for t in range(f.subthemas_per_speerpunt):
            sub = _strand(w, _id(f"actielijn/{key}-beleidsplan/speerpunt-{s + 1}-{t + 1}"), doc, "subthema",
                          f"{w.phrase(3)}", f"4.{s + 1}.{t + 1}")
            w.add(sub, P_BG["partOfStrand"], speerpunt)
            if w.maybe(0.3):
                w.add(sub, P_BG["targetGroup"], w.rng.choice(local.target_groups))
            if w.maybe(0.15):
                w.interpretation(_id(f"interpretatie/{key}-beleidsplan/subthema-{s + 1}-{t + 1}"), doc, sub,
                                 "servesInferred", w.rng.choice(subdoelen))
            for n in range(f.actions_per_subthema):
                action = _action(w, _id(f"actie/{key}-beleidsplan/4.{s + 1}.{t + 1}.{n + 1}"), doc,
                                 f"4.{s + 1}.{t + 1}.{n + 1}", sub, local, first_year=2021, last_year=2026)
                if w.maybe(0.03):
                    w.add(action, P_BG["servesStated"], w.rng.choice(subdoelen))


def _actieplan(w: Writer, key: str, r: int, local: Local, f: Fanout) -> None:
    doc = local.documents["actieplan"]
    previous = []
    for t in range(f.themas):
        thema = _strand(w, _id(f"actielijn/{key}-actieplan/thema-{t + 1}"), doc, "thema",
                        f"Thema {t + 1}: {w.phrase(3)}", str(t + 1))
        for i in range(f.items_per_thema):
            item = _strand(w, _id(f"actielijn/{key}-actieplan/item-{t + 1}-{i + 1}"), doc, "pva-item",
                           w.phrase(6), f"{t + 1}.{i + 1}")
            w.add(item, P_BG["partOfStrand"], thema)
            if w.maybe(0.6):
                w.add(item, P_BG["status"], bg(f"status-{w.rng.choice(STATUSES)}"))
            for n in range(f.actions_per_item):
                action = _action(w, _id(f"actie/{key}-actieplan/{t + 1}.{i + 1}.{n + 1}"), doc,
                                 f"{t + 1}.{i + 1}.{n + 1}", item, local, first_year=2018, last_year=2025)
                if w.maybe(0.3):
                    w.add(action, P_BG["refersToAction"],
                          _regional_action(r, w.rng.randrange(f.actielijnen), w.rng.randrange(f.actions_per_actielijn)))
                if previous and w.maybe(0.05):
                    w.interpretation(_id(f"interpretatie/{key}-actieplan/{t + 1}.{i + 1}.{n + 1}"), doc, action,
                                     "continuesInferred", w.rng.choice(previous))
                previous.append(action)


def _startnotitie(w: Writer, key: str, local: Local, f: Fanout) -> None:
    doc = local.documents["startnotitie"]
    goals = [_goal(w, _id(f"doel/{key}-startnotitie/doelstelling-{g + 1}"), doc, "doelstelling",
                   f"Doelstelling {g + 1}: {w.phrase(6)}", str(g + 1)) for g in range(f.startnotitie_doelstellingen)]
    for u in range(f.uitgangspunten):
        _goal(w, _id(f"doel/{key}-startnotitie/uitgangspunt-{u + 1}"), doc, "uitgangspunt",
              f"Uitgangspunt {u + 1}: {w.phrase(5)}", f"U{u + 1}")
    for s in range(f.startnotitie_strands):
        kind = "thema" if s < f.startnotitie_strands - 2 else "ontwikkelagenda"
        strand = _strand(w, _id(f"actielijn/{key}-startnotitie/{kind}-{s + 1}"), doc, kind,
                         f"{kind.capitalize()} {s + 1}: {w.phrase(3)}", f"S{s + 1}")
        if kind == "thema":
            w.interpretation(_id(f"interpretatie/{key}-startnotitie/{kind}-{s + 1}"), doc, strand, "servesInferred",
                             goals[s % len(goals)])
        for n in range(f.actions_per_startnotitie_strand):
            _action(w, _id(f"actie/{key}-startnotitie/S{s + 1}.{n + 1}"), doc, f"S{s + 1}.{n + 1}", strand, local,
                    first_year=2022, last_year=2025)


def _beleidskader(w: Writer, key: str, local: Local, f: Fanout) -> None:
    doc = local.documents["beleidskader"]
    kaders = [_goal(w, _id(f"doel/{key}-beleidskader/kader-{k + 1}"), doc, "kader", f"Kader {k + 1}: {w.phrase(5)}",
                    f"K{k + 1}") for k in range(f.kaders)]
    for i in range(f.illustrations):
        ill = w.entity(_id(f"voorbeeld/{key}-beleidskader/{i + 1}"), "Illustration", f"Praktijkvoorbeeld {w.words(3)}",
                       doc, notation=str(i + 1))
        w.add(ill, P_BG["illustrates"], kaders[i % len(kaders)])
