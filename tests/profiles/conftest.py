"""The strategies content fixtures, for tests of what members keep of that content."""

from tests.strategies.conftest import bulk_content, tree  # noqa: F401
