from mellea_contribs.dspy import stdlib  # noqa: F401
