"""mellea_contribs.integration_core."""
