// The server side of SMTP AUTH's SASL exchange (RFC 4954) for the PLAIN
// (RFC 4616) and LOGIN mechanisms, with or without an initial response:
// it reads the client's base64 answers to 334 challenges and returns the
// credentials, leaving the 235/535 decision to the server.
//
// Thread safety: stateless functions; the stream is the caller's.
// Errors: a malformed, cancelled ("*") or unsupported exchange gives the
// reply line to send instead of credentials.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/line_stream.h"

namespace slotwise::testing {

struct SaslOutcome {
  bool ok = false;        // credentials were read
  bool connected = true;  // false: the connection ended mid-exchange
  std::string mechanism;  // upper case, as the client named it
  std::string user;       // PLAIN: the authentication identity
  std::string password;
  std::string reply;  // when !ok: the reply to send (CRLF-terminated)
};

// `args` is the AUTH command's text after "AUTH "; `offered` the mechanisms
// the server advertised (upper case).
[[nodiscard]] SaslOutcome read_sasl(LineStream& io, const std::string& args,
                                    const std::vector<std::string>& offered);

// Standard base64 with padding; nullopt when malformed.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text);

}  // namespace slotwise::testing
