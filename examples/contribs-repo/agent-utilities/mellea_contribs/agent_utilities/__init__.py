"""mellea_contribs.agent_utilities."""
