"""Required properties of the Open Badges 2.0 specification: Profile used as an Issuer,
BadgeClass, Assertion, and IdentityObject."""

CONTEXT = "https://w3id.org/openbadges/v2"
ISSUER_REQUIRED = {"@context", "type", "id", "name", "url"}
BADGE_CLASS_REQUIRED = {
    "@context",
    "type",
    "id",
    "name",
    "description",
    "image",
    "criteria",
    "issuer",
}
ASSERTION_REQUIRED = {"@context", "type", "id", "recipient", "badge", "verification", "issuedOn"}
IDENTITY_REQUIRED = {"type", "hashed", "identity"}
