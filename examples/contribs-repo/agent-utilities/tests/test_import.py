def test_import():
    import mellea_contribs.agent_utilities  # noqa: F401
