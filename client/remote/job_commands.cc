#include "client/remote/job_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "client/exit_codes.h"
#include "client/remote/connection.h"
#include "client/remote/download.h"
#include "client/remote/job_output.h"
#include "client/remote/labels.h"
#include "client/remote/rpc_errors.h"
#include "client/remote/watch.h"

namespace vmm::client {
namespace {

// The flags of the job subcommands (each uses the ones it declares).
struct JobFlags {
  ConnectionFlags connection;
  std::string job;
  std::string output;
  int64_t offset = 0;
  bool resume = false;
  bool input = false;  // fetch: the job's input instead of its result
  std::string state;
  std::vector<std::string> labels;
  int page_size = 0;
  std::string page_token;
};

// Runs `body` with a connection, reporting a failed call; `body` returns a status and sets
// *exit_code on success.
template <typename Body>
int WithConnection(const std::string& command, const JobFlags& flags, Body body) {
  absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(flags.connection);
  if (!connection.ok()) return ReportError(command, connection.status(), flags.connection.json);
  int exit_code = kExitSuccess;
  const grpc::Status status = body(**connection, &exit_code);
  if (!status.ok()) {
    return ReportRpcError(command, status, flags.connection.json, flags.connection.server);
  }
  return exit_code;
}

void PrintOne(const vmm::v1::Job& job, bool json) {
  if (json) {
    std::cout << ToJson(job) << "\n";
  } else {
    PrintJob(job, std::cout);
  }
}

int ExitCodeForState(vmm::v1::Job::State state) {
  if (state == vmm::v1::Job::FAILED) return kExitFailure;
  if (state == vmm::v1::Job::CANCELLED) return kExitCancelled;
  return kExitSuccess;
}

int RunStatus(const JobFlags& flags) {
  return WithConnection("status", flags, [&](Connection& connection, int*) {
    vmm::v1::GetJobRequest request;
    request.set_name(JobName(flags.job));
    vmm::v1::Job job;
    const grpc::Status status =
        connection.stub().GetJob(connection.NewContext().get(), request, &job);
    if (status.ok()) PrintOne(job, flags.connection.json);
    return status;
  });
}

int RunWatch(const JobFlags& flags) {
  return WithConnection("watch", flags, [&](Connection& connection, int* exit_code) {
    ProgressDisplay progress("job", "frames");
    vmm::v1::Job job;
    const bool json = flags.connection.json;
    const grpc::Status status =
        WatchJobUntilFinal(connection, JobName(flags.job), json ? nullptr : &progress, json, &job);
    if (status.ok()) {
      if (!flags.connection.json && !job.failure_reason().empty()) {
        std::cerr << job.name() << ": " << job.failure_reason() << "\n";
      }
      *exit_code = ExitCodeForState(job.state());
    }
    return status;
  });
}

int RunList(const JobFlags& flags) {
  absl::StatusOr<std::map<std::string, std::string>> labels = ParseLabels(flags.labels);
  if (!labels.ok()) return ReportError("list", labels.status(), flags.connection.json);
  vmm::v1::Job::State state = vmm::v1::Job::STATE_UNSPECIFIED;
  if (!flags.state.empty() &&
      !vmm::v1::Job::State_Parse(absl::AsciiStrToUpper(flags.state), &state)) {
    std::cerr << "vmm list: --state " << flags.state
              << " is not one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED\n";
    return kExitUsage;
  }
  return WithConnection("list", flags, [&](Connection& connection, int*) {
    vmm::v1::ListJobsRequest request;
    request.set_page_size(flags.page_size);
    request.set_page_token(flags.page_token);
    request.set_state(state);
    request.mutable_labels()->insert(labels->begin(), labels->end());
    vmm::v1::ListJobsResponse response;
    const grpc::Status status =
        connection.stub().ListJobs(connection.NewContext().get(), request, &response);
    if (!status.ok()) return status;
    if (flags.connection.json) {
      std::cout << ToJson(response) << "\n";
    } else {
      PrintJobTable({response.jobs().begin(), response.jobs().end()}, std::cout);
      if (!response.next_page_token().empty()) {
        std::cout << "more: --page-token " << response.next_page_token() << "\n";
      }
    }
    return status;
  });
}

int RunCancel(const JobFlags& flags) {
  return WithConnection("cancel", flags, [&](Connection& connection, int*) {
    vmm::v1::CancelJobRequest request;
    request.set_name(JobName(flags.job));
    vmm::v1::Job job;
    const grpc::Status status =
        connection.stub().CancelJob(connection.NewContext().get(), request, &job);
    if (status.ok()) PrintOne(job, flags.connection.json);
    return status;
  });
}

int RunDelete(const JobFlags& flags) {
  return WithConnection("delete", flags, [&](Connection& connection, int*) {
    vmm::v1::DeleteJobRequest request;
    request.set_name(JobName(flags.job));
    google::protobuf::Empty empty;
    const grpc::Status status =
        connection.stub().DeleteJob(connection.NewContext().get(), request, &empty);
    if (status.ok()) {
      std::cout << (flags.connection.json ? "{\"deleted\":\"" + request.name() + "\"}"
                                          : "deleted " + request.name())
                << "\n";
    }
    return status;
  });
}

int RunFetch(const JobFlags& flags) {
  return WithConnection("fetch", flags, [&](Connection& connection, int*) {
    ProgressDisplay progress("download", "MiB");
    int64_t size = 0;
    const grpc::Status status = DownloadJobResult(
        connection, JobName(flags.job), flags.output, flags.resume ? -1 : flags.offset,
        flags.connection.json ? nullptr : &progress, &size,
        flags.input ? JobFile::kInput : JobFile::kResult);
    if (status.ok()) {
      if (flags.connection.json) {
        std::cout << "{\"output\":\"" << flags.output << "\",\"size_bytes\":" << size << "}\n";
      } else {
        std::cout << flags.output << "\n";
      }
    }
    return status;
  });
}

// Adds a subcommand taking a JOB argument and the connection flags.
CLI::App* AddJobSubcommand(CLI::App& app, const std::string& name, const std::string& help,
                           JobFlags& flags) {
  CLI::App* command = app.add_subcommand(name, help);
  command->add_option("job", flags.job, "The job: its id or jobs/{id}")->required();
  AddConnectionFlags(command, flags.connection);
  return command;
}

}  // namespace

void AddJobCommands(CLI::App& app, CommandRegistry& registry) {
  auto status = std::make_shared<JobFlags>();
  registry.Add(AddJobSubcommand(app, "status", "Show a job", *status),
               [status] { return RunStatus(*status); });

  auto watch = std::make_shared<JobFlags>();
  registry.Add(AddJobSubcommand(app, "watch", "Follow a job's progress until it ends", *watch),
               [watch] { return RunWatch(*watch); });

  auto cancel = std::make_shared<JobFlags>();
  registry.Add(AddJobSubcommand(app, "cancel", "Cancel a queued or running job", *cancel),
               [cancel] { return RunCancel(*cancel); });

  auto remove = std::make_shared<JobFlags>();
  registry.Add(AddJobSubcommand(app, "delete", "Delete a finished job and its files", *remove),
               [remove] { return RunDelete(*remove); });

  auto fetch = std::make_shared<JobFlags>();
  CLI::App* fetch_command =
      AddJobSubcommand(app, "fetch", "Download a job's result (or with --input its input)", *fetch);
  fetch_command->add_option("-o,--output", fetch->output, "Where to save it")->required();
  fetch_command
      ->add_option("--offset", fetch->offset,
                   "Keep the output's first N bytes and download the rest")
      ->check(CLI::NonNegativeNumber);
  fetch_command->add_flag("--resume", fetch->resume, "Go on after the bytes the output holds");
  fetch_command->add_flag("--input", fetch->input,
                          "Download the job's input as uploaded instead of its result");
  registry.Add(fetch_command, [fetch] { return RunFetch(*fetch); });

  auto list = std::make_shared<JobFlags>();
  CLI::App* list_command = app.add_subcommand("list", "List your jobs, newest first");
  list_command->add_option("--state", list->state,
                           "Only jobs in this state (QUEUED, RUNNING, SUCCEEDED, ...)");
  list_command->add_option("--label", list->labels, "Only jobs with label key=value");
  list_command->add_option("--page-size", list->page_size, "Jobs per page (default 50)")
      ->check(CLI::Range(0, 100000));
  list_command->add_option("--page-token", list->page_token, "Token of the page to show");
  AddConnectionFlags(list_command, list->connection);
  registry.Add(list_command, [list] { return RunList(*list); });
}

}  // namespace vmm::client
