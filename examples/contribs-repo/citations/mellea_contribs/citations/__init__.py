"""mellea_contribs.citations."""
