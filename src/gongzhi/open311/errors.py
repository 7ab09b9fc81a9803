"""The one exception the adapter raises; views render it in the spec's error format."""


class Open311Error(Exception):
    """status 400/403/404/429, a short machine code and a clear Chinese description."""

    def __init__(self, status: int, description: str, code: str | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.code = code or str(status)


def bad_request(description: str) -> Open311Error:
    return Open311Error(400, description)


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)
