"""Everything a person touches: the command line, the shop screen, cards and slips."""
