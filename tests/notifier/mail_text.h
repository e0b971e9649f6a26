// The decoded text/plain (or any other) part of a received notification (its
// parts are base64, notifier/mime.h), for tests that check what an email says.
// Link OpenSSL::Crypto.
#pragma once

#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <string>

#include "tests/support/fake_smtp.h"

namespace slotwise::testing {

// The decoded body of the part whose Content-Type starts with `type`.
inline std::string decoded_part(const ReceivedMail& m, const std::string& type) {
  const std::size_t at = m.data.find("Content-Type: " + type);
  REQUIRE(at != std::string::npos);
  const std::size_t body = m.data.find("\r\n\r\n", at);
  REQUIRE(body != std::string::npos);
  const std::size_t end = m.data.find("\r\n--", body);
  std::string in;
  for (const char c : m.data.substr(body + 4, end - body - 4)) {
    if (c != '\r' && c != '\n') in += c;
  }
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  REQUIRE(n >= 0);
  std::size_t padding = 0;
  if (in.ends_with("==")) {
    padding = 2;
  } else if (in.ends_with("=")) {
    padding = 1;
  }
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

inline std::string text_part(const ReceivedMail& m) { return decoded_part(m, "text/plain"); }

}  // namespace slotwise::testing
