"""mellea_contribs.dspy."""
