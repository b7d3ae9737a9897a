// Connects CLI11 subcommands to the code that runs them: each subcommand registers an action
// that returns the process exit code (client/exit_codes.h); main runs the one the user chose.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace vmm::client {

// The work of one subcommand; returns the exit code.
using CommandAction = std::function<int()>;

// Remembers which action belongs to which subcommand.
class CommandRegistry {
 public:
  // Adds `action`, run when `subcommand` was parsed. `subcommand` is owned by the CLI::App.
  void Add(CLI::App* subcommand, CommandAction action) {
    entries_.emplace_back(subcommand, std::move(action));
  }

  // Runs the action of the parsed subcommand; returns -1 if none was parsed.
  int RunParsed() const {
    for (const auto& [subcommand, action] : entries_) {
      if (subcommand->parsed()) return action();
    }
    return -1;
  }

 private:
  std::vector<std::pair<CLI::App*, CommandAction>> entries_;
};

}  // namespace vmm::client
