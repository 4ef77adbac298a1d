"""The operator's tools: they run against a real AWS account as well as against the local stack.

`importer` (the CLI of pasjes.importing; `dataset` writes the format) loads the registry,
`demo_data` and `demo_manual` make the demo registry, `openapi` writes docs/openapi.json,
`make_font` subsets the passes' font, `publish_web` uploads the web app to a deployed stack.
What only runs locally lives in `infra.local`.
"""
