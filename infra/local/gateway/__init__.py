"""A local stand-in for the REST API Gateway that `template.yaml` declares.

It serves exactly the `Type: Api` events of the template's functions under `/api`, checks the
Cognito ID token as the REST API's Cognito authorizer does, hands the handler the REST proxy
event, and answers what API Gateway answers when the token, the route or the handler is wrong:
the API's `GatewayResponses` from the template, rendered as API Gateway renders them. The
template is the only source of routes and of those answers, so the local portal cannot drift from
the deployed one. Not even a request the HTTP server refuses itself gets an HTML page.

Its rooms: `template` (reading template.yaml), `responses` (API Gateway's own answers),
`lambda_runtime` (a handler run as Lambda runs it), `authorizer` (the Cognito authorizer),
`routing` and `proxy` (the route a request takes, its proxy event and the handler's answer),
`pipeline` (one request through those steps), `server` (HTTP), `messages` (the request and
response passed between them).
"""
