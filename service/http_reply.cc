#include "service/http_reply.h"

#include <utility>

namespace slotwise::service {

void reply_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  // Moved in, not set_content(): that copies, and bodies can be large.
  res.body = std::move(body);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", kJsonContentType);
}

void reply_error(httplib::Response& res, const ApiError& error) {
  reply_json(res, error.status, error_body(error));
}

}  // namespace slotwise::service
