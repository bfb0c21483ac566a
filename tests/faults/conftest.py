"""The fault runs' profile: the quick run in the default suite; the long one (a few hundred
nominations, many faults) with `./scripts/test --full` or `TOP100_FULL=1` (the root `conftest.py`;
`TOP100_FAULTS_FULL=1` still works), e.g. `./scripts/test tests/faults --full`."""
