def test_import():
    import mellea_contribs.crewai  # noqa: F401
