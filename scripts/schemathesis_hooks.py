"""Schemathesis hooks for Offload's contract fuzzing (loaded through SCHEMATHESIS_HOOKS)."""

import schemathesis

# POST /inbound/email takes a raw RFC 822 message: send generated strings as text.
schemathesis.serializer.alias("message/rfc822", "text/plain")
