// The `vmm` subcommands that talk to a vmm-server: submit, status, watch, list, cancel, fetch,
// delete and stream. Each takes --server (env VMM_SERVER, default 127.0.0.1:8001), --token (env
// VMM_TOKEN), --tls-ca and --json, and returns the exit codes of client/exit_codes.h.
//
// Thread-safety: call once, from main, before parsing. Ownership: the subcommands belong to
// `app`; their actions are stored in `registry`.
#pragma once

#include <CLI/CLI.hpp>

#include "client/command_registry.h"

namespace vmm::client {

// Adds every remote subcommand to `app` and its action to `registry`.
void AddRemoteCommands(CLI::App& app, CommandRegistry& registry);

}  // namespace vmm::client
