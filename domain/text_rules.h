// Shape rules for the free-text fields of commands (names, emails, notes):
// lengths in Unicode code points so a limit means the same in every script,
// and a deliberately simple email shape check (the real test of an address is
// mail delivery, not a regular expression).
//
// Thread safety: pure functions.
// Errors: check_text() returns validation_failed naming the field; the
// predicates return false.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "domain/domain_error.h"

namespace slotwise::domain {

// Code points in UTF-8 text, or std::string::npos when it is not valid UTF-8
// (overlong forms, surrogates and values above U+10FFFF are invalid).
[[nodiscard]] std::size_t utf8_length(std::string_view text);

// Valid UTF-8 without control characters (tab and newline allowed only where
// `multiline`), at most max_code_points long, and at least min_code_points
// long after trimming spaces.
[[nodiscard]] common::Result<common::Unit, DomainError> check_text(std::string_view field,
                                                                   std::string_view text,
                                                                   std::size_t min_code_points,
                                                                   std::size_t max_code_points,
                                                                   bool multiline = false);

// Trimmed of ASCII whitespace and ASCII-lower-cased: how emails are stored and
// claimed (EmailClaimed.email, UserRegistered.email).
[[nodiscard]] std::string normalize_email(std::string_view email);

// local@domain.tld, at most 254 bytes, printable ASCII without spaces, one
// '@', a dot in the domain and no empty labels. Does not normalise.
[[nodiscard]] bool is_email_shaped(std::string_view email);

}  // namespace slotwise::domain
