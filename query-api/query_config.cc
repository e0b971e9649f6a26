#include "query-api/query_config.h"

#include <fstream>
#include <sstream>

namespace slotwise::query {

std::string with_user(std::string_view url, std::string_view user) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t start = scheme + 3;
  std::size_t authority_end = url.find_first_of("/?", start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  const std::size_t at = url.rfind('@', authority_end);
  const std::size_t host = (at != std::string_view::npos && at >= start) ? at + 1 : start;
  std::string out(url.substr(0, start));
  out.append(user);
  out += '@';
  out.append(url.substr(host));
  return out;
}

common::Result<std::string, std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::fail("cannot read secret file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) return common::fail("secret file " + path + " is empty");
  return s;
}

}  // namespace slotwise::query
