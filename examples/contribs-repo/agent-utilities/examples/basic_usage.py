from mellea_contribs.agent_utilities import helpers  # noqa: F401
