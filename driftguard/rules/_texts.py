"""Hand-written paragraphs for the rules outside the schema matrix (:mod:`.explain` builds
the others): operations, parameters and bodies as wholes, statuses, media types, headers,
security, components, renames, live responses and fuzzing. Each says what the rule reports
and why it has its default severity, in the words of CHECKS.md's rule where it applies."""

from __future__ import annotations

from driftguard.rules._lifecycle_texts import LIFECYCLE_TEXTS

__all__ = ["TEXTS"]

_DEPRECATE = (
    "Deprecating first is how an API tells clients to move before a thing goes; one removed "
    "without that warning breaks every client still calling it, so it is breaking."
)
_AFTER_DEPRECATION = (
    "It had been marked deprecated, so clients were told to move away; removing it then is "
    "the expected end of its life, and it is info."
)
_LIFECYCLE = (
    "A deprecation changes no value on the wire; it tells clients to plan a move, so it is "
    "info. Watch for the removal that usually follows."
)
_REACTIVATED = "It is no longer deprecated. Nothing changes on the wire, so it is info."
_SECURITY = (
    "The document describes authentication but does not enforce it, and CHECKS.md lists "
    "security changes as info, as oasdiff does. Review it by hand all the same: a client "
    "that authenticated in a way no longer listed, or that lacks a newly required scope, "
    "will be refused."
)
_REQUIRED_REQUEST = (
    "Requests that leave it out, which were valid, are now refused: a request that used to be "
    "valid must stay valid, so it is breaking."
)
_OPTIONAL_REQUEST = (
    "Clients may send it or not; every request that was valid stays valid, so it is info."
)
_RENAME = (
    "driftguard reports a rename instead of a removal plus an addition when the new name is "
    "a re-spelling of the old one (full_name to fullName, an alias, a small edit) and the "
    "schema is the same."
)
_LIVE = "It was seen by replaying a probe recorded in the snapshot against the live target."
_FUZZ = "It was found by sending generated requests; the finding holds a curl line that replays it."

