// Strict UTF-8 helpers (RFC 3629): the one definition of "valid text" shared by
// the JSON request parser, the logger and the metrics renderer.
//
// Valid means: shortest-form encodings only, no UTF-16 surrogate code points
// (U+D800..U+DFFF, which JSON escapes such as "\udc00" can smuggle in), nothing
// above U+10FFFF. Everything we write out (logs, JSON bodies, Prometheus text)
// must be valid UTF-8, so untrusted text is either rejected (request input) or
// sanitised (echoing a raw path into a log line).
//
// Thread safety: pure functions.
// Errors: none; validity is the return value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace slotwise::service {

// True if `text` is entirely well-formed UTF-8.
[[nodiscard]] bool is_valid_utf8(std::string_view text);

// Number of code points in `text`; an invalid byte counts as one.
[[nodiscard]] std::size_t utf8_length(std::string_view text);

// `text` with every invalid byte sequence replaced by U+FFFD, so it can be
// written into JSON without producing an invalid document.
[[nodiscard]] std::string sanitize_utf8(std::string_view text);

// `text` (valid UTF-8) cut to at most `max_bytes` without splitting a code
// point, so a cut of valid text stays valid (a proto3 string field that is
// not valid UTF-8 makes its whole message unparsable).
[[nodiscard]] std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace slotwise::service
