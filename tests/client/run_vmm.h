// Runs the `vmm` binary of this build as a user would, for the CLI tests: a real process, its
// stdout and stderr together, and its exit code.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace vmm::client::testing {

// What a finished `vmm` printed and returned.
struct Result {
  int exit_code = -1;  // 128 + the signal when one killed it
  std::string output;  // stdout and stderr together
};

// Runs `vmm <arguments>` through the shell (arguments are shell words) and waits for it.
inline Result RunVmm(const std::string& arguments) {
  Result result;
  const std::string command = std::string(VMM_CLI_PATH) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 4096> buffer{};
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) {
    result.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace vmm::client::testing
