#include "domain/text_rules.h"

#include <algorithm>
#include <cstdint>

namespace slotwise::domain {
namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 if invalid.
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if ((b0 & 0xE0U) == 0xC0U) {
    len = 2;
    cp = b0 & 0x1FU;
    min = 0x80;
  } else if ((b0 & 0xF0U) == 0xE0U) {
    len = 3;
    cp = b0 & 0x0FU;
    min = 0x800;
  } else if ((b0 & 0xF8U) == 0xF0U) {
    len = 4;
    cp = b0 & 0x07U;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0U) != 0x80U) return 0;
    cp = (cp << 6U) | (byte(i + k) & 0x3FU);
  }
  // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return len;
}

DomainError invalid(std::string_view field, const std::string& why) {
  return make_error(error_code::validation_failed, std::string(field) + ": " + why);
}

}  // namespace

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = decode(text, i, cp);
    if (len == 0) return std::string::npos;
    i += len;
    ++count;
  }
  return count;
}

common::Result<common::Unit, DomainError> check_text(std::string_view field, std::string_view text,
                                                     std::size_t min_code_points,
                                                     std::size_t max_code_points, bool multiline) {
  const std::size_t length = utf8_length(text);
  if (length == std::string::npos) return common::fail(invalid(field, "is not valid UTF-8"));
  // C0 controls and DEL break logs, emails and terminals; line breaks are
  // only meaningful in long free text.
  const bool has_control = std::any_of(text.begin(), text.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (multiline && (c == '\n' || c == '\t' || c == '\r')) return false;
    return u < 0x20 || u == 0x7F;
  });
  if (has_control) return common::fail(invalid(field, "contains control characters"));
  if (length > max_code_points) {
    return common::fail(invalid(field, "is longer than " + std::to_string(max_code_points)));
  }
  if (utf8_length(trim(text)) < min_code_points) {
    return common::fail(invalid(field, min_code_points == 1
                                           ? std::string("is required")
                                           : "is shorter than " + std::to_string(min_code_points)));
  }
  return common::Unit{};
}

std::string normalize_email(std::string_view email) {
  std::string out(trim(email));
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool is_email_shaped(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const auto printable = [](char c) { return c > 0x20 && c < 0x7F; };
  if (!std::all_of(email.begin(), email.end(), printable)) return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = email.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || email.substr(0, at).size() > 64) return false;
  // Labels between dots are non-empty: no "a@.b", "a@b.", "a@b..c".
  return domain.front() != '.' && domain.back() != '.' &&
         domain.find("..") == std::string_view::npos;
}

}  // namespace slotwise::domain
