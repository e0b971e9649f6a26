// Everything the notifier keeps in PostgreSQL, as text, for tests that check
// a bearer token is not stored (ADR 0009, "No bearer secrets at rest"):
// every row of every notifier table (`SELECT t::text`), and the decoded
// base64 parts of every outbox message with .ics folds undone (a token is
// in a stored message only that way). Link OpenSSL::Crypto.
#pragma once

#include <openssl/evp.h>

#include <pqxx/pqxx>

#include <string>

namespace slotwise::testing {

// The decoded base64 parts of `message` (render_mime's output), unfolded.
inline std::string decoded_parts(const std::string& message) {
  const std::string marker = "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string out;
  for (std::size_t at = message.find(marker); at != std::string::npos;
       at = message.find(marker, at + 1)) {
    std::string in;
    for (std::size_t i = at + marker.size(); i < message.size() && message[i] != '-'; ++i) {
      if (message[i] != '\r' && message[i] != '\n') in += message[i];
    }
    std::string part(in.size() / 4 * 3 + 1, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(part.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n > 0) part.resize(static_cast<std::size_t>(n));
    for (std::size_t f = part.find("\r\n "); f != std::string::npos; f = part.find("\r\n ", f)) {
      part.erase(f, 3);
    }
    out += part + "\n";
  }
  return out;
}

inline std::string stored_text(const std::string& db) {
  pqxx::connection c(db);
  pqxx::read_transaction tx(c);
  std::string out;
  for (const auto& table : tx.exec("SELECT quote_ident(table_name) FROM information_schema.tables"
                                   " WHERE table_schema = 'public' AND (table_name LIKE 'notifier%'"
                                   " OR table_name = 'notifications')")) {
    for (const auto& row : tx.exec("SELECT t::text FROM " + table[0].as<std::string>() + " t")) {
      out += row[0].as<std::string>() + "\n";
    }
  }
  for (const auto& row : tx.exec("SELECT message FROM notifications")) {
    out += decoded_parts(row[0].as<std::string>());
  }
  return out;
}

}  // namespace slotwise::testing
