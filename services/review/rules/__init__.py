"""Review's domain rules: plain functions of the programme's words, no I/O, unit-tested."""
