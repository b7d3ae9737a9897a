// The unary routes: config, list, get, cancel, delete, upload offset.
#include <string>

#include "absl/strings/numbers.h"
#include "google/protobuf/empty.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "server/web/http_status.h"
#include "server/web/proto_json.h"
#include "server/web/routes.h"

namespace vmm::server::web {
namespace {

// Answers with `message` as JSON, or with the error.
void SendMessage(const grpc::Status& status, const google::protobuf::Message& message,
                 httplib::Response& response) {
  if (!status.ok()) return SendError(status, response);
  absl::StatusOr<std::string> json = ToJson(message);
  if (!json.ok()) return SendError(grpc::Status(grpc::StatusCode::INTERNAL,
                                                std::string(json.status().message())),
                                   response);
  response.set_content(*json, "application/json");
}

grpc::Status InvalidArgument(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// ListJobs's request from the query: pageSize, pageToken, state (a Job.State name).
grpc::Status ParseListQuery(const httplib::Request& request, vmm::v1::ListJobsRequest* list) {
  if (request.has_param("pageSize")) {
    int page_size = 0;
    if (!absl::SimpleAtoi(request.get_param_value("pageSize"), &page_size) || page_size < 0) {
      return InvalidArgument("pageSize must be a whole number, 0 or more");
    }
    list->set_page_size(page_size);
  }
  list->set_page_token(request.get_param_value("pageToken"));
  if (request.has_param("state")) {
    vmm::v1::Job::State state;
    if (!vmm::v1::Job::State_Parse(request.get_param_value("state"), &state)) {
      return InvalidArgument("state must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
    }
    list->set_state(state);
  }
  return grpc::Status::OK;
}

}  // namespace

void AddJobRoutes(const GatewayContext& gateway, httplib::Server& http) {
  http.Get("/api/config", [gateway](const httplib::Request&, httplib::Response& response) {
    nlohmann::json config = {{"authRequired", gateway.auth_required},
                             {"maxUploadBytes", gateway.max_upload_bytes}};
    response.set_content(config.dump(), "application/json");
  });

  http.Get("/api/jobs", [gateway](const httplib::Request& request, httplib::Response& response) {
    vmm::v1::ListJobsRequest list;
    if (grpc::Status status = ParseListQuery(request, &list); !status.ok()) {
      return SendError(status, response);
    }
    GatewayCall call(gateway.calls, request, TokenFrom::kHeader);
    vmm::v1::ListJobsResponse jobs;
    SendMessage(gateway.service->ListJobs(call.context(), list, &jobs), jobs, response);
  });

  http.Get(R"(/api/jobs/([^/:]+))",
           [gateway](const httplib::Request& request, httplib::Response& response) {
             vmm::v1::GetJobRequest get;
             get.set_name(request.matches[1]);
             GatewayCall call(gateway.calls, request, TokenFrom::kHeader);
             vmm::v1::Job job;
             SendMessage(gateway.service->GetJob(call.context(), get, &job), job, response);
           });

  http.Post(R"(/api/jobs/([^/:]+):cancel)",
            [gateway](const httplib::Request& request, httplib::Response& response) {
              vmm::v1::CancelJobRequest cancel;
              cancel.set_name(request.matches[1]);
              GatewayCall call(gateway.calls, request, TokenFrom::kHeader);
              vmm::v1::Job job;
              SendMessage(gateway.service->CancelJob(call.context(), cancel, &job), job,
                          response);
            });

  http.Delete(R"(/api/jobs/([^/:]+))",
              [gateway](const httplib::Request& request, httplib::Response& response) {
                vmm::v1::DeleteJobRequest remove;
                remove.set_name(request.matches[1]);
                GatewayCall call(gateway.calls, request, TokenFrom::kHeader);
                google::protobuf::Empty empty;
                SendMessage(gateway.service->DeleteJob(call.context(), remove, &empty), empty,
                            response);
              });

  http.Get(R"(/api/uploads/([^/:]+))",
           [gateway](const httplib::Request& request, httplib::Response& response) {
             vmm::v1::GetUploadOffsetRequest get;
             get.set_upload_id(request.matches[1]);
             GatewayCall call(gateway.calls, request, TokenFrom::kHeader);
             vmm::v1::UploadOffset offset;
             SendMessage(gateway.service->GetUploadOffset(call.context(), get, &offset), offset,
                         response);
           });
}

}  // namespace vmm::server::web
