"""beleidsgraaf: a linked-data knowledge graph of Dutch social-domain policy.

The core package: configuration, loading RDF, the store, SHACL validation, OWL reasoning,
the canned-query registry and the command line. The web service lives in the sibling
package ``api``.
"""

__version__ = "0.1.0"
