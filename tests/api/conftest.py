import pytest

from pathways.services import access_tokens, transaction


@pytest.fixture
def bearer():
    """``Authorization`` headers carrying a new token of ``person`` with ``scopes``."""

    def make(person, *scopes: str, days: int = 90) -> dict[str, str]:
        with transaction():
            _, secret = access_tokens.create_token(person, "test", list(scopes or ["read"]), days)
        return {"Authorization": f"Bearer {secret}"}

    return make