TEXTS: dict[str, str] = {
    # -- paths and operations ------------------------------------------------------------------
    "api-path-removed-without-deprecation": f"A whole path, with all its operations, is gone "
    f"from the document. {_DEPRECATE}",
    "api-removed-without-deprecation": f"An operation (a method on a path) is gone from the "
    f"document. {_DEPRECATE}",
    "api-path-removed-with-deprecation": f"A whole path is gone from the document. "
    f"{_AFTER_DEPRECATION}",
    "api-removed-with-deprecation": f"An operation is gone from the document. {_AFTER_DEPRECATION}",
    "endpoint-added": "A new operation appeared. Existing clients do not call it, so nothing "
    "they do changes: info.",
    "endpoint-deprecated": f"An operation was marked deprecated. {_LIFECYCLE}",
    "endpoint-reactivated": f"An operation was deprecated before. {_REACTIVATED}",
    "api-operation-id-removed": "The operation's operationId was removed or changed. Requests "
    "on the wire are the same, so it is info; but code generators name methods after it, so a "
    "regenerated client may not compile.",
    "api-operation-id-added": "The operation got an operationId. Nothing changes on the wire: "
    "info; generated clients may rename the method.",
    "api-tag-added": "The operation got a tag. Tags group operations in documentation and "
    "generated clients; nothing changes on the wire, so it is info.",
    "api-tag-removed": "The operation lost a tag. Tags group operations in documentation and "
    "generated clients; nothing changes on the wire, so it is info.",
    "webhook-added": "A new webhook: the API may call subscribers for a new event. Subscribers "
    "that do not handle it are not called for anything they knew, so it is info.",
    "webhook-removed": "A webhook is gone: subscribers that relied on the API calling them for "
    "that event will wait in vain, so it is breaking.",
    # -- components ----------------------------------------------------------------------------
    "api-schema-removed": "A schema of components/schemas is gone. What clients send and read "
    "is compared where operations use it, so the component itself is info; generated clients "
    "lose the type.",
    "component-renamed": "A component schema changed its name but not its structure (FastAPI's "
    "Item becoming Item-Input and Item-Output, say). The wire contract is the same, so it is "
    "info; generated clients may rename a type.",
    # -- request parameters --------------------------------------------------------------------
    "new-required-request-parameter": f"The operation takes a new required parameter. "
    f"{_REQUIRED_REQUEST}",
    "new-request-path-parameter": f"The operation's path gained a parameter, so its URLs have "
    f"another shape. {_REQUIRED_REQUEST}",
    "new-required-request-default-parameter-to-existing-path": f"A required parameter was "
    f"declared on the path itself, so every operation of the path takes it. {_REQUIRED_REQUEST}",
    "new-required-request-header-property": f"A header whose value is an object requires a new "
    f"property. {_REQUIRED_REQUEST}",
    "request-header-property-became-required": f"A property of a header's object value became "
    f"required. {_REQUIRED_REQUEST}",
    "request-parameter-became-required": f"A parameter that clients could leave out is now "
    f"required. {_REQUIRED_REQUEST}",
    "new-optional-request-parameter": f"The operation takes a new optional parameter. "
    f"{_OPTIONAL_REQUEST}",
    "new-optional-request-default-parameter-to-existing-path": f"An optional parameter was "
    f"declared on the path itself, so every operation of the path takes it. {_OPTIONAL_REQUEST}",
    "request-parameter-became-optional": f"A required parameter became optional. "
    f"{_OPTIONAL_REQUEST}",
    "request-parameter-removed": "A parameter is no longer documented. Servers usually ignore "
    "what they no longer read, so old requests still go through, but what clients send in it "
    "no longer has an effect, which the spec cannot tell is harmless: a warning.",
    "request-parameter-removed-with-deprecation": "A deprecated parameter is no longer "
    "documented. Clients were told to stop sending it, so it is info.",
    "request-parameter-renamed": f"A query, header or cookie parameter changed its name. "
    f"{_RENAME} Clients still send the old name, which the server no longer reads, so it is "
    f"breaking.",
    "request-parameter-deprecated": f"A parameter was marked deprecated. {_LIFECYCLE}",
    "request-parameter-reactivated": f"A parameter was deprecated before. {_REACTIVATED}",
    # -- request body --------------------------------------------------------------------------
    "request-body-added-required": f"The operation now requires a request body. "
    f"{_REQUIRED_REQUEST}",
    "request-body-became-required": f"The request body, optional before, is now required. "
    f"{_REQUIRED_REQUEST}",
    "request-body-added-optional": f"The operation now takes an optional request body. "
    f"{_OPTIONAL_REQUEST}",
    "request-body-became-optional": f"The request body, required before, is now optional. "
    f"{_OPTIONAL_REQUEST}",
    "request-body-removed": "The operation no longer takes a request body. Clients that send "
    "one send what the server no longer reads or accepts, so it is breaking.",
    "request-body-media-type-added": "The request body may now be sent in one more media type. "
    "Clients keep sending the old one, which is still accepted, so it is info.",
    "request-body-media-type-removed": "A media type the request body could be sent in is gone. "
    "Clients that send it are refused, so it is breaking.",
    "request-body-media-type-schema-added": "A request media type that accepted any content now "
    "has a schema. Content that was valid may not match it, so it is breaking.",
    "request-body-media-type-schema-removed": "A request media type lost its schema: any content "
    "is accepted. Every request that was valid stays valid, so it is info.",
    "new-required-request-property": f"The request body requires a new property. "
    f"{_REQUIRED_REQUEST}",
    "new-required-request-property-with-default": f"The request body requires a new property, "
    f"for which a default is declared; a default does not make a required property optional. "
    f"{_REQUIRED_REQUEST}",
    "request-property-became-required": f"A request property that clients could leave out is "
    f"now required. {_REQUIRED_REQUEST}",
    "request-property-became-required-with-default": f"A request property became required; it "
    f"declares a default, but a default does not make a required property optional. "
    f"{_REQUIRED_REQUEST}",
    "new-optional-request-property": f"The request body takes a new optional property. "
    f"{_OPTIONAL_REQUEST}",
    "request-property-became-optional": f"A required request property became optional. "
    f"{_OPTIONAL_REQUEST}",
    "request-property-removed": "A request property is no longer documented. A server that "
    "ignores unknown properties still accepts old requests, one that forbids them refuses "
    "them, and what clients send in it no longer has an effect: the spec cannot tell which, "
    "so it is a warning.",
    "request-property-renamed": f"A request property changed its name. {_RENAME} Clients still "
    f"send the old name, which the server no longer reads, so it is breaking.",
    "request-property-deprecated": f"A request property was marked deprecated. {_LIFECYCLE}",
    "request-property-reactivated": f"A request property was deprecated before. {_REACTIVATED}",
    # -- responses -----------------------------------------------------------------------------
    "response-success-status-added": "The operation documents one more success status. CHECKS.md "
    "lists it as info: clients that check for a 2xx class keep working, though one that "
    "expects exactly the old status should have a look.",
    "response-success-status-removed": "A success status the operation answered with is gone. "
    "Clients waiting for it get another status, so it is breaking.",
    "response-non-success-status-added": "The operation documents one more error status. Clients "
    "handle errors as a class, and the errors were happening anyway, so it is info.",
    "response-non-success-status-removed": "An error status is no longer documented. Clients "
    "lose nothing they could rely on, so it is info.",
    "response-media-type-added": "A response may now come in one more media type. A client gets "
    "what its Accept header asks for, so it is info.",
    "response-media-type-removed": "A media type a response came in is gone. Clients that asked "
    "for it or parse it get something else, so it is breaking.",
    "response-media-type-name-changed": "A response's media type changed its name to a related "
    "one (a vendor type, a version parameter). CHECKS.md lists it as info; check that clients "
    "that compare the Content-Type exactly accept the new name.",
    "response-media-type-name-generalized": "A response's media type became wider (application/"
    "json to application/*, say): clients can no longer know what they will parse, so it is "
    "breaking.",
    "response-media-type-name-specialized": "A response's media type became narrower "
    "(application/* to application/json, say): what the server sends is one of what it could "
    "send before, so it is info.",
    "response-body-media-type-schema-added": "A response media type that promised any content "
    "now has a schema. What the server sends only becomes more definite, so it is info.",
    "response-body-media-type-schema-removed": "A response media type lost its schema: the "
    "server may send any content. Clients that parse the old shape may fail, but the spec no "
    "longer says, so it is a warning.",
    "response-required-property-added": "Responses gain a property that is always there. Clients "
    "ignore what they do not read, so it is info.",
    "response-optional-property-added": "Responses may carry a new property. Clients ignore what "
    "they do not read, so it is info.",
    "response-required-property-removed": "A property responses always carried is gone. Clients "
    "that read it fail: a response a client used to accept must stay acceptable, so it is "
    "breaking.",
    "response-optional-property-removed": "A property responses may carry is no longer "
    "documented. Clients had to cope with its absence already, but one that reads it when "
    "present loses data, which the spec cannot tell: a warning.",
    "response-property-renamed": f"A response property changed its name. {_RENAME} Clients that "
    f"read the old name find nothing there, so it is breaking.",
    "response-property-became-optional": "A property responses always carried may now be "
    "missing. Clients that read it unconditionally fail, so it is breaking.",
    "response-property-became-required": "A property responses may carry is now always there. "
    "Clients that coped with its absence still work, so it is info.",
    "response-property-deprecated": f"A response property was marked deprecated. {_LIFECYCLE}",
    "response-property-reactivated": f"A response property was deprecated before. {_REACTIVATED}",
    # -- response headers ----------------------------------------------------------------------
    "response-header-added": "Responses carry a new header. Clients ignore headers they do not "
    "read, so it is info.",
    "required-response-header-removed": "A header responses always carried is gone. Clients that "
    "read it (a Location, a rate limit) fail, so it is breaking.",
    "optional-response-header-removed": "A header responses may carry is no longer documented. "
    "Clients had to cope with its absence, but one that reads it when present loses it, which "
    "the spec cannot tell: a warning.",
    "response-header-became-optional": "A header responses always carried may now be missing. "
    "Clients that read it unconditionally fail, so it is breaking.",
    "response-header-became-required": "A header responses may carry is now always there. "
    "Clients that coped with its absence still work, so it is info.",
    # -- security ------------------------------------------------------------------------------
    "api-security-added": f"The operation lists a new security requirement. {_SECURITY}",
    "api-security-removed": f"A security requirement of the operation is gone. {_SECURITY}",
    "api-security-scope-added": f"A security requirement of the operation asks for more OAuth "
    f"scopes. {_SECURITY}",
    "api-security-scope-removed": f"A security requirement of the operation asks for fewer "
    f"OAuth scopes. {_SECURITY}",
    "api-global-security-added": f"The document's global security (for every operation without "
    f"its own) lists a new requirement. {_SECURITY}",
    "api-global-security-removed": f"A requirement of the document's global security is gone. "
    f"{_SECURITY}",
    "api-global-security-scope-added": f"A global security requirement asks for more OAuth "
    f"scopes. {_SECURITY}",
    "api-global-security-scope-removed": f"A global security requirement asks for fewer OAuth "
    f"scopes. {_SECURITY}",
    "api-security-component-added": f"A security scheme was added to components. {_SECURITY}",
    "api-security-component-removed": f"A security scheme was removed from components. {_SECURITY}",
    # -- live responses ------------------------------------------------------------------------
    "response-field-removed": f"A field the recorded response had is missing from the live "
    f"one. {_LIVE} Clients that read it fail, so it is breaking.",
    "response-field-added": f"The live response has a field the recorded one had not. {_LIVE} "
    f"Clients ignore what they do not read, so it is info.",
    "response-field-renamed": f"A field of the recorded response is missing and another with "
    f"the same shape and a related name (or the same value) appeared. {_LIVE} Clients read "
    f"the old name and find nothing, so it is breaking.",
    "response-field-type-changed": f"A field's JSON type changed (a number became a string, as "
    f"Pydantic 2 sends Decimal; an object became an array). {_LIVE} Clients parse the old "
    f"type, so it is breaking.",
    "response-field-became-nullable": f"A field that was never null in the recorded responses "
    f"is null now. {_LIVE} Clients that use it unchecked fail, so it is breaking.",
    "response-field-format-changed": f"A field kept its JSON type but its text changed form "
    f"(a date-time ending Z instead of +00:00, a trailing slash, number precision, UUID case). "
    f"{_LIVE} Careful clients parse both, naive ones compare strings: a warning.",
    "response-array-items-changed": f"The items of an array changed shape. {_LIVE} Clients "
    f"that walk the array parse the old items, so it is breaking.",
    "response-value-changed": f"A value the probe compares changed (its values setting, or the "
    f"error codes of a 4xx). {_LIVE} It was named as the contract (values = true or a list of "
    f"paths; for a 4xx, FastAPI's detail[*].type and detail[*].loc by default), and clients "
    f"that map it (an error code, a price) break, so it is breaking.",
    "response-status-changed": f"The probe was answered with another status code than the one "
    f"recorded. {_LIVE} Clients branch on the status, so it is breaking.",
    "response-content-type-changed": f"The probe was answered with another media type than the "
    f"one recorded. {_LIVE} Clients parse by media type, so it is breaking.",
    # -- fuzzing -------------------------------------------------------------------------------
    "server-error": f"The server answered 5xx, or no valid answer at all (an in-process app "
    f"raised, a response header is not valid HTTP, the connection closed unanswered). {_FUZZ} "
    f"A request, valid or not, must never crash the server, and a client gets nothing from an "
    f"answer a server cannot send (uvicorn drops the connection), so it is breaking.",
    "accepted-invalid-input": f"A request the documented schema forbids was answered 2xx: a "
    f"validation gap. {_FUZZ} The server acts on data it promised to refuse, so it is "
    f"breaking.",
    "rejected-valid-input": f"A request that matches the documented schema was refused with a "
    f"4xx (not 401, 403, 404, 409 or 429). {_FUZZ} A handler's own rejection (a 400 whose "
    f"detail is a string: a wrong password) is the API's business and not reported. Otherwise "
    f"the server or its documentation is wrong, which the spec cannot tell: a warning.",
    "response-schema-violation": f"A response body does not match the schema documented for "
    f"it. {_FUZZ} Clients built from the document fail on it, so it is breaking.",
    "undocumented-status-code": f"The server answered a status the operation does not "
    f"document. {_FUZZ} Clients may not handle it, but it may be a documentation gap only: a "
    f"warning.",
    "undocumented-content-type": f"The server answered a media type the operation does not "
    f"document. {_FUZZ} Clients may not parse it, but it may be a documentation gap only: a "
    f"warning.",
    "missing-required-header-accepted": f"A request without a header the operation requires "
    f"was accepted. {_FUZZ} The server does not enforce its own contract, which may hide a "
    f"missing check: a warning.",
    "auth-not-enforced": f"An operation that declares security answered 2xx without "
    f"credentials or with invalid ones. {_FUZZ} Anyone can use it, so it is breaking.",
    "token-scope-not-checked": f"An OAuth2 password flow issued a token with a scope it does "
    f"not declare. It was asked for one with the configured login ([tool.driftguard.fuzz] "
    f"login) and granted it unchecked, so it grants whatever a client asks for. {_FUZZ} Any "
    f"user can give themselves any permission, so it is breaking.",
    "resource-available-after-delete": f"A resource was still served after a successful "
    f"DELETE. {_FUZZ} Clients trust a delete; it may be caching or eventual consistency, "
    f"which cannot be told from outside: a warning.",
    "stored-input-breaks-read": f"A read that serves an accepted write (the written "
    f"resource's GET, its list) answered 5xx or broke its schema after it, having answered well "
    f"before. The write is a POST, PUT or PATCH answered 2xx. {_FUZZ} The stored value (1e400 "
    f"read as infinity, NaN stored as NULL) now fails the read for every user: breaking.",
    "page-size-exceeded": f"An answer held more items than the documented maximum of a "
    f"page-size query parameter (limit, page_size, per_page...). Typically limit=-1 where "
    f"only an upper bound is set, read as 'no limit' by items[:limit] or SQL's LIMIT. {_FUZZ} "
    f"Clients and servers size pages and buffers by that maximum, so it is breaking.",
    "duplicate-create-server-error": f"The same valid create request, sent again one after "
    f"the other, gave a 5xx (typically an unhandled unique constraint: IntegrityError). "
    f"{_FUZZ} A duplicate should be refused with a 4xx such as 409; clients retry, so it is "
    f"breaking. Reported instead of concurrency-conflict, which needs sequential repeats to "
    f"pass.",
    "concurrency-conflict": f"The same valid create request, sent several times at once, gave "
    f"a 5xx or two resources with one id. Only requests whose repeats one after the other "
    f"pass are raced. {_FUZZ} Real clients retry and race, so it is breaking.",
    **LIFECYCLE_TEXTS,
}
