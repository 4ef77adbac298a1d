"""The local stand-in for AWS: what `make run` and the tests use, and nothing in production runs.

- `stack`: `python -m infra.local`, startup and shutdown of the whole portal on this machine.
- `servers`, `moto_cognito`: the embedded AWS (moto's server), taught a real user pool's answers.
- `provision`, `environment`: the account's resources made from the template, and the environment
  that points every client at them.
- `gateway`: API Gateway (the template's routes, the Cognito authorizer, its own answers) running
  the handlers as Lambda does.
- `worker`: the SQS event source mapping that drives render; `webapp`: web/dist as CloudFront
  serves it.
"""
