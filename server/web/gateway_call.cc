#include "server/web/gateway_call.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace vmm::server::web {
namespace {

// gRPC refuses metadata values outside printable ASCII; such a value is no token anyway.
bool IsPrintableAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

void CallRegistry::Add(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  calls_.insert(context);
  if (closed_) context->TryCancel();
}

void CallRegistry::Remove(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  calls_.erase(context);
}

void CallRegistry::CancelAll() {
  absl::MutexLock lock(&mutex_);
  closed_ = true;
  for (grpc::ClientContext* context : calls_) context->TryCancel();
}

std::string AuthorizationOf(const httplib::Request& request, TokenFrom from) {
  std::string authorization = request.get_header_value("Authorization");
  if (authorization.empty() && from == TokenFrom::kHeaderOrQuery &&
      request.has_param("access_token")) {
    authorization = absl::StrCat("Bearer ", request.get_param_value("access_token"));
  }
  if (!IsPrintableAscii(authorization)) authorization = "Bearer (unprintable)";
  return authorization;
}

GatewayCall::GatewayCall(CallRegistry* registry, const httplib::Request& request, TokenFrom from)
    : registry_(registry) {
  const std::string authorization = AuthorizationOf(request, from);
  if (!authorization.empty()) context_.AddMetadata("authorization", authorization);
  registry_->Add(&context_);
}

GatewayCall::~GatewayCall() { registry_->Remove(&context_); }

}  // namespace vmm::server::web
