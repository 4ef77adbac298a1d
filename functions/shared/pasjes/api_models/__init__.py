"""The API's request and response shapes (camelCase JSON, ISO dates), apart from table models.

One module per function's routes, so a function's cold start builds only its own models:
`common` (the base model and the constrained strings every route shares), `holders` (search),
`selections` (what submit is sent: the bodies, and the preview), `pass_requests` (the answers
about requests: submit and download), `verification` (the public check). Nothing is imported
here, so importing one module imports only `common` and what it names itself.
"""
