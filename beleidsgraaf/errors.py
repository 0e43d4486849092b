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


class LimitExceeded(UserError):
    """A query or request went past one of the service's limits; the message names the
    limit and the environment variable an operator sets to change it."""


class QueryTimeout(LimitExceeded):
    def __init__(self, seconds: float, env_var: str, retry_after: int | None = None):
        self.seconds = seconds
        self.retry_after = retry_after
        super().__init__(f"the query was stopped after {seconds:g} s, the time limit for one query; "
                         f"narrow it down (fewer OPTIONALs, a bounded property path, a LIMIT), "
                         f"or ask the operator to raise {env_var}")


class QueryOutOfMemory(LimitExceeded):
    """A query whose worker went past its memory limit (or died otherwise): the worker is
    replaced; the same query will fail the same way."""

    def __init__(self, megabytes: int, env_var: str, retry_after: int | None = None):
        self.megabytes = megabytes
        self.retry_after = retry_after
        super().__init__(f"the query was stopped: it needed more than {megabytes} MB, the memory limit for "
                         f"one query, or stopped its worker otherwise; narrow it down (fewer or smaller VALUES, "
                         f"no ORDER BY over a large product, a LIMIT), or ask the operator to raise {env_var}")


class ResultTooLarge(LimitExceeded):
    def __init__(self, max_rows: int, env_var: str):
        self.max_rows = max_rows
        super().__init__(f"the answer holds more than {max_rows} rows, the limit for one answer; "
                         f"add LIMIT and OFFSET to fetch it page by page, or ask the operator to "
                         f"raise {env_var}")


class ServiceBusy(LimitExceeded):
    def __init__(self, retry_after: int, busy: str):
        self.retry_after = retry_after
        super().__init__(f"{busy} are busy; try again in {retry_after} s")


class StoreUnavailable(UserError):
    """A store that cannot be opened or reached (a wrong path or URL, an endpoint that is
    down or refuses our credentials): the message names it and says what to check."""
