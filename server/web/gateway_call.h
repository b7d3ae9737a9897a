// One gRPC call that the JSON gateway makes on a browser's behalf, and the registry of calls in
// flight. A GatewayCall owns the call's grpc::ClientContext, carries the browser's credentials
// over as the `authorization` metadata the service checks (the gateway itself checks nothing),
// and stays registered while it lives, so that stopping the web server cancels every call a
// handler may be blocked in (a watch waiting for its next event, a download). Thread-safe.
//
//   GatewayCall call(&registry, request, TokenFrom::kHeaderOrQuery);
//   grpc::Status status = stub->GetJob(call.context(), get, &job);
#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"

namespace httplib {
struct Request;
}

namespace vmm::server::web {

// The calls in flight; CancelAll cancels them and every call registered after it.
class CallRegistry {
 public:
  void Add(grpc::ClientContext* context);
  void Remove(grpc::ClientContext* context);
  // Cancels every registered call; later calls are cancelled as they register.
  void CancelAll();

 private:
  absl::Mutex mutex_;
  absl::flat_hash_set<grpc::ClientContext*> calls_ ABSL_GUARDED_BY(mutex_);
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
};

// Where a request may carry its token. Elements that fetch by themselves (<video src>,
// EventSource, a download link) cannot send headers, so their GET requests may name the token
// in the query instead (`access_token`, as RFC 6750 section 2.3 allows).
enum class TokenFrom { kHeader, kHeaderOrQuery };

// The `authorization` metadata value a GatewayCall for `request` carries: the Authorization
// header (or "Bearer " and the query's access_token, where `from` allows it); empty if neither.
std::string AuthorizationOf(const httplib::Request& request, TokenFrom from);

// A call's context, registered for its lifetime.
class GatewayCall {
 public:
  GatewayCall(CallRegistry* registry, const httplib::Request& request, TokenFrom from);
  ~GatewayCall();
  GatewayCall(const GatewayCall&) = delete;
  GatewayCall& operator=(const GatewayCall&) = delete;

  grpc::ClientContext* context() { return &context_; }

 private:
  CallRegistry* registry_;
  grpc::ClientContext context_;
};

}  // namespace vmm::server::web
