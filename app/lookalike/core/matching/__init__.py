"""Deciding which files show the same picture: fingerprint -> candidates -> verify -> Match.

The pipeline, one stage per module:

- `fingerprint`: what a worker process computes per image (hashes, signatures, EXIF facts).
- candidate sources (`whole`, `regions`): each proposes pairs worth verifying without comparing
  all pairs; they follow the `candidates.CandidateSource` protocol. A new way of finding
  candidates is one new module listed in `matcher.candidate_sources`.
- a verifier (`signature`) decides whether a candidate pair really shows one picture and what
  the transform between them is; it follows `candidates.Verifier`.
- `kinds`: what a verified match says (`Match`: kind, score, `Transform`).
- `policy`: what each sensitivity level means (the thresholds every stage reads).
- `matcher.Matcher` strings the stages together for a stream of fingerprint batches; the scan
  only feeds it and hands its matches to the grouping.
"""
