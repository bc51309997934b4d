"""Knowledge every stage shares, written once: sentences, tokens, name folding, calendar, word lists.

Stages import from here; nothing in `core/text/` imports a stage.
"""
