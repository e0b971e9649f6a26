// TlsTestCert: a throwaway self-signed certificate for TLS tests, made
// in-process with the OpenSSL 3 API: an EC P-256 key and an X.509 v3
// certificate for CN=localhost with subjectAltName DNS:localhost and
// IP:127.0.0.1, valid from an hour ago for a day. Being self-signed (and
// marked CA:TRUE), its PEM serves as the client's CA file. Two calls give two
// unrelated certificates, so one can be the "wrong CA" for the other.
//
// TlsServerContext: an OpenSSL server context (TLS 1.2 or later) holding such
// a certificate and its key, for a test server's handshakes.
//
// Thread safety: a TlsTestCert is a plain value; a TlsServerContext may be
// used by several threads at once for SSL_new (OpenSSL's SSL_CTX rules).
// Errors: std::runtime_error with OpenSSL's error queue text (test boundary).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace slotwise::testing {

struct TlsTestCert {
  std::string cert_pem;
  std::string key_pem;  // unencrypted PKCS#8
};

// A new key and certificate each call.
[[nodiscard]] TlsTestCert make_test_cert();

// Writes `text` to `path` (replacing it); throws when it cannot.
void write_text_file(const std::string& path, const std::string& text);

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

class TlsServerContext {
 public:
  explicit TlsServerContext(const TlsTestCert& cert);
  [[nodiscard]] SSL_CTX* get() const { return ctx_.get(); }

 private:
  std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx_;
};

// OpenSSL's error queue as one line (emptying it), or `fallback` when empty.
[[nodiscard]] std::string openssl_errors(const std::string& fallback);

}  // namespace slotwise::testing
