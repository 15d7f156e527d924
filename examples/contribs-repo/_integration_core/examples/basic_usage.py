from mellea_contribs.integration_core import core  # noqa: F401
