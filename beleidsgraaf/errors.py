"""Errors a user can cause and fix; they carry a message fit to show as-is (no traceback)."""


class UserError(Exception):
    """Bad input from a user: the message says what, where and how to fix it."""

    exit_code = 2


class RdfInputError(UserError):
    """RDF that cannot be parsed."""

    def __init__(self, source: str, message: str, line: int | None = None, column: int | None = None):
        self.source = source
        self.line = line
        self.column = column
        self.reason = message
        where = source
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: cannot parse RDF: {message}")


class QueryError(UserError):
    """A SPARQL query that is malformed or not allowed."""


class UnknownQueryError(UserError):
    """A canned query name that does not exist."""


class ParameterError(UserError):
    """A missing or mistyped canned-query parameter."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"parameter '{parameter}': {message}")


class StoreUnavailable(UserError):
    """A store that cannot be opened or reached (a wrong path or URL, an endpoint that is
    down or refuses our credentials): the message names it and says what to check."""
