"""The beleidsgraaf web service: SPARQL, canned queries, entity pages, model, dumps, validation."""
