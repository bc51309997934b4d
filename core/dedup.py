"""PLACEHOLDER (being written): exact / near / story clusters."""
