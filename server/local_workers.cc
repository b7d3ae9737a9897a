#include "server/local_workers.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/log.h"

extern char** environ;

namespace vmm::server {

LocalWorkers::~LocalWorkers() { Stop(); }

absl::Status LocalWorkers::Start() {
  if (options_.count <= 0) return absl::OkStatus();
  if (::access(options_.binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run the local worker binary ", options_.binary, ": ",
                     std::strerror(errno), " (set --worker-binary, or --local-workers 0)"));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    children_.resize(static_cast<size_t>(options_.count));
    for (int i = 0; i < options_.count; ++i) {
      children_[i].pid = Spawn(i);
      children_[i].started = absl::Now();
    }
  }
  supervisor_ = std::thread([this]() { Supervise(); });
  return absl::OkStatus();
}

pid_t LocalWorkers::Spawn(int index) {
  // Everything the child needs is built before fork: after it, only exec-safe calls.
  std::vector<std::string> args = {options_.binary,
                                   "--server",
                                   options_.server_address,
                                   "--metrics-port",
                                   absl::StrCat(options_.first_metrics_port + index),
                                   "--name",
                                   absl::StrCat("local-", index)};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, "VMM_TOKEN=", 10) != 0) env_strings.emplace_back(*entry);
  }
  if (!options_.token.empty()) env_strings.push_back(absl::StrCat("VMM_TOKEN=", options_.token));
  std::vector<char*> envp;
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    common::LogError(absl::StrCat("cannot start local worker ", index, ": ", std::strerror(errno)));
    return 0;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);  // the server died before prctl
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  common::LogInfo(absl::StrCat("started local worker ", index, " (pid ", pid, ")"));
  return pid;
}

void LocalWorkers::Supervise() {
  while (!stopping_.load()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const absl::Time now = absl::Now();
      for (size_t i = 0; i < children_.size(); ++i) {
        Child& child = children_[i];
        if (child.pid > 0) {
          int status = 0;
          if (::waitpid(child.pid, &status, WNOHANG) != child.pid) continue;
          const std::string how = WIFSIGNALED(status)
                                      ? absl::StrCat("was killed by signal ", WTERMSIG(status))
                                      : absl::StrCat("exited with status ", WEXITSTATUS(status));
          if (now - child.started > absl::Minutes(1)) child.backoff = absl::Seconds(1);
          common::LogWarning(absl::StrCat("local worker ", i, " (pid ", child.pid, ") ", how,
                                          "; restarting in ", absl::FormatDuration(child.backoff)));
          child.pid = 0;
          child.restart_at = now + child.backoff;
          child.backoff = std::min(child.backoff * 2, absl::Seconds(60));
        } else if (now >= child.restart_at) {
          child.pid = Spawn(static_cast<int>(i));
          child.started = now;
          if (child.pid == 0) child.restart_at = now + child.backoff;
        }
      }
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

void LocalWorkers::Stop() {
  if (stopping_.exchange(true)) return;
  if (supervisor_.joinable()) supervisor_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (Child& child : children_) {
    if (child.pid > 0) ::kill(child.pid, SIGTERM);
  }
  const absl::Time deadline = absl::Now() + options_.grace;
  for (Child& child : children_) {
    while (child.pid > 0) {
      int status = 0;
      const pid_t done = ::waitpid(child.pid, &status, WNOHANG);
      if (done == child.pid || (done < 0 && errno == ECHILD)) {
        child.pid = 0;
      } else if (absl::Now() >= deadline) {
        common::LogWarning(absl::StrCat("local worker pid ", child.pid,
                                        " did not stop within the grace period; killing it"));
        ::kill(child.pid, SIGKILL);
        ::waitpid(child.pid, &status, 0);
        child.pid = 0;
      } else {
        absl::SleepFor(absl::Milliseconds(50));
      }
    }
  }
}

std::vector<pid_t> LocalWorkers::Pids() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<pid_t> pids;
  for (const Child& child : children_) pids.push_back(child.pid);
  return pids;
}

}  // namespace vmm::server
