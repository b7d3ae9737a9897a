// Child processes for the integration tests: start a real binary with extra environment
// variables and its output in files, wait for it with a time limit, signal it, and always reap
// it (the destructor kills a child still running, so no test leaves a process behind).
//
// Thread-safety: one Subprocess per thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vmm::integration {

// A started child process.
class Subprocess {
 public:
  // Starts `argv` with `env` added to this process's environment; stdout and stderr go to the
  // given files (appended).
  Subprocess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::string& stdout_path, const std::string& stderr_path);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Waits up to `timeout` for the exit; the exit code (128 + signal when killed by one), or
  // nullopt while still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  // Sends `signal` (no-op once reaped).
  void Signal(int signal);

  // SIGTERM, up to `grace` to exit, then SIGKILL; returns the exit code.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// What a finished command printed and returned.
struct CommandResult {
  int exit_code = -1;  // -1: it did not finish within the time limit (and was killed)
  std::string out;
  std::string err;
};

// Runs `argv` to completion (killed after `timeout`), capturing stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env,
                         std::chrono::milliseconds timeout, const std::string& scratch_dir);

// Reads a whole file ("" if missing).
std::string ReadFile(const std::string& path);

}  // namespace vmm::integration
