"""One lock for every use of rdflib's SPARQL grammar.

rdflib parses SPARQL with pyparsing objects that keep parse state between calls: two
threads parsing at once corrupt each other (TypeError in Param.postParse2, seen as HTTP 500
under load). The server runs requests in a thread pool, and the SPARQL guard, the syntax
explainer and the rdflib backend all parse with that grammar, so all of them hold this lock.
"""

from __future__ import annotations

import threading

RDFLIB_SPARQL_LOCK = threading.RLock()
