// RAII owners for libcurl's handles, shared by every libcurl user (the
// Stripe client, the SMTP client, the SMS provider): an easy handle, a
// header/recipient list, a string libcurl allocated (curl_easy_escape), and
// form/URL escaping with it.
//
// Thread safety: as libcurl's: one handle per thread at a time.
// Errors: none here; callers check for a null handle after creation.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace slotwise::common {

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlStringDeleter {
  void operator()(char* p) const { curl_free(p); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// `text` percent-encoded for a URL or an application/x-www-form-urlencoded
// body ("" if libcurl cannot allocate).
inline std::string url_escape(CURL* curl, const std::string& text) {
  const CurlString escaped(curl_easy_escape(curl, text.c_str(), static_cast<int>(text.size())));
  return escaped ? std::string(escaped.get()) : std::string();
}

}  // namespace slotwise::common
