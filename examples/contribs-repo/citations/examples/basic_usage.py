from mellea_contribs.citations import stdlib  # noqa: F401
