"""mellea_contribs.crewai."""
