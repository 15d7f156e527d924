from mellea_contribs.crewai import backends  # noqa: F401
